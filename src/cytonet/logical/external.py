"""Run cytonet experiments and observations on a published logical model through a mapping
file (``data/logical_mappings/*.yaml``): its nodes mapped to cytonet entities and readouts,
each with a reason. The same experiment semantics as the compiled model (docs/logical.md):
the cells rest in the least active attractor of the unstimulated model, then the stimuli
are switched on and MaBoSS runs with one rate for every node (a published model without a
time scale)."""

from __future__ import annotations

__all__ = ["MappedModel", "load_mapping", "shared_benchmarks", "MAPPING_DIR"]

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .._yaml import load_yaml
from ..errors import InputError, Problem
from ..experiments.parse import Observation
from ..experiments.types import Experiment, Readout, Request, Result
from ..knowledge import load_knowledge
from .io import load_bnet, load_sbml_qual, same_rules
from .model import LogicalModel
from .readouts import NotExpressible
from .run import KNOCKDOWN_MIN, OVEREXPRESS_MIN, least_active_attractor, probabilities_at

MAPPING_DIR = Path(str(resources.files("cytonet") / "data" / "logical_mappings"))


def shared_benchmarks(start: str | Path | None = None) -> Path | None:
    """``../shared/benchmarks`` beside the repository (or the checkout holding ``start``)."""
    here = Path(start) if start is not None else Path(__file__).resolve()
    for parent in [here, *here.parents]:
        cand = parent.parent / "shared" / "benchmarks"
        if (parent / "pyproject.toml").is_file() and cand.is_dir():
            return cand
    return None


@dataclass
class MappedModel:
    name: str
    model: LogicalModel
    contexts: dict[str, str]
    inputs: dict[str, int]
    stimuli: dict[str, str]
    entities: dict[str, list[str]]
    absent: dict[str, str]
    readouts: dict[str, str]
    reasons: dict[str, str] = field(default_factory=dict)
    sbml_differences: list[str] = field(default_factory=list)

    def readout_node(self, ro: Readout) -> str:
        node = self.readouts.get(str(ro))
        if node is None:
            raise NotExpressible(f"{self.name} has no node for {ro}")
        return node

    def fixed(self, exp: Experiment) -> dict[str, int]:
        kb = load_knowledge()
        if exp.cell not in self.contexts:
            raise NotExpressible(f"{self.name} does not model the context {exp.cell!r}")
        if exp.conditions:
            raise NotExpressible(f"{self.name} has no culture conditions "
                                 f"({', '.join(c for c, _ in exp.conditions)})")
        for sym, _dose in exp.stimuli:
            if sym not in self.stimuli:
                raise NotExpressible(f"{self.name} has no input for the stimulus {sym}")
        out = dict(self.inputs)
        for p in exp.perturbations:
            if p.kind == "drug":
                drug = kb.drugs[p.target]
                hit = []
                for t in drug.targets:
                    pot = t.kd_nM if drug.is_sequestering else t.ic50_nM
                    if t.target in self.absent:
                        continue
                    if t.target not in self.entities:
                        raise NotExpressible(f"{self.name} has no node for {drug.name}'s "
                                             f"target {t.target}")
                    if pot is not None and p.dose_nM >= pot:
                        hit += self.entities[t.target]
                out.update({n: 0 for n in hit})
                continue
            nodes = self.entities.get(p.target)
            if nodes is None:
                raise NotExpressible(f"{self.name} has no node for {p.target}")
            if p.kind == "overexpress":
                if (p.fold or 0) < OVEREXPRESS_MIN:
                    raise NotExpressible(f"overexpression x{p.fold:g} is too weak to switch")
                out.update({n: 1 for n in nodes})
            else:
                if p.kind == "knockdown" and (p.efficiency or 0) < KNOCKDOWN_MIN:
                    raise NotExpressible(f"knockdown efficiency {p.efficiency:g} too weak")
                out.update({n: 0 for n in nodes})
        return out

    def expressible(self, obs: Observation) -> str | None:
        if obs.is_quantitative:
            return f"quantitative v1.1 kind '{obs.expect}'"
        if obs.expect in ("transient", "sustained"):
            return f"'{obs.expect}' needs time scales, which {self.name} does not publish"
        try:
            self.readout_node(obs.readout)
            for exp in obs.simulations().values():
                self.fixed(exp)
        except NotExpressible as exc:
            return str(exc)
        return None

    def simulate_experiment(self, exp: Experiment, nodes: list[str], times_s,
                            sample_count: int = 2000, seed: int = 1) -> dict[str, np.ndarray]:
        fixed = self.fixed(exp)
        stim_nodes = set(self.stimuli.values())
        before = dict(fixed)
        before.update({n: 0 for n in stim_nodes if n not in fixed})
        init = least_active_attractor(self.model.with_fixed(before))
        after = dict(fixed)
        for sym, dose in exp.stimuli:
            node = self.stimuli[sym]
            if node not in fixed:  # a perturbation of the ligand wins over its addition
                after[node] = int(dose > 0)
        init.update({k: float(v) for k, v in after.items()})
        return probabilities_at(self.model.with_fixed(after), init, nodes, times_s,
                                sample_count, seed)

    def simulate(self, requests: list[Request], workers: int | None = None) -> list[Result]:
        out = []
        for req in requests:
            try:
                nodes = {ro: self.readout_node(ro) for ro in req.readouts}
                vals = self.simulate_experiment(req.experiment, sorted(set(nodes.values())),
                                                np.asarray(req.times))
                out.append(Result(request=req, values={ro: vals[n] for ro, n in nodes.items()}))
            except NotExpressible as exc:
                out.append(Result(request=req, error=str(exc)))
        return out


