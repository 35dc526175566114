"""Run one call in a forked child process while the caller goes on, so a run uses both cores."""

from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Background", "ENABLED"]

ENABLED = True
"""Whether :class:`Background` forks at all (False: every call runs inline, in the caller)."""


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: run ``fn(*args)`` and send ``(True, value)`` or ``(False, the exception)`` back."""
    try:
        out: tuple[bool, Any] = (True, fn(*args))
    except BaseException as exc:  # handed to the parent, which raises it there
        try:
            pickle.dumps(exc)
            out = (False, exc)
        except Exception:
            out = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
    conn.send(out)
    conn.close()


class Background:
    """``fn(*args)`` started in a forked child; :meth:`result` waits for it and returns its value.

    The forecast's final statsforecast fit runs here while the parent post-processes the backtest
    (selection, calibration, honest scoring), which needs none of it: statsforecast's workers and
    the parent's pandas work then share the two cores instead of taking turns. The child is a copy
    of the parent (fork), so nothing large is pickled on the way in; only the value comes back.
    Where fork is not available, or ``inline`` is set, or :data:`ENABLED` is False, or the caller is not the
    main thread (the web server's job threads), the call runs in
    the caller at construction (the same value, sequentially). If the child dies without a value
    (killed, out of memory), :meth:`result` runs the call in the caller: the value is the same.
    ``fn`` must not write to shared state (files, the warehouse): only its return value is kept.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, inline: bool = False) -> None:
        self._fn, self._args = fn, args
        self._proc: Any = None
        self._value: Any = None
        # fork only from the main thread: a host that runs jobs in threads (the web server) runs it inline,
        # as a fork there could copy a lock another thread holds
        main = threading.current_thread() is threading.main_thread()
        if inline or not ENABLED or not main or "fork" not in mp.get_all_start_methods():
            self._value = fn(*args)
            return
        ctx = mp.get_context("fork")
        self._conn, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(send, fn, args), daemon=False)
        self._proc.start()
        send.close()

    @property
    def forked(self) -> bool:
        """Whether the call runs in a child process."""
        return self._proc is not None

    def cancel(self) -> None:
        """Stop the child if it is still running (the caller failed and will not ask for the value)."""
        if self._proc is not None:
            proc, self._proc = self._proc, None
            proc.terminate()
            proc.join()
            self._conn.close()

    def result(self) -> Any:
        """The call's value (waits for the child); its exception is raised here."""
        if self._proc is None:
            return self._value
        proc, self._proc = self._proc, None
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):  # the child died without a value: run the call here
            ok, value = True, self._fn(*self._args)
        finally:
            self._conn.close()
            proc.join()
        self._value = value if ok else None
        if not ok:
            raise value
        return value
