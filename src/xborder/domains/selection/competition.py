"""Competition per market × category from observed listings, rank snapshots and reviews.

Measures: competing sellers (count), Herfindahl-Hirschman index HHI = Σ sᵢ² of seller shares (0-1; shares of
estimated sales when ranks are known, else of review counts, else of listings), top-5 sellers' share, share
of new entrants (listings first seen in the last ``new_days`` days), price dispersion (coefficient of
variation of listing prices) and the rating gap (5 − mean rating of incumbents).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["hhi", "top_share", "competition_factors"]


def hhi(weights: np.ndarray | pd.Series) -> float:
    """Herfindahl-Hirschman index of shares (0-1 scale; the US DoJ 0-10,000 scale is 10,000 × this)."""
    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w) & (w > 0)]
    if w.size == 0:
        return float("nan")
    s = w / w.sum()
    return float((s * s).sum())


def top_share(weights: np.ndarray | pd.Series, k: int = 5) -> float:
    """Share of the total held by the ``k`` largest."""
    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w) & (w > 0)]
    if w.size == 0:
        return float("nan")
    return float(np.sort(w)[::-1][:k].sum() / w.sum())


def competition_factors(
    listings: pd.DataFrame, *, as_of: pd.Timestamp | None = None, new_days: int = 180
) -> pd.DataFrame:
    """Competition factors per ``market × category``.

    Args:
        listings: one row per listing with ``market, category, seller, own, price`` and optional
            ``first_seen``, ``est_units`` (sales estimated from rank), ``rating_count``, ``rating``.
            Own listings are not competitors.
        as_of: reference date for new entrants (default: the latest ``first_seen``).
    """
    cols = [
        "market",
        "category",
        "competitors",
        "concentration_hhi",
        "top5_share",
        "new_entrant_share",
        "price_dispersion",
        "rating_gap",
    ]
    if listings is None or listings.empty:
        return pd.DataFrame(columns=cols)
    lst = listings[
        ~listings.get("own", pd.Series(False, index=listings.index)).fillna(False).astype(bool)
    ].copy()
    if lst.empty:
        return pd.DataFrame(columns=cols)
    lst["seller"] = lst["seller"].fillna("(unknown)") if "seller" in lst else "(unknown)"
    basis = next((c for c in ("est_units", "rating_count") if c in lst and lst[c].notna().any()), None)
    lst["_w"] = lst[basis].fillna(0.0) if basis else 1.0
    if "first_seen" in lst:
        fs = pd.to_datetime(lst["first_seen"])
        ref = as_of or fs.max()
        lst["_new"] = (fs >= ref - pd.Timedelta(days=new_days)).where(fs.notna())
    rows = []
    for (mk, cat), g in lst.groupby(["market", "category"], dropna=False):
        by_seller = g.groupby("seller")["_w"].sum()
        price = g["price"].dropna() if "price" in g else pd.Series(dtype=float)
        rating = g["rating"].dropna() if "rating" in g else pd.Series(dtype=float)
        rows.append(
            {
                "market": mk,
                "category": cat,
                "competitors": float(g["seller"].nunique()),
                "concentration_hhi": hhi(by_seller),
                "top5_share": top_share(by_seller),
                "new_entrant_share": float(g["_new"].mean())
                if "_new" in g and g["_new"].notna().any()
                else np.nan,
                "price_dispersion": float(price.std(ddof=0) / price.mean())
                if len(price) > 1 and price.mean() > 0
                else np.nan,
                "rating_gap": float(5.0 - rating.mean()) if len(rating) else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=cols)
