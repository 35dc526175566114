"""``xborder privacy key | rotate-key | erase | requests | retain | breach | suppression | map``: erasure and the rest."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.cli.privacy_keys import rotate_key, show_key
from xborder.cli.privacy_suppression import suppression_app
from xborder.core.errors import BadInputError

__all__ = ["register", "log_cli_reads", "actor"]

privacy_app = typer.Typer(
    help="Privacy: erase a customer, enforce retention, record breaches, show the data map and the pseudonym key.",
    no_args_is_help=True,
)
breach_app = typer.Typer(help="The breach register and its 72-hour notification clock.", no_args_is_help=True)


def actor() -> str:
    """Who runs this command: ``cli:<os user>``."""
    try:
        return "cli:" + getpass.getuser()
    except Exception:
        return "cli:" + os.environ.get("USER", "unknown")


def _reseal(con: Any, reason: str) -> None:
    """Erasure and retention change recorded rows legitimately: the ledger records why (``ledger reseal``), so
    ``xborder ledger verify`` keeps passing and shows what changed."""
    from xborder.ledger.runs import reseal

    reseal(con, reason, origin="privacy")


def log_cli_reads(ctx: typer.Context, con: Any, frames: dict[str, Any], run_id: str | None = None) -> None:
    """Record in the access log that this command read the personal columns in ``frames`` (table → rows read);
    a command that shows customer-level rows calls it once, with the connection it read through."""
    from xborder.privacy.access import log_reads

    log_reads(con, state(ctx).settings.db_path, actor=actor(), channel="cli", command=ctx.command_path,
              frames=frames, run_id=run_id)  # fmt: skip


def _when(text: str | None, what: str) -> dt.datetime:
    from xborder.core.clock import utcnow

    if not text:
        return utcnow()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"{what}: {text!r} is not a date/time.", hint="Give it as 2026-12-06 or 2026-12-06T09:30"
        ) from None
    return value.replace(tzinfo=None)


@privacy_app.command("erase")
def erase(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The person's id as in the source export (e.g. 17850).")],
    source: Annotated[
        list[str],
        typer.Option(
            "--source", help="Source the id belongs to (uci, olist, or a mapping's source); repeatable."
        ),
    ],
    received: Annotated[
        str | None, typer.Option("--received", help="When the request was received (default: now, UTC).")
    ] = None,
    regime: Annotated[
        str,
        typer.Option(
            "--regime",
            help="Rule behind the request, which sets its deadline: ccpa 48 h, amazon_dpp 30 days, gdpr 30 days, "
            "internal the setting erasure_deadline_hours.",
        ),
    ] = "internal",
    note: Annotated[str | None, typer.Option("--note", help="Ticket number or channel.")] = None,
    delete_exports: Annotated[
        bool, typer.Option("--delete-exports", help="Also delete report files that hold the person.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; change nothing.")
    ] = False,
) -> None:
    """Erase one customer from every table, derived table, quarantine and report export, logged in the request
    register with its deadline."""
    from xborder.core.clock import utcnow
    from xborder.privacy import deadline_hours, erase_subject
    from xborder.warehouse.keys import key_info, warehouse_key

    st = state(ctx)
    # an unknown regime is refused before the warehouse is opened
    hours = deadline_hours(regime, st.settings.erasure_deadline_hours)
    con = open_warehouse(ctx)
    try:
        if key_info(con) is None:
            raise BadInputError("This warehouse holds no pseudonymised data yet: nothing to erase.")
        key_bytes = warehouse_key(con, st.settings)
        paths = [
            Path(p) for (p,) in con.execute("SELECT path FROM report_files WHERE path IS NOT NULL").fetchall()
        ]
        res = erase_subject(
            con, key_bytes, source, customer_id,
            received_at=_when(received, "--received"), deadline_hours=hours,
            done_by=actor(), now=utcnow(), note=note, regime=regime, export_paths=paths,
            delete_exports=delete_exports, dry_run=dry_run,
        )  # fmt: skip
        if res.total and not dry_run:
            _reseal(con, f"privacy erase request {res.request_id}")
    finally:
        con.close()
    data = {"request_id": None if dry_run else res.request_id, "status": res.status, "regime": regime, "due_at": res.due_at,
            "rows": res.rows, "exports": res.exports, "exports_deleted": bool(res.exports and delete_exports and not dry_run),
            "suppressed": res.suppressed}  # fmt: skip

    def render(d: dict[str, Any]) -> None:
        verb = "Would change" if dry_run else "Changed"
        if not d["rows"] and not d["exports"]:
            console.print(f"No data of {customer_id!r} from {', '.join(source)} found (pseudonyms searched under this "
                          "warehouse's key). Recorded as not_found." if not dry_run else "Nothing found.")  # fmt: skip
        for table, counts in d["rows"].items():
            console.print(f"{verb} {table}: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
        for p in d["exports"]:
            console.print(
                f"{'Deleted' if d['exports_deleted'] else 'Holds the person (delete or regenerate)'}: {p}"
            )
        if d["request_id"]:
            console.print(
                f"Request {d['request_id']} {d['status']}; deadline ({d['regime']}) {d['due_at']:%Y-%m-%d %H:%M} UTC."
            )
        if d["suppressed"]:
            console.print(
                f"{d['suppressed']} pseudonym(s) on the suppression list: a later ingest keeps the person out."
            )

    emit(ctx, data, render)


@privacy_app.command("requests")
def requests(ctx: typer.Context) -> None:
    """The deletion-request register: each request, its deadline, and whether it was late."""
    from xborder.core.clock import utcnow
    from xborder.privacy import list_requests

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = list_requests(con, now=utcnow())
    finally:
        con.close()

    def render(rows: list[dict]) -> None:
        from rich.table import Table

        if not rows:
            console.print("No requests recorded.")
            return
        t = Table(title="Erasure requests")
        for c in ("request", "received", "regime", "deadline", "source", "status", "late", "by"):
            t.add_column(c)
        for r in rows:
            t.add_row(r["request_id"], f"{r['received_at']:%Y-%m-%d %H:%M}", r["regime"], f"{r['due_at']:%Y-%m-%d %H:%M}",
                      str(r["source"]), r["status"], "LATE" if r["late"] else "", str(r["done_by"]))  # fmt: skip
        console.print(t)

    emit(ctx, rows, render)


@privacy_app.command("retain")
def retain_cmd(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Retention period (default: setting retention_personal_days)."),
    ] = None,
    amazon_days: Annotated[
        int | None,
        typer.Option(
            "--amazon-days",
            min=0,
            help="Period of Amazon buyer data (default: setting retention_amazon_days, 30; 0: off).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; change nothing.")
    ] = False,
) -> None:
    """Enforce the retention periods: customer keys of older sales and reviews unlinked, Amazon buyers' after 30
    days, old quarantine deleted."""
    from xborder.core.clock import utcnow
    from xborder.privacy import retain

    st = state(ctx)
    amazon = st.settings.retention_amazon_days if amazon_days is None else amazon_days
    con = open_warehouse(ctx)
    try:
        out = retain(con, days or st.settings.retention_personal_days, now=utcnow(), amazon_days=amazon,
                     dry_run=dry_run)  # fmt: skip
        if out["changed"] and not dry_run:
            _reseal(con, "privacy retention " + _periods(out))
    finally:
        con.close()

    def render(d: dict) -> None:
        head = "Would change" if dry_run else "Changed"
        if not d["changed"]:
            console.print(f"Nothing holds personal data past its period ({_periods(d)}).")
        for what, n in d["changed"].items():
            console.print(f"{head} {what}: {n:,} rows")
        if d["changed"]:
            console.print(f"Periods: {_periods(d)}.")

    emit(ctx, out, render)


def _periods(d: dict) -> str:
    """The periods a retention applied, e.g. ``365 days (before 2025-12-07); Amazon buyers 30 days (…)``."""
    parts = []
    if d["cutoff"] is not None:
        parts.append(f"{d['days']} days (before {d['cutoff']:%Y-%m-%d})")
    if d["amazon_cutoff"] is not None:
        parts.append(f"Amazon buyers {d['amazon_days']} days (before {d['amazon_cutoff']:%Y-%m-%d})")
    return "; ".join(parts)


@breach_app.command("add")
def breach_add(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="What happened and which data it touched.")],
    detected: Annotated[
        str | None, typer.Option("--detected", help="When it became known (default: now).")
    ] = None,
) -> None:
    """Record a breach; its notification deadline is 72 hours after detection (setting breach_notify_hours)."""
    from xborder.privacy import add_breach

    st = state(ctx)
    con = open_warehouse(ctx)
    try:
        b = add_breach(con, what, detected_at=_when(detected, "--detected"),
                       notify_hours=st.settings.breach_notify_hours, recorded_by=actor())  # fmt: skip
    finally:
        con.close()
    emit(
        ctx,
        b,
        lambda d: console.print(
            f"Breach {d['breach_id']} recorded; notify the authority by {d['notify_by']:%Y-%m-%d %H:%M} UTC."
        ),
    )


@breach_app.command("notified")
def breach_notified(
    ctx: typer.Context,
    breach_id: Annotated[str, typer.Argument(help="The breach id `xborder privacy breach list` shows.")],
    at: Annotated[
        str | None, typer.Option("--at", help="When the authority was notified (default: now).")
    ] = None,
) -> None:
    """Record that the authority was notified of a breach."""
    from xborder.privacy import mark_notified

    con = open_warehouse(ctx)
    try:
        ok = mark_notified(con, breach_id, at=_when(at, "--at"))
    finally:
        con.close()
    if not ok:
        raise BadInputError(f"No open breach {breach_id!r}.", hint="xborder privacy breach list")
    emit(
        ctx,
        {"breach_id": breach_id, "notified": True},
        lambda d: console.print(f"Breach {breach_id}: notified."),
    )


@breach_app.command("list")
def breach_list(ctx: typer.Context) -> None:
    """Every breach with the hours left to notify (LATE when past the deadline)."""
    from xborder.core.clock import utcnow
    from xborder.privacy import list_breaches

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = list_breaches(con, now=utcnow())
    finally:
        con.close()

    def render(rows: list[dict]) -> None:
        if not rows:
            console.print("No breaches recorded.")
        for r in rows:
            status = (f"notified {r['notified_at']:%Y-%m-%d %H:%M}" if r["notified_at"]
                      else f"{r['hours_left']:+.1f} h to notify")  # fmt: skip
            console.print(
                f"{r['breach_id']}  {r['detected_at']:%Y-%m-%d %H:%M}  {status}{'  LATE' if r['late'] else ''}  {r['what']}"
            )

    emit(ctx, rows, render)


@privacy_app.command("map")
def data_map_cmd(
    ctx: typer.Context,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="As the Markdown table docs/privacy.md embeds.")
    ] = False,
) -> None:
    """The data map: every personal field, where it lives, who writes it and what erasure does to it."""
    from xborder.privacy import data_map
    from xborder.privacy.datamap import data_map_markdown

    if markdown:
        print(data_map_markdown(), end="")
        return
    rows = data_map()

    def render(rows: list[dict]) -> None:
        from rich.table import Table

        t = Table(title="Personal data in the warehouse")
        for c in ("table", "column", "holds", "written by", "on erasure"):
            t.add_column(c)
        for r in rows:
            t.add_row(r["table"], r["column"], r["holds"], r["written_by"], r["erasure"])
        console.print(t)

    emit(ctx, rows, render)


@privacy_app.command("access")
def access(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Reads from this date/time (UTC).")] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only this actor (cli:<user> or a web user).")
    ] = None,
    table: Annotated[str | None, typer.Option("--table", help="Only reads of this table.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Latest reads to list.")] = 100,
) -> None:
    """The access log: who read which personal columns of which table, through which command, when."""
    from xborder.privacy.access import flush_pending, list_reads

    db = state(ctx).settings.db_path
    try:
        con = open_warehouse(ctx)
        flush_pending(con, db)  # reads logged by read-only commands join the table
    except BadInputError:
        con = open_warehouse(ctx, read_only=True)  # the writer is busy: list the side file's reads as pending
    try:
        rows = list_reads(con, db, since=_when(since, "--since") if since else None, actor=actor, table=table,
                          limit=limit)  # fmt: skip
    finally:
        con.close()

    def render(rs: list[dict[str, Any]]) -> None:
        from rich.table import Table

        t = Table(title=f"Reads of personal data ({len(rs)} latest)")
        for c in ("when (UTC)", "who", "channel", "command", "table", "columns", "rows", "run"):
            t.add_column(c)
        for r in rs:
            t.add_row(f"{r['read_at']:%Y-%m-%d %H:%M:%S}" + (" *" if r["pending"] else ""), r["actor"], r["channel"],
                      r["command"], r["table_name"], ", ".join(r["columns"]), f"{r['rows_read'] or 0:,}",
                      str(r["run_id"] or ""))  # fmt: skip
        console.print(t)

    emit(ctx, rows, render)


privacy_app.command("key")(show_key)
privacy_app.command("rotate-key")(rotate_key)
privacy_app.add_typer(breach_app, name="breach")
privacy_app.add_typer(suppression_app, name="suppression")


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")
