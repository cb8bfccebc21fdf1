"""The model and experiments for other tools: SBML at cytonet's baseline, SED-ML, COMBINE.

* :func:`baseline_sbml`: the annotated SBML (:func:`cytonet.compile.sbml.to_sbml`) whose
  initial state is the generic cells' unstimulated steady state, found by the one
  steady-state rule of the protocol (:class:`~cytonet.experiments.runner.Simulator`), so
  a bare simulator integrating it without stimulus stays where it starts.
* :func:`sedml_document`: one SED-ML Level 1 Version 4 description of experiments on
  that SBML. Per experiment, a model whose changes are the experiment's cells (context
  levels, knockdowns, knockouts, drugs: :func:`~cytonet.experiments.plan.prestimulus_values`,
  the values cytonet itself sets), and a repeated task (``resetModel="false"``) over a
  phase range: ``PRE`` phases with the stimulus absent pre-equilibrate the cells, each
  simulating the time course's span, then one phase in which the stimulus is added as a
  SetValue (boluses into the dose species, culture conditions switched, released-species
  counters at 0: :func:`~cytonet.experiments.plan.stimulated_values`) and the time
  course is read. Data generators give each readout as cytonet defines it (weighted sum
  of species, times the activity scale of drug targets); their values are the phases
  concatenated, the last ``points`` of them the experiment.
* :func:`write_omex`: a COMBINE archive (python-libcombine) with both and a manifest.

The pre-equilibration is a long pre-simulation (not a SED-ML steady-state task, which
libRoadRunner's solvers do not reach on this model: NLEQ2 finds the Jacobian singular,
its Newton solvers stop above their threshold); its length is ``pre_equilibration_s``
(default 40 days, rounded up to whole phases), after which the cells of the README's
questions are at their steady state to better than 1e-6.

Each phase starts with the species the cells cannot make (:func:`absent_species`: IL-11
and its complexes before IL-11 is added, the IL-7 arm in cells without IL-7, ...) set to
0, their exact value. Without it the stimulus phase fails in Tellurium: CVODE's dense
linear solves leave rounding residue (~1e-36 nM) in those species over the days of
pre-equilibration, and libRoadRunner turns a scalar absolute tolerance (KISAO:0000211,
all SED-ML can state) into one per species scaled by its value at each restart, so a
species at 1e-36 gets 1e-48 and the error test cannot pass once the stimulus makes it
grow. The changes address the species as ``descendant::*[@id=...]``: Tellurium sets that
as the current value, while a ``listOfSpecies`` target becomes an initial-value change
that regenerates the model (seconds per change and phase).
"""

from __future__ import annotations

__all__ = ["baseline", "baseline_sbml", "absent_species", "sedml_document", "write_omex",
           "readout_formula",
           "PRE_EQUILIBRATION_S", "SEDML_LEVEL", "SEDML_VERSION"]

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import CytonetError, ExperimentError, Problem
from .types import Experiment, Readout

PRE_EQUILIBRATION_S = 40 * 86400.0
SEDML_LEVEL, SEDML_VERSION = 1, 4
_KISAO_CVODE = "KISAO:0000019"
_KISAO_RTOL, _KISAO_ATOL, _KISAO_MAX_STEPS = "KISAO:0000209", "KISAO:0000211", "KISAO:0000415"
_KISAO_MAX_STEP_SIZE = "KISAO:0000467"
_MIX = "k_mix_medium"  # how fast an added dose mixes into the medium
_MODEL_FILE = "model.xml"
_SEDML_FILE = "simulation.sedml"


@dataclass(frozen=True)
class Baseline:
    """The generic cells at rest: parameter values and initial values (species in nM,
    rate-rule variables) that :func:`baseline_sbml` writes."""

    values: dict[str, float]
    initial: dict[str, float]


def _simulator(model):
    from ..compile import compile_model
    from .runner import Simulator, get_simulator
    if model is None or model is compile_model():
        return get_simulator()
    return Simulator(model)


def baseline(model=None) -> Baseline:
    """The generic context's unstimulated steady state (cytonet's reference cells)."""
    from .plan import REFERENCE, reference_group

    sim = _simulator(model)
    model = sim.model
    state = sim.steady_state(REFERENCE)
    be = sim.backend
    be.set_state(state)
    species = list(be.model.getFloatingSpeciesIds())
    conc = be.rhs_state()
    initial = {sid: float(max(c, 0.0)) for sid, c in zip(species, conc, strict=True)}
    rules = be.rule_ids()
    initial.update(dict(zip(rules, map(float, be.get_values(rules)), strict=True)))
    values = {}
    for k, v in reference_group(model).values.items():
        (initial if k in model.network.species else values)[k] = float(v)
    return Baseline(values, initial)


