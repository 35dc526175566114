"""Fixtures of the selection tests: the UCI order lines (from the shared retail warehouse when it exists)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "benchmarks"))
from selection_data import lines_from_warehouse, read_uci_lines  # noqa: E402


@pytest.fixture(scope="session")
def uci_lines(request: pytest.FixtureRequest) -> pd.DataFrame:
    """UCI Online Retail + II as canonical order lines (warehouse fixture first, direct reader otherwise)."""
    if "retail_warehouse" in request.fixturenames or _has_fixture(request, "retail_warehouse"):
        import duckdb

        path = request.getfixturevalue("retail_warehouse")
        con = duckdb.connect(str(path), read_only=True)
        try:
            lines = lines_from_warehouse(con)
        finally:
            con.close()
        if len(lines):
            return lines
    shared_path("uci_online_retail", "online_retail.parquet")
    return read_uci_lines(Path(shared_path()))


def _has_fixture(request: pytest.FixtureRequest, name: str) -> bool:
    try:
        request._fixturemanager.getfixturedefs(name, request.node)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001
        return False
    return bool(request._fixturemanager.getfixturedefs(name, request.node))  # type: ignore[attr-defined]
