"""Demand series from order lines or period sales: product x market, category x market, totals; weekly or monthly.

Net demand = units sold - units cancelled - units returned, non-product lines (postage, fees,
manual adjustments) excluded. A series runs from its first sale to the end of the data and is
zero-filled in between (a product that sold once is treated as listed from then on), so
intermittent demand shows as zeros rather than missing periods. Series ids follow CONTRIBUTING.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = [
    "LEVELS",
    "FREQS",
    "freq_alias",
    "season_length",
    "order_line_events",
    "sales_events",
    "build_series",
    "split_unique_id",
]

LEVELS = ("product_market", "category_market", "market_total", "product_total")
"""Aggregation levels; the unique_id of each is documented in CONTRIBUTING.md."""

FREQS = {"W": "W-MON", "M": "MS", "D": "D"}
"""User frequency -> pandas/statsforecast alias (weeks start on Monday, months on the 1st)."""

_SEASON = {"W": 52, "M": 12, "D": 7}
_SIGN = {"sold": 1.0, "cancelled": -1.0, "returned": -1.0}


def freq_alias(freq: str) -> str:
    """The pandas alias of ``freq`` (W, M or D); raises BadInputError for anything else."""
    if freq not in FREQS:
        raise BadInputError(f"Unknown frequency {freq!r}.", hint="Use W (weekly), M (monthly) or D (daily).")
    return FREQS[freq]


def season_length(freq: str) -> int:
    """Periods in one seasonal cycle: 52 weeks, 12 months, 7 days."""
    freq_alias(freq)
    return _SEASON[freq]


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise BadInputError(
            f"{what} lacks column(s) {', '.join(missing)}.",
            hint=f"It needs {', '.join(cols)} (see docs/data-model.md).",
        )


def order_line_events(order_lines: pd.DataFrame) -> pd.DataFrame:
    """Canonical order_lines -> signed demand events (product_id, country, ts, qty, [category]).

    Non-product lines and lines without a product are dropped; cancelled and returned units
    count negative. Unknown statuses are an error (they would silently change demand).
    """
    _require(order_lines, ["product_id", "country", "ordered_at", "quantity", "status"], "order_lines")
    df = order_lines
    if "is_product" in df.columns:
        df = df[df["is_product"].fillna(True).astype(bool)]
    df = df[df["product_id"].notna()]
    status = df["status"].astype(str).str.lower()
    bad = sorted(set(status.unique()) - set(_SIGN))
    if bad:
        raise BadInputError(
            f"order_lines.status has unknown value(s) {bad[:5]}.", hint="Allowed: sold, cancelled, returned."
        )
    out = pd.DataFrame(
        {
            "product_id": df["product_id"].astype(str),
            "country": df["country"],
            "ts": pd.to_datetime(df["ordered_at"]),
            "qty": df["quantity"].astype("float64").abs() * status.map(_SIGN).to_numpy(),
        }
    )
    if "category" in df.columns:
        out["category"] = df["category"]
    return out


def sales_events(sales: pd.DataFrame) -> pd.DataFrame:
    """The canonical ``sales`` table (period aggregates) -> demand events at each period's start."""
    _require(sales, ["product_id", "country", "period_start", "units"], "sales")
    df = sales[sales["product_id"].notna() & sales["units"].notna()]
    return pd.DataFrame(
        {
            "product_id": df["product_id"].astype(str),
            "country": df["country"],
            "ts": pd.to_datetime(df["period_start"]),
            "qty": df["units"].astype("float64"),
        }
    )


def _period_start(ts: pd.Series, freq: str) -> pd.Series:
    if freq == "W":
        d = ts.dt.normalize()
        return d - pd.to_timedelta(d.dt.dayofweek, unit="D")
    if freq == "M":
        return ts.dt.to_period("M").dt.start_time
    return ts.dt.normalize()


def _series_key(ev: pd.DataFrame, level: str) -> pd.Series:
    if level == "product_market":
        return ev["product_id"] + "|" + ev["country"].astype(str)
    if level == "category_market":
        return "cat:" + ev["category"].fillna("other").astype(str) + "|" + ev["country"].astype(str)
    if level == "market_total":
        return "total|" + ev["country"].astype(str)
    if level == "product_total":
        return ev["product_id"] + "|ALL"
    raise BadInputError(f"Unknown level {level!r}.", hint=f"Use one of: {', '.join(LEVELS)}.")


