"""cytonet.calibrate."""
