"""Ingest: turn real exports (CSV/TSV/XLSX/Parquet/JSON Lines, zipped or in folders) into canonical tables.

``ingest_path(con, path, kind, settings=...)`` recognises the layout, validates in SQL, pseudonymises
personal ids, de-duplicates by content key and logs every file; see docs/ingest.md.
"""

from xborder.ingest.engine import ingest_path
from xborder.ingest.layouts.base import KINDS
from xborder.ingest.result import IngestResult

__all__ = ["ingest_path", "IngestResult", "KINDS"]
