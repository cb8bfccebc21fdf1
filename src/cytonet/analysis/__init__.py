"""cytonet.analysis."""
