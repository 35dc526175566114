"""Shared SQL of the seller-export layouts: money and percent text, currencies and markets, dates, row keys,
and the insert that recognises duplicates by key."""

from __future__ import annotations

import re
from collections.abc import Sequence

from xborder.ingest.context import LoadContext
from xborder.ingest.validate import number_sql
from xborder.schema import Table

__all__ = [
    "CURRENCY_MARKET",
    "AMAZON_DOMAINS",
    "money_sql",
    "pct_sql",
    "text_sql",
    "symbol_currency_sql",
    "currency_in_header",
    "market_of_currency_sql",
    "domain_market_sql",
    "day_first",
    "date_sql",
    "timestamp_zone_sql",
    "file_date",
    "key_sql",
    "market_scope",
    "insert_new",
    "typed_table",
]

# A currency used by exactly one Amazon marketplace → its market. EUR is left out on purpose: it is used by
# DE, FR, IT, ES, NL, BE, IE, so a file priced in euros states its marketplace or stays without one.
CURRENCY_MARKET = {
    "USD": "US", "GBP": "GB", "INR": "IN", "AED": "AE", "CAD": "CA", "JPY": "JP", "MXN": "MX", "AUD": "AU",
    "BRL": "BR", "SEK": "SE", "PLN": "PL", "SAR": "SA", "SGD": "SG", "TRY": "TR", "EGP": "EG",
}  # fmt: skip

# Amazon marketplace domain (as in a report's "marketplace" column) → (market, currency).
AMAZON_DOMAINS: dict[str, tuple[str | None, str | None]] = {
    "amazon.com": ("US", "USD"), "amazon.ca": ("CA", "CAD"), "amazon.com.mx": ("MX", "MXN"),
    "amazon.co.uk": ("GB", "GBP"), "amazon.de": ("DE", "EUR"), "amazon.fr": ("FR", "EUR"),
    "amazon.it": ("IT", "EUR"), "amazon.es": ("ES", "EUR"), "amazon.nl": ("NL", "EUR"),
    "amazon.se": ("SE", "SEK"), "amazon.pl": ("PL", "PLN"), "amazon.com.be": ("BE", "EUR"),
    "amazon.co.jp": ("JP", "JPY"), "amazon.in": ("IN", "INR"), "amazon.ae": ("AE", "AED"),
    "amazon.sa": ("SA", "SAR"), "amazon.sg": ("SG", "SGD"), "amazon.com.au": ("AU", "AUD"),
    "amazon.com.br": ("BR", "BRL"), "amazon.com.tr": ("TR", "TRY"), "amazon.eg": ("EG", "EGP"),
    "si ca prod marketplace": ("CA", "CAD"), "non-amazon": (None, None),
}  # fmt: skip

