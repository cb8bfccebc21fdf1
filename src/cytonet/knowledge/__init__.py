"""cytonet.knowledge."""
