"""Google Trends exports (multiTimeline.csv): title lines, "<1", weekly/monthly/daily, localised headers."""

from __future__ import annotations

import re

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, norm, register

__all__ = ["PERIOD_WORDS", "REGION_NAMES", "parse_keyword_header"]

# First-column header → frequency, in the languages Google Trends exports in.
PERIOD_WORDS = {
    "week": "week", "semaine": "week", "woche": "week", "semana": "week", "settimana": "week", "周": "week",
    "month": "month", "mois": "month", "monat": "month", "mes": "month", "mese": "month", "月": "month",
    "day": "day", "jour": "day", "tag": "day", "día": "day", "dia": "day", "giorno": "day", "日": "day", "天": "day",
}  # fmt: skip
# Region names in localised headers "keyword: (Region)".
REGION_NAMES = {
    "united states": "US", "états-unis": "US", "etats-unis": "US", "usa": "US", "美国": "US", "vereinigte staaten": "US",
    "japan": "JP", "japon": "JP", "日本": "JP", "france": "FR", "frankreich": "FR", "法国": "FR",
    "united kingdom": "GB", "royaume-uni": "GB", "英国": "GB", "germany": "DE", "allemagne": "DE", "deutschland": "DE",
    "德国": "DE", "china": "CN", "chine": "CN", "中国": "CN", "worldwide": "WW", "monde": "WW", "全球": "WW",
    "weltweit": "WW", "canada": "CA", "australia": "AU", "australie": "AU", "spain": "ES", "espagne": "ES",
    "italy": "IT", "italie": "IT", "brazil": "BR", "brésil": "BR", "india": "IN", "inde": "IN", "mexico": "MX",
}  # fmt: skip
_HEADER = re.compile(r"^(?P<kw>.*?):\s*\((?P<region>[^)]*)\)\s*$")


def parse_keyword_header(header: str, default_market: str) -> tuple[str, str]:
    """("yeezy: (United States)") → ("yeezy", "US"); a bare keyword takes ``default_market``."""
    m = _HEADER.match(header.strip())
    if not m:
        return header.strip(), default_market
    region = m.group("region").strip()
    code = REGION_NAMES.get(region.lower())
    if code is None and re.fullmatch(r"[A-Za-z]{2}", region):
        code = region.upper()
    return m.group("kw").strip(), code or default_market


def _is_period(h: str) -> bool:
    return norm(h) in {norm(k) for k in PERIOD_WORDS}


def _write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    period_header = ctx.mapping["ds"]
    freq = PERIOD_WORDS.get(norm(period_header), PERIOD_WORDS.get(period_header.strip().lower(), "week"))
    market = ctx.const("market", "WW")
    cols = [c for c in ctx.unmapped_columns() if c.strip()]
    kws = [(c, *parse_keyword_header(c, market)) for c in cols]
    pairs = ", ".join("('{}', '{}', '{}')".format(*(x.replace("'", "''") for x in k)) for k in kws)
    ucols = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
    # "<1" = below 1% of the peak; French exports write "< 1" with a no-break space.
    value = "CASE WHEN regexp_replace(val, '[\\s\\x{00A0}\\x{202F}]', '', 'g') = '<1' THEN 0.5 ELSE TRY_CAST(trim(val) AS DOUBLE) END"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_long AS
            SELECT u._row, u.col, u.val, {value} AS value
            FROM (UNPIVOT (SELECT _row, {ucols} FROM {ctx.stage}) ON {ucols} INTO NAME col VALUE val) u
            WHERE u._row IN (SELECT _row FROM {ctx.good})"""
    )
    ctx.quarantine_where(
        ctx.good, "_row IN (SELECT _row FROM _x_long WHERE value IS NULL AND trim(val) <> '')", "keyword columns",
        "(SELECT min(val) FROM _x_long l WHERE l._row = t._row AND l.value IS NULL)", "bad_number",
        "a Trends value is neither a number nor \"<1\"",
    )  # fmt: skip
    source = ctx.const("source", "google_trends")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_cells AS
            SELECT l._row, k.kw AS keyword, k.mk AS market_code, CAST(g.ds AS DATE) AS ds, l.value
            FROM _x_long l JOIN (VALUES {pairs}) k(col, kw, mk) USING (col) JOIN {ctx.good} g USING (_row)
            WHERE l.value IS NOT NULL"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_newcells AS SELECT * FROM _x_cells c WHERE NOT EXISTS (
              SELECT 1 FROM search_trends s WHERE s.keyword = c.keyword AND s.market_code = c.market_code
                AND s.ds = c.ds AND s.freq = '{freq}' AND s.source = '{source}')
            QUALIFY row_number() OVER (PARTITION BY keyword, market_code, ds ORDER BY _row) = 1"""
    )
    con.execute(
        f"""INSERT INTO search_trends SELECT keyword, market_code, ds, value, '{freq}', '{source}', '{ctx.ingest_id}'
            FROM _x_newcells"""
    )
    stored = int(con.execute("SELECT count(DISTINCT _row) FROM _x_newcells").fetchone()[0])  # type: ignore[index]
    return WriteCounts(
        stored=stored, duplicate=ctx.count() - stored, extra={"cells_stored": ctx.count("_x_newcells")}
    )


register(
    Layout(
        "google_trends", "trends",
        (Field("ds", tuple(PERIOD_WORDS), "date", required=True,
               date_formats=("%Y-%m-%d", "%Y-%m", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")),),
        _write, "Google Trends multiTimeline export (period column + keyword columns)", order=70,
        matcher=lambda h: any(_is_period(c) for c in h[:2]) and len(h) >= 2, source="google_trends",
    )
)  # fmt: skip
