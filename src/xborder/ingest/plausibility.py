"""Plausibility rules per column: a value that cannot be true quarantines its row with the rule named.

Rules go by the canonical field's type and name (the same names across layouts): every date must lie
between :attr:`IngestLimits.earliest_date` and today + :attr:`IngestLimits.future_days`; counts of what
was sold, ranks, ratings, offers and listing prices cannot be negative (an order line's quantity can: a
negative quantity is a return, the order writers keep that meaning); weights and sizes are positive and
below sane maxima (0 means "not given" in exports and is read as empty); every number stays below a
magnitude limit (1e308 is not a price); countries are ISO 3166-1 codes or names ingest knows, currencies
ISO 4217 codes. Rules are SQL conditions over the converted column, evaluated with the other checks in
the one validation statement (no Python per row).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from xborder.ingest.limits import IngestLimits

__all__ = [
    "Rule",
    "any_violation_sql",
    "rules_for",
    "country_codes",
    "currency_codes",
    "country_names",
    "NOT_GIVEN_WHEN_ZERO",
    "country_value_sql",
    "CURRENCY_NAMES",
]

# Currency names written instead of codes (Chinese supplier quotes): read as the code before the ISO rule.
CURRENCY_NAMES = {
    "人民币": "CNY",
    "RMB": "CNY",
    "元": "CNY",
    "美元": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
}

# Fields where 0 is how exports say "not given" (Olist writes 0 g for unknown weights): read as empty.
NOT_GIVEN_WHEN_ZERO = frozenset({"weight_kg", "weight_g", "length_cm", "width_cm", "height_cm"})

_COUNTS = frozenset(
    {"units", "units_30d", "bought", "monthly_sold", "rating_count", "offers", "sessions", "page_views",
     "units_ordered", "impressions", "clicks", "orders", "on_hand", "inbound", "reserved", "moq",
     "lead_time_days"}
)  # fmt: skip
_LISTING_PRICES = frozenset({"price", "unit_cost", "list_price"})
_SIGNED_PRICES = frozenset({"unit_price"})  # accounting lines (UCI "Adjust bad debt") carry negative prices
_AMOUNTS = frozenset({"revenue", "amount", "spend", "sales", "fee", "total"})
_COUNTRIES = frozenset({"country", "origin_country", "ship_country"})
_CURRENCIES = frozenset({"currency"})


@dataclass(frozen=True)
class Rule:
    """A plausibility rule: ``violated(v)`` is SQL that is TRUE when the converted value ``v`` breaks it.

    A ``range`` rule (bounds on numbers and dates) is broken by some value of a column exactly when it is
    broken by the column's minimum or maximum; a ``set`` rule (codes) is checked on the distinct values.
    """

    code: str
    violated: Callable[[str], str]
    why: str  # what the value must be and what to do (for the quarantine reason)
    kind: str = "range"  # range | set


@lru_cache(maxsize=1)
def _read(name: str) -> tuple[tuple[str, ...], ...]:
    with resources.files("xborder.ingest").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return tuple(tuple(r) for r in list(csv.reader(fh))[1:])


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code (ingest/data/iso3166.csv)."""
    return frozenset(r[0] for r in _read("iso3166.csv"))


def currency_codes() -> frozenset[str]:
    """ISO 4217 codes, current and withdrawn since 1990 (ingest/data/iso4217.csv)."""
    return frozenset(r[0] for r in _read("iso4217.csv"))


def country_names() -> frozenset[str]:
    """Lower-case country and region names ingest maps: the aliases of ingest/data/countries.csv and every ISO
    3166 short name (the same table the stored ISO code is looked up in)."""
    from xborder.ingest.countries import country_table

    return frozenset(k for k, _ in country_table() if k)


