"""cytonet.compile."""
