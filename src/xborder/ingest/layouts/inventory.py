"""Inventory snapshots (kind ``inventory``): Amazon FBA reports — Manage FBA Inventory, Amazon-fulfilled
inventory, inventory age, restock, daily inventory history and recommended removal — into
``inventory_snapshots``, one row per SKU × snapshot date × location (× disposition where the report splits).

The snapshot date is the report's ``snapshot-date`` column; reports without one (Manage FBA Inventory,
restock, Amazon-fulfilled inventory) take a full date in the file name, else the time their zip archive
records for them, else the day of ingest
(``snapshot_date_source`` says which). The marketplace comes from a country or currency column; reports with
neither are stored without one, and their keys are then scoped to the file, so two such files of
different marketplaces never collide. The Inventory Health report is read by ``layouts/ranks.py`` (its rank
pairs) and writes its stock columns here through :func:`write_snapshots`.
"""

from __future__ import annotations

from xborder.core.clock import today
from xborder.core.errors import BadInputError
from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.layouts.common import (
    date_sql,
    day_first,
    file_date,
    insert_new,
    key_sql,
    market_of_currency_sql,
)
from xborder.ingest.products import upsert_products
from xborder.schema.seller import INVENTORY_SNAPSHOTS

__all__ = ["write_snapshots", "snapshot_date", "STOCK_FIELDS"]

_DIMS = ("source", "scope", "snapshot_date", "sku", "fnsku", "asin", "location", "disposition", "condition")


def _n(name: str, *aliases: str) -> Field:
    return Field(name, aliases, "number", optional=True)


def _s(name: str, *aliases: str, need: bool = False) -> Field:
    return Field(name, aliases, "text", optional=not need)


# Stock columns shared by the age/health reports (also read by the Inventory Health layout in ranks.py).
STOCK_FIELDS = (
    _n("age_0_90", "inv-age-0-to-90-days"), _n("age_91_180", "inv-age-91-to-180-days"),
    _n("age_181_270", "inv-age-181-to-270-days"), _n("age_271_365", "inv-age-271-to-365-days"),
    _n("age_365_plus", "inv-age-365-plus-days"), _n("removal_in_progress", "qty-with-removals-in-progress"),
    _n("units_shipped_7d", "units-shipped-last-7-days"), _n("units_shipped_90d", "units-shipped-last-90-days"),
)  # fmt: skip


def snapshot_date(ctx: LoadContext) -> tuple[str, str]:
    """(SQL date of the snapshot, where it came from): the report's column, the mapping's ``snapshot_date``, a
    date in the file name, the time its zip archive records for it, or the day of ingest.

    A plain file's modification time is not used: a copy or a checkout resets it, so it says no more than
    the day of ingest.
    """
    if ctx.has("snapshot"):
        return "CAST(g.snapshot AS DATE)", "report"
    if given := ctx.const("snapshot_date"):  # --as-of, or a mapping's snapshot_date constant
        import datetime as dt

        try:
            return f"DATE '{dt.date.fromisoformat(str(given)).isoformat()}'", "given"
        except ValueError:
            raise BadInputError(
                f"{ctx.file_name}: the mapping's snapshot_date {given!r} is not a date.",
                hint='Write it as YYYY-MM-DD, e.g. snapshot_date = "2019-12-20".',
            ) from None
    if day := file_date(ctx.file_name):
        return f"DATE '{day}'", "file_name"
    stamp = ctx.const("_modified")
    if stamp and ctx.const("_modified_source") == "zip_member":
        return f"DATE '{str(stamp)[:10]}'", "zip_member"
    return f"DATE '{today().isoformat()}'", "ingest_day"


