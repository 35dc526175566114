"""The traceability ledger: every ingest and run, and supply-chain events per batch, hash-chained in RFC 6962
Merkle trees.

``runs`` records ingests and runs (called by the pipeline runner), ``store`` appends events, ``verify``
recomputes everything and names the first tampered entry, ``proof`` makes and checks proof bundles,
``anchor`` publishes checkpoints. See docs/ledger.md.
"""

__all__: list[str] = []
