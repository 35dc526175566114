"""Supplier quotes (kind ``quotes``) and product master data (kind ``products``) from CSV/XLSX with the usual
English and Chinese column spellings.

A quote row fills ``suppliers`` (``quotes:<name>``), ``supplier_offers`` (unit cost, currency, MOQ, lead time,
incoterm, origin, date, payment terms — see :func:`terms_sql`) and the product's attributes in ``products`` (brand, weight, dimensions, HS code,
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

__all__ = ["QUOTE_FIELDS", "ATTRIBUTE_FIELDS", "INCOTERMS", "terms_sql"]

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
    _t("payment_terms", "Payment Terms", "Payment Term", "Terms of Payment", "Payment", "付款方式", "付款条件",
       "付款条款", "结算方式", "支付方式"),
    _t("deposit", "Deposit", "Deposit (%)", "Deposit %", "Deposit Share", "定金", "定金比例", "订金比例", "预付比例"),
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


_NUM = "(\\d+(?:\\.\\d+)?)"
_DEPOSIT_WORDS = "(?:deposit|down ?payment|advance|prepay(?:ment)?|定金|订金|预付款?|首付)"
_FULL_ADVANCE = (
    "(?:100\\s*%|full(?: payment)?|全款|全额)[^,;，；]{0,12}(?:in advance|advance|prepa|before production|预付|提前)"
    "|(?:预付|advance)\\s*100\\s*%|款到发货|先款后货|cash in advance"
)
_AT_SHIPMENT = ("before (?:shipment|shipping|delivery|loading|dispatch)|against (?:the )?(?:copy of )?b/?l|"
                "at sight|发货前|出货前|装船前|提货前|见提单|见单")  # fmt: skip
_CREDIT = (f"(?:net|o/?a|open account|credit)\\s*{_NUM}|{_NUM}\\s*days? (?:after|from) "
           f"(?:shipment|delivery|b/?l|receipt|arrival|invoice)|(?:月结|账期|货到|票到)\\s*{_NUM}\\s*天")  # fmt: skip
_PCT_TT = "\\s*%\\s*(?:t/?t\\s*)?"
_PCT = "\\s*%"
_GAP = "[^\\d,;，；]{0,8}"
_SPLIT = "(?:^|[^\\d.])(\\d{1,3})\\s*%?\\s*/\\s*(\\d{1,3})\\s*%?(?:[^\\d]|$)"


def _pct_of(text: str, pattern: str) -> str:
    """The first group of ``pattern`` in ``text`` as a share (30 → 0.30)."""
    return f"TRY_CAST(nullif(regexp_extract({text}, '{pattern}', 1), '') AS DOUBLE) / 100.0"


def terms_sql(text: str, deposit: str, lead: str) -> tuple[str, str]:
    """SQL of a quote's (deposit share 0-1, payment days after the order) from its payment-terms text.

    ``deposit`` is a Deposit (定金) column ("30%", "30" or "0.3"), which wins over the text. Read from the text:
    a full advance ("100% T/T in advance", 款到发货) is a deposit of 1; "30% deposit", "deposit 30%", "定金30%"
    or "30/70" give 0.30; credit terms without a deposit ("Net 30", "O/A 60", "月结30天", L/C) give 0. The days
    are when the balance (and, in the cash model, the freight) is paid, counted from the order: at the end of the
    production lead time ``lead`` for a balance "before shipment", "against B/L copy", "at sight", 发货前 or a
    full advance; ``lead`` + N for credit of N days after shipment ("Net 30", "60 days after B/L", "月结30天").
    Anything else is NULL: the cash flow then takes the settings' terms and says so.
    """
    t = f"lower(coalesce({text}, ''))"
    col = f"TRY_CAST(nullif(regexp_extract({deposit}, '{_NUM}', 1), '') AS DOUBLE)"
    share = f"CASE WHEN strpos({deposit}, '%') > 0 OR {col} > 1 THEN {col} / 100.0 ELSE {col} END"
    before, after = _NUM + _PCT_TT + _DEPOSIT_WORDS, _DEPOSIT_WORDS + _GAP + _NUM + _PCT
    split = f"regexp_extract({t}, '{_SPLIT}', ['a', 'b'])"
    credit = f"regexp_extract_all({t}, '{_CREDIT}', 0)"
    credit_days = f"TRY_CAST(nullif(regexp_extract(({credit})[1], '{_NUM}', 1), '') AS DOUBLE)"
    lc = f"regexp_matches({t}, 'l/c|letter of credit|信用证')"
    deposit_sql = (
        f"CASE WHEN {col} IS NOT NULL THEN {share} "
        f"WHEN regexp_matches({t}, '{_FULL_ADVANCE}') THEN 1.0 "
        f"WHEN regexp_matches({t}, '{before}') THEN {_pct_of(t, before)} "
        f"WHEN regexp_matches({t}, '{after}') THEN {_pct_of(t, after)} "
        f"WHEN TRY_CAST({split}.a AS INT) + TRY_CAST({split}.b AS INT) = 100 THEN TRY_CAST({split}.a AS INT) / 100.0 "
        f"WHEN len({credit}) > 0 OR {lc} THEN 0.0 END"
    )
    days_sql = (
        f"CASE WHEN len({credit}) > 0 THEN {lead} + {credit_days} "
        f"WHEN regexp_matches({t}, '{_FULL_ADVANCE}|{_AT_SHIPMENT}') OR {lc} THEN {lead} END"
    )
    return deposit_sql, days_sql


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
        "city": text_sql("g.city"), "payment_terms": text_sql("g.payment_terms"), "deposit_text": text_sql("g.deposit"),
        **_attributes(ctx),
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
    # Payment terms enter the key only when given (a file without them keeps the keys it always had).
    terms = "coalesce('|terms:' || coalesce(payment_terms, '') || '|' || coalesce(deposit_text, ''), '')"
    deposit_share, payment_days = terms_sql("q.payment_terms", "q.deposit_text", "q.lead_time_days")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_q2 AS SELECT *,
                   CASE WHEN payment_terms IS NULL AND deposit_text IS NULL THEN {key_sql(dims, occurrence=False)}
                        ELSE md5({key_sql(dims, occurrence=False)[4:-1]} || {terms}) END AS offer_key FROM (
              SELECT q._row, {sid} AS supplier_id, q.product_id, q.unit_cost, q.currency, q.moq, q.lead_time_days,
                     q.valid_from, q.incoterm, q.origin_country, q.payment_terms, q.deposit_text,
                     {deposit_share} AS deposit_share, {payment_days} AS payment_days FROM _x_q q)"""
    )
    n = con.execute(
        f"""INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, moq, lead_time_days, valid_from,
                   ingest_id, incoterm, origin_country, offer_key, source, payment_terms, deposit_share, payment_days)
            SELECT supplier_id, product_id, unit_cost, currency, moq, lead_time_days, valid_from, '{ctx.ingest_id}',
                   incoterm, origin_country, offer_key, 'supplier_quotes',
                   coalesce(payment_terms, 'deposit ' || deposit_text), deposit_share, payment_days FROM _x_q2
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
