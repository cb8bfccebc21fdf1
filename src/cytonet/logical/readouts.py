"""Readouts (``KIND:ENTITY``) on a logical model: which node stands for what (docs/logical.md).

``phospho``, ``active`` and ``nuclear`` read the entity's activity node; ``mRNA`` its
``_mRNA`` node; ``protein`` its amount node (the activity node of a constitutive protein);
``secreted`` its ``_secreted`` node; ``free`` the ligand in the medium; ``phenotype`` the
phenotype node. A readout without such a node is not expressible on the logical model.
"""

from __future__ import annotations

__all__ = ["node_for_readout", "NotExpressible"]

_KIND_NODE = {"phospho": ("activity",), "active": ("activity",), "nuclear": ("activity",),
              "mRNA": ("mRNA",), "protein": ("protein", "activity"), "secreted": ("secreted",),
              "free": ("medium",), "phenotype": ("phenotype",)}


class NotExpressible(ValueError):
    """The logical model has no node for this readout, experiment or expectation."""


def node_for_readout(nodes_of: dict[str, dict[str, str]], kind: str, entity: str) -> str:
    got = nodes_of.get(entity, {})
    for k in _KIND_NODE.get(kind, ()):
        if k in got:
            return got[k]
    raise NotExpressible(f"the logical model has no node for {kind}:{entity}"
                         + (f" (it has {', '.join(sorted(got))})" if got else
                            " (the entity is not in the logical model)"))
