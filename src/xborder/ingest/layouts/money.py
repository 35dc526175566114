"""Money movements (kind ``transactions``): Amazon date-range ("Custom Transaction") reports and settlement
flat files (V2), into ``money_movements``.

Date-range report: one row per transaction with its amounts by type (product sales, shipping credits,
rebates, selling fees, FBA fees, other, total); the description lines Amazon writes above the header are
skipped by the reader (the header row is found). Marketplace per row from its "marketplace" column
(amazon.com → US, USD); fee and transfer rows without one take the file's most frequent marketplace.
Settlement V2: one row per amount line (amount-type, amount-description, amount); the settlement's summary
line (deposit date, total-amount) is stored as its transfer with total = −total-amount, the sign the
date-range report gives transfers (money leaving the Amazon balance for the bank).
Every row gets a ``category`` (order, refund, selling_fee, fba_fee, storage, advertising, service_fee,
promotion, reimbursement, adjustment, transfer, reserve, debt, tax, other) from its type and description.
"""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.common import (
    day_first,
    domain_market_sql,
    insert_new,
    key_sql,
    market_of_currency_sql,
    market_scope,
    text_sql,
    timestamp_zone_sql,
    typed_table,
)
from xborder.schema.seller import MONEY_MOVEMENTS

__all__ = ["AMOUNTS", "category_sql"]

# Amount columns of the date-range report: canonical name → header spellings (US, UK, older reports).
AMOUNTS = {
    "product_sales": ("product sales",),
    "product_sales_tax": ("product sales tax",),
    "shipping_credits": ("shipping credits", "postage credits"),
    "shipping_credits_tax": ("shipping credits tax", "postage credits tax"),
    "gift_wrap_credits": ("gift wrap credits",),
    "gift_wrap_credits_tax": ("giftwrap credits tax", "gift wrap credits tax"),
    "promotional_rebates": ("promotional rebates",),
    "promotional_rebates_tax": ("promotional rebates tax",),
    "marketplace_withheld_tax": ("marketplace withheld tax", "marketplace facilitator tax"),
    "selling_fees": ("selling fees",),
    "fba_fees": ("fba fees",),
    "other_transaction_fees": ("other transaction fees",),
    "other": ("other",),
}


def category_sql(kind: str, desc: str, amount_type: str = "NULL") -> str:
    """SQL giving the category of a movement from its type, description (and settlement amount-type)."""
    t, d, a = (
        f"lower(coalesce({kind}, ''))",
        f"lower(coalesce({desc}, ''))",
        f"lower(coalesce({amount_type}, ''))",
    )
    return f"""CASE
        WHEN {t} LIKE '%transfer%' OR {t} = 'disbursement' THEN 'transfer'
        WHEN {t} LIKE '%reserve%' OR {d} LIKE '%reserve%' THEN 'reserve'
        WHEN {d} LIKE '%advertising%' OR {t} LIKE '%advertising%' OR {a} LIKE '%advertising%' THEN 'advertising'
        WHEN {d} LIKE '%reimbursement%' OR {t} LIKE '%reimbursement%' OR {a} LIKE '%reimbursement%' THEN 'reimbursement'
        WHEN {d} LIKE '%storage%' THEN 'storage'
        WHEN {a} = 'itemfees' AND {d} LIKE 'fba%' THEN 'fba_fee'
        WHEN {a} = 'itemfees' THEN 'selling_fee'
        WHEN {a} LIKE '%promotion%' OR {d} LIKE 'save %' OR {d} LIKE '%coupon%' OR {t} LIKE '%coupon%'
             OR {t} LIKE '%deal%' THEN 'promotion'
        WHEN {a} LIKE '%withheldtax%' OR {t} LIKE '%tax%' THEN 'tax'
        WHEN {t} IN ('order', 'shipment') THEN 'order'
        WHEN {t} LIKE '%refund%' OR {t} LIKE '%a-to-z%' OR {t} = 'chargeback' THEN 'refund'
        WHEN {t} LIKE 'fba%' OR {d} LIKE 'fba %' THEN 'fba_fee'
        WHEN {t} = 'debt' THEN 'debt'
        WHEN {t} LIKE '%fee%' OR {d} LIKE '%fee%' OR {d} LIKE '%subscription%' THEN 'service_fee'
        WHEN {t} LIKE '%adjustment%' THEN 'adjustment'
        ELSE 'other' END"""


def _t(name: str, *aliases: str, need: bool = False) -> Field:
    return Field(name, aliases, "text", optional=not need)


