"""What a domain's part of an opportunity dossier is: a pure function of rows, given by a reader.

A dossier is everything known about one product in one market for one run. Each domain contributes a
section (``xborder/domains/<domain>/dossier.py`` declares ``SECTION``); the pipeline assembles them
(:mod:`xborder.pipeline.dossier`) once, for the report, the API and the dashboard alike. A section's
``build(reader, pair)`` asks the :class:`Reader` for rows of declared tables by column values and returns
codes and numbers (native Python values; JSON encoding happens at the interface). It never sees a
connection, so the same section serves a live query and a bulk precompute of a whole run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["Reader", "Pair", "Section", "first"]

Row = dict[str, Any]


class Reader(Protocol):
    """Rows for dossier sections. Run-scoped tables are read from the run the dossier is about (or, for a
    table the selection read from an earlier run, that run)."""

    run_id: str

    def rows(self, table: str, **equal: Any) -> list[Row]:
        """Rows of declared table ``table`` whose columns equal the given values, in stored order."""
        ...

    def history(self, product_id: str, market: str, unit: str) -> tuple[str | None, list[Row]]:
        """(source table, rows of ``ds``, ``y`` [, ``orders``]): units sold per ``unit`` (week|month) in the
        market, from sold order lines, else from actual period sales."""
        ...

    def reviews(
        self,
        *,
        product_id: str | None = None,
        category: str | None = None,
        ids: Sequence[str] = (),
        limit: int = 6,
    ) -> list[Row]:
        """Review rows: the given ids, else a product's (lowest-rated first), else its category's."""
        ...


@dataclass(frozen=True)
class Pair:
    """The product × market a dossier is about."""

    product_id: str
    market: str
    category: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Section:
    """A domain's part of the dossier.

    Args:
        name: Section name (the domain's, e.g. ``demand``).
        build: ``build(reader, pair) -> dict`` of codes and numbers.
        tables: The tables ``build`` reads (so a stage that has not run yet can be said to be missing).
    """

    name: str
    build: Callable[[Reader, Pair], dict[str, Any]]
    tables: tuple[str, ...] = ()


def first(rows: list[Row]) -> Row | None:
    """The first row, or None."""
    return rows[0] if rows else None
