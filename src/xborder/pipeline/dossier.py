"""The opportunity dossier: everything known about one product in one market for one run, assembled once.

The report, the REST API and the dashboard all show :func:`dossier` (or, for a whole run at once,
:func:`dossiers`). Its sections come from the stages of the registry (each domain's ``SECTION``), in run
order; every section also says whether its stage ran for this run and, if not, why. Rows are native Python
values; interfaces encode them (JSON, frames).

Two readers give the same rows: :class:`LiveReader` asks the warehouse per question (one page), and
:class:`BulkReader` reads each table once for the run and answers from memory (every page of a run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from xborder.core.errors import NotFoundError
from xborder.pipeline import registry
from xborder.schema import table as declared
from xborder.warehouse.dossier import Pair, Section

__all__ = ["dossier", "dossiers", "sections", "LiveReader", "BulkReader", "Query", "connection_query"]

Row = dict[str, Any]
Query = Callable[[str, Sequence[Any]], tuple[list[str], list[tuple]]]
"""query(sql, params) -> (column names, rows): how a reader reaches the warehouse (a connection or a server's
read cursor)."""

_REVIEW_COLS = (
    "review_id",
    "product_id",
    "rating",
    "title",
    "text",
    "language",
    "market_code",
    "reviewed_at",
    "source",
)
_REVIEW_ORDER = "rating NULLS LAST, reviewed_at DESC, review_id"


def connection_query(con: Any) -> Query:
    """A :data:`Query` over an open DuckDB connection."""

    def q(sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple]]:
        res = con.execute(sql, list(params))
        return [d[0] for d in res.description], res.fetchall()

    return q


def sections() -> list[Section]:
    """The dossier sections of the registry's stages, in run order."""
    return [s.dossier for s in registry.STAGES if s.dossier is not None]


def _stages(query: Query, run_id: str) -> dict[str, Any]:
    """The run's per-stage record (empty for an unknown run)."""
    import json

    _, rows = query("SELECT stages FROM runs WHERE run_id = ?", [run_id])
    if not rows or rows[0][0] is None:
        return {}
    value = rows[0][0]
    return value if isinstance(value, dict) else json.loads(value)


def _input_runs(stages: dict[str, Any]) -> dict[str, str]:
    """Which run each table was read from by the run's selection (its summary's ``input_runs``)."""
    summary = (stages.get("selection") or {}).get("summary") or {}
    return dict(summary.get("input_runs") or {})


def _exists(query: Query) -> set[str]:
    _, rows = query("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'", [])
    return {r[0] for r in rows}


class LiveReader:
    """Answers each question with a query (for one dossier)."""

    def __init__(self, query: Query, run_id: str, input_runs: dict[str, str] | None = None) -> None:
        self.query = query
        self.run_id = run_id
        self.input_runs = input_runs or {}
        self._tables = _exists(query)

    def _records(self, sql: str, params: Sequence[Any]) -> list[Row]:
        names, rows = self.query(sql, params)
        return [dict(zip(names, r, strict=True)) for r in rows]

    def rows(self, table: str, **equal: Any) -> list[Row]:
        decl = declared(table)
        if table not in self._tables:
            return []
        conds, args = [], []
        if decl.run_scoped:
            conds.append("run_id = ?")
            args.append(self.input_runs.get(table, self.run_id))
        for col, val in equal.items():
            decl.column(col)
            conds.append(f'"{col}" = ?')
            args.append(val)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return self._records(f'SELECT * FROM "{table}"{where}', args)

    def history(self, product_id: str, market: str, unit: str) -> tuple[str | None, list[Row]]:
        for table, sql in _history_sql(unit, bulk=False):
            if table in self._tables:
                rows = self._records(sql, [product_id, market])
                if rows:
                    return table, rows
        return None, []

    def reviews(
        self,
        *,
        product_id: str | None = None,
        category: str | None = None,
        ids: Sequence[str] = (),
        limit: int = 6,
    ) -> list[Row]:
        if "reviews" not in self._tables:
            return []
        cols = ", ".join(f"r.{c}" for c in _REVIEW_COLS)
        if ids:
            return self._records(
                f"SELECT {cols} FROM reviews r WHERE r.review_id IN (SELECT unnest(?))", [list(ids)]
            )
        if product_id is not None:
            return self._records(
                f"SELECT {cols} FROM reviews r WHERE r.product_id = ? AND r.text IS NOT NULL ORDER BY {_order('r')} LIMIT {int(limit)}",
                [product_id],
            )
        return self._records(
            f"SELECT {cols} FROM reviews r JOIN products p ON p.product_id = r.product_id WHERE p.category = ? "
            f"AND r.text IS NOT NULL ORDER BY {_order('r')} LIMIT {int(limit)}",
            [category],
        )


