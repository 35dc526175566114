"""Dates read right or not at all: a column's day/month order is decided once from all its values.

Per row, ``%m/%d/%Y`` tried before ``%d/%m/%Y`` read 13/03/2021 as 13 March but 05/03/2021 as 3 May in
the same file. Here one SQL pass profiles the column: a value whose first number is above 12 can only be
day first, one whose second number is above 12 only month first. The column is then read with the formats
of that one order. A column where no value decides (every value <= 12 in both places) takes the order the
mapping or the source says (``date_format``, ``date_order`` or ``locale`` constant), dotted dates are day
first (``dd.mm.yyyy`` is never month first), and otherwise the file is refused with a message that names
the file and the column and says how to tell. Times with a zone (``PST``, ``CEST``, ``Z``, ``+05:30``) are
converted to UTC; times without one are kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import duckdb

from xborder.core.errors import BadInputError

__all__ = ["DatePlan", "ZONES", "plan_dates", "timestamp_expr", "COMMON_FORMATS", "SOURCE_DATE_ORDER"]

# Sources known to write one order when a file does not show it (a layout's ``source``): UCI Online
# Retail comes from a UK retailer's system exported through US-locale Excel ("12/1/2010 8:26" = 1 Dec).
SOURCE_DATE_ORDER: dict[str, str] = {"uci": "mdy"}

# UTC offsets (minutes) of the zone abbreviations exports write. Ambiguous abbreviations take the reading
# of the marketplaces' own exports: CST = US Central (Amazon US), IST = India (Amazon.in).
ZONES: dict[str, int] = {
    "Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 330, "CET": 60, "CEST": 120,
    "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "GST": 240, "PKT": 300, "ICT": 420,
    "WIB": 420, "SGT": 480, "HKT": 480, "AWST": 480, "PHT": 480, "JST": 540, "KST": 540, "ACST": 570,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "HST": -600, "AKST": -540, "AKDT": -480,
    "PST": -480, "PDT": -420, "MST": -420, "MDT": -360, "CST": -360, "CDT": -300, "EST": -300,
    "EDT": -240, "AST": -240, "ADT": -180, "BRT": -180, "ART": -180,
}  # fmt: skip

# Formats whose reading does not depend on the day/month order (after DuckDB's ISO 8601 cast).
COMMON_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d",
    "%Y-%m-%dT%H:%M", "%d-%b-%y", "%d-%b-%Y", "%d-%b-%Y %H:%M:%S", "%d %b %Y", "%d %B %Y", "%d %b %Y %H:%M:%S",
    "%b %d, %Y", "%B %d, %Y", "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M:%S",
    "%B %d, %Y %I:%M:%S %p", "%a, %d %b %Y %H:%M:%S", "%a %b %d %H:%M:%S %Y", "%b %d %Y", "%d %b, %Y",
)  # fmt: skip
_TIMES = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")
_ORDERS = {"dmy": ("%d", "%m"), "mdy": ("%m", "%d")}
_ORDER_WORDS = {"dmy": "day first", "mdy": "month first"}

# The ambiguous shape: d/m/y or m/d/y with '/', '.' or '-' (then an optional time).
_DM = r"^(\d{1,2})([./-])(\d{1,2})[./-](\d{2}|\d{4})(\D|$)"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?"
_ZONE = "(?:(?:GMT|UTC)?[+-]\\d{2}:?\\d{2}|" + "|".join(sorted(ZONES, key=len, reverse=True)) + ")"
ZONE_RE = rf"^(.*{_TIME})\s*({_ZONE})$"


def _ordered_formats(order: str) -> tuple[str, ...]:
    a, b = _ORDERS[order]
    out = []
    for sep in ("/", ".", "-"):
        for year in ("%y", "%Y"):  # 2-digit years first: '%Y' would read '21' as the year 21
            out += [f"{a}{sep}{b}{sep}{year}{t}" for t in _TIMES]
    return tuple(out)


@dataclass(frozen=True)
class DatePlan:
    """How one date column is read: the strptime formats after ISO, zones, and why (for messages)."""

    formats: tuple[str, ...]
    zones: bool = False
    order: str | None = None  # dmy | mdy | None (no value needs an order)
    reason: str = ""  # how the order was decided, for quarantine messages

    def describe(self) -> str:
        """A short phrase for messages: how the column is read."""
        return self.reason or "ISO 8601 or a common format"


def _q(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


def _iso(x: str) -> str:
    """SQL: ``x`` read as ISO 8601 (YYYY-MM-DD...), else NULL. DuckDB's cast alone also reads '01/01/01' as
    the year 1 and '05/03/21' as 0005-03-21, so only values with a 4-digit year and a dash are cast."""
    return f"CASE WHEN substr({x}, 5, 1) = '-' THEN TRY_CAST({x} AS TIMESTAMP) END"


def timestamp_expr(v: str, plan: DatePlan | None = None) -> str:
    """SQL turning the text ``v`` into a UTC TIMESTAMP (NULL when it cannot be read under ``plan``)."""
    plan = plan or DatePlan(_ordered_formats("mdy") + _ordered_formats("dmy") + COMMON_FORMATS)
    fmts = "[" + ", ".join(_q(f) for f in plan.formats) + "]"

    def parse(x: str) -> str:
        if not plan.formats:
            return _iso(x)
        return f"coalesce({_iso(x)}, try_strptime({x}, {fmts}))"

    t = f"trim({v})"
    if not plan.zones:
        return parse(t)
    parts = f"regexp_extract({t}, {_q(ZONE_RE)}, ['b', 'z'])"
    zone = f"upper({parts}.z)"
    named = " ".join(f"WHEN {_q(k)} THEN {m}" for k, m in ZONES.items())
    digits = f"regexp_extract({zone}, '([+-])(\\d{{2}}):?(\\d{{2}})$', ['s', 'h', 'm'])"
    numeric = (
        f"(CASE WHEN {digits}.s = '-' THEN -1 ELSE 1 END) * "
        f"(CAST({digits}.h AS INTEGER) * 60 + CAST({digits}.m AS INTEGER))"
    )
    offset = f"(CASE {zone} {named} ELSE {numeric} END)"
    return (
        f"CASE WHEN {parts}.z = '' THEN {parse(t)} "
        f"ELSE {parse(f'trim({parts}.b)')} - to_minutes(CAST({offset} AS BIGINT)) END"
    )


def _profile_sql(values: str) -> str:
    first = f"TRY_CAST(regexp_extract(t, {_q(_DM)}, 1) AS INTEGER)"
    second = f"TRY_CAST(regexp_extract(t, {_q(_DM)}, 3) AS INTEGER)"
    return f"""SELECT
        count(*) FILTER (WHERE f > 12 AND s <= 12) AS dmy, count(*) FILTER (WHERE s > 12 AND f <= 12) AS mdy,
        count(*) FILTER (WHERE f <= 12 AND s <= 12 AND f <> s) AS ambiguous,
        min(t) FILTER (WHERE f > 12 AND s <= 12) AS dmy_example,
        min(t) FILTER (WHERE s > 12 AND f <= 12) AS mdy_example,
        min(t) FILTER (WHERE f <= 12 AND s <= 12 AND f <> s) AS ambiguous_example,
        bool_and(sep = '.') FILTER (WHERE f IS NOT NULL) AS dotted,
        count(*) FILTER (WHERE length(t) > 10 AND regexp_matches(t, {_q(ZONE_RE)})) AS zoned
        FROM (SELECT t, {first} AS f, {second} AS s, regexp_extract(t, {_q(_DM)}, 2) AS sep FROM {values})"""


def _hint_order(constants: dict[str, Any]) -> str | None:
    order = str(constants.get("date_order") or "").lower().replace("-", "_")
    if order in {"dmy", "day_first", "dd/mm"}:
        return "dmy"
    if order in {"mdy", "month_first", "mm/dd"}:
        return "mdy"
    loc = str(constants.get("locale") or "").lower().replace("-", "_")
    if loc:
        return "mdy" if loc in {"en_us", "us", "en_ph", "es_us", "en_fm", "en_pw"} else "dmy"
    return None


def suggest_format(example: str, order: str) -> str:
    """A strptime format for values like ``example`` read ``order`` ('dmy' or 'mdy')."""
    m = re.match(r"^(\d{1,2})([./-])(\d{1,2})[./-](\d{4}|\d{2})(\D.*)?$", example)
    if m is None:
        return "%d/%m/%Y" if order == "dmy" else "%m/%d/%Y"
    a, b = _ORDERS[order]
    sep, year, rest = m.group(2), "%Y" if len(m.group(4)) == 4 else "%y", (m.group(5) or "").strip()
    time = ""
    if re.match(r"^\d{1,2}:\d{2}:\d{2}\s*[AaPp][Mm]$", rest):
        time = " %I:%M:%S %p"
    elif re.match(r"^\d{1,2}:\d{2}\s*[AaPp][Mm]$", rest):
        time = " %I:%M %p"
    elif re.match(r"^\d{1,2}:\d{2}:\d{2}$", rest):
        time = " %H:%M:%S"
    elif re.match(r"^\d{1,2}:\d{2}$", rest):
        time = " %H:%M"
    return f"{a}{sep}{b}{sep}{year}{time}"


def plan_dates(
    con: duckdb.DuckDBPyConnection,
    *,
    stage: str,
    column: str,
    file_name: str,
    explicit: tuple[str, ...] = (),
    constants: dict[str, Any] | None = None,
    nulls: str = "('')",
) -> DatePlan:
    """Decide how the date column ``column`` of ``stage`` is read, from all its values (one SQL pass).

    Raises BadInputError when the day/month order cannot be told and nothing says which it is.
    """
    qcol = '"' + column.replace('"', '""') + '"'
    t = f"trim({qcol})"
    # The distinct values that are not plain YYYY-MM-DD[ HH:MM:SS] (those need no decision): usually few.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_dates AS SELECT t FROM (SELECT DISTINCT {t} AS t FROM {stage}
            WHERE NOT (substr({qcol}, 5, 1) = '-' AND length({qcol}) <= 19)) WHERE t NOT IN {nulls}"""
    )
    row = con.execute(_profile_sql("_x_dates")).fetchone()
    assert row is not None
    if explicit:
        return DatePlan(
            tuple(explicit), bool(row[-1]), None, f"the format {' or '.join(explicit)} given for it"
        )
    plan = _decide(row, f"{file_name}, column '{column}'", column, constants or {})
    return replace(plan, formats=_formats_in_use(con, "_x_dates", plan))


