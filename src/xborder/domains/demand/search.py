"""Search interest as a leading indicator: which products a keyword covers, and whether it leads their sales.

A search series (``search_trends``, e.g. a Google Trends export) covers a product when every
word of the keyword is a word of the product's title (case-folded, a trailing plural "s"
ignored), in the same market or worldwide (``WW``). For each covered product × market series,
:func:`lead_lag` correlates the period-on-period growth of search interest with the growth of
sales L periods later, for L = -``max_lag`` … ``max_lag``, and keeps the lag with the highest
correlation when it clears a 95% bound for unrelated series: z / sqrt(n), Bonferroni-corrected
over the lags tried and widened by Bartlett's (1935) factor for the two series' own
autocorrelation (Box, Jenkins & Reinsel, *Time Series Analysis*, §11.1.4). A lead is claimed
only for L ≥ 0 (at L < 0 search follows sales). Growth rates (first differences of
log(1 + y)) rather than levels, because two trending series correlate whatever their relation.

The result is a ``trend_signals`` row per covered series (signal ``search_lead``, value = lead
in periods) with a message (``demand.search_lead_weeks`` and its arguments) that reads "search
interest in 'hand warmer' (GB) leads sales by 2 weeks (r = 0.41 over 60 weeks of growth rates)".
"""

from __future__ import annotations

import re
from statistics import NormalDist

import numpy as np
import pandas as pd

from xborder.domains.demand.trends import COLUMNS

