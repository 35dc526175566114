"""`xborder ledger key new|rotate|list` and `xborder ledger sign`: the ledger's signing keys (kept outside the
warehouse, audited) and the signed tree heads of its batches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state

__all__ = ["key_app", "new", "rotate", "list_keys", "sign"]

key_app = typer.Typer(
    help="Signing keys of the ledger's checkpoints: Ed25519, the private key in a folder outside the warehouse, "
    "the public key in the ledger; rotation keeps the old public key for verification.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
KeyDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-dir",
        help="Folder of the private keys (default $XBORDER_LEDGER_KEY_DIR or ~/.config/xborder/ledger-keys).",
    ),
]


def _key_dir(key_dir: Path | None) -> Path:
    from xborder.ledger.signing import default_key_dir

    return key_dir.expanduser() if key_dir else default_key_dir()


def _audit(con: Any, action: str, target: str, detail: dict[str, Any]) -> None:
    from xborder.api.accounts import audit
    from xborder.cli.privacy import actor

    audit(con, None, action, target, "ok", detail, username=actor())


def _render(d: dict[str, Any]) -> None:
    what = "replaces " + d["replaces"] if d.get("replaces") else "the ledger's first signing key"
    console.print(
        f"signing key {d['key_id']} registered (ledger seq {d['seq']}; {what}); private key {d['private_key_file']}"
        + (f"; the old one moved to {d['retired_file']}" if d.get("retired_file") else "")
        + ". Write the key id down: `xborder ledger verify --trusted-key "
        + (d.get("trusted") or d["key_id"])
        + "` checks the key history from it.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@key_app.command("new")
def new(ctx: typer.Context, key_dir: KeyDirOpt = None, json_out: JsonOpt = False) -> None:
    """Make the ledger's first signing key; then `xborder ledger anchor --to signed` signs checkpoints."""
    from xborder.cli.privacy import actor
    from xborder.ledger.signing import create_key

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx)
    try:
        out = create_key(con, _key_dir(key_dir), actor=actor())
        _audit(con, "ledger.key.new", out["key_id"], {"seq": out["seq"]})
    finally:
        con.close()
    emit(ctx, out, _render)


@key_app.command("rotate")
def rotate(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help="Why (yearly rotation, a laptop lost ...).")],
    key_dir: KeyDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Replace the signing key: the new key is endorsed by the old one; old checkpoints still verify."""
    from xborder.cli.privacy import actor
    from xborder.ledger.signing import registered_keys, rotate_key

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx)
    try:
        out = rotate_key(con, _key_dir(key_dir), reason=reason, actor=actor())
        out["trusted"] = registered_keys(con)[0].key_id
        _audit(con, "ledger.key.rotate", out["key_id"], {"replaces": out["replaces"], "reason": out["reason"],
                                                         "seq": out["seq"]})  # fmt: skip
    finally:
        con.close()
    emit(ctx, out, _render)


@key_app.command("list")
def list_keys(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The keys registered in the ledger, oldest first, with when each was replaced."""
    from xborder.ledger.signing import registered_keys

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx, read_only=True)
    try:
        keys = [
            {"key_id": k.key_id, "seq": k.seq, "at": k.at.isoformat(), "replaces": k.replaces,
             "retired_at": k.retired_at.isoformat() if k.retired_at else None}
            for k in registered_keys(con)
        ]  # fmt: skip
    finally:
        con.close()

    def render(d: dict[str, Any]) -> None:
        for k in d["keys"]:
            state_text = f"replaced {k['retired_at']}" if k["retired_at"] else "current"
            console.print(
                f"{k['key_id']}  seq {k['seq']}  from {k['at']}  {state_text}",
                highlight=False,
                soft_wrap=True,
            )
        if not d["keys"]:
            console.print("no signing key: `xborder ledger key new` makes one", highlight=False)

    emit(ctx, {"keys": keys}, render)


def sign(
    ctx: typer.Context,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch's latest head.")] = None,
    key_dir: KeyDirOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Sign the latest tree head of every batch (or --batch) with the ledger's current key; `xborder ledger
    verify` checks each signed head's root, signature and key."""
    from xborder.cli.privacy import actor
    from xborder.ledger.heads import sign_heads

    if json_out:
        state(ctx).json = True
    con = open_warehouse(ctx)
    try:
        signed = sign_heads(con, _key_dir(key_dir), batch_id=batch, actor=actor())
        if signed:
            _audit(
                con, "ledger.heads.sign", batch or "*", {"heads": len(signed), "key_id": signed[0]["key_id"]}
            )
    finally:
        con.close()

    def render(d: dict[str, Any]) -> None:
        for h in d["signed"]:
            console.print(
                f"batch {h['batch']}: head of {h['tree_size']:,} events (root {h['root'][:16]}…) signed by "
                f"{h['key_id']} (ledger seq {h['seq']})",
                highlight=False, markup=False, soft_wrap=True,
            )  # fmt: skip
        if not d["signed"]:
            console.print("every batch's latest head is signed already", highlight=False)

    emit(ctx, {"signed": signed}, render)
