"""Precomputed answers of the two hot read endpoints for the latest selection run.

After the server starts and after every data change it makes (upload, run), one background thread
builds, for the newest run with opportunities:

- a **list index**: every opportunity row serialised once, its position in each sort order (asked
  from DuckDB with the list endpoint's own ORDER BY, so ties break the same way) and a mask per
  market and category. A list page is then a mask, a slice and a join of ready JSON — no query.
- the **detail page of every opportunity** (``queries.detail.build_details``: each table read once
  for the whole run), kept as zlib-compressed JSON in memory (about 2 KB each; runs over
  100,000 opportunities get the list index only, over 500,000 nothing).

Answers are only used while the data generation they were built from is current; anything the
index cannot answer exactly (a text filter, another run, a NaN score) goes to the normal query path.
Nothing else can change the warehouse while the server holds it, so this is never stale.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xborder.api.db import Database, dumps
from xborder.api.queries import opportunities as qo
from xborder.api.queries.base import quote
from xborder.core.jsonable import to_jsonable

__all__ = ["Precompute", "ListIndex", "Snapshot"]

log = logging.getLogger("xborder.api")


class ListIndex:
    """The ranked list of one run, ready to filter, sort and page without SQL."""

    def __init__(self, db: Database, run: str) -> None:
        self.run = run
        frm, expr = qo._base(db)
        self.cols = set(expr)
        select = ", ".join(f"{e} AS {quote(c)}" for c, e in expr.items())
        with db.read() as cur:
            res = cur.execute(f"SELECT {select} {frm} WHERE o.run_id = ?", [run])
            names = [d[0] for d in res.description]
            rows = res.fetchall()
            ipid, imarket = names.index("product_id"), names.index("market")
            pos = {(r[ipid], r[imarket]): i for i, r in enumerate(rows)}
            if len(pos) != len(rows):
                raise ValueError("product × market is not unique in the run")
            self.orders: dict[tuple[str, str], np.ndarray] = {}
            sort_cols = [c for c in qo.SORTABLE if c in expr]
            for col in {*sort_cols, "rank" if "rank" in expr else "product_id"}:
                tie = ", o.product_id, o.market" if col != "product_id" else ", o.market"
                for direction in ("ASC", "DESC"):
                    keys = cur.execute(
                        f"SELECT {expr['product_id']}, {expr['market']} {frm} WHERE o.run_id = ? "
                        f"ORDER BY {expr[col]} {direction} NULLS LAST{tie}",
                        [run],
                    ).fetchall()
                    self.orders[(col, direction)] = np.fromiter((pos[k] for k in keys), np.int64, len(keys))
        # copied: orjson's answer keeps an ~8 KB buffer, ten times the row's JSON (this index is kept)
        self.items = [bytes(memoryview(dumps(to_jsonable(dict(zip(names, r, strict=True)))))) for r in rows]
        n = len(rows)
        self.market_masks = _masks([r[imarket] for r in rows], n)
        self.category_masks = (
            _masks([r[names.index("category")] for r in rows], n) if "category" in expr else {}
        )
        self.scores: np.ndarray | None = None
        if "score" in expr:
            raw = [r[names.index("score")] for r in rows]
            if not any(isinstance(v, float) and v != v for v in raw):  # a real NaN sorts above all in SQL
                self.scores = np.array([np.nan if v is None else float(v) for v in raw], dtype=np.float64)
        self.all = np.ones(n, dtype=bool)
        self.none = np.zeros(n, dtype=bool)

    def page(
        self,
        run_id: str | None,
        market: str | None,
        category: str | None,
        product: str | None,
        min_score: float | None,
        sort: str,
        order: str,
        page: int,
        page_size: int,
    ) -> bytes | None:
        """The JSON the list endpoint gives for these parameters, or None when it must be queried."""
        if product or (run_id is not None and run_id != self.run):
            return None
        mask = self.all
        if market:
            mask = mask & self.market_masks.get(market, self.none)
        if category and "category" in self.cols:
            mask = mask & self.category_masks.get(category, self.none)
        if min_score is not None and "score" in self.cols:
            if self.scores is None:
                return None
            with np.errstate(invalid="ignore"):
                mask = mask & (self.scores >= min_score)
        sort_col = (
            sort
            if sort in qo.SORTABLE and sort in self.cols
            else ("rank" if "rank" in self.cols else "product_id")
        )
        direction = "DESC" if order == "desc" else "ASC"
        perm = self.orders[(sort_col, direction)]
        chosen = perm if mask is self.all else perm[mask[perm]]
        start = (page - 1) * page_size
        items = b",".join([self.items[i] for i in chosen[start : start + page_size].tolist()])
        head = dumps(
            {
                "run_id": self.run,
                "total": int(len(chosen)),
                "page": page,
                "page_size": page_size,
                "sort": sort_col,
                "order": direction.lower(),
            }
        )
        return head[:-1] + b',"items":[' + items + b'],"note":null}'


def _masks(values: list[Any], n: int) -> dict[Any, np.ndarray]:
    out: dict[Any, np.ndarray] = {}
    for i, v in enumerate(values):
        if v is None:
            continue
        m = out.get(v)
        if m is None:
            m = out[v] = np.zeros(n, dtype=bool)
        m[i] = True
    return out


@dataclass
class Snapshot:
    """What was built for one data generation."""

    generation: int
    run: str
    index: ListIndex | None = None
    details: dict[tuple[str, str], bytes] = field(default_factory=dict)
    total: int = 0
    done: bool = False
    seconds: float = 0.0


class Precompute:
    """Builds a :class:`Snapshot` in a background thread after start and after every data change.

    Args:
        db: The app's Database (its ``changed()`` triggers a rebuild).
        max_details: Runs with more opportunities get the list index only (memory: ~2 KB per detail).
        max_rows: Runs with more opportunities are not precomputed at all (memory: ~1 KB per row).
    """

    def __init__(self, db: Database, *, max_details: int = 100_000, max_rows: int = 500_000) -> None:
        self.db = db
        self.max_details = max_details
        self.max_rows = max_rows
        self.snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self._stop = threading.Event()
        db.on_change.append(self.schedule)
        db.on_close.append(self.stop)

    def schedule(self) -> None:
        """Build (again) in the background; a build in progress restarts when it ends."""
        if self._stop.is_set():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._thread = threading.Thread(target=self._loop, name="xborder-precompute", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 60) -> None:
        """Stop building (before the database closes)."""
        self._stop.set()
        t = self._thread
        if t is not None:
            t.join(timeout)

    def wait(self, timeout: float = 600) -> bool:
        """Block until the current build is done (tests, benchmarks); True when it finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = self._thread
            if t is None or not t.is_alive():
                return True
            t.join(min(1.0, max(0.0, deadline - time.monotonic())))
        return False

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._build()
            except Exception:
                log.exception("precomputing the opportunity pages failed; they are computed per request")
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

    def _build(self) -> None:
        from xborder.api.queries.detail import build_details

        t0 = time.perf_counter()
        gen = self.db.generation
        self.snapshot = None
        run = qo.latest_selection_run(self.db)
        if run is None:
            return
        with self.db.read() as cur:
            row = cur.execute("SELECT count(*) FROM opportunities WHERE run_id = ?", [run]).fetchone()
        if row is None or row[0] > self.max_rows:
            log.info("run %s has too many opportunities to precompute; they are queried per request", run)
            return
        snap = Snapshot(generation=gen, run=run)
        snap.index = ListIndex(self.db, run)
        snap.total = len(snap.index.items)
        if self.db.generation != gen:
            return
        self.snapshot = snap  # the list answers from here on; details as they are built
        if snap.total > self.max_details:
            snap.done, snap.seconds = True, time.perf_counter() - t0
            return
        for product_id, market, detail in build_details(self.db, run):
            if self._stop.is_set() or self.db.generation != gen:
                return
            snap.details[(product_id, market)] = zlib.compress(dumps(detail), 1)
        snap.done, snap.seconds = True, time.perf_counter() - t0
        log.info("precomputed %d opportunity pages of %s in %.1f s", len(snap.details), run, snap.seconds)

    def current(self) -> Snapshot | None:
        """The snapshot of the current data generation, if built."""
        snap = self.snapshot
        return snap if snap is not None and snap.generation == self.db.generation else None

    def list_body(self, *args: Any) -> bytes | None:
        """A list page (arguments as ``ListIndex.page``) or None."""
        snap = self.current()
        return snap.index.page(*args) if snap is not None and snap.index is not None else None

    def detail_body(self, product_id: str, market: str, run_id: str | None) -> bytes | None:
        """A detail page's JSON or None."""
        snap = self.current()
        if snap is None or (run_id is not None and run_id != snap.run):
            return None
        blob = snap.details.get((product_id, market))
        return zlib.decompress(blob) if blob is not None else None

    def status(self) -> dict[str, Any]:
        """For /api/health: which run is precomputed and how far."""
        snap = self.current()
        if snap is None:
            return {"run_id": None, "details": 0, "of": 0, "ready": False}
        return {
            "run_id": snap.run,
            "details": len(snap.details),
            "of": snap.total,
            "ready": snap.done,
            "seconds": round(snap.seconds, 1),
        }