def write_snapshots(
    ctx: LoadContext, source: str, exprs: dict[str, str], *, market: str | None, rows: str | None = None
) -> set[int]:
    """Insert one ``inventory_snapshots`` row per row ``g`` of ``rows`` (default: the validated rows):
    ``exprs`` maps table columns to SQL over ``g``; ``market`` is SQL for the market code (None: unknown).
    Returns the ``_row`` of the rows stored (the others are duplicates)."""
    con = ctx.con
    snap, snap_source = snapshot_date(ctx)
    mk = "CAST(NULL AS VARCHAR)"
    if market is not None:
        # Rows that do not say (stock in transfer between centres, "*XFR") are in the file's main market.
        main = con.execute(f"SELECT mode({market}) FROM {rows or ctx.good} g").fetchone()[0]  # type: ignore[index]
        mk = f"coalesce({market}, {repr(main) if main else 'NULL'})"
    cols = {
        c: exprs.get(c, "NULL") for c in INVENTORY_SNAPSHOTS.column_names if c not in {"row_key", "ingest_id"}
    }
    cols.update(
        source=f"'{source}'", snapshot_date=snap, snapshot_date_source=f"'{snap_source}'", market_code=mk,
        marketplace_id=f"CASE WHEN {mk} IS NOT NULL THEN 'amazon.' || {mk} END",
        listing_id=f"CASE WHEN {mk} IS NOT NULL AND ({exprs.get('asin', 'NULL')}) IS NOT NULL "
        f"THEN 'amazon.' || {mk} || ':' || ({exprs.get('asin', 'NULL')}) END",
    )  # fmt: skip
    decl = {c.name: c.type for c in INVENTORY_SNAPSHOTS.columns}
    sel = ", ".join(f"CAST({sql} AS {decl[c]}) AS {c}" for c, sql in cols.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE _x_inv AS SELECT g._row, {sel} FROM {rows or ctx.good} g")
    # Rows of an unknown marketplace or of an undated report are keyed within their file: never merged with
    # another market's rows, nor with another undated report ingested the same day.
    scope = (
        f"'file:{ctx.ingest_id}'"
        if snap_source == "ingest_day"
        else f"coalesce(marketplace_id, 'file:{ctx.ingest_id}')"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_inv2 AS SELECT * EXCLUDE (scope), {key_sql(_DIMS)} AS row_key
            FROM (SELECT *, {scope} AS scope FROM _x_inv)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _x_inv_new AS SELECT _row FROM _x_inv2
           WHERE row_key NOT IN (SELECT row_key FROM inventory_snapshots)
           QUALIFY row_number() OVER (PARTITION BY row_key ORDER BY _row) = 1"""
    )
    insert_new(ctx, INVENTORY_SNAPSHOTS, "_x_inv2")
    if market is not None:
        con.execute(
            f"""INSERT OR IGNORE INTO listings (listing_id, product_id, marketplace_id, external_id, own, title,
                       price, currency, first_seen, ingest_id)
                SELECT listing_id, 'amazon:' || asin, marketplace_id, asin, TRUE, any_value(title), any_value(price),
                       any_value(currency), min(snapshot_date), '{ctx.ingest_id}'
                FROM _x_inv2 WHERE listing_id IS NOT NULL GROUP BY ALL"""
        )
    upsert_products(
        con, ctx,
        "SELECT 'amazon:' || asin AS product_id, 'amazon' AS source, asin AS source_key, any_value(title) AS title, "
        "TRUE AS is_product FROM _x_inv2 WHERE asin IS NOT NULL GROUP BY asin",
    )  # fmt: skip
    return {int(r[0]) for r in con.execute("SELECT _row FROM _x_inv_new").fetchall()}


def _writer(source: str, exprs: dict[str, str], market: str | None):  # noqa: ANN202
    def write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
        e = {k: v for k, v in exprs.items() if all(ctx.has(f) for f in _needs(v))}
        if "recommended_restock_date" in e:
            e["recommended_restock_date"] = date_sql(
                "g.restock_date", dayfirst=day_first(ctx, "g.restock_date")
            )
        stored = write_snapshots(ctx, source, e, market=market)
        return WriteCounts(stored=len(stored), duplicate=ctx.count() - len(stored))

    return write


def _needs(sql: str) -> list[str]:
    """Field names a SQL expression reads as ``g.<name>``."""
    import re

    return re.findall(r"\bg\.([a-z_0-9]+)", sql)


_BASE = {"sku": "g.sku", "fnsku": "g.fnsku", "asin": "g.asin", "title": "g.title", "condition": "g.condition"}
_COUNTRY = "CASE WHEN regexp_matches(upper(trim(g.country)), '^[A-Z]{2}$') THEN replace(upper(trim(g.country)), 'UK', 'GB') END"


def _layout(
    name: str, desc: str, fields: tuple[Field, ...], exprs: dict[str, str], market: str | None
) -> None:
    register(Layout(name, "inventory", fields, _writer(name, exprs, market), desc, order=52, source="amazon"))


_layout(
    "amazon_manage_fba_inventory", "Manage FBA Inventory report (sku, afn-fulfillable-quantity, ...)",
    (_s("sku", "sku", need=True), _s("fnsku", "fnsku"), _s("asin", "asin"), _s("title", "product-name"),
     _s("condition", "condition"), _n("price", "your-price"), _n("warehouse", "afn-warehouse-quantity"),
     Field("fulfillable", ("afn-fulfillable-quantity",), "number"), _n("unsellable", "afn-unsellable-quantity"),
     _n("reserved", "afn-reserved-quantity"), Field("total", ("afn-total-quantity",), "number"),
     _n("in_working", "afn-inbound-working-quantity"), _n("in_shipped", "afn-inbound-shipped-quantity"),
     _n("in_receiving", "afn-inbound-receiving-quantity"), _n("researching", "afn-researching-quantity")),
    {**_BASE, "price": "g.price", "on_hand": "g.warehouse", "fulfillable": "g.fulfillable",
     "unfulfillable": "g.unsellable", "reserved": "g.reserved", "inbound_working": "g.in_working",
     "inbound_shipped": "g.in_shipped", "inbound_receiving": "g.in_receiving", "researching": "g.researching",
     "inbound": "coalesce(g.in_working, 0) + coalesce(g.in_shipped, 0) + coalesce(g.in_receiving, 0)"},
    None,
)  # fmt: skip
_layout(
    "amazon_fulfilled_inventory", "Amazon-fulfilled inventory report (seller-sku, Warehouse-Condition-code, ...)",
    (_s("sku", "seller-sku", need=True), _s("fnsku", "fulfillment-channel-sku"), _s("asin", "asin"),
     _s("condition", "condition-type"), _s("disposition", "Warehouse-Condition-code", need=True),
     Field("quantity", ("Quantity Available",), "number")),
    {"sku": "g.sku", "fnsku": "g.fnsku", "asin": "g.asin", "condition": "g.condition",
     "disposition": "upper(g.disposition)", "on_hand": "g.quantity",
     "fulfillable": "CASE WHEN upper(g.disposition) = 'SELLABLE' THEN g.quantity END",
     "unfulfillable": "CASE WHEN upper(g.disposition) <> 'SELLABLE' THEN g.quantity END"},
    None,
)  # fmt: skip
_layout(
    "amazon_inventory_age", "FBA inventory age report (snapshot-date, inv-age-0-to-90-days, ...)",
    (Field("snapshot", ("snapshot-date",), "timestamp", required=True), _s("sku", "sku", need=True),
     _s("fnsku", "fnsku"), _s("asin", "asin"), _s("title", "product-name"), _s("condition", "condition"),
     Field("available", ("avaliable-quantity(sellable)", "available-quantity(sellable)", "available-quantity"), "number"),
     *STOCK_FIELDS, _s("currency", "currency"), _n("price", "your-price"), _n("units_30d", "units-shipped-last-30-days"),
     _s("action", "Recommended action"), _n("removal", "Recommended Removal Quantity")),
    {**_BASE, "fulfillable": "g.available", **{f.name: f"g.{f.name}" for f in STOCK_FIELDS},
     "currency": "upper(g.currency)", "price": "g.price", "units_shipped_30d": "g.units_30d",
     "recommended_action": "g.action", "recommended_removal_qty": "g.removal"},
    market_of_currency_sql("g.currency"),
)  # fmt: skip
_layout(
    "amazon_restock_inventory", "FBA restock inventory report (Recommended Order Quantity, Days of Supply, ...)",
    (_s("country", "Country"), _s("title", "Product Description"), _s("fnsku", "FNSKU"), _s("sku", "SKU", need=True),
     _s("asin", "ASIN"), _s("condition", "Condition"), _s("currency", "Currency Code"), _n("price", "Price"),
     _n("sales_30d", "Sales last 30 days (sales)"), _n("units_30d", "Sales last 30 days (units)"),
     _n("total", "Total Inventory"), _n("inbound", "Inbound Inventory"), Field("available", ("Available Inventory",), "number"),
     _n("res_transfer", "Reserved - FC transfer"), _n("res_processing", "Reserved - FC processing"),
     _n("res_customer", "Reserved - Customer Order"), _n("unfulfillable", "Unfulfillable"),
     _s("days_of_supply", "Days of Supply"), Field("restock_qty", ("Recommended Order Quantity",), "number"),
     _s("restock_date", "Recommended Order Date")),
    {**_BASE, "currency": "upper(g.currency)", "price": "g.price", "sales_30d": "g.sales_30d",
     "units_shipped_30d": "g.units_30d", "on_hand": "g.total - coalesce(g.inbound, 0)", "inbound": "g.inbound",
     "fulfillable": "g.available", "unfulfillable": "g.unfulfillable",
     "reserved": "coalesce(g.res_transfer, 0) + coalesce(g.res_processing, 0) + coalesce(g.res_customer, 0)",
     "days_of_supply": "TRY_CAST(regexp_replace(trim(g.days_of_supply), '\\+$', '') AS DOUBLE)",
     "recommended_restock_qty": "g.restock_qty",
     "recommended_restock_date": "g.restock_date"},
    f"coalesce({_COUNTRY}, {market_of_currency_sql('g.currency')})",
)  # fmt: skip
_layout(
    "amazon_daily_inventory", "FBA daily inventory history (snapshot-date, fulfillment-center-id, detailed-disposition)",
    (Field("snapshot", ("snapshot-date",), "timestamp", required=True), _s("fnsku", "fnsku"), _s("sku", "sku", need=True),
     _s("title", "product-name"), Field("quantity", ("quantity",), "number"),
     _s("location", "fulfillment-center-id", need=True), _s("disposition", "detailed-disposition", need=True),
     _s("country", "country")),
    {"sku": "g.sku", "fnsku": "g.fnsku", "title": "g.title", "location": "g.location",
     "disposition": "upper(g.disposition)", "on_hand": "g.quantity",
     "fulfillable": "CASE WHEN upper(g.disposition) = 'SELLABLE' THEN g.quantity END",
     "unfulfillable": "CASE WHEN upper(g.disposition) <> 'SELLABLE' THEN g.quantity END"},
    _COUNTRY,
)  # fmt: skip
_layout(
    "amazon_recommended_removal", "FBA recommended removal report (sellable-removal-quantity, ...)",
    (Field("snapshot", ("snapshot-date",), "timestamp", required=True), _s("sku", "sku", need=True),
     _s("fnsku", "fnsku"), _s("asin", "asin"), _s("title", "product-name"), _s("condition", "condition"),
     _n("sellable", "sellable-quantity"), _n("age_181_270", "sellable-181-270-days"),
     _n("age_271_365", "sellable-271-365-days"), _n("age_365_plus", "sellable-365+-days"),
     Field("removal", ("sellable-removal-quantity",), "number"), _n("unsellable", "unsellable-quantity")),
    {**_BASE, "fulfillable": "g.sellable", "unfulfillable": "g.unsellable", "age_181_270": "g.age_181_270",
     "age_271_365": "g.age_271_365", "age_365_plus": "g.age_365_plus", "recommended_removal_qty": "g.removal"},
    None,
)  # fmt: skip
