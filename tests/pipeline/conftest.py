"""A small real warehouse for the pipeline tests: UCI Online Retail, the 12 best sellers in GB, DE and FR."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import built_once, shared_path

COUNTRIES = {"United Kingdom": "GB", "Germany": "DE", "France": "FR"}


def build_small_retail(db: Path) -> Path:
    """Load a real slice of UCI Online Retail straight into the canonical tables (no engine involved)."""
    from xborder.warehouse import connect

    src = shared_path("uci_online_retail", "online_retail.parquet")
    con = connect(db)
    try:
        con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM read_parquet('{src}')")
        con.execute(
            "CREATE TEMP TABLE cmap AS SELECT * FROM (VALUES "
            + ", ".join(f"('{k}', '{v}')" for k, v in COUNTRIES.items())
            + ") t(name, iso2)"
        )
        con.execute(
            "CREATE TEMP TABLE top AS SELECT StockCode FROM raw JOIN cmap ON raw.Country = cmap.name "
            "WHERE Quantity > 0 AND StockCode NOT IN ('POST', 'DOT', 'M', 'C2') GROUP BY 1 "
            "ORDER BY sum(Quantity) DESC LIMIT 12"
        )
        con.execute(
            "INSERT INTO order_lines (line_key, source, order_id, ordered_at, product_id, marketplace_id, country, "
            "quantity, unit_price, currency, status, is_product) "
            "SELECT md5(concat_ws('|', InvoiceNo, StockCode, InvoiceDate, Quantity, UnitPrice, row_number() OVER ())), "
            "'uci_online_retail', InvoiceNo, InvoiceDate, 'uci:' || StockCode, 'shop.' || iso2, iso2, abs(Quantity), "
            "UnitPrice, 'GBP', CASE WHEN InvoiceNo LIKE 'C%' THEN 'returned' ELSE 'sold' END, TRUE "
            "FROM raw JOIN cmap ON raw.Country = cmap.name WHERE StockCode IN (SELECT StockCode FROM top)"
        )
        con.execute(
            "INSERT INTO products (product_id, source, source_key, title) "
            "SELECT 'uci:' || StockCode, 'uci', StockCode, any_value(Description) FROM raw "
            "WHERE StockCode IN (SELECT StockCode FROM top) AND Description IS NOT NULL AND Description <> 'nan' "
            "GROUP BY StockCode"
        )
    finally:
        con.close()
    return db


@pytest.fixture(scope="session")
def small_retail_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only template: copy it (``retail_copy``) before running anything that writes."""
    return built_once(tmp_path_factory, "small-retail.duckdb", build_small_retail)


@pytest.fixture
def retail_copy(small_retail_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the small real warehouse."""
    dst = tmp_path / "retail.duckdb"
    shutil.copy(small_retail_db, dst)
    return dst


def finished_small_run(tmp_path_factory: pytest.TempPathFactory, folder: str) -> dict:
    """One whole run (every stage and the report, GB/DE/FR) on the small real warehouse, shared by the session.

    The run is made once per test session (``built_once``: the first xdist worker runs it, the other reuses
    it) and each caller gets a private copy of its warehouse in ``folder`` under its own temporary folder, so
    a module that writes to it never touches another's. Returns ``{"result", "db", "work"}``; ``result`` is
    ``run_pipeline``'s record with the report's ``files`` (paths in the shared run folder, read-only).
    """
    import pickle

    from xborder.core.settings import get_settings
    from xborder.pipeline.runner import run_pipeline
    from xborder.report.stage import RUN_STAGES

    def build(path: Path) -> None:
        path.mkdir()
        db = build_small_retail(path / "retail.duckdb")
        result = run_pipeline(
            get_settings(db_path=str(db)), out=path / "report", markets=["GB", "DE", "FR"], stages=RUN_STAGES
        )
        (path / "result.pickle").write_bytes(pickle.dumps(result))

    shared = built_once(tmp_path_factory, "small-run", build)
    result = pickle.loads((shared / "result.pickle").read_bytes())
    result["files"] = result["stages"]["report"]["summary"]["files"]
    work = tmp_path_factory.mktemp(folder)
    db = work / "retail.duckdb"
    shutil.copy(shared / "retail.duckdb", db)
    return {"result": result, "db": db, "work": work}
