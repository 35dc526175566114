"""Model choice from the inner rolling-origin backtest: per level, per demand class or per series.

Every decision here reads only backtest points (forecasts made from data before each inner
origin), so the choice never sees the periods it is later scored on.

Candidates are the single models, the fixed ``Ensemble`` and equal-weight means of the best
single models (``Mean(A+B)``: the top 2, 3 and 4 by the level's backtest score, plus Naive +
AutoETS). Candidates are compared by a combined criterion: MASE / MASE(Naive) + WAPE /
WAPE(Naive) over the series being decided (so neither metric dominates).

Strategies (``series`` is the default in :func:`xborder.domains.demand.forecast`):

- ``level``: one candidate for every series of the level (the "global winner");
- ``class``: one candidate per Syntetos-Boylan demand class (classes with few series use the
  level's winner);
- ``series``: the level's winner unless a series' own best candidate has a backtest MAE lower
  by more than ``margin`` (or a smaller margin of :data:`MARGINS`, chosen per level on the backtest).

Given several strategies (``auto``) and 2+ backtest windows, the strategy itself is chosen on the
backtest: each is fitted on the earlier windows and scored on the last one, the best is refitted
on all windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xborder.domains.demand.backtest import pivot_points
from xborder.domains.demand.combos import combo_members, combo_name
from xborder.domains.demand.margins import current_margins
from xborder.domains.demand.models import ENSEMBLE, ENSEMBLE_MEMBERS

__all__ = [
    "STRATEGIES",
    "Selection",
    "select",
    "select_pair",
    "series_scale",
    "naive_fallback",
    "NAIVE_FALLBACK",
    "FALLBACK_MODELS",
]

STRATEGIES = ("level", "class", "series")
MIN_CLASS_SERIES = 30
"""Demand classes with fewer series take the level's winner in the ``class`` strategy."""
NAIVE_FALLBACK = False
"""Off (measured, not adopted; docs/benchmarks.md, issue 15 sixth session): a demand class whose picks lose to a
baseline on both MASE and WAPE on the last backtest window takes it (:func:`naive_fallback`); one window's
evidence moved UCI category x country weekly's large series to Naive (WAPE 0.412 -> 0.490)."""
MARGINS: tuple[float, ...] = ()
"""Smaller margins the ``series`` strategy may take by default (none): the one whose picks score best on the backtest
windows held out in turn (:func:`_choose_margin`; 3+ windows). The stage and the benchmark turn it on per level and
frequency where it gained and cost no cover (:data:`xborder.domains.demand.margins.LEVEL_MARGINS`)."""
FALLBACK_MODELS = ("Naive", "SeasonalNaive", "AutoETS")
"""The baselines the chosen forecast is held to (issue 15): a class falls back to the one that beat its picks."""
MIN_FALLBACK_POINTS = 50
"""Fewest backtest points of a class on that window for the comparison to count (calibrate.MIN_GROUP)."""


def series_scale(df: pd.DataFrame, before: pd.Series | None = None) -> pd.Series:
    """Per series in-sample MAE of the naive forecast (MASE scale), on periods up to ``before`` (per id)."""
    d = df[["unique_id", "ds", "y"]]
    if before is not None:
        d = d.merge(before.rename("_cut"), left_on="unique_id", right_index=True)
        d = d[d["ds"] <= d["_cut"]]
    d = d.sort_values(["unique_id", "ds"], kind="stable")
    diff = d["y"].diff().abs()
    diff[d["unique_id"].ne(d["unique_id"].shift())] = np.nan
    s = diff.groupby(d["unique_id"]).mean()
    return s.where(s > 0)


@dataclass
class Selection:
    """Per-series picks and how they were made."""

    picks: pd.Series
    """unique_id -> candidate name (single model, Ensemble or Mean(...))."""
    strategy: str
    reasons: pd.Series
    strategy_scores: dict[str, float]
    """Combined score of each strategy on the last inner window (empty with one window)."""
    wide: pd.DataFrame | None = None
    """Backtest forecasts wide (index unique_id, cutoff, ds; a column per model), reusable by add_combos_long."""