def _formats_in_use(con: duckdb.DuckDBPyConnection, values: str, plan: DatePlan) -> tuple[str, ...]:
    """The candidate formats that read the column's non-ISO values, in the candidates' order.

    DuckDB's ``try_strptime`` tries a list of formats one by one (about 3 µs each), so a value no format
    reads cost 53 tries. Values are grouped by shape (digits -> 9, letters -> a); up to 20 distinct values
    of each of the 50 commonest shapes are tried against every candidate, and only formats that read one
    of them are kept: usually one or two, so the conversion tries little more than the format it needs.
    """
    if not plan.formats:
        return ()
    t = "t"
    if plan.zones:
        t = f"CASE WHEN regexp_matches(t, {_q(ZONE_RE)}) THEN trim(regexp_extract(t, {_q(ZONE_RE)}, 1)) ELSE t END"
    tests = ", ".join(f"bool_or(try_strptime(t, {_q(f)}) IS NOT NULL)" for f in plan.formats)
    row = con.execute(
        f"""WITH v AS (SELECT DISTINCT {t} AS t FROM {values}),
                 s AS (SELECT regexp_replace(regexp_replace(t, '[0-9]', '9', 'g'), '[^0-9 .,:/+-]', 'a', 'g') AS shape, t
                       FROM v WHERE {_iso("t")} IS NULL),
                 top AS (SELECT shape, list(t ORDER BY t)[1:20] AS ex FROM s GROUP BY shape ORDER BY count(*) DESC LIMIT 50)
            SELECT {tests} FROM (SELECT unnest(ex) AS t FROM top)"""
    ).fetchone()
    return tuple(f for f, hit in zip(plan.formats, row or (), strict=False) if hit)


