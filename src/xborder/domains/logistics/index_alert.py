"""Freight-index alerts: how far an index (SCFI ...) moved over the last weeks, and how far since each linked
lane's rate was set — a lane whose index moved beyond the threshold is stale; its rate scaled by the index is
shown next to it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["pick_index", "index_moves", "followed_index", "lane_index_moves"]


def pick_index(series: pd.DataFrame, wanted: str | None) -> str | None:
    """The series sea lanes follow by default: ``wanted`` if stored, else the only one, else ``SCFI``."""
    names = sorted(series["index_name"].unique()) if len(series) else []
    if wanted:
        return wanted.upper() if wanted.upper() in names else None
    if len(names) == 1:
        return names[0]
    return "SCFI" if "SCFI" in names else None


def _value_on(s: pd.DataFrame, day: pd.Timestamp) -> tuple[pd.Timestamp | None, float]:
    before = s[s["observed_on"] <= day]
    if before.empty:
        return None, np.nan
    last = before.iloc[-1]
    return last["observed_on"], float(last["value"])


def index_moves(
    series: pd.DataFrame, as_of: dt.date, *, window_weeks: int = 4, threshold: float = 0.15
) -> pd.DataFrame:
    """Per index: the newest value on or before ``as_of``, the value ``window_weeks`` earlier (the last
    observation on or before that day), the change and ``alert`` when |change| ≥ ``threshold``."""
    rows = []
    for name, s in series.groupby("index_name"):
        s = s.assign(observed_on=pd.to_datetime(s["observed_on"])).sort_values("observed_on")
        latest_day, latest = _value_on(s, pd.Timestamp(as_of))
        if latest_day is None:
            continue
        base_day, base = _value_on(s, latest_day - pd.Timedelta(weeks=window_weeks))
        change = latest / base - 1 if base_day is not None and base else np.nan
        rows.append({
            "index_name": name, "latest_on": latest_day.date(), "latest_value": latest,
            "base_on": base_day.date() if base_day is not None else None, "base_value": base,
            "window_weeks": window_weeks, "change": change, "threshold": threshold,
            "alert": bool(np.isfinite(change) and abs(change) >= threshold),
        })  # fmt: skip
    return pd.DataFrame(rows)


def followed_index(lanes: pd.DataFrame, default: str | None) -> pd.Series:
    """The index each lane follows: its own ``index_name``, else ``default`` for sea lanes."""
    name = lanes["index_name"].astype(object).copy()
    name[name.isna() & lanes["mode"].isin(["sea_fcl", "sea_lcl"])] = default
    return name


def lane_index_moves(lanes: pd.DataFrame, series: pd.DataFrame, default: str | None, as_of: dt.date,
                     *, threshold: float = 0.15) -> pd.DataFrame:  # fmt: skip
    """Per lane: the index it follows (its own ``index_name``, else ``default`` for sea lanes), the index's
    change from the lane's rate date to ``as_of`` (NaN when the series does not cover that date), the rate
    scaled by it and ``index_alert`` when |change| ≥ ``threshold``."""
    out = pd.DataFrame(
        {"index_name": followed_index(lanes, default), "index_change": np.nan}, index=lanes.index
    )
    valid_from = pd.to_datetime(lanes["valid_from"])
    for idx, s in series.groupby("index_name"):
        s = s.assign(observed_on=pd.to_datetime(s["observed_on"])).sort_values("observed_on")
        _, now = _value_on(s, pd.Timestamp(as_of))
        first = s["observed_on"].iloc[0]
        for i in out.index[out["index_name"] == idx]:
            vf = valid_from[i]
            if pd.isna(vf) or vf < first:
                continue
            _, then = _value_on(s, vf)
            out.at[i, "index_change"] = now / then - 1 if then else np.nan
    out["index_rate"] = pd.to_numeric(lanes["rate"], errors="coerce") * (1 + out["index_change"])
    out["index_alert"] = out["index_change"].abs() >= threshold
    return out
