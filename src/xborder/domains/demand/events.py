"""Market events as demand regressors: a pooled uplift per event on the chosen forecast, kept per series where the backtest gains.

The event calendar (:func:`xborder.reference.calendar.market_events`: Black Friday, Cyber Monday, Prime Day,
11.11 ... per market, dated and sourced) becomes one 0/1 column per event name and period (1 when the period
overlaps the event's days). The uplift is learnt on the history: per event, the ratio of the demand in the
periods it touches to the median of the neighbouring periods without an event, pooled across the level's
series and shrunk towards no uplift (:func:`fit_uplift`). An event's factor multiplies the chosen forecast of
the periods it touches.

Rolling origin, per series: at every inner origin the uplift is fitted on the history up to it and applied
to the chosen model's backtest forecasts of that origin's window; a series keeps the events
only when this lowers its absolute error summed over those windows *and* it lowers its demand class's pooled
error. A series whose backtest windows touch no event has no evidence and keeps its forecast. The final uplift
is fitted on the whole history. The seller's own price changes are not a regressor yet (docs/demand.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xborder.reference.calendar import market_events

__all__ = [
    "EventChoice",
    "EventUplift",
    "apply_uplift",
    "calendar_frame",
    "choose_events",
    "event_features",
    "fit_uplift",
    "series_markets",
    "with_events",
]

DEMAND_KINDS = ("sales_event", "season")
"""Calendar kinds that move demand (factory closures move supply, not demand)."""

_PERIOD = {"W": pd.Timedelta(days=6), "D": pd.Timedelta(0)}


def calendar_frame(markets: list[str] | None = None) -> pd.DataFrame:
    """The reference calendar's demand events as ``market, event, valid_from, valid_to`` (timestamps)."""
    cal = market_events(markets, kinds=DEMAND_KINDS)
    out = cal[["market", "event"]].copy()
    out["valid_from"] = pd.to_datetime(cal["valid_from"])
    out["valid_to"] = pd.to_datetime(cal["valid_to"].where(cal["valid_to"].notna(), cal["valid_from"]))
    return out.reset_index(drop=True)


def series_markets(ids: pd.Series | pd.Index) -> pd.Series:
    """unique_id -> market: the part after the last ``|`` (``product|GB``, ``cat:x|GB``, ``total|GB``)."""
    u = pd.Index(pd.unique(pd.Series(ids).astype(str)))
    return pd.Series(u.str.rsplit("|", n=1).str[-1].where(u.str.contains("|", regex=False)), index=u)


def _period_end(ds: pd.Series, freq: str) -> pd.Series:
    if freq.upper().startswith("M"):
        return ds + pd.offsets.MonthEnd(0)
    return ds + _PERIOD[freq.upper()[:1]]


def event_features(
    keys: pd.DataFrame, markets: pd.Series, events: pd.DataFrame, *, freq: str
) -> pd.DataFrame:
    """One 0/1 column per event name for every ``unique_id, ds`` row of ``keys``.

    Args:
        keys: frame with ``unique_id`` and ``ds`` (period starts: Monday, 1st of the month or the day).
        markets: unique_id -> market code matching ``events['market']``; series without one get zeros.
        events: ``market, event, valid_from, valid_to`` (see :func:`calendar_frame`).
        freq: W, M or D.

    Returns:
        ``unique_id, ds`` and one column per event name (1.0 where the period overlaps the event).
    """
    out = keys[["unique_id", "ds"]].drop_duplicates().reset_index(drop=True)
    out["ds"] = pd.to_datetime(out["ds"])
    names = sorted(events["event"].unique()) if len(events) else []
    if not names:
        return out
    mk = out["unique_id"].map(markets)
    pairs = pd.DataFrame({"market": mk, "ds": out["ds"]}).dropna().drop_duplicates()
    pairs["end"] = _period_end(pairs["ds"], freq)
    hit = pairs.merge(events, on="market")
    hit = hit[(hit["valid_from"] <= hit["end"]) & (hit["valid_to"] >= hit["ds"])]
    flags = (
        hit.assign(v=1.0).pivot_table(index=["market", "ds"], columns="event", values="v", aggfunc="max")
        if len(hit)
        else pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["market", "ds"]))
    ).reindex(columns=names)
    idx = pd.MultiIndex.from_arrays([mk.to_numpy(), out["ds"].to_numpy()])
    vals = flags.reindex(idx).fillna(0.0).to_numpy(float) if len(flags) else np.zeros((len(out), len(names)))
    out[names] = vals
    return out


