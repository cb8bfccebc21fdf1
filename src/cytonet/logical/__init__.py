"""Logical (Boolean) model compiled from the knowledge graph (docs/logical.md).

The analysis engines (mpbn, biobalm, MaBoSS through cmaboss) are optional (extra
``logical``) and imported only when used.
"""

from .compile import compile_logical
from .model import LogicalModel, Rule

__all__ = ["LogicalModel", "Rule", "compile_logical"]
