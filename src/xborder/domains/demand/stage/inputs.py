"""What the demand stage reads: demand events, search interest, product titles, and what the warehouse holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from xborder.domains.demand import order_line_events, sales_events
from xborder.warehouse.tables import latest_run_id, table_exists

__all__ = [
    "load_events",
    "demand_target",
    "read_search_trends",
    "read_product_titles",
    "read_search_keywords",
    "demand_holdings",
    "why_no_demand",
    "read_stockouts",
]

_PRODUCT_LINE = "coalesce(o.is_product AND coalesce(p.is_product, TRUE), TRUE) AND o.product_id IS NOT NULL"
"""An order line that is demand for a product (as :func:`load_events` and order_line_events read it)."""
_ACTUAL_UNITS = "s.source = 'actual' AND coalesce(p.is_product, TRUE) AND s.product_id IS NOT NULL AND s.units IS NOT NULL"
"""A sales row that is demand for a product (as :func:`load_events` and sales_events read it)."""
_REVENUE_ONLY = (
    "s.source = 'actual' AND coalesce(p.is_product, TRUE) AND s.product_id IS NOT NULL "
    "AND s.units IS NULL AND s.revenue IS NOT NULL"
)
"""A product's sales row with revenue but no units: demand in revenue when no row has units."""


def load_events(con: Any, markets: Sequence[str] | None = None) -> pd.DataFrame:
    """Signed demand events from ``order_lines`` (+ ``sales`` of source 'actual'), with product categories.

    Demand is counted in units. Only when no order line or sales row in ``markets`` has units are
    the sales rows with revenue but no units read instead (e.g. weekly store x department sales):
    ``qty`` is then revenue in one currency (the one with most rows; rows in others are left out,
    revenue is not converted). :func:`demand_target` says which was chosen.
    """
    ol = con.execute(
        "SELECT o.product_id, o.country, o.ordered_at, o.quantity, o.status, "
        "o.is_product AND coalesce(p.is_product, TRUE) AS is_product, p.category "
        "FROM order_lines o LEFT JOIN products p USING (product_id)"
    ).df()
    parts = [order_line_events(ol)] if len(ol) else []
    sales = con.execute(
        "SELECT s.product_id, s.country, s.period_start, s.units, p.category FROM sales s "
        "LEFT JOIN products p USING (product_id) WHERE s.source = 'actual' AND coalesce(p.is_product, TRUE)"
    ).df()
    if len(sales):
        ev = sales_events(sales)
        ev["category"] = sales.loc[ev.index, "category"].to_numpy()
        parts.append(ev)
    ev = pd.concat(parts, ignore_index=True) if parts else _no_events()
    if markets:
        ev = ev[ev["country"].isin([m.upper() for m in markets])]
    if ev.empty:
        return _revenue_events(con, markets)
    ev.attrs["target"] = {"measure": "units", "left_out_revenue_only": _count_revenue_only(con, markets)}
    return ev


def _no_events() -> pd.DataFrame:
    return pd.DataFrame(columns=["product_id", "country", "ts", "qty", "category"])


def _in_markets(markets: Sequence[str] | None) -> tuple[str, list[Any]]:
    if not markets:
        return "", []
    return " AND s.country IN (SELECT unnest(?))", [[m.upper() for m in markets]]


def _count_revenue_only(con: Any, markets: Sequence[str] | None) -> int:
    where, params = _in_markets(markets)
    ((n,),) = con.execute(
        f"SELECT count(*) FROM sales s LEFT JOIN products p USING (product_id) WHERE {_REVENUE_ONLY}{where}",
        params,
    ).fetchall()
    return int(n)