def _order(alias: str) -> str:
    return ", ".join(f"{alias}.{part.strip()}" for part in _REVIEW_ORDER.split(","))


def _history_sql(unit: str, *, bulk: bool) -> list[tuple[str, str]]:
    """Units per period of a product in a market: sold order lines (with order counts), else actual sales."""
    keys = "product_id, upper(country) AS market, " if bulk else ""
    ol_where = "" if bulk else "product_id = ? AND upper(country) = ? AND "
    s_where = "" if bulk else "product_id = ? AND upper(country) = ? AND "
    group = "ALL" if bulk else "1"
    order = "1, 2, 3" if bulk else "1"
    return [
        (
            "order_lines",
            f"SELECT {keys}date_trunc('{unit}', ordered_at)::DATE AS ds, sum(quantity) AS y, "
            f"count(DISTINCT order_id) AS orders FROM order_lines WHERE {ol_where}status = 'sold' "
            f"GROUP BY {group} ORDER BY {order}",
        ),
        (
            "sales",
            f"SELECT {keys}date_trunc('{unit}', period_start)::DATE AS ds, sum(units) AS y FROM sales "
            f"WHERE {s_where}source = 'actual' GROUP BY {group} ORDER BY {order}",
        ),
    ]


class BulkReader(LiveReader):
    """Reads each (table, key columns) once for the run and answers every dossier of it from memory."""

    def __init__(self, query: Query, run_id: str, input_runs: dict[str, str] | None = None) -> None:
        super().__init__(query, run_id, input_runs)
        self._groups: dict[tuple, dict[tuple, list[Row]]] = {}

    def _grouped(self, key: tuple, sql: str, params: Sequence[Any], nkeys: int) -> dict[tuple, list[Row]]:
        hit = self._groups.get(key)
        if hit is None:
            names, rows = self.query(sql, params)
            keep = names[nkeys:]
            hit = {}
            for r in rows:
                hit.setdefault(r[:nkeys], []).append(dict(zip(keep, r[nkeys:], strict=True)))
            self._groups[key] = hit
        return hit

    def rows(self, table: str, **equal: Any) -> list[Row]:
        decl = declared(table)
        if table not in self._tables:
            return []
        cols = tuple(sorted(equal))
        for c in cols:
            decl.column(c)
        keys = ", ".join(f'"{c}"' for c in cols)
        where, args = ("", [])
        if decl.run_scoped:
            where, args = " WHERE run_id = ?", [self.input_runs.get(table, self.run_id)]
        sql = f'SELECT {keys + ", " if keys else ""}* FROM "{table}"{where}'
        groups = self._grouped(("rows", table, cols), sql, args, len(cols))
        return list(groups.get(tuple(equal[c] for c in cols), ()))

    def history(self, product_id: str, market: str, unit: str) -> tuple[str | None, list[Row]]:
        for table, sql in _history_sql(unit, bulk=True):
            if table in self._tables:
                rows = self._grouped(("history", table, unit), sql, (), 2).get((product_id, market))
                if rows:
                    return table, list(rows)
        return None, []

    def reviews(
        self,
        *,
        product_id: str | None = None,
        category: str | None = None,
        ids: Sequence[str] = (),
        limit: int = 6,
    ) -> list[Row]:
        if "reviews" not in self._tables:
            return []
        cols = ", ".join(f"r.{c}" for c in _REVIEW_COLS)
        if ids:
            by_id = self._grouped(("reviews_by_id",), f"SELECT r.review_id, {cols} FROM reviews r", (), 1)
            return [row for i in ids for row in by_id.get((i,), ())]
        if product_id is not None:
            sql = (
                f"SELECT r.product_id, {cols} FROM reviews r WHERE r.text IS NOT NULL QUALIFY row_number() OVER "
                f"(PARTITION BY r.product_id ORDER BY {_order('r')}) <= {int(limit)} ORDER BY r.product_id, {_order('r')}"
            )
            return list(self._grouped(("reviews_by_product", limit), sql, (), 1).get((product_id,), ()))
        sql = (
            f"SELECT p.category, {cols} FROM reviews r JOIN products p ON p.product_id = r.product_id "
            f"WHERE r.text IS NOT NULL QUALIFY row_number() OVER (PARTITION BY p.category ORDER BY {_order('r')}) "
            f"<= {int(limit)} ORDER BY p.category, {_order('r')}"
        )
        return list(self._grouped(("reviews_by_category", limit), sql, (), 1).get((category,), ()))


