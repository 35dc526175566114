"""The dated money rules as one history: duty, VAT/GST, low-value and platform-fee rows with a family, market and key.

Each rule table of ``xborder.reference`` is read with its ``valid_from``/``valid_to``; a row's *key* names what it
governs (a market's VAT, a heading's duty, a fee band ...), so a later row with the same key is a change of
that rule. :func:`change_rates` counts the changes per market and family per year; :mod:`alerts` looks ahead.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from xborder.reference.base import load_table

__all__ = ["FAMILIES", "rule_history", "change_events", "change_rates", "market_scope"]

# table -> (family, key columns, the rate column that changes)
FAMILIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "duties/rates": ("duty", ("market", "hs_prefix"), "rate"),
    "duties/additional": ("duty", ("market", "name"), "rate"),
    "duties/market_average": ("duty", ("market",), "rate"),
    "duties/customs_fees": ("duty", ("market", "name"), "min_amount"),
    "tax/vat_rates": ("vat", ("market",), "rate"),
    "low_value/rules": ("low_value", ("market", "kind", "origins"), "max_value"),
    "fees/platforms": ("platform_fee", ("platform", "market"), "commission_rate"),
    "fees/amazon_referral": ("platform_fee", ("fee_table", "fee_category", "price_from"), "rate"),
    "fees/amazon_fba": ("platform_fee", ("fee_table", "size_tier", "weight_from"), "fee"),
}


def rule_history(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """All money rules: table, family, market, key, rule_id, rate, valid_from, valid_to, source, confidence.

    Args:
        tables: Rule tables by name (``duties/rates`` ...); default: the bundled rule base.
    """
    parts = []
    for name, (family, keys, rate_col) in FAMILIES.items():
        if tables is not None and name not in tables:
            continue
        df = tables[name] if tables is not None else load_table(name)
        market = df["market"] if "market" in df else df["fee_table"].str.split(".").str[-1]
        parts.append(
            pd.DataFrame(
                {
                    "table": name,
                    "family": family,
                    "market": market.astype(str).str.upper(),
                    "key": df[list(keys)].astype(str).agg("|".join, axis=1),
                    "rule_id": df["rule_id"],
                    "rate": pd.to_numeric(df[rate_col].replace("", None), errors="coerce"),
                    "valid_from": df["valid_from"],
                    "valid_to": df["valid_to"],
                    "source": df["source"],
                    "confidence": df["confidence"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def change_events(history: pd.DataFrame) -> pd.DataFrame:
    """Dated changes: a row that follows an earlier row of the same key starts one on its ``valid_from``; a row
    that ends without a successor ends one the day after its ``valid_to``. One row per family x market x date."""
    h = history.dropna(subset=["valid_from"]).sort_values(["table", "key", "valid_from"])
    first = ~h.duplicated(["table", "key"], keep="first")
    starts = h.loc[~first, ["family", "market", "valid_from"]].rename(columns={"valid_from": "date"})
    nxt = h.groupby(["table", "key"])["valid_from"].shift(-1)
    ended = h["valid_to"].notna() & nxt.isna()
    ends = h.loc[ended, ["family", "market"]].assign(
        date=[d + dt.timedelta(days=1) for d in h.loc[ended, "valid_to"]]
    )
    ev = pd.concat([starts, ends], ignore_index=True)
    return ev.drop_duplicates().sort_values(["family", "market", "date"]).reset_index(drop=True)


def change_rates(history: pd.DataFrame, as_of: dt.date, years: float) -> pd.DataFrame:
    """Changes per year per family x market over the ``years`` before ``as_of``, and the chance of at least one
    change in the next twelve months (Poisson: ``1 - exp(-rate)``).

    The window starts at the later of ``as_of - years`` and the market's first recorded rule of the family
    (the rule base holds history only as far back as it was researched, so rates are lower bounds); it is at
    least one year.
    """
    ev = change_events(history)
    start = as_of - dt.timedelta(days=round(365.25 * years))
    first = history.dropna(subset=["valid_from"]).groupby(["family", "market"])["valid_from"].min()
    rows = []
    for key, day0 in first.items():
        family, market = str(key[0]), str(key[1])  # type: ignore[index]
        begin = max(start, day0)
        span = max((as_of - begin).days / 365.25, 1.0)
        sel = ev[(ev["family"] == family) & (ev["market"] == market)]
        n = int(((sel["date"] > begin) & (sel["date"] <= as_of)).sum())
        rate = n / span
        rows.append(
            {"family": family, "market": market, "changes": n, "years": span, "rate_per_year": rate,
             "p_change_12m": 1.0 - math.exp(-rate)}
        )  # fmt: skip
    return pd.DataFrame(rows)


def market_scope(markets: pd.DataFrame) -> dict[str, set[str]]:
    """Rule-base market codes that govern each sales market: itself, its duty table and its fee table's market.

    Args:
        markets: ``reference/markets`` rows (market_code, duty_table, fee_table).
    """
    out: dict[str, set[str]] = {}
    for r in markets.itertuples():
        scope = out.setdefault(str(r.market_code), {str(r.market_code)})
        if r.duty_table:
            scope.add(str(r.duty_table))
        if r.fee_table:
            scope.add(str(r.fee_table).split(".")[-1])
    return out