# Money signs and codes written next to amounts, longest first ("US$" before "$").
_SIGNS = (
    ("US$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("AU$", "AUD"), ("A$", "AUD"), ("MX$", "MXN"),
    ("R$", "BRL"), ("S$", "SGD"), ("Rs.", "INR"), ("Rs", "INR"), ("₹", "INR"), ("£", "GBP"), ("€", "EUR"),
    ("¥", "JPY"), ("￥", "JPY"), ("$", "USD"), ("zł", "PLN"), ("₺", "TRY"), ("AED", "AED"), ("SAR", "SAR"),
    ("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP"), ("INR", "INR"), ("CAD", "CAD"), ("JPY", "JPY"),
    ("CNY", "CNY"), ("RMB", "CNY"), ("元", "CNY"), ("人民币", "CNY"), ("kr", "SEK"),
)  # fmt: skip
_STRIP = "|".join(re.escape(s) for s, _ in sorted(_SIGNS, key=lambda x: -len(x[0])))
_MISSING = "('', 'nan', 'NaN', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '-', '--', '—')"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def text_sql(expr: str) -> str:
    """Trimmed text, NULL when empty or a missing-value marker."""
    return f"CASE WHEN trim({expr}) IN {_MISSING} THEN NULL ELSE trim({expr}) END"


def money_sql(expr: str) -> str:
    """SQL turning money text into DOUBLE: '$5,216.29', 'Rs.201.68', '₹ 1,200', 'AED 12.5', '(5.00)' → -5.0,
    '-$3.10', '12,50 €'; NULL when empty or not a number."""
    t = f"trim({expr})"
    neg = f"(regexp_matches({t}, '^\\(.*\\)$') OR starts_with({t}, '-'))"
    strip = _STRIP.replace("'", "''")
    bare = f"trim(regexp_replace(regexp_replace({t}, '^[(-]|\\)$', '', 'g'), '{strip}', '', 'g'))"
    # 1.234,50 (dot thousands, decimal comma) → 1234.50; the other spellings are number_sql's.
    eu = f"CASE WHEN regexp_matches({bare}, '^\\d{{1,3}}(\\.\\d{{3}})+,\\d+$') THEN replace(replace({bare}, '.', ''), ',', '.') ELSE {bare} END"
    val = number_sql(eu)
    return f"CASE WHEN {t} IS NULL OR {t} IN {_MISSING} THEN NULL WHEN {neg} THEN -({val}) ELSE {val} END"


def pct_sql(expr: str) -> str:
    """A share as a fraction: '2.28%' → 0.0228, '99%' → 0.99; a bare number (XLSX cells) is taken as given."""
    t = f"trim({expr})"
    return f"CASE WHEN {t} LIKE '%\\%%' ESCAPE '\\' THEN {number_sql(t)} / 100.0 ELSE {number_sql(t)} END"


def symbol_currency_sql(expr: str) -> str:
    """ISO currency of the sign or code written in a money text ('$5.00' → USD, 'Rs.12' → INR), else NULL."""
    cases = " ".join(
        f"WHEN strpos(trim({expr}), {_lit(s)}) > 0 THEN '{c}'"
        for s, c in sorted(_SIGNS, key=lambda x: -len(x[0]))
    )
    return f"CASE {cases} END"


def currency_in_header(header: str | None) -> str | None:
    """Currency written in a column header: '14 Day Total Sales (₹)' → INR, 'Sales (USD)' → USD."""
    if not header:
        return None
    m = re.search(r"\(([^)]*)\)", header)
    if not m:
        return None
    inner = m.group(1).strip()
    for sign, code in sorted(_SIGNS, key=lambda x: -len(x[0])):
        if inner == sign:
            return code
    return None


def market_of_currency_sql(currency: str) -> str:
    """Market of a currency used by one Amazon marketplace only (USD → US); NULL for EUR and unknown ones."""
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CURRENCY_MARKET.items())
    return f"CASE upper(trim({currency})) {cases} END"


def domain_market_sql(domain: str, part: int) -> str:
    """Market (part 0) or currency (part 1) of an Amazon marketplace domain (amazon.co.uk → GB / GBP)."""
    cases = " ".join(
        f"WHEN {_lit(k)} THEN {_lit(x) if (x := v[part]) else 'NULL'}" for k, v in AMAZON_DOMAINS.items()
    )
    return f"CASE lower(trim({domain})) {cases} END"


_NUMERIC_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"


def day_first(ctx: LoadContext, column: str, *, default: bool = False) -> bool:
    """Decide ONCE for the whole file whether numeric dates of ``column`` are day-first (13/03/2021).

    A first part above 12 anywhere → day-first; a second part above 12 anywhere → month-first; neither →
    ``default`` (Amazon's US exports are month-first).
    """
    row = ctx.con.execute(
        f"""SELECT max(TRY_CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 1) AS INTEGER)),
                   max(TRY_CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 2) AS INTEGER))
            FROM {ctx.good} g"""
    ).fetchone()
    first, second = row if row else (None, None)
    if first is not None and first > 12:
        return True
    if second is not None and second > 12:
        return False
    return default


def _date_formats(dayfirst: bool) -> list[str]:
    dm = ("%d", "%m") if dayfirst else ("%m", "%d")
    numeric = [f"{dm[0]}{sep}{dm[1]}{sep}{y}" for sep in "/.-" for y in ("%y", "%Y")]
    # numeric first: DuckDB's '%Y' also takes one digit, so '%Y/%m/%d' read '1/1/18' as 0001-01-18
    return [*numeric, "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d"]


def _iso_cast(t: str) -> str:
    """SQL: ``t`` cast to TIMESTAMP only when it is ISO 8601 (a 4-digit year then '-'). DuckDB's cast alone
    reads '12/1/17' as the year 12 and '1/18/18' as the year 1 (the Sales Dashboard's dates were stored as
    0001-01-18)."""
    return f"CASE WHEN regexp_matches({t}, '^\\d{{4}}-') THEN TRY_CAST({t} AS TIMESTAMP) END"


