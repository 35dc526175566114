"""Mapping files (TOML): describe any other layout — source column → canonical field, plus constants."""

from __future__ import annotations

from pathlib import Path

from xborder.errors import BadInputError
from xborder.ingest.layouts.base import Layout

__all__ = ["load_mapping"]


def load_mapping(path: Path, kind: str | None) -> tuple[Layout, dict]:
    """Build a Layout from a mapping file (see docs/ingest.md)."""
    raise BadInputError(f"Mapping files are not supported yet ({path}).")