def baseline_sbml(model=None, base: Baseline | None = None) -> str:
    """The annotated SBML starting at the generic cells' unstimulated steady state
    (``base``, when already found)."""
    from ..compile.sbml import to_sbml

    model = _simulator(model).model
    b = base or baseline(model)
    return to_sbml(model.network, values=b.values, initial=b.initial, catalog=model.catalog)


def absent_species(model, values: dict[str, float], base: Baseline | None = None,
                   seed: int = 0) -> tuple[str, ...]:
    """Species the cells set up by ``values`` (changes to ``base``: parameter values and
    species' start values) cannot hold before the stimulus: zero at the start and produced
    by no reaction whose rate is non-zero from the species they do hold (a fixpoint over
    the network; each rate is evaluated at random positive values of the species held,
    so only a rate that is zero whatever they are counts as zero). Their exact value is 0
    throughout the pre-equilibration; a solver's is rounding residue (~1e-36 nM after
    days of CVODE's dense linear solves)."""
    sim = _simulator(model)
    model, be = sim.model, sim.backend
    if "reaction_rates" not in be.capabilities:
        raise CytonetError(f"the {be.name} backend cannot evaluate reaction rates")
    base = base or baseline(model)
    net = model.network
    start = {**base.initial, **{k: v for k, v in values.items() if k in net.species}}
    params = {k: v for k, v in {**base.values, **values}.items() if k not in net.species}
    floating = list(be.model.getFloatingSpeciesIds())
    held = {sid for sid in net.species if start.get(sid, 0.0) != 0.0}
    fixed = [sid for sid in net.species if sid not in floating]
    saved_state = be.get_state()
    saved = dict(zip(list(params) + fixed,
                     be.get_values(list(params) + [f"[{sid}]" for sid in fixed]), strict=True))
    rng = np.random.default_rng(seed)
    try:
        be.set_values(params)
        be.set_values({sid: start.get(sid, 0.0) for sid in net.species
                       if sid not in floating})
        while True:
            x = np.where([sid in held for sid in floating],
                         rng.uniform(0.5, 2.0, len(floating)), 0.0)
            be.set_rhs_state(x)
            rates = be.reaction_rates()
            grown = set()
            for rx in net.reactions:
                r = rates[rx.id]
                side = rx.products if r > 0 else rx.reactants if r < 0 else {}
                grown.update(sid for sid in side if sid not in held)
            if not grown:
                break
            held |= grown
    finally:
        be.set_values(saved)
        be.set_state(saved_state)
    return tuple(sid for sid in net.species if sid not in held)


# ------------------------------------------------------------------------- SED-ML

def _sid(name: str) -> str:
    """A valid SId from an experiment name."""
    s = re.sub(r"\W", "_", name)
    return s if re.match(r"[A-Za-z_]", s) else f"_{s}"


def readout_formula(model, ro: Readout) -> tuple[list[tuple[str, str]], str]:
    """(variable id, model id) pairs and the formula of one readout, as cytonet defines it
    (:meth:`cytonet.compile.interface.ModelInterface.readout`)."""
    terms = model.interface.readout(ro.kind, ro.entity)
    variables, parts = [], []
    for k, (sel, w) in enumerate(terms.terms):
        vid = f"v{k}"
        variables.append((vid, sel.strip("[]")))
        parts.append(f"{float(w)!r} * {vid}")
    formula = " + ".join(parts) or "0"
    if terms.scale:
        variables.append(("scale", terms.scale))
        formula = f"({formula}) * scale"
    return variables, formula


def _var_target(model, sid: str) -> str:
    """XPath of a species or parameter element of the exported SBML."""
    if sid in model.network.species:
        return f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{sid}']"
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{sid}']"


def _target(model, sid: str) -> str:
    """XPath of the start value of a species or parameter (a model change's target)."""
    attr = "initialConcentration" if sid in model.network.species else "value"
    return f"{_var_target(model, sid)}/@{attr}"


def _ok(rc, what):
    import libsedml
    if rc is not None and rc != libsedml.LIBSEDML_OPERATION_SUCCESS:
        raise CytonetError(f"libsedml failed to {what}: "
                           f"{libsedml.OperationReturnValue_toString(rc)}")


def _math(formula: str, what: str):
    import libsedml
    ast = libsedml.parseL3Formula(formula)
    if ast is None:
        raise CytonetError(f"cannot write {what} as MathML: {libsedml.getLastParseL3Error()}")
    return ast