def date_sql(expr: str, *, dayfirst: bool = False) -> str:
    """SQL turning date text into DATE: ISO (XLSX cells), 'Nov 16, 2018', '1 Oct 2019', numeric dates in the
    file's order, '2019/12/01', Excel serial numbers (43800 → 2019-12-01); NULL when none fits."""
    t = f"trim({expr})"
    fmts = ", ".join(_lit(f) for f in _date_formats(dayfirst))
    return (
        f"CASE WHEN {t} IN {_MISSING} OR {t} IS NULL THEN NULL "
        f"WHEN regexp_matches({t}, '^\\d{{5}}(\\.0+)?$') THEN CAST(DATE '1899-12-30' + CAST(CAST({t} AS DOUBLE) AS INTEGER) AS DATE) "
        f"ELSE CAST(coalesce({_iso_cast(t)}, try_strptime({t}, [{fmts}])) AS DATE) END"
    )


def timestamp_zone_sql(expr: str, *, dayfirst: bool = False) -> tuple[str, str]:
    """(timestamp SQL, zone SQL) for texts like 'Oct 4, 2018 9:11:29 AM PDT', '01.10.2019 00:05:12 UTC',
    '2019-12-11T08:00:00+00:00': the local time as printed, and the zone abbreviation (NULL when none)."""
    t = f"trim({expr})"
    zone = f"nullif(regexp_extract({t}, '\\s([A-Z]{{2,5}})$', 1), '')"
    bare = f"trim(regexp_replace({t}, '\\s[A-Z]{{2,5}}$', ''))"
    dm = ("%d", "%m") if dayfirst else ("%m", "%d")
    fmts = [
        "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %H:%M:%S", "%d %b %Y %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
        f"{dm[0]}/{dm[1]}/%Y %H:%M:%S", f"{dm[0]}/{dm[1]}/%Y %I:%M:%S %p", f"{dm[0]}/{dm[1]}/%Y %H:%M",
        "%Y/%m/%d %H:%M:%S", "%d.%m.%Y", "%b %d, %Y",
    ]  # fmt: skip
    fl = ", ".join(_lit(f) for f in fmts)
    ts = (
        f"CASE WHEN {t} IN {_MISSING} OR {t} IS NULL THEN NULL "
        f"ELSE coalesce({_iso_cast(bare)}, try_strptime({bare}, [{fl}])) END"
    )
    return ts, zone


