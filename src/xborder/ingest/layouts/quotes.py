"""Supplier quotes (kind ``quotes``) and product master data (kind ``products``) from CSV/XLSX with the usual
English and Chinese column spellings.

A quote row fills ``suppliers`` (``quotes:<name>``), ``supplier_offers`` (unit cost, currency, MOQ, lead time,
incoterm, origin, date) and the product's attributes in ``products`` (brand, weight, dimensions, HS code,
origin). A product master row (no supplier or price) fills ``products`` attributes only. Product ids are
``amazon:<ASIN>`` when the file gives an ASIN, else ``custom:<SKU>`` (the id canonical files use).
Units: weight in kg ("800 g" and "1.5 lb" converted, "Weight (g)" columns too), dimensions in cm
("12 in" converted; "30x20x10" or "30*20*10 cm" in one column split into length, width, height), lead time
in days ("25-30 days" → 30, "4 weeks"/"4周" → 28). Currency: the Currency/币种 column, else the price's
sign; ¥/￥/元/RMB in a quote is CNY (write JPY in the currency column for yen). A quote without any
currency is quarantined (``no_currency``).
"""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.countries import country_sql
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, norm, register
from xborder.ingest.layouts.common import (
    date_sql,
    day_first,
    key_sql,
    symbol_currency_sql,
    text_sql,
    typed_table,
)
from xborder.ingest.plausibility import CURRENCY_NAMES
from xborder.ingest.products import upsert_products

__all__ = ["QUOTE_FIELDS", "ATTRIBUTE_FIELDS", "INCOTERMS"]

INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP", "DAT", "DDU")
_CN_COUNTRIES = {
    "中国": "CN", "中國": "CN", "越南": "VN", "印度": "IN", "美国": "US", "德国": "DE", "日本": "JP", "韩国": "KR",
    "台湾": "TW", "泰国": "TH", "马来西亚": "MY", "印度尼西亚": "ID", "印尼": "ID", "土耳其": "TR", "墨西哥": "MX",
    "孟加拉": "BD", "柬埔寨": "KH", "意大利": "IT", "英国": "GB", "法国": "FR",
}  # fmt: skip
_CN_CURRENCIES = CURRENCY_NAMES  # also read as codes by validation (ingest/plausibility.py)


def _t(name: str, *aliases: str, need: bool = False, filled: bool = False) -> Field:
    return Field(name, aliases, "text", required=filled, optional=not (need or filled))


_PRODUCT = _t("product", "SKU", "Seller SKU", "Product ID", "Product Code", "Item No", "Item No.", "Item Number",
              "Model", "Model No", "Part Number", "货号", "产品编号", "商品编号", "型号", "款号", "SKU编码", filled=True)  # fmt: skip
ATTRIBUTE_FIELDS = (
    _t("asin", "ASIN"),
    _t("title", "Product Name", "Product Title", "Product", "Description", "Item Name", "品名", "产品名称", "商品名称",
       "中文品名", "英文品名"),
    _t("brand", "Brand", "品牌"),
    _t("weight_kg", "Weight (kg)", "Weight", "Unit Weight", "Gross Weight (kg)", "Gross Weight", "Net Weight (kg)",
       "重量(kg)", "重量", "毛重(kg)", "毛重", "单重(kg)", "单重", "净重"),
    _t("weight_g", "Weight (g)", "Weight g", "重量(g)", "克重", "单重(g)"),
    _t("weight_lb", "Weight (lb)", "Weight (lbs)"),
    _t("length_cm", "Length (cm)", "Length", "长(cm)", "长", "长度"),
    _t("width_cm", "Width (cm)", "Width", "宽(cm)", "宽", "宽度"),
    _t("height_cm", "Height (cm)", "Height", "高(cm)", "高", "高度"),
    _t("length_in", "Length (in)", "Length (inch)", "Length (inches)"),
    _t("width_in", "Width (in)", "Width (inch)", "Width (inches)"),
    _t("height_in", "Height (in)", "Height (inch)", "Height (inches)"),
    _t("dims", "Dimensions (cm)", "Dimensions", "Size (cm)", "Package Size", "Package Dimensions", "尺寸", "尺寸(cm)",
       "包装尺寸", "产品尺寸"),
    _t("hs_code", "HS Code", "HS", "HTS Code", "Tariff Code", "海关编码", "HS编码", "商品编码"),
    _t("origin", "Country of Origin", "Origin Country", "Origin", "原产地", "产地", "原产国"),
)  # fmt: skip
QUOTE_FIELDS = (
    _t("supplier", "Supplier", "Supplier Name", "Vendor", "Manufacturer", "Factory", "供应商", "供应商名称", "厂家",
       "工厂", "厂商", filled=True),
    _PRODUCT,
    _t("unit_cost", "Unit Cost", "Unit Price", "Price", "FOB Price", "EXW Price", "Cost", "单价", "价格", "采购价",
       "采购单价", "报价", "出厂价", filled=True),
    _t("currency", "Currency", "币种", "货币", "币别"),
    _t("moq", "MOQ", "Minimum Order Quantity", "Min Order Qty", "Min. Order", "起订量", "最小起订量", "最低起订量"),
    _t("lead_time", "Lead Time (days)", "Lead Time", "Lead time days", "Production Time", "Delivery Time", "交期",
       "交货期", "交期(天)", "生产周期", "货期"),
    _t("incoterm", "Incoterm", "Incoterms", "Trade Terms", "Price Terms", "Terms", "贸易条款", "价格条款", "贸易术语"),
    _t("valid_from", "Quote Date", "Valid From", "Date", "Quotation Date", "报价日期", "日期"),
    _t("supplier_country", "Supplier Country", "国家", "供应商国家"),
    _t("city", "City", "Supplier City", "城市", "所在城市"),
    *ATTRIBUTE_FIELDS,
)  # fmt: skip


