"""Mapping files (TOML): describe any other layout — canonical field = source column, plus constants.

Example (``my_shop.toml``)::

    kind = "orders"
    [columns]            # canonical field = column header in your file
    order_id = "Order Number"
    ordered_at = "Order Date"
    product = "SKU"
    quantity = "Qty"
    unit_price = "Item Price"
    customer = "Buyer Email"     # pseudonymised at ingest
    country = "Ship Country"
    [constants]
    source = "myshop"            # product ids become myshop:<SKU>
    currency = "EUR"
    date_format = "%d.%m.%Y %H:%M"   # or date_order = "dmy" | "mdy", or locale = "de_DE"
    decimal = ","                    # force the decimal mark (normally decided per column)

Fields per kind are those of the canonical layouts (see docs/ingest.md).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError
from xborder.ingest.layouts.base import KINDS, Layout

__all__ = ["load_mapping"]


def load_mapping(path: Path, kind: str | None) -> tuple[Layout, dict[str, Any]]:
    """Build a Layout from a mapping file; ``kind`` (from --as) must agree with the file's ``kind`` if both given."""
    from xborder.ingest.layouts.generic import GENERIC

    if not path.is_file():
        raise BadInputError(f"Mapping file {path} does not exist.")
    try:
        raw = path.read_bytes()
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"Mapping file {path} is not valid TOML: {exc}") from exc
    mkind = doc.get("kind", kind)
    if mkind is None:
        raise BadInputError(
            f"Mapping file {path} does not say which kind it describes.",
            hint='Add kind = "orders" (or --as).',
        )
    if kind is not None and mkind != kind:
        raise BadInputError(f"Mapping file {path} describes kind {mkind!r} but --as says {kind!r}.")
    if mkind not in GENERIC:
        raise BadInputError(
            f"Mapping files support the kinds {', '.join(GENERIC)}; got {mkind!r}.",
            hint=f"Known kinds: {', '.join(KINDS)}.",
        )
    base = GENERIC[mkind]
    columns = doc.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise BadInputError(
            f"[columns] in {path} must map canonical field names to column headers (strings)."
        )
    known = {f.name for f in base.fields}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise BadInputError(
            f"Mapping file {path}: unknown field(s) {', '.join(unknown)} for kind {mkind}.",
            hint=f"Fields of {mkind}: {', '.join(sorted(known))}.",
        )
    constants = dict(doc.get("constants", {}))
    constants.setdefault("source", path.stem)
    # The digest of the mapping's bytes goes into ingest_log.layout: a changed mapping reads the file again.
    constants["_mapping_digest"] = hashlib.sha256(raw).hexdigest()[:12]
    date_fmt = constants.get("date_format")
    fields = []
    for f in base.fields:
        aliases = (columns[f.name],) if f.name in columns else f.aliases
        fmts = (date_fmt,) if date_fmt and f.type in {"timestamp", "date"} else f.date_formats
        fields.append(replace(f, aliases=aliases, date_formats=fmts))
    layout = replace(
        base, name=f"mapping:{path.name}", fields=tuple(fields), description=f"mapping file {path.name}"
    )
    return layout, constants
