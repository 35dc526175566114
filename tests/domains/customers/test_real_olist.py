"""The customers stage on the Olist 10,000-order sample (customer_unique_id links orders of one person), checked
against counts and sums computed by hand from its CSV files; with 0.3 % repeat customers no model is fitted."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings, get_settings
from xborder.domains.customers.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def test_olist_customers_segments_and_clv(tmp_path) -> None:
    from xborder.ingest import ingest_path

    folder = shared_path("olist_brazilian_ecommerce", "sample_10000_orders_thegeshwar")
    orders = pd.read_csv(folder / "olist_orders_dataset.csv")
    customers = pd.read_csv(folder / "olist_customers_dataset.csv")
    items = pd.read_csv(folder / "olist_order_items_dataset.csv")
    sold = orders[~orders["order_status"].isin(["canceled", "unavailable"])]
    sold = sold[sold["order_id"].isin(items["order_id"])].merge(customers, on="customer_id")
    sold["day"] = pd.to_datetime(sold["order_purchase_timestamp"]).dt.normalize()
    days = sold.groupby("customer_unique_id")["day"].nunique()

    con = connect(tmp_path / "olist.duckdb")
    for name in ("olist_customers_dataset.csv", "olist_orders_dataset.csv", "olist_order_items_dataset.csv"):
        ingest_path(con, folder / name, "orders", settings=Settings(pseudonym_key="test-key-not-secret"))
    run_id, summary = run_stage(con, get_settings(db_path=str(tmp_path / "olist.duckdb")), STAGE, {})
    assert summary["customers"] == len(days) and summary["repeat_customers"] == int((days >= 2).sum())
    share = (days >= 2).mean()
    assert share < 0.01  # a random sample of orders keeps few of a person's several orders
    notes = {n["code"]: n["args"] for n in summary["notes"]}
    assert notes["customers.too_few_repeaters"]["share"] == pytest.approx(share, rel=1e-9)
    model = read_rows(con, "customer_models", run_id).iloc[0]
    assert model["status"] == "too_few_customers" and pd.isna(model["r"])
    segs = read_rows(con, "customer_segments", run_id)
    assert set(segs["market"]) == {"BR"} and set(segs["currency"]) == {"BRL"}
    assert int(segs["customers"].sum()) == len(days) and segs["expected_value"].isna().all()
    repeaters = segs[segs["segment"].isin(["high_value", "at_risk"])]["customers"].sum()
    # One-time buyers have F = 1 (nobody has fewer purchases), so (F + M) / 2 <= 3 < 3.5: never "valuable".
    assert 0 < repeaters <= int((days >= 2).sum())
    value = sold.merge(items, on="order_id").groupby("customer_unique_id")["price"].sum()
    assert segs["total_value"].sum() == pytest.approx(value.sum(), rel=1e-9)
    con.close()