def _number(expr: str) -> str:
    """First number of a text ('500 pcs' → 500, '1,000件' → 1000, '1.2kg' → 1.2)."""
    return f"TRY_CAST(replace(nullif(regexp_extract({expr}, '(\\d[\\d,]*(\\.\\d+)?)', 1), ''), ',', '') AS DOUBLE)"


def _weight_kg(kg: str, g: str, lb: str) -> str:
    """Weight in kg from the kg, g or lb column; a unit written in the value wins over the column's."""

    def unit(x: str, column_unit: str) -> str:
        low = f"lower(trim({x}))"
        as_is = {"kg": _number(x), "g": f"{_number(x)} / 1000.0", "lb": f"{_number(x)} * 0.45359237"}
        return (
            f"CASE WHEN {low} LIKE '%kg%' OR {low} LIKE '%公斤%' OR {low} LIKE '%千克%' THEN {as_is['kg']} "
            f"WHEN regexp_matches({low}, '(lb|lbs|磅)\\s*$') THEN {as_is['lb']} "
            f"WHEN regexp_matches({low}, '(g|克)\\s*$') THEN {as_is['g']} "
            f"ELSE {as_is[column_unit]} END"
        )

    return f"coalesce({unit(kg, 'kg')}, {unit(g, 'g')}, {unit(lb, 'lb')})"


def _cm(x: str) -> str:
    low = f"lower(trim({x}))"
    return f"CASE WHEN regexp_matches({low}, '(in|inch|inches|\")\\s*$') THEN {_number(x)} * 2.54 ELSE {_number(x)} END"


def _dim(part: int) -> str:
    """Length (1), width (2) or height (3) from a '30x20x10 cm' / '30*20*10' text."""
    num = "(\\d+(?:\\.\\d+)?)"
    pat = f"{num}\\s*[x×X*]\\s*{num}\\s*[x×X*]\\s*{num}"
    factor = "CASE WHEN regexp_matches(lower(g.dims), '(in|inch|inches|\")\\s*$') THEN 2.54 ELSE 1.0 END"
    return f"TRY_CAST(nullif(regexp_extract(g.dims, '{pat}', {part}), '') AS DOUBLE) * {factor}"


def _lead_days(x: str) -> str:
    """Lead time in days: the upper end of a range ('25-30 days' → 30); weeks/周 × 7, months/月 × 30."""
    top = f"list_max(TRY_CAST(regexp_extract_all({x}, '\\d+(?:\\.\\d+)?') AS DOUBLE[]))"
    low = f"lower({x})"
    return (
        f"CASE WHEN {low} LIKE '%week%' OR {low} LIKE '%周%' THEN {top} * 7 "
        f"WHEN {low} LIKE '%month%' OR {low} LIKE '%月%' THEN {top} * 30 ELSE {top} END"
    )


def _country(x: str) -> str:
    cn = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _CN_COUNTRIES.items())
    return f"coalesce(CASE trim({x}) {cn} END, {country_sql(x)})"


