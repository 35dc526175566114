"""Engine behaviour: bad input, break-even/target prices, vectorised = scalar, modes and markets side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.landed_cost import ProductInput, compare, landed_cost, landed_cost_frame
from xborder.domains.landed_cost.rules import MODES

LAMP = ProductInput(
    unit_cost=6.0, category="lighting", weight_kg=0.8, length_cm=25, width_cm=20, height_cm=15
)


def test_unknown_market_names_the_supported_ones() -> None:
    with pytest.raises(BadInputError, match="Unknown market 'XX'") as e:
        landed_cost(LAMP, "XX", "air", date="2026-01-10")
    assert "DE" in str(e.value) and "JP" in str(e.value)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"unit_cost": -1.0}, "unit cost must be a number >= 0"),
        ({"unit_cost": float("nan")}, "unit cost must be a number >= 0"),
        ({"length_cm": -3.0}, "must be > 0"),
        ({"category": "spaceships"}, "unknown category"),
    ],
)
def test_bad_values_say_what_to_supply(change: dict, match: str) -> None:
    row = LAMP.row("US", "air", price=30.0, units=None, platform=None) | change
    with pytest.raises(BadInputError, match=match) as e:
        landed_cost_frame(pd.DataFrame([row]), date="2026-01-10")
    assert "Row 1" in str(e.value)


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(BadInputError, match="unknown shipping mode"):
        landed_cost(LAMP, "US", "teleport", date="2026-01-10")


def test_missing_dimensions_are_estimated_from_the_category_and_flagged() -> None:
    r = landed_cost(
        ProductInput(unit_cost=6.0, category="lighting"), "US", "air", date="2026-01-10", price=30.0
    )
    assert r.row["dims_estimated"] and r.row["low_confidence"]
    assert any("category_defaults" in n for n in r.notes)


def test_break_even_and_target_prices_solve_the_margin_equation() -> None:
    for market, mode in (
        ("US", "sea_lcl"),
        ("DE", "express"),
        ("JP", "air"),
        ("GB", "express"),
        ("MX", "express"),
    ):
        r = landed_cost(LAMP, market, mode, date="2026-03-01", target_margin=0.25).row
        at_be = landed_cost(LAMP, market, mode, date="2026-03-01", price=r["break_even_price"]).row
        assert at_be["unit_margin"] == pytest.approx(0.0, abs=1e-6 * r["break_even_price"] + 1e-6), (
            market,
            mode,
        )
        at_t = landed_cost(LAMP, market, mode, date="2026-03-01", price=r["target_price"]).row
        assert at_t["margin_pct"] == pytest.approx(0.25, abs=1e-6), (market, mode)


def test_vectorised_frame_equals_row_by_row() -> None:
    rng = np.random.default_rng(7)
    markets = ["US", "DE", "GB", "JP", "AU", "BR", "MX", "SG", "TR", "IN"]
    rows = []
    for i in range(60):
        rows.append(
            {
                "product_id": f"p{i}",
                "market": markets[i % len(markets)],
                "mode": MODES[i % 4],
                "category": ["toys_games", "apparel", "furniture", "consumer_electronics"][i % 4],
                "unit_cost": float(rng.uniform(0.5, 30)),
                "cost_currency": ["USD", "CNY", "EUR"][i % 3],
                "weight_kg": float(rng.uniform(0.05, 12)),
                "length_cm": float(rng.uniform(5, 80)),
                "width_cm": float(rng.uniform(5, 50)),
                "height_cm": float(rng.uniform(1, 40)),
                "price": float(rng.uniform(5, 200)) * (150 if markets[i % len(markets)] == "JP" else 1),
            }
        )
    df = pd.DataFrame(rows)
    whole = landed_cost_frame(df, date="2025-09-15")
    one_by_one = pd.concat([landed_cost_frame(df.iloc[[i]], date="2025-09-15") for i in range(len(df))])
    cols = [
        "landed_cost",
        "duty",
        "additional_duty",
        "freight",
        "referral_fee",
        "fulfilment_fee",
        "unit_margin",
        "break_even_price",
    ]
    np.testing.assert_allclose(whole[cols].to_numpy(float), one_by_one[cols].to_numpy(float), rtol=1e-9)
    assert (whole["rules_used"].to_numpy() == one_by_one["rules_used"].to_numpy()).all()


def test_compare_modes_and_markets_side_by_side() -> None:
    t = compare(
        LAMP, ["US", "DE", "JP"], list(MODES), date="2026-03-01", prices={"US": 35.0, "DE": 35.0, "JP": 5000}
    )
    assert len(t) == 3 * 4 + 1  # rail only runs to the EU
    assert set(t.loc[t["mode"] == "rail", "market"]) == {"DE"}
    for market, g in t.groupby("market"):
        f = g.set_index("mode")["freight"]
        assert f["sea_fcl"] < f["air"] < f["express"], market  # slower is cheaper per unit
        assert (g["currency"] == {"US": "USD", "DE": "EUR", "JP": "JPY"}[market]).all()
    assert t["rules_used"].str.len().gt(0).all()


def test_date_changes_the_answer_and_is_cited() -> None:
    old = landed_cost(LAMP, "US", "sea_fcl", date="2025-03-10", price=30).row
    new = landed_cost(LAMP, "US", "sea_fcl", date="2026-03-10", price=30).row
    # 2025-03-10: Section 301 List 3 25% + IEEPA fentanyl 20%; 2026-03-10: List 3 25% + Section 122 10%
    assert old["additional_rate"] == pytest.approx(0.45)
    assert new["additional_rate"] == pytest.approx(0.35)
    assert "US-IEEPA-FENT-20" in old["rules_used"] and "US-S122" in new["rules_used"]


def test_waterfall_steps_add_up_to_the_price() -> None:
    from xborder.domains.landed_cost.waterfall import result_from_row, waterfall_steps
    from xborder.report.charts import waterfall

    r = landed_cost(LAMP, "DE", "sea_lcl", date="2026-03-01", price=35.0)
    steps = waterfall_steps(r)
    rel = [v for _, v, m in steps if m == "relative"]
    assert steps[-1] == ("Selling price", 35.0, "total")
    assert sum(rel) == pytest.approx(35.0)  # costs + fees + VAT + margin = price
    fig = waterfall(r)
    bar = fig.data[0]
    tops = [b + h for b, h in zip(bar.base, bar.y, strict=True)]
    assert tops[-1] == pytest.approx(35.0) and tops[-2] == pytest.approx(
        35.0, abs=0.01
    )  # margin ends at the price
    margin_color = bar.marker.color[-2]
    assert margin_color == ("#2e7d32" if steps[-2][1] >= 0 else "#7f1d1d")
    loss = waterfall(landed_cost(LAMP, "DE", "air", date="2026-03-01", price=3.0))
    assert loss.data[0].y[-2] < 0 and loss.data[0].marker.color[-2] == "#7f1d1d"  # a loss is never green
    from_row = waterfall_steps(result_from_row(r.row))
    assert sum(v for _, v, m in from_row if m == "relative") == pytest.approx(35.0)
