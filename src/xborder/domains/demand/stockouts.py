"""Leave stock-out days out of the demand history: what sold while a product had no stock is not its demand.

The inventory domain's ``stockouts`` stage writes the days a SKU had no sellable unit anywhere in a
marketplace (``inventory_stockouts`` rows with location ``*``). Sales on those days were capped by stock,
so a forecaster fitted on them learns too little demand. Per product x market series and period:

- no stock-out day: the period stays as it is;
- some days out, but fewer than half: the period's demand is what sold on its in-stock days, scaled to
  the whole period (``y * days / in-stock days``);
- half of the days or more out: the period says little, so its demand is the series' daily demand over
  its nearest in-stock periods (up to :data:`NEIGHBOURS` before it, else after it) times the period's
  days, and never less than what sold.

Only ``product_market`` series (``<product_id>|<market>``) are adjusted; other levels sum the adjusted
product series' changes only when the stage passes them (not done: see docs/demand.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["NEIGHBOURS", "stockout_days_per_period", "exclude_stockouts"]

NEIGHBOURS = 3
"""In-stock periods whose daily demand stands in for a period mostly out of stock."""
_MOSTLY_OUT = 0.5
"""Share of a period's days out of stock from which its own sales no longer say its demand."""


def _period_start(days: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    f = freq.upper()[:1]
    if f == "W":
        return days - pd.to_timedelta(days.dayofweek, unit="D")
    if f == "M":
        return days.to_period("M").to_timestamp()
    return days


def _period_days(starts: pd.Series, freq: str) -> np.ndarray:
    f = freq.upper()[:1]
    if f == "W":
        return np.full(len(starts), 7)
    if f == "M":
        return pd.DatetimeIndex(starts).days_in_month.to_numpy()
    return np.ones(len(starts), dtype=int)


def stockout_days_per_period(stockouts: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Days out of stock per product x market series and period.

    Args:
        stockouts: market-wide stock-out periods: product_id, market, first_day, last_day (calendar days,
            both included; overlapping periods of several report sources are counted once).
        freq: W, M or D (the series' frequency).

    Returns:
        unique_id (``<product_id>|<market>``), ds (period start), out_days.
    """
    cols = ["unique_id", "ds", "out_days"]
    s = stockouts.dropna(subset=["product_id", "first_day", "last_day"])
    if s.empty:
        return pd.DataFrame(columns=cols)
    ids = s["product_id"].astype(str) + "|" + s["market"].astype(str).str.upper()
    rows = [
        pd.DataFrame({"unique_id": uid, "day": pd.date_range(first, last, freq="D")})
        for uid, first, last in zip(
            ids, pd.to_datetime(s["first_day"]), pd.to_datetime(s["last_day"]), strict=True
        )
    ]
    d = pd.concat(rows, ignore_index=True).drop_duplicates()
    d["ds"] = _period_start(pd.DatetimeIndex(d["day"]), freq)
    return d.groupby(["unique_id", "ds"], as_index=False).size().rename(columns={"size": "out_days"})[cols]


def exclude_stockouts(
    series: pd.DataFrame, stockouts: pd.DataFrame, *, freq: str
) -> tuple[pd.DataFrame, dict]:
    """Demand history with the stock-out days left out (see the module docstring).

    Args:
        series: long unique_id, ds, y (:func:`~xborder.domains.demand.series.build_series`, product_market).
        stockouts: market-wide stock-out periods (product_id, market, first_day, last_day).
        freq: the series' frequency.

    Returns:
        The adjusted series (same rows, ``y`` changed where stock-outs fell) and a summary: series and
        periods adjusted, periods mostly out of stock, units before and after.
    """
    out = series.copy()
    summary = {"series": 0, "periods": 0, "periods_mostly_out": 0, "units_before": 0.0, "units_after": 0.0}
    per = stockout_days_per_period(stockouts, freq)
    if per.empty or out.empty:
        return out, summary
    out["ds"] = pd.to_datetime(out["ds"])
    out = out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    out = out.merge(per, on=["unique_id", "ds"], how="left")
    hit = out["out_days"].notna()
    if not hit.any():
        return out.drop(columns="out_days"), summary
    days = _period_days(out["ds"], freq).astype(float)
    out_days = np.minimum(out["out_days"].fillna(0).to_numpy(float), days)
    in_days = days - out_days
    y = out["y"].to_numpy(float)
    mostly = out_days >= _MOSTLY_OUT * days
    new = y.copy()
    part = hit.to_numpy() & ~mostly
    new[part] = y[part] * days[part] / in_days[part]
    stand_in = _stand_in(out["unique_id"].to_numpy(), np.where(out_days == 0, y / days, np.nan), mostly)
    full = mostly & np.isfinite(stand_in)
    new[full] = np.maximum(y[full], stand_in[full] * days[full])
    out["y"] = new
    changed = hit.to_numpy() & (part | full)
    summary = {
        "series": int(out.loc[changed, "unique_id"].nunique()),
        "periods": int(changed.sum()),
        "periods_mostly_out": int(full.sum()),
        "units_before": round(float(y[changed].sum()), 3),
        "units_after": round(float(new[changed].sum()), 3),
    }
    return out.drop(columns="out_days"), summary


def _stand_in(uid: np.ndarray, rate: np.ndarray, mostly: np.ndarray) -> np.ndarray:
    """Per row mostly out of stock, the mean daily demand of the :data:`NEIGHBOURS` nearest in-stock
    periods of its series before it (after it when there are none before); NaN elsewhere.

    Rows are sorted by series and period; ``rate`` is NaN in periods with any day out of stock.
    """
    out = np.full(len(rate), np.nan)
    starts = np.r_[0, np.flatnonzero(uid[1:] != uid[:-1]) + 1, len(uid)]
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        todo = np.flatnonzero(mostly[a:b])
        if not len(todo):
            continue
        r = rate[a:b]
        ok = np.flatnonzero(np.isfinite(r))
        for i in todo:
            prev, nxt = ok[ok < i][-NEIGHBOURS:], ok[ok > i][:NEIGHBOURS]
            use = prev if len(prev) else nxt
            if len(use):
                out[a + i] = r[use].mean()
    return out
