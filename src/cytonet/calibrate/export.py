"""Export cytonet experiments and data as a PEtab v1 problem on cytonet's own SBML model.

The exported problem simulates exactly what ``cytonet.experiments.run`` simulates:

* **Conditions.** Each named experiment becomes a simulation condition ``c_<name>`` that sets
  every value the protocol sets at t = 0 (:func:`~cytonet.experiments.plan.stimulated_values`:
  ``expr_X`` context levels and perturbations, ``act_X`` drug occupancy, culture
  conditions, sequestering-drug boundary species, released-species counters at 0) and
  each stimulus as a bolus in its dose species (``IL6_dose`` ... in nM), which mixes into
  the conditioned medium (``IL6_m``, holding autocrine ligand) within seconds, so the
  condition is exact at any parameter values.
* **Pre-equilibration.** Experiments that share cells (context and perturbations) share a
  condition ``pre_<k>``: the same ``expr_X``/``act_X``/drug values, default culture
  conditions and all stimulus species at 0. It is every measurement's
  ``preequilibrationConditionId``, so the PEtab simulation is: steady state of the
  unstimulated cells, then stimuli and conditions at t = 0.
* **Observables.** Readout ``KIND:ENTITY`` becomes ``obs_<kind>_<ENTITY>`` with formula
  ``scale * (sum of weight * species) [* act_X]`` (+ ``offset``), the readout of the model
  interface (cell-average nM; ``active:`` readouts of drug targets carry ``act_X``).
* **Noise** is a parameter, never a per-row number: the noise formula is
  ``noiseParameter1_<observable>`` and each measurement's ``noiseParameters`` names a
  parameter-table id: ``sd_<observable>``, estimated where the data give no ``sd``, fixed
  at the data's ``sd`` where they do (one fixed parameter per distinct value; an
  observable whose sd changes within one experiment is replicated per sd, as
  ``petab.flatten_timepoint_specific_output_overrides`` does).
* **Model.** ``model.xml`` is the annotated SBML starting at the generic cells'
  unstimulated steady state (:func:`cytonet.experiments.combine.baseline_sbml`, the SBML
  of ``cytonet model export``), so a steady-state search starts near a steady state.
* **Parameters.** Every kinetic parameter of the compiled model is listed at its current
  value (``compile_model()``, i.e. ``parameters.yaml``); the ``estimate`` ones are
  estimated on log10 scale within value/100 .. value*100, the rest are fixed. Parameters
  set by the condition table and assignment-rule targets are not listed (PEtab forbids it).

Times are seconds (the model's unit); concentrations nM.
"""

from __future__ import annotations

__all__ = [
    "ExportResult",
    "ReadoutSpec",
    "export_petab",
    "export_petab_files",
    "load_experiment_file",
    "load_data_file",
    "petab_id",
    "readout_expression",
    "condition_table",
    "kinetic_parameter_rows",
    "write_petab_yaml",
]

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, PetabError, Problem
from ..experiments.types import Experiment, Readout
from . import _columns as C

ESTIMATE_FOLD = 100.0  # bounds of estimated kinetic parameters: value / fold .. value * fold


def petab_id(text: str) -> str:
    """A valid PEtab / SBML id made from ``text`` (non-word characters -> '_')."""
    s = re.sub(r"[^A-Za-z0-9_]+", "_", str(text)).strip("_")
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = "x_" + s
    return s


def _fmt(v: float) -> str:
    return repr(float(v))


# ------------------------------------------------------------------------------ inputs
def load_experiment_file(path: str | Path, catalog=None) -> dict[str, Experiment]:
    """``name -> Experiment`` from an experiment file in any layout ``cytonet simulate``
    accepts (:func:`cytonet.experiments.load.load_experiments`, the one loader)."""
    from ..experiments.load import load_experiments

    return dict(load_experiments(path, catalog=catalog))