def _attributes(ctx: LoadContext) -> dict[str, str]:
    """products attribute columns → SQL over the validated rows ``g``."""
    return {
        "brand": text_sql("g.brand"),
        "weight_kg": _weight_kg("g.weight_kg", "g.weight_g", "g.weight_lb"),
        "length_cm": f"coalesce({_cm('g.length_cm')}, {_number('g.length_in')} * 2.54, {_dim(1)})",
        "width_cm": f"coalesce({_cm('g.width_cm')}, {_number('g.width_in')} * 2.54, {_dim(2)})",
        "height_cm": f"coalesce({_cm('g.height_cm')}, {_number('g.height_in')} * 2.54, {_dim(3)})",
        "hs_code": "nullif(regexp_replace(g.hs_code, '[^0-9]', '', 'g'), '')",
        "origin_country": _country("g.origin"),
    }


_PRODUCT_ID = "CASE WHEN nullif(trim(g.asin), '') IS NOT NULL THEN 'amazon:' || trim(g.asin) ELSE 'custom:' || trim(g.product) END"
_ATTRS = ("brand", "weight_kg", "length_cm", "width_cm", "height_cm", "hs_code", "origin_country")


def _update_products(con, ctx: LoadContext, table: str) -> int:  # noqa: ANN001
    """Insert unknown products of ``table`` (product_id, title, attribute columns, _row), then set the
    attributes the file gives (the last row of a product wins). Returns how many rows added a product or
    changed an attribute (a row repeating an earlier row of the file does not count)."""
    differs = " OR ".join(f"(t.{a} IS NOT NULL AND t.{a} IS DISTINCT FROM p.{a})" for a in _ATTRS)
    changed = con.execute(
        f"""SELECT count(*) FROM (SELECT t.* FROM {table} t LEFT JOIN products p USING (product_id)
              WHERE p.product_id IS NULL OR {differs}
              QUALIFY row_number() OVER (PARTITION BY t.product_id, {", ".join(f"t.{a}" for a in _ATTRS)} ORDER BY t._row) = 1)"""
    ).fetchone()[0]  # type: ignore[index]
    upsert_products(
        con, ctx,
        f"""SELECT product_id, split_part(product_id, ':', 1) AS source, split_part(product_id, ':', 2) AS source_key,
                   arg_min(title, _row) AS title, TRUE AS is_product FROM {table} GROUP BY product_id""",
    )  # fmt: skip
    sets = ", ".join(f"{a} = coalesce(t.{a}, products.{a})" for a in _ATTRS)
    last = ", ".join(f"arg_max({a}, _row) FILTER (WHERE {a} IS NOT NULL) AS {a}" for a in _ATTRS)
    con.execute(
        f"""UPDATE products SET {sets},
                   dims_estimated = CASE WHEN t.length_cm IS NOT NULL OR t.weight_kg IS NOT NULL THEN FALSE
                                         ELSE products.dims_estimated END
            FROM (SELECT product_id, {last} FROM {table} GROUP BY product_id) t
            WHERE products.product_id = t.product_id"""
    )
    return int(changed)


