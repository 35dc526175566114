"""Shared SQL of the supply layouts: lenient numbers and dates, supplier ids and the suppliers they create."""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.countries import country_sql
from xborder.ingest.layouts.base import Field
from xborder.ingest.layouts.common import date_sql, day_first

__all__ = [
    "SUPPLIER_ALIASES",
    "text_field",
    "number",
    "date_of",
    "supplier_id_sql",
    "ensure_suppliers",
    "insert_keyed",
    "country_of",
]

SUPPLIER_ALIASES = ("Supplier", "Supplier Name", "Vendor", "Vendor Name", "Manufacturer", "Factory", "供应商",
                    "供应商名称", "厂家", "工厂", "厂商")  # fmt: skip
_CN_COUNTRIES = {"中国": "CN", "中國": "CN", "越南": "VN", "印度": "IN", "美国": "US", "德国": "DE", "日本": "JP",
                 "韩国": "KR", "台湾": "TW", "泰国": "TH", "马来西亚": "MY", "印度尼西亚": "ID", "印尼": "ID",
                 "土耳其": "TR", "墨西哥": "MX", "孟加拉": "BD", "柬埔寨": "KH"}  # fmt: skip


def text_field(name: str, *aliases: str, filled: bool = False) -> Field:
    """An optional text column (``filled``: present and non-empty in every row, else quarantined)."""
    return Field(name, aliases, "text", required=filled, optional=not filled)


def number(expr: str) -> str:
    """First number of a text ('500 pcs' → 500, '1,000件' → 1000, '36 h' → 36); NULL when none."""
    return f"TRY_CAST(replace(nullif(regexp_extract({expr}, '(-?\\d[\\d,]*(\\.\\d+)?)', 1), ''), ',', '') AS DOUBLE)"


def date_of(ctx: LoadContext, field: str, *extra_formats: str) -> str:
    """SQL date of field ``g.<field>`` (the file's day order decided once; ``extra_formats`` tried first)."""
    expr = f"g.{field}"
    base = date_sql(expr, dayfirst=day_first(ctx, expr))
    if not extra_formats:
        return base
    fmts = ", ".join("'" + f + "'" for f in extra_formats)
    return f"coalesce(CAST(try_strptime(trim({expr}), [{fmts}]) AS DATE), {base})"


def country_of(expr: str) -> str:
    """ISO2 of a country name or code, Chinese names included."""
    cn = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _CN_COUNTRIES.items())
    return f"coalesce(CASE trim({expr}) {cn} END, {country_sql(expr)})"


def supplier_id_sql(expr: str, prefix: str = "quotes") -> str:
    """Supplier id from its name: ``quotes:<lower-case name, single spaces>`` — the id quote sheets give, so
    events, certificates and verifications of a supplier meet its quotes."""
    return f"'{prefix}:' || lower(regexp_replace(trim({expr}), '\\s+', ' ', 'g'))"


def ensure_suppliers(ctx: LoadContext, table: str, source: str, *, country: str = "NULL") -> None:
    """Add the suppliers of temp table ``table`` (``supplier_id``, ``supplier``, ``_row``) not known yet."""
    ctx.con.execute(
        f"""INSERT OR IGNORE INTO suppliers (supplier_id, name, country, source, ingest_id)
            SELECT supplier_id, arg_min(supplier, _row), arg_min({country}, _row) FILTER (WHERE {country} IS NOT NULL),
                   '{source}', '{ctx.ingest_id}'
            FROM {table} GROUP BY supplier_id"""
    )


def insert_keyed(ctx: LoadContext, table: str, key: str, cand: str, columns: list[str]) -> int:
    """Insert the rows of temp table ``cand`` whose ``key`` column is not stored yet (first in file order
    among repeats); returns how many were inserted."""
    cols = ", ".join(columns)
    return int(
        ctx.con.execute(
            f"""INSERT INTO {table} ({cols}, ingest_id)
                SELECT {cols}, '{ctx.ingest_id}' FROM {cand}
                WHERE {key} NOT IN (SELECT {key} FROM {table})
                QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _row) = 1"""
        ).fetchone()[0]  # type: ignore[index]
    )
