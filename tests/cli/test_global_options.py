"""Global options: ``--json`` and ``--debug`` work before or after any sub-command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xborder.cli.main import _global_flags_first

XBORDER = str(Path(sys.executable).with_name("xborder"))


def test_global_flags_move_in_front_of_the_sub_command() -> None:
    assert _global_flags_first(["status", "--json"]) == ["--json", "status"]
    assert _global_flags_first(["--json", "status"]) == ["--json", "status"]
    assert _global_flags_first(["ingest", "f.csv", "--debug", "--json", "--as", "orders"]) == [
        "--debug", "--json", "ingest", "f.csv", "--as", "orders",
    ]  # fmt: skip
    assert _global_flags_first(["reviews", "score", "--", "--json"]) == ["reviews", "score", "--", "--json"]


@pytest.mark.parametrize(
    "args", [["version"], ["status"], ["init"], ["fx", "rate", "EUR", "USD"]], ids=lambda a: a[0]
)
def test_json_before_and_after_the_command_give_the_same_output(tmp_path: Path, args: list[str]) -> None:
    db = str(tmp_path / "w.duckdb")
    subprocess.run([XBORDER, "--db", db, "init"], check=True, capture_output=True, timeout=120)
    out = []
    for argv in (["--db", db, "--json", *args], ["--db", db, *args, "--json"]):
        proc = subprocess.run([XBORDER, *argv], capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        out.append(json.loads(proc.stdout))
    strip = lambda d: {k: v for k, v in d.items() if k != "recent_ingests"} if isinstance(d, dict) else d  # noqa: E731
    assert strip(out[0]) == strip(out[1])


def test_error_text_is_printed_as_written_not_as_markup(tmp_path: Path) -> None:
    """A message holding [brackets] (e.g. an install hint with an extra) reaches the user whole."""
    missing = tmp_path / "[nlp] missing.csv"
    proc = subprocess.run(
        [XBORDER, "--db", str(tmp_path / "w.duckdb"), "ingest", str(missing), "--as", "orders"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "[nlp] missing.csv" in " ".join(proc.stderr.split())


def test_only_the_invoked_command_is_built_and_help_keeps_every_command() -> None:
    """``xborder ingest ...`` builds only ``ingest``; help, options and unknown names get the whole app."""
    from xborder.cli.main import _command_name, _only, app

    assert _command_name(["--db", "w.duckdb", "--json", "ingest", "f.csv"]) == "ingest"
    assert _command_name(["--db=w.duckdb", "fx", "rate"]) == "fx"
    assert _command_name(["--help"]) is None and _command_name([]) is None
    lean = _only("ingest")
    assert lean is not app and [c.callback.__name__ for c in lean.registered_commands] == ["ingest"]
    assert [g.name for g in _only("fx").registered_groups] == ["fx"] and not _only("fx").registered_commands
    assert _only("no-such-command") is app and _only(None) is app


def test_help_and_unknown_commands_read_as_before(tmp_path: Path) -> None:
    full = subprocess.run([XBORDER, "--help"], capture_output=True, text=True, timeout=120, check=True)
    for name in ("ingest", "landed-cost", "fx", "projects", "select"):
        assert name in full.stdout
    bad = subprocess.run([XBORDER, "nosuch"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "No such command 'nosuch'" in bad.stderr


def test_the_console_script_keeps_exit_codes_and_flushes_output(tmp_path: Path) -> None:
    # The console script ends the process without the interpreter's teardown (cli.main.entry): the exit code,
    # the error message and a long piped output must all still arrive whole.
    db = str(tmp_path / "w.duckdb")
    bad = subprocess.run([XBORDER, "--db", db, "ingest", str(tmp_path / "missing.csv")],
                         capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert bad.returncode == 2
    assert "missing.csvdoesnotexist" in "".join(bad.stderr.split())  # Rich wraps long lines anywhere
    assert subprocess.run([XBORDER, "no-such-command"], capture_output=True, timeout=120).returncode == 2
    subprocess.run([XBORDER, "--db", db, "init"], check=True, capture_output=True, timeout=120)
    ok = subprocess.run(
        [XBORDER, "--db", db, "--json", "status"], capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    assert "tables" in json.loads(ok.stdout)