def load_data_file(path: str | Path) -> pd.DataFrame:
    """Data table: experiment, readout, time ('30 min'), measurement, optional sd.

    Returns columns experiment, readout, time_s, measurement, sd (NaN where not given).
    TSV for ``.tsv``/``.tab`` files, CSV otherwise.
    """
    path = Path(path)
    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    import io

    from .._yaml import read_text
    try:
        df = pd.read_csv(io.StringIO(read_text(path)), sep=sep, dtype=str, keep_default_na=False)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pandas raises several kinds for a bad table
        raise PetabError(Problem(f"cannot read as a {'tab' if sep == chr(9) else 'comma'}-"
                                 f"separated table: {exc}", file=str(path))) from exc
    return normalise_data(df, file=str(path))


def normalise_data(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check and convert a data table (see :func:`load_data_file`)."""
    from ..units import parse_quantity, to_seconds

    df = df.rename(columns={c: c.strip() for c in df.columns})
    missing = [c for c in ("experiment", "readout", "time", "measurement") if c not in df.columns]
    if missing:
        raise PetabError(Problem(f"data table lacks column(s) {', '.join(missing)}", file=file))
    problems: list[Problem] = []
    rows = []
    for i, r in df.reset_index(drop=True).iterrows():
        where = Problem("", file=file, line=i + 2, item=f"data row {i + 1}")
        try:
            t = r["time"]
            ts = float(t) if isinstance(t, (int, float)) else to_seconds(
                parse_quantity(str(t).strip(), where=where, kind="time"))
        except Exception as exc:  # noqa: BLE001 - collected and reported together
            problems.append(Problem(str(exc), file=file, line=i + 2, item=where.item,
                                    field="time"))
            continue
        try:
            m = float(r["measurement"])
            sd_text = str(r.get("sd", "") if "sd" in df.columns else "").strip()
            sd = float(sd_text) if sd_text not in ("", "nan", "NaN") else math.nan
        except ValueError as exc:
            problems.append(Problem(f"not a number: {exc}", file=file, line=i + 2,
                                    item=where.item, field="measurement/sd"))
            continue
        if not math.isnan(sd) and sd <= 0:
            problems.append(Problem(f"sd must be positive, got {sd}", file=file, line=i + 2,
                                    item=where.item, field="sd"))
            continue
        rows.append({"experiment": str(r["experiment"]).strip(),
                     "readout": str(r["readout"]).strip(), "time_s": ts, "measurement": m,
                     "sd": sd, "line": i + 2})
    if problems:
        raise PetabError(problems)
    return pd.DataFrame(rows, columns=["experiment", "readout", "time_s", "measurement", "sd",
                                       "line"])


# ------------------------------------------------------------------------------ model pieces
def readout_expression(model, readout: Readout) -> str:
    """``(weight * species + ...) * scale``: the readout of the model interface (cell-average
    nM; ``active:`` readouts of drug targets times the activity left, ``act_X``)."""
    rt = model.interface.readout(readout.kind, readout.entity)
    body = " + ".join(f"{_fmt(w)} * {sel.strip('[]')}" for sel, w in rt.terms)
    return f"({body}) * {rt.scale}" if rt.scale else body


def _prestimulus_name(exp: Experiment) -> str:
    pre = exp.prestimulus()
    return petab_id("pre_" + (pre.describe().replace(" ", "")))


def condition_table(model, experiments: dict[str, Experiment]
                    ) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """Condition table and ``name -> (preequilibration id, simulation id)`` per experiment.

    The values are the protocol's own (:func:`~cytonet.experiments.plan.prestimulus_values`,
    :func:`~cytonet.experiments.plan.stimulated_values`): a stimulus is a bolus in its dose
    species, which mixes into the conditioned medium, so the problem is exact at any
    parameters."""
    from ..experiments.plan import prestimulus_values, stimulated_values

    rows: dict[str, dict] = {}
    ids: dict[str, tuple[str, str]] = {}
    stim_cols = list(model.interface.stimulus_species.values())
    for name, exp in experiments.items():
        pre_id = _prestimulus_name(exp)
        if pre_id not in rows:
            row = {C.CONDITION_ID: pre_id,
                   C.CONDITION_NAME: "pre-equilibration: " + (exp.prestimulus().describe())}
            row.update({k: _fmt(v) for k, v in prestimulus_values(model, exp).items()})
            row.update({sid: "0.0" for sid in stim_cols})
            rows[pre_id] = row
        sim_id = petab_id("c_" + name)
        if sim_id in rows:
            raise PetabError(Problem(f"experiment names {name!r} and another give the same "
                                     f"PEtab id {sim_id!r}", item=name))
        row = {C.CONDITION_ID: sim_id, C.CONDITION_NAME: exp.describe()}
        row.update({k: _fmt(v) for k, v in stimulated_values(model, exp).items()})
        rows[sim_id] = row
        ids[name] = (pre_id, sim_id)
    df = pd.DataFrame(list(rows.values())).fillna("")
    return df, ids


def kinetic_parameter_rows(model, estimate=(), exclude=()) -> list[dict]:
    """Parameter-table rows for the model's parameters (estimated ones on log10 scale)."""
    net = model.network
    estimate = list(dict.fromkeys(estimate))
    skip = set(exclude) | {r.variable for r in net.rules} | set(net.compartments.values())
    unknown = [p for p in estimate if p not in net.parameters]
    bad = [p for p in estimate if p in skip]
    problems = [Problem(f"--estimate {p}: not a parameter of the compiled model", item=p)
                for p in unknown]
    problems += [Problem(f"--estimate {p}: set per experiment or by a rule; cannot be estimated",
                         item=p) for p in bad]
    problems += [Problem(f"--estimate {p}: value 0 cannot be estimated on log10 scale", item=p)
                 for p in estimate if p in net.parameters and net.parameters[p].value <= 0]
    if problems:
        raise PetabError(problems)
    rows = []
    for pid, par in net.parameters.items():
        if pid in skip:
            continue
        v = float(par.value)
        if pid in estimate:
            rows.append(_prow(pid, "log10", v / ESTIMATE_FOLD, v * ESTIMATE_FOLD, v, 1,
                              f"{par.unit}; {par.provenance.kind}"))
        else:
            rows.append(_prow(pid, "lin", v, v, v, 0, f"{par.unit}; {par.provenance.kind}"))
    return rows


