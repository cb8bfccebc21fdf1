"""cytonet.validation."""
