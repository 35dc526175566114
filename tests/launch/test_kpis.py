"""The KPI scorecard: a KPI without data is unknown (never a blank that reads as met), values by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from xborder.domains.launch.kpis import KPIS, scorecard


def test_no_data_leaves_every_kpi_unknown_with_what_it_needs() -> None:
    card = scorecard({}).set_index("kpi")
    assert len(card) == len(KPIS) == 14
    assert card["value"].isna().all() and card["meets"].isna().all()
    assert card["missing"].notna().all() and card["formula"].str.len().gt(10).all()
    assert card.loc["selection_success_rate_replay", "data_used"] == "launch_replay: no replayed launches"
    assert card.loc["selection_success_rate_replay", "target"] == 0.68
    assert card.loc["selection_success_rate_replay", "baseline"] == 0.25


def test_unknown_sales_are_left_out_of_the_slow_moving_share() -> None:
    health = pd.DataFrame(
        {"on_hand": [10.0, 30.0, 60.0, 0.0], "status": ["slow_90", "active", "unknown", "no_stock"],
         "turnover": [1.0, 9.0, None, None]}
    )  # fmt: skip
    card = scorecard({"inventory_health": health}).set_index("kpi")
    assert card.loc["slow_moving_share", "value"] == pytest.approx(10 / 40)  # not 10 / 100
    assert "1 with unknown sales left out" in card.loc["slow_moving_share", "data_used"]
    only_unknown = scorecard({"inventory_health": health[health["status"] == "unknown"]}).set_index("kpi")
    assert pd.isna(only_unknown.loc["slow_moving_share", "value"])  # not 0% "met"
    assert pd.isna(only_unknown.loc["slow_moving_share", "meets"])


def test_a_nan_value_is_unknown_not_a_miss_or_a_hit() -> None:
    backtest = pd.DataFrame({"method": ["xborder"], "k": [20], "success": [float("nan")]})
    card = scorecard({"selection_backtest": backtest}).set_index("kpi")
    row = card.loc["selection_success_rate_backtest"]
    assert (
        pd.isna(row["value"])
        and pd.isna(row["meets"])
        and row["missing"].startswith("the selection backtest")
    )


def test_replayed_launch_kpis_read_the_all_group() -> None:
    replay = pd.DataFrame(
        {"launch_group": ["all", "new_product:home"], "launches": [200, 50], "picks": [40, 10],
         "picks_success_rate": [0.6, 0.9], "wape": [0.9, 0.5]}
    )  # fmt: skip
    card = scorecard({"launch_replay": replay}).set_index("kpi")
    assert card.loc["selection_success_rate_replay", "value"] == 0.6
    assert card.loc["selection_success_rate_replay", "meets"] is False  # 60% < 68%
    assert card.loc["selection_success_rate_replay", "data_used"] == "launch_replay: 40 judged picks"
    assert card.loc["forecast_accuracy_launches", "value"] == pytest.approx(0.1)
    none_picked = replay.assign(picks=0, picks_success_rate=float("nan"))
    assert pd.isna(
        scorecard({"launch_replay": none_picked})
        .set_index("kpi")
        .loc["selection_success_rate_replay", "value"]
    )


def test_gross_margin_is_the_picks_margin_with_the_all_pairs_median_labelled() -> None:
    opportunities = pd.DataFrame(
        {"status": ["ranked", "ranked", "ranked", "gated", "not_assessed"],
         "margin_pct": [40.0, 52.0, None, 1.0, None]}
    )  # fmt: skip
    landed = pd.DataFrame(
        {"product_id": ["a", "a", "b", "c"], "market": ["FR", "FR", "FR", "DE"], "margin_pct": [0.01, 0.05, -0.2, 0.007]}
    )  # fmt: skip
    landed = landed.assign(price=10.0, freight=1.0, insurance=0.0, fulfilment_fee=0.0)
    card = scorecard({"opportunities": opportunities, "landed_costs": landed}).set_index("kpi")
    row = card.loc["gross_margin_picks"]
    # median of the two ranked picks with a margin (opportunities: % of price), not the gated 1%
    assert row["value"] == pytest.approx(0.46)
    assert row["meets"] is True
    assert row["data_used"] == (
        "opportunities, landed_costs: 2 picks with a margin of 3 picks; all 3 assessed product x market pairs "
        "(landed_costs, not the picks): median 0.7%"
    )  # best mode per pair: a 0.05, b -0.2, c 0.007 -> 0.7%
    assert "gross_margin" not in card.index
    no_picks = scorecard(
        {"opportunities": opportunities[opportunities["status"] != "ranked"], "landed_costs": landed}
    )
    assert pd.isna(
        no_picks.set_index("kpi").loc["gross_margin_picks", "value"]
    )  # unknown, not the all-pairs 0.7%