def _write_master(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    attrs = _attributes(ctx)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_pm AS SELECT g._row, {_PRODUCT_ID} AS product_id, g.title,
                   {", ".join(f"{sql} AS {a}" for a, sql in attrs.items())} FROM {ctx.good} g"""
    )
    stored = _update_products(con, ctx, "_x_pm")
    return WriteCounts(stored=stored, duplicate=ctx.count() - stored)


def _write_quotes(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    cn_cur = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _CN_CURRENCIES.items())
    given = f"CASE upper(trim(g.currency)) {cn_cur} ELSE nullif(upper(trim(g.currency)), '') END"
    cn_sign = " ".join(f"WHEN strpos(g.unit_cost, '{k}') > 0 THEN '{v}'" for k, v in _CN_CURRENCIES.items())
    sign = f"CASE WHEN strpos(g.unit_cost, '¥') > 0 OR strpos(g.unit_cost, '￥') > 0 THEN 'CNY' {cn_sign} ELSE {symbol_currency_sql('g.unit_cost')} END"
    first = day_first(ctx, "g.valid_from")
    cols = {
        "supplier": text_sql("g.supplier"), "product_id": _PRODUCT_ID, "title": text_sql("g.title"),
        "currency": f"coalesce({given}, {sign})", "moq": _number("g.moq"), "lead_time_days": _lead_days("g.lead_time"),
        "incoterm": f"coalesce(nullif(regexp_extract(upper(g.incoterm), '\\b({'|'.join(INCOTERMS)})\\b', 1), ''), {text_sql('upper(g.incoterm)')})",
        "valid_from": date_sql("g.valid_from", dayfirst=first), "supplier_country": _country("g.supplier_country"),
        "city": text_sql("g.city"), **_attributes(ctx),
    }  # fmt: skip
    checks = {
        "unit_cost": (ctx.mapping["unit_cost"], "g.unit_cost", "bad_number"),
        "valid_from": (ctx.mapping.get("valid_from", "valid_from"), "g.valid_from", "bad_date"),
        "moq": (ctx.mapping.get("moq", "moq"), "g.moq", "bad_number"),
        "lead_time_days": (ctx.mapping.get("lead_time", "lead_time"), "g.lead_time", "bad_number"),
    }
    typed_table(
        ctx,
        "_x_q",
        cols,
        checks,
        money={"unit_cost": "regexp_replace(g.unit_cost, '[元￥]|RMB|人民币', '', 'g')"},
    )
    ctx.quarantine_where(
        "_x_q", "currency IS NULL", ctx.mapping.get("currency", ctx.mapping["unit_cost"]), "_raw_unit_cost", "no_currency",
        "the quote states no currency: add a Currency (币种) column or write the price with its sign ($2.10, ¥15)",
    )  # fmt: skip
    sid = "'quotes:' || lower(regexp_replace(trim(q.supplier), '\\s+', ' ', 'g'))"
    con.execute(
        f"""INSERT OR IGNORE INTO suppliers (supplier_id, name, country, city, source, ingest_id)
            SELECT {sid}, arg_min(q.supplier, q._row), arg_min(q.supplier_country, q._row) FILTER (WHERE q.supplier_country IS NOT NULL),
                   arg_min(q.city, q._row) FILTER (WHERE q.city IS NOT NULL), 'supplier_quotes', '{ctx.ingest_id}'
            FROM _x_q q GROUP BY 1"""
    )
    _update_products(con, ctx, "_x_q")
    dims = ("supplier_id", "product_id", "unit_cost", "currency", "moq", "lead_time_days", "incoterm", "valid_from",
            "origin_country")  # fmt: skip
    # An identical quote line (in this file or an earlier one) is a duplicate: no occurrence number in the key.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_q2 AS SELECT *, {key_sql(dims, occurrence=False)} AS offer_key FROM (
              SELECT q._row, {sid} AS supplier_id, q.product_id, q.unit_cost, q.currency, q.moq, q.lead_time_days,
                     q.valid_from, q.incoterm, q.origin_country FROM _x_q q)"""
    )
    n = con.execute(
        f"""INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, moq, lead_time_days, valid_from,
                   ingest_id, incoterm, origin_country, offer_key, source)
            SELECT supplier_id, product_id, unit_cost, currency, moq, lead_time_days, valid_from, '{ctx.ingest_id}',
                   incoterm, origin_country, offer_key, 'supplier_quotes' FROM _x_q2
            WHERE offer_key NOT IN (SELECT offer_key FROM supplier_offers WHERE offer_key IS NOT NULL)
            QUALIFY row_number() OVER (PARTITION BY offer_key ORDER BY _row) = 1"""
    ).fetchone()[0]  # type: ignore[index]
    return WriteCounts(stored=int(n), duplicate=ctx.count("_x_q2") - int(n))


def _has_attribute(headers: list[str]) -> bool:
    """A product master file gives at least one attribute (brand, weight, dimensions, HS code, origin)."""
    have = {norm(h) for h in headers}
    attrs = [f for f in ATTRIBUTE_FIELDS if f.name not in {"asin", "title"}]
    return any(norm(a) in have for f in attrs for a in f.aliases)


register(
    Layout(
        "supplier_quotes", "quotes", QUOTE_FIELDS, _write_quotes,
        "supplier quote sheet (supplier, SKU, unit cost, currency, MOQ, lead time, ...; English or Chinese headers)",
        order=14, source="quotes",
    )
)  # fmt: skip
register(
    Layout(
        "product_master", "products", (_PRODUCT, *ATTRIBUTE_FIELDS), _write_master,
        "product master data (SKU, brand, weight, dimensions, HS code, origin; English or Chinese headers)",
        order=13, source="custom", auto_min=3,
        matcher=_has_attribute,
    )
)  # fmt: skip