def _key_and_insert(con, ctx: LoadContext, extra_dims: tuple[str, ...]) -> WriteCounts:  # noqa: ANN001
    money = (*AMOUNTS, "total")
    dims = ("source", market_scope(ctx), "settlement_id", "posted_at", "transaction_type", "amount_type", "description",
            "order_id", "sku", "quantity", "fulfillment", *money, *extra_dims)  # fmt: skip
    keep = [c for c in MONEY_MOVEMENTS.column_names if c not in {"row_key", "ingest_id"}]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _x_mm3 AS SELECT _row, {', '.join(keep)}, {key_sql(dims)} AS row_key FROM _x_mm2"
    )
    stored, _ = insert_new(ctx, MONEY_MOVEMENTS, "_x_mm3")
    return WriteCounts(stored=stored, duplicate=ctx.count("_x_mm3") - stored)


def _write_date_range(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    ts, zone = timestamp_zone_sql("g.posted", dayfirst=day_first(ctx, "g.posted"))
    cols = {"posted_at": ts, "time_zone": zone}
    checks = {"posted_at": (ctx.mapping["posted"], "g.posted", "bad_date")}
    amounts = {}
    for name in (*AMOUNTS, "total", "quantity"):
        if ctx.has(name):
            amounts[name] = f"g.{name}"
            checks[name] = (ctx.mapping[name], f"g.{name}", "bad_number")
        else:
            cols[name] = "CAST(NULL AS DOUBLE)"
    for name in (
        "settlement_id",
        "type",
        "order_id",
        "sku",
        "description",
        "marketplace",
        "fulfillment",
        "tax_model",
    ):
        cols[name] = text_sql(f"g.{name}") if ctx.has(name) else "CAST(NULL AS VARCHAR)"
    typed_table(ctx, "_x_mm", cols, checks, money=amounts)
    ctx.quarantine_where(
        "_x_mm", "posted_at IS NULL OR total IS NULL", ctx.mapping["total"], "NULL", "missing_required",
        "a transaction needs its date/time and total",
    )  # fmt: skip
    main = con.execute(
        "SELECT mode(lower(marketplace)) FROM _x_mm WHERE lower(marketplace) LIKE 'amazon.%'"
    ).fetchone()[0]  # type: ignore[index]
    domain = f"coalesce(CASE WHEN lower(m.marketplace) LIKE 'amazon.%' THEN m.marketplace END, {repr(main) if main else 'NULL'})"
    market, currency = domain_market_sql(domain, 0), domain_market_sql(domain, 1)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_mm2 AS
            SELECT m._row, 'amazon_date_range_report' AS source,
                   CASE WHEN {market} IS NOT NULL THEN 'amazon.' || {market} END AS marketplace_id, {market} AS market_code,
                   m.posted_at, m.time_zone, m.settlement_id, {category_sql('m.type', 'm.description')} AS category,
                   m.type AS transaction_type, CAST(NULL AS VARCHAR) AS amount_type, m.description, m.order_id, m.sku,
                   m.quantity, m.fulfillment, m.tax_model AS tax_collection_model,
                   {", ".join(f"m.{a}" for a in AMOUNTS)}, m.total, {currency} AS currency,
                   CAST(NULL AS DATE) AS settlement_start, CAST(NULL AS DATE) AS settlement_end,
                   CAST(NULL AS DATE) AS deposit_date
            FROM _x_mm m"""
    )  # fmt: skip
    return _key_and_insert(con, ctx, ())


_V2_IDS = ("merchant_order_id", "adjustment_id", "shipment_id", "order_item_code", "merchant_order_item_id",
           "merchant_adjustment_item_id", "promotion_id", "fulfillment_id")  # fmt: skip


def _write_settlement(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    first = day_first(ctx, "coalesce(g.posted_date_time, g.posted_date, g.deposit_date)")
    cols: dict[str, str] = {}
    checks: dict[str, tuple[str, str, str]] = {}
    for name in ("posted_date_time", "posted_date", "deposit_date", "period_from", "period_to"):
        ts, zone = timestamp_zone_sql(f"g.{name}", dayfirst=first)
        cols[name] = ts if ctx.has(name) else "CAST(NULL AS TIMESTAMP)"
        if ctx.has(name):
            checks[name] = (ctx.mapping[name], f"g.{name}", "bad_date")
        if name in {"posted_date_time", "deposit_date"}:
            cols[f"{name}_zone"] = zone if ctx.has(name) else "CAST(NULL AS VARCHAR)"
    amounts = {name: f"g.{name}" for name in ("amount", "total_amount", "quantity")}
    for name in amounts:
        if ctx.has(name):
            checks[name] = (ctx.mapping[name], f"g.{name}", "bad_number")
    texts = (
        "settlement_id",
        "currency",
        "type",
        "order_id",
        "marketplace",
        "amount_type",
        "description",
        "sku",
        *_V2_IDS,
    )
    for name in texts:
        cols[name] = text_sql(f"g.{name}") if ctx.has(name) else "CAST(NULL AS VARCHAR)"
    typed_table(ctx, "_x_mm", cols, checks, money=amounts)
    # The settlement's currency, period and deposit date (on its summary line) hold for all its lines.
    con.execute(
        """UPDATE _x_mm SET currency = coalesce(_x_mm.currency, c.cur), period_from = coalesce(_x_mm.period_from, c.f),
                  period_to = coalesce(_x_mm.period_to, c.t), deposit_date = coalesce(_x_mm.deposit_date, c.d)
           FROM (SELECT settlement_id, max(upper(currency)) AS cur, max(period_from) AS f, max(period_to) AS t,
                        max(deposit_date) AS d FROM _x_mm GROUP BY 1) c
           WHERE _x_mm.settlement_id IS NOT DISTINCT FROM c.settlement_id"""
    )
    summary = "(m.type IS NULL AND m.amount IS NULL AND m.total_amount IS NOT NULL)"
    posted = f"CASE WHEN {summary} THEN m.deposit_date ELSE coalesce(m.posted_date_time, m.posted_date) END"
    con.execute(f"ALTER TABLE _x_mm ADD COLUMN posted_at TIMESTAMP; UPDATE _x_mm m SET posted_at = {posted}")
    ctx.quarantine_where(
        "_x_mm", f"posted_at IS NULL OR (NOT {summary.replace('m.', '')} AND amount IS NULL)", ctx.mapping["amount"],
        "NULL", "missing_required", "a settlement line needs its posted date and amount (the summary line its deposit date and total)",
    )  # fmt: skip
    market = f"coalesce({domain_market_sql('m.marketplace', 0)}, {market_of_currency_sql('m.currency')})"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_mm2 AS
            SELECT m._row, 'amazon_settlement_v2' AS source,
                   CASE WHEN {market} IS NOT NULL THEN 'amazon.' || {market} END AS marketplace_id, {market} AS market_code,
                   m.posted_at, CASE WHEN {summary} THEN m.deposit_date_zone ELSE m.posted_date_time_zone END AS time_zone,
                   m.settlement_id,
                   CASE WHEN {summary} THEN 'transfer' ELSE {category_sql('m.type', 'm.description', 'm.amount_type')} END AS category,
                   CASE WHEN {summary} THEN 'Settlement deposit' ELSE m.type END AS transaction_type, m.amount_type,
                   m.description, m.order_id, m.sku, m.quantity, CAST(NULL AS VARCHAR) AS fulfillment,
                   CAST(NULL AS VARCHAR) AS tax_collection_model,
                   {", ".join(f"CAST(NULL AS DOUBLE) AS {a}" for a in AMOUNTS)},
                   CASE WHEN {summary} THEN -m.total_amount ELSE m.amount END AS total, m.currency,
                   CAST(m.period_from AS DATE) AS settlement_start, CAST(m.period_to AS DATE) AS settlement_end,
                   CAST(m.deposit_date AS DATE) AS deposit_date, {", ".join(f"m.{i}" for i in _V2_IDS)}
            FROM _x_mm m"""
    )  # fmt: skip
    return _key_and_insert(con, ctx, _V2_IDS)


