"""Scratch folders for input copies, and the removal of those a killed process left behind.

An ingest copies its input to a temporary folder (unzipped members, a plain copy of a .gz file, a transcoded
file): those copies hold the raw rows, customer identifiers included, before pseudonymisation. A
``TemporaryDirectory`` is removed when the process ends normally or on an error, but not when it is killed
(SIGKILL, a power cut, a test timeout): 72 such folders of up to 46 MB were found on one build machine.
Every scratch folder therefore names its owner (``owner.pid``: process id and start time), and each new
ingest first removes the folders whose owner is gone (:func:`sweep_stale`). Standard library only: it runs
before the ingest package is imported.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PREFIXES", "OWNER_FILE", "UNOWNED_MAX_AGE_S", "make_scratch", "scratch", "sweep_stale"]

PREFIXES = ("xborder-ingest-", "xborder-unpack-")
"""Names of the scratch folders that hold copies of input files."""

OWNER_FILE = "owner.pid"

UNOWNED_MAX_AGE_S = 6 * 3600
"""A folder without an owner file (made before owners were recorded) is removed once it is this old."""


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def _alive(pid: int, started: str | None) -> bool:
    """True when process ``pid`` runs and is the one that started at ``started`` (not a reused id)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return True
    now = _start_time(pid)
    return started is None or now is None or now == started


def make_scratch(prefix: str) -> Path:
    """A new folder in the temporary directory, recording this process as its owner."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    pid = os.getpid()
    (folder / OWNER_FILE).write_text(f"{pid} {_start_time(pid) or '-'}\n")
    return folder


@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[str]:
    """Like ``tempfile.TemporaryDirectory(prefix=...)`` (yields the path as text), with an owner file."""
    folder = make_scratch(prefix)
    try:
        yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_stale(where: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove the scratch folders (:data:`PREFIXES`) in ``where`` (default: the temporary directory) whose owner
    process is gone, and those without an owner older than :data:`UNOWNED_MAX_AGE_S`; returns them.

    Never raises: a folder that cannot be read or removed (another user's) is left.
    """
    base = Path(where or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = [
            e for e in os.scandir(base) if e.name.startswith(PREFIXES) and e.is_dir(follow_symlinks=False)
        ]
    except OSError:
        return removed
    for e in entries:
        folder = Path(e.path)
        try:
            text = (folder / OWNER_FILE).read_text().split()
        except FileNotFoundError:
            text = None
        except OSError:
            continue
        try:
            if text is None:
                stale = now - e.stat(follow_symlinks=False).st_mtime > UNOWNED_MAX_AGE_S
            else:
                pid, started = int(text[0]), (text[1] if len(text) > 1 and text[1] != "-" else None)
                stale = pid != os.getpid() and not _alive(pid, started)
        except (OSError, ValueError, IndexError):
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed
