"""Run the ``xborder`` CLI inside the test process (argv patched, output captured), for tests of commands."""

from __future__ import annotations

import sys

import pytest

from xborder.cli.main import main

__all__ = ["run_cli"]


def run_cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``xborder ARGV``: its exit code (0 when it returned), standard output and standard error."""
    monkeypatch.setattr(sys, "argv", ["xborder", *argv])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
