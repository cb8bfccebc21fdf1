"""With turnover switched off the model conserves STAT3 and gp130 (amounts, dimers twice)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cytonet.compile.model import STIMULUS_SPECIES
from cytonet.experiments.parse import parse_experiment
from cytonet.experiments.runner import Simulator, experiment_values

# parameters that create or destroy molecules (synthesis, degradation, internalization)
TURNOVER = re.compile(r"^(ksyn|kdeg|kint)_")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def entity_count(species, entity: str) -> int:
    return sum(c.count for c in species.components if c.entity == entity and not c.is_mrna)


def turnover_parameters(net, entity: str) -> set[str]:
    """Turnover parameters of every reaction that changes the number of ``entity``."""
    out: set[str] = set()
    unswitchable = []
    for r in net.reactions:
        delta = (sum(n * entity_count(net.species[s], entity) for s, n in r.products.items())
                 - sum(n * entity_count(net.species[s], entity) for s, n in r.reactants.items()))
        if delta == 0:
            continue
        names = {x for x in IDENT.findall(r.rate) if x in net.parameters and TURNOVER.match(x)}
        if not names:
            unswitchable.append(r.id)
        out |= names
    assert not unswitchable, (f"reactions change the amount of {entity} without a "
                              f"ksyn_/kdeg_/kint_ parameter: {unswitchable}")
    return out


@pytest.fixture(scope="module")
def private_sim(model):
    """A simulator of its own: these tests change parameters the shared one must not see."""
    return Simulator(model)


@pytest.mark.parametrize("entity", ["STAT3", "IL6ST"])
def test_total_is_conserved_without_turnover(entity, model, private_sim):
    net = model.network
    exp = parse_experiment({"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}})
    pairs = [(sid, entity_count(sp, entity)) for sid, sp in net.species.items()
             if entity_count(sp, entity)]
    assert len(pairs) > 3
    off = turnover_parameters(net, entity)
    assert off, f"no turnover parameters found for {entity}"
    be = private_sim.backend
    state = private_sim.steady_state(exp)
    be.set_state(state)
    be.set_values(experiment_values(model, exp, stimulated=True))
    be.set_values({STIMULUS_SPECIES[s]: nM for s, nM in exp.stimuli})
    be.set_values({pid: 0.0 for pid in off})
    times = np.linspace(0.0, 2 * 3600.0, 49)
    data = be.integrate(times[-1], times, [f"[{sid}]" for sid, _ in pairs])
    volumes = [model.volumes[net.species[sid].compartment] for sid, _ in pairs]
    amounts = data * np.asarray(volumes)  # concentration x volume
    total = amounts @ np.asarray([n for _, n in pairs], dtype=float)
    assert total[0] > 0
    np.testing.assert_allclose(total, total[0], rtol=1e-6, atol=0)
    # not vacuous: IL-6 moved the entity between its forms
    assert np.abs(amounts - amounts[0]).max() > 1e-3 * total[0]
