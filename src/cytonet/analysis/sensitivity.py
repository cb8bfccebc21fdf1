"""Global sensitivity of one readout to the kinetic parameters, over their priors (SALib).

The quantity is the readout of one experiment at one time, or ``log2(test / control)``
when two experiments named ``test`` and ``control`` are given. Designs are drawn by SALib
in the unit cube and mapped to parameter values through each prior's quantile function
(:meth:`~cytonet.compile.interface.Prior.ppf`), restricted to the prior's central
``coverage`` interval (default 95 %): ``theta_j = ppf(lo + u_j (hi - lo))`` with
``lo, hi = (1 -/+ coverage) / 2``. The log-normal priors are respected (a uniform ``u`` is
the truncated log-normal) and Morris' grid levels 0 and 1 land at the interval's ends
instead of the prior's infinite tails.

Methods:

* ``morris``: elementary effects, ``samples`` trajectories of k + 1 members each
  (SALib ``num_levels`` 4); ``mu_star`` (mean |effect| per unit of the quantile range)
  with its bootstrap confidence half-width, ``mu`` and ``sigma``. A trajectory with a
  failed member is dropped whole (Morris needs complete trajectories), and the parameter
  whose step failed is reported.
* ``sobol``: Saltelli/Sobol' sequence of ``samples`` base points (a power of 2), first-order
  and total indices (``S1``, ``ST``) with confidence half-widths, ``samples x (k + 2)``
  members. A block (one base point with its k + 2 members) with a failed member is dropped
  whole, so the estimators see only complete blocks.

Parameters: ``'all'`` (every kinetic parameter), a list of ids, or ``'top:N'``: the N
parameters with the largest local effect, found by one cheap screen at the default set
(each parameter moved alone by -/+ one prior sd in log10, 2k + 1 members; parameters
whose screen failed are kept). Moving all ~250 parameters at once over their priors leaves
most members without a steady state or integrable trajectory (measured: no complete Morris
trajectory of 4 over all parameters in the README question), so the default is
``top:40`` for Morris and ``top:10`` for Sobol. The screen's local effect is reported for
every parameter, analysed or not.

Every design goes through :func:`cytonet.analysis._readout.readout_values`: one plan, one
:func:`~cytonet.analysis.ensemble.run_members`.
"""

from __future__ import annotations

__all__ = ["sensitivity", "select_parameters", "local_screen", "METHODS",
           "DEFAULT_PARAMETERS", "DEFAULT_SAMPLES", "DEFAULT_COVERAGE"]

import time
from collections import Counter

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, SimulationError
from ._readout import as_readout, pick_question, readout_time, readout_values

METHODS = ("morris", "sobol")
DEFAULT_PARAMETERS = {"morris": "top:40", "sobol": "top:10"}
DEFAULT_SAMPLES = {"morris": 40, "sobol": 128}  # trajectories / base points
DEFAULT_COVERAGE = 0.95
NUM_LEVELS = 4


