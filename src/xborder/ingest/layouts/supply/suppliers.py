"""Supplier sheets (kind ``suppliers``): performance events, certificates and the four-part verification, with
English or Chinese headers. Suppliers are named as quote sheets name them (``quotes:<name>``), so a supplier's
events, certificates and verification meet its quotes; unknown suppliers are added to ``suppliers``."""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Layout, WriteCounts, norm, register
from xborder.ingest.layouts.common import key_sql, symbol_currency_sql, text_sql, typed_table
from xborder.ingest.layouts.supply.common import (
    SUPPLIER_ALIASES,
    country_of,
    date_of,
    ensure_suppliers,
    insert_keyed,
    number,
    supplier_id_sql,
    text_field,
)
from xborder.ingest.products import upsert_products
from xborder.schema.supply import SUPPLIER_CERTIFICATES, SUPPLIER_EVENTS, SUPPLIER_VERIFICATIONS

__all__ = ["EVENT_TYPES", "CHECK_TYPES", "STANDARDS"]

EVENT_TYPES = (
    "delivery",
    "inspection",
    "response",
    "capacity",
    "audit",
    "incident",
    "capability",
    "financial",
)
CHECK_TYPES = ("business_registration", "tax_registration", "bank_account", "legal_representative")
STANDARDS = {  # regular expression over the lower-case name → standard code
    "iso\\s*-?9001": "ISO9001", "iso\\s*-?14001": "ISO14001", "iso\\s*-?45001": "ISO45001",
    "bsci|amfori": "BSCI", "sa\\s*-?8000": "SA8000", "\\bfsc\\b": "FSC", "smeta|sedex": "SMETA",
    "\\bwrap\\b": "WRAP", "\\bgots\\b": "GOTS", "oeko": "OEKOTEX", "\\bgrs\\b": "GRS",
}  # fmt: skip
_TYPE_WORDS = {
    "delivery": ("delivery", "deliveries", "shipment", "交货", "到货", "交付"),
    "inspection": ("inspection", "qc", "quality", "验货", "质检", "检验"),
    "response": ("response", "communication", "reply", "回复", "沟通", "响应"),
    "capacity": ("capacity", "产能"),
    "audit": ("audit", "factory audit", "审核", "验厂"),
    "incident": ("incident", "esg", "esg incident", "violation", "事件", "违规"),
    "capability": ("capability", "customisation", "customization", "r&d", "定制", "研发", "能力"),
    "financial": ("financial", "finance", "credit", "财务", "信用"),
}  # fmt: skip
_WORDS = {
    "severity": {"minor": ("minor", "low", "轻微"), "major": ("major", "medium", "严重"),
                 "critical": ("critical", "high", "重大", "致命")},
    "audit": {"pass": ("pass", "passed", "通过"), "conditional": ("conditional", "conditional pass", "有条件通过"),
              "fail": ("fail", "failed", "不通过", "未通过")},
    "capability": {"none": ("none", "no", "无"), "private_label": ("private label", "private_label", "logo", "贴牌"),
                   "oem": ("oem",), "odm": ("odm",), "rnd": ("rnd", "r&d", "own design", "研发")},
    "status": {"verified": ("verified", "ok", "pass", "passed", "yes", "true", "已核实", "已验证", "通过", "有效"),
               "failed": ("failed", "fail", "no", "false", "mismatch", "不通过", "失败", "不符"),
               "pending": ("pending", "待核实", "审核中", "进行中")},
}  # fmt: skip
_PRODUCT = text_field("product", "SKU", "Seller SKU", "Product", "Product ID", "Item No", "Item Number", "Model",
                      "货号", "产品编号", "型号")  # fmt: skip
_ASIN = text_field("asin", "ASIN")
_CURRENCY = "nullif(upper(trim(g.currency)), '')"
_PRODUCT_ID = "CASE WHEN trim(g.asin) <> '' THEN 'amazon:' || trim(g.asin) WHEN trim(g.product) <> '' THEN 'custom:' || trim(g.product) END"


