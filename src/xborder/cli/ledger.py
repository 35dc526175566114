"""`xborder ledger verify|show|proof|check-proof|anchor|record|reseal`: the traceability ledger from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core.errors import XborderError

__all__ = [
    "register",
    "verify",
    "show",
    "proof",
    "check_proof",
    "anchor",
    "record",
    "reseal",
    "LedgerCheckFailedError",
]

ledger_app = typer.Typer(
    help="Traceability ledger: every ingest and run, hash-chained in RFC 6962 Merkle trees; verify, prove, anchor.",
    no_args_is_help=True,
)


class LedgerCheckFailedError(XborderError):
    """The ledger or a proof bundle does not verify (exit 1, after the report is printed)."""

    exit_code = 1


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _json_flag(ctx: typer.Context, json_out: bool) -> None:
    if json_out:
        state(ctx).json = True


@ledger_app.command("verify")
def verify(
    ctx: typer.Context,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch's history.")] = None,
    no_records: Annotated[
        bool,
        typer.Option("--no-records", help="Skip recomputing the digests of the rows runs and ingests wrote."),
    ] = False,
    trusted_key: Annotated[
        str | None,
        typer.Option(
            "--trusted-key", help="The signing key id you wrote down: it must be in the key history."
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Recompute every hash, the chain, the trees, the checkpoints and the recorded row digests; exit 1 and
    name the first tampered entry when anything was changed."""
    from xborder.ledger.verify import verify as run_verify

    _json_flag(ctx, json_out)
    con = open_warehouse(ctx, read_only=True)
    try:
        rep = run_verify(con, batch, records=not no_records, trusted_key=trusted_key)
    finally:
        con.close()
    emit(ctx, rep.as_dict(), _render_verify)
    if not rep.ok:
        first = rep.first_tampered
        raise LedgerCheckFailedError(
            f"The ledger does not verify: {len(rep.problems)} problem(s)"
            + (f"; the first tampered entry is seq {first}." if first is not None else "."),
            hint=f"`xborder ledger show --seq {first or 1}` shows the entry; compare the warehouse with a backup or "
            "an anchored checkpoint.",
        )


def _render_verify(data: dict[str, Any]) -> None:
    head = (
        f"{data['scope']}: {data['entries']:,} entries, {data['batches']:,} batches, {data['heads']:,} heads, "
        f"{data['anchors']:,} checkpoints ({data['signatures']:,} signed), {data.get('signed_heads', 0):,} signed tree heads, "
        f"{data['records_checked']:,} recorded table "
        "digests checked"
    )
    console.print(head, highlight=False, soft_wrap=True)
    if data["ok"]:
        console.print("ledger verified: nothing was changed", highlight=False)
    else:
        first = data["first_tampered"]
        console.print(
            f"TAMPERED: {len(data['problems'])} problem(s)"
            + (f"; the first tampered entry is seq {first}" if first is not None else ""),
            highlight=False,
        )
        for p in data["problems"][:50]:
            col = f".{p['column']}" if p["column"] else ""
            console.print(f"  {p['table']}{col} ({p['row']}) {p['code']}: {escape(p['message'])}", highlight=False,
                          soft_wrap=True)  # fmt: skip
    for n in data["notes"]:
        console.print(f"  note: {n}", highlight=False, soft_wrap=True)


