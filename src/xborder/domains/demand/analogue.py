"""Pre-launch forecasts from analogues: a product not yet sold in a market, estimated from where it does sell.

Method (a documented heuristic, always labelled ``kind = 'analogue'``): take the product's
forecasts in the markets where it sells, scale each by market size (target market's total
demand / that market's total demand over the last ``size_window`` periods) and average. If the
product sells nowhere yet, use its category in the target market times the product's share of
its category elsewhere. Intervals are deliberately wide: 80% [point/2, 2*point] widened to the
range of the scaled analogues, 95% [0, 4*point].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["analogue_forecasts"]


def _market_size(market_series: pd.DataFrame, window: int) -> pd.Series:
    tail = market_series.sort_values("ds").groupby("unique_id").tail(window)
    size = tail.groupby("unique_id")["y"].sum()
    size.index = size.index.str.split("|").str[-1]
    return size


def analogue_forecasts(
    product_forecasts: pd.DataFrame,
    market_series: pd.DataFrame,
    targets: list[tuple[str, str]],
    *,
    size_window: int = 12,
    category_forecasts: pd.DataFrame | None = None,
    product_category: dict[str, str] | None = None,
    category_share: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Forecasts for (product_id, market) pairs with no sales history in that market.

    Args:
        product_forecasts: forecasts at product x market level (unique_id ``<product>|<market>``, ds, point).
        market_series: market-total history (``total|<market>``, ds, y) giving market sizes.
        targets: (product_id, market) pairs to estimate.
        size_window: periods of history that define a market's size.
        category_forecasts: category x market forecasts, used when the product sells nowhere.
        product_category: product_id -> category id.
        category_share: product_id -> the product's share of its category's demand elsewhere.

    Returns:
        unique_id, ds, model ('Analogue'), point, lo_80, hi_80, lo_95, hi_95, kind ('analogue'), basis.
    """
    size = _market_size(market_series, size_window)
    pf = product_forecasts.assign(
        product_id=product_forecasts["unique_id"].str.rsplit("|", n=1).str[0],
        market=product_forecasts["unique_id"].str.rsplit("|", n=1).str[-1],
    )
    out = []
    for product, market in targets:
        src = pf[(pf["product_id"] == product) & (pf["market"] != market) & (pf["market"] != "ALL")]
        target_size = size.get(market, np.nan)
        basis = ""
        if len(src) and np.isfinite(target_size):
            ratio = target_size / src["market"].map(size).replace(0, np.nan)
            scaled = src.assign(v=src["point"] * ratio.to_numpy()).dropna(subset=["v"])
            g = scaled.groupby("ds")["v"]
            est = pd.DataFrame({"point": g.mean(), "lo": g.min(), "hi": g.max()}).reset_index()
            basis = f"same product in {src['market'].nunique()} market(s), scaled by market size"
        elif category_forecasts is not None and product_category and category_share:
            cat = product_category.get(product)
            cf = category_forecasts[category_forecasts["unique_id"] == f"cat:{cat}|{market}"]
            share = category_share.get(product, 0.0)
            if cf.empty or share <= 0:
                continue
            est = pd.DataFrame({"ds": cf["ds"], "point": cf["point"] * share})
            est["lo"], est["hi"] = est["point"], est["point"]
            basis = f"category {cat} in {market} x product share {share:.3%}"
        else:
            continue
        p = est["point"].clip(lower=0)
        out.append(
            pd.DataFrame(
                {
                    "unique_id": f"{product}|{market}",
                    "ds": est["ds"],
                    "model": "Analogue",
                    "point": p,
                    "lo_80": np.maximum(np.minimum(p / 2, est["lo"]), 0),
                    "hi_80": np.maximum(2 * p, est["hi"]),
                    "lo_95": 0.0,
                    "hi_95": np.maximum(4 * p, 2 * est["hi"]),
                    "kind": "analogue",
                    "basis": basis,
                }
            )
        )
    cols = ["unique_id", "ds", "model", "point", "lo_80", "hi_80", "lo_95", "hi_95", "kind", "basis"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)