def _case(expr: str, words: dict[str, tuple[str, ...]]) -> str:
    """Map ``expr`` (compared lower-case, trimmed) to a canonical word; NULL when none matches."""
    arms = " ".join(
        f"WHEN lower(trim({expr})) IN ({', '.join(repr(w) for w in ws)}) THEN '{k}'"
        for k, ws in words.items()
    )
    return f"CASE {arms} END"


def _product_id(ctx: LoadContext) -> str:
    if not (ctx.has("product") or ctx.has("asin")):
        return "CAST(NULL AS VARCHAR)"
    return _PRODUCT_ID.replace("g.asin", "g.asin" if ctx.has("asin") else "NULL").replace(
        "g.product", "g.product" if ctx.has("product") else "NULL"
    )


def _g(ctx: LoadContext, name: str, sql: str | None = None) -> str:
    """``sql`` (default ``g.<name>``) when the file has the field, else NULL."""
    return (sql or f"g.{name}") if ctx.has(name) else "NULL"


def _add_products(ctx: LoadContext, table: str) -> None:
    upsert_products(
        ctx.con, ctx,
        f"SELECT DISTINCT product_id, split_part(product_id, ':', 1) AS source, split_part(product_id, ':', 2) AS "
        f"source_key, NULL AS title, TRUE AS is_product FROM {table} WHERE product_id IS NOT NULL",
    )  # fmt: skip


_EVENT_FIELDS = (
    text_field("supplier", *SUPPLIER_ALIASES, filled=True),
    text_field("event_type", "Event Type", "Event", "Type", "类型", "事件类型"),
    text_field("event_date", "Date", "Event Date", "日期", "事件日期"),
    _PRODUCT, _ASIN,
    text_field("order_ref", "PO", "PO Number", "PO No", "Order", "Order No", "Order Number", "订单号", "采购单号"),
    text_field("ordered_on", "Order Date", "PO Date", "Ordered On", "下单日期"),
    text_field("promised_on", "Promised Date", "Promised Delivery Date", "Scheduled Delivery Date", "Due Date",
               "承诺交期", "约定交期", "计划交期"),
    text_field("delivered_on", "Delivered Date", "Actual Delivery Date", "Delivery Date", "Delivered On",
               "实际交期", "到货日期", "交货日期"),
    text_field("ordered_qty", "Ordered Qty", "Order Quantity", "Quantity Ordered", "订单数量", "下单数量"),
    text_field("delivered_qty", "Delivered Qty", "Quantity Delivered", "Received Qty", "交货数量", "到货数量"),
    text_field("inspected_qty", "Inspected Qty", "Sample Size", "Inspected", "抽检数量", "检验数量"),
    text_field("defective_qty", "Defects", "Defective Qty", "Defect Count", "Defective", "次品数", "不良数"),
    text_field("response_hours", "Response Time (h)", "Response Hours", "Response Time", "回复时长", "响应时间(小时)"),
    text_field("capacity", "Capacity", "Monthly Capacity", "Capacity per Month", "月产能", "产能"),
    text_field("committed", "Committed", "Committed Capacity", "Booked Capacity", "已占用产能"),
    text_field("score", "Score", "Audit Score", "Rating Score", "评分", "得分"),
    text_field("result", "Result", "Audit Result", "Level", "Capability", "结果", "审核结果"),
    text_field("severity", "Severity", "严重程度"),
    text_field("value", "Value", "Line Value", "Amount", "金额"),
    text_field("currency", "Currency", "币种"),
    text_field("freight_cost", "Freight Cost", "Freight", "运费"),
    text_field("mode", "Mode", "Shipment Mode", "Ship Mode", "运输方式"),
    text_field("destination", "Destination", "Destination Country", "Ship To Country", "目的国"),
    text_field("note", "Note", "Notes", "Description", "Remark", "备注", "说明"),
    text_field("supplier_country", "Supplier Country", "供应商国家"),
)  # fmt: skip
_EVENT_SPECIFIC = {"event_type", "promised_on", "delivered_on", "inspected_qty", "defective_qty", "response_hours",
                   "capacity", "severity"}  # fmt: skip
