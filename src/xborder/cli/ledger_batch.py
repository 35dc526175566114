"""`xborder ledger batch add|show|recall`: supply-chain batches on the ledger, their consumer page and recall."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core.errors import BadInputError

__all__ = ["batch_app", "add", "show", "recall"]

batch_app = typer.Typer(
    help="Supply-chain batches: record a step (material, production, inspection, shipment, customs, warehouse, "
    "sale), show a batch's verified history and consumer page, recall everything downstream.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
BatchArg = Annotated[str | None, typer.Argument(help="The batch (lot) id, e.g. LOT-2024-001.")]
TypeOpt = Annotated[
    str | None,
    typer.Option("--type", help="material | production | inspection | shipment | customs | warehouse | sale"),
]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="When it happened (ISO 8601; UTC unless an offset is given).")
]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="Company or site that did it (not a person).")]
DataOpt = Annotated[
    str | None, typer.Option("--data", help='The facts as JSON, e.g. \'{"from": "CN", "to": "DE"}\'.')
]
DocOpt = Annotated[
    list[Path] | None, typer.Option("--doc", help="A document to hash into the event (repeatable).")
]
ParentOpt = Annotated[
    list[str] | None, typer.Option("--parent", help="A batch this one was made from (repeatable).")
]
FileOpt = Annotated[
    Path | None, typer.Option("--file", help="Append every event of a JSON Lines file instead.")
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="Where the seller publishes batch pages (QR holds a link).")
]
QrSvgOpt = Annotated[Path | None, typer.Option("--qr-svg", help="Write the QR code as SVG to this file.")]
SignOpt = Annotated[
    bool,
    typer.Option(
        "--sign", help="Then sign the touched batches' heads with the ledger's key (`xborder ledger sign`)."
    ),
]
KeyDirOpt = Annotated[
    Path | None,
    typer.Option("--key-dir", help="Folder of the signing key (with --sign; default as `ledger sign`)."),
]
RecallArg = Annotated[
    str, typer.Argument(help="The batch to recall (a material lot, a production batch ...).")
]


def _on_warehouse(
    ctx: typer.Context,
    json_out: bool,
    work: Callable[[Any], dict[str, Any]],
    render: Callable[[dict[str, Any]], None],
    *,
    read_only: bool = True,
) -> None:
    """Run ``work(con)`` on the warehouse (closed afterwards) and print its result as text or, with --json, JSON."""
    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=read_only)
    try:
        out = work(con)
    finally:
        con.close()
    emit(ctx, out, render)


def _events_from_file(path: Path) -> list[Any]:
    """Events of a JSON Lines file: one ``{"batch_id", "type", "at", "actor", "data", "documents", "parents"}`` a line."""
    from xborder.ledger.batches import batch_event_from

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{where}: not JSON ({exc.msg}).", hint="One JSON object per line.") from None
        out.append(batch_event_from(record, where))
    return out


def _one_event(batch: str | None, type_: str | None, at: str | None, actor: str | None, data: str | None,
               doc: list[Path] | None, parent: list[str] | None) -> Any:  # fmt: skip
    """The event given by the options of ``ledger batch add``."""
    from xborder.ledger.batches import batch_event_from, document_ref

    if batch is None or type_ is None or at is None:
        raise BadInputError("ledger batch add needs BATCH, --type and --at (or --file).",
                            hint="e.g. xborder ledger batch add LOT-1 --type material --at 2024-03-01 "
                            '--actor "Mill A" --data \'{"material": "cotton"}\'')  # fmt: skip
    try:
        facts = json.loads(data) if data else {}
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"--data is not JSON ({exc.msg}).", hint='e.g. --data \'{"result": "pass"}\''
        ) from None
    if not isinstance(facts, dict):
        raise BadInputError("--data must be a JSON object (field → value).")
    return batch_event_from({"batch_id": batch, "type": type_, "at": at, "actor": actor, "data": facts,
                             "documents": [document_ref(p) for p in doc or []], "parents": parent or []})  # fmt: skip


@batch_app.command("add")
def add(ctx: typer.Context, batch: BatchArg = None, type_: TypeOpt = None, at: AtOpt = None, actor: ActorOpt = None,
        data: DataOpt = None, doc: DocOpt = None, parent: ParentOpt = None, file: FileOpt = None,
        sign: SignOpt = False, key_dir: KeyDirOpt = None, json_out: JsonOpt = False) -> None:  # fmt: skip
    """Append one supply-chain event to a batch (or every event of --file), hash-chained into its Merkle tree;
    with --sign, sign the heads of the batches it touched."""
    from xborder.ledger.batches import add_batch_events

    events = (
        _events_from_file(file)
        if file is not None
        else [_one_event(batch, type_, at, actor, data, doc, parent)]
    )

    def render(d: dict[str, Any]) -> None:
        console.print(
            f"{d['stored']:,} event(s) appended, {d['duplicates']:,} already in the ledger", highlight=False
        )
        for b, h in list(d["heads"].items())[:10]:
            console.print(f"  {escape(b)}: {h['tree_size']} event(s), root {h['root']}", highlight=False)
        if "signed" in d:
            kid = d["signed"][0]["key_id"] if d["signed"] else "-"
            console.print(f"{len(d['signed']):,} head(s) signed by key {kid}", highlight=False)

    def work(con: Any) -> dict[str, Any]:
        from xborder.ledger.signing import SignedAnchor, default_key_dir

        folder = key_dir.expanduser() if key_dir else default_key_dir()
        if sign:  # refuse before appending anything when the key cannot sign
            SignedAnchor(folder).require_current(con)
        out = add_batch_events(con, events, origin="cli").as_dict()
        if sign:
            from xborder.api.accounts import audit
            from xborder.cli.privacy import actor as who
            from xborder.ledger.heads import sign_heads

            touched = {e["batch_id"] for e in out["entries"]}
            out["signed"] = sign_heads(con, folder, among=touched, actor=who())
            if out["signed"]:
                audit(con, None, "ledger.heads.sign", ",".join(sorted(touched))[:200], "ok",
                      {"heads": len(out["signed"]), "key_id": out["signed"][0]["key_id"]}, username=who())  # fmt: skip
        return out

    _on_warehouse(ctx, json_out, work, render, read_only=False)


def _step_line(s: dict[str, Any], prefix: str = "") -> str:
    docs = f" ({len(s['documents'])} document(s))" if s.get("documents") else ""
    return f"  {prefix}{s['date']} {s['step']} {escape(str(s['actor'] or ''))} {escape(str(s['place'] or ''))}{docs}"


@batch_app.command("show")
def show(ctx: typer.Context, batch: Annotated[str, typer.Argument(help="The batch id.")], base_url: BaseUrlOpt = None,
         qr_svg: QrSvgOpt = None, json_out: JsonOpt = False) -> None:  # fmt: skip
    """The consumer page of a batch: its verified steps, its materials' steps and the QR payload."""
    from xborder.ledger.consumer import consumer_page
    from xborder.ledger.consumer import qr_svg as make_svg

    def work(con: Any) -> dict[str, Any]:
        page = consumer_page(con, batch, base_url=base_url)
        if qr_svg is not None:
            qr_svg.write_text(make_svg(page["qr"]), encoding="utf-8")
            page["qr_svg"] = str(qr_svg)
        return page

    def render(p: dict[str, Any]) -> None:
        mark = "verified" if p["verified"] else f"NOT VERIFIED ({p['problems']} problem(s))"
        console.print(f"Batch {escape(p['batch'])}: {escape(str(p['product'] or ''))} — {mark}; "
                      f"{p['tree_size']} event(s), root {p['root']}", highlight=False)  # fmt: skip
        sh = p.get("signed")
        console.print(f"signed head: {sh['tree_size']} event(s) signed by key {sh['key_id']} ({sh['head_at']})" if sh
                      else "no signed head (`xborder ledger sign`)", highlight=False)  # fmt: skip
        for o in p["origins"]:
            for s in o["steps"]:
                console.print(
                    _step_line({**s, "documents": []}, f"from {escape(o['batch'])}: "), highlight=False
                )
        for s in p["steps"]:
            console.print(_step_line(s), highlight=False)
        console.print(
            f"QR: {escape(p['qr'])}" + (f" (SVG: {p['qr_svg']})" if p.get("qr_svg") else ""), highlight=False
        )

    _on_warehouse(ctx, json_out, work, render)


@batch_app.command("recall")
def recall(ctx: typer.Context, batch: RecallArg, json_out: JsonOpt = False) -> None:
    """Every batch made from this one, their sales, and the orders and markets that received them."""
    from xborder.ledger.batches import recall as run_recall

    def render(d: dict[str, Any]) -> None:
        console.print(f"Recall of {escape(d['batch_id'])}: {len(d['batches']) - 1:,} downstream batch(es), "
                      f"{d['orders']:,} order(s), {d['lines_found']:,} order line(s) in the warehouse "
                      f"({d['seconds']:.2f} s)", highlight=False)  # fmt: skip
        for m, a in sorted(d["markets"].items(), key=lambda kv: -kv[1]["units"]):
            console.print(
                f"  {escape(m)}: {a['orders']:,} order(s), {a['units']:,.0f} unit(s)", highlight=False
            )

    _on_warehouse(ctx, json_out, lambda con: run_recall(con, batch).as_dict(), render)
