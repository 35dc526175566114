"""The pipeline: runs the engines in order over the warehouse and records runs (does the I/O engines never do)."""