_NUMBERS = ("ordered_qty", "delivered_qty", "inspected_qty", "defective_qty", "response_hours", "capacity",
            "committed", "score", "value", "freight_cost")  # fmt: skip
_DATES = ("event_date", "ordered_on", "promised_on", "delivered_on")


def _has_any(fields: set[str], layout_fields: tuple) -> object:
    aliases = {norm(a) for f in layout_fields if f.name in fields for a in f.aliases}
    return lambda headers: any(norm(h) in aliases for h in headers)


def _infer_type(ctx: LoadContext) -> str:
    """The event type given (any of its words), else what the filled columns say it is."""
    given = _case("g.event_type", _TYPE_WORDS) if ctx.has("event_type") else "NULL"
    rules = [("promised_on", "delivery"), ("delivered_on", "delivery"), ("defective_qty", "inspection"),
             ("inspected_qty", "inspection"), ("response_hours", "response"), ("capacity", "capacity"),
             ("severity", "incident")]  # fmt: skip
    arms = " ".join(f"WHEN trim(g.{f}) <> '' THEN '{t}'" for f, t in rules if ctx.has(f))
    inferred = f"CASE {arms} END" if arms else "NULL"
    return f"coalesce({given}, CASE WHEN {_g(ctx, 'event_type', 'trim(g.event_type)')} IS NULL OR trim(g.event_type) = '' THEN {inferred} END)"


def _write_events(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    cols = {
        "supplier": text_sql("g.supplier"), "supplier_id": supplier_id_sql("g.supplier"),
        "event_type": _infer_type(ctx), "raw_type": _g(ctx, "event_type"), "product_id": _product_id(ctx),
        "order_ref": _g(ctx, "order_ref", text_sql("g.order_ref")),
        **{d: _g(ctx, d, date_of(ctx, d)) for d in _DATES},
        **{n: _g(ctx, n, number(f"g.{n}")) for n in _NUMBERS},
        "result": _g(ctx, "result", "lower(trim(g.result))"), "severity_raw": _g(ctx, "severity", "g.severity"),
        "currency": f"coalesce({_g(ctx, 'currency', _CURRENCY)}, {_g(ctx, 'value', symbol_currency_sql('g.value'))})",
        "mode": _g(ctx, "mode", "nullif(lower(trim(g.mode)), '')"),
        "destination": _g(ctx, "destination", country_of("g.destination")), "note": _g(ctx, "note", text_sql("g.note")),
        "supplier_country": _g(ctx, "supplier_country", country_of("g.supplier_country")),
    }  # fmt: skip
    checks = {n: (ctx.mapping[n], f"g.{n}", "bad_number") for n in _NUMBERS if ctx.has(n)}
    checks |= {d: (ctx.mapping[d], f"g.{d}", "bad_date") for d in _DATES if ctx.has(d)}
    typed_table(ctx, "_x_ev", cols, checks)
    ctx.quarantine_where(
        "_x_ev", "event_type IS NULL", ctx.mapping.get("event_type", ctx.mapping["supplier"]), "raw_type",
        "unknown_event_type", f"the row is no known event: give an Event Type ({', '.join(EVENT_TYPES)}) or fill "
        "the columns of one (promised/delivered dates, defects, response time, capacity, severity)",
    )  # fmt: skip
    day = "coalesce(event_date, delivered_on, promised_on, ordered_on)"
    ctx.quarantine_where(
        "_x_ev", f"{day} IS NULL", ctx.mapping.get("event_date", ctx.mapping["supplier"]), "NULL", "no_date",
        "the event states no date: add a Date column (or the order, promised or delivered date)",
    )  # fmt: skip
    sev = _case("severity_raw", _WORDS["severity"])
    result = (f"CASE event_type WHEN 'audit' THEN coalesce({_case('result', _WORDS['audit'])}, result) "
              f"WHEN 'capability' THEN coalesce({_case('result', _WORDS['capability'])}, result) ELSE result END")  # fmt: skip
    dims = ["supplier_id", "event_type", "event_date", "product_id", "order_ref", "ordered_on", "promised_on",
            "delivered_on", *_NUMBERS, "result", "severity", "currency", "mode", "destination", "note"]  # fmt: skip
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ev2 AS SELECT *, {key_sql(dims)} AS event_key FROM (
              SELECT _row, supplier, supplier_id, supplier_country, event_type, {day} AS event_date, product_id, order_ref,
                     ordered_on, promised_on, delivered_on, {", ".join(_NUMBERS)}, {result} AS result, {sev} AS severity,
                     currency, mode, destination, note FROM _x_ev)"""
    )
    ensure_suppliers(ctx, "_x_ev2", "supplier_events", country="supplier_country")
    _add_products(ctx, "_x_ev2")
    out = ["event_key", "supplier_id", "event_type", "event_date", "product_id", "order_ref", "ordered_on",
           "promised_on", "delivered_on", "ordered_qty", "delivered_qty", "inspected_qty", "defective_qty",
           "response_hours", "capacity_per_month", "committed_per_month", "score", "result", "severity", "value",
           "currency", "freight_cost", "mode", "destination", "note", "source"]  # fmt: skip
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _x_ev3 AS SELECT *, capacity AS capacity_per_month,
                  committed AS committed_per_month, 'supplier_events' AS source FROM _x_ev2"""
    )
    n = insert_keyed(ctx, SUPPLIER_EVENTS.name, "event_key", "_x_ev3", out)
    return WriteCounts(stored=n, duplicate=ctx.count("_x_ev3") - n)


