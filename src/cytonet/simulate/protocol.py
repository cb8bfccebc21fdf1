"""The one simulation protocol: pre-equilibrate -> stimulate -> read, for many members.

A :class:`Plan` is the numeric form of a batch of experiments, free of experiment
semantics (``cytonet.experiments.plan`` builds it from experiments):

* a :class:`Group` is a set of cells before t = 0: the parameter / boundary-species
  values that realize the context and perturbations, and the species that are absent
  from the start (knocked-out chains, exact zeros);
* an :class:`Arm` is one experiment on a group: the values set at t = 0 (stimulus
  boluses, culture conditions, released-species counters at 0), the output times, and
  its readouts as weighted sums of selections times an optional scale parameter.

:func:`solve` runs the plan for every member of ``theta`` (n_members x n_theta kinetic
parameters, columns ``plan.theta_ids``): per member it sets theta, finds each group's
steady state with the one steady-state rule (:mod:`cytonet.simulate.steady`), warm-started
from that group's state at the nominal parameters, then runs each arm from it. Failures
are per member and arm (:class:`Status` codes with messages); they never stop the others.
"""

from __future__ import annotations

__all__ = ["ReadoutPlan", "Group", "Arm", "Plan", "Status", "Solution", "solve",
           "WarmStarts"]

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from ..errors import CytonetError, SteadyStateError
from .steady import JacobianPattern, SteadyStateSettings, find_steady_state


@dataclass(frozen=True)
class ReadoutPlan:
    terms: tuple[tuple[int, float], ...]  # (column in plan.selections, weight)
    scale: str | None = None              # parameter multiplying the sum (act_X)


@dataclass(frozen=True)
class Group:
    key: Hashable
    values: dict[str, float]
    zero_species: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Arm:
    group: int
    values: dict[str, float]
    times: np.ndarray
    readouts: tuple[ReadoutPlan, ...]
    label: str = ""


@dataclass
class Plan:
    groups: list[Group]
    arms: list[Arm]
    selections: list[str]
    theta_ids: tuple[str, ...]

    def subset(self, arm_idx) -> tuple[Plan, list[int]]:
        """The plan of some arms only (their groups renumbered); returns it and the arms."""
        arm_idx = list(arm_idx)
        gmap: dict[int, int] = {}
        for a in arm_idx:
            gmap.setdefault(self.arms[a].group, len(gmap))
        groups = [self.groups[g] for g in gmap]
        arms = [Arm(gmap[self.arms[a].group], self.arms[a].values, self.arms[a].times,
                    self.arms[a].readouts, self.arms[a].label) for a in arm_idx]
        return Plan(groups, arms, self.selections, self.theta_ids), arm_idx


class Status(enum.IntEnum):
    """Per member and arm; each code's message says what to do about it."""

    OK = 0
    STEADY_STATE_FAILED = 1
    INTEGRATION_FAILED = 2
    ERROR = 3
    NOT_RUN = 4

    @property
    def hint(self) -> str:
        return {
            Status.OK: "",
            Status.STEADY_STATE_FAILED: "the unstimulated cells reached no steady state at "
            "these parameters (Newton and integration fallback both failed); the member "
            "may sit in an oscillating or runaway regime",
            Status.INTEGRATION_FAILED: "CVODE failed after the stimulus, also with tighter "
            "tolerances; the parameters may make the system too stiff",
            Status.ERROR: "an unexpected error; see the message",
            Status.NOT_RUN: "not run (the batch holding it was lost)",
        }[self]


@dataclass
class Solution:
    """``values[arm]``: (n_members, n_readouts, n_times); ``status``: (n_members, n_arms)."""

    values: list[np.ndarray]
    status: np.ndarray
    messages: dict[tuple[int, int], str] = field(default_factory=dict)
    steady_methods: dict[str, int] = field(default_factory=dict)

    @property
    def member_ok(self) -> np.ndarray:
        return np.all(self.status == Status.OK, axis=1)

    def message(self, member: int, arm: int) -> str:
        return self.messages.get((member, arm), Status(int(self.status[member, arm])).hint)


class WarmStarts:
    """Steady states at the nominal parameters per group key (the warm starts), and the
    reference state they start from."""

    def __init__(self):
        self.states: dict[Hashable, np.ndarray] = {}
        self.reference: np.ndarray | None = None
        self.patterns: dict[Hashable, object] = {}  # Jacobian sparsity per group


def _prepare_group(backend, group: Group, start: np.ndarray) -> None:
    backend.set_state(start)
    backend.set_values(group.values)
    if group.zero_species:
        backend.set_values({sid: 0.0 for sid in group.zero_species})


def _steady(backend, group: Group, start, settings, methods, pattern=None,
            continue_from=None) -> np.ndarray:
    _prepare_group(backend, group, start)
    ss = find_steady_state(backend, settings, what=group.label or "the cells",
                           pattern=pattern, continue_from=continue_from)
    methods[ss.method] = methods.get(ss.method, 0) + 1
    return ss.state


