"""Name resolution shared by everything: HGNC symbols, spec aliases, spelling variants."""

from __future__ import annotations

__all__ = ["normalise_name", "NameIndex"]

import difflib
import re
from collections.abc import Iterable

from ..errors import Problem, UnknownNameError


def normalise_name(name: str) -> str:
    """Fold case, dashes, spaces, dots and Greek letters: 'IL-6' -> 'il6', 'NF-κB' -> 'nfkb'."""
    s = str(name).strip().lower()
    s = (s.replace("κ", "k").replace("α", "a").replace("β", "b").replace("γ", "g")
         .replace("alpha", "a").replace("beta", "b").replace("gamma", "g"))
    return re.sub(r"[\s\-_.·/]+", "", s)


class NameIndex:
    """Maps names (any case or spelling variant) to canonical ids of one namespace."""

    def __init__(self, kind: str):
        self.kind = kind
        self._by_key: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}

    def add(self, canonical: str, names: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Register ``canonical`` under itself and ``names``; return clashes (name, other id)."""
        clashes = []
        for n in (canonical, *names):
            key = normalise_name(n)
            ids = self._by_key.setdefault(key, set())
            for other in ids:
                if other != canonical:
                    clashes.append((n, other))
            ids.add(canonical)
            self._display.setdefault(key, n)
        return clashes

    def ids(self) -> list[str]:
        return sorted({i for ids in self._by_key.values() for i in ids})

    def lookup(self, name: str) -> set[str]:
        return set(self._by_key.get(normalise_name(name), ()))

    def close_matches(self, name: str, n: int = 5) -> list[str]:
        keys = difflib.get_close_matches(normalise_name(name), list(self._by_key), n=n, cutoff=0.6)
        out: list[str] = []
        for k in keys:
            for i in sorted(self._by_key[k]):
                if i not in out:
                    out.append(i)
        return out[:n]

    def resolve(self, name: str, *, where: Problem | None = None) -> str:
        """The one canonical id for ``name``; UnknownNameError (with close matches) otherwise."""
        if not isinstance(name, str) or not name.strip():
            raise self._error(f"expected a {self.kind} name, got {name!r}", where)
        ids = self.lookup(name)
        if len(ids) == 1:
            return next(iter(ids))
        if len(ids) > 1:
            raise self._error(f"ambiguous {self.kind} {name!r}: could be {', '.join(sorted(ids))}",
                              where)
        close = self.close_matches(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise self._error(f"unknown {self.kind} {name!r}{hint}", where)

    @staticmethod
    def _error(msg: str, where: Problem | None) -> UnknownNameError:
        w = where or Problem("")
        return UnknownNameError(Problem(msg, file=w.file, line=w.line, item=w.item, field=w.field))
