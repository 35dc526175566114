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