def load_mapping(path: str | Path, benchmarks: str | Path | None = None) -> MappedModel:
    """A mapping file and the model it names, read from ``benchmarks`` (default: the shared
    benchmarks folder); the bnet is the model, its SBML-qual twin is checked against it."""
    path = Path(path)
    data = load_yaml(str(path))
    file = str(path)
    need = ("model", "benchmark", "files", "contexts", "inputs", "stimuli", "entities", "readouts")
    missing = [k for k in need if k not in data]
    if missing:
        raise InputError([Problem(f"missing key {k!r}", file=file, field=k) for k in missing])
    root = Path(benchmarks) if benchmarks is not None else shared_benchmarks()
    if root is None:
        raise InputError(Problem("the shared benchmarks folder (../shared/benchmarks) is not "
                                 "there", file=file))
    folder = root / data["benchmark"]
    bnet = folder / data["files"]["bnet"]
    if not bnet.is_file():
        raise InputError(Problem(f"model file {bnet} is missing", file=file, field="files"))
    rate = float(data.get("rate_per_h", 1.0))
    model = load_bnet(bnet, name=data["model"])
    from dataclasses import replace
    model.rules = {n: replace(r, rate_up=rate, rate_down=rate) for n, r in model.rules.items()}
    diffs: list[str] = []
    if "sbml_qual" in data["files"]:
        diffs = same_rules(model, load_sbml_qual(folder / data["files"]["sbml_qual"]))
    problems = []

    def node(n: str, fld: str) -> str:
        if n not in model.rules:
            problems.append(Problem(f"the model has no node {n!r}", file=file, field=fld))
        return n

    inputs = {node(k, f"inputs.{k}"): int(v["value"]) for k, v in data["inputs"].items()}
    stimuli = {k: node(v["node"], f"stimuli.{k}") for k, v in data["stimuli"].items()}
    entities = {k: [node(n, f"entities.{k}") for n in v["nodes"]]
                for k, v in data["entities"].items()}
    readouts = {k: node(v["node"], f"readouts.{k}") for k, v in data["readouts"].items()}
    for sect in ("inputs", "stimuli", "entities", "readouts"):
        for k, v in data[sect].items():
            if not str(v.get("reason", "")).strip():
                problems.append(Problem("every mapping needs a reason", file=file,
                                        field=f"{sect}.{k}"))
    if problems:
        raise InputError(problems)
    reasons = {f"{s}.{k}": str(v["reason"]) for s in ("inputs", "stimuli", "entities", "readouts")
               for k, v in data[s].items()}
    return MappedModel(name=data["model"], model=model, contexts=dict(data["contexts"]),
                       inputs=inputs, stimuli=stimuli, entities=entities,
                       absent=dict(data.get("absent") or {}), readouts=readouts,
                       reasons=reasons, sbml_differences=diffs)