@dataclass
class EventUplift:
    """A fitted uplift: one log coefficient per feature column (0 = no effect)."""

    beta: pd.Series
    exposures: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Backtest points each feature touched when fitted."""

    def factor(self, rows: pd.DataFrame) -> np.ndarray:
        """Multiplicative factor per row of ``rows`` (which carries the feature columns)."""
        cols = [c for c in self.beta.index if c in rows.columns]
        if not cols:
            return np.ones(len(rows))
        return np.exp(rows[cols].to_numpy(float) @ self.beta[cols].to_numpy(float))


def _joined(points: pd.DataFrame, features: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    cols = [c for c in features.columns if c not in ("unique_id", "ds")]
    p = points.merge(features, on=["unique_id", "ds"], how="left")
    p[cols] = p[cols].fillna(0.0)
    return p, cols


NEIGHBOURS = {"W": 4, "M": 2, "D": 7}
"""Periods either side whose median (events left out) is an event period's baseline."""


def fit_uplift(
    history: pd.DataFrame, features: pd.DataFrame, *, freq: str, ridge: float = 5.0, rounds: int = 4
) -> EventUplift:
    """Fit the pooled uplift of each event on a history ``unique_id, ds, y``.

    An event period's baseline is the median of its series' neighbouring periods that hold no event
    (:data:`NEIGHBOURS` either side). Each event's factor is the ratio of the actual demand to the baseline
    (times the other events' factors) summed over the periods it touches, pooled across the level's series
    (larger series weigh more, as in WAPE), with ``ridge`` pseudo-periods of "no effect" added; overlapping
    events are alternated ``rounds`` times.

    Args:
        history: demand before the origin.
        features: ``unique_id, ds`` and 0/1 event columns (see :func:`event_features`).
        freq: W, M or D (sets the neighbourhood).
        ridge: pseudo-periods of "no effect" per event (shrinks events seen on few periods towards 1).
        rounds: alternations between overlapping events' factors.
    """
    p, cols = _joined(history[["unique_id", "ds", "y"]], features)
    if not cols or p.empty:
        return EventUplift(pd.Series(0.0, index=cols))
    p = p.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    x = p[cols].to_numpy(float) > 0
    quiet = p["y"].where(pd.Series(~x.any(axis=1), index=p.index))
    w = NEIGHBOURS.get(freq.upper()[:1], 4)
    base = (
        quiet.groupby(p["unique_id"].to_numpy())
        .rolling(2 * w + 1, center=True, min_periods=1)
        .median()
        .reset_index(level=0, drop=True)
        .sort_index()
        .to_numpy(float)
    )
    y = p["y"].to_numpy(float)
    ok = np.isfinite(base)
    beta = np.zeros(len(cols))
    for _ in range(rounds):
        for k in range(len(cols)):
            hit = x[:, k] & ok
            if not hit.any():
                continue
            mu = base * np.exp(x @ beta - beta[k] * x[:, k])  # the baseline with the other events
            m = float(mu[hit].mean())
            beta[k] = np.log((y[hit].sum() + ridge * m) / (mu[hit].sum() + ridge * m)) if m > 0 else 0.0
    return EventUplift(pd.Series(beta, index=cols), pd.Series(x.sum(axis=0), index=cols))


def choose_events(
    history: pd.DataFrame,
    points: pd.DataFrame,
    features: pd.DataFrame,
    classes: pd.Series,
    *,
    freq: str,
    ridge: float = 5.0,
) -> tuple[pd.DataFrame, EventUplift]:
    """Per series whether the uplift gained on the rolling-origin backtest, and the uplift fitted on all history.

    Args:
        history: the series' demand ``unique_id, ds, y``.
        points: the chosen forecast's backtest rows ``unique_id, cutoff, ds, y, yhat``.
        features: see :func:`event_features`.
        classes: unique_id -> demand class (a series keeps the events only where its class gains too).
        freq: W, M or D.
        ridge: see :func:`fit_uplift`.

    Returns:
        (per series ``unique_id, mae_without, mae_with, exposed, events_on, reason``, final uplift).
    """
    p, cols = _joined(points, features)
    scored = []
    for cut in sorted(pd.to_datetime(p["cutoff"].unique())):
        fit = fit_uplift(history[history["ds"] <= cut], features, freq=freq, ridge=ridge)
        w = p[pd.to_datetime(p["cutoff"]) == cut]
        f = fit.factor(w)
        yhat = w["yhat"].clip(lower=0).to_numpy(float)
        y = w["y"].to_numpy(float)
        scored.append(
            pd.DataFrame({
                "unique_id": w["unique_id"].to_numpy(),
                "without": np.abs(y - yhat),
                "with": np.abs(y - yhat * f),
                "exposed": (w[cols].to_numpy(float).sum(axis=1) > 0) if cols else np.zeros(len(w), bool),
            })
        )  # fmt: skip
    ids = pd.Index(pd.unique(points["unique_id"]), name="unique_id")
    out = pd.DataFrame(index=ids)
    s = (
        pd.concat(scored, ignore_index=True)
        if scored
        else pd.DataFrame(columns=["unique_id", "without", "with"])
    )
    g = s.groupby("unique_id")
    out["mae_without"], out["mae_with"] = g["without"].mean(), g["with"].mean()
    out["exposed"] = g["exposed"].sum() if len(s) else 0
    out["exposed"] = out["exposed"].fillna(0).astype(int)
    cls = classes.reindex(out.index)
    tot = out[["mae_without", "mae_with"]].groupby(cls.to_numpy()).sum()
    class_gains = (tot["mae_with"] < tot["mae_without"]).reindex(cls.to_numpy()).fillna(False).to_numpy(bool)
    gains = (out["mae_with"] < out["mae_without"]).to_numpy(bool)
    out["events_on"] = gains & class_gains & (out["exposed"] > 0).to_numpy()
    out["reason"] = np.where(
        out["exposed"] == 0,
        "no event in the backtest windows",
        np.where(
            out["events_on"],
            "events lowered the backtest error",
            np.where(gains, "its demand class did not gain", "events did not lower the backtest error"),
        ),
    )
    return out.reset_index(), fit_uplift(history, features, freq=freq, ridge=ridge)