def _prow(pid, scale, lb, ub, nominal, estimate, name="") -> dict:
    return {C.PARAMETER_ID: pid, C.PARAMETER_NAME: name, C.PARAMETER_SCALE: scale,
            C.LOWER_BOUND: _fmt(lb), C.UPPER_BOUND: _fmt(ub), C.NOMINAL_VALUE: _fmt(nominal),
            C.ESTIMATE: str(int(estimate))}


def write_petab_yaml(out: Path, name: str) -> Path:
    """``<name>.yaml`` naming model.xml and the four tables in ``out``."""
    import yaml

    doc = {"format_version": 1, "parameter_file": "parameters.tsv",
           "problems": [{"sbml_files": ["model.xml"], "condition_files": ["conditions.tsv"],
                         "measurement_files": ["measurements.tsv"],
                         "observable_files": ["observables.tsv"]}]}
    path = out / f"{name}.yaml"
    from ..outputs import write_text_atomic

    write_text_atomic(path, yaml.safe_dump(doc, sort_keys=False))
    return path


def _write_tsv(df: pd.DataFrame, path: Path) -> None:
    from ..outputs import write_atomic

    write_atomic(path, lambda f: df.to_csv(f, sep="\t", index=False, na_rep=""))


def _noise_parameters(oid: str, sds: pd.Series, nominal: float) -> tuple[list[str], list[dict]]:
    """The noise parameter of each row of one observable, and their parameter-table rows.

    Rows without an ``sd`` share one estimated ``sd_<observable>``; given sds are fixed
    parameters, one per distinct value (``sd_<observable>`` when every row gives the same
    one). Noise is thus always a parameter-table id, never a per-row number (which tools
    read as a time-point-specific override)."""
    values = sds.to_numpy(dtype=float)
    given = sorted({float(v) for v in values if not math.isnan(v)})
    rows, ids = [], {}
    if np.any(np.isnan(values)):
        rows.append(_prow(f"sd_{oid}", "log10", nominal * 1e-3, nominal * 1e3, nominal, 1,
                          "noise standard deviation"))
    for k, v in enumerate(given, start=1):
        pid = f"sd_{oid}" if len(given) == 1 and not rows else f"sd_{oid}_{k}"
        ids[v] = pid
        rows.append(_prow(pid, "lin", v, v, v, 0, "noise standard deviation (data)"))
    return [f"sd_{oid}" if math.isnan(v) else ids[float(v)] for v in values], rows


