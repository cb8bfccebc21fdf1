"""pyPESTO's own roadrunner importer fits an exported problem (issue 9: "a PEtab export that
any PEtab tool fits").

The problem is exported from synthetic data made by ``cytonet.run`` (experiments in the
list layout ``cytonet simulate`` accepts), loaded with ``petab.v1.Problem.from_yaml`` and
:class:`pypesto.objective.roadrunner.PetabImporterRR`, nothing of cytonet's in between.
The only settings are those docs/calibration.md tells a user: roadrunner's steady-state
approximation gets cytonet's pre-equilibration span (the model's slowest relaxation is
protein turnover, days; roadrunner's default window is 10,000 s), and CVODE tolerances
of 1e-8 / 1e-12 (with pyPESTO's default rtol of 1e-6 the llh differed by up to 2e-3 at
parameters 0.1-0.3 decades from the nominal ones).

pyPESTO's roadrunner calculator toggles conserved-moiety analysis around every
pre-equilibration, and libRoadRunner recompiles the model each time (about 3 s here), so
each objective call costs seconds: one experiment, few evaluations.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pypesto.objective.roadrunner", reason="pyPESTO's roadrunner importer "
                    "needs pypesto with libroadrunner (calibrate extra)")
petab = pytest.importorskip("petab.v1", reason="petab is in the calibrate extra")

EXPERIMENTS = """\
- name: il6
  cell: hepatocyte
  stimuli: {IL6: 10 ng/mL}
"""
READOUTS = ["phospho:STAT3", "mRNA:SOCS3"]
TIMES_MIN = [0, 10, 30, 60, 120]
ESTIMATE = ["kdeact_JAK"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A problem from perturbed-free synthetic data: sd given for phospho:STAT3 (fixed noise
    parameter), none for mRNA:SOCS3 (estimated sd)."""
    from cytonet.calibrate.export import export_petab_files, load_experiment_file
    from cytonet.experiments.runner import run

    d = tmp_path_factory.mktemp("pypesto_rr")
    (d / "experiments.yaml").write_text(EXPERIMENTS, encoding="utf-8")
    rows = []
    for name, exp in load_experiment_file(d / "experiments.yaml").items():
        df = run(exp, READOUTS, [60.0 * t for t in TIMES_MIN])
        for r in df.itertuples():
            noisy = float(r.value * (1.0 + 0.05 * np.sin(r.time_s)))  # not a perfect fit
            rows.append({"experiment": name, "readout": r.readout,
                         "time": f"{r.time_s / 60:g} min", "measurement": repr(noisy),
                         "sd": "2.0" if r.readout == "phospho:STAT3" else ""})
    pd.DataFrame(rows).to_csv(d / "data.tsv", sep="\t", index=False)
    return export_petab_files(d / "experiments.yaml", d / "data.tsv", d / "petab",
                              estimate=ESTIMATE, scaling="none", name="synthetic")


@pytest.fixture(scope="module")
def pypesto_problem(exported):
    """pyPESTO's problem from its own importer, steady-state window set as documented."""
    from pypesto.objective.roadrunner import PetabImporterRR, SolverOptions

    from cytonet.experiments.combine import PRE_EQUILIBRATION_S

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        importer = PetabImporterRR(petab.Problem.from_yaml(exported.yaml_path))
    problem = importer.create_problem()
    rr = problem.objective.roadrunner_instance
    rr.setSteadyStateSolver("newton")
    rr.getSteadyStateSolver().setValue("approx_time", PRE_EQUILIBRATION_S)
    problem.objective.solver_options = SolverOptions(
        relative_tolerance=1e-8, absolute_tolerance=1e-12, maximum_num_steps=100_000)
    return importer, problem


def test_export_noise_is_a_parameter_not_a_row_number(exported):
    meas = pd.read_csv(exported.yaml_path.parent / "measurements.tsv", sep="\t")
    par = pd.read_csv(exported.yaml_path.parent / "parameters.tsv", sep="\t").set_index(
        "parameterId")
    assert set(meas.noiseParameters) == {"sd_obs_phospho_STAT3", "sd_obs_mRNA_SOCS3"}
    assert par.loc["sd_obs_phospho_STAT3", ["nominalValue", "estimate"]].tolist() == [2.0, 0]
    assert par.loc["sd_obs_mRNA_SOCS3", "estimate"] == 1


def test_pypesto_roadrunner_llh_equals_cytonet_petab_llh(exported, pypesto_problem, capsys):
    """Both engines at CVODE 1e-10 / 1e-14, where each has converged (at the documented
    1e-8 / 1e-12 each sits within about 2e-6 of the converged llh, in opposite directions,
    so their difference there measures the tolerances, not the equivalence)."""
    from pypesto.objective.roadrunner import SolverOptions

    from cytonet.cli import main

    importer, problem = pypesto_problem
    x = np.asarray(importer.petab_problem.x_nominal_free_scaled)
    assert len(x) == len(problem.x_free_indices) == 2  # kdeact_JAK, sd_obs_mRNA_SOCS3
    documented = problem.objective.solver_options
    problem.objective.solver_options = SolverOptions(
        relative_tolerance=1e-10, absolute_tolerance=1e-14, maximum_num_steps=100_000)
    try:
        fval = float(problem.objective(x))
    finally:
        problem.objective.solver_options = documented
    assert main(["petab", "llh", str(exported.yaml_path), "--rtol", "1e-10",
                 "--atol", "1e-14"]) == 0
    llh = float(re.search(r"^llh: (\S+)$", capsys.readouterr().out, re.M).group(1))
    assert np.isfinite(fval)
    assert -fval == pytest.approx(llh, abs=1e-6)


def test_pypesto_roadrunner_optimisation_improves_a_perturbed_start(pypesto_problem):
    import pypesto.optimize as optimize

    importer, problem = pypesto_problem
    x_nominal = np.asarray(importer.petab_problem.x_nominal_free_scaled)
    names = [problem.x_names[i] for i in problem.x_free_indices]
    start = x_nominal.copy()
    start[names.index("kdeact_JAK")] += 0.5  # three-fold too fast JAK deactivation
    f_start = float(problem.objective(start))
    full = np.asarray(importer.petab_problem.x_nominal_scaled, dtype=float)
    full[problem.x_free_indices] = start
    problem.set_x_guesses(full[None, :])
    result = optimize.minimize(
        problem, optimizer=optimize.ScipyOptimizer(method="Powell", options={"maxfev": 8}),
        n_starts=1, progress_bar=False)
    best = result.optimize_result[0]
    assert np.isfinite(best.fval)
    assert best.fval < f_start - 1.0
