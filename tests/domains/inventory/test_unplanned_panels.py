"""Niches planned from the category × market forecast, every other landed-cost pair given a row saying why it has
no plan, and the inventory report panels (plans against the rule, the stock projection) in en and zh."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.settings import get_settings
from xborder.domains.inventory.report import report_panels
from xborder.domains.inventory.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

WEEKS = pd.date_range("2026-01-05", periods=26, freq="7D")


def _rows(pid: str | None, market: str, point: float, level: str = "product_market", kind: str = "forecast",
          category: str | None = None) -> pd.DataFrame:  # fmt: skip
    return pd.DataFrame({"run_id": "run-f", "unique_id": f"{pid or category}|{market}", "level": level, "freq": "W",
                         "product_id": pid, "category": category, "market": market, "ds": WEEKS, "model": "AutoETS",
                         "point": point, "hi_80": point + 1.2816 * 3, "kind": kind})  # fmt: skip


def test_niches_are_planned_and_the_rest_say_why(tmp_path) -> None:
    db = tmp_path / "u.duckdb"
    con = connect(db)
    con.execute("INSERT INTO products (product_id, source, category) VALUES ('p1', 't', 'home'), ('p2', 't', 'home'), "
                "('p3', 't', 'toys')")  # fmt: skip
    fc = [_rows("p1", "DE", 35.0), _rows("p2", "DE", 14.0), _rows("p1", "FR", 7.0, kind="analogue"),
          _rows(None, "DE", 70.0, level="category_market", category="home")]  # fmt: skip
    write_frame(con, "forecasts", pd.concat(fc))
    # p3 sold in GB: 60 units in August, 30 in October 2025 and 10 on 2025-12-05 (December is partial: left out)
    for i, (day, qty) in enumerate((("2025-08-10", 60), ("2025-10-03", 30), ("2025-12-05", 10))):
        con.execute("INSERT INTO order_lines (line_key, source, order_id, line_no, ordered_at, product_id, country, quantity, "
                    "unit_price, currency, status) VALUES (?, 't', ?, 1, ?, 'p3', 'GB', ?, 5, 'GBP', 'sold')",
                    [f"k{i}", f"o{i}", day, qty])  # fmt: skip
    lc = pd.DataFrame({"run_id": "run-l", "product_id": ["p1", "p1", "p1", "p3", "p3"],
                       "market": ["DE", "FR", "US", "GB", "IE"],
                       "mode": "sea_lcl", "as_of": pd.Timestamp("2026-01-01"), "currency": "EUR",
                       "landed_cost": 6.0})  # fmt: skip
    write_frame(con, "landed_costs", lc)
    run_id, summary = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    plans = read_rows(con, "inventory_plans", run_id).set_index(["product_id", "market"])
    assert summary["plans"] == 5 and summary["unplanned"] == 2
    assert summary["kinds"] == {"forecast": 2, "analogue": 1, "niche": 1, "history": 1}
    # p3 in GB: 90 units over June-November 2025 (183 days), the spread from the six monthly totals
    hist = plans.loc[("p3", "GB")]
    assert hist["kind"] == "history" and hist["daily_demand"] == pytest.approx(90 / 183)
    assert hist["notes_en"].startswith(
        "No forecast for this pair: demand is its own sales of the last six months"
    )
    # the home category in DE: 70 units a week over its 2 forecast products → a typical new product 35 a week
    niche = plans.loc[("niche:home", "DE")]
    assert niche["kind"] == "niche" and niche["daily_demand"] == pytest.approx(35 / 7)
    assert niche["notes_en"].startswith("A new product of this category (niche)")
    # p1 in the US: forecast in DE and FR only; p3 in Ireland: no forecast anywhere, no sale there
    us, gb = plans.loc[("p1", "US")], plans.loc[("p3", "IE")]
    assert us["kind"] == gb["kind"] == "none" and pd.isna(us["reorder_point"])
    assert us["notes_en"].startswith(
        "No stock plan: the demand stage forecast this product only in DE, FR, and it sold"
    )
    assert gb["notes_zh"].startswith("没有库存计划：需求阶段没有为该商品写出预测")
    # the report panels of the run
    en = {p.key: p for p in report_panels(con, run_id, "en")}
    zh = {p.key: p for p in report_panels(con, run_id, "zh")}
    con.close()
    summary_panel = en["inventory.plans"]
    assert summary_panel.figure is not None and summary_panel.missing is None
    table = summary_panel.tables[0][1].set_index("Demand basis")
    assert (
        table.loc["forecast", "Pairs"] == 2
        and table.loc["niche (a new product of the category)", "Pairs"] == 1
    )
    why = summary_panel.tables[1][1]
    assert why["Pairs"].sum() == 2 and "5 product × market pairs planned" in summary_panel.intro
    proj = en["inventory.projection"]
    top = plans[plans["reorder_point"].notna()].sort_values("cash_tied_up", ascending=False).index[0]
    assert proj.intro.startswith(f"{top[0]} in {top[1]}:") and len(proj.figure.data) == 3
    assert zh["inventory.plans"].title == "库存计划与按可售天数补货规则的对比"
    # a run without plans says what fills it
    con = connect(db)
    empty = report_panels(con, "run-none", "en")
    con.close()
    assert [p.missing is not None for p in empty] == [True, True] and "demand forecasts" in empty[0].missing