# --------------------------------------------------------------------------- parameters
def select_parameters(model, parameters) -> tuple[str, list[str] | int]:
    """``('all', ids)``, ``('list', ids)`` or ``('top', N)`` from ``parameters``:
    ``'all'``, ``'top:N'``, a comma-separated string or a list of kinetic parameter ids."""
    ids = model.interface.theta_ids
    if isinstance(parameters, str):
        text = parameters.strip()
        if text == "all":
            return "all", list(ids)
        if text.startswith("top:"):
            try:
                n = int(text[4:])
            except ValueError:
                n = 0
            if n < 1:
                raise InputError(Problem(f"expected top:N with N a whole number >= 1, got "
                                         f"{parameters!r}", item="parameters"))
            return "top", min(n, len(ids))
        parameters = [p for p in text.replace(",", " ").split() if p]
    wanted = list(dict.fromkeys(str(p) for p in parameters))
    if not wanted:
        raise InputError(Problem("no parameter given; expected all, top:N or parameter ids",
                                 item="parameters"))
    known = set(ids)
    problems = []
    for p in wanted:
        if p not in known:
            import difflib
            close = difflib.get_close_matches(p, list(ids), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(Problem(f"unknown kinetic parameter {p!r}{hint} (see "
                                    "'cytonet model parameters' or use all / top:N)",
                                    item="parameters"))
    if problems:
        raise InputError(problems)
    return "list", wanted


def _quantity(model, experiments, readout, at, theta, **run_kw):
    """Per member: the readout (or log2 test/control) and the reasons of failed members."""
    test, control = experiments
    exps = [test] if control is None else [test, control]
    mv = readout_values(model, exps, readout, at, theta, **run_kw)
    reasons: dict[int, str] = {}
    for (m, e), why in mv.reasons.items():
        reasons.setdefault(m, f"{'test' if e == 0 else 'control'}: {why}")
    if control is None:
        y = mv.values[:, 0].copy()
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log2(mv.values[:, 0] / mv.values[:, 1])
        for m in np.where(~np.isfinite(y))[0]:
            reasons.setdefault(int(m), "readout not positive in test or control "
                                       f"({mv.values[m, 0]:.3g} / {mv.values[m, 1]:.3g}); "
                                       "log ratio undefined")
    y[list(reasons)] = np.nan
    return y, reasons


def local_screen(model, experiments, readout, at, **run_kw) -> tuple[pd.Series, float, dict]:
    """Local effect of each kinetic parameter at the default set: ``(y(+1 sd) - y(-1 sd)) /
    2`` with the parameter moved alone by one prior sd in log10 (2k + 1 members). Returns
    the effects (NaN where a member failed), the value at the default set and the failures
    (member index -> reason)."""
    iface = model.interface
    ids, nominal = iface.theta_ids, iface.theta_nominal
    d = len(ids)
    theta = np.tile(nominal, (2 * d + 1, 1))
    for j, pid in enumerate(ids):
        step = 10 ** iface.priors[pid].sigma_log10
        theta[1 + j, j] /= step
        theta[1 + d + j, j] *= step
    y, reasons = _quantity(model, experiments, readout, at, theta, **run_kw)
    effect = (y[1 + d:] - y[1:1 + d]) / 2.0
    return pd.Series(effect, index=list(ids), name="local_effect"), float(y[0]), reasons


# --------------------------------------------------------------------------- designs
def _design(method: str, names: list[str], samples: int, seed: int | None):
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if method == "morris":
        x = morris_sample.sample(problem, samples, num_levels=NUM_LEVELS, seed=seed)
        return problem, x, len(names) + 1
    x = sobol_sample.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    return problem, x, len(names) + 2


def _theta(model, names, x, coverage):
    iface = model.interface
    lo = (1.0 - coverage) / 2.0
    u = lo + np.asarray(x) * coverage
    theta = np.tile(iface.theta_nominal, (x.shape[0], 1))
    for k, j in enumerate(iface.theta_index(names)):
        theta[:, j] = iface.priors[names[k]].ppf(u[:, k])
    return theta


def _failed_steps(x, y, block, names) -> Counter:
    """Per dropped Morris trajectory: the parameter whose step made it fail ('start' when
    its first member failed)."""
    out: Counter = Counter()
    for b in range(x.shape[0] // block):
        rows = slice(b * block, (b + 1) * block)
        bad = np.where(~np.isfinite(y[rows]))[0]
        if not len(bad):
            continue
        k = int(bad[0])
        if k == 0:
            out["start"] += 1
        else:
            xb = x[rows]
            out[names[int(np.argmax(np.abs(xb[k] - xb[k - 1])))]] += 1
    return out


def _check(method, samples, coverage):
    if method not in METHODS:
        raise InputError(Problem(f"unknown method {method!r}; expected one of "
                                 f"{', '.join(METHODS)}", item="method"))
    if samples < 2:
        raise InputError(Problem(f"expected at least 2 samples, got {samples}", item="samples"))
    if method == "sobol" and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise InputError(Problem(f"sobol needs a power of 2 base points, got {samples} "
                                 f"(try {lower} or {2 * lower})", item="samples"))
    if not 0.0 < coverage < 1.0:
        raise InputError(Problem(f"expected a prior coverage in (0, 1), got {coverage}",
                                 item="coverage"))


# --------------------------------------------------------------------------- analysis
def sensitivity(model, experiments, readout, *, at: float | None = None,
                method: str = "morris", parameters=None, samples: int | None = None,
                seed: int | None = 0, coverage: float = DEFAULT_COVERAGE,
                num_resamples: int = 200, **run_kw) -> pd.DataFrame:
    """Ranked global sensitivity of ``readout`` (see the module docstring).

    ``experiments``: an Experiment, or a mapping name -> Experiment holding one, or ``test``
    and ``control`` (then the quantity is log2 test/control). ``readout``: a Readout or
    ``'KIND:ENTITY'``; ``at``: seconds (default: the kind's default readout time).
    ``run_kw`` go to :func:`~cytonet.analysis.ensemble.run_members` (workers, scheduler,
    batch_size, out_dir, progress).

    Returns one row per kinetic parameter, the analysed ones first in rank order: Morris
    ``mu_star``, ``mu_star_conf``, ``mu``, ``sigma``; Sobol ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf``; and ``nominal``, ``low``/``high`` (the coverage interval), ``sigma_log10``,
    ``provenance``, ``prior``, ``local_effect`` (top:N only), ``analysed``. ``attrs`` holds
    what was computed: ``quantity``, ``method``, ``n_members``, ``n_failed``, ``blocks``,
    ``blocks_used``, ``failures`` (records: member, parameters, reason), ``notes``,
    ``elapsed_s``.
    """
    t0 = time.perf_counter()
    method = str(method).lower()
    samples = DEFAULT_SAMPLES.get(method, 2) if samples is None else int(samples)
    _check(method, samples, coverage)
    ro = as_readout(model, readout)
    at = readout_time(ro, at)
    question = pick_question(experiments, ratio=True)
    test, control = question
    iface = model.interface
    quantity = f"{ro} at {at / 3600:g} h in {test.describe()}"
    if control is not None:
        quantity = f"log2(test / control) of {ro} at {at / 3600:g} h; test: " \
                   f"{test.describe()}; control: {control.describe()}"

    mode, sel = select_parameters(model, DEFAULT_PARAMETERS[method] if parameters is None
                                  else parameters)
    notes: list[str] = []
    failures: list[dict] = []
    n_members = 0
    local = None
    if mode == "top":
        local, y0, reasons = local_screen(model, question, ro, at, **run_kw)
        n_members += 2 * len(iface.theta_ids) + 1
        for m, why in sorted(reasons.items()):
            d = len(iface.theta_ids)
            what = "default set" if m == 0 else \
                f"{iface.theta_ids[(m - 1) % d]} {'-' if m <= d else '+'}1 sd"
            failures.append({"stage": "screen", "member": m, "where": what, "reason": why})
        if 0 in reasons:
            raise SimulationError(f"{quantity}: the default parameter set fails "
                                  f"({reasons[0]}); nothing to screen around")
        order = local.abs().fillna(np.inf).sort_values(ascending=False, kind="stable")
        names = list(order.index[:sel])
        n_nan = int(local.isna().sum())
        notes.append(f"parameters: the {sel} largest local effects of {len(local)} "
                     f"(each moved alone by -/+1 prior sd at the default set; "
                     f"{int((local.abs() > 0).sum())} have a nonzero effect"
                     + (f"; {n_nan} whose screen failed are ranked first" if n_nan else "")
                     + ")")
    else:
        names = sel
        notes.append(f"parameters: {'all ' if mode == 'all' else ''}{len(names)} given")

    problem, x, block = _design(method, names, samples, seed)
    unit = "trajectories" if method == "morris" else "blocks"
    theta = _theta(model, names, x, coverage)
    y, reasons = _quantity(model, question, ro, at, theta, **run_kw)
    n_members += theta.shape[0]
    for m, why in sorted(reasons.items()):
        failures.append({"stage": method, "member": int(m),
                         "where": f"{unit[:-1] if method == 'sobol' else 'trajectory'} {m // block}, member {m % block}",
                         "reason": why})
    n_blocks = x.shape[0] // block
    complete = np.isfinite(y).reshape(n_blocks, block).all(axis=1)
    keep = np.repeat(complete, block)
    if (~complete).any():
        note = f"{int((~complete).sum())} of {n_blocks} {unit} dropped (a failed member)"
        if method == "morris":
            steps = _failed_steps(x, y, block, names)
            note += "; failing steps: " + ", ".join(f"{p} ({n})" for p, n in steps.most_common(5))
        notes.append(note)
    if complete.sum() < 2:
        common = Counter(r.split(" (")[0] for r in reasons.values()).most_common(3)
        raise SimulationError(
            f"{quantity}: only {int(complete.sum())} of {n_blocks} {unit} complete; "
            f"{len(reasons)} of {theta.shape[0]} members failed (most often: "
            f"{'; '.join(f'{w} x{n}' for w, n in common)}); narrow --coverage, use fewer "
            "--parameters (top:N) or more --samples")

    if method == "morris":
        from SALib.analyze import morris as morris_analyze
        res = morris_analyze.analyze(problem, x[keep], y[keep], num_levels=NUM_LEVELS,
                                     num_resamples=num_resamples, seed=seed)
        table = pd.DataFrame({"parameter": names, "mu_star": res["mu_star"],
                              "mu_star_conf": res["mu_star_conf"], "mu": res["mu"],
                              "sigma": res["sigma"]})
        key = "mu_star"
    else:
        import warnings

        from SALib.analyze import sobol as sobol_analyze
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sobol_analyze.analyze(problem, y[keep], calc_second_order=False,
                                        num_resamples=num_resamples, seed=seed)
        table = pd.DataFrame({"parameter": names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                              "ST": res["ST"], "ST_conf": res["ST_conf"]})
        key = "ST"
    table = table.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["analysed"] = True
    if local is not None:
        rest = [p for p in local.abs().sort_values(ascending=False).index if p not in set(names)]
        table = pd.concat([table, pd.DataFrame({"parameter": rest, "analysed": False})],
                          ignore_index=True)
    table["rank"] = table["rank"].astype("Int64")
    table = table.join(_prior_columns(model, list(table["parameter"]), coverage),
                       on="parameter")
    if local is not None:
        table["local_effect"] = table["parameter"].map(local)
    table.attrs.update({
        "quantity": quantity, "readout": str(ro), "at_s": at, "ratio": control is not None,
        "method": method, "samples": samples, "coverage": coverage, "seed": seed,
        "n_parameters": len(names), "n_members": n_members, "n_failed": len(failures),
        "blocks": n_blocks, "blocks_used": int(complete.sum()), "block_unit": unit,
        "failures": failures, "notes": notes, "elapsed_s": time.perf_counter() - t0,
    })
    return table


def _prior_columns(model, ids, coverage) -> pd.DataFrame:
    from scipy.stats import norm

    iface = model.interface
    params = model.network.parameters
    z = float(norm.ppf(0.5 + coverage / 2.0))
    rows = []
    for pid in ids:
        pr = iface.priors[pid]
        prov = params[pid].provenance
        ref = f" ({prov.ref})" if getattr(prov, "ref", None) else ""
        rows.append({"parameter": pid, "nominal": pr.median,
                     "low": pr.median * 10 ** (-z * pr.sigma_log10),
                     "high": pr.median * 10 ** (z * pr.sigma_log10),
                     "sigma_log10": pr.sigma_log10, "provenance": f"{prov.kind}{ref}",
                     "prior": f"log-normal, {pr.source}"})
    return pd.DataFrame(rows).set_index("parameter")
