"""The customers report panel: cohort heat map and tables from a run, or why there is none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.domains.customers.test_real_uci import NON_PRODUCT
from tests.domains.customers.test_stage_cli import ORDERS, _warehouse
from xborder.core.settings import Settings, get_settings
from xborder.domains.customers.report import report_panels
from xborder.domains.customers.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "orders_uci_online_retail_2010-2011.csv.gz"


def test_heat_map_cells_are_the_cohort_shares_counted_by_hand(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "w.duckdb", ORDERS)
    con = connect(db)
    run_id, _ = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    en, zh = report_panels(con, run_id, "en"), report_panels(con, run_id, "zh")
    con.close()
    p, held_out = en
    assert p.missing is None and p.key == "customers.cohorts"
    assert held_out.key == "customers.backtest" and held_out.missing is not None  # 3 customers: no models
    heat = p.figure.data[0]
    # DE, cohort 2024-01: anna and ben; anna buys again in February and March, ben never: 100 / 50 / 50.
    assert list(heat.y) == ["2024-01"]  # cleo, the only February customer, is in FR
    assert list(heat.z[0]) == [100.0, 50.0, 50.0]
    assert "shop, DE (2 customers)" in p.intro
    retention = p.tables[0][1]
    assert list(retention.columns[:4]) == ["source", "market", "customers", "+1 month"]
    assert retention.iloc[0].tolist()[:4] == ["shop", "DE", 2, 50.0]
    assert zh[0].title == "客户：同期群留存" and "市场" in zh[0].tables[0][1].columns


def test_orders_without_customer_keys_give_the_reason(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "w.duckdb", [r for r in ORDERS if r[0] == "amz"])
    con = connect(db)
    run_id, _ = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    p, held_out = report_panels(con, run_id, "en")
    con.close()
    assert p.figure is None and p.missing is not None
    assert "amz: none of its 2 sold order lines carries a customer key" in held_out.missing
    assert "amz: none of its 2 sold order lines carries a customer key" in p.missing
    assert "xborder customers cohorts" in p.missing


@pytest.mark.slow
def test_demo_orders_gb_first_cohort_equals_the_raw_file(tmp_path: Path) -> None:
    from xborder.ingest import ingest_path

    db = tmp_path / "w.duckdb"
    con = connect(db)
    ingest_path(con, DEMO, "orders", settings=Settings(pseudonym_key="test-key-not-secret"))
    run_id, _ = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    p = report_panels(con, run_id, "en")[0]
    con.close()
    df = pd.read_csv(DEMO, dtype={"InvoiceNo": str, "StockCode": str})
    code, invoice = df["StockCode"].str.upper(), df["InvoiceNo"].str.upper()
    product = ~(
        code.isin(NON_PRODUCT) | code.str.lower().str.startswith("gift_") | invoice.str.startswith("A")
    )
    sold = df[df["CustomerID"].notna() & ~invoice.str.startswith("C") & (df["Quantity"] > 0) & product].copy()
    sold["at"] = pd.to_datetime(sold["InvoiceDate"])
    sold = sold.sort_values("at")
    first = sold.groupby("CustomerID").first()
    gb_dec = first[(first["Country"] == "United Kingdom") & (first["at"] < "2011-01-01")].index
    january = sold[(sold["at"] >= "2011-01-01") & (sold["at"] < "2011-02-01")]["CustomerID"].unique()
    share = len(set(gb_dec) & set(january)) / len(gb_dec)
    heat = p.figure.data[0]
    assert "uci, GB" in p.intro and heat.y[0] == "2010-12"
    assert heat.z[0][0] == 100.0 and heat.z[0][1] == pytest.approx(100 * share, abs=1e-9)
    assert 0.2 < share < 0.5
