"""User category overrides (``--as categories``): product_id,category[,note] rows that beat rule-assigned ones."""

from __future__ import annotations

from xborder.catalog import CATEGORY_IDS
from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register

__all__ = ["write_overrides"]


def write_overrides(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    """Upsert overrides; an unknown category id is quarantined; an identical existing override is a duplicate."""
    ids = ", ".join(f"'{c}'" for c in CATEGORY_IDS)
    ctx.quarantine_where(
        ctx.good, f"lower(category) NOT IN ({ids})", "category", "category", "unknown_category",
        "not a category id of catalog/data/categories.csv (see docs/taxonomy.md)",
    )  # fmt: skip
    note = "g.note" if ctx.has("note") else "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ov AS SELECT g._row, g.product_id, lower(g.category) AS category, {note} AS note
            FROM {ctx.good} g WHERE NOT EXISTS (SELECT 1 FROM product_category_overrides o
              WHERE o.product_id = g.product_id AND o.category = lower(g.category))
            QUALIFY row_number() OVER (PARTITION BY g.product_id ORDER BY g._row DESC) = 1"""
    )
    n = ctx.count("_x_ov")
    con.execute(
        f"""INSERT OR REPLACE INTO product_category_overrides
            SELECT product_id, category, note, '{ctx.ingest_id}' FROM _x_ov"""
    )
    return WriteCounts(stored=n, duplicate=ctx.count() - n)


register(
    Layout(
        "category_overrides", "categories",
        (Field("product_id", ("product_id", "product"), required=True),
         Field("category", ("category",), required=True), Field("note", ("note", "reason"), optional=True)),
        write_overrides, "product_id,category[,note] overrides", order=90,
    )
)  # fmt: skip
