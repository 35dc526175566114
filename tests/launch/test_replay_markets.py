"""Replayed launches per product x market: kinds, scopes and picks by hand, and on UCI Online Retail."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.launch.replay import ReplayRules
from xborder.domains.launch.replay_markets import home_market, market_replay_summary, replay_market_launches


def _lines(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["product_id", "market", "ordered_at", "quantity", "unit_price"])


def test_pairs_first_sold_after_the_first_month_are_launches_by_kind_and_scope() -> None:
    lines = _lines(
        [
            ("old", "GB", "2020-01-05", 50, 1.0),  # the data's first month: burn-in, not a launch
            ("old", "FR", "2020-02-03", 4, 1.0),  # an older product's first sale in France
            ("old", "FR", "2020-03-03", 6, 1.0),
            ("new", "GB", "2020-02-10", 7, 2.0),  # a product first seen in February, at home
            ("new", "DE", "2020-03-10", 3, 2.0),  # and in Germany a month later
            ("new", "DE", "2020-05-10", 9, 2.0),  # outside DE's 2-month window (03..04)
            ("old", "GB", "2020-06-01", 1, 1.0),  # makes May the last full month
        ]
    )
    judged = replay_market_launches(lines, pd.Series({"old": "home", "new": "toys"}), ReplayRules(horizon=2))
    got = judged.set_index(["product_id", "market"])
    assert sorted(got.index) == [("new", "DE"), ("new", "GB"), ("old", "FR")]
    assert got.loc[("old", "FR"), "kind"] == "new_market" and got.loc[("old", "FR"), "scope"] == "foreign"
    assert got.loc[("new", "GB"), "kind"] == "new_product" and got.loc[("new", "GB"), "scope"] == "home"
    assert got.loc[("new", "DE"), "scope"] == "foreign"
    assert got.loc[("old", "FR"), "actual_units"] == 10  # February 4 + March 6
    assert got.loc[("new", "DE"), "actual_units"] == 3  # May is outside the window
    assert got.loc[("new", "DE"), "category"] == "toys"
    assert str(got.loc[("new", "DE"), "launch_month"]) == "2020-03"
    assert home_market(lines) == "GB"  # 58 units against 13 in FR and 12 in DE


def test_summary_counts_judged_and_pending_per_group() -> None:
    judged = pd.DataFrame(
        {
            "kind": ["new_product", "new_product", "new_market", "new_market"],
            "scope": ["home", "foreign", "foreign", "foreign"],
            "complete": [True, True, True, False],
            "success": [True, False, True, None],
            "beat_point": [True, False, False, None],
            "picked": [True, True, False, False],
            "actual_units": [10.0, 2.0, 8.0, float("nan")],
            "forecast": [8.0, 4.0, 8.0, 5.0],
            "lo_80": [5.0, 3.0, 2.0, 1.0],
            "hi_80": [20.0, 9.0, 9.0, 9.0],
        }
    )
    s = market_replay_summary(judged).set_index("group")
    assert s.loc["all", "launches"] == 3 and s.loc["all", "pending"] == 1
    assert s.loc["all", "success_rate"] == pytest.approx(2 / 3)
    assert s.loc["all", "picks"] == 2 and s.loc["all", "picks_success_rate"] == pytest.approx(0.5)
    assert s.loc["all", "wape"] == pytest.approx((2 + 2 + 0) / 20)
    assert s.loc["new_market:foreign", "launches"] == 1 and s.loc["new_market:foreign", "pending"] == 1
    assert s.loc["new_product:foreign", "success_rate"] == 0.0


@pytest.mark.slow
@pytest.mark.shared_data
def test_market_replay_on_uci_online_retail() -> None:
    raw = pd.read_parquet(shared_path("uci_online_retail", "online_retail.parquet"))
    raw = raw[(raw["Quantity"] > 0) & ~raw["InvoiceNo"].astype(str).str.startswith("C")]
    lines = pd.DataFrame(
        {
            "product_id": "uci:" + raw["StockCode"].astype(str),
            "market": raw["Country"].astype(str),
            "ordered_at": raw["InvoiceDate"],
            "quantity": raw["Quantity"].astype(float),
            "unit_price": raw["UnitPrice"].astype(float),
        }
    )
    judged = replay_market_launches(lines, pd.Series(dtype=object))
    # by hand: first month of every pair and of every product; 2010-12 is the burn-in, 2011-12 partial,
    # so a 6-month window is complete for launches up to 2011-06
    month = pd.to_datetime(lines["ordered_at"]).dt.to_period("M")
    first_pair = month.groupby([lines["product_id"], lines["market"]]).min()
    launched = first_pair[first_pair > pd.Period("2010-12", "M")]
    assert len(judged) == len(launched)
    assert int(judged["complete"].sum()) == int((launched <= pd.Period("2011-06", "M")).sum())
    assert set(judged.loc[judged["scope"] == "home", "market"]) == {"United Kingdom"}
    first_product = month.groupby(lines["product_id"]).min()
    new = launched.index.get_level_values(0).map(first_product) > pd.Period("2010-12", "M")
    assert int((judged["kind"] == "new_product").sum()) == int(new.sum())
    # one pair by hand: the product's units in its market over its first 6 months
    row = judged[judged["complete"] & (judged["scope"] == "foreign")].iloc[0]
    start = row["launch_month"]
    mine = (lines["product_id"] == row["product_id"]) & (lines["market"] == row["market"])
    in_window = mine & (month >= start) & (month <= start + 5)
    assert row["actual_units"] == lines.loc[in_window, "quantity"].sum()
    picks = judged[judged["complete"] & judged["picked"]]
    assert len(picks) > 0 and picks["launch_month"].nunique() == 6


def test_factors_keep_one_row_per_pair_of_the_same_product() -> None:
    from xborder.domains.launch.refit import launch_factors
    from xborder.domains.launch.replay import monthly_units

    lines = _lines(
        [
            ("a", "GB", "2020-01-05", 5, 1.0),
            ("a", "GB", "2020-02-05", 10, 1.0),  # category toys: 5 units in January, 10 in February
            ("b", "FR", "2020-03-03", 2, 4.0),
            ("b", "DE", "2020-03-09", 3, 6.0),
            ("a", "GB", "2020-05-01", 1, 1.0),
        ]
    )
    cats = pd.Series({"a": "toys", "b": "toys"})
    judged = replay_market_launches(lines, cats, ReplayRules(horizon=1))
    f = launch_factors(monthly_units(lines), judged, cats).set_index("market")
    assert len(f) == len(judged) == 2  # b in FR and b in DE, not 4 rows from a merge on product_id
    assert f.loc["FR", "price"] == 4.0 and f.loc["DE", "price"] == 6.0
    assert f.loc["FR", "crowding"] == 2.0  # toys sold per month, summed over Dec .. Feb: a in Jan + a in Feb
