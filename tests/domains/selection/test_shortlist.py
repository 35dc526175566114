"""The shown list: assessment, statuses, pessimistic fill of missing values, diversification, risks, brands, niches."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xborder.core.settings import Settings
from xborder.domains.selection.assessment import assess, missing_messages
from xborder.domains.selection.brands import find_mark, listing_brand_share
from xborder.domains.selection.explain import render_explanation, render_message
from xborder.domains.selection.mcda import normalise
from xborder.domains.selection.niches import niche_candidates
from xborder.domains.selection.profiles import load_profile, resolve
from xborder.domains.selection.risks import risks_row
from xborder.domains.selection.score import score_candidates
from xborder.domains.selection.shortlist import diversify, shortlist


def test_diversify_caps_markets_per_product_and_candidates_per_category() -> None:
    products = ["a", "a", "a", "b", "c", "a", "d"]
    cats = ["bag", "bag", "bag", "bag", "toy", "bag", "toy"]
    order, reason = diversify(products, cats, per_product=2, per_category=3, top=4)
    # a, a (2 markets), a skipped (product cap), b (3rd bag), c; top 4 full; the skipped follow in score order
    assert order.tolist() == [0, 1, 3, 4, 2, 5, 6]
    assert reason.tolist() == ["", "", "product", "", "", "", ""]
    order, reason = diversify(products, cats, per_product=1, per_category=1, top=3)
    # a bag, a toy; then every category holds its share: the best product not yet placed (b) takes place 3
    assert order.tolist() == [0, 4, 3, 1, 2, 5, 6]
    assert reason.tolist() == ["", "product", "product", "", "", "", ""]
    # places already taken above count against the caps
    order, _ = diversify(
        ["a", "b"], ["bag", "bag"], per_product=1, per_category=1, top=3, taken=[("a", "bag")]
    )
    assert order.tolist() == [1, 0]  # "a" already holds its one market above: "b" comes first


def test_a_missing_value_scores_at_the_pessimistic_quantile_not_one_half() -> None:
    col = np.array([[1.0], [2.0], [3.0], [4.0], [np.nan]])
    norm = normalise(col, np.array([1]), "rank", missing_quantile=0.25)
    known = norm[:4, 0]  # 0.25, 0.5, 0.75, 1.0
    assert norm[4, 0] == pytest.approx(np.quantile(known, 0.25)) == pytest.approx(0.4375)
    assert normalise(col, np.array([1]), "rank")[4, 0] == 0.5  # the neutral fill only when asked for
    frame = pd.DataFrame(
        {"product_id": list("abcde"), "market": ["DE"] * 5, "margin_pct": [10.0, 20.0, 30.0, 40.0, np.nan]}
    )
    prof = dataclasses.replace(resolve(load_profile("balanced"), Settings()), min_margin_pct=None)
    res = score_candidates(frame, prof)
    e = res.ranked.set_index("product_id")
    assert e.loc["e", "imputed"] == ["margin_pct"] and e.loc["a", "imputed"] == []
    assert e.loc["e", "score"] == pytest.approx(0.4375) and e.loc["e", "rank"] == 4  # below b (0.5)


def _cands() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": ["p:1", "p:1", "p:2", "p:3", "p:4"],
            "market": ["GB", "DE", "DE", "DE", "IE"],
            "category": ["bags_luggage"] * 5,
            "demand_basis": ["forecast", "history", "analogue", "transfer", "history"],
            "demand_6m": [900.0, 120.0, 80.0, 40.0, 60.0],
            "margin_pct": [30.0, 35.0, 28.0, 40.0, np.nan],
            "gross_profit_6m": [1000.0, 300.0, 90.0, 50.0, np.nan],
            "unit_cost_estimated": [True, False, True, True, None],
            "compliance_known": [True, True, True, True, False],
            "sold_before": [True, True, False, False, True],
        }
    )


def test_assessment_sources_and_statuses() -> None:
    src = assess(_cands())
    assert src["demand_source"].tolist() == ["forecast", "history", "analogue", "none", "history"]
    assert src["margin_source"].tolist() == ["estimate", "quote", "estimate", "estimate", "none"]
    assert src["compliance_source"].tolist() == ["assessed"] * 4 + ["none"]
    prof = resolve(load_profile("balanced"), Settings())
    out = shortlist(_cands(), prof, frozenset({"GB"})).frame.set_index(["product_id", "market"])
    assert out["status"].to_dict() == {
        ("p:1", "DE"): "ranked",
        ("p:2", "DE"): "ranked",
        ("p:3", "DE"): "not_assessed",  # demand is a market-share guess
        ("p:4", "IE"): "not_assessed",  # IE: no landed cost, no compliance answer
        ("p:1", "GB"): "home_baseline",
    }
    assert out.loc[("p:1", "DE"), "rank"] == 1 and pd.isna(out.loc[("p:1", "GB"), "rank"])
    relaxed = dataclasses.replace(prof, require=("margin", "compliance"))
    st = shortlist(_cands(), relaxed, frozenset({"GB"})).frame.set_index(["product_id", "market"])["status"]
    assert st[("p:3", "DE")] == "ranked"


def test_missing_items_carry_the_command_that_fills_them() -> None:
    row = {
        "product_id": "uci:1",
        "market": "IE",
        "demand_source": "history",
        "margin_source": "none",
        "compliance_source": "none",
        "voice_source": "none",
        "competition_source": "listings",
    }
    msgs = missing_messages(
        row, covered_markets={"DE", "GB"}, analogue_products=3, costed_products=9, cost_share=None
    )
    assert [m["code"] for m in msgs] == [
        "selection.missing.margin_uncovered",
        "selection.missing.compliance",
        "selection.missing.voice",
    ]
    assert render_message(msgs[0], "en") == (
        "margin: IE is not in the landed-cost rule base yet — check: xborder landed-cost uci:1 --market IE"
    )
    assert "xborder compliance run --market IE" in render_message(msgs[1], "zh")
    covered = missing_messages(
        {**row, "market": "DE", "has_price": False}, covered_markets={"DE"}, analogue_products=3, costed_products=9,
        cost_share=0.35,
    )  # fmt: skip
    assert covered[0]["code"] == "selection.missing.margin_no_cost"


def test_a_falling_pick_carries_its_fall_as_a_weighted_risk() -> None:
    risks = risks_row(
        {"momentum_pct": -46.0, "demand_6m": 166.0, "demand_source": "forecast", "margin_pct": 27.0,
         "gate_min_margin_pct": 25.0, "margin_source": "estimate"},
        {"momentum_pct": 0.1, "margin_pct": 0.12, "demand_6m": 0.07},
    )  # fmt: skip
    codes = [r["code"] for r in risks]
    assert codes == [
        "selection.risk.thin_margin",
        "selection.risk.estimated_cost",
        "selection.risk.falling_demand",
    ]
    fall = risks[2]
    assert fall["args"] == {"pct": -46.0, "weight": 0.1}
    assert render_message(fall, "en") == "falling demand -46% (weight 10%)"


def test_famous_marks_in_titles_and_listings() -> None:
    assert find_mark("STAR WARS TOP TRUMPS GAME") == "Star Wars"
    assert find_mark("DOORMAT UNION JACK GUNS AND ROSES") == "Guns N' Roses"
    assert find_mark("APPLE BATH SPONGE") is None and find_mark("LUNCH BOX I LOVE LONDON") is None
    lst = pd.DataFrame(
        {
            "market": ["DE"] * 4,
            "category": ["toys_games"] * 4,
            "seller": ["LEGO", "Acme", None, "Other"],
            "title": ["Bricks", "Blocks", "Hello Kitty plush", "Ball"],
            "est_units": [500.0, 100.0, 300.0, 100.0],
        }
    )
    (row,) = listing_brand_share(lst).itertuples()
    assert row.brand_share == pytest.approx(0.8) and row.top_mark == "LEGO"


def test_niches_are_a_typical_product_of_the_category() -> None:
    months = pd.period_range("2023-01", "2023-12", freq="M")
    monthly = pd.DataFrame(
        [(p, "DE", m, u, u * 5.0) for p, u in (("p:1", 10.0), ("p:2", 30.0), ("p:3", 5.0)) for m in months],
        columns=["product_id", "market", "month", "units", "revenue"],
    )
    products = pd.DataFrame(
        {
            "product_id": ["p:1", "p:2", "p:3"],
            "market": ["DE"] * 3,
            "category": ["toys_games", "toys_games", "other"],
            "margin_pct": [20.0, 40.0, 90.0],
            "unit_margin_profit": [1.0, 3.0, 9.0],
            "compliance_known": [True, False, True],
        }
    )
    (n,) = niche_candidates(monthly, pd.Period("2024-01", "M"), products).itertuples()
    assert n.product_id == "niche:toys_games" and n.niche_products == 2 and n.niche_units_6m == 240.0
    assert n.demand_6m == 120.0 and n.margin_pct == 30.0 and n.unit_margin_profit == 2.0
    assert n.compliance_known and n.demand_basis == "history" and not n.sold_before  # "other" is no niche


def test_the_not_assessed_and_home_explanations() -> None:
    prof = resolve(load_profile("balanced"), Settings())
    from xborder.domains.selection.explain import explain_frame

    fr = explain_frame(shortlist(_cands(), prof, frozenset({"GB"})).frame, {}, [], missing_quantile=0.25)
    text = {(r.product_id, r.market): render_explanation(r.explanation, "en") for r in fr.itertuples()}
    assert text[("p:1", "GB")].startswith(
        "HOME MARKET (the baseline foreign markets are compared with; not ranked)"
    )
    assert text[("p:3", "DE")].startswith("NOT ASSESSED (unknown: demand; listed apart, not ranked)")
    assert "~40 units/6 months by market share only (no forecast)" in text[("p:3", "DE")]
    assert "~80 units/6 months (analogue forecast, new market)" in text[("p:2", "DE")]


def test_a_failed_gate_is_never_the_strongest_factor() -> None:
    from xborder.domains.selection.explain import explain_row

    row = {
        "status": "gated",
        "margin_pct": -27.0,
        "gate_min_margin_pct": 25.0,
        "contrib_margin_pct": 0.12,
        "weight_margin_pct": 0.12,
        "contrib_demand_cv": 0.05,
        "weight_demand_cv": 0.06,
    }
    en = render_explanation(explain_row(row), "en")
    assert en.startswith("NOT VIABLE (margin -27% < 25%;") and "strongest: low demand volatility" in en


@pytest.mark.shared_data
def test_the_brand_screen_on_the_uci_titles() -> None:
    from tests.conftest import shared_path

    titles = pd.concat(
        [
            pd.read_parquet(
                shared_path("uci_online_retail", "online_retail.parquet"), columns=["Description"]
            ),
            pd.read_parquet(
                shared_path("uci_online_retail_ii", "online_retail_II_2009-2010.parquet"),
                columns=["Description"],
            ),
        ]
    )["Description"].dropna()
    flagged = {t.strip(): find_mark(t) for t in titles.unique() if find_mark(t)}
    assert flagged == {
        "DOORMAT UNION JACK GUNS AND ROSES": "Guns N' Roses",
        "DOOR MAT UNION JACK GUNS AND ROSES": "Guns N' Roses",
        "ICON PLACEMAT POP ART ELVIS": "Elvis",
        "S/4 ICON COASTER,ELVIS LIVES": "Elvis",
        "ELVIS WALLHANGING / CURTAIN": "Elvis",
        "GUMBALL CUSTOM CARS TOP TRUMPS GAME": "Top Trumps",
        "DR WHO TOP TRUMPS GAME": "Doctor Who",
        "EURO FOOTBALL STARS TOP TRUMPS GAME": "Top Trumps",
        "HIGH SCHOOL MUSICAL 3 TOP TRUMPS": "High School Musical",
        "STAR WARS TOP TRUMPS GAME": "Star Wars",
    }  # 11 descriptions (one doormat is written with and without leading spaces)


def test_category_names_in_the_catalogue_are_the_taxonomys() -> None:
    from xborder.catalog import categories
    from xborder.core import i18n

    for r in categories().itertuples():
        assert i18n.render(f"selection.category.{r.category}", "en") == r.name_en
        assert i18n.render(f"selection.category.{r.category}", "zh") == r.name_zh


def test_the_category_cap_is_pro_rata_so_the_very_top_is_diverse() -> None:
    cats = ["bag"] * 8 + ["toy", "mug", "lamp", "cup", "pen", "hat", "box"]
    order, reason = diversify([f"p{i}" for i in range(15)], cats, per_product=3, per_category=4, top=10)
    # the first 1-2 places may hold 1 bag (ceil(4·k/10) = 1), 3-5 two, 6-7 three, 8-10 four
    assert order.tolist() == [0, 8, 1, 9, 10, 2, 11, 3, 12, 13, 4, 5, 6, 7, 14]
    assert [cats[i] for i in order[:10]].count("bag") == 4
    assert reason.tolist() == [""] * 4 + ["category"] * 4 + [""] * 7
