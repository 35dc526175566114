"""Seasonal profiles pooled over groups of series, so a short product history still sees its peak.

A product that has sold for a year has seen its November once, and its own models (Naive,
WindowMedian, ADIDA, ETS without a season) forecast a flat level: over a 6-month horizon that
holds November-December the total falls short. Its category in the market, and the market, have
more units behind each month. A profile is the month-of-year index of a group's summed demand
(mean demand in the periods of that month / mean demand over the year), averaged over up to three
complete years before the origin, and shrunk towards its parent's index by the group's volume:
``S = w S_group + (1 - w) S_parent`` with ``w = V / (V + V0) * n / (n + 1)``, V the group's mean
units per month and n its complete years (one year of a group is never taken at face value; the
coarsest tier could be shrunk towards flat the same way, :data:`ROOT_SHRINK`, measured and left off).
Tiers: the given group (e.g. ``cat:<category>|<market>``) -> the market (the id's suffix after ``|``)
-> all series of the level.

A non-seasonal forecast made at an origin reflects the level of the last few periods, so it is
re-seasoned by ``S(month of the period) / mean S(months of the last k periods before the
origin)``, k the periods whose level the forecast reflects (1 for Naive, the median window for
WindowMedian, a season for the smoothing models), kept within [1/3, 3]. Weeks
take the month of their Thursday. Daily series get no yearly profile (the day-of-week season is
the models' own). Whether a demand class's forecasts are re-seasoned is decided on the backtest
(:func:`decide`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "V0",
    "MAX_YEARS",
    "ROOT_SHRINK",
    "ERRORS_SEASONED",
    "Profiles",
    "season_keys",
    "fit_profiles",
    "decide",
    "season_use",
]

ERRORS_SEASONED = ("W",)
"""Frequencies at which series not re-seasoned (products) still have their errors scaled by the pooled season
(``reseason="errors"``; since 2026-12-07, tenth session). On the CLI's UCI product x country weeks (500 series
picked before the scored Jun-Dec 2011 window) the calibration windows, mostly calm half-years, held 0.690 / 0.857
of the outcomes at 80 / 95%; with the errors scaled by the category's season 0.777 / 0.924, pinball 0.494 ->
0.464. Not monthly: product months went 0.773 / 0.914 -> 0.857 / 0.948 (above the band), pinball 0.303 -> 0.319."""
V0 = 500.0
"""Units per month at which a group's own index and its parent's weigh the same (times years / (years + 1))."""
MAX_YEARS = 3
"""Most complete years before an origin averaged into a profile."""
MAX_FACTOR = 3.0
"""Re-seasoning factors are kept within [1/3, 3]."""
_ROOT = "*"
ROOT_SHRINK = False
"""Off (measured twice, not switched on). Shrink the coarsest tier's (all series of the level) index towards flat
(1) by years / (years + 1), as every finer tier is shrunk towards its parent. At UCI country totals the top tier
is mostly GB, whose one-year profile overshot its weekly Mar-Aug and Jun-Nov 2011 seasons: with the shrink
(two origins) weekly bias of the mean +10.7% -> +2.5%, MASE 0.819 -> 0.794, 80% cover 0.75 -> 0.77; category
x country monthly MASE 1.424 -> 1.407. But the monthly country totals' Jun-Nov fold, whose November peak it
damps, falls out of the band: 95% cover 0.917 -> 0.896 (the real-retail test's 201 points: 0.920 -> 0.891),
bias of the mean -12.4% -> -16.4% (both folds -1.8% -> -5.3%); and it damps a long clean season in a small
level (3 years of a 3x November at 233 units a month: 2.67x). docs/benchmarks.md, issue 15 fifth session."""


def season_keys(ds: pd.Series | pd.DatetimeIndex | np.ndarray, freq: str) -> np.ndarray | None:
    """Month of year (0-11) of each period: the month itself, or a week's Thursday; None for days."""
    f = freq.upper()[:1]
    if f == "D":
        return None
    d = pd.DatetimeIndex(pd.to_datetime(np.asarray(ds)))
    if f == "W":
        d = d + pd.Timedelta(days=3)
    return np.asarray(d.month - 1)


def _tiers(ids: pd.Index, groups: pd.Series | None) -> list[pd.Series]:
    """Group of each id per tier, finest first: given group, market, all."""
    market = pd.Series(ids.str.rsplit("|", n=1).str[-1], index=ids)
    market = ("m:" + market).where(ids.str.contains("|", regex=False), _ROOT)
    tiers = []
    if groups is not None:
        g = groups.reindex(ids)
        tiers.append(("g:" + g.astype(str)).where(g.notna(), market))
    tiers.append(market)
    tiers.append(pd.Series(_ROOT, index=ids))
    return tiers


class Profiles:
    """Seasonal indices per (origin, series) from pooled group profiles, and the re-seasoning factors."""

    def __init__(
        self, index: dict[pd.Timestamp, pd.DataFrame], freq: str, season: int, first: pd.Series | None = None
    ) -> None:
        self.index = index
        """Per origin: one row per series id, 12 columns (month-of-year indices, mean 1)."""
        self.freq = freq
        self.season = season
        self.first = first if first is not None else pd.Series(dtype="datetime64[ns]")
        """First period of each series: a level cannot reflect periods before it."""

    def factors(self, rows: pd.DataFrame, base: np.ndarray, *, median: bool = False) -> np.ndarray:
        """Re-seasoning factor of each forecast row (unique_id, cutoff, ds); 1 where no profile.

        Args:
            base: per row, how many periods up to the origin the forecast's level reflects.
            median: the level is a median of those periods (WindowMedian), so the reference is the
                median of their indices, not the mean (a median of Oct-Nov-Dec skips November's peak).
        """
        out = np.ones(len(rows))
        keys = season_keys(rows["ds"], self.freq)
        if keys is None or not self.index:
            return out
        cut = _datetimes(rows["cutoff"])
        uid = rows["unique_id"].to_numpy()
        off = pd.tseries.frequencies.to_offset({"W": "W-MON", "M": "MS"}[self.freq])
        # rows of one origin are a slice of the stable sort, ascending as flatnonzero gives them
        by_cut = np.argsort(cut, kind="stable")
        sorted_cut = cut[by_cut]
        for c, table in self.index.items():
            c64 = np.datetime64(c)
            if cut.dtype == "datetime64[ns]":
                key = c64.astype(cut.dtype)
                at = by_cut[
                    np.searchsorted(sorted_cut, key, "left") : np.searchsorted(sorted_cut, key, "right")
                ]
            else:
                at = np.flatnonzero(cut == c64)
            if not len(at):
                continue
            pos = table.index.get_indexer(pd.Index(uid[at]))
            ok = pos >= 0
            at, pos = at[ok], pos[ok]
            s = table.to_numpy(float)
            past = season_keys(pd.date_range(end=c, periods=int(base.max()), freq=off), self.freq)
            assert past is not None
            k = base[at].astype(int)
            # periods each series has lived by the origin, per table row (its rows share them), not per row
            first = _datetimes(self.first.reindex(table.index))
            periods = _periods_between(first, np.datetime64(c), self.freq)
            lived = np.where(pd.isna(first), np.nan, periods)[pos]
            lived = np.where(np.isnan(lived), k, lived)  # no first period known: the base stands
            # a 5-month product's level reflects 5 months
            k = np.maximum(1, np.minimum(k, lived)).astype(np.int64)
            # the reference depends on (series, k) only: computed once per pair, not per forecast row
            width = len(past) + 1  # k <= base.max() = len(past)
            pair, inv = np.unique(pos.astype(np.int64) * width + k, return_inverse=True)
            p_pos, p_k = pair // width, pair % width
            lag = np.arange(len(past))[::-1]  # lag 0 = the origin's own period
            use = lag[None, :] < p_k[:, None]
            vals = s[p_pos][:, past]
            if median:
                ref = np.nanmedian(np.where(use, vals, np.nan), axis=1)
            else:
                ref = (vals * use).sum(axis=1) / use.sum(axis=1)
            out[at] = s[pos, keys[at]] / np.where(ref > 0, ref, np.nan)[inv.ravel()]
        return np.nan_to_num(np.clip(out, 1 / MAX_FACTOR, MAX_FACTOR), nan=1.0)


def _datetimes(values: pd.Series) -> np.ndarray:
    """``values`` as a datetime64[ns] array; already-datetime columns skip ``pd.to_datetime``, whose format
    check turns the first 10,000 values into Python Timestamps on every call (1.3 s per 1,000 series)."""
    if values.dtype == "datetime64[ns]":
        return values.to_numpy()
    return pd.to_datetime(values).to_numpy()


def _periods_between(first: np.ndarray, origin: np.datetime64, freq: str) -> np.ndarray:
    """Periods from each ``first`` to ``origin``, both included."""
    f = pd.DatetimeIndex(first)
    o = pd.Timestamp(origin)
    if freq == "M":
        return np.asarray((o.year - f.year) * 12 + (o.month - f.month) + 1)
    return np.asarray((o - f).days // 7 + 1)


def fit_profiles(
    df: pd.DataFrame, cutoffs: list[pd.Timestamp], *, freq: str, groups: pd.Series | None = None
) -> Profiles:
    """Pooled seasonal indices of every series of ``df`` at each origin in ``cutoffs``.

    Args:
        df: long unique_id, ds, y history of the level.
        cutoffs: origins (only data up to each is used for its profiles).
        groups: unique_id -> group (e.g. ``cat:toys|DE``) pooled before the market; None: market first.
    """
    season = {"W": 52, "M": 12}.get(freq.upper()[:1], 0)
    if not season or df.empty:
        return Profiles({}, freq.upper()[:1], season)
    ids = pd.Index(sorted(df["unique_id"].unique()))
    tiers = _tiers(ids, groups)
    wide = df.pivot_table(index="ds", columns="unique_id", values="y", aggfunc="sum").sort_index()
    keys = season_keys(pd.DatetimeIndex(wide.index), freq)
    assert keys is not None
    per_month = season / 12
    out: dict[pd.Timestamp, pd.DataFrame] = {}
    cols = wide.columns
    for c in sorted(set(pd.to_datetime(pd.Series(cutoffs)))):
        w = wide[wide.index <= c]
        if len(w) < season:
            continue
        started = w.notna().cumsum().gt(0).to_numpy()  # a series exists from its first period on
        s = np.full((len(ids), 12), np.nan)
        for tier in reversed(tiers):  # all series first, then each finer tier shrunk towards it
            names = tier.reindex(cols).to_numpy()
            codes, uniq = pd.factorize(names)
            onehot = np.zeros((len(cols), len(uniq)))
            onehot[np.arange(len(cols)), codes] = 1.0
            agg = np.nan_to_num(w.to_numpy(float)) @ onehot
            alive = (started @ onehot) > 0
            idx, vol, years = _index(agg, alive, keys[: len(w)], season)
            at = pd.Index(uniq).get_indexer(tier.reindex(ids).to_numpy())
            raw = idx[at]
            wgt = (vol[at] * per_month / (vol[at] * per_month + V0) * years[at] / (years[at] + 1))[:, None]
            top = 1.0 + years[at][:, None] / (years[at][:, None] + 1) * (raw - 1.0) if ROOT_SHRINK else raw
            mixed = np.where(np.isnan(s), top, wgt * raw + (1 - wgt) * s)
            s = np.where(np.isnan(raw), s, mixed)
        table = pd.DataFrame(s, index=ids).dropna()
        if len(table):
            out[pd.Timestamp(c)] = table
    return Profiles(out, freq.upper()[:1], season, df.groupby("unique_id")["ds"].min())


def _index(
    y: np.ndarray, alive: np.ndarray, keys: np.ndarray, season: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month-of-year index (groups x 12) averaged over complete years ending at the last row (NaN
    without one), mean units per period, and the number of years."""
    n, g = y.shape
    y = np.nan_to_num(y)
    acc = np.zeros((g, 12))
    cnt = np.zeros(g)
    vol = np.zeros(g)
    for b in range(MAX_YEARS):
        lo, hi = n - (b + 1) * season, n - b * season
        if lo < 0:
            break
        full = alive[lo]  # the group had started by the block's first period
        block = y[lo:hi]
        mean = block.mean(axis=0)
        ok = full & (mean > 0)
        month_mean = np.zeros((g, 12))
        for m in range(12):
            rows = keys[lo:hi] == m
            if rows.any():
                month_mean[:, m] = block[rows].mean(axis=0)
        acc[ok] += month_mean[ok] / mean[ok, None]
        cnt[ok] += 1
        vol[ok] += mean[ok]
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = acc / cnt[:, None]
        vol = vol / cnt
    idx[cnt == 0] = np.nan
    return idx, np.nan_to_num(vol), cnt


def decide(raw_ae: pd.DataFrame, classes: pd.Series, *, min_series: int = 30) -> pd.Series:
    """Per series of ``classes`` whether re-seasoning helps, decided per demand class on the backtest.

    Args:
        raw_ae: per unique_id with backtest points the profile moved, sums of ``ae_raw``,
            ``ae_seasonal`` and ``y`` (absolute actuals), ``n`` points and ``scale`` (MASE scale).
        classes: demand class of every series of the level (series without backtest points take
            their class's decision, or the level's).

    A class with ``min_series`` or more series in ``raw_ae`` is re-seasoned when its combined ratio
    MASE(seasonal)/MASE(raw) + WAPE(seasonal)/WAPE(raw) is below 2; other classes follow the level.
    """
    d = raw_ae.copy()
    d["demand_class"] = classes.reindex(d.index).fillna("unknown")

    def better(g: pd.DataFrame) -> bool:
        sc = g["scale"].where(g["scale"] > 0)
        mr = (g["ae_raw"] / g["n"] / sc).mean()
        ms = (g["ae_seasonal"] / g["n"] / sc).mean()
        wr, ws = g["ae_raw"].sum(), g["ae_seasonal"].sum()
        if not (np.isfinite(mr) and mr > 0 and wr > 0):
            return bool(ws < wr)
        return bool(ms / mr + ws / wr < 2.0)

    level = better(d) if len(d) else False
    by_class = {c: better(g) for c, g in d.groupby("demand_class") if len(g) >= min_series}
    return classes.map(lambda c: by_class.get(c, level)).astype(bool)


def season_use(level: str, freq: str, reseason_products: bool = False) -> bool | str:
    """``forecast(reseason=...)`` of a level: aggregates are re-seasoned where their backtest gains, products
    only on request (it lost on UCI products), else at :data:`ERRORS_SEASONED` their errors are season-scaled."""
    if reseason_products or not level.startswith("product"):
        return True
    return "errors" if freq.upper()[:1] in ERRORS_SEASONED else False