def _flatten_timepoint_specific_noise(obs_df: pd.DataFrame, meas: pd.DataFrame
                                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where one observable has several noise parameters within one experiment (sds that
    change over time), replicate the observable per noise parameter, as
    :func:`petab.v1.flatten_timepoint_specific_output_overrides` does, so that every
    (condition, observable) has one noise parameter; otherwise unchanged."""
    keys = [C.PREEQUILIBRATION_CONDITION_ID, C.SIMULATION_CONDITION_ID, C.OBSERVABLE_ID]
    if (meas.groupby(keys)[C.NOISE_PARAMETERS].nunique() <= 1).all():
        return obs_df, meas
    import petab.v1 as petab

    problem = petab.Problem(observable_df=petab.get_observable_df(obs_df),
                            measurement_df=petab.get_measurement_df(meas))
    petab.flatten_timepoint_specific_output_overrides(problem)
    return problem.observable_df.reset_index(), problem.measurement_df


# ------------------------------------------------------------------------------ export
@dataclass
class ReadoutSpec:
    """How a readout is observed: scaling 'estimate' | 'fixed' (1) | 'none'; offset on/off."""

    scaling: str = "estimate"
    offset: bool = False


@dataclass
class ExportResult:
    yaml_path: Path
    n_conditions: int
    n_preequilibrations: int
    observables: list[str]
    n_measurements: int
    estimated: list[str] = field(default_factory=list)


def export_petab(experiments: dict[str, Experiment], data: pd.DataFrame, out_dir: str | Path, *,
                 estimate=(), model=None, scaling: str = "estimate", offset: bool = False,
                 name: str = "cytonet", catalog=None) -> ExportResult:
    """Write a PEtab v1 problem (``<name>.yaml`` + model.xml + 4 tables) to ``out_dir``.

    ``experiments``: name -> Experiment; ``data``: the table of :func:`normalise_data`.
    ``scaling``: 'estimate' (log10 scale factor per observable, nominal 1), 'fixed'
    (listed, fixed at 1) or 'none'; ``offset`` adds an estimated additive offset.
    """
    from ..compile import compile_model
    from ..experiments.combine import baseline_sbml
    from ..experiments.parse import parse_readout

    if scaling not in ("estimate", "fixed", "none"):
        raise PetabError(Problem(f"scaling: expected estimate, fixed or none, got {scaling!r}"))
    model = model or compile_model()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if "line" not in data.columns:
        data = normalise_data(data)
    problems = []
    unknown = sorted(set(data["experiment"]) - set(experiments))
    for e in unknown:
        lines = data.loc[data["experiment"] == e, "line"].tolist()
        problems.append(Problem(f"unknown experiment {e!r} (defined: "
                                f"{', '.join(sorted(experiments))})", line=lines[0],
                                item=f"data row {lines[0] - 1}", field="experiment"))
    readouts: dict[str, Readout] = {}
    for text in dict.fromkeys(data["readout"]):
        try:
            ro = parse_readout(text, catalog=catalog)
            model.readout(ro.kind, ro.entity)
            readouts[text] = ro
        except Exception as exc:  # noqa: BLE001 - collected
            line = int(data.loc[data["readout"] == text, "line"].iloc[0])
            problems.append(Problem(str(exc), line=line, item=f"data row {line - 1}",
                                    field="readout"))
    if problems:
        raise PetabError(problems)
    used = {e: experiments[e] for e in dict.fromkeys(data["experiment"])}
    cond_df, cond_ids = condition_table(model, used)

    # observables
    obs_rows, obs_of, par_rows, noise_of = [], {}, [], {}
    for text, ro in readouts.items():
        oid = petab_id(f"obs_{ro.kind}_{ro.entity}")
        obs_of[text] = oid
        body = f"({readout_expression(model, ro)})"
        formula = body if scaling == "none" else f"scale_{oid} * {body}"
        m = data.loc[data["readout"] == text, "measurement"].to_numpy(dtype=float)
        top = float(np.max(np.abs(m))) if len(m) and np.max(np.abs(m)) > 0 else 1.0
        if offset:
            formula = f"offset_{oid} + {formula}"
            par_rows.append(_prow(f"offset_{oid}", "lin", -top, top, 0.0, 1, "offset"))
        if scaling != "none":
            par_rows.append(_prow(f"scale_{oid}", "log10" if scaling == "estimate" else "lin",
                                  1e-4 if scaling == "estimate" else 1.0,
                                  1e4 if scaling == "estimate" else 1.0, 1.0,
                                  scaling == "estimate", "scaling factor"))
        rows = data["readout"] == text
        noise_ids, noise_rows = _noise_parameters(oid, data.loc[rows, "sd"], 0.1 * top)
        par_rows += noise_rows
        noise_of.update(zip(data.index[rows], noise_ids, strict=True))
        obs_rows.append({C.OBSERVABLE_ID: oid, C.OBSERVABLE_NAME: f"{ro.kind}:{ro.entity}",
                         C.OBSERVABLE_FORMULA: formula,
                         C.NOISE_FORMULA: f"noiseParameter1_{oid}",
                         C.OBSERVABLE_TRANSFORMATION: "lin", C.NOISE_DISTRIBUTION: "normal"})

    meas = pd.DataFrame({
        C.OBSERVABLE_ID: [obs_of[r] for r in data["readout"]],
        C.PREEQUILIBRATION_CONDITION_ID: [cond_ids[e][0] for e in data["experiment"]],
        C.SIMULATION_CONDITION_ID: [cond_ids[e][1] for e in data["experiment"]],
        C.MEASUREMENT: [_fmt(v) for v in data["measurement"]],
        C.TIME: [_fmt(v) for v in data["time_s"]],
        C.NOISE_PARAMETERS: [noise_of[i] for i in data.index],
    })
    obs_df = pd.DataFrame(obs_rows)
    obs_df, meas = _flatten_timepoint_specific_noise(obs_df, meas)
    cond_cols = [c for c in cond_df.columns if c not in (C.CONDITION_ID, C.CONDITION_NAME)]
    kin = kinetic_parameter_rows(model, estimate, exclude=cond_cols)
    par_df = pd.DataFrame(kin + par_rows)

    from ..outputs import write_text_atomic

    write_text_atomic(out / "model.xml", baseline_sbml(model))
    _write_tsv(cond_df, out / "conditions.tsv")
    _write_tsv(obs_df, out / "observables.tsv")
    _write_tsv(meas, out / "measurements.tsv")
    _write_tsv(par_df, out / "parameters.tsv")
    yaml_path = write_petab_yaml(out, petab_id(name))
    n_pre = len({p for p, _ in cond_ids.values()})
    return ExportResult(yaml_path, len(cond_ids), n_pre, list(obs_of.values()), len(meas),
                        list(par_df.loc[par_df[C.ESTIMATE] == "1", C.PARAMETER_ID]))


def export_petab_files(experiments_file, data_file, out_dir, **kw) -> ExportResult:
    """:func:`export_petab` from an experiments YAML and a data TSV/CSV."""
    experiments = load_experiment_file(experiments_file)
    data = load_data_file(data_file)
    name = kw.pop("name", None) or Path(data_file).stem
    return export_petab(experiments, data, out_dir, name=name, **kw)
