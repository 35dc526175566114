"""``xborder privacy key | rotate-key``: the pseudonym key's registry, and rotating it (docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress

__all__ = ["show_key", "rotate_key"]


def show_key(ctx: typer.Context) -> None:
    """Show the fingerprints of the warehouse's pseudonym keys (never a key): the base key and each rotation's."""
    from xborder.warehouse.keys import key_registry

    con = open_warehouse(ctx, read_only=True)
    try:
        keys = key_registry(con)
    finally:
        con.close()
    data: dict[str, Any] = {"fingerprint": keys[-1]["fingerprint"] if keys else None, "keys": keys}
    if not keys:
        data["note"] = "not keyed yet: the first ingest of customer data makes the key"

    def render(d: dict) -> None:
        if d["fingerprint"] is None:
            console.print(d["note"])
            return
        for k in d["keys"]:
            state = (
                f"retired {k['retired_at']:%Y-%m-%d %H:%M} UTC"
                if k["retired_at"]
                else "current (outer layer)"
            )
            what = "base key" if k["key_id"] == 1 else f"layer {k['key_id']}"
            console.print(
                f"Pseudonym key {k['key_id']} {k['fingerprint']} ({what}, {k['created_by']}, since "
                f"{k['created_at']:%Y-%m-%d %H:%M} UTC): {state}"
                + (f" — {k['reason']}" if k["reason"] else "")
            )

    emit(ctx, data, render)


def rotate_key(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. the key was seen in a shared script).")],
    delete_exports: Annotated[
        bool,
        typer.Option("--delete-exports", help="Also delete the report files that hold pseudonyms of before."),
    ] = False,
) -> None:
    """Rotate the pseudonym key: every stored customer and reviewer pseudonym, in every table, is re-keyed under
    a new key layer in one transaction; line keys stay, so a re-ingest still finds its duplicates."""
    from xborder.cli.privacy import actor
    from xborder.core.clock import utcnow
    from xborder.ledger.runs import reseal
    from xborder.privacy.rotate import rotate_key as rotate

    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("re-keying pseudonyms", total=None)

            def step(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total, description=f"re-keying {label}")

            res = rotate(con, reason=reason, actor=actor(), now=utcnow(), progress=step)
        reseal(con, f"pseudonym key rotated to {res.fingerprint}: {reason.strip()}", origin="privacy")
    finally:
        con.close()
    if delete_exports:
        for p in res.exports:
            Path(p).unlink(missing_ok=True)
    data = {"key_id": res.key_id, "fingerprint": res.fingerprint, "retired": res.retired,
            "pseudonyms": res.pseudonyms, "rows": res.rows, "rows_total": res.total,
            "seconds": round(res.seconds, 3), "exports": res.exports,
            "exports_deleted": bool(res.exports and delete_exports)}  # fmt: skip

    def render(d: dict[str, Any]) -> None:
        console.print(
            f"Pseudonym key {d['fingerprint']} (key {d['key_id']}) now current; {d['retired']} retired. "
            f"{d['pseudonyms']:,} pseudonyms re-keyed in {d['rows_total']:,} rows ({d['seconds']:.2f} s); "
            "line keys unchanged; the ledger resealed."
        )
        for col, n in d["rows"].items():
            console.print(f"  {col}: {n:,}")
        for p in d["exports"]:
            console.print(
                f"Deleted (held pseudonyms of before): {p}"
                if d["exports_deleted"]
                else f"Holds pseudonyms of before the rotation (regenerate, or --delete-exports): {p}"
            )
        if not d["exports"]:
            console.print("No report file holds a pseudonym of before the rotation.")

    emit(ctx, data, render)
