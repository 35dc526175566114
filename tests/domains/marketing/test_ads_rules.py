"""Ads metrics, TACoS, rule suggestions and the replay on small hand-made frames (numbers worked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.marketing.ads import ad_metrics, break_even_acos, daily_totals, tacos
from xborder.domains.marketing.funnel import listing_funnel
from xborder.domains.marketing.rules import RuleSettings, ad_group_targets, replay, suggestions, weekday_bids

_BASE = {"marketplace_id": "amazon.US", "market_code": "US", "currency": "USD", "period": "day", "ad_group": "g",
         "targeting": None, "match_type": None, "search_term": None, "placement": None, "listing_id": None}  # fmt: skip


def _rows(*rows: dict) -> pd.DataFrame:
    out = pd.DataFrame([{**_BASE, **r} for r in rows])
    out["period_start"] = pd.to_datetime(out["period_start"])
    out["period_end"] = out.get("period_end", out["period_start"])
    out["period_end"] = pd.to_datetime(out["period_end"]).fillna(out["period_start"])
    return out


ROWS = _rows(
    # the same day at two grains: the campaign report and the search-term report
    {"report_type": "campaign", "campaign": "c1", "period_start": "2024-01-01", "impressions": 1000, "clicks": 20,
     "spend": 10.0, "orders": 2, "sales": 40.0},
    {"report_type": "search_term", "campaign": "c1", "targeting": "mat", "match_type": "BROAD",
     "search_term": "bath mat", "period_start": "2024-01-01", "impressions": 600, "clicks": 12, "spend": 6.0,
     "orders": 2, "sales": 40.0},
    {"report_type": "search_term", "campaign": "c1", "targeting": "mat", "match_type": "BROAD",
     "search_term": "door mat", "period_start": "2024-01-01", "impressions": 400, "clicks": 8, "spend": 4.0,
     "orders": 0, "sales": 0.0},
    # a day only the search-term report has
    {"report_type": "search_term", "campaign": "c1", "targeting": "mat", "match_type": "BROAD",
     "search_term": "bath mat", "period_start": "2024-01-02", "impressions": 100, "clicks": 5, "spend": 3.0,
     "orders": 1, "sales": 20.0},
)  # fmt: skip


def test_each_day_is_summed_from_one_report_type_and_ratios_by_hand() -> None:
    d = ad_metrics(ROWS, "day").set_index("period_start")
    day1 = d.loc[pd.Timestamp("2024-01-01")]
    assert day1["report_type"] == "campaign" and day1["spend"] == 10.0  # not 10 + 6 + 4
    assert (day1["ctr"], day1["cpc"], day1["cvr"], day1["acos"], day1["roas"]) == pytest.approx(
        (0.02, 0.5, 0.1, 0.25, 4.0)
    )
    assert d.loc[pd.Timestamp("2024-01-02"), "report_type"] == "search_term"
    st = ad_metrics(ROWS, "search_term").set_index("search_term")
    assert st.loc["bath mat", "clicks"] == 17 and st.loc["bath mat", "acos"] == pytest.approx(9 / 60)
    assert st.loc["bath mat", "days"] == 2
    assert pd.isna(st.loc["door mat", "acos"]) and st.loc["door mat", "cvr"] == 0
    with pytest.raises(BadInputError, match="Unknown ads grain 'asin'"):
        ad_metrics(ROWS, "asin")


def test_tacos_needs_ads_on_every_day_of_the_period() -> None:
    traffic = pd.DataFrame({
        "source": ["amazon_business_report_by_date", "amazon_sales_dashboard", "amazon_business_report_by_date"],
        "marketplace_id": "amazon.US", "currency": "USD", "listing_id": None, "period": ["day", "day", "week"],
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01"]),
        "period_end": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-07"]),
        "ordered_sales": [200.0, 999.0, 1000.0],
    })  # fmt: skip
    t = tacos(daily_totals(ROWS), traffic)
    assert len(t) == 1  # the week lacks ads on 01-03..01-07; the dashboard yields to the business report
    assert t.iloc[0]["tacos"] == pytest.approx(10 / 200) and t.iloc[0]["ad_share"] == pytest.approx(40 / 200)


def test_break_even_acos_from_the_unit_margin() -> None:
    assert break_even_acos(6.0, 20.0) == pytest.approx(0.30)
    assert break_even_acos(-2.0, 20.0) == 0.0
    assert break_even_acos(None, 20.0) is None and break_even_acos(5.0, 0.0) is None


def _kw(
    targeting: str, match: str, clicks: float, spend: float, orders: float, sales: float, group: str = "g"
) -> dict:
    return {"marketplace_id": "amazon.US", "market_code": "US", "currency": "USD", "campaign": "c", "ad_group": group,
            "targeting": targeting, "match_type": match, "clicks": clicks, "spend": spend, "orders": orders,
            "sales": sales, "cpc": spend / clicks, "acos": spend / sales if sales else float("nan")}  # fmt: skip


def test_suggestions_with_guardrails_and_money_at_stake() -> None:
    kw = pd.DataFrame([
        _kw("never sells", "EXACT", 25, 12.5, 0, 0.0),      # pause: 12.50 spent without an order
        _kw("too dear", "EXACT", 40, 40.0, 2, 50.0),        # ACoS 80% > 35%: bid 1.00 → max(0.4375, 0.7) = 0.70
        _kw("bargain", "PHRASE", 30, 6.0, 5, 100.0),        # ACoS 6% < 0.7·35%: bid 0.20 → 0.20 · 1.3 = 0.26
        _kw("few clicks", "EXACT", 9, 9.0, 0, 0.0),         # under min_clicks: nothing
        _kw("fine", "EXACT", 20, 10.0, 1, 33.0),            # ACoS 30%: within target, nothing
    ])  # fmt: skip
    st = pd.DataFrame([
        {**_kw("bargain", "PHRASE", 12, 3.0, 3, 60.0), "search_term": "blue bath mat"},   # harvest
        {**_kw("bargain", "PHRASE", 15, 4.5, 0, 0.0), "search_term": "yoga mat"},         # negative
        {**_kw("bargain", "PHRASE", 12, 3.0, 3, 60.0), "search_term": "b07b4vstps"},      # ASIN: not harvested
        {**_kw("too dear", "EXACT", 12, 3.0, 3, 60.0), "search_term": "too dear"},        # already exact keyword
    ])  # fmt: skip
    s = suggestions(pd.DataFrame(kw), st, pd.DataFrame(), RuleSettings())
    got = {(r.action, r.targeting if r.grain == "keyword" else r.search_term): r for r in s.itertuples()}
    assert set(got) == {("pause_keyword", "never sells"), ("lower_bid", "too dear"), ("raise_bid", "bargain"),
                        ("harvest_exact", "blue bath mat"), ("add_negative", "yoga mat")}  # fmt: skip
    assert got[("pause_keyword", "never sells")].money_at_stake == pytest.approx(12.5)
    lower = got[("lower_bid", "too dear")]
    assert lower.suggested_bid == pytest.approx(0.70) and lower.money_at_stake == pytest.approx(
        40 - 0.35 * 50
    )
    raise_ = got[("raise_bid", "bargain")]
    assert raise_.suggested_bid == pytest.approx(0.26) and raise_.money_at_stake == pytest.approx(
        0.35 * 100 - 6
    )
    assert got[("harvest_exact", "blue bath mat")].suggested_bid == pytest.approx(0.25)
    assert got[("add_negative", "yoga mat")].money_at_stake == pytest.approx(4.5)
    assert set(s["target_source"]) == {"default"}


def test_break_even_targets_replace_the_default() -> None:
    adv = pd.DataFrame({"marketplace_id": ["amazon.US"], "campaign": ["c"], "ad_group": ["g"],
                        "product_id": ["amazon:B1"]})  # fmt: skip
    be = pd.DataFrame({"product_id": ["amazon:B1"], "market": ["US"], "break_even_acos": [0.9]})
    targets = ad_group_targets(adv, be, 0.35)
    kw = pd.DataFrame([_kw("too dear", "EXACT", 40, 40.0, 2, 50.0)])  # ACoS 80% < break-even 90%
    s = suggestions(kw, pd.DataFrame(), targets, RuleSettings())
    assert s.empty  # 80% is not below 0.7 · 90% = 63%: no change


def test_replay_stops_from_the_day_after_the_evidence() -> None:
    days = pd.DataFrame({
        "campaign": ["a"] * 4 + ["b"] * 3,
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"] * 1
                                       + ["2024-01-01", "2024-01-02", "2024-01-03"]),
        "clicks": [6, 6, 6, 6, 10, 10, 10],
        "spend": [3.0, 3.0, 3.0, 3.0, 5.0, 5.0, 5.0],
        "orders": [0, 0, 1, 0, 1, 0, 0],
        "sales": [0.0, 0.0, 20.0, 0.0, 10.0, 0.0, 0.0],
    })  # fmt: skip
    r = replay(days, ["campaign"], RuleSettings(min_clicks=10, target_acos=0.35)).set_index("rule")
    # no_orders: a has 12 clicks, no order before day 3 → stopped days 3, 4 (spend 6, sales 20); b had an order
    assert r.loc["no_orders", ["keys_stopped", "spend_saved", "sales_at_risk"]].tolist() == [1, 6.0, 20.0]
    # above_target: a as above; b: before day 2 spend 5 > 0.35 · 10 → stopped days 2, 3 (spend 10)
    assert r.loc["above_target", ["keys_stopped", "spend_saved", "sales_at_risk"]].tolist() == [2, 16.0, 20.0]


def test_weekday_bids_follow_sales_per_click() -> None:
    # four weeks of one campaign: Mondays sell 2 per click, other days 1; 10 clicks a day
    days = pd.date_range("2024-01-01", periods=28, freq="D")  # 2024-01-01 is a Monday
    sales = [20.0 if d.dayofweek == 0 else 10.0 for d in days]
    daily = pd.DataFrame({"marketplace_id": "amazon.US", "market_code": "US", "currency": "USD", "campaign": "c",
                          "period_start": days, "clicks": 10.0, "spend": 3.0, "orders": 1.0, "sales": sales})  # fmt: skip
    w = weekday_bids(daily, RuleSettings(min_clicks=10, target_acos=0.35)).set_index("weekday")
    # average sales per click = (4·20 + 24·10) / 280 = 8/7; Monday 2 → +75%, capped at +30%; others 1 → −12.5%
    assert w.loc["Monday", "bid_modifier"] == pytest.approx(0.3) and w.loc[
        "Monday", "suggested_bid"
    ] == pytest.approx(0.39)
    assert w.loc["Tuesday", "bid_modifier"] == pytest.approx(1 / (8 / 7) - 1)
    assert w.loc["Tuesday", "money_at_stake"] == pytest.approx(12.0 * 0.125)
    assert len(w) == 7 and set(w["action"]) == {"weekday_bid"}
    # a raise is not suggested where the weekday's ACoS is above target (spend 12 > 0.35 · 80 would need 28)
    dear = daily.assign(spend=[30.0 if d.dayofweek == 0 else 3.0 for d in days])
    assert "Monday" not in set(weekday_bids(dear, RuleSettings(min_clicks=10))["weekday"])


def test_listing_funnel_ratios_by_hand() -> None:
    traffic = pd.DataFrame({
        "marketplace_id": "amazon.US", "currency": "USD", "listing_id": ["amazon.US:B1", None],
        "sessions": [200.0, 1000.0], "page_views": [300.0, 1500.0], "order_items": [4.0, 30.0],
        "units_ordered": [5.0, 33.0], "ordered_sales": [150.0, 900.0], "period": ["unstated", "day"],
    })  # fmt: skip
    f = listing_funnel(traffic)
    assert len(f) == 1  # the account total is not a listing
    assert f.iloc[0][
        ["views_per_session", "order_rate", "unit_session", "sales_per_session"]
    ].tolist() == pytest.approx([1.5, 0.02, 0.025, 0.75])


@pytest.mark.shared_data
def test_listing_funnel_counts_an_asins_sessions_once_over_its_skus(tmp_path) -> None:
    """The bathmat seller's by-ASIN business report has one row per SKU, each repeating its ASIN's sessions and
    page views: 49 rows, 41 parent × child listings, 7 of them with two SKUs. The funnel sums their orders."""
    from tests.conftest import shared_path
    from tests.ingest.helpers import ingest
    from xborder.warehouse import connect

    raw_file = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "business_reports",
                           "BusinessReport-11-21-19.csv")  # fmt: skip
    con = connect(tmp_path / "w.duckdb")
    ingest(con, raw_file, None, tmp_path)
    traffic = con.execute("SELECT * FROM listing_traffic").df()
    con.close()
    raw = pd.read_csv(raw_file, thousands=",")
    hand = raw.groupby(["(Parent) ASIN", "(Child) ASIN"]).agg(
        sessions=("Sessions", "first"), orders=("Total Order Items", "sum"), units=("Units Ordered", "sum")
    )
    f = listing_funnel(traffic)
    assert (len(traffic), len(f), len(hand)) == (49, 41, 41)
    got = (
        f.assign(child=f["listing_id"].str.split(":").str[1]).set_index(["parent_asin", "child"]).sort_index()
    )
    assert got["sessions"].tolist() == hand["sessions"].astype(float).tolist()
    assert got["order_items"].tolist() == hand["orders"].astype(float).tolist()
    mat = got.loc[("B07JH5RJYF", "B07JJ3HGSN")]  # two SKUs: 82 + 13 order items on the ASIN's 5,216 sessions
    assert (mat["sessions"], mat["order_items"], mat["units_ordered"]) == (5216, 95, 106)
    assert mat["order_rate"] == pytest.approx(95 / 5216)
