"""The customers stage on the Olist 10,000-order sample (customer_unique_id links orders of one person), checked
against counts computed by hand from its CSV files; and what the models say when few customers come back."""

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
    assert notes["customers.few_repeaters"]["share"] == pytest.approx(share, rel=1e-9)
    segs = read_rows(con, "customer_segments", run_id)
    assert set(segs["market"]) == {"BR"} and set(segs["currency"]) == {"BRL"}
    assert int(segs["customers"].sum()) == len(days)
    scores = read_rows(con, "customer_scores", run_id)
    one_time = scores[scores["purchases"] == 1]
    assert (one_time["p_alive"] == 1.0).all()  # BG/NBD: no drop-out before a repeat purchase
    assert scores["expected_purchases"].sum() < 0.02 * len(scores)  # a year's forecast: almost nobody returns
    con.close()