def _stage_status(record: dict[str, Any], name: str) -> dict[str, Any]:
    rec = record.get(name) or {}
    out = {"status": rec.get("status", "not run")}
    for k in ("reason", "reason_code", "error"):
        if rec.get(k):
            out[k] = rec[k]
    return out


def _assemble(
    reader: LiveReader, pair: Pair, record: dict[str, Any], stage_of: dict[str, str]
) -> dict[str, Any]:
    product = next(iter(reader.rows("products", product_id=pair.product_id)), None)
    market = next(iter(reader.rows("markets", market_code=pair.market)), None)
    if pair.category is None and product is not None:
        pair = Pair(pair.product_id, pair.market, product.get("category"), product.get("title"))
    out: dict[str, Any] = {
        "run_id": reader.run_id,
        "product_id": pair.product_id,
        "market": pair.market,
        "product": product or {"product_id": pair.product_id},
        "market_info": market or {"market_code": pair.market},
        "sections": {},
    }
    for sec in sections():
        body = sec.build(reader, pair)
        body["stage"] = _stage_status(record, stage_of.get(sec.name, sec.name))
        out["sections"][sec.name] = body
    return out


def dossier(query: Query, run_id: str, product_id: str, market: str) -> dict[str, Any]:
    """The dossier of one product in one market for run ``run_id``.

    Raises:
        NotFoundError: the warehouse has neither the product nor an opportunity for it in the run.
    """
    stages = _stages(query, run_id)
    reader = LiveReader(query, run_id, _input_runs(stages))
    out = _assemble(reader, Pair(product_id, market.upper()), stages, _stage_of())
    if out["product"].keys() == {"product_id"} and not out["sections"].get("selection", {}).get(
        "opportunity"
    ):
        raise NotFoundError(
            f"No product {product_id!r} in this warehouse.", hint="Pick one from the opportunities list."
        )
    return out


def dossiers(
    query: Query, run_id: str, pairs: Sequence[tuple[str, str]] | None = None
) -> Iterator[dict[str, Any]]:
    """The dossiers of ``pairs`` (default: every opportunity of the run), reading each table once."""
    stages = _stages(query, run_id)
    reader = BulkReader(query, run_id, _input_runs(stages))
    if pairs is None:
        _, rows = query(
            "SELECT product_id, market FROM opportunities WHERE run_id = ? ORDER BY product_id, market",
            [run_id],
        )
        pairs = [(r[0], r[1]) for r in rows]
    stage_of = _stage_of()
    for product_id, market in pairs:
        yield _assemble(reader, Pair(product_id, market), stages, stage_of)


def _stage_of() -> dict[str, str]:
    """Section name → the stage whose record says whether it ran."""
    return {s.dossier.name: s.name for s in registry.STAGES if s.dossier is not None}