def sedml_document(model, experiments: list[tuple[str, Experiment]], readouts: list[Readout],
                   times: np.ndarray, base: Baseline | None = None,
                   pre_equilibration_s: float = PRE_EQUILIBRATION_S,
                   rtol: float = 1e-8, atol: float = 1e-12, max_step_s: float = 600.0) -> str:
    """SED-ML (L1V4) text running ``experiments`` on ``model.xml`` (see the module
    docstring); ``times`` uniform from 0 (the output grid of every experiment)."""
    import libsedml

    from .plan import knocked_out_species, prestimulus_values, stimulated_values

    times = np.asarray(times, dtype=float)
    if len(times) < 2 or times[0] != 0.0 or not np.allclose(
            np.diff(times), times[1] - times[0], rtol=1e-9, atol=0):
        raise ExperimentError(Problem("SED-ML needs uniform output times from 0",
                                      item="--until/--points"))
    base = base or baseline(model)
    span, steps = float(times[-1]), len(times) - 1
    n_pre = max(1, math.ceil(pre_equilibration_s / span))
    doc = libsedml.SedDocument(SEDML_LEVEL, SEDML_VERSION)
    sim = doc.createUniformTimeCourse()
    _ok(sim.setId("timecourse"), "set the simulation id")
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(0.0)
    sim.setOutputEndTime(span)
    sim.setNumberOfSteps(steps)
    alg = sim.createAlgorithm()
    alg.setKisaoID(_KISAO_CVODE)
    # cytonet's own tolerances; the step bound is the one its solver retries with when
    # CVODE fails (a stimulus switched on steps over fast events otherwise)
    for kisao, value in ((_KISAO_RTOL, rtol), (_KISAO_ATOL, atol), (_KISAO_MAX_STEPS, 200000),
                         (_KISAO_MAX_STEP_SIZE, max_step_s)):
        p = alg.createAlgorithmParameter()
        p.setKisaoID(kisao)
        p.setValue(repr(value) if isinstance(value, float) else str(value))
    report = doc.createReport()
    report.setId("readouts")
    report.setName("cytonet readouts: each experiment's pre-equilibration phases, then the "
                   f"stimulated time course (its last {steps + 1} values)")
    reference = {**base.values, **base.initial}
    read = {target for ro in readouts for _, target in readout_formula(model, ro)[0]}
    for name, exp in experiments:
        eid = _sid(name)
        # the cells before t = 0, and the stimulus waiting in the dose species: the bolus
        # is inert until it starts mixing into the medium (k_mix_medium, 0 until t = 0),
        # so the stimulus is one parameter change (a species change costs some tools a
        # model regeneration per phase)
        pre = prestimulus_values(model, exp)
        pre.update({sid: 0.0 for sid in knocked_out_species(model, exp)})
        stim = stimulated_values(model, exp)
        iface = model.interface
        pre.update({sid: float(stim[sid]) for sid in iface.dose_species.values()})
        pre[_MIX] = 0.0
        changed = {sid: float(v) for sid, v in sorted(pre.items())
                   if float(v) != reference.get(sid)}
        # species first, in a model of their own that the experiment's model derives from:
        # a tool may rebuild the model on a species change and lose parameter changes
        species = {k: v for k, v in changed.items() if k in model.network.species}
        source = _MODEL_FILE
        for mid, part in ((f"cells_{eid}", species),
                          (f"model_{eid}", {k: v for k, v in changed.items()
                                            if k not in species})):
            if mid.startswith("cells_") and not part:
                continue
            m = doc.createModel()
            _ok(m.setId(mid), f"set the model id of {name!r}")
            m.setName(f"{name}: {exp.prestimulus().describe() or 'generic cells'}"
                      + (" (species values)" if mid.startswith("cells_") else ""))
            m.setLanguage("urn:sedml:language:sbml.level-3.version-2")
            m.setSource(source)
            for sid, v in part.items():
                ch = m.createChangeAttribute()
                ch.setTarget(_target(model, sid))
                ch.setNewValue(repr(v))
            source = f"#{mid}"
        task = doc.createTask()
        task.setId(f"task_{eid}")
        task.setModelReference(m.getId())
        task.setSimulationReference(sim.getId())
        rt = doc.createRepeatedTask()
        rt.setId(f"experiment_{eid}")
        rt.setName(f"{name}: {n_pre} pre-equilibration phases of {span:g} s, then the stimulus")
        rt.setResetModel(False)
        rt.setRangeId("phase")
        rng = rt.createVectorRange()
        rng.setId("phase")
        for v in [0.0] * n_pre + [1.0]:
            rng.addValue(v)
        st = rt.createSubTask()
        st.setTask(task.getId())
        st.setOrder(1)
        stim[_MIX] = model.network.parameters[_MIX].value
        # species these cells cannot make are exactly 0 until the stimulus: held there
        # at each phase's start, so no rounding residue reaches the stimulus phase, where
        # libRoadRunner (Tellurium) would scale a scalar absolute tolerance by it
        absent = {sid: 0.0 for sid in absent_species(model, pre, base)
                  if sid not in stim and sid not in iface.released_species}
        for sid in sorted(absent):
            sv = rt.createTaskChange()
            sv.setModelReference(m.getId())
            # the element by its id: the same species, which Tellurium sets as the
            # current value (its listOfSpecies form becomes an initial-value change
            # that regenerates the model, seconds per change and phase)
            sv.setTarget(f"/sbml:sbml/sbml:model/descendant::*[@id='{sid}']")
            sv.setRange("phase")
            _ok(sv.setMath(_math("0", f"the start value of {sid}")), f"set the change of {sid}")
        for sid, v in sorted(stim.items()):
            before, v = float(pre.get(sid, reference.get(sid, 0.0))), float(v)
            released = sid in iface.released_species
            if released and sid not in read:
                continue  # a counter no readout reads
            if v == before and not released:
                continue
            sv = rt.createTaskChange()
            sv.setModelReference(m.getId())
            sv.setTarget(_var_target(model, sid))
            sv.setRange("phase")
            # a released-species counter is held at 0 until the stimulus (secreted:X)
            formula = "0" if released else f"{before!r} + phase * ({v!r} - {before!r})"
            _ok(sv.setMath(_math(formula, f"the stimulus change of {sid}")),
                f"set the change of {sid}")
        # the time, and one data generator per readout
        dg = doc.createDataGenerator()
        dg.setId(f"time_{eid}")
        dg.setName("time (s), per phase")
        var = dg.createVariable()
        var.setId("t")
        var.setTaskReference(rt.getId())
        var.setModelReference(m.getId())
        var.setSymbol("urn:sedml:symbol:time")
        _ok(dg.setMath(_math("t", "time")), "set the time generator")
        ds = report.createDataSet()
        ds.setId(f"ds_time_{eid}")
        ds.setLabel(f"{name}: time (s)")
        ds.setDataReference(dg.getId())
        for k, ro in enumerate(readouts):
            variables, formula = readout_formula(model, ro)
            dg = doc.createDataGenerator()
            dg.setId(f"ro{k}_{eid}")
            dg.setName(f"{name}: {ro} ({ro.unit})")
            for vid, target in variables:
                var = dg.createVariable()
                var.setId(vid)
                var.setTaskReference(rt.getId())
                var.setModelReference(m.getId())
                var.setTarget(_var_target(model, target))
            _ok(dg.setMath(_math(formula, str(ro))), f"set the generator of {ro}")
            ds = report.createDataSet()
            ds.setId(f"ds_ro{k}_{eid}")
            ds.setLabel(f"{name}: {ro}")
            ds.setDataReference(dg.getId())
    errors = [doc.getError(i).getMessage() for i in range(doc.getNumErrors())
              if doc.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR]
    if errors:
        raise CytonetError("the SED-ML document is invalid: " + "; ".join(errors))
    return libsedml.writeSedMLToString(doc)