def build_series(
    events: pd.DataFrame,
    *,
    level: str = "product_market",
    freq: str = "W",
    products: pd.DataFrame | None = None,
    end: str | pd.Timestamp | None = None,
    complete_periods_only: bool = True,
    min_total: float = 0.0,
) -> pd.DataFrame:
    """Aggregate demand into long ``unique_id, ds, y`` series at one level and frequency.

    Args:
        events: canonical ``order_lines`` rows or the output of :func:`order_line_events` /
            :func:`sales_events` (concatenated when both exist).
        level: one of :data:`LEVELS`.
        freq: ``W`` (weeks starting Monday), ``M`` (calendar months) or ``D``.
        products: ``product_id, category`` used for the category level when events carry no category.
        end: last timestamp to use (data after it are ignored; backtests cut here). Default: the data's end.
        complete_periods_only: drop the last period when the data stop before it ends.
        min_total: drop series whose total net demand is <= this.

    Returns:
        Frame sorted by unique_id, ds with ``y`` >= 0 (periods where returns exceed sales are 0).
    """
    if level not in LEVELS:
        raise BadInputError(f"Unknown level {level!r}.", hint=f"Use one of: {', '.join(LEVELS)}.")
    freq_alias(freq)
    ev = events if {"ts", "qty"} <= set(events.columns) else order_line_events(events)
    if end is not None:
        ev = ev[ev["ts"] <= pd.Timestamp(end)]
    if level != "product_total":
        ev = ev[ev["country"].notna()]
    if level == "category_market" and "category" not in ev.columns:
        if products is None or "category" not in products.columns:
            raise BadInputError(
                "The category level needs product categories.",
                hint="Pass products (product_id, category), or ingest a product catalogue first.",
            )
        ev = ev.merge(
            products[["product_id", "category"]].drop_duplicates("product_id"), on="product_id", how="left"
        )
    if ev.empty:
        return _empty()
    ev = ev.assign(unique_id=_series_key(ev, level), ds=_period_start(ev["ts"], freq))
    agg = ev.groupby(["unique_id", "ds"], as_index=False, sort=True)["qty"].sum()
    last_ts = pd.Timestamp(end) if end is not None else ev["ts"].max()
    last = _period_start(pd.Series([last_ts]), freq).iloc[0]
    if complete_periods_only:
        next_start = last + pd.tseries.frequencies.to_offset(FREQS[freq])
        if last_ts.normalize() + pd.Timedelta(days=1) < next_start:
            last = last - pd.tseries.frequencies.to_offset(FREQS[freq])
    agg = agg[agg["ds"] <= last]
    first_sale = agg[agg["qty"] > 0].groupby("unique_id")["ds"].min()
    agg = agg[agg["unique_id"].isin(first_sale.index)]
    if agg.empty:
        return _empty()
    return _zero_fill(agg, first_sale, last, freq, min_total)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": pd.Series(dtype=str),
            "ds": pd.Series(dtype="datetime64[ns]"),
            "y": pd.Series(dtype="float64"),
        }
    )


def _zero_fill(
    agg: pd.DataFrame, first: pd.Series, last: pd.Timestamp, freq: str, min_total: float
) -> pd.DataFrame:
    grid = pd.date_range(first.min(), last, freq=FREQS[freq])
    pos = {d: i for i, d in enumerate(grid)}
    uids = first.index.to_numpy()
    starts = np.array([pos[d] for d in first.to_numpy()])
    lengths = len(grid) - starts
    uid_rep = np.repeat(uids, lengths)
    idx = np.concatenate([np.arange(s, len(grid)) for s in starts]) if len(starts) else np.array([], int)
    full = pd.DataFrame({"unique_id": uid_rep, "ds": grid[idx]})
    out = full.merge(agg, on=["unique_id", "ds"], how="left")
    out["y"] = out["qty"].fillna(0.0).clip(lower=0.0)
    out = out.drop(columns="qty")
    if min_total > 0:
        tot = out.groupby("unique_id")["y"].transform("sum")
        out = out[tot > min_total]
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def split_unique_id(unique_id: pd.Series) -> pd.DataFrame:
    """unique_id -> (entity, market): ``uci:85123A|GB`` -> (``uci:85123A``, ``GB``); ``|ALL`` -> market ALL."""
    parts = unique_id.astype(str).str.rsplit("|", n=1, expand=True)
    if parts.shape[1] == 1:
        parts[1] = None
    return pd.DataFrame({"entity": parts[0], "market": parts[1]}, index=unique_id.index)
