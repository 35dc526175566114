"""What every command shares: global options, the warehouse connection, JSON vs Rich output, progress."""

from __future__ import annotations

import re
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

__all__ = [
    "CliState",
    "state",
    "emit",
    "console",
    "err_console",
    "progress",
    "open_warehouse",
    "terminal_safe",
    "SafeConsole",
]

# C0 controls but newline and tab, DEL, C1 controls (ESC, CSI, OSC ... start terminal escape sequences) and the
# Unicode bidirectional overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every character that could drive the terminal shown as an escape (``\\x1b``)."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


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


def open_warehouse(ctx: typer.Context, *, read_only: bool = False):
    """Connect to the warehouse named by --db / XBORDER_DB / config (migrating it when writable)."""
    from xborder.warehouse import connect

    return connect(state(ctx).settings.db_path, read_only=read_only)