def write_omex(path: str | Path, model, experiments: list[tuple[str, Experiment]],
               readouts: list[Readout], times: np.ndarray, **kw) -> None:
    """A COMBINE archive at ``path``: ``model.xml`` (:func:`baseline_sbml`),
    ``simulation.sedml`` (:func:`sedml_document`) and the manifest. Written atomically."""
    import tempfile

    import libcombine

    from ..outputs import write_atomic

    model = _simulator(model).model
    base = baseline(model)
    sbml = baseline_sbml(model, base)
    sedml = sedml_document(model, experiments, readouts, times, base=base, **kw)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / _MODEL_FILE).write_text(sbml, encoding="utf-8")
        (tmp / _SEDML_FILE).write_text(sedml, encoding="utf-8")
        archive = libcombine.CombineArchive()
        for fname, fmt, master in ((_MODEL_FILE, libcombine.KnownFormats.lookupFormat("sbml"), False),
                                   (_SEDML_FILE, libcombine.KnownFormats.lookupFormat("sedml"), True)):
            if not archive.addFile(str(tmp / fname), f"./{fname}", fmt, master):
                raise CytonetError(f"libcombine could not add {fname} to the archive")
        out = tmp / "archive.omex"
        if not archive.writeToFile(str(out)):
            raise CytonetError(f"libcombine could not write the archive {path}")
        archive.cleanUp()
        data = out.read_bytes()
    write_atomic(path, lambda tmp_path: Path(tmp_path).write_bytes(data))
