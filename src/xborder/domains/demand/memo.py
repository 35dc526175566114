"""A per-run memo for lookups a forecast run repeats on the same frames (error scales, id codes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["reuse_scales", "run_memo"]

_MEMO: ContextVar[dict | None] = ContextVar("_MEMO", default=None)


@contextmanager
def reuse_scales() -> Iterator[None]:
    """Within the block, :func:`~xborder.domains.demand.calibrate.level_scale` computes each history's scales once
    (the same frame object, window and kind): a forecast run asks for them seven times (calibration, scoring,
    totals); other per-run lookups share the memo (:func:`run_memo`). The frames must not be changed in place
    inside the block."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def run_memo() -> dict | None:
    """The memo of the enclosing :func:`reuse_scales` block (None outside one)."""
    return _MEMO.get(None)