def _decide(row: tuple, where: str, column: str, constants: dict[str, Any]) -> DatePlan:
    """The day/month order of a column from its profile (see :func:`plan_dates`), with every candidate format."""
    dmy, mdy, ambiguous, dmy_ex, mdy_ex, amb_ex, dotted, zoned = row
    zones = bool(zoned)
    hint = _hint_order(constants)
    if dmy and mdy:
        order = "dmy" if dmy > mdy else "mdy" if mdy > dmy else hint
        if order is None:
            raise BadInputError(
                f"{where}: the dates mix day-first values (e.g. '{dmy_ex}') and month-first values "
                f"(e.g. '{mdy_ex}') in equal numbers ({dmy} each), so neither order can be trusted. Nothing was "
                "loaded.",
                hint=_ask(dmy_ex, column),
            )
        ex = dmy_ex if order == "dmy" else mdy_ex
        other = mdy_ex if order == "dmy" else dmy_ex
        reason = (
            f"read {_ORDER_WORDS[order]} as most values need (e.g. '{ex}'); values that only read the "
            f"other way (e.g. '{other}') are quarantined"
        )
        return DatePlan(_ordered_formats(order) + COMMON_FORMATS, zones, order, reason)
    if dmy or mdy:
        order = "dmy" if dmy else "mdy"
        ex = dmy_ex if dmy else mdy_ex
        reason = f"read {_ORDER_WORDS[order]}, as values like '{ex}' show"
        return DatePlan(_ordered_formats(order) + COMMON_FORMATS, zones, order, reason)
    if ambiguous:
        if hint is not None:
            reason = f"read {_ORDER_WORDS[hint]}, as the mapping or the source's locale says"
            return DatePlan(_ordered_formats(hint) + COMMON_FORMATS, zones, hint, reason)
        if dotted:
            reason = "read day first (dates written dd.mm.yyyy are day first)"
            return DatePlan(_ordered_formats("dmy") + COMMON_FORMATS, zones, "dmy", reason)
        raise BadInputError(
            f"{where}: dates like '{amb_ex}' can be read day first or month first, and no value in the "
            "column tells which (none has a number above 12 in the day or month place). Nothing was loaded.",
            hint=_ask(amb_ex, column),
        )
    # No value needs an order (ISO dates, named months, or day = month): either order reads them the same.
    return DatePlan(_ordered_formats("dmy") + COMMON_FORMATS, zones, None, "")


def _ask(example: str, column: str) -> str:
    return (
        f"Say which in a mapping file (--mapping my_layout.toml, see docs/ingest.md): under [constants] add "
        f'date_format = "{suggest_format(example, "dmy")}" (day first) or date_format = '
        f'"{suggest_format(example, "mdy")}" (month first), or date_order = "dmy" / "mdy"; the '
        f"format applies to '{column}' and every other date column."
    )
