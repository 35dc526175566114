"""A batch's consumer-facing page: its verified history in plain steps, where its materials came from, and a
QR code payload (text and SVG, drawn with ``segno``) that names the batch and the tree root it was proven under."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import duckdb

from xborder.core.errors import NotFoundError
from xborder.ledger.batches import batch_history, lineage
from xborder.ledger.heads import signed_heads
from xborder.ledger.verify import verify

__all__ = ["QR_SCHEME", "consumer_page", "qr_payload", "qr_svg"]

QR_SCHEME = "XB1"
"""Prefix of the offline QR payload ``XB1:<batch>:<tree size>:<root hex>``."""

_PLACE_KEYS = ("to", "country", "site", "warehouse", "from")
_SUMMARY_KEYS = (
    "material",
    "product",
    "result",
    "mode",
    "quantity",
    "unit",
    "standard",
    "from",
    "to",
    "country",
)


def qr_payload(batch_id: str, size: int, root: str, base_url: str | None = None) -> str:
    """What the QR code holds: ``<base_url>/<batch>?size=N&root=HEX`` when the seller publishes pages, else the
    offline form ``XB1:<batch>:<size>:<root>`` (a verifier app or ``xborder ledger batch show`` checks it)."""
    if base_url:
        return f"{base_url.rstrip('/')}/{quote(batch_id, safe='')}?size={size}&root={root}"
    return f"{QR_SCHEME}:{batch_id}:{size}:{root}"


def qr_svg(payload: str) -> str:
    """The QR code of ``payload`` as a standalone SVG document (error correction M, 4-module quiet zone)."""
    import segno

    buf = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buf, kind="svg", scale=4, xmldecl=False)
    return buf.getvalue().decode("utf-8")


def _step(e: dict[str, Any]) -> dict[str, Any]:
    d = e["data"]
    place = next((str(d[k]) for k in _PLACE_KEYS if d.get(k) not in (None, "")), None)
    return {
        "step": e["type"],
        "date": e["at"].date().isoformat(),
        "actor": d.get("actor"),
        "place": place,
        "facts": {k: d[k] for k in _SUMMARY_KEYS if k in d and k not in ("to", "country")},
        "documents": [{"name": x.get("name"), "sha256": x.get("sha256")} for x in d.get("documents", [])],
        "entry": e["seq"],
    }


def consumer_page(
    con: duckdb.DuckDBPyConnection, batch_id: str, *, base_url: str | None = None
) -> dict[str, Any]:
    """The payload of a batch's public page (JSON; a shop renders it): the product, each step (date, who, where,
    documents' hashes), the batches it was made from with their own steps, whether the ledger verifies, the tree
    root and size that prove it, the QR payload, and the batch's latest signed head (``signed``:
    key id, size, root; None until `xborder ledger sign`). Sales are left out: orders are the seller's business.

    Raises:
        NotFoundError: the batch has no events in the ledger.
    """
    events = [e for e in batch_history(con, batch_id) if e["type"] != "sale"]
    if not events:
        raise NotFoundError(
            f"Batch {batch_id!r} has no supply-chain events in the ledger.",
            hint="`xborder ledger batch add` records them.",
        )
    rep = verify(con, batch_id)
    head = con.execute(
        "SELECT tree_size, root_hash FROM ledger_heads WHERE batch_id = ? ORDER BY tree_size DESC LIMIT 1",
        [batch_id],
    ).fetchone()
    size, root = (int(head[0]), str(head[1])) if head else (0, "")
    up = lineage(con, batch_id)["upstream"]
    origins = []
    for parent, depth in sorted(up.items(), key=lambda kv: (kv[1], kv[0])):
        steps = [_step(e) for e in batch_history(con, parent) if e["type"] != "sale"]
        origins.append({"batch": parent, "depth": depth, "steps": steps, "verified": verify(con, parent).ok})
    product = next(
        (
            e["data"].get("product") or e["data"].get("material")
            for e in events
            if e["data"].get("product") or e["data"].get("material")
        ),
        None,
    )
    payload = qr_payload(batch_id, size, root, base_url)
    sh = next(reversed(signed_heads(con, batch_id)), None)
    signed = None if sh is None else {k: sh.get(k) for k in ("key_id", "tree_size", "root", "head_at")}
    return {
        "batch": batch_id,
        "product": product,
        "verified": rep.ok and all(o["verified"] for o in origins),
        "problems": len(rep.problems),
        "tree_size": size,
        "root": root,
        "steps": [_step(e) for e in events],
        "origins": origins,
        "qr": payload,
        "signed": signed,
    }