def _revenue_events(con: Any, markets: Sequence[str] | None) -> pd.DataFrame:
    """Revenue-only sales rows as demand events in their main currency (empty frame when there are none)."""
    where, params = _in_markets(markets)
    sales = con.execute(
        "SELECT s.product_id, s.country, s.period_start, s.revenue AS units, s.currency, p.category "
        f"FROM sales s LEFT JOIN products p USING (product_id) WHERE {_REVENUE_ONLY}{where}",
        params,
    ).df()
    if sales.empty:
        return _no_events()
    currencies = sales["currency"].fillna("unknown").value_counts()
    currency = str(currencies.index[0])
    kept = sales[sales["currency"].fillna("unknown") == currency]
    ev = sales_events(kept)
    ev["category"] = kept.loc[ev.index, "category"].to_numpy()
    ev = ev.reset_index(drop=True)
    ev.attrs["target"] = {
        "measure": "revenue",
        "currency": currency,
        "rows": int(len(kept)),
        "left_out_other_currencies": int(len(sales) - len(kept)),
    }
    return ev


def demand_target(events: pd.DataFrame) -> dict[str, Any]:
    """What :func:`load_events` counted as demand: ``measure`` units or revenue (with ``currency``, rows used and
    rows left out in other currencies), or, for units, ``left_out_revenue_only`` (revenue-only rows not used)."""
    return dict(events.attrs.get("target") or {"measure": "units", "left_out_revenue_only": 0})


def read_search_trends(
    con: Any, markets: Sequence[str] | None, freqs: Sequence[str] | None = None
) -> pd.DataFrame:
    """search_trends rows of ``markets`` (and worldwide ``WW``), optionally only the given freqs."""
    st = con.execute("SELECT keyword, market_code, ds, value, freq FROM search_trends").df()
    if markets:
        st = st[st["market_code"].isin([*(m.upper() for m in markets), "WW"])]
    if freqs is not None:
        st = st[st["freq"].isin(list(freqs))]
    return st


def read_product_titles(con: Any, product_ids: list[str]) -> pd.DataFrame:
    """product_id, title of the given products."""
    return con.execute(
        "SELECT product_id, title FROM products WHERE product_id IN (SELECT unnest(?))", [product_ids]
    ).df()


def read_search_keywords(con: Any, limit: int = 6) -> list[str]:
    """``keyword (market, freq)`` of the first ``limit`` search series in the warehouse (empty: none)."""
    rows = con.execute(
        "SELECT DISTINCT keyword || ' (' || market_code || ', ' || coalesce(freq, '?') || ')' "
        f"FROM search_trends ORDER BY 1 LIMIT {int(limit)}"
    ).fetchall()
    return [str(r[0]) for r in rows]


