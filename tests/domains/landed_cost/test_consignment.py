"""Consignment size per product × market: expected demand over a replenishment cycle, at least the MOQ."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.core.settings import Settings
from xborder.domains.landed_cost.stage import consignment_units, expected_monthly_units, run_landed_cost
from xborder.warehouse import connect


def test_units_are_a_cycle_of_expected_demand_at_least_the_moq() -> None:
    units = consignment_units(
        np.array([8.3, 0.01, np.nan, 40.0]), 3.0, np.array([np.nan, np.nan, 50.0, 100.0])
    )
    assert units.tolist() == [25.0, 1.0, 50.0, 120.0]  # ceil(24.9); at least 1; the MOQ; demand above the MOQ


def _lines(con, rows: list[tuple[str, str, str, float]]) -> None:
    df = pd.DataFrame(rows, columns=["product_id", "country", "ordered_at", "quantity"]).assign(
        line_key=lambda d: "k" + d.index.astype(str),
        source="test",
        order_id=lambda d: "o" + d.index.astype(str),
        unit_price=4.0,
        currency="GBP",
        status="sold",
        is_product=True,
    )
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    con.register("l", df)
    con.execute("INSERT INTO order_lines BY NAME SELECT * FROM l")
    con.unregister("l")


def test_expected_monthly_units_forecast_then_history_then_market_share(db_path: Path) -> None:
    con = connect(db_path)
    try:
        # last complete month 2024-06: the window is 2024-01 … 2024-06; 2023 sales are outside it
        _lines(
            con,
            [("p:a", "GB", f"2024-0{m}-10", 20.0) for m in range(1, 7)]
            + [("p:a", "DE", "2024-03-05", 12.0), ("p:a", "DE", "2023-03-05", 500.0)]
            + [("p:b", "GB", "2024-06-28", 30.0)],
        )
        con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('d', 'demand', now(), 'ok')")
        con.execute(
            "INSERT INTO forecasts (run_id, unique_id, level, freq, product_id, market, ds, model, point, kind) "
            "SELECT 'd', 'p:b|GB', 'product_market', 'W', 'p:b', 'GB', DATE '2024-07-01' + INTERVAL (7 * i) DAY, "
            "'AutoETS', 3.0, 'forecast' FROM range(30) t(i)"
        )
        d = expected_monthly_units(con).set_index(["product_id", "market"])
    finally:
        con.close()
    assert (
        d.loc[("p:a", "GB"), "units"] == pytest.approx(120 / 6)
        and d.loc[("p:a", "GB"), "demand_basis"] == "history"
    )
    assert d.loc[("p:a", "DE"), "units"] == pytest.approx(12 / 6)  # the 2023 order is outside the 6 months
    assert d.loc[("p:b", "GB"), "units"] == pytest.approx(26 * 3.0 / 6)  # 26 weeks of the forecast
    assert d.loc[("p:b", "GB"), "demand_basis"] == "forecast"
    # the transfer estimate for a market without sales: product units × the market's share of all units
    share = d.attrs["market_share"]
    assert share["DE"] == pytest.approx(12 / (120 + 12 + 30))


@pytest.mark.shared_data
@pytest.mark.slow
def test_uci_consignments_follow_the_real_demand(retail_warehouse: Path, db_path: Path) -> None:
    """On UCI Online Retail + II: the sea LCL consignment of the best-selling product in DE is 3 months of its
    German sales rate over Jun–Nov 2011 (the last complete month is November 2011), not a fixed 500 units."""
    con = connect(db_path)
    con.execute(f"ATTACH '{retail_warehouse}' AS r (READ_ONLY)")
    con.execute("""CREATE TEMP TABLE top AS SELECT product_id FROM r.order_lines WHERE status = 'sold' AND is_product
                   AND country = 'DE' GROUP BY 1 ORDER BY sum(quantity) DESC LIMIT 5""")
    con.execute(
        "INSERT INTO products SELECT * FROM r.products WHERE product_id IN (SELECT product_id FROM top)"
    )
    con.execute(
        "INSERT INTO order_lines SELECT * FROM r.order_lines WHERE product_id IN (SELECT product_id FROM top)"
    )
    try:
        out = run_landed_cost(
            con, Settings(), run_id="c", markets=["DE", "GB", "JP"], max_products=5, date="2026-07-01"
        )
        lc = con.execute("SELECT product_id, market, mode, units FROM landed_costs WHERE run_id = 'c'").df()
        de = con.execute(
            "SELECT product_id, sum(quantity) AS q FROM order_lines WHERE status = 'sold' AND country = 'DE' "
            "AND ordered_at >= TIMESTAMP '2011-06-01' AND ordered_at < TIMESTAMP '2011-12-01' GROUP BY 1"
        ).df()
        last = con.execute("SELECT max(ordered_at) FROM order_lines").fetchone()[0]
    finally:
        con.close()
    assert str(last)[:10] == "2011-12-09"  # December 2011 is incomplete: the window ends with November
    u = lc.set_index(["product_id", "market", "mode"])["units"]
    for pid, q in zip(de["product_id"], de["q"], strict=True):
        assert u[(pid, "DE", "sea_lcl")] == math.ceil(q / 6 * 3) == u[(pid, "DE", "air")]
        assert u[(pid, "DE", "express")] == 1.0  # parcels
    assert (lc.loc[lc["mode"] == "sea_lcl", "units"] != 500).all()
    assert out["consignment"]["replenishment_months"] == 3.0
    assert out["consignment"]["rows_by_demand_basis"]["mode_default"] == 5 * 3  # the express rows