class _Errors:
    """Absolute backtest errors per (unique_id, window) of singles and on-demand combinations."""

    def __init__(self, points: pd.DataFrame, scale: pd.Series) -> None:
        p = points[["unique_id", "cutoff", "ds", "y", "model", "yhat"]]
        built = pivot_points(p)
        if built is None:
            wide = p.set_index(["unique_id", "cutoff", "ds", "model"])["yhat"].unstack("model")
            y = p.drop_duplicates(["unique_id", "cutoff", "ds"]).set_index(["unique_id", "cutoff", "ds"])["y"]
            self.y = y.reindex(wide.index).to_numpy(float)
            uid = wide.index.get_level_values("unique_id")
            cut = wide.index.get_level_values("cutoff")
            # window = age of the origin within its series (0 = last), so series with different
            # numbers of origins still share "the last one" and "the earlier ones"
            age = pd.Series(cut, index=wide.index).groupby(uid).rank(method="dense", ascending=False)
            self.key = pd.MultiIndex.from_arrays(
                [uid, age.to_numpy().astype(int) - 1], names=["unique_id", "window"]
            )
        else:
            wide, self.y, self.key = built
        self.wide = wide
        grp = pd.Series(np.abs(self.y), index=self.key).groupby(level=[0, 1])
        self.sum_y = grp.sum()
        self.n = grp.size()
        self.windows = sorted(set(self.sum_y.index.get_level_values("window")), reverse=True)
        """Origin ages, oldest first (the last element, 0, is every series' last origin)."""
        self.n_windows = len(self.windows)
        self.scale = scale
        self.singles = [c for c in wide.columns if not combo_members(c)]
        self._cache: dict[str, pd.Series] = {}

    def yhat(self, name: str) -> np.ndarray:
        members = combo_members(name)
        if not members:
            return self.wide[name].to_numpy(float)
        if not all(m in self.wide.columns for m in members):
            return np.full(len(self.wide), np.nan)
        return self.wide[list(members)].to_numpy(float).mean(axis=1)

    def ae(self, name: str) -> pd.Series:
        """Sum of |error| per (unique_id, window); NaN where the candidate has no forecast."""
        if name not in self._cache:
            e = pd.Series(np.abs(self.y - np.clip(self.yhat(name), 0, None)), index=self.key)
            self._cache[name] = e.groupby(level=[0, 1]).sum(min_count=1).reindex(self.sum_y.index)
        return self._cache[name]

    def table(self, names: list[str], windows: Sequence[int]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
        """(sum |error| per series x candidate, sum |y| per series, n per series) over ``windows``."""
        keep = self.sum_y.index.get_level_values("window").isin(list(windows))
        ae = pd.DataFrame({n: self.ae(n)[keep] for n in names})
        # a candidate that failed on any point of a series is out for that series
        ae = ae.groupby(level=0).sum(min_count=1).where(~ae.isna().groupby(level=0).any())
        return ae, self.sum_y[keep].groupby(level=0).sum(), self.n[keep].groupby(level=0).sum()

    def common(self, names: list[str], windows: Sequence[int]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
        """Like :meth:`table`, over the (series, window) pairs where every candidate has a forecast.

        Candidates are compared on the same points: SeasonalNaive has no forecast at origins
        with less than a season of history, so those windows do not count for anyone.
        """
        keep = self.sum_y.index.get_level_values("window").isin(list(windows))
        ae = pd.DataFrame({n: self.ae(n)[keep] for n in names}).dropna(axis=1, how="all")
        ok = ae.notna().all(axis=1).to_numpy()
        ae = ae[ok]
        sy, n = self.sum_y[keep][ok], self.n[keep][ok]
        return ae.groupby(level=0).sum(), sy.groupby(level=0).sum(), n.groupby(level=0).sum()


def _level_scores(ae: pd.DataFrame, sum_y: pd.Series, n: pd.Series, scale: pd.Series) -> pd.Series:
    """Combined criterion per candidate: MASE / MASE(ref) + WAPE / WAPE(ref), lower is better."""
    if ae.empty:
        return pd.Series(dtype=float)
    sc = scale.reindex(ae.index)
    mase = ae.div(n, axis=0).div(sc, axis=0)[sc.notna()].mean()
    sy = float(sum_y.sum())
    wape = ae.sum() / sy if sy > 0 else pd.Series(np.nan, index=ae.columns)
    ref = "Naive" if "Naive" in ae.columns else None
    score = pd.Series(0.0, index=ae.columns)
    for metric in (mase, wape):
        base = metric[ref] if ref else metric.min()
        if np.isfinite(base) and base > 0:
            score = score + metric / base
    return score.fillna(np.inf)


def _candidates(err: _Errors, windows: Sequence[int]) -> list[str]:
    ae, _, _ = err.table(err.singles, windows)
    ranked = _ranking(err, err.singles, windows, ae.notna())
    names = [*err.singles]
    if all(m in err.singles for m in ENSEMBLE_MEMBERS):
        names.append(ENSEMBLE)
    combos = [ranked[:k] for k in (2, 3, 4) if len(ranked) >= k]
    if "Naive" in err.singles and "AutoETS" in err.singles:
        combos.append(["AutoETS", "Naive"])
    for c in combos:
        nm = combo_name(c)
        if nm not in names:
            names.append(nm)
    return names


def _ranking(err: _Errors, names: list[str], windows: Sequence[int], avail: pd.DataFrame) -> list[str]:
    """Candidates best first by the combined criterion over the series in ``avail``.

    Only candidates with forecasts on every window for at least half of those series are
    ranked, on the points they all share; the rest follow in their given order. Ranking them all
    on their common points would let one that exists only at the last origin (SeasonalNaive
    needs a season of history) shrink the comparison to that one window for everyone.
    """
    full = [c for c in names if c in avail.columns and avail[c].mean() >= 0.5]
    if not full:
        return list(names)
    cae, csy, cn = err.common(full, windows)
    ids = cae.index.intersection(avail.index)
    ranked = list(
        _level_scores(cae.loc[ids], csy.loc[ids], cn.loc[ids], err.scale).sort_values(kind="stable").index
    )
    return ranked + [c for c in names if c not in ranked]


def _first_available(ranking: list[str], avail: pd.DataFrame) -> pd.Series:
    """Per series the first candidate of ``ranking`` it has backtest forecasts for."""
    cols = [c for c in ranking if c in avail.columns]
    ok = avail[cols].to_numpy()
    first = np.where(ok.any(axis=1), ok.argmax(axis=1), -1)
    out = np.array(cols, dtype=object)[np.maximum(first, 0)]
    out[first < 0] = "Naive"
    return pd.Series(out, index=avail.index, name="model")


def _fits(
    err: _Errors, strategy: str, windows: Sequence[int], classes: pd.Series, margins: Sequence[float]
) -> list[tuple[pd.Series, pd.Series]]:
    """(picks, reasons) per margin of ``margins`` (only the ``series`` strategy reads it), sharing the ranking."""
    names = _candidates(err, windows)
    ae, sy, n = err.table(names, windows)  # per series; NaN where the candidate has no forecast
    avail = ae.notna()
    ranking = _ranking(err, names, windows, avail)
    picks = _first_available(ranking, avail)
    reasons = "best over the level's series in the backtest (" + picks + ")"
    if strategy == "class":
        cls = classes.reindex(ae.index).fillna("unknown")
        for c, ids in cls.groupby(cls).groups.items():
            if len(ids) < MIN_CLASS_SERIES:
                continue
            rank_c = _ranking(err, names, windows, avail.loc[ids])
            if rank_c:
                best = _first_available(rank_c, avail.loc[ids])
                picks.loc[ids] = best
                reasons.loc[ids] = f"best over the {c} series in the backtest (" + best + ")"
    if strategy != "series":
        return [(picks, reasons)] * len(margins)
    mae = ae.div(n, axis=0).fillna(np.inf)
    own = mae.idxmin(axis=1)
    base = pd.Series(
        mae.to_numpy()[np.arange(len(mae)), mae.columns.get_indexer(pd.Index(picks))], index=mae.index
    )
    out = []
    for margin in margins:
        p, r = picks.copy(), reasons.copy()
        switch = (mae.min(axis=1) < (1 - margin) * base) | ~np.isfinite(base)
        switch &= np.isfinite(mae.min(axis=1))
        p[switch] = own[switch]
        r[switch] = f"own backtest MAE lower than the level winner's by more than {margin:.0%}"
        out.append((p, r))
    return out


def _pick_score(err: _Errors, picks: pd.Series, window: int) -> float:
    """Combined score (vs Naive) of per-series picks on one window."""
    names = sorted(set(picks))
    cols = [*names, "Naive"] if "Naive" in err.singles and "Naive" not in names else names
    ae, sy, n = err.table(cols, [window])
    ids = ae.index.intersection(picks.index)
    ae, sy, n = ae.loc[ids], sy.loc[ids], n.loc[ids]
    p = picks.reindex(ids)
    chosen = pd.Series(ae.to_numpy()[np.arange(len(ids)), ae.columns.get_indexer(pd.Index(p))], index=ids)
    frame = pd.DataFrame({"Chosen": chosen})
    if "Naive" in ae.columns:
        frame["Naive"] = ae["Naive"]
    s = _level_scores(frame, sy, n, err.scale)
    return float(s.get("Chosen", np.inf))


def select(
    points: pd.DataFrame,
    scale: pd.Series,
    classes: pd.Series,
    *,
    margin: float = 0.5,
    strategies: Sequence[str] = STRATEGIES,
    exclude_last: bool = False,
) -> Selection:
    """Choose a candidate per series from backtest ``points`` (long: unique_id, cutoff, ds, y, model, yhat).

    Args:
        scale: MASE scale per series (:func:`series_scale` on data before the first origin).
        classes: demand class per series (for the ``class`` strategy).
        margin: how much better (fraction of MAE) a series' own best must be to leave the level's winner.
        strategies: strategies to consider; with one, no strategy choice is made.
        exclude_last: ignore each series' last window (to score the selection on it honestly).
    """
    return _select(_Errors(points, scale), classes, margin, strategies, exclude_last)


def select_pair(
    points: pd.DataFrame,
    scale: pd.Series,
    classes: pd.Series,
    *,
    margin: float = 0.5,
    strategies: Sequence[str] = ("series",),
) -> tuple[Selection, Selection | None]:
    """(choice on all windows, choice on all but each series' last window) sharing one error table.

    The second is None with a single window (nothing left to choose on).
    """
    err = _Errors(points, scale)
    final = _select(err, classes, margin, strategies, False)
    honest = _select(err, classes, margin, strategies, True) if err.n_windows >= 2 else None
    return final, honest


def _select(
    err: _Errors, classes: pd.Series, margin: float, strategies: Sequence[str], exclude_last: bool
) -> Selection:
    windows = err.windows[:-1] if exclude_last else err.windows
    if not windows:
        raise ValueError("select() needs at least one backtest window")
    scores: dict[str, float] = {}
    best = strategies[0]
    if len(strategies) > 1 and len(windows) >= 2:
        for s in strategies:
            picks, _ = _fits(err, s, windows[:-1], classes, [margin])[0]
            scores[s] = _pick_score(err, picks, windows[-1])
        best = min(strategies, key=lambda s: (scores[s], strategies.index(s)))
    if best == "series" and current_margins(MARGINS) and len(windows) >= 3:  # held-out fits on 2+ windows
        margin = _choose_margin(err, classes, margin, windows, scores)
    picks, reasons = _fits(err, best, windows, classes, [margin])[0]
    if NAIVE_FALLBACK and len(windows) >= 2:
        early, _ = _fits(err, best, windows[:-1], classes, [margin])[0]
        for c, model in naive_fallback(err, early, windows[-1], classes, windows).items():
            on = classes.reindex(picks.index).fillna("unknown").eq(c).to_numpy()
            picks[on] = model
            reasons[on] = f"{model}: it beat the level's choice for {c} series on the last backtest window"
    return Selection(picks, best, reasons, scores, err.wide)


def _choose_margin(
    err: _Errors, classes: pd.Series, margin: float, windows: Sequence[int], scores: dict[str, float]
) -> float:
    """The ``series`` strategy's margin: ``margin`` or one of :data:`MARGINS` below it, whichever scores best
    (combined criterion, :func:`_pick_score`) summed over the windows, each held out in turn while the picks
    are fitted on the others; the larger margin on a tie."""
    margins = sorted({margin, *(x for x in current_margins(MARGINS) if x < margin)}, reverse=True)
    total = np.zeros(len(margins))
    for w in windows:
        fits = _fits(err, "series", [x for x in windows if x != w], classes, margins)
        total += [_pick_score(err, picks, w) for picks, _ in fits]
    for m, t in zip(margins, total, strict=True):
        scores[f"series@{m:g}"] = float(t)
    return margins[int(np.argmin(total))]


def naive_fallback(
    err: _Errors, picks: pd.Series, window: int, classes: pd.Series, windows: Sequence[int] = ()
) -> dict[str, str]:
    """Demand classes where a baseline of :data:`FALLBACK_MODELS` beat ``picks`` (made without ``window``) on
    ``window`` on both MASE and WAPE: class -> that baseline (the lowest MASE + WAPE relative to the picks').

    Only classes with at least :data:`MIN_FALLBACK_POINTS` points on that window are judged; MASE is the
    mean over the class's series with a scale, WAPE pooled over the class; a baseline is compared on the
    series it has forecasts for there, and only if it has forecasts on every one of ``windows`` for at least half
    of the class's series (as in the level's ranking: SeasonalNaive, missing before a season of history, is not
    judged on the last window alone).
    """
    base = [m for m in FALLBACK_MODELS if m in err.singles]
    if not base:
        return {}
    names = sorted(set(picks) | set(base))
    ae, sy, n = err.table(names, [window])
    ids = ae.index.intersection(picks.index)
    ae, sy, n = ae.loc[ids], sy.loc[ids], n.loc[ids]
    col = ae.columns.get_indexer(pd.Index(picks.reindex(ids)))
    chosen = pd.Series(ae.to_numpy()[np.arange(len(ids)), col], index=ids)
    cls = classes.reindex(ids).fillna("unknown")
    scale = err.scale.reindex(ids)
    full = err.table(base, windows or [window])[0].notna()
    out: dict[str, str] = {}
    for c, members in cls.groupby(cls).groups.items():
        best, best_score = None, 2.0
        for m in base:
            if full[m].reindex(members).fillna(False).mean() < 0.5:
                continue
            g = pd.DataFrame({"Chosen": chosen.loc[members], m: ae.loc[members, m]}).dropna()
            if n.reindex(g.index).sum() < MIN_FALLBACK_POINTS or sy.reindex(g.index).sum() <= 0:
                continue
            mase = g.div(n.reindex(g.index), axis=0).div(scale.reindex(g.index), axis=0).dropna().mean()
            wape = g.sum() / sy.reindex(g.index).sum()
            if mase[m] < mase["Chosen"] and wape[m] < wape["Chosen"]:
                score = float(mase[m] / mase["Chosen"] + wape[m] / wape["Chosen"])
                if score < best_score:
                    best, best_score = m, score
        if best is not None:
            out[str(c)] = best
    return out
