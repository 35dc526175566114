"""Order layouts: UCI Online Retail / Online Retail II (both spellings) and Olist orders + order items."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.products import prepare_products
from xborder.ingest.pseudonym import pseudonym_map

__all__ = ["UCI_NON_PRODUCT_CODES", "uci_online_retail", "insert_order_lines", "insert_new_lines"]

# Stock codes of lines that are not goods: postage, carriage, manual entries, discounts, samples, bank and
# marketplace fees, charity commission, cushion pads given free, bad-debt adjustments, test items, vouchers.
UCI_NON_PRODUCT_CODES = (
    "POST", "DOT", "M", "C2", "C3", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B",
    "ADJUST", "ADJUST2", "TEST001", "TEST002", "GIFT",
)  # fmt: skip


def insert_order_lines(con, select_sql: str, *, stored_scope: str = "TRUE") -> int:  # noqa: ANN001
    """Insert rows of ``select_sql`` (the order_lines columns, then ``_row``) whose line_key is new; returns count.

    A key already stored, or repeated earlier in the same batch, is a duplicate (the first row by ``_row``
    is kept); this replaces a PRIMARY KEY index that made bulk loads 3-4x slower (see migration 003).
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _x_cand AS SELECT {_names(con)}, _row FROM ({select_sql}) n")
    return insert_new_lines(con, "_x_cand", stored_scope=stored_scope)


def _names(con) -> str:  # noqa: ANN001
    cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'order_lines' "
                                      "AND schema_name = 'main' ORDER BY column_index").fetchall()]  # fmt: skip
    return ", ".join(cols)


def insert_new_lines(
    con,  # noqa: ANN001
    cand: str,
    *,
    stored_scope: str = "TRUE",
    consts: dict[str, str] | None = None,
) -> int:
    """Insert the rows of the temp table ``cand`` (order_lines columns + ``_row``) whose line_key is new; drops it.

    ``consts`` maps columns that are the same for every row to their SQL value; ``cand`` need not hold them.
    Skipped: a key already stored, and a key repeated earlier in ``cand`` (the first row by ``_row`` is kept).
    ``stored_scope`` (SQL over the stored row ``o``) narrows the stored rows a key is looked up in; it must hold
    for every stored row that could carry one of ``cand``'s keys (e.g. its source and time range).
    Only the few rows to skip are found with narrow queries; one ``QUALIFY row_number() ...`` over the wide
    rows made DuckDB carry every column through a hash aggregate (1.7 s of 4.1 s on UCI Online Retail).
    """
    names = _names(con)
    consts = consts or {}
    values = ", ".join(consts.get(c, c) for c in names.split(", "))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_skip AS
            SELECT n._row FROM {cand} n
            WHERE n.line_key IN (SELECT o.line_key FROM order_lines o WHERE {stored_scope})
            UNION ALL
            SELECT _row FROM (
                SELECT d._row, row_number() OVER (PARTITION BY d.line_key ORDER BY d._row) AS k FROM {cand} d
                WHERE d.line_key IN (SELECT line_key FROM {cand} GROUP BY line_key HAVING count(*) > 1)
            ) WHERE k > 1"""
    )
    with _plain_key_compression(con):
        n = con.execute(
            f"INSERT INTO order_lines ({names}) SELECT {values} FROM {cand} WHERE _row NOT IN (SELECT _row FROM _x_skip)"
        ).fetchone()[0]  # type: ignore[index]
    con.execute(f"DROP TABLE {cand}; DROP TABLE _x_skip")
    return int(n)


def _insert_skipping_repeats(con, select_sql: str, key_sql: str, g: str, consts: dict[str, str]) -> int:  # noqa: ANN001
    """Insert the rows of ``select_sql`` straight into order_lines, skipping the repeats of a key; returns count.

    For a batch none of whose keys can already be stored (nothing stored in its source and time range), this
    stores the same rows as :func:`insert_new_lines` without materialising the candidates (0.7 s of CPU on UCI
    Online Retail). Repeats are found before the insert among the few rows that share an order and a stock
    code, by the text the line key hashes (``key_sql`` over ``g`` and the customer map ``c``); the first row
    of a repeated key in file order is kept, as in :func:`insert_new_lines`.
    """
    names = _names(con)
    values = ", ".join(consts.get(c, c) for c in names.split(", "))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_skip AS
            SELECT _row FROM (
                SELECT g._row, row_number() OVER (PARTITION BY {key_sql} ORDER BY g._row) AS k
                FROM {g} g LEFT JOIN _x_cust c ON c.value = g.customer
                WHERE (g.invoice, g.stock_code) IN (
                    SELECT (invoice, stock_code) FROM {g} GROUP BY invoice, stock_code HAVING count(*) > 1)
            ) WHERE k > 1"""
    )
    with _plain_key_compression(con):
        n = con.execute(
            f"""INSERT INTO order_lines ({names}) SELECT {values} FROM ({select_sql}) n
                WHERE n._row NOT IN (SELECT _row FROM _x_skip)"""
        ).fetchone()[0]  # type: ignore[index]
    con.execute("DROP TABLE _x_skip")
    return int(n)