def apply_uplift(
    forecasts: pd.DataFrame, totals: pd.DataFrame, features: pd.DataFrame, uplift: EventUplift, on: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale the forecasts of series ``on`` by the uplift of their periods' events; their totals follow.

    Points, means, interval bounds and quantile columns are multiplied by the factor. A total's mean gains
    the sum of its periods' extra means and its quantiles scale by the same ratio as its mean.
    """
    fc, _ = _joined(forecasts, features)
    f = np.where(fc["unique_id"].isin(on).to_numpy(), uplift.factor(fc), 1.0)
    num = [c for c in forecasts.columns if c in ("point", "mean") or c.startswith(("lo_", "hi_", "q"))]
    out = forecasts.copy()
    old = out["mean"].groupby(out["unique_id"]).sum() if "mean" in out.columns else None
    out[num] = out[num].to_numpy(float) * f[:, None]
    out["event_factor"] = f
    tot = totals.copy()
    if old is not None and len(tot) and "mean" in tot.columns:
        new = out["mean"].groupby(out["unique_id"]).sum()
        ratio = (new / old.where(old > 0)).fillna(1.0)
        r = tot["unique_id"].map(ratio).fillna(1.0).to_numpy(float)
        tq = [c for c in tot.columns if c == "mean" or (c.startswith("q") and c[1:].isdigit())]
        tot[tq] = tot[tq].to_numpy(float) * r[:, None]
    return out, tot


@dataclass
class EventChoice:
    """What :func:`with_events` decided: the per series table and the uplift applied."""

    table: pd.DataFrame
    uplift: EventUplift

    @property
    def on(self) -> pd.Index:
        """Series whose forecasts the events moved."""
        if not len(self.table):
            return pd.Index([])
        return pd.Index(self.table.loc[self.table["events_on"].astype(bool), "unique_id"])

    def summary(self) -> dict:
        """JSON-able: series on / scored, and each event's factor (1 = no effect)."""
        return {
            "series_on": int(len(self.on)),
            "series_scored": int(len(self.table)),
            "factors": {k: round(float(np.exp(v)), 4) for k, v in self.uplift.beta.items()},
        }


def with_events(
    fc: pd.DataFrame,
    totals: pd.DataFrame,
    history: pd.DataFrame,
    points: pd.DataFrame,
    picks: pd.Series,
    classes: pd.Series,
    events: pd.DataFrame,
    markets: pd.Series,
    freq: str,
    seasonal: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, EventChoice]:
    """The forecast's hook: choose and apply the event uplift on the chosen models' backtest points.

    Series re-seasoned with a pooled profile are left out (their season already moves the forecast; an
    uplift learnt on the raw model's misses would count the peak twice).

    Returns:
        (forecasts with ``event_factor``, totals, :class:`EventChoice`).
    """
    chosen = points[(points["model"] == points["unique_id"].map(picks)).to_numpy(bool)]
    if seasonal is not None:
        chosen = chosen[~chosen["unique_id"].map(seasonal).fillna(False).astype(bool).to_numpy()]
    history = history[history["unique_id"].isin(chosen["unique_id"].unique())]
    keys = pd.concat([history[["unique_id", "ds"]], fc[["unique_id", "ds"]]], ignore_index=True)
    feats = event_features(keys, markets, events, freq=freq)
    if not len(chosen):
        empty = EventChoice(
            pd.DataFrame(columns=["unique_id", "events_on"]), EventUplift(pd.Series(dtype=float))
        )
        return fc.assign(event_factor=1.0), totals, empty
    table, uplift = choose_events(history, chosen, feats, classes, freq=freq)
    ev = EventChoice(table, uplift)
    fc, totals = apply_uplift(fc, totals, feats, uplift, ev.on)
    return fc, totals, ev
