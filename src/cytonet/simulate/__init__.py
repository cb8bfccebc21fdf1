"""cytonet.simulate."""
