"""``xborder risk events add | load | list | detect``: risk events with when they happened and were flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n

__all__ = ["events_app", "events_add", "events_load", "events_list", "events_detect", "events_replay"]

events_app = typer.Typer(
    help="Risk events: when each happened and when it was first flagged (the risk detection time KPI).",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _store(ctx: typer.Context, events: Any) -> None:
    from xborder.domains.risk.stage.events import record_events

    con = open_warehouse(ctx)
    try:
        counts = record_events(con, events)
    finally:
        con.close()
    data = {"rows": counts["candidates"], "written": counts["written"], "already": counts["already"],
            "events": events}  # fmt: skip
    emit(ctx, data, lambda d: console.print(i18n.render("risk.events.stored", "en", **d)))


@events_app.command("add")
def events_add(
    ctx: typer.Context,
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="compliance | platform | fx | logistics | demand | supply | ip_brand | data | finance.",
        ),
    ],  # fmt: skip
    what: Annotated[str, typer.Option("--what", help="What happened (a short phrase, no personal names).")],
    detected_at: Annotated[
        str, typer.Option("--detected-at", help="When it was first flagged (UTC, ISO 8601).")
    ],
    happened_at: Annotated[
        str | None, typer.Option("--happened-at", help="When it happened (UTC, ISO 8601); omit if unknown.")
    ] = None,
    product_id: Annotated[
        str | None, typer.Option("--product", help="products.product_id it concerns.")
    ] = None,
    market: Annotated[str | None, typer.Option("--market", help="ISO2 market it concerns.")] = None,
    by: Annotated[str, typer.Option("--by", help="Team or role that flagged it.")] = "manual",
    event_id: Annotated[
        str | None, typer.Option("--id", help="Your reference (default: from the fields).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Record one risk event someone flagged (a second add of the same event changes nothing)."""
    import pandas as pd

    from xborder.core.clock import utcnow
    from xborder.domains.risk.events import manual_events

    if json_out:
        state(ctx).json = True
    row = {"category": category, "what": what, "detected_at": detected_at, "happened_at": happened_at,
           "product_id": product_id, "market": market, "event_id": event_id, "note": note,
           "detected_by": by}  # fmt: skip
    _store(ctx, manual_events(pd.DataFrame([row]), "manual", utcnow()))


@events_app.command("load")
def events_load(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV/XLSX: category, what, detected_at[, happened_at, product_id, "
            "market, event_id, detected_by, note]."
        ),
    ],  # fmt: skip
    json_out: JsonOpt = False,
) -> None:
    """Record every risk event of a file; a bad row refuses the file, naming the row and column."""
    from xborder.core.clock import utcnow
    from xborder.domains.risk.events import manual_events
    from xborder.domains.risk.stage.events import read_event_file

    if json_out:
        state(ctx).json = True
    _store(ctx, manual_events(read_event_file(file), f"file:{file.name}", utcnow()))


@events_app.command("detect")
def events_detect(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Record the risks xborder itself flagged (warning indicators, late deliveries) and not recorded yet."""
    from xborder.domains.risk.stage.events import detect_events

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx)
    try:
        out = detect_events(con)
    finally:
        con.close()

    def show(d: dict[str, Any]) -> None:
        for source in ("warning_indicators", "supplier_events"):
            console.print(i18n.render("risk.events.detected", "en", source=source, **d[source]))

    emit(ctx, out, show)


@events_app.command("replay")
def events_replay(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The detection time of the delivery history had each row arrived on its delivery day (nothing stored)."""
    from xborder.domains.risk.stage.events import replay_deliveries

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=True)
    try:
        out = replay_deliveries(con)
    finally:
        con.close()

    def show(d: dict[str, Any]) -> None:
        key = "risk.events.replay" if d["median_hours"] is not None else "risk.events.replay_none"
        console.print(
            i18n.render(key, "en", **{k: v for k, v in d.items() if not isinstance(v, dict | list)})
        )

    emit(ctx, out, show)


@events_app.command("list")
def events_list(
    ctx: typer.Context,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown (JSON: all).")] = 20,
    lang: Annotated[str, typer.Option("--lang", help="en | zh.")] = "en",
    json_out: JsonOpt = False,
) -> None:
    """Every recorded risk event, latest first, and the detection time (the KPI) over the live ones."""
    from rich.table import Table as RichTable

    from xborder.domains.risk.events import detection_summary
    from xborder.domains.risk.stage.events import read_events

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=True)
    try:
        events = read_events(con)
    finally:
        con.close()
    if category:
        events = events[events["category"] == category.lower()]
    summary = detection_summary(events)

    def show(d: dict[str, Any]) -> None:
        s = d["summary"]
        if not s["events"]:
            console.print(i18n.render("risk.events.none", lang))
            return
        t = RichTable(title=i18n.render("risk.events.title", lang, n=s["events"]))
        for c in ("detected_at", "category", "what", "market", "happened_at", "detection_hours", "backfill"):
            t.add_column(i18n.render(f"risk.events.col_{c}", lang))
        for r in d["events"][:limit]:
            hours = r["detection_hours"]
            what = " ".join(str(x) for x in (r["what"], r["product_id"]) if x)
            t.add_row(str(r["detected_at"])[:16], r["category"], what[:60], r["market"] or "",
                      str(r["happened_at"] or "?")[:16], "?" if hours is None or hours != hours else f"{hours:,.1f}",
                      "?" if r["backfill"] is None else str(bool(r["backfill"])))  # fmt: skip
        console.print(t)
        key = "risk.events.kpi" if s["median_hours"] is not None else "risk.events.kpi_unknown"
        console.print(
            i18n.render(key, lang, **{k: v for k, v in s.items() if not isinstance(v, dict | list)})
        )

    emit(ctx, {"summary": summary, "events": events.to_dict("records")}, show)
