"""The self-contained HTML report of a validation scorecard."""

from .html import classify, load_failure_reasons, pathway_of, render_html, write_report

__all__ = ["classify", "load_failure_reasons", "pathway_of", "render_html", "write_report"]
