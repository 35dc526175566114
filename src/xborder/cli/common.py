"""What every command shares: global options, the warehouse connection, JSON vs Rich output, progress."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from xborder.core.jsonable import dumps
from xborder.core.settings import Settings

__all__ = [
    "CliState",
    "state",
    "emit",
    "console",
    "err_console",
    "progress",
    "open_warehouse",
    "ingest_via_server",
    "lock_wait_seconds",
    "terminal_safe",
    "SafeConsole",
]

# C0 controls but newline and tab, DEL, C1 controls (ESC, CSI, OSC ... start terminal escape sequences) and the
# Unicode bidirectional overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every character that could drive the terminal shown as an escape (``\\x1b``)."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


class SafeConsole(Console):
    """A Rich console that never lets text it renders (file names, cell values, messages) drive the terminal:
    control characters in any string become visible escapes before Rich styles it."""

    def render_str(self, text: str, **kwargs: Any):  # type: ignore[no-untyped-def]  # noqa: ANN201 — Rich's signature
        """Rich's ``render_str`` on the terminal-safe text."""
        return super().render_str(terminal_safe(text), **kwargs)


console = SafeConsole()
err_console = SafeConsole(stderr=True)


@dataclass
class CliState:
    settings: Settings
    json: bool = False
    debug: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def state(ctx: typer.Context) -> CliState:
    """The CliState set up by the main callback (works from nested sub-commands)."""
    c: typer.Context | None = ctx
    while c is not None:
        if isinstance(c.obj, CliState):
            return c.obj
        c = c.parent  # type: ignore[assignment]
    from xborder.core.settings import get_settings

    return CliState(settings=get_settings())


def emit(ctx: typer.Context, data: Any, render: Any = None) -> None:
    """Print ``data`` as JSON under ``--json``; otherwise call ``render(data)`` (or pretty-print it)."""
    st = state(ctx)
    if st.json:
        sys.stdout.write(dumps(data, indent=True).decode("utf-8") + "\n")
    elif render is not None:
        render(data)
    else:
        console.print(data)


@contextmanager
def progress(ctx: typer.Context | None = None, *, transient: bool = True) -> Iterator[Progress]:
    """A Rich progress bar on stderr (silent under --json so stdout stays machine-readable)."""
    quiet = ctx is not None and state(ctx).json
    p = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
        disable=quiet,
    )
    with p:
        yield p


def lock_wait_seconds() -> float:
    """How long a command waits for a warehouse another process holds: ``XBORDER_LOCK_WAIT`` seconds
    (default 120; 0 gives up at once)."""
    raw = os.environ.get("XBORDER_LOCK_WAIT", "120")
    try:
        return max(0.0, float(raw))
    except ValueError:
        from xborder.core.errors import BadInputError

        raise BadInputError(
            f"XBORDER_LOCK_WAIT must be a number of seconds; got {raw!r}.", hint="e.g. XBORDER_LOCK_WAIT=300"
        ) from None


def _server_hint(server: Any, read_only: bool) -> str:
    where = f" at {server.url}" if server.url else ""
    return (
        f"`xborder serve` (process {server.pid or '?'}){where} holds it. While it runs, upload data and start runs "
        "on its Data and Runs pages (or the REST API) and manage accounts on its Users page; `xborder ingest` and "
        "read commands such as `xborder status` go through it. Or stop the server (Ctrl+C, or SIGTERM: an ingest in "
        "progress is finished or rolled back) and run this again."
        + ("" if server.readable else f" It runs as another user: this user cannot read {server.file.name}.")
    )


def open_warehouse(ctx: typer.Context, *, read_only: bool = False):  # noqa: ANN201 — a DuckDB connection
    """Connect to the warehouse named by --db / XBORDER_DB / config (migrating it when writable).

    When another process holds the file: a read goes through a running ``xborder serve`` on it (a snapshot
    the server makes); otherwise the command waits for the file (``XBORDER_LOCK_WAIT`` seconds) saying what
    holds it, then gives up with what to do — never DuckDB's raw lock message.
    """
    from xborder.api import localserver
    from xborder.core.errors import BadInputError
    from xborder.warehouse import connect
    from xborder.warehouse.connection import WarehouseLockedError

    path = state(ctx).settings.db_path
    deadline: float | None = None
    while True:
        try:
            return connect(path, read_only=read_only)
        except WarehouseLockedError as exc:
            server = localserver.find(path)
            if server is not None and server.readable and read_only:
                try:
                    snap = server.snapshot()
                except localserver.ServerError as err:
                    raise BadInputError(
                        f"The warehouse {path} is held by `xborder serve` (process {server.pid}), which could not "
                        f"give a copy to read: {err.detail}",
                        hint=_server_hint(server, read_only),
                    ) from None
                err_console.print(
                    f"Note: `xborder serve` (process {server.pid}) holds {path}; reading the copy it made just now.",
                    highlight=False,
                )
                return connect(snap, read_only=True)
            wait = lock_wait_seconds()
            if deadline is None:
                deadline = time.monotonic() + wait
                if wait > 0:
                    who = f"`xborder serve` (process {server.pid})" if server else f"process {exc.pid or '?'}"
                    if exc.command and not server:
                        who += f" ({exc.command})"
                    err_console.print(
                        f"The warehouse {path} is in use by {who}; waiting up to {wait:g} s for it "
                        "(XBORDER_LOCK_WAIT; Ctrl+C gives up)...",
                        highlight=False,
                    )
                    if server is not None:
                        err_console.print(_server_hint(server, read_only), highlight=False)
            if time.monotonic() >= deadline:
                if server is not None:
                    exc.hint = _server_hint(server, read_only)
                raise exc from None
            time.sleep(0.5)


def ingest_via_server(
    ctx: typer.Context,
    path: Any,
    kind: str | None,
    *,
    mapping: Any = None,
    reject_dir: Any = None,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]] | None:
    """When a running ``xborder serve`` holds the warehouse, ingest ``path`` through it (the same ingest, in the
    server's one writer; waiting while it is busy with another ingest or a run) and return the results as
    dicts; None when no server holds it (the command then opens the warehouse itself)."""
    from pathlib import Path

    from xborder.api import localserver
    from xborder.core.errors import BadInputError

    db = state(ctx).settings.db_path
    server = localserver.find(db)
    if server is None or not server.readable:
        return None
    err_console.print(
        f"`xborder serve` (process {server.pid}) holds {db}: ingesting through it.", highlight=False
    )
    deadline = time.monotonic() + lock_wait_seconds()
    told = False
    while True:
        try:
            return server.ingest(
                Path(path),
                kind,
                mapping=None if mapping is None else Path(mapping),
                reject_dir=None if reject_dir is None else Path(reject_dir),
                options=options,
            )
        except localserver.ServerError as err:
            if err.status == 409 and time.monotonic() < deadline:
                if not told:
                    err_console.print(
                        f"{err.detail} Waiting (XBORDER_LOCK_WAIT; Ctrl+C gives up)...", highlight=False
                    )
                    told = True
                time.sleep(1.0)
                continue
            raise BadInputError(err.detail, hint=err.hint) from None
