"""cytonet: an executable, evidence-backed model of cytokine signalling in cancer."""

from __future__ import annotations

__version__ = "0.1.0"
