"""USAID SCMS Delivery History (kind ``suppliers``): one delivered line per row → a delivery event of its
vendor (scheduled vs delivered date, PO date, quantity, value, freight, mode, destination) and the vendor's
offer of the item (pack price, incoterm, on the scheduled day).

Vendors become suppliers ``scms:<vendor>``, items products ``scms:<item description>``. Quantities and
prices are per pack (the dataset's unit). Text in the freight column ("Freight Included in Commodity Cost",
"See ASN-…") leaves ``freight_cost`` empty and is kept as the event's note; date markers ("Date Not
Captured", "N/A - From RDC", "Pre-PQ Process") leave the date empty. Currency: USD (the dataset's).
"""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Layout, WriteCounts, register
from xborder.ingest.layouts.common import key_sql, text_sql, typed_table
from xborder.ingest.layouts.supply.common import (
    country_of,
    ensure_suppliers,
    insert_keyed,
    number,
    text_field,
)
from xborder.ingest.products import upsert_products
from xborder.schema.supply import SUPPLIER_EVENTS

__all__ = ["SCMS_FIELDS"]

SCMS_FIELDS = (
    text_field("line_id", "ID", filled=True),
    text_field("po", "PO / SO #"),
    text_field("asn", "ASN/DN #"),
    text_field("country", "Country"),
    text_field("incoterm", "Vendor INCO Term"),
    text_field("mode", "Shipment Mode"),
    text_field("pq_sent", "PQ First Sent to Client Date"),
    text_field("po_sent", "PO Sent to Vendor Date"),
    text_field("scheduled", "Scheduled Delivery Date", filled=True),
    text_field("delivered", "Delivered to Client Date", filled=True),
    text_field("vendor", "Vendor", filled=True),
    text_field("item", "Item Description", filled=True),
    text_field("quantity", "Line Item Quantity", filled=True),
    text_field("value", "Line Item Value"),
    text_field("pack_price", "Pack Price"),
    text_field("freight", "Freight Cost (USD)"),
    text_field("site", "Manufacturing Site"),
)
_FMTS = "['%d-%b-%y', '%d-%b-%Y', '%m/%d/%y', '%m/%d/%Y', '%Y-%m-%d']"


def _day(expr: str) -> str:
    return f"CAST(try_strptime(trim({expr}), {_FMTS}) AS DATE)"


def _write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    vendor = text_sql("g.vendor")
    sid = "'scms:' || lower(regexp_replace(trim(g.vendor), '\\s+', ' ', 'g'))"
    cols = {
        "line_id": "trim(g.line_id)", "supplier": vendor, "supplier_id": sid,
        "product_id": "'scms:' || trim(g.item)", "title": "trim(g.item)",
        "order_ref": text_sql("g.po"), "ordered_on": _day("g.po_sent"), "promised_on": _day("g.scheduled"),
        "delivered_on": _day("g.delivered"), "quantity": number("g.quantity"), "value": number("g.value"),
        "pack_price": number("g.pack_price"),
        "freight_cost": "CASE WHEN regexp_matches(trim(g.freight), '^[0-9.,]+$') THEN " + number("g.freight") + " END",
        "freight_note": "CASE WHEN NOT regexp_matches(trim(g.freight), '^[0-9.,]*$') THEN trim(g.freight) END",
        "mode": f"lower({text_sql('g.mode')})", "destination": country_of("g.country"),
        "incoterm": "CASE WHEN regexp_matches(upper(trim(g.incoterm)), '^[A-Z]{3}$') THEN upper(trim(g.incoterm)) END",
    }  # fmt: skip
    checks = {
        "promised_on": (ctx.mapping["scheduled"], "g.scheduled", "bad_date"),
        "delivered_on": (ctx.mapping["delivered"], "g.delivered", "bad_date"),
        "quantity": (ctx.mapping["quantity"], "g.quantity", "bad_number"),
    }
    typed_table(ctx, "_x_sc", cols, checks)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _x_sc2 AS SELECT *, md5('usaid_scms|' || line_id) AS event_key,
                   'delivery' AS event_type, delivered_on AS event_date, quantity AS ordered_qty,
                   quantity AS delivered_qty, 'USD' AS currency, freight_note AS note, 'usaid_scms' AS source
            FROM _x_sc"""
    )
    ensure_suppliers(ctx, "_x_sc2", "usaid_scms")
    upsert_products(
        con, ctx,
        "SELECT product_id, 'scms' AS source, arg_min(title, _row) AS source_key, arg_min(title, _row) AS title, "
        "TRUE AS is_product FROM _x_sc2 GROUP BY product_id",
    )  # fmt: skip
    out = ["event_key", "supplier_id", "event_type", "event_date", "product_id", "order_ref", "ordered_on",
           "promised_on", "delivered_on", "ordered_qty", "delivered_qty", "value", "currency", "freight_cost", "mode",
           "destination", "note", "source"]  # fmt: skip
    n = insert_keyed(ctx, SUPPLIER_EVENTS.name, "event_key", "_x_sc2", out)
    # The vendor's price of the item on the scheduled day; an identical offer is stored once.
    dims = ("supplier_id", "product_id", "pack_price", "'USD'", "incoterm", "promised_on")
    con.execute(
        f"""INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, valid_from, ingest_id, incoterm,
                   offer_key, source)
            SELECT supplier_id, product_id, pack_price, 'USD', promised_on, '{ctx.ingest_id}', incoterm, offer_key,
                   'usaid_scms'
            FROM (SELECT *, {key_sql(dims, occurrence=False)} AS offer_key FROM _x_sc2 WHERE pack_price > 0)
            WHERE offer_key NOT IN (SELECT offer_key FROM supplier_offers WHERE offer_key IS NOT NULL)
            QUALIFY row_number() OVER (PARTITION BY offer_key ORDER BY _row) = 1"""
    )
    return WriteCounts(stored=n, duplicate=ctx.count("_x_sc2") - n)


register(
    Layout(
        "usaid_scms", "suppliers", SCMS_FIELDS, _write,
        "USAID SCMS Delivery History (ID, Vendor, Scheduled Delivery Date, Delivered to Client Date, ...)",
        order=15, source="scms", auto_min=5,
    )
)  # fmt: skip
