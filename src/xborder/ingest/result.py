"""The outcome of ingesting one file (or one table of a multi-table folder)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["IngestResult"]


@dataclass
class IngestResult:
    """What happened to one input file: the counts always satisfy rows_in = stored + duplicate + quarantined."""

    ingest_id: str
    file_name: str
    kind: str
    layout: str | None
    rows_in: int = 0
    rows_stored: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    status: str = "ok"
    message: str = ""
    rejected_csv: str | None = None
    sha256: str = ""
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """True when every input row is accounted for."""
        return self.rows_in == self.rows_stored + self.rows_duplicate + self.rows_quarantined

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)
