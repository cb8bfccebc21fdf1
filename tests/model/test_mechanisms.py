"""Mechanism corrections, each against the direction its source states."""

from __future__ import annotations

import cytonet


def _at(readout, exp, t):
    df = cytonet.run(exp, readouts=[readout], times=[t])
    return float(df.loc[df.time_s == t, "value"].iloc[0])


def test_shp2_restrains_stat3_as_well_as_driving_erk():
    """SHP2 at gp130 pY759 attenuates IL-6 signalling (Schmitz 2000): without it pSTAT3
    rises while the ERK arm loses its drive."""
    il6 = {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}}
    ko = {**il6, "perturbations": [{"knockout": "PTPN11"}]}
    for t in (1800.0, 3600.0):
        assert _at("phospho:STAT3", ko, t) > 1.02 * _at("phospho:STAT3", il6, t)
    assert _at("phospho:ERK", ko, 1800.0) < 0.5 * _at("phospho:ERK", il6, 1800.0)
