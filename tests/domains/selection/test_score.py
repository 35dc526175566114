"""Scoring candidates: contributions, unavailable factors, explanations and sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.selection.explain import explain_frame, explain_row, render_explanation
from xborder.domains.selection.profiles import load_profile
from xborder.domains.selection.score import score_candidates
from xborder.domains.selection.sensitivity import top_rank_stability, weight_scenarios


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": ["p:a", "p:b", "p:c", "p:d"],
            "market": ["DE", "DE", "FR", "FR"],
            "demand_6m": [900.0, 300.0, 100.0, 50.0],
            "momentum_pct": [40.0, 10.0, -5.0, -30.0],
            "demand_cv": [0.1, 0.3, 0.6, 0.9],
            "margin_pct": [32.0, 20.0, 10.0, np.nan],
        }
    )


def test_dominating_candidate_ranks_first_and_contributions_add_up() -> None:
    res = score_candidates(_frame(), load_profile("balanced"))
    r = res.ranked
    assert r["product_id"].tolist() == ["p:a", "p:b", "p:c", "p:d"]
    contrib = r[[c for c in r if c.startswith("contrib_")]].sum(axis=1)
    np.testing.assert_allclose(contrib, r["score"])
    assert sum(res.weights.values()) == pytest.approx(1.0)


def test_factors_without_data_are_unavailable_and_carry_no_weight() -> None:
    res = score_candidates(_frame(), load_profile("balanced"))
    assert "compliance_items" in res.unavailable and "margin_pct" not in res.unavailable
    assert "compliance_items" not in res.weights
    long = res.factors
    assert set(long["factor"]) == {"demand_6m", "momentum_pct", "demand_cv", "margin_pct"}
    row = long[(long["product_id"] == "p:a") & (long["factor"] == "margin_pct")].iloc[0]
    assert row["unit"].startswith("%") and row["source_table"] == "landed_costs"
    # the candidate without a margin gets the neutral normalised value
    assert long[(long["product_id"] == "p:d") & (long["factor"] == "margin_pct")]["normalised"].iloc[0] == 0.5


def test_topsis_profile_ranks_the_same_dominating_order() -> None:
    res = score_candidates(_frame().drop(columns="margin_pct"), load_profile("textbook-topsis"))
    assert res.ranked["product_id"].tolist() == ["p:a", "p:b", "p:c", "p:d"]
    assert res.method == "topsis"


def _texts(messages: list[dict]) -> tuple[str, str]:
    return render_explanation(messages, "en"), render_explanation(messages, "zh")


def test_explanation_reads_like_the_issue_example() -> None:
    en, zh = _texts(
        explain_row(
            {
                "momentum_pct": 41.0,
                "margin_pct": 32.0,
                "compliance_items": 2,
                "compliance_names": "CE, EN 71",
                "compliance_lead_days": 42,
            }
        )
    )
    assert (
        en
        == "rising demand +41%, margin 32% after duty and fees, 2 certifications needed (CE, EN 71; ~6 weeks)"
    )
    assert "需求上升+41%" in zh and "利润率32%" in zh and "需2项认证（CE, EN 71；约6周）" in zh


def test_explanation_says_which_groups_had_no_data() -> None:
    res = score_candidates(_frame(), load_profile("balanced"))
    out = explain_frame(res.ranked, res.weights, res.unavailable)
    for lang in ("en", "zh"):
        out[f"explanation_{lang}"] = [render_explanation(m, lang) for m in out["explanation"]]
    first = out.iloc[0]
    assert "no data for" in first["explanation_en"] and "compliance" in first["explanation_en"]
    assert "unit economics" not in first["explanation_en"]  # margins exist
    assert "缺少数据" in first["explanation_zh"] and "合规" in first["explanation_zh"]
    assert "strongest:" in first["explanation_en"]
    assert "weakest:" in out.iloc[-1]["explanation_en"]


def test_new_market_explanation() -> None:
    en, zh = _texts(explain_row({"demand_6m": 120.0, "sold_before": False}))
    assert "new market" in en and "新市场" in zh


def test_explanation_is_codes_the_catalogue_renders() -> None:
    import json

    from xborder.core import i18n

    msgs = explain_row({"momentum_pct": 12.0, "viable": False, "margin_pct": -3.0, "gate_min_margin_pct": 0.0},
                       ["compliance_items", "margin_pct"])  # fmt: skip
    codes = [m["code"] for m in msgs]
    assert codes == [
        "selection.not_viable",
        "selection.demand_rising",
        "selection.margin",
        "selection.no_data",
    ]
    assert msgs[0]["args"]["why"] == {"code": "selection.gate_margin", "args": {"margin": -3.0, "min": 0.0}}
    assert all(i18n.has(c, lang) for c in codes for lang in ("en", "zh"))
    # stored as JSON and rendered back, the sentence is the same
    stored = json.loads(json.dumps(msgs))
    assert (
        render_explanation(stored, "en")
        == render_explanation(msgs, "en")
        == (
            "NOT VIABLE (margin -3% < 0%; ranked after viable ones), rising demand +12%, margin -3% after duty and "
            "fees, no data for compliance, unit economics (weight given to the others)"
        )
    )
    assert render_explanation(stored, "zh").endswith("缺少数据：合规、单位经济效益（权重已分配给其他因素）")


def test_factor_and_group_labels_come_from_the_catalogue() -> None:
    from xborder.domains.selection.factors import FACTORS, GROUPS, factor_spec, group_label

    assert factor_spec("order_hhi").label_en == "reliance on a few big orders"
    assert factor_spec("order_hhi").label_zh == factor_spec("order_hhi").label("zh") == "大单依赖度"
    assert group_label("unit_economics", "zh") == "单位经济效益"
    assert all(f.label("en") and f.label("zh") for f in FACTORS) and all(group_label(g) for g in GROUPS)


def test_weight_scenarios_stay_within_twenty_percent() -> None:
    w = np.array([0.5, 0.3, 0.2])
    sc = weight_scenarios(w, draws=50)
    assert sc.shape == (6 + 50, 3)
    np.testing.assert_allclose(sc.sum(axis=1), 1.0)
    ratio = sc / w  # per scenario, relative weights move by at most 1.2 / 0.8 before rescaling
    assert (ratio.max(axis=1) / ratio.min(axis=1) <= 1.2 / 0.8 + 1e-9).all()


def test_clear_winner_is_stable_and_near_ties_are_not() -> None:
    norm = np.array([[1.0, 1.0], [0.50, 0.52], [0.52, 0.50], [0.0, 0.0]])
    frame, summary = top_rank_stability(norm, np.array([0.5, 0.5]), top=2, draws=100)
    top1 = frame[frame["base_rank"] == 1].iloc[0]
    assert top1["row"] == 0 and top1["stay_share"] == 1.0 and top1["rank_max"] == 1
    assert summary["first_unchanged_share"] == 1.0
    frame2, s2 = top_rank_stability(norm, np.array([0.5, 0.5]), top=1, draws=100)
    assert s2["mean_jaccard"] == 1.0
    # ranks 2 and 3 swap under ±20%: the runner-up is not stable in a top-2 that excludes the winner
    near = top_rank_stability(norm[1:], np.array([0.5, 0.5]), top=1, draws=200)[0]
    assert 0.0 < near["stay_share"].iloc[0] < 1.0
