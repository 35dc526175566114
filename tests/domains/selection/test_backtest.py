"""Backtest of the list that is shown: same shortlist at past cutoffs, outcomes in sales and profit, no look-ahead."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tests.domains.selection.conftest import ENGINE_MARGINS, sparse_lines, tiny_lines

from xborder.core.settings import Settings
from xborder.domains.selection.backtest import cutoff_list, evaluate_cutoff, monthly_units, run_backtest
from xborder.domains.selection.evidence import Evidence
from xborder.domains.selection.profiles import load_profile, resolve


def _evidence(launch: float = 0.0) -> Evidence:
    """Landed cost and compliance of the tiny products as the stage gathers them: unit margin = margin × 10
    (profit currency), 30 of compliance abroad; t:p7 not costed."""
    pairs = pd.DataFrame(
        [
            {
                "product_id": pid,
                "market": mk,
                "margin_pct": 100 * m,
                "unit_margin_profit": 10 * m,
                "market_price_profit": 10.0,
                "unit_cost_estimated": False,
                "compliance_known": True,
                "compliance_items": 0 if mk == "GB" else 2,
                "compliance_cost_profit": 0.0 if mk == "GB" else 30.0,
            }
            for pid, m in ENGINE_MARGINS.items()
            for mk in ("GB", "DE", "FR")
        ]
    )
    ids = [f"t:p{i}" for i in range(8)]
    products = pd.DataFrame({"product_id": ids, "title": ids, "category": ["toys_games", "home_kitchen"] * 4})
    return Evidence(products=products, pairs=pairs, launch_cost_profit=launch, profit_currency="GBP")


def _profile(**changes: object):
    return dataclasses.replace(resolve(load_profile("balanced"), Settings()), **changes)


def test_the_metrics_of_the_picks_by_hand() -> None:
    shown = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4, None],
            "demand_6m": [10.0, 50.0, 40.0, 30.0, 99.0],
            "momentum_pct": [5.0, -10.0, 50.0, 0.0, 0.0],
            "growth": [2.0, 0.5, 1.5, 0.8, 9.0],
            "units_next": [20.0, 25.0, 60.0, 24.0, 891.0],
            "revenue_next": [200.0, 100.0, 300.0, 50.0, 1e6],
            "gross_profit_next": [40.0, -10.0, 80.0, np.nan, 1e5],
        }
    )
    rows = {r["method"]: r for r in evaluate_cutoff(shown, (2,), draws=200)}
    # the pool is the four ranked rows (the unranked fifth is the home baseline or not assessed: never a pick)
    x, best, mom = rows["xborder"], rows["best_sellers"], rows["momentum"]
    assert x["picks"] == 2 and x["revenue_next"] == 300.0 and x["gross_profit_next"] == 30.0
    assert x["profitable"] == 0.5 and x["grew"] == 0.5
    assert x["success"] == 0.5  # median growth of the pool is (0.8 + 1.5) / 2 = 1.15: rank 1 beats it
    assert best["revenue_next"] == 400.0 and best["gross_profit_next"] == 70.0  # 50 and 40 units before
    assert mom["revenue_next"] == 500.0 and mom["profitable"] == 1.0  # +50% and +5%
    # what the list showed for its picks, to set against what they sold: 10 + 50 shown, 20 + 25 sold
    assert x["units_expected"] == 60.0 and x["units_next"] == 45.0
    assert best["units_expected"] == 90.0 and mom["units_expected"] == 50.0
    assert (
        2 * 10.0 <= rows["random"]["units_expected"] <= 2 * 50.0
    )  # mean of 2-pick sums of the pool's 10..50
    assert rows["random"]["success_lo95"] <= rows["random"]["success"] <= rows["random"]["success_hi95"]


def test_the_backtest_ranks_what_the_live_list_ranks_without_the_home_market() -> None:
    lines = tiny_lines()
    monthly = monthly_units(lines)
    cut = pd.Period("2023-06", "M")
    shown = cutoff_list(monthly, lines, cut, _evidence(), _profile())
    assert set(shown.loc[shown["market"] == "GB", "status"]) == {"home_baseline"}
    pool = shown[shown["rank"].notna()]
    assert set(pool["market"]) == {"DE", "FR"} and set(pool["status"]) <= {"ranked", "gated"}
    assert "t:p7" not in set(pool["product_id"])  # not costed: not assessed
    gated = pool[pool["status"] == "gated"]
    assert (gated["rank"] > pool.loc[pool["status"] == "ranked", "rank"].max()).all()
    # t:p1 loses 20% a unit: its realised profit is units × −2 − 30
    p1 = shown.set_index(["product_id", "market"]).loc[("t:p1", "DE")]
    assert p1["gross_profit_next"] == pytest.approx(p1["units_next"] * -2.0 - 30.0)
    c = cut.ordinal
    nxt = monthly[(monthly["product_id"] == "t:p1") & (monthly["market"] == "DE")]
    mi = pd.PeriodIndex(nxt["month"], freq="M").asi8
    assert p1["units_next"] == nxt.loc[(mi >= c) & (mi < c + 6), "units"].sum()


def test_factors_at_a_cutoff_do_not_change_when_the_future_changes() -> None:
    lines = tiny_lines()
    cut = pd.Period("2023-03", "M")
    cols = ["product_id", "market", "status", "rank", "score", "demand_6m", "momentum_pct", "gross_profit_6m"]
    a = cutoff_list(monthly_units(lines), lines, cut, _evidence(), _profile())
    later = lines.copy()
    later.loc[later["ordered_at"] >= cut.start_time, "quantity"] *= 7
    b = cutoff_list(monthly_units(later), later, cut, _evidence(), _profile())
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert not np.allclose(a["units_next"], b["units_next"])


def test_a_history_with_no_foreign_sales_has_nothing_to_pick() -> None:
    lines = sparse_lines()  # 12 products sold in GB only: GB is home, the baseline
    (r,) = run_backtest(lines, ["2023-03"], _evidence(), _profile(), ks=(5,))
    assert r.candidates == 0 and r.rows == [] and r.status_counts == {"home_baseline": 12}


def test_run_backtest_reports_every_method_per_cutoff() -> None:
    res = run_backtest(tiny_lines(), ["2023-03", "2023-06"], _evidence(launch=5.0), _profile(), ks=(3,))
    assert [r.cutoff for r in res] == ["2023-03", "2023-06"]
    for r in res:
        assert {row["method"] for row in r.rows} == {"xborder", "best_sellers", "momentum", "random"}
        assert all(row["picks"] == 3 for row in r.rows) and r.candidates == sum(
            v for k, v in r.status_counts.items() if k in ("ranked", "gated")
        )


@pytest.mark.shared_data
@pytest.mark.slow
def test_uci_best_sellers_baseline_is_what_the_foreign_best_sellers_sold(uci_lines: pd.DataFrame) -> None:
    """On UCI Online Retail + II: the pool at 2011-03 is the foreign pairs with 30+ units in the 6 months before
    (demand gate; margin and profit relaxed as no landed cost exists here), and the best-sellers baseline's
    realised revenue is what its 50 pairs sold from 2011-03 to 2011-08, computed here from the order lines."""
    prof = _profile(require=("demand",), pass_unknown=("margin_pct", "gross_profit_6m"))
    (r,) = run_backtest(uci_lines, ["2011-03"], Evidence(profit_currency="GBP"), prof, ks=(50,))
    lines = uci_lines[(uci_lines["status"] == "sold") & uci_lines["is_product"] & (uci_lines["quantity"] > 0)]
    t = pd.to_datetime(lines["ordered_at"])
    foreign = lines["country"] != "GB"
    before = lines[foreign & (t >= "2010-09-01") & (t < "2011-03-01")]
    units = (
        before.groupby(["product_id", "country"])["quantity"]
        .sum()
        .sort_values(ascending=False, kind="mergesort")
    )
    assert r.candidates >= 50 and r.status_counts["home_baseline"] > 0
    after = lines[foreign & (t >= "2011-03-01") & (t < "2011-09-01")]
    rev = (after["quantity"] * after["unit_price"]).groupby([after["product_id"], after["country"]]).sum()
    best = next(row for row in r.rows if row["method"] == "best_sellers")
    top = units[units >= 30].head(50)
    assert best["revenue_next"] == pytest.approx(rev.reindex(top.index).fillna(0.0).sum())
    # the baseline's shown demand is its 50 pairs' units in the 6 months before, so the error is measurable
    assert best["units_expected"] == pytest.approx(top.sum())
    xb = next(row for row in r.rows if row["method"] == "xborder")
    assert xb["picks"] == 50 and 0 <= xb["grew"] <= 1
