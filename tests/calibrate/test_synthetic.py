"""A tiny PEtab problem with a closed-form solution exercises every feature against hand-computed llh.

Model: ``-> A`` at rate ``kin``; ``A -> B`` at ``k*A``; ``B ->`` at ``kd*B``. Covered:
preequilibration, a species override in a condition, a condition value naming a
parameter-table parameter, numeric and parameter-id observable/noise overrides, a noise
parameter used directly in a noise formula, lin/log/log10 observable transformations,
normal and laplace noise, lin/log/log10 parameter scales, and a steady-state time point (inf).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from calibrate_helpers import synthetic_sbml

PARAMETERS = """parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate
k\tlog10\t0.001\t1000\t0.5\t1
kd\tlin\t0.1\t10\t1.2\t1
kin_par\tlog\t0.01\t100\t1.0\t1
scale\tlin\t0\t10\t1.5\t1
sd_A\tlog10\t0.001\t10\t0.2\t1
"""

CONDITIONS = """conditionId\tkin\tA
pre\t2\t
stim\t0\t
ctrl\tkin_par\t5
"""

OBSERVABLES = """observableId\tobservableFormula\tnoiseFormula\tobservableTransformation\tnoiseDistribution
obsA\tobservableParameter1_obsA * A\tnoiseParameter1_obsA\tlin\tnormal
obsB\tB + 1\tnoiseParameter1_obsB\tlog10\tlaplace
obsA_log\tA\tsd_A\tlog\tnormal
"""

# observableId, preeq, sim, measurement, time, observableParameters, noiseParameters
ROWS = [
    ("obsA", "pre", "stim", 7.0, 0.0, "2.0", "sd_A"),
    ("obsA", "pre", "stim", 5.0, 1.0, "2.0", "sd_A"),
    ("obsA", "pre", "stim", 3.0, 2.0, "2.0", "sd_A"),
    ("obsA", "", "ctrl", 4.5, 1.0, "scale", "0.3"),
    ("obsA", "", "ctrl", 3.2, math.inf, "scale", "0.3"),
    ("obsB", "", "ctrl", 1.5, 1.0, "", "0.1"),
    ("obsB", "", "ctrl", 2.5, 2.0, "", "0.1"),
    ("obsB", "pre", "stim", 2.8, 0.5, "", "0.2"),
    ("obsA_log", "", "stim", 6.0, 1.0, "", ""),
]


def write_problem(folder):
    (folder / "model.xml").write_text(synthetic_sbml())
    (folder / "parameters.tsv").write_text(PARAMETERS)
    (folder / "conditions.tsv").write_text(CONDITIONS)
    (folder / "observables.tsv").write_text(OBSERVABLES)
    lines = [
        "observableId\tpreequilibrationConditionId\tsimulationConditionId\tmeasurement\ttime"
        "\tobservableParameters\tnoiseParameters"
    ]
    lines += ["\t".join(str(v) for v in row) for row in ROWS]
    (folder / "measurements.tsv").write_text("\n".join(lines) + "\n")
    (folder / "problem.yaml").write_text(
        "format_version: 1\nparameter_file: parameters.tsv\nproblems:\n"
        "- condition_files: [conditions.tsv]\n  measurement_files: [measurements.tsv]\n"
        "  observable_files: [observables.tsv]\n  sbml_files: [model.xml]\n"
    )
    return folder / "problem.yaml"


def states(k, kd, kin, a0, b0, t):
    """Closed-form A(t), B(t) for constant kin (kd != k)."""
    if math.isinf(t):
        return kin / k, kin / kd
    a_inf = kin / k
    a = a_inf + (a0 - a_inf) * math.exp(-k * t)
    c = k * (a0 - a_inf) / (kd - k)
    b_inf = kin / kd
    b = b_inf + c * math.exp(-k * t) + (b0 - b_inf - c) * math.exp(-kd * t)
    return a, b


def expected_llh(k, kd, kin_par, scale, sd_a):
    pre_a, pre_b = 2.0 / k, 2.0 / kd  # steady state of the preequilibration (kin = 2)
    total, chi2 = 0.0, 0.0
    for oid, pre, sim, m, t, opar, npar in ROWS:
        if sim == "ctrl":
            a, b = states(k, kd, kin_par, 5.0, 0.0, t)
        elif pre:
            a, b = states(k, kd, 0.0, pre_a, pre_b, t)
        else:
            a, b = states(k, kd, 0.0, 10.0, 0.0, t)
        if oid == "obsA":
            y = (scale if opar == "scale" else float(opar)) * a
            sigma = sd_a if npar == "sd_A" else float(npar)
            r = (y - m) / sigma
            term = -0.5 * math.log(2 * math.pi * sigma**2) - 0.5 * r * r
        elif oid == "obsB":
            y, sigma = b + 1.0, float(npar)
            r = (math.log10(y) - math.log10(m)) / sigma
            term = -math.log(2 * sigma) - abs(r) - math.log(m * math.log(10))
        else:
            y, sigma = a, sd_a
            r = (math.log(y) - math.log(m)) / sigma
            term = -0.5 * math.log(2 * math.pi * sigma**2) - 0.5 * r * r - math.log(m)
        total += term
        chi2 += r * r
    return total, chi2


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from cytonet.calibrate.petab_problem import load_petab_problem

    return load_petab_problem(write_problem(tmp_path_factory.mktemp("synthetic")))


def test_nominal_llh_matches_closed_form(synthetic):
    ev = synthetic.evaluate()
    llh, chi2 = expected_llh(0.5, 1.2, 1.0, 1.5, 0.2)
    assert ev.llh == pytest.approx(llh, abs=1e-5)
    assert ev.chi2 == pytest.approx(chi2, rel=1e-6)


def test_scaled_parameters_are_unscaled(synthetic):
    # x in table order: k (log10), kd (lin), kin_par (log), scale (lin), sd_A (log10)
    x = np.array([math.log10(0.25), 0.8, math.log(1.7), 2.2, math.log10(0.35)])
    llh, chi2 = expected_llh(0.25, 0.8, 1.7, 2.2, 0.35)
    ev = synthetic.evaluate(x)
    assert ev.llh == pytest.approx(llh, abs=1e-5)
    assert ev.chi2 == pytest.approx(chi2, rel=1e-6)


def test_objective_gradient_matches_llh_differences(synthetic):
    from cytonet.calibrate.objective import PetabObjective

    obj = PetabObjective(synthetic)
    x = np.array([math.log10(0.4), 1.1, 0.1, 1.4, math.log10(0.25)])
    f, grad, fim = obj.derivatives(x)
    assert f == pytest.approx(-synthetic.llh(x))
    direction = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    h = 1e-5
    slope = (obj(x + h * direction) - obj(x - h * direction)) / (2 * h)
    assert grad @ direction == pytest.approx(slope, rel=1e-4, abs=1e-6)
    assert np.all(np.linalg.eigvalsh(fim) > -1e-8)  # positive semi-definite


def test_objective_pickles_to_same_llh(synthetic):
    from cytonet.calibrate.objective import PetabObjective

    obj = PetabObjective(synthetic)
    copy = pickle.loads(pickle.dumps(obj))
    assert copy._problem is None  # rebuilt lazily from the path
    x = np.array([math.log10(0.4), 1.1, 0.1, 1.4, math.log10(0.25)])
    assert copy(x) == obj(x)
    assert len(pickle.dumps(obj)) < 2000  # path and options only, no compiled model
