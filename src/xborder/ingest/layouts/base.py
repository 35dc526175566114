"""What a layout is (the columns a known export has, and how its rows become canonical rows) and the registry."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xborder.core.errors import BadInputError

if TYPE_CHECKING:
    from xborder.ingest.context import LoadContext

__all__ = [
    "Field",
    "Layout",
    "WriteCounts",
    "register",
    "layouts_for",
    "all_layouts",
    "match_layout",
    "norm",
    "KINDS",
]

KINDS = (
    "orders",
    "products",
    "reviews",
    "sales",
    "trends",
    "ranks",
    "categories",
    "traffic",
    "ads",
    "transactions",
    "inventory",
    "quotes",
    "suppliers",
    "freight",
    "events",
)

_NORM = re.compile(r"[^0-9a-z\u00c0-\u024f\u3040-\u30ff\u4e00-\u9fff]+")


def norm(name: str) -> str:
    """Header name reduced for matching: lower case, letters and digits only ("Customer ID" → "customerid")."""
    return _NORM.sub("", str(name).lower().lstrip("\ufeff"))


@dataclass(frozen=True)
class Field:
    """A canonical input column: its accepted header spellings, type and whether it must be present/filled."""

    name: str
    aliases: tuple[str, ...]
    type: str = "text"  # text | number | integer | timestamp | date
    required: bool = False  # a row without a value is quarantined
    optional: bool = False  # the column may be absent from the file
    date_formats: tuple[str, ...] = ()


@dataclass
class WriteCounts:
    """Rows a layout writer stored, recognised as duplicates, or quarantined itself."""

    stored: int = 0
    duplicate: int = 0
    quarantined: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    """A recognised source layout of one kind."""

    name: str
    kind: str
    fields: tuple[Field, ...]
    writer: Callable[[Any, LoadContext], WriteCounts]
    description: str = ""
    order: int = 50  # load order inside a folder (lower first: dimensions before facts)
    matcher: Callable[[list[str]], bool] | None = None  # extra test (wide layouts)
    source: str = ""
    fast: bool = False  # eligible for the typed CSV fast path (writer never deletes from the validated rows)
    auto_min: int = 1  # without --as, recognised only when at least this many of its fields are in the file


_REGISTRY: list[Layout] = []


def register(layout: Layout) -> Layout:
    """Add a layout to the registry (done at import of each layouts module)."""
    _REGISTRY.append(layout)
    return layout


def all_layouts() -> list[Layout]:
    """Every registered layout."""
    from xborder.ingest import layouts  # noqa: F401  (imports register them)

    return list(_REGISTRY)


def layouts_for(kind: str | None) -> list[Layout]:
    """Layouts of one kind (all kinds when None)."""
    return [lay for lay in all_layouts() if kind is None or lay.kind == kind]


def resolve(layout: Layout, headers: list[str]) -> dict[str, str] | None:
    """Field name → file header when every non-optional field is present, else None."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm(h), h)
    out: dict[str, str] = {}
    for f in layout.fields:
        hit = next((by_norm[norm(a)] for a in f.aliases if norm(a) in by_norm), None)
        if hit is None:
            if not f.optional:
                return None
            continue
        out[f.name] = hit
    if layout.matcher is not None and not layout.matcher(headers):
        return None
    return out


def match_layout(kind: str | None, headers: list[str], file_name: str) -> tuple[Layout, dict[str, str]]:
    """The layout of ``kind`` (any kind when None) that explains most of the file's columns.

    A layout matches when every non-optional field has a column; among matches, the one whose fields
    use the most distinct columns wins (ties: lower ``order``). Without a kind, a layout also needs
    ``auto_min`` fields present, so a file with only a ``sku`` column is no product list. No match:
    BadInputError naming the two closest layouts, their missing columns and the file's closest columns.
    """
    candidates = layouts_for(kind)
    if kind is not None and not candidates:
        raise BadInputError(f"Unknown kind {kind!r}.", hint=f"Use one of: {', '.join(KINDS)}.")
    hits = []
    for lay in candidates:
        mapping = resolve(lay, headers)
        if mapping is None or (kind is None and len(mapping) < lay.auto_min):
            continue
        hits.append((len(set(mapping.values())), -lay.order, lay, mapping))
    if hits:
        hits.sort(key=lambda h: (h[0], h[1]), reverse=True)
        return hits[0][2], hits[0][3]
    raise BadInputError(_mismatch_message(kind, candidates, headers, file_name), hint=_hint(kind))


def _mismatch_message(kind: str | None, candidates: list[Layout], headers: list[str], file_name: str) -> str:
    by_norm = {norm(h): h for h in headers}

    def missing(lay: Layout) -> list[Field]:
        return [f for f in lay.fields if not f.optional and not any(norm(a) in by_norm for a in f.aliases)]

    def found(lay: Layout) -> list[Field]:
        return [f for f in lay.fields if any(norm(a) in by_norm for a in f.aliases)]

    def closeness(lay: Layout) -> tuple[int, float, float]:
        need = [f for f in lay.fields if not f.optional] or list(lay.fields)
        miss = missing(lay)
        sims = [
            max((difflib.SequenceMatcher(None, norm(f.aliases[0]), h).ratio() for h in by_norm), default=0.0)
            for f in miss
        ]
        # Every required column present but still no match (too few columns without --as, or the column
        # pattern of a wide layout): ranked below layouts that miss only a few columns.
        penalty = 0.5 if not miss else 0.0
        # First the layout that would explain most of the file once its missing columns are added.
        return (
            len(found(lay)) - len(miss),
            1 - len(miss) / len(need) - penalty,
            sum(sims) / len(sims) if sims else 1.0,
        )

    ranked = sorted(candidates, key=closeness, reverse=True)[:2]
    parts = []
    for lay in ranked:
        cols = []
        for f in missing(lay):
            close = difflib.get_close_matches(norm(f.aliases[0]), list(by_norm), n=2, cutoff=0.5)
            near = f" (closest in the file: {', '.join(repr(by_norm[c]) for c in close)})" if close else ""
            cols.append(f"'{f.aliases[0]}'{near}")
        if cols:
            parts.append(f"{lay.name} ({lay.description}) needs the missing column(s) {', '.join(cols)}")
            continue
        have = found(lay)
        if kind is None and len(have) < lay.auto_min:
            names = ", ".join(
                repr(next(by_norm[norm(a)] for a in f.aliases if norm(a) in by_norm)) for f in have
            )
            parts.append(
                f"{lay.name} ({lay.description}) finds only {len(have)} of its columns ({names}); without "
                f"--as {lay.kind} it needs {lay.auto_min}"
            )
        else:
            parts.append(f"{lay.name} ({lay.description}): the file's columns do not follow its pattern")
    shown = ", ".join(repr(h) for h in headers[:12]) + (" ..." if len(headers) > 12 else "")
    what = f"a file of kind '{kind}'" if kind else "any known layout"
    return (
        f"{file_name} does not look like {what}. Closest layouts: "
        + "; ".join(parts)
        + f". The file's columns are: {shown}."
    )


def _hint(kind: str | None) -> str:
    if kind is None:
        return (
            f"Say what the file holds with --as KIND ({', '.join(KINDS)}), or describe its columns in a "
            "mapping file (--mapping my_layout.toml; see docs/ingest.md)."
        )
    return (
        "Check that --as names the right kind, or describe the file's columns in a mapping file "
        "(--mapping my_layout.toml; see docs/ingest.md)."
    )
