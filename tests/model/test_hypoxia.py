"""HIF-1alpha and HIF-2alpha part in prolonged hypoxia, and hypoxic LIF still needs HIF-2alpha.

HIF-1alpha is stabilised transiently at 1 % O2 while HIF-2alpha accumulates and stays
(Holmquist-Mengelbier 2006; Bartoszewski 2022), through HIF-1-induced PHD2 (Marxsen 2004)
and the aHIF antisense loop that destabilises HIF1A mRNA only (Uchida 2004). Hypoxia
induces LIF through HIF-2alpha, not HIF-1alpha (Wu 2015).
"""

from __future__ import annotations

import numpy as np
from model_helpers import trace, value_at

H = 3600.0
T72 = np.concatenate([np.linspace(0.0, 12 * H, 49), np.array([24, 36, 48, 60, 72]) * H])
HYPOXIA = {"cell": "generic", "conditions": {"oxygen": "1 %"}}
LUNG = {"cell": "lung_cancer"}
LUNG_HYPOXIA = {**LUNG, "conditions": {"oxygen": "1 %"}}


def _at(values: np.ndarray, t_h: float) -> float:
    return float(values[np.flatnonzero(np.isclose(T72, t_h * H))[0]])


def test_hif1a_is_transient_and_hif2a_sustained_over_72h_at_1pct_o2():
    hif1 = trace(HYPOXIA, "active:HIF1a", T72)
    hif2 = trace(HYPOXIA, "active:HIF2a", T72)
    # both are stabilised by hypoxia within hours
    assert hif1.max() > 3 * hif1[0] and hif2.max() > 3 * hif2[0]
    # HIF-1alpha peaks within the first day, then falls below half of its peak and stays there
    assert T72[np.argmax(hif1)] < 24 * H
    for t in (48, 60, 72):
        assert _at(hif1, t) < 0.5 * hif1.max()
    # HIF-2alpha is still near its peak at 72 h
    for t in (24, 48, 72):
        assert _at(hif2, t) > 0.75 * hif2.max()
    # so the balance shifts from HIF-1alpha to HIF-2alpha
    assert _at(hif2, 72) / _at(hif1, 72) > 2 * (hif2[np.argmax(hif1)] / hif1.max())


def test_hif1a_feedbacks_act_on_its_mrna_and_through_phd2():
    # aHIF lowers HIF1A mRNA in hypoxia; HIF-1 induces PHD2, less so after HIF1A knockdown
    m = trace(HYPOXIA, "mRNA:HIF1A", T72)
    assert _at(m, 24) < 0.5 * m[0]
    phd = value_at(HYPOXIA, "protein:EGLN1", 8 * H)
    phd0 = value_at({"cell": "generic"}, "protein:EGLN1", 8 * H)
    kd = {**HYPOXIA, "perturbations": [{"knockdown": "HIF1A"}]}
    assert phd > 1.05 * phd0
    assert value_at(kd, "protein:EGLN1", 8 * H) < phd


def test_hif2a_knockdown_still_abrogates_hypoxic_lif():
    for t in (24 * H, 72 * H):
        base = value_at(LUNG, "mRNA:LIF", t)
        hyp = value_at(LUNG_HYPOXIA, "mRNA:LIF", t)
        kd2 = value_at({**LUNG_HYPOXIA, "perturbations": [{"knockdown": "EPAS1"}]}, "mRNA:LIF", t)
        kd1 = value_at({**LUNG_HYPOXIA, "perturbations": [{"knockdown": "HIF1A"}]}, "mRNA:LIF", t)
        assert hyp > 1.5 * base
        # HIF-2alpha knockdown removes at least half of the hypoxic rise ...
        assert kd2 - base <= 0.5 * (hyp - base)
        # ... HIF-1alpha knockdown does not lower it
        assert kd1 >= 0.95 * hyp