register(
    Layout(
        "amazon_date_range_report", "transactions",
        (_t("posted", "date/time", "Date/Time", "date", need=True), _t("settlement_id", "settlement id", need=True),
         _t("type", "type", need=True), _t("order_id", "order id"), _t("sku", "sku"), _t("description", "description"),
         _t("quantity", "quantity"), _t("marketplace", "marketplace"), _t("fulfillment", "fulfillment", "fulfilment"),
         _t("tax_model", "tax collection model"), *(_t(k, *v) for k, v in AMOUNTS.items()), _t("total", "total", need=True)),
        _write_date_range, "Amazon date range / Custom Transaction report (date/time, settlement id, type, ..., total)",
        order=48, source="amazon",
    )
)  # fmt: skip
register(
    Layout(
        "amazon_settlement_v2", "transactions",
        (_t("settlement_id", "settlement-id", need=True), _t("period_from", "settlement-start-date"),
         _t("period_to", "settlement-end-date"), _t("deposit_date", "deposit-date"), _t("total_amount", "total-amount", need=True),
         _t("currency", "currency"), _t("type", "transaction-type", need=True), _t("order_id", "order-id"),
         _t("marketplace", "marketplace-name"), _t("amount_type", "amount-type", need=True),
         _t("description", "amount-description", need=True), _t("amount", "amount", need=True),
         _t("posted_date", "posted-date"), _t("posted_date_time", "posted-date-time"), _t("sku", "sku"),
         _t("quantity", "quantity-purchased"), *(_t(i, i.replace("_", "-")) for i in _V2_IDS)),
        _write_settlement, "Amazon settlement report flat file V2 (settlement-id, amount-type, amount, ...)",
        order=48, source="amazon",
    )
)  # fmt: skip