_CERT_FIELDS = (
    text_field("supplier", *SUPPLIER_ALIASES, filled=True),
    text_field("certificate", "Certificate", "Standard", "Certification", "Certificate Name", "Document", "证书",
               "认证", "证书名称", "文件", filled=True),
    text_field("kind", "Kind", "Document Type", "Certificate Type", "证书类型", "文件类型"),
    text_field("covers", "Covers", "Compliance Rule", "Requirement", "Rule", "对应要求"),
    text_field("certificate_no", "Certificate No", "Certificate Number", "Report No", "Report Number", "证书编号",
               "报告编号"),
    text_field("issuer", "Issuer", "Certification Body", "Lab", "Laboratory", "发证机构", "认证机构", "检测机构"),
    text_field("issued_on", "Issue Date", "Issued", "Issued On", "发证日期", "签发日期"),
    text_field("expires_on", "Expiry Date", "Expires", "Expires On", "Valid Until", "Valid To", "Expiration Date",
               "有效期至", "到期日期"),
    _PRODUCT, _ASIN,
)  # fmt: skip
_KINDS = {"certificate": ("certificate", "certification", "cert", "证书", "认证"),
          "test_report": ("test report", "test_report", "report", "测试报告", "检测报告"),
          "declaration": ("declaration", "doc", "declaration of conformity", "符合性声明", "声明"),
          "document": ("document", "file", "文件", "资料")}  # fmt: skip


def _code_sql(name: str, covers: str) -> str:
    arms = " ".join(
        f"WHEN regexp_matches(lower({name}), '{pat}') THEN '{code}'" for pat, code in STANDARDS.items()
    )
    rule = f"CASE WHEN regexp_matches(lower(trim({covers})), '^[a-z]{{2,3}}_[a-z0-9_]+$') THEN lower(trim({covers})) END"
    fallback = (f"CASE WHEN regexp_matches(lower(trim({name})), '^[a-z]{{2,3}}_[a-z0-9_]+$') THEN lower(trim({name})) "
                f"ELSE nullif(upper(regexp_replace({name}, '[^A-Za-z0-9]', '', 'g')), '') END")  # fmt: skip
    return f"coalesce({rule}, CASE {arms} END, {fallback})"


