"""The pipeline: runs the engines in order over the warehouse and records runs (does the I/O engines never do).

Use :func:`xborder.pipeline.runner.run_pipeline` (imported lazily so ``import xborder.pipeline`` stays light).
"""

__all__: list[str] = []
