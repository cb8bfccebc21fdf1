"""Curated knowledge: entities, interactions with evidence, drugs, contexts, phenotypes."""

from .load import DATA_DIR, Catalog, default_catalog, load_knowledge, read_knowledge
from .names import NameIndex, normalise_name
from .records import Knowledge

__all__ = ["DATA_DIR", "Catalog", "Knowledge", "NameIndex", "default_catalog", "load_knowledge",
           "normalise_name", "read_knowledge"]