def demand_holdings(con: Any, markets: Sequence[str] | None = None) -> dict[str, Any]:
    """Counts of what the warehouse holds that could be demand, for saying why there is none.

    Returns:
        order_lines, product_lines (lines that count as demand), sales, actual_units (actual sales rows
        with units), revenue_only (a product's actual rows with revenue but no units: demand in revenue
        when nothing has units), estimated (sales of another
        source), in_markets (demand rows in ``markets``; None without markets) and top_markets (the
        markets with most demand rows).
    """
    ol = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {_PRODUCT_LINE}) "
        "FROM order_lines o LEFT JOIN products p USING (product_id)"
    ).fetchone()
    sa = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {_ACTUAL_UNITS}), "
        f"count(*) FILTER (WHERE {_REVENUE_ONLY}), "
        "count(*) FILTER (WHERE s.source <> 'actual') "
        "FROM sales s LEFT JOIN products p USING (product_id)"
    ).fetchone()
    by_market = con.execute(
        f"SELECT country, count(*) AS n FROM (SELECT o.country FROM order_lines o "
        f"LEFT JOIN products p USING (product_id) WHERE {_PRODUCT_LINE} UNION ALL SELECT s.country "
        f"FROM sales s LEFT JOIN products p USING (product_id) WHERE {_ACTUAL_UNITS} OR ({_REVENUE_ONLY})) "
        "WHERE country IS NOT NULL GROUP BY country ORDER BY n DESC, country"
    ).fetchall()
    wanted = {m.upper() for m in markets} if markets else None
    return {
        "order_lines": int(ol[0]),
        "product_lines": int(ol[1]),
        "sales": int(sa[0]),
        "actual_units": int(sa[1]),
        "revenue_only": int(sa[2]),
        "estimated": int(sa[3]),
        "in_markets": None if wanted is None else sum(int(n) for c, n in by_market if c in wanted),
        "top_markets": [str(c) for c, _ in by_market[:8]],
    }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def why_no_demand(h: dict[str, Any], markets: Sequence[str] | None = None) -> tuple[str, str]:
    """(what the warehouse holds, what would give demand to analyse) from :func:`demand_holdings`."""
    if not h["order_lines"] and not h["sales"]:
        return (
            "the warehouse has no order lines and no sales",
            "Ingest order history first: xborder ingest <file> (orders, or a sales export with units or revenue: --as sales).",
        )
    held = []
    if not h["order_lines"]:
        held.append("no order lines")
    elif h["product_lines"]:
        held.append(_count(h["product_lines"], "order line") + " for products")
    else:
        held.append(
            _count(h["order_lines"], "order line") + ", none for a product (postage, fees or no product id)"
        )
    if not h["sales"]:
        held.append("no sales rows")
    else:
        if h["actual_units"]:
            held.append(_count(h["actual_units"], "actual sales row") + " with units")
        if h["revenue_only"]:
            held.append(_count(h["revenue_only"], "sales row") + " with revenue but no units")
        if h["estimated"]:
            held.append(_count(h["estimated"], "estimated sales row") + " (not the seller's demand)")
        rest = h["sales"] - h["actual_units"] - h["revenue_only"] - h["estimated"]
        if rest:
            held.append(_count(rest, "sales row") + " with no product or with neither units nor revenue")
    reason = "the warehouse holds " + ", ".join(held[:-1]) + (" and " if len(held) > 1 else "") + held[-1]
    if markets and h["in_markets"] == 0 and (h["product_lines"] or h["actual_units"] or h["revenue_only"]):
        reason += f", none of it in {', '.join(m.upper() for m in markets)}"
        hint = "Run without --markets, or with markets that have demand: " + ", ".join(h["top_markets"]) + "."
    elif h["estimated"] and not h["sales"] - h["estimated"]:
        hint = "Estimated sales are not used as demand: ingest the seller's own orders or sales (xborder ingest <file>)."
    elif h["order_lines"] and not h["product_lines"] and not h["sales"]:
        hint = "Map the export's product id column (xborder ingest <file> --mapping <mapping.toml>)."
    else:
        hint = (
            "A sales row is demand with a product id and units (or revenue, forecast in revenue when no row has "
            "units): map those columns (xborder ingest <file> --as sales --mapping <mapping.toml>), or ingest "
            "order lines with product ids."
        )
    return reason, hint


def read_stockouts(con: Any, run_id: str, markets: Sequence[str] | None = None) -> pd.DataFrame:
    """Market-wide stock-out periods (``inventory_stockouts`` rows of location ``*``) of this run, else of
    the latest run that wrote any: product_id (the SKU when the product is not known), market, first_day,
    last_day. Empty when no stockouts stage has run."""
    cols = ["product_id", "market", "first_day", "last_day"]
    if not table_exists(con, "inventory_stockouts"):
        return pd.DataFrame(columns=cols)
    here = con.execute("SELECT 1 FROM inventory_stockouts WHERE run_id = ? LIMIT 1", [run_id]).fetchone()
    use = run_id if here else latest_run_id(con, "inventory_stockouts")
    if use is None:
        return pd.DataFrame(columns=cols)
    df = con.execute(
        "SELECT coalesce(product_id, sku) AS product_id, upper(market) AS market, first_day, last_day "
        "FROM inventory_stockouts WHERE run_id = ? AND location = '*'",
        [use],
    ).df()
    if markets:
        df = df[df["market"].isin([m.upper() for m in markets])]
    return df.reset_index(drop=True)
