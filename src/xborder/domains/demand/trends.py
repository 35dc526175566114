"""Trend signals a person can read: growth, year-over-year, acceleration, changepoints, seasonality and peaks.

Every signal row has a number and a sentence in English and Simplified Chinese, e.g.
"rising: +37% over the last 8 weeks vs the 8 before" / "上升：最近8周比之前8周 +37%".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["trend_signals", "growth", "changepoint", "seasonal_strength"]

_UNIT = {"W": ("weeks", "周"), "M": ("months", "个月"), "D": ("days", "天")}
_WINDOWS = {"W": (4, 8, 13), "M": (3, 6), "D": (7, 28)}
_SEASON = {"W": 52, "M": 12, "D": 7}
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
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


def _pct(v: float) -> str:
    return f"{v * 100:+.0f}%"


def _series_signals(uid: str, ds: pd.Series, y: np.ndarray, freq: str) -> list[dict]:
    en_u, zh_u = _UNIT[freq]
    out = []
    for k in _WINDOWS[freq]:
        g = growth(y, k)
        if np.isfinite(g):
            word = (
                ("rising", "上升") if g > _FLAT else ("declining", "下降") if g < -_FLAT else ("flat", "平稳")
            )
            out.append(
                {
                    "signal": f"growth_{k}",
                    "value": g,
                    "text_en": f"{word[0]}: {_pct(g)} over the last {k} {en_u} vs the {k} before",
                    "text_zh": f"{word[1]}：最近{k}{zh_u}比之前{k}{zh_u} {_pct(g)}",
                }
            )
    season, k = _SEASON[freq], _WINDOWS[freq][-1]
    if len(y) >= season + k and y[-season - k : -season].sum() > 0:
        yoy = float(y[-k:].sum() / y[-season - k : -season].sum() - 1.0)
        out.append(
            {
                "signal": "yoy",
                "value": yoy,
                "text_en": f"year over year: {_pct(yoy)} (last {k} {en_u} vs the same {en_u} a year earlier)",
                "text_zh": f"同比：{_pct(yoy)}（最近{k}{zh_u}对比去年同期）",
            }
        )
    k0 = _WINDOWS[freq][0]
    g_now, g_prev = growth(y, k0), growth(y[:-k0], k0) if len(y) > k0 else np.nan
    if np.isfinite(g_now) and np.isfinite(g_prev):
        acc = g_now - g_prev
        word = ("accelerating", "加速") if acc > 0 else ("slowing", "放缓")
        out.append(
            {
                "signal": "acceleration",
                "value": acc,
                "text_en": f"{word[0]}: growth {_pct(g_now)} in the last {k0} {en_u} vs {_pct(g_prev)} before",
                "text_zh": f"{word[1]}：最近{k0}{zh_u}增长 {_pct(g_now)}，此前为 {_pct(g_prev)}",
            }
        )
    cp = changepoint(y)
    if cp is not None:
        i, change = cp
        when = (
            pd.Timestamp(ds.iloc[i]).strftime("%Y-%m")
            if freq == "M"
            else pd.Timestamp(ds.iloc[i]).strftime("%Y-%m-%d")
        )
        up = change > 0
        out.append(
            {
                "signal": "changepoint",
                "value": change,
                "since": pd.Timestamp(ds.iloc[i]),
                "text_en": f"{'rising' if up else 'declining'} since {when} (level {_pct(change)})",
                "text_zh": f"自{when}起{'上升' if up else '下降'}（水平 {_pct(change)}）",
            }
        )
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
            "text_en": f"seasonality strength {strength:.2f} (0 none, 1 purely seasonal)",
            "text_zh": f"季节性强度 {strength:.2f}（0 无，1 完全季节性）",
        }
    ]
    if strength >= 0.3:
        months = pd.DatetimeIndex(ds).month.to_numpy()
        pos = np.arange(len(y)) % season
        by_month = pd.Series(idx[pos]).groupby(months).mean()
        peak = int(by_month.idxmax())  # type: ignore[call-overload]
        rows.append(
            {
                "signal": "peak_month",
                "value": float(peak),
                "text_en": f"seasonal peak expected in {_MONTHS_EN[peak - 1]}",
                "text_zh": f"预计{peak}月为季节性高峰",
            }
        )
    return rows


def trend_signals(series: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Signals for every series of a long ``unique_id, ds, y`` frame.

    Returns:
        unique_id, signal, value, text_en, text_zh, since (changepoints only). Signals that need
        more history than a series has are simply absent; an all-zero series gives none.
    """
    rows: list[dict] = []
    for uid, g in series.sort_values(["unique_id", "ds"]).groupby("unique_id", sort=True):
        y = g["y"].to_numpy(dtype=float)
        if y.sum() <= 0:
            continue
        rows.extend(_series_signals(str(uid), g["ds"].reset_index(drop=True), y, freq))
    cols = ["unique_id", "signal", "value", "text_en", "text_zh", "since"]
    out = pd.DataFrame(rows, columns=cols)
    return out
