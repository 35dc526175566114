"""Trend signals a person can read: growth, year-over-year, acceleration, changepoints, seasonality and peaks.

Every signal row has a number and a message: a code of the ``[demand]`` catalogue
(``domains/demand/messages/*.toml``) with its arguments, e.g. ``{"code": "demand.growth_rising_weeks",
"args": {"pct": 0.37, "k": 8}}``, which reads "rising: +37% over the last 8 weeks vs the 8 before" /
"上升：最近8周比之前8周 +37%" once rendered (the stage writes both sentences next to the code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["trend_signals", "growth", "changepoint", "seasonal_strength", "COLUMNS"]

_UNITS = {"W": "weeks", "M": "months", "D": "days"}
"""Frequency -> the suffix of its message codes (``demand.yoy_weeks``)."""
_WINDOWS = {"W": (4, 8, 13), "M": (3, 6), "D": (7, 28)}
_SEASON = {"W": 52, "M": 12, "D": 7}
_FLAT = 0.05  # |growth| below 5% reads as "flat"


def growth(y: np.ndarray, k: int) -> float:
    """Relative change of the last ``k`` periods' total vs the ``k`` before (NaN when unknown or 0 before)."""
    if len(y) < 2 * k:
        return np.nan
    before, last = y[-2 * k : -k].sum(), y[-k:].sum()
    return np.nan if before <= 0 else float(last / before - 1.0)


def changepoint(y: np.ndarray, *, min_size: int = 4) -> tuple[int, float] | None:
    """Most likely single shift in the mean of log(1+y) (least squares, BIC penalty), or None.

    Returns (index of the first period after the change, relative level change after vs before).
    """
    n = len(y)
    if n < 2 * min_size + 1:
        return None
    z = np.log1p(np.clip(y, 0, None))
    total = ((z - z.mean()) ** 2).sum()
    best, best_k = 0.0, -1
    cs, cs2 = np.cumsum(z), np.cumsum(z**2)
    for k in range(min_size, n - min_size + 1):
        s1 = cs2[k - 1] - cs[k - 1] ** 2 / k
        s2 = (cs2[-1] - cs2[k - 1]) - (cs[-1] - cs[k - 1]) ** 2 / (n - k)
        gain = total - s1 - s2
        if gain > best:
            best, best_k = gain, k
    sigma2 = max((total - best) / n, 1e-9)
    if best_k < 0 or best / sigma2 < 3 * np.log(n):
        return None
    before, after = y[:best_k].mean(), y[best_k:].mean()
    return best_k, (float(after / before - 1.0) if before > 0 else np.inf)


def seasonal_strength(y: np.ndarray, season: int) -> tuple[float, np.ndarray] | None:
    """Strength of seasonality F_S = max(0, 1 - Var(R)/Var(S+R)) and the seasonal indices.

    Wang, Smith & Hyndman (2006), Data Mining and Knowledge Discovery 13(3); here on a classical
    additive decomposition (centred moving-average trend from three seasons on, a straight-line
    trend below that). Needs two full seasons.
    """
    n = len(y)
    if season < 2 or n < 2 * season:
        return None
    s = pd.Series(y, dtype=float)
    if n >= 3 * season:
        trend = s.rolling(season, center=True).mean()
        if season % 2 == 0:
            trend = trend.rolling(2).mean().shift(-1)
    else:
        t = np.arange(n)
        trend = pd.Series(np.polyval(np.polyfit(t, y, 1), t))
    detr = s - trend
    pos = np.arange(n) % season
    idx = detr.groupby(pos).mean()
    idx = idx - idx.mean()
    seas = idx.reindex(pos).to_numpy()
    rem = (detr - seas).dropna()
    sr = (detr).dropna()
    if sr.var() <= 0:
        return None
    return float(max(0.0, 1.0 - rem.var() / sr.var())), idx.to_numpy()


