"""HTTP views of the kiki app (JSON APIs), one module per feature."""
