"""Views over ranked opportunities: per product, per market, and the filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import NotFoundError
from xborder.domains.selection.views import apply_filters, best_markets_for_product, best_products_for_market


def _ranked() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": ["uci:1", "uci:1", "uci:2", "uci:3"],
            "market": ["DE", "FR", "DE", "FR"],
            "category": ["toys_games", "toys_games", "home_kitchen", "toys_games"],
            "score": [0.9, 0.7, 0.8, 0.6],
            "budget_needed": [5000.0, 800.0, np.nan, 1200.0],
            "time_to_market_days": [60.0, 10.0, 20.0, np.nan],
        }
    )


def test_best_markets_and_products_are_sorted_by_score() -> None:
    assert best_markets_for_product(_ranked(), "uci:1")["market"].tolist() == ["DE", "FR"]
    assert best_products_for_market(_ranked(), "fr")["product_id"].tolist() == ["uci:1", "uci:3"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"category": "toys_games"}, [("uci:1", "DE"), ("uci:1", "FR"), ("uci:3", "FR")]),
        ({"budget": 1000}, [("uci:1", "FR"), ("uci:2", "DE")]),
        ({"max_ttm_days": 30}, [("uci:1", "FR"), ("uci:2", "DE"), ("uci:3", "FR")]),
        ({"category": "toys_games", "budget": 2000, "max_ttm_days": 30}, [("uci:1", "FR"), ("uci:3", "FR")]),
    ],
    ids=["category only", "budget: unknown budgets pass", "time to market: unknown passes", "all three"],
)
def test_filters(kwargs: dict, expected: list[tuple[str, str]]) -> None:
    out = apply_filters(_ranked(), **kwargs)
    assert list(zip(out["product_id"], out["market"], strict=True)) == expected


def test_unknown_product_or_market_names_what_exists() -> None:
    with pytest.raises(NotFoundError, match="uci:9"):
        best_markets_for_product(_ranked(), "uci:9")
    with pytest.raises(NotFoundError) as e:
        best_products_for_market(_ranked(), "JP")
    assert "DE, FR" in str(e.value)


def test_views_follow_the_list_ranked_then_gated_then_the_unranked() -> None:
    opp = pd.DataFrame(
        {
            "product_id": ["uci:1"] * 4,
            "market": ["DE", "FR", "IE", "GB"],
            "rank": pd.array([2, 1, None, None], dtype="Int64"),
            "status": ["gated", "ranked", "not_assessed", "home_baseline"],
            "score": [0.9, 0.4, np.nan, np.nan],
            "demand_6m": [10.0, 20.0, 50.0, 900.0],
        }
    )
    # FR is ranked, DE gated (a higher score does not lift a failed gate); the unranked follow by units
    assert best_markets_for_product(opp, "uci:1")["market"].tolist() == ["FR", "DE", "GB", "IE"]
