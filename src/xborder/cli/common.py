"""What every command shares: global options, the warehouse connection, JSON vs Rich output, progress."""

from __future__ import annotations

import sys
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

__all__ = ["CliState", "state", "emit", "console", "err_console", "progress", "open_warehouse"]

console = Console()
err_console = Console(stderr=True)


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


def open_warehouse(ctx: typer.Context, *, read_only: bool = False):
    """Connect to the warehouse named by --db / XBORDER_DB / config (migrating it when writable)."""
    from xborder.warehouse import connect

    return connect(state(ctx).settings.db_path, read_only=read_only)
