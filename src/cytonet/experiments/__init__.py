"""cytonet.experiments."""