@ledger_app.command("show")
def show(
    ctx: typer.Context,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch.")] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="The entry recording this run or ingest id.")
    ] = None,
    seq: Annotated[int | None, typer.Option("--seq", help="One entry, with its whole document.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Latest entries to list.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """List the latest entries, or show one entry's document."""
    from xborder.ledger.proof import entry_seq_for_run

    _json_flag(ctx, json_out)
    con = open_warehouse(ctx, read_only=True)
    try:
        if run is not None:
            seq = entry_seq_for_run(con, run)
        params: list[Any]
        cols = "seq, batch_id, leaf_index, event_type, occurred_at, recorded_at, origin, leaf_hash"
        if seq is not None:
            sql, params = f"SELECT {cols}, document FROM ledger_entries WHERE seq = ?", [seq]
        elif batch is not None:
            sql, params = (
                f"SELECT {cols} FROM ledger_entries WHERE batch_id = ? ORDER BY seq DESC LIMIT ?",
                [batch, limit],
            )
        else:
            sql, params = f"SELECT {cols} FROM ledger_entries ORDER BY seq DESC LIMIT ?", [limit]
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        total = con.execute("SELECT count(*) FROM ledger_entries").fetchone()
    finally:
        con.close()
    if seq is not None and not rows:
        from xborder.core.errors import NotFoundError

        raise NotFoundError(f"No ledger entry {seq}.", hint="List entries with `xborder ledger show`.")
    for r in rows:
        if "document" in r:
            r["document"] = json.loads(r["document"])
    emit(ctx, {"total": total[0] if total else 0, "entries": rows}, _render_show)


def _render_show(data: dict[str, Any]) -> None:
    from rich.table import Table

    if len(data["entries"]) == 1 and "document" in data["entries"][0]:
        console.print_json(json.dumps(data["entries"][0], default=str))
        return
    t = Table(title=f"Ledger: {len(data['entries'])} of {data['total']:,} entries (latest first)")
    for c in ("seq", "batch", "type", "at", "origin", "leaf hash"):
        t.add_column(c)
    for r in data["entries"]:
        t.add_row(str(r["seq"]), r["batch_id"], r["event_type"], str(r["occurred_at"])[:19], str(r["origin"] or ""),
                  r["leaf_hash"][:16] + "…")  # fmt: skip
    console.print(t)


@ledger_app.command("proof")
def proof(
    ctx: typer.Context,
    seq: Annotated[int | None, typer.Option("--seq", help="The entry to prove.")] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="The entry recording this run or ingest id.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the bundle to this JSON file.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """An entry's proof bundle: its document, inclusion proofs in its batch tree and the whole ledger's tree,
    and the consistency proof from the last anchored checkpoint (check it with `xborder ledger check-proof`)."""
    from xborder.core.errors import BadInputError
    from xborder.ledger.proof import entry_seq_for_run, proof_bundle

    _json_flag(ctx, json_out)
    if (seq is None) == (run is None):
        raise BadInputError("Give either --seq or --run.", hint="e.g. xborder ledger proof --seq 9")
    con = open_warehouse(ctx, read_only=True)
    try:
        bundle = proof_bundle(con, seq if seq is not None else entry_seq_for_run(con, str(run)))
    finally:
        con.close()
    if out is not None:
        out.write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    emit(ctx, bundle, lambda b: _render_bundle(b, out))


def _render_bundle(b: dict[str, Any], out: Path | None) -> None:
    console.print(
        f"entry seq {b['seq']} (leaf {b['leaf_hash'][:16]}…): leaf {b['batch']['leaf_index']} of "
        f"{b['batch']['tree_size']} in batch {b['batch']['batch_id']} (root {b['batch']['root'][:16]}…), "
        f"leaf {b['log']['leaf_index']} of {b['log']['tree_size']} in the ledger (root {b['log']['root'][:16]}…)",
        highlight=False, soft_wrap=True,
    )  # fmt: skip
    cp = b["checkpoint"]
    console.print(
        f"consistent with the checkpoint of {cp['log_size']} entries anchored '{cp['anchor']}'"
        if cp else "no checkpoint anchored yet: `xborder ledger anchor`",
        highlight=False,
    )  # fmt: skip
    if out is not None:
        console.print(f"bundle written to {out}", highlight=False)


@ledger_app.command("check-proof")
def check_proof(
    ctx: typer.Context,
    bundle_file: Annotated[Path, typer.Argument(help="A bundle written by `xborder ledger proof --out`.")],
    trusted_key: Annotated[
        str | None, typer.Option("--trusted-key", help="The key id that must have signed the checkpoint.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Check a proof bundle from the file alone (no warehouse needed); exit 1 when it does not prove its entry."""
    from xborder.core.errors import BadInputError
    from xborder.ledger.proof import check_bundle

    _json_flag(ctx, json_out)
    try:
        bundle = json.loads(bundle_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInputError(f"Cannot read the proof bundle {bundle_file}: {exc}", hint="Give a file written by "
                            "`xborder ledger proof --out`.") from None  # fmt: skip
    problems = (
        check_bundle(bundle, trusted_key=trusted_key)
        if isinstance(bundle, dict)
        else ["the bundle is not a JSON object"]
    )
    emit(ctx, {"file": str(bundle_file), "ok": not problems, "problems": problems},
         lambda d: console.print("proof holds" if d["ok"] else "PROOF FAILS: " + "; ".join(d["problems"]),
                                 highlight=False))  # fmt: skip
    if problems:
        raise LedgerCheckFailedError(f"The proof bundle {bundle_file} does not prove its entry.")


@ledger_app.command("anchor")
def anchor(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="local (recorded here only) | file:/path/checkpoints.jsonl (appended; keep it elsewhere) | "
            "rfc3161:/folder (the checkpoint and an RFC 3161 time-stamp request for any TSA; offline) | "
            "signed[:/key-folder] (signed with the ledger's key: `xborder ledger key new`).",
        ),
    ] = "local",
    json_out: JsonOpt = False,
) -> None:
    """Checkpoint the whole ledger (its RFC 6962 root and chain head) and anchor it; print the checkpoint."""
    from xborder.ledger.anchor import anchor_checkpoint, anchor_for
    from xborder.ledger.signing import SignedAnchor

    _json_flag(ctx, json_out)
    target = anchor_for(to)
    con = open_warehouse(ctx)
    try:
        if isinstance(target, SignedAnchor):
            target.require_current(con)
        result = anchor_checkpoint(con, target)
    finally:
        con.close()
    emit(ctx, result, lambda r: console.print(
        f"checkpoint of {r['log_size']:,} entries, root {r['log_root']}, anchored '{r['anchor']}'"
        + ("" if r["new"] else " (already anchored there)") + f"; receipt {json.dumps(r['receipt'])}",
        highlight=False, soft_wrap=True))  # fmt: skip


@ledger_app.command("record")
def record(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Append the ingests not yet in the ledger (a run does this itself when it ends)."""
    from xborder.ledger.runs import record_ingests

    _json_flag(ctx, json_out)
    con = open_warehouse(ctx)
    try:
        res = record_ingests(con, origin="cli")
    finally:
        con.close()
    emit(ctx, {"stored": res.stored, "heads": {b: {"tree_size": s, "root": r} for b, (s, r) in res.heads.items()}},
         lambda d: console.print(f"{d['stored']} ingest entr{'y' if d['stored'] == 1 else 'ies'} appended",
                                 highlight=False))  # fmt: skip


@ledger_app.command("reseal")
def reseal(
    ctx: typer.Context,
    reason: Annotated[
        str, typer.Option("--reason", help="Why recorded rows changed (an erasure request, ...).")
    ],
    json_out: JsonOpt = False,
) -> None:
    """After a legitimate change of recorded rows (privacy erase, retention), append new entries with today's
    digests and the reason; the old entries stay in the ledger."""
    from xborder.ledger.runs import reseal as run_reseal

    _json_flag(ctx, json_out)
    con = open_warehouse(ctx)
    try:
        res = run_reseal(con, reason)
    finally:
        con.close()
    emit(ctx, {"stored": res.stored, "seqs": [e.seq for e in res.entries if not e.duplicate]},
         lambda d: console.print(f"{d['stored']} entr{'y' if d['stored'] == 1 else 'ies'} resealed "
                                 f"({', '.join(f'seq {s}' for s in d['seqs']) or 'nothing changed'})",
                                 highlight=False))  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the ledger sub-app to the main app."""
    from xborder.cli.ledger_batch import batch_app
    from xborder.cli.ledger_keys import key_app, sign

    ledger_app.add_typer(batch_app, name="batch")
    ledger_app.add_typer(key_app, name="key")
    ledger_app.command("sign")(sign)
    app.add_typer(ledger_app, name="ledger")
