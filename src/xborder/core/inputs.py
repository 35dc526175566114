"""Input paths that can be read to the end: regular files and folders, never a FIFO, a device or a socket."""

from __future__ import annotations

import stat
from pathlib import Path

from xborder.core.errors import BadInputError

__all__ = ["regular_input"]


def regular_input(path: str | Path) -> Path:
    """``path`` when it is (or links to) a regular file or a folder; BadInputError before anything opens it.

    Opening a FIFO blocks until something writes to it, and a device such as /dev/zero never ends, so
    reading either would hang the command. ``stat`` follows symbolic links and does not open the file.

    Args:
        path: A file or folder given by the user.

    Returns:
        The path, expanded (``~``).

    Raises:
        BadInputError: it does not exist, cannot be looked at, or is not a regular file or folder.
    """
    p = Path(path).expanduser()
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise BadInputError(f"{p} does not exist.", hint="Check the path (and the current folder).") from None
    except OSError as exc:
        raise BadInputError(
            f"Cannot look at {p}: {exc.strerror or exc}.", hint="Check the path and its permissions."
        ) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        what = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise BadInputError(
            f"{p} is {what}, not a regular file or folder; it cannot be ingested (reading it could wait forever or never end).",
            hint="Save the export to a regular file first and ingest that file.",
        )
    return p