def _member_steady(backend, group: Group, start, idx, nominal, row, settings, methods,
                   patterns: dict):
    """A member's steady state from the nominal one of its cells (the backend holds the
    member's parameters), with the group's Jacobian pattern (found on first use)."""
    if group.key not in patterns:
        _prepare_group(backend, group, start)
        patterns[group.key] = JacobianPattern(backend, backend.rhs_state())
    return _steady(backend, group, start, settings, methods, patterns[group.key],
                   continue_from=(idx, nominal, row))


def _run_arm(backend, plan: Plan, arm: Arm, state: np.ndarray, pre_values: dict) -> np.ndarray:
    backend.set_state(state)
    backend.set_values(pre_values)
    backend.set_values(arm.values)
    cols = sorted({c for ro in arm.readouts for c, _ in ro.terms})
    sel = [plan.selections[c] for c in cols]
    where = {c: i for i, c in enumerate(cols)}
    data = backend.integrate(float(arm.times[-1]), arm.times, sel) if sel else \
        np.zeros((len(arm.times), 0))
    out = np.zeros((len(arm.readouts), len(arm.times)))
    scales = backend.get_values([ro.scale for ro in arm.readouts if ro.scale])
    it = iter(scales)
    for k, ro in enumerate(arm.readouts):
        for c, w in ro.terms:
            out[k] += w * data[:, where[c]]
        if ro.scale:
            out[k] *= next(it)
    return out


def solve(backend, plan: Plan, theta: np.ndarray | None = None, *,
          warm: WarmStarts | None = None, reference: Group | None = None,
          settings: SteadyStateSettings | None = None,
          nominal: np.ndarray | None = None) -> Solution:
    """Run ``plan`` for each row of ``theta`` (None: one member at the loaded parameters).

    ``warm`` holds the nominal steady states (filled as needed, from ``reference``'s
    state); ``nominal`` is the theta at which those are valid (default: the backend's
    current values of ``plan.theta_ids``)."""
    warm = warm if warm is not None else WarmStarts()
    settings = settings or SteadyStateSettings()
    idx = backend.parameter_index(plan.theta_ids) if plan.theta_ids else np.array([], int)
    if nominal is None:
        nominal = backend.get_parameter_vector(idx)
    members = [None] if theta is None else list(np.atleast_2d(theta))
    n, n_arms = len(members), len(plan.arms)
    values = [np.full((n, len(a.readouts), len(a.times)), np.nan) for a in plan.arms]
    status = np.full((n, n_arms), int(Status.NOT_RUN), dtype=np.int8)
    sol = Solution(values, status)
    by_group: dict[int, list[int]] = {}
    for a, arm in enumerate(plan.arms):
        by_group.setdefault(arm.group, []).append(a)

    def nominal_state(g: int) -> np.ndarray:
        group = plan.groups[g]
        if group.key in warm.states:
            return warm.states[group.key]
        backend.set_parameter_vector(idx, nominal)
        if warm.reference is None:
            if reference is None:
                warm.reference = backend.initial_state()
            else:
                try:
                    warm.reference = _steady(backend, reference, backend.initial_state(),
                                             settings, sol.steady_methods)
                except SteadyStateError as exc:
                    raise SteadyStateError(
                        f"cannot pre-equilibrate {group.label}: the reference state it starts "
                        f"from failed ({exc})") from exc
                warm.states[reference.key] = warm.reference
                if group.key == reference.key:
                    return warm.reference
        state = _steady(backend, group, warm.reference, settings, sol.steady_methods)
        warm.states[group.key] = state
        return state

    for m, row in enumerate(members):
        for g, arms in by_group.items():
            group = plan.groups[g]
            try:
                start = nominal_state(g)
                if row is None:
                    state = start
                else:
                    backend.set_parameter_vector(idx, row)
                    state = _member_steady(backend, group, start, idx, nominal, row,
                                           settings, sol.steady_methods, warm.patterns)
            except CytonetError as exc:
                code = Status.STEADY_STATE_FAILED if isinstance(exc, SteadyStateError) \
                    else Status.ERROR
                for a in arms:
                    status[m, a] = int(code)
                    sol.messages[(m, a)] = str(exc)
                continue
            except Exception as exc:  # noqa: BLE001 - one member never loses the batch
                for a in arms:
                    status[m, a] = int(Status.ERROR)
                    sol.messages[(m, a)] = f"{type(exc).__name__}: {exc}"
                continue
            for a in arms:
                try:
                    values[a][m] = _run_arm(backend, plan, plan.arms[a], state, group.values)
                    status[m, a] = int(Status.OK)
                except CytonetError as exc:
                    status[m, a] = int(Status.INTEGRATION_FAILED)
                    sol.messages[(m, a)] = str(exc)
                except Exception as exc:  # noqa: BLE001
                    status[m, a] = int(Status.ERROR)
                    sol.messages[(m, a)] = f"{type(exc).__name__}: {exc}"
        if row is not None:
            backend.set_parameter_vector(idx, nominal)
    return sol