def _msg(code: str, **args: object) -> dict:
    """A ``{"code": "demand.<code>", "args": {...}}`` message (numbers as plain floats and ints)."""
    return {"code": f"demand.{code}", "args": {k: _plain(v) for k, v in args.items()}}


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _series_signals(uid: str, ds: pd.Series, y: np.ndarray, freq: str) -> list[dict]:
    units = _UNITS[freq]
    out = []
    for k in _WINDOWS[freq]:
        g = growth(y, k)
        if np.isfinite(g):
            word = "rising" if g > _FLAT else "declining" if g < -_FLAT else "flat"
            out.append(
                {"signal": f"growth_{k}", "value": g, "message": _msg(f"growth_{word}_{units}", pct=g, k=k)}
            )
    season, k = _SEASON[freq], _WINDOWS[freq][-1]
    if len(y) >= season + k and y[-season - k : -season].sum() > 0:
        yoy = float(y[-k:].sum() / y[-season - k : -season].sum() - 1.0)
        out.append({"signal": "yoy", "value": yoy, "message": _msg(f"yoy_{units}", pct=yoy, k=k)})
    k0 = _WINDOWS[freq][0]
    g_now, g_prev = growth(y, k0), growth(y[:-k0], k0) if len(y) > k0 else np.nan
    if np.isfinite(g_now) and np.isfinite(g_prev):
        acc = g_now - g_prev
        word = "accelerating" if acc > 0 else "slowing"
        out.append(
            {
                "signal": "acceleration",
                "value": acc,
                "message": _msg(f"{word}_{units}", now=g_now, before=g_prev, k=k0),
            }
        )
    cp = changepoint(y)
    if cp is not None:
        i, change = cp
        since = pd.Timestamp(ds.iloc[i])
        when = since.strftime("%Y-%m") if freq == "M" else since.strftime("%Y-%m-%d")
        if not np.isfinite(change):  # from a level of zero (or below, net of returns)
            msg = _msg("changepoint_from_zero", since=when)
        else:
            msg = _msg(f"changepoint_{'rising' if change > 0 else 'declining'}", since=when, pct=change)
        out.append({"signal": "changepoint", "value": change, "since": since, "message": msg})
    out.extend(_seasonality(ds, y, freq))
    return [dict(r, unique_id=uid) for r in out]


def _seasonality(ds: pd.Series, y: np.ndarray, freq: str) -> list[dict]:
    if freq != "M":  # weekly/daily: judge seasonality on calendar-month totals (full months only)
        m = pd.Series(y, index=pd.DatetimeIndex(ds)).resample("MS").agg(["sum", "count"])
        m = m[m["count"] >= (4 if freq == "W" else 28)]
        ds, y, freq = pd.Series(m.index), m["sum"].to_numpy(dtype=float), "M"
    season = _SEASON[freq]
    res = seasonal_strength(y, season)
    if res is None:
        return []
    strength, idx = res
    rows = [
        {
            "signal": "seasonality_strength",
            "value": strength,
            "message": _msg("seasonality_strength", strength=strength),
        }
    ]
    if strength >= 0.3:
        months = pd.DatetimeIndex(ds).month.to_numpy()
        pos = np.arange(len(y)) % season
        by_month = pd.Series(idx[pos]).groupby(months).mean()
        peak = int(by_month.idxmax())  # type: ignore[call-overload]
        rows.append({"signal": "peak_month", "value": float(peak), "message": _msg(f"peak_month_{peak}")})
    return rows


COLUMNS = ["unique_id", "signal", "value", "since", "message"]
"""Columns of a signals frame (:func:`trend_signals`, and the search leads of :mod:`.search`)."""


def trend_signals(series: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Signals for every series of a long ``unique_id, ds, y`` frame.

    Returns:
        unique_id, signal, value, since (changepoints only) and message (``{"code", "args"}`` of the
        ``[demand]`` catalogue). Signals that need more history than a series has are simply absent;
        an all-zero series gives none.
    """
    rows: list[dict] = []
    for uid, g in series.sort_values(["unique_id", "ds"]).groupby("unique_id", sort=True):
        y = g["y"].to_numpy(dtype=float)
        if y.sum() <= 0:
            continue
        rows.extend(_series_signals(str(uid), g["ds"].reset_index(drop=True), y, freq))
    return pd.DataFrame(rows, columns=COLUMNS)
