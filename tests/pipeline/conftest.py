"""A small real warehouse for the pipeline tests: UCI Online Retail, the 12 best sellers in GB, DE and FR."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import shared_path

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
    return build_small_retail(tmp_path_factory.mktemp("small-retail") / "retail.duckdb")


@pytest.fixture
def retail_copy(small_retail_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the small real warehouse."""
    dst = tmp_path / "retail.duckdb"
    shutil.copy(small_retail_db, dst)
    return dst
