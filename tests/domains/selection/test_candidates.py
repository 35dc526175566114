"""Candidates and history factors: no look-ahead, new markets, competition measures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.selection.candidates import build_candidates, logistics_factors
from xborder.domains.selection.competition import competition_factors, hhi, top_share
from xborder.domains.selection.factors import history_factors


def _monthly() -> pd.DataFrame:
    rows = []
    months = pd.period_range("2022-01", "2023-12", freq="M")
    for i, m in enumerate(months):
        rows.append(("p:up", "DE", m, 10.0 + 5 * i))  # steadily rising
        rows.append(("p:flat", "DE", m, 50.0))
        rows.append(("p:flat", "FR", m, 25.0))
        rows.append(("p:spike", "DE", m, 500.0 if m == pd.Period("2023-11", "M") else 1.0))
    df = pd.DataFrame(rows, columns=["product_id", "market", "month", "units"])
    df["revenue"] = df["units"] * 2.0
    return df


def test_history_factors_measure_what_they_say() -> None:
    f = history_factors(_monthly(), None, pd.Period("2024-01", "M")).set_index("product_id")
    flat = f[f.index == "p:flat"].set_index("market").loc["DE"]
    assert flat["demand_6m"] == 300 and flat["demand_cv"] == 0 and flat["momentum_pct"] == pytest.approx(0)
    assert flat["seasonality_risk"] == pytest.approx(1 / 12)
    assert f.loc["p:up", "momentum_pct"] > 10
    assert f.loc["p:spike", "demand_cv"] > 1.5 and f.loc["p:spike", "seasonality_risk"] > 0.9


def test_history_factors_never_look_past_the_cutoff() -> None:
    m = _monthly()
    cut = pd.Period("2023-06", "M")
    before = history_factors(m, None, cut)
    changed = m.copy()
    changed.loc[changed["month"] >= cut, "units"] *= 100
    after = history_factors(changed, None, cut)
    pd.testing.assert_frame_equal(before, after)


def test_seasonal_outlook_needs_fifteen_months_of_history() -> None:
    m = _monthly()
    assert history_factors(m, None, pd.Period("2023-03", "M"))["seasonal_outlook"].isna().all()
    assert history_factors(m, None, pd.Period("2023-04", "M"))["seasonal_outlook"].notna().all()


def test_order_concentration_from_order_lines() -> None:
    orders = pd.DataFrame(
        {
            "product_id": ["p:flat"] * 3,
            "market": "DE",
            "order_id": ["a", "b", "c"],
            "units": [80.0, 10.0, 10.0],
        }
    )
    f = history_factors(_monthly(), orders, pd.Period("2024-01", "M"))
    row = f[(f["product_id"] == "p:flat") & (f["market"] == "DE")].iloc[0]
    assert row["orders_6m"] == 3 and row["order_hhi"] == pytest.approx(0.8**2 + 2 * 0.1**2)


def test_products_get_candidates_in_markets_where_they_never_sold() -> None:
    c = build_candidates(_monthly(), None, pd.Period("2024-01", "M"), extra_markets=["JP"])
    new = c[~c["sold_before"]]
    assert {("p:up", "FR"), ("p:spike", "FR"), ("p:up", "JP")} <= set(
        zip(new["product_id"], new["market"], strict=True)
    )
    assert not ((c["product_id"] == "p:flat") & ~c["sold_before"] & (c["market"] == "DE")).any()
    # transfer estimate: product's units × the market's share of all units (FR holds 150 of 300+150+up+spike)
    up_fr = new[(new["product_id"] == "p:up") & (new["market"] == "FR")].iloc[0]
    up_total = sum(10.0 + 5 * i for i in range(18, 24))
    share_fr = 150 / c[c["sold_before"]]["demand_6m"].sum()
    assert up_fr["demand_6m"] == pytest.approx(up_total * share_fr)
    assert up_fr["demand_basis"] == "transfer"
    assert np.isnan(new[new["market"] == "JP"]["demand_6m"]).all()  # no sales there at all: unknown


def test_hhi_and_top_share_textbook_values() -> None:
    assert hhi([50, 30, 20]) == pytest.approx(0.38)  # 0.25 + 0.09 + 0.04
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert top_share([10] * 10, k=5) == pytest.approx(0.5)
    assert np.isnan(hhi([]))


def test_competition_factors_per_market_and_category() -> None:
    lst = pd.DataFrame(
        {
            "market": ["DE"] * 4 + ["FR"],
            "category": "toys_games",
            "seller": ["a", "a", "b", "me", "c"],
            "own": [False, False, False, True, False],
            "price": [10.0, 10.0, 20.0, 15.0, 9.0],
            "first_seen": pd.to_datetime(
                ["2020-01-01", "2024-06-01", "2024-05-01", "2024-06-01", "2024-06-01"]
            ),
            "rating": [4.0, 4.5, 3.5, 5.0, 4.0],
            "rating_count": [300.0, 100.0, 100.0, 10.0, 50.0],
        }
    )
    f = competition_factors(lst).set_index("market")
    de = f.loc["DE"]
    assert de["competitors"] == 2  # own listing excluded
    assert de["concentration_hhi"] == pytest.approx(0.8**2 + 0.2**2)  # review-count shares: a 400, b 100
    assert de["new_entrant_share"] == pytest.approx(2 / 3)
    assert de["rating_gap"] == pytest.approx(1.0)
    assert de["price_dispersion"] == pytest.approx(np.std([10, 10, 20]) / np.mean([10, 10, 20]))


def test_chargeable_weight_is_the_larger_of_actual_and_volumetric() -> None:
    p = pd.DataFrame(
        {
            "product_id": ["light", "dense", "unknown"],
            "weight_kg": [0.2, 3.0, np.nan],
            "length_cm": [40.0, 10.0, np.nan],
            "width_cm": [30.0, 10.0, np.nan],
            "height_cm": [20.0, 10.0, np.nan],
        }
    )
    f = logistics_factors(p, pd.Series({"light": 24.0, "dense": 30.0})).set_index("product_id")
    assert f.loc["light", "chargeable_weight_kg"] == pytest.approx(40 * 30 * 20 / 5000)  # 4.8 kg volumetric
    assert f.loc["dense", "chargeable_weight_kg"] == 3.0
    assert f.loc["light", "value_density"] == pytest.approx(5.0)
    assert np.isnan(f.loc["unknown", "chargeable_weight_kg"])


def test_products_without_dims_get_their_category_defaults() -> None:
    from xborder.domains.selection.candidates import fill_default_dims

    p = pd.DataFrame(
        {
            "product_id": ["a", "b"],
            "category": ["toys_games", "toys_games"],
            "weight_kg": [np.nan, 2.0],
            "length_cm": [np.nan, 10.0],
            "width_cm": [np.nan, 10.0],
            "height_cm": [np.nan, 10.0],
        }
    )
    d = pd.DataFrame(
        {
            "category": ["toys_games"],
            "weight_kg": [0.6],
            "length_cm": [30.0],
            "width_cm": [20.0],
            "height_cm": [10.0],
        }
    )
    out = fill_default_dims(p, d).set_index("product_id")
    assert out.loc["a", "weight_kg"] == 0.6 and out.loc["a", "length_cm"] == 30.0
    assert out.loc["b", "weight_kg"] == 2.0  # known dims are kept
    assert fill_default_dims(p, None) is p