_FILE_DATES = (
    (re.compile(r"(20\d\d)[-_.]?(\d\d)[-_.]?(\d\d)"), (1, 2, 3)),  # 2019-12-17, 20191217
    (re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(\d\d)(?!\d)"), (3, 1, 2)),  # BusinessReport-11-21-19 (US m-d-y)
)


def file_date(name: str) -> str | None:
    """A full date in a file name as 'YYYY-MM-DD' (2019-12-17, 20191217, US-style 11-21-19), else None."""
    import datetime as dt

    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    for pattern, (yi, mi, di) in _FILE_DATES:
        for m in pattern.finditer(stem):
            y = int(m.group(yi))
            y = y + 2000 if y < 100 else y
            try:
                return dt.date(y, int(m.group(mi)), int(m.group(di))).isoformat()
            except ValueError:
                continue
    return None


def market_scope(ctx: LoadContext, column: str = "marketplace_id") -> str:
    """The marketplace as a key dimension; a row without one is keyed within its file ('file:<ingest id>'),
    so two files of unknown (e.g. euro) marketplaces never merge their rows."""
    return f"coalesce({column}, 'file:{ctx.ingest_id}')"


def key_sql(parts: Sequence[str], *, occurrence: bool = True) -> str:
    """Row key: md5 over every dimension + '#' + the row's occurrence among rows with the same dimensions
    (without ``occurrence``, identical rows share one key: a repeated row is a duplicate)."""
    content = "concat_ws('|', " + ", ".join(f"coalesce(CAST({p} AS VARCHAR), '')" for p in parts) + ")"
    if not occurrence:
        return f"md5({content})"
    return f"md5({content} || '#' || row_number() OVER (PARTITION BY {content} ORDER BY _row))"


def typed_table(
    ctx: LoadContext,
    out: str,
    columns: dict[str, str],
    checks: dict[str, tuple[str, str, str]],
    *,
    money: dict[str, str] | None = None,
    pct: dict[str, str] | None = None,
) -> None:
    """``out`` = the validated rows (``g``) with ``columns`` (name → SQL), ``money`` amounts and ``pct`` shares
    (name → raw text SQL; see :func:`money_sql` / :func:`pct_sql`). A row where a ``checks`` column (name →
    (file header, raw text SQL, reason code)) has text but no value is quarantined with that code.

    Amounts are converted in steps over intermediate columns: one nested expression per amount made
    DuckDB spend ~2 s binding a 24-column transaction report.
    """
    money, pct = money or {}, pct or {}
    strip = _STRIP.replace("'", "''")
    eu = "'^\\d{1,3}(\\.\\d{3})+,\\d+$'"
    step1 = [f"{sql} AS {name}" for name, sql in columns.items()]
    step1 += [f"trim(CAST({raw} AS VARCHAR)) AS _t_{n}" for n, raw in {**money, **pct}.items()]
    step1 += [f"{raw} AS _raw_{name}" for name, (_, raw, _) in checks.items()]
    step2 = [
        f"(regexp_matches(_t_{n}, '^\\(.*\\)$') OR starts_with(_t_{n}, '-')) AS _n_{n}, "
        f"trim(regexp_replace(regexp_replace(_t_{n}, '^[(-]|\\)$', '', 'g'), '{strip}', '', 'g')) AS _s_{n}"
        for n in money
    ]
    step3 = [
        f"CASE WHEN regexp_matches(_s_{n}, {eu}) THEN replace(replace(_s_{n}, '.', ''), ',', '.') ELSE _s_{n} END AS _e_{n}"
        for n in money
    ]
    final = [
        f"CASE WHEN _t_{n} IS NULL OR _t_{n} IN {_MISSING} THEN NULL WHEN _n_{n} THEN -({number_sql(f'_e_{n}')}) "
        f"ELSE {number_sql(f'_e_{n}')} END AS {n}"
        for n in money
    ]
    final += [
        f"CASE WHEN _t_{n} IS NULL OR _t_{n} IN {_MISSING} THEN NULL WHEN _t_{n} LIKE '%\\%%' ESCAPE '\\' "
        f"THEN {number_sql(f'_t_{n}')} / 100.0 ELSE {number_sql(f'_t_{n}')} END AS {n}"
        for n in pct
    ]
    helpers = [f"_{p}_{n}" for n in money for p in "tnse"] + [f"_t_{n}" for n in pct]
    sql = f"SELECT g._row, {', '.join(step1)} FROM {ctx.good} g"
    if step2:
        sql = f"SELECT *, {', '.join(step2)} FROM ({sql})"
        sql = f"SELECT *, {', '.join(step3)} FROM ({sql})"
    if final:
        sql = f"SELECT * EXCLUDE ({', '.join(helpers)}), {', '.join(final)} FROM ({sql})"
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS {sql}")
    for name, (header, _, code) in checks.items():
        what = "date" if code == "bad_date" else "number or amount"
        ctx.quarantine_where(
            out, f"{name} IS NULL AND trim(_raw_{name}) NOT IN {_MISSING}", header, f"_raw_{name}", code,
            f"{header}: not a valid {what}",
        )  # fmt: skip


def insert_new(ctx: LoadContext, table: Table, cand: str, *, measures: Sequence[str] = ()) -> tuple[int, int]:
    """Insert the rows of temp table ``cand`` (declared columns of ``table`` + ``row_key`` + ``_row``) whose
    row_key is not stored yet and not repeated earlier in ``cand``.

    Returns (rows inserted, rows "revised"): rows whose key is already stored but whose ``measures`` differ
    (a later export of the same day with updated figures). The first figures stored are kept; the revised
    count is reported so the difference is never silent.
    """
    con = ctx.con
    have = [r[0] for r in con.execute(f"DESCRIBE {cand}").fetchall()]
    extra = sorted(set(have) - set(table.column_names) - {c for c in have if c.startswith("_")})
    if extra:
        raise ValueError(f"{cand} has columns {extra} that table {table.name} does not declare")
    cols = [c for c in table.column_names if c in have or c == "ingest_id"]
    values = ", ".join(f"'{ctx.ingest_id}'" if c == "ingest_id" else f"c.{c}" for c in cols)
    revised = 0
    if measures:
        same = " AND ".join(f"c.{m} IS NOT DISTINCT FROM s.{m}" for m in measures)
        revised = int(
            con.execute(
                f"SELECT count(*) FROM {cand} c JOIN {table.name} s USING (row_key) WHERE NOT ({same})"
            ).fetchone()[0]  # type: ignore[index]
        )
    n = con.execute(
        f"""INSERT INTO {table.name} ({", ".join(cols)})
            SELECT {values} FROM {cand} c
            WHERE c.row_key NOT IN (SELECT row_key FROM {table.name})
            QUALIFY row_number() OVER (PARTITION BY c.row_key ORDER BY c._row) = 1"""
    ).fetchone()[0]  # type: ignore[index]
    return int(n), revised
