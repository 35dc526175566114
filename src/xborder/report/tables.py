"""Reading the engines' output tables without hard-wiring their columns: existence checks, column picks."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["table_exists", "table_columns", "read_table", "pick", "filter_pair", "normalise_forecast"]


def table_exists(con: Any, name: str) -> bool:
    """True when ``name`` is a table or view of the warehouse."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


def table_columns(con: Any, name: str) -> list[str]:
    """Column names of ``name`` in order (empty when the table does not exist)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [r[0] for r in rows]


def read_table(
    con: Any, name: str, run_id: str | None = None, *, order: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Rows of ``name`` for ``run_id`` (when it has a run_id column); empty frame when it does not exist."""
    cols = table_columns(con, name)
    if not cols:
        return pd.DataFrame()
    sql = f'SELECT * FROM "{name}"'
    args: list[Any] = []
    if run_id is not None and "run_id" in cols:
        sql += " WHERE run_id = ?"
        args.append(run_id)
    if order and all(c.strip().split()[0].strip('"') in cols for c in order.split(",")):
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, args).df()


def pick(df: pd.DataFrame, *candidates: str) -> str | None:
    """The first of ``candidates`` that is a column of ``df``."""
    for c in candidates:
        if c in df.columns:
            return c
    return None


def filter_pair(df: pd.DataFrame, product_id: str, market: str) -> pd.DataFrame:
    """Rows of ``df`` about one product in one market (by product/market columns or a series id)."""
    if df.empty:
        return df
    pcol = pick(df, "product_id")
    mcol = pick(df, "market", "market_code", "country")
    mask = pd.Series(True, index=df.index)
    if pcol:
        mask &= df[pcol].astype(str) == product_id
    elif "unique_id" in df.columns:
        mask &= df["unique_id"].astype(str) == f"{product_id}|{market}"
        mcol = None
    else:
        return df.iloc[0:0]
    if mcol:
        mask &= df[mcol].astype(str).str.upper() == market.upper()
    return df[mask]


_WIDE_LEVEL = re.compile(r"^(?P<model>.*?)[-_]?(?P<side>lo|hi)[-_](?P<level>\d{2})$")


def normalise_forecast(df: pd.DataFrame) -> pd.DataFrame:
    """One forecast frame in a fixed shape: ``ds, yhat, model`` plus ``lo_<L>``/``hi_<L>`` per level.

    Accepts the long layout (``yhat|forecast|mean|value``, ``lo_80``/``hi_80``), statsforecast's wide
    layout (``AutoETS``, ``AutoETS-lo-95``) and a ``level``/``lo``/``hi`` layout.
    """
    if df.empty or "ds" not in df.columns:
        return pd.DataFrame(columns=["ds", "yhat", "model"])
    out = pd.DataFrame({"ds": pd.to_datetime(df["ds"])})
    point = pick(df, "point", "yhat", "forecast", "mean", "y_hat", "value")
    model = pick(df, "model", "model_name")
    out["model"] = df[model].astype(str).values if model else ""
    if point:
        out["yhat"] = pd.to_numeric(df[point], errors="coerce").values
    if {"level", "lo", "hi"} <= set(df.columns):
        base = out.assign(level=df["level"].values, lo=df["lo"].values, hi=df["hi"].values)
        wide = base.pivot_table(
            index=["ds", "model", "yhat"], columns="level", values=["lo", "hi"]
        ).reset_index()
        wide.columns = [f"{c[0]}_{int(c[1])}" if c[1] != "" else c[0] for c in wide.columns]
        return wide.sort_values("ds").reset_index(drop=True)
    for col in df.columns:
        m = _WIDE_LEVEL.match(str(col))
        if m:
            out[f"{m.group('side')}_{m.group('level')}"] = pd.to_numeric(df[col], errors="coerce").values
            if not point and m.group("model") and m.group("model") in df.columns:
                out["yhat"] = pd.to_numeric(df[m.group("model")], errors="coerce").values
                out["model"] = m.group("model")
    if "yhat" not in out.columns:
        out["yhat"] = float("nan")
    return out.sort_values("ds").reset_index(drop=True)


def levels_of(fc: pd.DataFrame) -> list[int]:
    """Interval levels present in a normalised forecast, widest first."""
    levels = {int(c[3:]) for c in fc.columns if c.startswith("lo_") and f"hi_{c[3:]}" in fc.columns}
    return sorted(levels, reverse=True)


__all__.append("levels_of")
