"""Price ladders against the landed-cost engine's own solved prices, and local price endings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.finance.prices import local_price, margin_line, price_for_margin, price_ladder
from xborder.domains.landed_cost import ProductInput, landed_cost_frame

LAMP = ProductInput(
    unit_cost=6.0, category="lighting", weight_kg=0.8, length_cm=25, width_cm=20, height_cm=15
)
PRICES = [("US", 39.0), ("DE", 35.0), ("JP", 5200.0), ("GB", 30.0), ("KR", 45000.0)]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rows = [
        LAMP.row(m, mode, price=p, units=None, platform=None)
        for m, p in PRICES
        for mode in ("sea_lcl", "air", "express")
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def at_30(frame: pd.DataFrame) -> pd.DataFrame:
    return landed_cost_frame(frame, date="2026-01-10", target_margin=0.30)


@pytest.mark.parametrize("margin", [0.0, 0.1, 0.2])
def test_ladder_price_equals_the_engines_solved_price(frame, at_30, margin: float) -> None:
    solved = landed_cost_frame(frame, date="2026-01-10", target_margin=margin)
    engine = solved["break_even_price" if margin == 0 else "target_price"].to_numpy()
    mine = price_for_margin(at_30, margin)
    assert np.isfinite(engine).all()
    np.testing.assert_allclose(mine, engine, rtol=1e-5)


def test_ladder_above_the_target_is_exact_except_across_a_low_value_threshold(frame, at_30) -> None:
    engine = landed_cost_frame(frame, date="2026-01-10", target_margin=0.40)
    mine = price_for_margin(at_30, 0.40)
    both = np.isfinite(engine["target_price"].to_numpy()) & np.isfinite(mine)
    err = np.abs(mine[both] / engine["target_price"].to_numpy()[both] - 1)
    # 13 of 15 rows exact; the express parcel to KR crosses a low-value band (duty/VAT start) above the
    # 30% price, which the line through the break-even and 30% prices cannot know
    assert int((err < 1e-5).sum()) == 13
    off = engine[both][err >= 1e-5]
    assert list(off["mode"]) == ["express"]


def test_margin_line_reproduces_the_margin_at_the_observed_price(at_30) -> None:
    a, fixed, _ = margin_line(at_30)
    np.testing.assert_allclose(a * at_30["price"] - fixed, at_30["unit_margin"], rtol=1e-6)


@pytest.mark.parametrize(
    ("price", "currency", "expected"),
    [
        (21.37, "USD", 21.99),
        (21.99, "USD", 21.99),
        (22.0, "EUR", 22.99),
        (18.2, "CHF", 18.95),
        (2143.0, "JPY", 2150.0),
        (15120.0, "KRW", 15200.0),
        (187.0, "SEK", 189.0),
        (0.4, "USD", 0.99),
        (float("nan"), "USD", float("nan")),
    ],
)
def test_local_price_endings(price: float, currency: str, expected: float) -> None:
    got = local_price(price, currency)
    assert got == expected or (np.isnan(expected) and np.isnan(got))


def test_ladder_rows_margin_at_local_price_and_fx_moves(at_30) -> None:
    lad = price_ladder(at_30, [0.2, 0.3])
    assert len(lad) == 2 * len(at_30)
    # the local price is never below the exact price, so the margin is at least the target
    ok = lad["exact_price"].notna()
    assert (lad.loc[ok, "local_price"] >= lad.loc[ok, "exact_price"] - 1e-9).all()
    assert (lad.loc[ok, "margin_pct"] >= lad.loc[ok, "target_margin"] - 1e-9).all()
    # a weaker market currency lowers the margin, a stronger one raises it, monotonically
    cols = ["margin_fx_m30", "margin_fx_m10", "margin_pct", "margin_fx_p10", "margin_fx_p30"]
    assert (np.diff(lad.loc[ok, cols].to_numpy(), axis=1) > 0).all()
    us_sea = lad[(lad["market"] == "US") & (lad["mode"] == "sea_lcl") & (lad["target_margin"] == 0.3)].iloc[0]
    assert us_sea["local_price"] == 30.99