def _write_certificates(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    name = "trim(g.certificate)"
    inferred = (f"CASE WHEN regexp_matches(lower({name}), 'test report|\\breport\\b|报告') THEN 'test_report' "
                f"WHEN regexp_matches(lower({name}), 'declaration|\\bdoc\\b|声明') THEN 'declaration' ELSE 'certificate' END")  # fmt: skip
    kind = f"coalesce({_case('g.kind', _KINDS)}, {inferred})" if ctx.has("kind") else inferred
    cols = {
        "supplier": text_sql("g.supplier"), "supplier_id": supplier_id_sql("g.supplier"), "kind": kind,
        "code": _code_sql(name, _g(ctx, "covers")), "name": text_sql("g.certificate"), "product_id": _product_id(ctx),
        "certificate_no": _g(ctx, "certificate_no", text_sql("g.certificate_no")),
        "issuer": _g(ctx, "issuer", text_sql("g.issuer")),
        "issued_on": _g(ctx, "issued_on", date_of(ctx, "issued_on")),
        "expires_on": _g(ctx, "expires_on", date_of(ctx, "expires_on")),
    }  # fmt: skip
    checks = {d: (ctx.mapping[d], f"g.{d}", "bad_date") for d in ("issued_on", "expires_on") if ctx.has(d)}
    typed_table(ctx, "_x_ce", cols, checks)
    dims = ["supplier_id", "kind", "code", "product_id", "certificate_no", "issued_on", "expires_on"]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ce2 AS SELECT *, {key_sql(dims, occurrence=False)} AS certificate_key,
                   'supplier_certificates' AS source FROM _x_ce"""
    )
    ensure_suppliers(ctx, "_x_ce2", "supplier_certificates")
    _add_products(ctx, "_x_ce2")
    out = ["certificate_key", "supplier_id", "kind", "code", "name", "product_id", "certificate_no", "issuer",
           "issued_on", "expires_on", "source"]  # fmt: skip
    n = insert_keyed(ctx, SUPPLIER_CERTIFICATES.name, "certificate_key", "_x_ce2", out)
    return WriteCounts(stored=n, duplicate=ctx.count("_x_ce2") - n)


_VERIFY_FIELDS = (
    text_field("supplier", *SUPPLIER_ALIASES, filled=True),
    text_field("check", "Check", "Check Type", "Verification", "Verification Item", "Item", "核验项目", "项目",
               filled=True),
    text_field("status", "Status", "Result", "Verification Status", "状态", "结果"),
    text_field("evidence", "Evidence", "Reference", "Document No", "Licence No", "License No", "Number", "证据", "编号",
               "证件号"),
    text_field("verified_on", "Verified On", "Verified Date", "Check Date", "Date", "核验日期", "日期"),
    text_field("expires_on", "Expires On", "Expiry Date", "Valid Until", "有效期至", "到期日期"),
    text_field("verified_by", "Verified By", "Checked By", "Agent", "核验人", "核验机构"),
)  # fmt: skip


def _check_sql(expr: str) -> str:
    low = f"lower(trim({expr}))"
    return (
        f"CASE WHEN {low} IN {tuple(CHECK_TYPES)} THEN {low} "
        f"WHEN regexp_matches({low}, 'tax|税') THEN 'tax_registration' "
        f"WHEN regexp_matches({low}, 'bank|银行|账户') THEN 'bank_account' "
        f"WHEN regexp_matches({low}, 'legal|representative|法人|法定代表') THEN 'legal_representative' "
        f"WHEN regexp_matches({low}, 'business|licen|registration|营业|工商') THEN 'business_registration' END"
    )


def _write_verifications(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    verified = _g(ctx, "verified_on", date_of(ctx, "verified_on"))
    status = _case("g.status", _WORDS["status"]) if ctx.has("status") else "NULL"
    default = f"CASE WHEN {_g(ctx, 'status', 'trim(g.status)')} IS NULL OR trim(g.status) = '' THEN CASE WHEN {verified} IS NOT NULL THEN 'verified' ELSE 'pending' END END"
    cols = {
        "supplier": text_sql("g.supplier"), "supplier_id": supplier_id_sql("g.supplier"),
        "check_type": _check_sql("g.check"), "raw_check": "g.check", "status": f"coalesce({status}, {default})",
        "raw_status": _g(ctx, "status"), "evidence": _g(ctx, "evidence", text_sql("g.evidence")),
        "verified_on": verified, "expires_on": _g(ctx, "expires_on", date_of(ctx, "expires_on")),
        "verified_by": _g(ctx, "verified_by", text_sql("g.verified_by")),
    }  # fmt: skip
    checks = {d: (ctx.mapping[d], f"g.{d}", "bad_date") for d in ("verified_on", "expires_on") if ctx.has(d)}
    typed_table(ctx, "_x_vf", cols, checks)
    ctx.quarantine_where(
        "_x_vf", "check_type IS NULL", ctx.mapping["check"], "raw_check", "unknown_check",
        f"not one of the four checks: {', '.join(CHECK_TYPES)} (营业执照, 税务登记, 银行账户, 法定代表人)",
    )  # fmt: skip
    ctx.quarantine_where(
        "_x_vf", "status IS NULL", ctx.mapping.get("status", ctx.mapping["check"]), "raw_status", "unknown_status",
        "status must be verified, failed or pending (已核实, 不通过, 待核实)",
    )  # fmt: skip
    # The legal representative's evidence identifies a person: only its keyed hash is stored.
    evidence = "v.evidence"
    join = ""
    if ctx.has("evidence"):
        ctx.pseudonyms(text_sql("evidence"), "supplier_legal_representative", "_x_vf_p")
        join = "LEFT JOIN _x_vf_p p ON p.raw = v.evidence"
        evidence = "CASE WHEN v.check_type = 'legal_representative' THEN p.pkey ELSE v.evidence END"
    dims = ["supplier_id", "check_type", "status", "evidence_ref", "verified_on", "expires_on"]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_vf2 AS SELECT *, {key_sql(dims, occurrence=False)} AS verification_key,
                   'supplier_verification' AS source FROM (
              SELECT v._row, v.supplier, v.supplier_id, v.check_type, v.status, {evidence} AS evidence_ref,
                     v.verified_on, v.expires_on, v.verified_by FROM _x_vf v {join})"""
    )
    ensure_suppliers(ctx, "_x_vf2", "supplier_verification")
    out = ["verification_key", "supplier_id", "check_type", "status", "evidence_ref", "verified_on", "expires_on",
           "verified_by", "source"]  # fmt: skip
    n = insert_keyed(ctx, SUPPLIER_VERIFICATIONS.name, "verification_key", "_x_vf2", out)
    return WriteCounts(stored=n, duplicate=ctx.count("_x_vf2") - n)


register(
    Layout(
        "supplier_events", "suppliers", _EVENT_FIELDS, _write_events,
        "supplier performance events (supplier, event type or promised/delivered dates, defects, response time, "
        "capacity, audits, incidents; English or Chinese headers)",
        order=15, source="quotes", auto_min=3, matcher=_has_any(_EVENT_SPECIFIC, _EVENT_FIELDS),  # type: ignore[arg-type]
    )
)  # fmt: skip
register(
    Layout(
        "supplier_certificates", "suppliers", _CERT_FIELDS, _write_certificates,
        "supplier certificates and test reports (supplier, certificate, number, issuer, issue and expiry date)",
        order=16, source="quotes", auto_min=3,
    )
)  # fmt: skip
register(
    Layout(
        "supplier_verification", "suppliers", _VERIFY_FIELDS, _write_verifications,
        "supplier verification evidence (supplier, check, status, evidence, verified on, expires on)",
        order=17, source="quotes", auto_min=3,
    )
)  # fmt: skip
