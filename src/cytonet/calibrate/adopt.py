"""Adopt a fitted parameter set as the default: rewrite its entries in ``parameters.yaml``.

``bench/calibrate_joint.py`` writes its result as a parameter set (``data/parameter_sets``
format). Once the whole suite, nominal and under jitter, is better with it, that set
becomes the default through :func:`adopt_parameter_set`, so the default is reproducible
from the script's output rather than from a hand copy:

- each fitted entry's block in ``parameters.yaml`` gets the fitted value, provenance
  ``fitted`` and a note "fitted: <data>; prior: <prior> (was <provenance>, <value>: <old
  note>)", so the value it replaced and that value's reason stay on record;
- a ``derived`` entry (an off-rate tied to its fitted on-rate by a measured Kd, or a
  synthesis rate tied to its fitted decay rate by a reference level) gets its
  value and the set's note;
- a fitted entry keeps the prior its fit started from as ``prior: {median, sigma_log10}``
  (the replaced value with its provenance's width, or the ``prior`` it already stated), so
  a later fit or ``--from priors`` ensemble is centred where the evidence is, not on the
  fit's own result;
- every other field (``ref``, a stated prior) and every other line of the file,
  comments included, stay as they were;
- the new file is parsed by :func:`~cytonet.compile.parameters.load_parameters` before it
  replaces the old one (atomically), so a broken result never lands.

An id the file does not have, or a unit that differs from the file's, is an error naming
the set file, the item and the field; nothing is written then.
"""

from __future__ import annotations

__all__ = ["adopt_parameter_set"]

import re
from pathlib import Path

import yaml

from .._yaml import load_yaml
from ..compile.parameters import load_parameters, prior_of
from ..errors import InputError, KnowledgeError, Problem
from ..outputs import write_atomic

_BLOCK = r"^- id: {pid}[ \t]*\n(?:[ \t]+\S.*\n)*"


def _block(text: str, pid: str) -> re.Match | None:
    return re.search(_BLOCK.format(pid=re.escape(pid)), text, re.M)


def _note(entry: dict, old: dict, describe: str | None) -> str:
    note = str(entry.get("note", "")).strip()
    if entry.get("provenance") != "fitted":
        return note
    if describe:
        prior = note.split("; prior: ", 1)[1] if "; prior: " in note else ""
        note = f"fitted: {describe}" + (f"; prior: {prior}" if prior else "")
    was = str(old.get("note", "")).strip()
    was = was[len("assumed: "):] if was.startswith("assumed: ") else was
    return f"{note} (was {old.get('provenance')}, {float(old['value']):g}: {was})"


def adopt_parameter_set(set_file: str | Path, parameters_file: str | Path,
                        describe: str | None = None) -> list[str]:
    """Write the entries of ``set_file`` into ``parameters_file``; the ids changed.

    ``describe`` replaces the data description of each fitted note (the part before
    "; prior:"), e.g. to name the command line and the date of the fit."""
    set_file, parameters_file = Path(set_file), Path(parameters_file)
    data = load_yaml(set_file)
    entries = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(Problem("expected a parameter set with a non-empty 'parameters' "
                                 "list", file=str(set_file)))
    text = parameters_file.read_text(encoding="utf-8")
    current = load_parameters(parameters_file)  # the priors the fit started from
    changed = []
    for k, entry in enumerate(entries):
        pid = entry.get("id") if isinstance(entry, dict) else None
        where = dict(file=str(set_file), item=str(pid or f"parameters[{k}]"))
        if not isinstance(pid, str):
            raise InputError(Problem("expected a mapping with an 'id'", field="id", **where))
        m = _block(text, pid)
        if m is None:
            raise InputError(Problem(f"{parameters_file.name} has no parameter {pid!r}",
                                     field="id", **where))
        (old,) = yaml.safe_load(m.group(0))
        if entry.get("unit") != old.get("unit"):
            raise InputError(Problem(f"unit {entry.get('unit')!r} differs from "
                                     f"{parameters_file.name}'s {old.get('unit')!r}",
                                     field="unit", **where))
        if entry.get("provenance") not in ("fitted", "derived"):
            raise InputError(Problem(f"expected provenance fitted or derived, got "
                                     f"{entry.get('provenance')!r}", field="provenance",
                                     **where))
        new = dict(old)
        new.update(value=float(f"{float(entry['value']):.6g}"),
                   provenance=entry["provenance"], note=_note(entry, old, describe))
        if entry["provenance"] == "fitted":
            # the prior the fit started from: the one stated, else the replaced value with
            # its provenance's width
            median, sigma, _ = prior_of(current.parameter(pid))
            new["prior"] = {"median": median, "sigma_log10": round(sigma, 6)}
        order = ["id", "value", "unit", "provenance", "ref", "note", "prior"]
        new = {key: new[key] for key in order if key in new} | {
            key: v for key, v in new.items() if key not in order}
        dumped = yaml.safe_dump([new], sort_keys=False, width=10**6, allow_unicode=True)
        text = text[:m.start()] + dumped + text[m.end():]
        changed.append(pid)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        try:  # a file that does not load never replaces the old one
            load_parameters(tmp)
        except KnowledgeError as exc:
            found = str(exc).replace(str(tmp), str(parameters_file))
            raise InputError(Problem(f"adopting it would leave {parameters_file.name} "
                                     f"invalid; nothing written: {found}",
                                     file=str(set_file))) from exc

    write_atomic(parameters_file, write)
    return changed
