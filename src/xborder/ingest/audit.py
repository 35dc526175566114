"""A last check before commit: every value a file's load stored passes the plausibility rules.

Validation quarantines implausible input values row by row; a few values are made by the layout
writers themselves (a Keepa snapshot's time from its footer or file name, the dates of wide weekly/daily
sales columns, cells of wide files). If one of those breaks a rule the file is refused (the batch rolls
back) with a message naming the table, column, value and what to do — nothing implausible is stored.
"""

from __future__ import annotations

import duckdb

from xborder.core.errors import BadInputError
from xborder.ingest.limits import IngestLimits
from xborder.ingest.plausibility import Rule, any_violation_sql, country_codes, currency_codes, rules_for

__all__ = ["audit_stored", "STORED_COLUMNS"]

# table -> (column, type as the rules know it); the rules go by the column's name (plausibility.rules_for).
STORED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "order_lines": (("ordered_at", "timestamp"), ("quantity", "number"), ("unit_price", "number"),
                    ("country", "code2"), ("currency", "code3")),
    "order_headers": (("ordered_at", "timestamp"),),
    "sales": (("period_start", "date"), ("units", "number"), ("revenue", "number"), ("country", "code2"),
              ("currency", "code3")),
    "rank_snapshots": (("observed_at", "timestamp"), ("rank", "number"), ("price", "number"),
                       ("offers", "number"), ("monthly_sold", "number"), ("rating", "number"),
                       ("rating_count", "number"), ("currency", "code3")),
    "search_trends": (("ds", "date"),),
    "reviews": (("reviewed_at", "timestamp"), ("rating", "number")),
    "listings": (("first_seen", "date"), ("price", "number"), ("currency", "code3")),
    "products": (("weight_kg", "number"), ("length_cm", "number"), ("width_cm", "number"),
                 ("height_cm", "number")),
}  # fmt: skip

# What names a stored row in a message.
_WHO: dict[str, str] = {
    "order_lines": "concat('order ', order_id, ', product ', product_id)",
    "order_headers": "concat('order ', order_id)",
    "sales": "concat('product ', coalesce(product_id, listing_id), ', period starting ', period_start)",
    "rank_snapshots": "concat('listing ', listing_id)",
    "search_trends": "concat('keyword ', keyword, ', market ', market_code)",
    "reviews": "concat('review ', review_id)",
    "listings": "concat('listing ', listing_id)",
    "products": "concat('product ', product_id)",
}

_ADVICE = {
    ("rank_snapshots", "observed_at"): (
        "The file carries no export date (Keepa writes 'Exported on YYYY-MM-DD' in its last row). Put the "
        "date the data was exported in the file name, e.g. keepa_2025-07-17.xlsx, and ingest it again."
    ),
}


def _codes(values: frozenset[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def _rules(col: str, kind: str, limits: IngestLimits) -> list[Rule]:
    if kind == "code2":
        return [Rule("unknown_country", lambda v: f"{v} NOT IN {_codes(country_codes())}",
                     "not an ISO 3166-1 alpha-2 code", "set")]  # fmt: skip
    if kind == "code3":
        return [Rule("unknown_currency", lambda v: f"{v} NOT IN {_codes(currency_codes())}",
                     "not an ISO 4217 currency code", "set")]  # fmt: skip
    return rules_for(col, kind, limits)


def audit_stored(
    con: duckdb.DuckDBPyConnection, ingest_id: str, file_name: str, limits: IngestLimits, tables: set[str]
) -> None:
    """Raise BadInputError when a row stored by ``ingest_id`` breaks a plausibility rule (see module doc).

    ``tables`` are the tables that exist in the warehouse (others are skipped). One aggregate query per
    table (min/max and distinct codes of the rows of this ingest); the offending row is looked up only when
    there is one.
    """
    iid = ingest_id.replace("'", "''")
    for table, cols in STORED_COLUMNS.items():
        if table not in tables:
            continue
        checks = [(f'"{c}"', c, _rules(c, kind, limits)) for c, kind in cols]
        rows = f"(SELECT * FROM {table} WHERE ingest_id = '{iid}')"
        if not con.execute(any_violation_sql(rows, [(q, r) for q, _, r in checks])).fetchone()[0]:  # type: ignore[index]
            continue
        for q, col, rules in checks:
            for r in rules:
                bad = con.execute(
                    f"SELECT CAST({q} AS VARCHAR), {_WHO[table]} FROM {rows} WHERE coalesce({r.violated(q)}, FALSE) "
                    "LIMIT 1"
                ).fetchone()
                if bad is not None:
                    advice = _ADVICE.get(
                        (table, col), "Fix the value in the file (or the mapping) and ingest it again."
                    )
                    raise BadInputError(
                        f"{file_name}: loading it would store {table}.{col} = {bad[0]} ({bad[1]}), which breaks a "
                        f"plausibility rule ({r.why}). Nothing was loaded.",
                        hint=advice,
                    )