def _in_list(values: frozenset[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


def country_value_sql(v: str) -> str:
    """The text of a country column as validated: a 2-letter code upper-cased, a region that has no single
    code (Channel Islands, Unspecified, ...) as NULL, a name as written (trimmed)."""
    from xborder.ingest.countries import UNMAPPED_REGIONS

    t = f"trim({v})"
    regions = _in_list(frozenset(UNMAPPED_REGIONS))
    return (
        f"CASE WHEN {t} IN ('', 'nan', 'NaN') OR lower({t}) IN {regions} THEN NULL "
        f"WHEN length({t}) = 2 AND upper({t}) IN {_in_list(country_codes())} THEN upper({t}) "
        f"ELSE {t} END"
    )


def _sql(template: str) -> Callable[[str], str]:
    """A rule condition: ``template`` with ``{v}`` standing for the value's SQL (no other braces)."""

    def violated(v: str) -> str:
        return template.replace("{v}", v)

    return violated


def _bounds(
    what: str, lo_code: str | None, hi: float, unit: str = "", *, positive: bool = False
) -> list[Rule]:
    """Rules: not below 0 (or not 0 or below when ``positive``) under ``lo_code``; not above ``hi``."""
    out = []
    if lo_code is not None:
        op, word = ("<=", "must be above 0") if positive else ("<", "cannot be negative")
        out.append(Rule(lo_code, _sql(f"{{v}} {op} 0"), f"{what} {word}: fix the value"))
    out.append(
        Rule(
            "too_large",
            _sql(f"abs({{v}}) > {hi!r}"),
            f"{what} beyond {hi:g}{unit} is not plausible (a unit or typing error?): fix the value",
        )
    )
    return out


def rules_for(name: str, ftype: str, limits: IngestLimits) -> list[Rule]:
    """The plausibility rules of the canonical field ``name`` of type ``ftype`` (first failing one counts)."""
    if ftype in {"timestamp", "date"}:
        lo, hi = limits.earliest_date, limits.latest_date
        return [
            Rule(
                "date_out_of_range",
                lambda v: f"({v} < DATE '{lo}' OR {v} >= DATE '{hi}' + INTERVAL 1 DAY)",
                f"a date must lie between {lo} and {hi} (today + {limits.future_days} days; settings "
                "ingest_earliest_date, ingest_future_days): a placeholder like 9999-12-31 or 0001-01-01, or a "
                "typo; fix the date",
            )
        ]
    if ftype == "text":
        if name in _COUNTRIES:
            names, codes = _in_list(country_names()), _in_list(country_codes())
            return [
                Rule(
                    "unknown_country",
                    _sql(f"NOT (lower(trim({{v}})) IN {names} OR upper(trim({{v}})) IN {codes})"),
                    "not an ISO 3166-1 alpha-2 code nor a country name ingest knows: write the 2-letter code "
                    "(DE, US, GB, ...)",
                    "set",
                )
            ]
        if name in _CURRENCIES:
            return [
                Rule(
                    "unknown_currency",
                    lambda v: f"upper(trim({v})) NOT IN {_in_list(currency_codes())}",
                    "not an ISO 4217 currency code: write the 3-letter code (EUR, USD, CNY, ...)",
                    "set",
                )
            ]
        return []
    if ftype not in {"number", "integer"}:
        return []
    if name == "quantity":  # an order line: negative = returned (the writers keep that meaning)
        return _bounds("a quantity", None, limits.max_count)
    if name in _COUNTS:
        return _bounds(name.replace("_", " "), "negative_quantity", limits.max_count)
    if name == "rank":
        return _bounds("a sales rank", "negative_rank", limits.max_count)
    if name == "rating":
        return [
            Rule("rating_out_of_range", lambda v: f"({v} < 0 OR {v} > 10)", "a rating lies between 0 and 10")
        ]
    if name in _LISTING_PRICES:
        return _bounds("a price", "negative_price", limits.max_price)
    if name in _SIGNED_PRICES:  # sign free: accounting lines carry negative prices
        return _bounds("a unit price", None, limits.max_price)
    if name == "weight_kg":
        return _bounds("a weight", "not_positive", limits.max_weight_kg, " kg", positive=True)
    if name == "weight_g":
        return _bounds("a weight", "not_positive", limits.max_weight_kg * 1000, " g", positive=True)
    if name.endswith("_cm"):
        return _bounds("a length", "not_positive", limits.max_length_cm, " cm", positive=True)
    limit = limits.max_amount if name in _AMOUNTS else max(limits.max_amount, limits.max_count)
    return [
        Rule(
            "too_large",
            lambda v: f"abs({v}) > {limit!r}",
            f"a value beyond ±{limit:g} is not plausible here (setting ingest_max_amount): fix the value",
        )
    ]


def any_violation_sql(
    source: str, checks: list[tuple[str, list[Rule]]], conditions: tuple[str, ...] = ()
) -> str:
    """SQL giving one BOOLEAN: does any row of ``source`` break a rule? One aggregate scan, no per-row tests.

    ``checks`` are (column SQL, its rules); ``conditions`` are further aggregate conditions over ``source``
    (e.g. ``count(*) FILTER (WHERE x IS NULL) > 0``). The rows are grouped by the columns with set rules
    (codes: few distinct values); range rules are tested on each group's min and max of their column, set
    rules on the group's value, conditions per group.
    """
    keys, aggs, tests = [], ["count(*) AS _n"], []
    for i, (col, rules) in enumerate(checks):
        ranged = [r for r in rules if r.kind == "range"]
        if ranged:
            aggs += [f"min({col}) AS _mn{i}", f"max({col}) AS _mx{i}"]
            tests += [f"coalesce({r.violated(f'a._{m}{i}')}, FALSE)" for r in ranged for m in ("mn", "mx")]
        sets = [r for r in rules if r.kind == "set"]
        if sets:
            keys.append(f"{col} AS _s{i}")
            tests += [f"coalesce({r.violated(f'a._s{i}')}, FALSE)" for r in sets]
    for k, cond in enumerate(conditions):
        aggs.append(f"({cond}) AS _c{k}")
        tests.append(f"a._c{k}")
    group = " GROUP BY ALL" if keys else ""
    return (
        f"SELECT coalesce(bool_or({' OR '.join(tests) or 'FALSE'}), FALSE) "
        f"FROM (SELECT {', '.join(keys + aggs)} FROM {source}{group}) a"
    )