@contextmanager
def _plain_key_compression(con) -> Iterator[None]:  # noqa: ANN001
    """Skip DuckDB's dict_fsst string compression while bulk-inserting order lines.

    Its analysis of the random 32-character line keys cost ~0.2 s per 500k rows and finds nothing to
    compress; the other string columns still get dictionary/FSST compression. Only the storage encoding
    changes (every DuckDB version reads it); the previous setting is restored. Where the method or the
    setting does not exist (older DuckDB), nothing is changed.
    """
    old: str | None = None
    try:
        cur = str(con.execute("SELECT current_setting('disabled_compression_methods')").fetchone()[0] or "")  # type: ignore[index]
        methods = [m.strip() for m in cur.split(",") if m.strip()]
        if "dict_fsst" not in {m.lower() for m in methods}:
            con.execute("SET disabled_compression_methods = ?", [",".join([*methods, "dict_fsst"])])
            old = cur
    except duckdb.Error:
        old = None
    try:
        yield
    finally:
        if old is not None:
            con.execute("SET disabled_compression_methods = ?", [old])


def _write_uci(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    g = ctx.good
    # Pseudonyms: HMAC once per distinct customer id as written ("17850" and "17850.0" are one customer).
    pseudonym_map(con, g, "customer", "regexp_replace(v, '\\.0+$', '')", key=ctx.key, namespace="uci",
                  out_table="_x_cust")  # fmt: skip
    codes = ", ".join(f"'{c}'" for c in UCI_NON_PRODUCT_CODES)
    product_line = f"""NOT (upper(g.stock_code) IN ({codes}) OR lower(g.stock_code) LIKE 'gift\\_%' ESCAPE '\\'
                    OR upper(g.invoice) LIKE 'A%')"""
    # Products first: their categories are computed in Python in a background thread while DuckDB builds
    # and inserts the order lines. Title = the most frequent description of the stock code; ties go to
    # the one seen first in the file (mode() picked one at random).
    pending = prepare_products(
        con,
        f"""WITH d AS (SELECT upper(g.stock_code) AS code, g.description, {product_line} AS pl, count(*) AS n,
                              min(g._row) AS r
                       FROM {g} g GROUP BY ALL),
                 t AS (SELECT code, description, sum(n) AS n, min(r) AS r FROM d WHERE description IS NOT NULL
                       GROUP BY ALL)
            SELECT 'uci:' || p.code AS product_id, 'uci' AS source, p.code AS source_key, t.title, p.is_product
            FROM (SELECT code, bool_or(pl) AS is_product FROM d GROUP BY code) p
            LEFT JOIN (SELECT code, arg_min(description, (-n, r)) AS title FROM t GROUP BY code) t USING (code)""",
    )
    try:
        stored = _insert_uci_lines(con, ctx, product_line)
    except BaseException:
        pending.close()
        raise
    pending.insert(con, ctx)
    total = ctx.count()
    return WriteCounts(stored=stored, duplicate=total - stored)


def _literal(v: object) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _insert_uci_lines(con, ctx: LoadContext, product_line: str) -> int:  # noqa: ANN001
    g = ctx.good
    currency = ctx.const("currency", "GBP")
    # line_no = position of the line in its invoice (by file order). Invoices are runs of adjacent rows
    # in these exports, so it is _row - first row + 1; the rare invoice split over the file is numbered by
    # a window afterwards (a window over all rows cost ~1 s on UCI Online Retail).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_inv AS SELECT invoice, min(_row) AS first_row,
                count(*) = max(_row) - min(_row) + 1 AS adjacent,
                CASE WHEN min(ordered_at) = max(ordered_at) THEN CAST(min(ordered_at) AS VARCHAR) END AS at_text
            FROM {g} GROUP BY invoice"""
    )
    # The line key hashes the text of the time, quantity and price. Turning a number into text is the
    # costly part of the key (0.16 of its 0.36 CPU-s on UCI Online Retail), so each distinct value is
    # turned once: the time per invoice (above, where the invoice has one time), the numbers in _x_num.
    # Zero is left to the per-row cast (-0.0 and 0.0 compare equal but may print differently).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_num AS SELECT v, CAST(v AS VARCHAR) AS t FROM (
                SELECT DISTINCT coalesce(quantity, unit_price) AS v FROM {g}
                GROUP BY GROUPING SETS ((quantity), (unit_price))) WHERE v IS NOT NULL AND v <> 0"""
    )
    # Country names mapped once per distinct name, not per row.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_ctry AS SELECT v AS value, k.iso2 FROM (SELECT DISTINCT country AS v FROM {g}) d
            LEFT JOIN _x_countries k ON k.name_key = lower(trim(d.v)) WHERE v IS NOT NULL"""
    )
    # Lines of the rare invoice split over the file: numbered in file order by a window over those rows only.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_lno AS
            SELECT g._row, row_number() OVER (PARTITION BY g.invoice ORDER BY g._row) AS n
            FROM {g} g JOIN _x_inv i ON i.invoice = g.invoice AND NOT i.adjacent"""
    )
    key = """concat_ws('|', 'uci', g.invoice, g.stock_code, coalesce(upper(g.description), ''),
                   CAST(g.quantity AS VARCHAR), CAST(g.ordered_at AS VARCHAR), CAST(g.unit_price AS VARCHAR),
                   coalesce(c.pkey, ''))"""
    # The same text as ``key`` (the repeats above are found with it), from the per-value texts.
    key_fast = (
        key.replace("CAST(g.quantity AS VARCHAR)", "coalesce(q.t, CAST(g.quantity AS VARCHAR))")
        .replace("CAST(g.ordered_at AS VARCHAR)", "coalesce(i.at_text, CAST(g.ordered_at AS VARCHAR))")
        .replace("CAST(g.unit_price AS VARCHAR)", "coalesce(p.t, CAST(g.unit_price AS VARCHAR))")
    )
    select = f"""
        SELECT md5({key_fast}) AS line_key,
               g.invoice AS order_id,
               CAST(CASE WHEN i.adjacent THEN g._row - i.first_row + 1 ELSE ln.n END AS INTEGER) AS line_no,
               g.ordered_at, c.pkey AS customer_key, 'uci:' || upper(g.stock_code) AS product_id,
               CASE WHEN k.iso2 IS NOT NULL THEN 'shop.' || k.iso2 END AS marketplace_id, k.iso2 AS country,
               abs(g.quantity) AS quantity, g.unit_price,
               CASE WHEN upper(g.invoice) LIKE 'C%' THEN 'cancelled' WHEN g.quantity < 0 THEN 'returned' ELSE 'sold' END
                 AS status,
               {product_line} AND NOT (coalesce(g.unit_price, 0) = 0 AND g.customer IS NULL) AS is_product,
               g._row
        FROM {g} g
        JOIN _x_inv i ON i.invoice = g.invoice
        LEFT JOIN _x_lno ln ON ln._row = g._row
        LEFT JOIN _x_cust c ON c.value = g.customer
        LEFT JOIN _x_ctry k ON k.value = g.country
        LEFT JOIN _x_num q ON q.v = g.quantity
        LEFT JOIN _x_num p ON p.v = g.unit_price"""
    lo, hi = con.execute(f"SELECT min(ordered_at), max(ordered_at) FROM {g}").fetchone()  # type: ignore[misc]
    # A stored line with one of these keys has the same source and time (both are part of the key).
    scope = "o.source = 'uci'" + (
        f" AND o.ordered_at BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'" if lo is not None else ""
    )
    consts = {"source": "'uci'", "currency": _literal(currency), "ingest_id": _literal(ctx.ingest_id)}
    if con.execute(f"SELECT EXISTS (SELECT 1 FROM order_lines o WHERE {scope})").fetchone()[0]:  # type: ignore[index]
        con.execute(f"CREATE OR REPLACE TEMP TABLE _x_cand AS {select}")
        stored = insert_new_lines(con, "_x_cand", stored_scope=scope, consts=consts)
    else:
        stored = _insert_skipping_repeats(con, select, key, g, consts)
    con.execute("DROP TABLE _x_inv; DROP TABLE _x_ctry; DROP TABLE _x_lno; DROP TABLE _x_num")
    return stored


uci_online_retail = register(
    Layout(
        name="uci_online_retail",
        kind="orders",
        description="UCI Online Retail / Online Retail II invoice lines",
        fast=True,
        source="uci",
        order=30,
        fields=(
            Field("invoice", ("InvoiceNo", "Invoice"), required=True),
            Field("stock_code", ("StockCode",), required=True),
            Field("description", ("Description",), optional=True),
            Field("quantity", ("Quantity",), "number", required=True),
            Field("ordered_at", ("InvoiceDate",), "timestamp", required=True),
            Field("unit_price", ("UnitPrice", "Price"), "number", required=True),
            Field("customer", ("CustomerID", "Customer ID"), optional=True),
            Field("country", ("Country",), optional=True),
        ),
        writer=_write_uci,
    )
)
