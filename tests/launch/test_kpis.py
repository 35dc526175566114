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


def _frames() -> dict[str, pd.DataFrame]:
    """A frame for every KPI the scorecard can fill (the shapes the stage reads), so each phrase is built."""
    return {
        "launch_outcomes": pd.DataFrame({"complete": [True, True, False], "success": [True, False, None]}),
        "selection_backtest": pd.DataFrame({"method": ["xborder"] * 2, "k": [20, 20], "success": [0.5, 0.7]}),
        "launch_replay": pd.DataFrame({"launch_group": ["all"], "launches": [200], "picks": [40],
                                       "picks_success_rate": [0.6], "wape": [0.9]}),
        "forecast_accuracy": pd.DataFrame({"level": ["product_market"], "model": ["Chosen"], "wape": [0.3]}),
        "inventory_health": pd.DataFrame({"on_hand": [10.0, 30.0, 60.0], "status": ["slow_90", "active", "unknown"],
                                          "turnover": [1.0, 9.0, None]}),
        "cycle_times": pd.DataFrame({"cycle_months": [2.0, 4.0]}),
        "opportunities": pd.DataFrame({"status": ["ranked"], "margin_pct": [30.0]}),
        "landed_costs": pd.DataFrame({"product_id": ["a"], "market": ["FR"], "margin_pct": [0.2], "price": [10.0],
                                      "freight": [1.0], "insurance": [0.0], "fulfilment_fee": [1.0]}),
        "supplier_concentration": pd.DataFrame({"dimension": ["country"], "spend_share": [0.8]}),
        "ad_tacos": pd.DataFrame({"total_sales": [100.0], "ad_sales": [40.0], "ad_spend": [10.0]}),
        "risk_events": pd.DataFrame({"happened_at": [pd.Timestamp("2026-01-01"), None], "backfill": [False, False],
                                     "detection_hours": [5.0, None]}),
    }  # fmt: skip


def _no_words(text: str) -> str:
    """``text`` without its table names and the unit SKU (as Chinese sellers write it), which stay as they are."""
    import re

    tables = {t for k in KPIS for t in k.needs} | {"SKU"}
    for t in sorted(tables, key=len, reverse=True):
        text = text.replace(t, "")
    return "".join(re.findall(r"[A-Za-z]+", text))


@pytest.mark.parametrize("frames", [{}, "full"], ids=["no data", "every kpi"])
def test_data_used_is_in_chinese_in_the_zh_scorecard(frames: object) -> None:
    """The "Data used" column in zh: the tables, then a Chinese phrase (no English word); en keeps its text."""
    from xborder.domains.launch.stage.panels import scorecard_frame

    card = scorecard(_frames() if frames == "full" else {})
    zh = scorecard_frame(card, "zh")["所用数据"]
    assert len(zh) == 14
    for cell, stored in zip(zh, card["data_used"], strict=True):
        assert cell.split("：")[0].split(": ")[0] == stored.split(": ")[0]  # the same tables
        assert _no_words(cell) == "", cell
    en = scorecard_frame(card, "en")["Data used"]
    assert list(en) == list(card["data_used"])  # English reads as the stored text
    if frames == "full":
        assert card["value"].notna().all()
        cells = dict(zip(card["kpi"], zh, strict=True))
        assert cells["risk_detection_hours"].endswith("四分位数 5.0 / 5.0 小时")
        assert "全部已评估的产品 × 市场组合 1 个" in cells["gross_margin_picks"]


def test_old_scorecards_without_a_message_keep_their_text() -> None:
    from xborder.domains.launch.stage.panels import scorecard_frame

    card = scorecard({}).assign(data_used_message=None)
    assert list(scorecard_frame(card, "zh")["所用数据"]) == list(card["data_used"])
