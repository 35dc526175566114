"""FX hedges the seller holds (forward contracts): their validation and the cover of the net exposure per currency.

A hedge **sells** a currency forward (it covers a long position: payouts to come in that currency) or **buys** it
forward (it covers a short one: supplier payments owed in it). Its signed amount in the exposure's convention is
``+amount`` for a sale and ``-amount`` for a purchase, so that

    hedged = sum(sell) - sum(buy)          (open hedges: traded on or before the day, maturing on or after it)
    net_unhedged = net - hedged
    hedge_cover = hedged / net             (1 = fully covered, > 1 over-hedged, < 0 the hedge adds to the risk)

per currency, with ``net`` the exposure's ``receivables + stock - payables`` (``exposure.py``). A currency with no
open hedge has a cover of 0; a currency with no net exposure has none (NaN).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = ["HEDGE_COLUMNS", "DIRECTIONS", "hedge_rows", "read_hedge_file", "open_hedges", "hedge_cover"]

HEDGE_COLUMNS = ("currency", "direction", "amount", "maturity", "forward_rate", "trade_date", "counterparty",
                 "reference")  # fmt: skip
"""Columns of a hedge file (the first four required), in the order the table stores them."""
DIRECTIONS = {"sell": "sell", "buy": "buy", "s": "sell", "b": "buy", "卖出": "sell", "买入": "buy"}
_ALIASES = {"ccy": "currency", "币种": "currency", "side": "direction", "方向": "direction", "notional": "amount",
            "金额": "amount", "maturity_date": "maturity", "value_date": "maturity", "到期日": "maturity",
            "rate": "forward_rate", "远期汇率": "forward_rate", "交易日": "trade_date", "银行": "counterparty"}  # fmt: skip


def _bad(source: str, row: int, column: str, value: object, what: str, hint: str) -> BadInputError:
    return BadInputError(f"{source}, row {row}, column {column}: {value!r} {what}.", hint=hint)


def _date(source: str, row: int, column: str, value: object, required: bool) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        if required:
            raise _bad(source, row, column, "", "is empty", "Give the day as YYYY-MM-DD, e.g. 2027-03-31.")
        return None
    try:
        return pd.Timestamp(str(value).strip()).date()
    except ValueError:
        raise _bad(
            source, row, column, value, "is not a date", "Write it as YYYY-MM-DD, e.g. 2027-03-31."
        ) from None


def hedge_rows(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validated hedge rows (``HEDGE_COLUMNS`` + ``hedge_id``, ``source``) from raw ones.

    Args:
        rows: One row per hedge; columns named as ``HEDGE_COLUMNS`` (or their usual aliases, any case).
        source: The file or command the rows come from (named in messages and stored).

    Raises:
        BadInputError: A required column is missing, or a row has an empty or unreadable value (the message
            names the source, the row counted from 1 and the column).
    """
    df = rows.rename(columns=lambda c: _ALIASES.get(str(c).strip().lower(), str(c).strip().lower()))
    missing = [c for c in HEDGE_COLUMNS[:4] if c not in df.columns]
    if missing:
        raise BadInputError(f"{source}: no column {', '.join(missing)}.",
                            hint=f"A hedge file has the columns {', '.join(HEDGE_COLUMNS)} (the first four required).")  # fmt: skip
    out = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        ccy = str(r.get("currency") or "").strip().upper()
        if len(ccy) != 3 or not ccy.isalpha():
            raise _bad(
                source,
                i,
                "currency",
                r.get("currency"),
                "is not a currency code",
                "Use ISO 4217: USD, EUR, JPY.",
            )
        side = DIRECTIONS.get(str(r.get("direction") or "").strip().lower())
        if side is None:
            raise _bad(source, i, "direction", r.get("direction"), "is not sell or buy",
                       "sell: you sell the currency forward (payouts to come); buy: you buy it (supplier payments).")  # fmt: skip
        amount = pd.to_numeric(str(r.get("amount")).replace(",", ""), errors="coerce")
        if pd.isna(amount) or float(amount) <= 0:
            raise _bad(source, i, "amount", r.get("amount"), "is not a positive amount",
                       "Give the contract's amount in the hedged currency, e.g. 50000.")  # fmt: skip
        rate = r.get("forward_rate")
        rate_v = pd.to_numeric(str(rate).replace(",", ""), errors="coerce") if rate is not None else np.nan
        if (
            rate is not None
            and str(rate).strip() not in ("", "nan")
            and (pd.isna(rate_v) or float(rate_v) <= 0)
        ):
            raise _bad(
                source, i, "forward_rate", rate, "is not a positive rate", "Leave it empty or give e.g. 7.05."
            )
        row = {"currency": ccy, "direction": side, "amount": float(amount),
               "maturity": _date(source, i, "maturity", r.get("maturity"), True),
               "forward_rate": None if pd.isna(rate_v) else float(rate_v),
               "trade_date": _date(source, i, "trade_date", r.get("trade_date"), False),
               "counterparty": _text(r.get("counterparty")), "reference": _text(r.get("reference"))}  # fmt: skip
        key = "|".join(str(row[c]) for c in HEDGE_COLUMNS)
        row["hedge_id"] = hashlib.md5(key.encode()).hexdigest()[:16]
        row["source"] = source
        out.append(row)
    return pd.DataFrame(out, columns=["hedge_id", *HEDGE_COLUMNS, "source"])


def _text(value: object) -> str | None:
    return None if value is None or str(value).strip() in ("", "nan") else str(value).strip()


def read_hedge_file(path: Path) -> pd.DataFrame:
    """The validated hedges of a CSV or XLSX file (see :func:`hedge_rows`)."""
    if not path.exists():
        raise BadInputError(f"{path}: no such file.", hint="Give the path of a CSV or XLSX file of hedges.")
    if path.suffix.lower() in (".xlsx", ".xls"):
        raw = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return hedge_rows(raw, path.name)


def open_hedges(hedges: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The hedges open on ``as_of``: traded on or before it (or no trade date) and maturing on or after it."""
    if hedges.empty:
        return hedges
    day = pd.Timestamp(as_of)
    mat = pd.to_datetime(hedges["maturity"])
    trade = pd.to_datetime(hedges["trade_date"])
    return hedges[(mat >= day) & (trade.isna() | (trade <= day))]


def hedge_cover(net: pd.Series, hedges: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per currency of ``net`` (net exposure, indexed by currency) and of the open hedges: ``hedged``,
    ``net_unhedged`` and ``hedge_cover`` (module docstring)."""
    live = open_hedges(hedges, as_of)
    signed = (
        (live["amount"].astype(float) * np.where(live["direction"] == "sell", 1.0, -1.0))
        .groupby(live["currency"])
        .sum()
        if len(live)
        else pd.Series(dtype=float)
    )
    idx = list(dict.fromkeys([*map(str, net.index), *map(str, signed.index)]))
    n = net.reindex(idx).fillna(0.0).astype(float)
    h = signed.reindex(idx).fillna(0.0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(n.abs() > 1e-9, h / n.where(n.abs() > 1e-9, 1.0), np.nan)
    return pd.DataFrame({"currency": idx, "hedged": h.to_numpy(), "net_unhedged": (n - h).to_numpy(),
                         "hedge_cover": cover})  # fmt: skip