__all__ = ["keyword_matches", "lead_lag", "search_lead_signals"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_UNIT = {"W": ("week", "weeks"), "M": ("month", "months"), "D": ("day", "days")}
"""Frequency -> the (singular, plural) suffixes of its message codes (``demand.search_lead_weeks``)."""
MIN_PAIRS = 12
"""Fewer overlapping growth-rate pairs than this and no lead is claimed."""


def _words(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(str(text).casefold()):
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def keyword_matches(products: pd.DataFrame, keywords: list[str]) -> pd.DataFrame:
    """(product_id, keyword) pairs where every word of the keyword is a word of the product's title.

    Args:
        products: columns product_id, title.
        keywords: search keywords (as in ``search_trends.keyword``).
    """
    rows: list[tuple[str, str]] = []
    titles = [
        (str(p), _words(t)) for p, t in zip(products["product_id"], products["title"].fillna(""), strict=True)
    ]
    for kw in dict.fromkeys(keywords):
        need = _words(kw)
        if not need:
            continue
        rows.extend((pid, kw) for pid, words in titles if need <= words)
    return pd.DataFrame(rows, columns=["product_id", "keyword"])


def _align(s: pd.Series, freq: str) -> pd.Series:
    """Average a dated series into the demand series' periods (weeks starting Monday, calendar months)."""
    ds = pd.to_datetime(s.index)
    if freq == "W":  # a Sunday-start search week belongs to the Monday week it mostly overlaps
        mid = (ds + pd.Timedelta(days=3)).normalize()
        key = mid - pd.to_timedelta(mid.dayofweek, unit="D")
    elif freq == "M":
        key = ds.to_period("M").start_time
    else:
        key = ds.normalize()
    return pd.Series(s.to_numpy(float), index=key).groupby(level=0).mean()


def _acf(x: np.ndarray, nlags: int) -> np.ndarray:
    x = x - x.mean()
    den = float((x * x).sum())
    return np.array([float((x[j:] * x[: len(x) - j]).sum()) / den for j in range(1, nlags + 1)])


def lead_lag(
    demand: pd.Series, search: pd.Series, *, freq: str = "W", max_lag: int | None = None, alpha: float = 0.05
) -> dict[str, float | int | bool]:
    """How far search interest leads demand: the lag with the highest growth-rate cross-correlation.

    Lags from -``max_lag`` (sales lead search) to +``max_lag`` (search leads sales) are tried;
    the bound a pair of unrelated series would exceed with probability ``alpha`` over all of
    them is z / sqrt(n) widened by Bartlett's factor sqrt(1 + 2 Σ ρx(j) ρy(j)) for the series'
    own autocorrelation (growth rates of search indices are far from white noise).

    Args:
        demand, search: values indexed by period start (dates).
        freq: W, M or D — the demand series' periods; search values are averaged into them.
        max_lag: largest lead tried (default 8 weeks / 3 months / 14 days).
        alpha: family-wise error rate over the lags tried.

    Returns:
        lag (periods search leads by; negative = it follows sales), r (correlation at that lag),
        n (pairs), bound, and significant (r > bound, n ≥ MIN_PAIRS).
    """
    max_lag = {"W": 8, "M": 3, "D": 14}.get(freq, 8) if max_lag is None else max_lag
    d = _align(demand, freq)
    s = _align(search, freq)
    idx = d.index.intersection(s.index).sort_values()
    gd = np.diff(np.log1p(np.clip(d.reindex(idx).to_numpy(float), 0, None)))
    gs = np.diff(np.log1p(np.clip(s.reindex(idx).to_numpy(float), 0, None)))
    z = NormalDist().inv_cdf(1 - alpha / (2 * (2 * max_lag + 1)))
    best: dict[str, float | int | bool] = {"lag": 0, "r": float("nan"), "n": 0, "bound": float("nan")}
    factor = 1.0
    if len(gd) >= MIN_PAIRS and np.std(gd) > 0 and np.std(gs) > 0:
        nl = max(1, min(len(gd) // 4, 20))
        factor = float(np.sqrt(max(1.0, 1.0 + 2.0 * float((_acf(gd, nl) * _acf(gs, nl)).sum()))))
    for lag in range(-max_lag, max_lag + 1):
        if lag >= 0:
            x, y = (gs[:-lag], gd[lag:]) if lag else (gs, gd)
        else:
            x, y = gs[-lag:], gd[:lag]
        n = len(x)
        if n < MIN_PAIRS or np.std(x) == 0 or np.std(y) == 0:
            continue
        r = float(np.corrcoef(x, y)[0, 1])
        if not np.isfinite(best["r"]) or r > float(best["r"]):
            best = {"lag": lag, "r": r, "n": n, "bound": z * factor / np.sqrt(n)}
    best["significant"] = bool(
        np.isfinite(best["r"]) and int(best["n"]) >= MIN_PAIRS and float(best["r"]) > float(best["bound"])
    )
    return best


def search_lead_signals(
    series: pd.DataFrame,
    search: pd.DataFrame,
    products: pd.DataFrame,
    *,
    freq: str = "W",
    max_products_per_keyword: int = 50,
) -> pd.DataFrame:
    """``trend_signals`` rows (signal ``search_lead``) for product × market series a keyword covers.

    Args:
        series: product × market demand (unique_id ``<product_id>|<market>``, ds, y).
        search: keyword, market_code, ds, value (one search series per keyword × market;
            market ``WW`` = worldwide, matched to every market).
        products: product_id, title.
        max_products_per_keyword: the products with most demand a keyword is tested on.

    Only significant leads (see :func:`lead_lag`) give a row.
    """
    cols = COLUMNS
    if series.empty or search.empty or products.empty:
        return pd.DataFrame(columns=cols)
    parts = series["unique_id"].str.rsplit("|", n=1)
    sold = (
        pd.DataFrame(
            {"product_id": parts.str[0], "market": parts.str[1], "uid": series["unique_id"], "y": series["y"]}
        )
        .groupby(["product_id", "market", "uid"], as_index=False)["y"]
        .sum()
    )
    matches = keyword_matches(
        products[products["product_id"].isin(set(sold["product_id"]))], list(search["keyword"].unique())
    )
    if matches.empty:
        return pd.DataFrame(columns=cols)
    by_uid = {uid: g.set_index("ds")["y"] for uid, g in series.groupby("unique_id", sort=False)}
    unit, units = _UNIT.get(freq, _UNIT["W"])
    rows = []
    for (kw, mkt), g in search.groupby(["keyword", "market_code"], sort=True):
        s = g.set_index(pd.to_datetime(g["ds"]))["value"].astype(float)
        cand = sold.merge(matches[matches["keyword"] == kw], on="product_id")
        if mkt != "WW":
            cand = cand[cand["market"] == mkt]
        for uid in cand.nlargest(max_products_per_keyword, "y")["uid"]:
            res = lead_lag(by_uid[uid], s, freq=freq)
            if not res["significant"] or int(res["lag"]) < 0:  # no relation, or search follows sales
                continue
            lag, r, n = int(res["lag"]), float(res["r"]), int(res["n"])
            args: dict[str, object] = {"keyword": str(kw), "market": str(mkt), "r": r, "n": n}
            if lag:
                code = f"demand.search_lead_{unit if lag == 1 else units}"
                args["lag"] = lag
            else:
                code = f"demand.search_same_{unit}"
            rows.append((uid, "search_lead", float(lag), None, {"code": code, "args": args}))
    return pd.DataFrame(rows, columns=cols)
