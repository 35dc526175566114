"""``xborder privacy suppression list | lift``: the suppression list of erased persons, and lifting one (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse

__all__ = ["suppression_app", "list_cmd", "lift"]

suppression_app = typer.Typer(
    help="The suppression list: erased persons a later ingest keeps out; lift one when the person comes back.",
    no_args_is_help=True,
)


@suppression_app.command("list")
def list_cmd(
    ctx: typer.Context,
    lifted: Annotated[bool, typer.Option("--lifted", help="Also show suppressions already lifted.")] = False,
) -> None:
    """Erasure requests whose pseudonyms a later ingest keeps out (counts only; pseudonyms are never shown)."""
    from xborder.privacy.suppressions import list_suppressions

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = list_suppressions(con, include_lifted=lifted)
    finally:
        con.close()

    def render(rs: list[dict[str, Any]]) -> None:
        if not rs:
            console.print("Nobody is on the suppression list.")
        for r in rs:
            text = (
                f"{r['request_id']}: {r['active']} pseudonym(s) held since {r['added_at']:%Y-%m-%d %H:%M} UTC"
            )
            if r["lifted"]:
                text += f"; {r['lifted']} lifted {r['lifted_at']:%Y-%m-%d %H:%M} by {r['lifted_by']} ({r['lift_reason']})"
            console.print(text, highlight=False, markup=False)

    emit(ctx, rows, render)


@suppression_app.command("lift")
def lift(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="The erasure request (from `xborder privacy requests`).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why: the person's renewed consent, a ticket number ...")
    ],
) -> None:
    """Lift the suppression an erasure added: rows of the person ingested from now on are linked again (what was
    erased stays erased). Recorded on the list with who, when and why."""
    from xborder.api.accounts import audit
    from xborder.cli.privacy import actor
    from xborder.core.clock import utcnow
    from xborder.privacy.suppressions import lift_suppression

    con = open_warehouse(ctx)
    try:
        n = lift_suppression(con, request_id, reason=reason, lifted_by=actor(), now=utcnow())
        audit(con, None, "privacy.suppression.lift", request_id, "ok", {"lifted": n, "reason": reason},
              username=actor())  # fmt: skip
    finally:
        con.close()
    emit(ctx, {"request_id": request_id, "lifted": n},
         lambda d: console.print(f"Lifted {d['lifted']} pseudonym(s) of request {d['request_id']}"
                                 + ("" if d["lifted"] else " (already lifted)")
                                 + ": later ingests link the person again.", highlight=False, markup=False))  # fmt: skip
