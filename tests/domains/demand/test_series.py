"""build_series: net of cancellations/returns, non-product lines excluded, zero-filled, ids per level."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.demand import build_series

ROWS = [
    ("uci:A", "DE", "2011-01-03 10:00", 10, "sold", True),  # Monday, week 1
    ("uci:A", "DE", "2011-01-05 10:00", 3, "cancelled", True),  # same week: net 7
    ("uci:A", "DE", "2011-01-19 10:00", 4, "sold", True),  # week 3; week 2 has no sale -> 0
    ("uci:A", "DE", "2011-01-20 10:00", 1, "returned", True),  # net 3 in week 3
    ("uci:A", "FR", "2011-01-18 09:00", 2, "sold", True),
    ("uci:POST", "DE", "2011-01-04 10:00", 1, "sold", False),  # postage: not demand
    ("uci:B", "DE", "2011-01-30 10:00", 5, "sold", True),  # Sunday: still week 4
]


def test_product_market_weekly_is_net_zero_filled_and_excludes_non_products(order_lines_from) -> None:
    s = build_series(order_lines_from(ROWS), level="product_market", freq="W", complete_periods_only=False)
    a = s[s["unique_id"] == "uci:A|DE"]
    assert a["ds"].dt.dayofweek.eq(0).all()  # weeks start on Monday
    assert a["y"].tolist() == [7.0, 0.0, 3.0, 0.0]  # net of cancellation and return; gap week is 0
    assert "uci:POST|DE" not in set(s["unique_id"])
    assert s[s["unique_id"] == "uci:A|FR"]["y"].tolist() == [2.0, 0.0]  # from first sale to the data end


def test_levels_use_the_documented_ids(order_lines_from) -> None:
    ol = order_lines_from(ROWS).assign(category=["home_kitchen"] * 7)
    ids = {
        lv: set(build_series(ol, level=lv, freq="M", complete_periods_only=False)["unique_id"])
        for lv in ("category_market", "market_total", "product_total")
    }
    assert ids["category_market"] == {"cat:home_kitchen|DE", "cat:home_kitchen|FR"}
    assert ids["market_total"] == {"total|DE", "total|FR"}
    assert ids["product_total"] == {"uci:A|ALL", "uci:B|ALL"}
    tot = build_series(ol, level="market_total", freq="M", complete_periods_only=False)
    assert tot.loc[tot["unique_id"] == "total|DE", "y"].sum() == 7 + 3 + 5


def test_partial_last_period_is_dropped(order_lines_from) -> None:
    ol = order_lines_from(ROWS)
    full = build_series(ol, level="market_total", freq="W", complete_periods_only=False)
    trimmed = build_series(ol, level="market_total", freq="W")
    assert full["ds"].max() == pd.Timestamp("2011-01-24")  # the data end on Sunday 30th: week complete
    assert trimmed["ds"].max() == full["ds"].max()
    monthly = build_series(ol, level="market_total", freq="M")
    assert monthly.empty or monthly["ds"].max() < pd.Timestamp("2011-01-01")  # January ends after the data


def test_returns_exceeding_sales_clip_to_zero_and_unknown_status_is_rejected(order_lines_from) -> None:
    ol = order_lines_from(
        [("p:1", "DE", "2011-01-03", 5, "sold", True), ("p:1", "DE", "2011-01-10", 9, "returned", True)]
    )
    s = build_series(ol, level="product_market", freq="W", complete_periods_only=False)
    assert s["y"].tolist() == [5.0, 0.0]
    bad = order_lines_from([("p:1", "DE", "2011-01-03", 5, "shipped", True)])
    with pytest.raises(BadInputError, match="status"):
        build_series(bad, level="product_market", freq="W")
    with pytest.raises(BadInputError, match="level"):
        build_series(ol, level="planet", freq="W")


def test_top_gives_half_the_places_to_foreign_pairs() -> None:
    """The busiest series are all home-market ones; with foreign_share=0.5 the busiest foreign pairs get in."""
    from xborder.domains.demand.stage.pick import top_series as _top

    rows = []
    for i in range(6):  # GB: the home market, every series busier than any foreign one
        rows += [{"unique_id": f"p{i}|GB", "ds": d, "y": 100.0 - i} for d in range(60)]
    for i in range(6):
        rows += [{"unique_id": f"p{i}|FR", "ds": d, "y": 10.0 - i} for d in range(60)]
    series = pd.DataFrame(rows)
    plain, skipped = _top(series, 4)
    assert sorted(plain["unique_id"].unique()) == ["p0|GB", "p1|GB", "p2|GB", "p3|GB"] and skipped == 8
    mixed, skipped = _top(series, 4, foreign_share=0.5)
    assert sorted(mixed["unique_id"].unique()) == ["p0|FR", "p0|GB", "p1|FR", "p1|GB"] and skipped == 8


def test_the_scored_series_are_picked_before_the_scored_window() -> None:
    """A series that sold nothing until the last ``horizon`` periods (the scored backtest window) and then the
    most is forecast (the stage's pick reads the last 52 periods) but not scored: a seller at the last backtest
    origin would not have picked it. Forecast on the union, the result keeps the stage's pick and scores the other."""
    from xborder.domains.demand import forecast
    from xborder.domains.demand.stage.pick import narrowed, scored_pick, top_series

    ds = pd.date_range("2010-01-01", periods=40, freq="MS")
    rows = [
        {"unique_id": f"p{i}|GB", "ds": d, "y": 50.0 - 5 * i + (k % 3)}
        for i in range(4)
        for k, d in enumerate(ds)
    ]
    rows += [{"unique_id": "new|GB", "ds": d, "y": 0.0 if k < 34 else 500.0} for k, d in enumerate(ds)]
    series = pd.DataFrame(rows)
    todo, _ = top_series(series, 3)
    scored = scored_pick(series, 3, 6, 0.0)
    assert scored is not None and "new|GB" in set(todo["unique_id"]) and "new|GB" not in set(scored)
    assert sorted(scored) == ["p0|GB", "p1|GB", "p2|GB"]
    assert scored_pick(series, 5, 6, 0.0) is None  # every series forecast: every series scored
    res = forecast(
        series[series["unique_id"].isin(set(scored) | set(todo["unique_id"]))], horizon=6, freq="M"
    )
    out = narrowed(res, pd.Index(todo["unique_id"].unique()), scored)
    assert set(out.forecasts["unique_id"]) == set(todo["unique_id"]) == set(out.choice["unique_id"])
    assert out.overall.set_index("model").loc["Chosen", "series"] == 3


def test_weekly_product_errors_follow_the_season() -> None:
    from xborder.domains.demand.profiles import ERRORS_SEASONED, season_use

    assert season_use("market_total", "M") is True and season_use("product_market", "M") is False
    assert season_use("product_market", "W") == ("errors" if "W" in ERRORS_SEASONED else False)
    assert season_use("product_market", "M", reseason_products=True) is True
