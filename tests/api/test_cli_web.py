"""`xborder users ...` on a warehouse, and `xborder serve --help`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from xborder.cli.main import app


def _run(db, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), "--json", *args])


def test_users_commands_add_list_set_role_disable(db_path, monkeypatch) -> None:
    monkeypatch.setenv("XBORDER_NEW_PASSWORD", "cli-pass-12345")
    r = _run(db_path, "users", "add", "Dana", "--role", "analyst")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["username"] == "dana"
    assert _run(db_path, "users", "set-role", "dana", "viewer").exit_code == 0
    assert _run(db_path, "users", "disable", "dana").exit_code == 0
    users = json.loads(_run(db_path, "users", "list").output)
    assert users == [
        {**users[0], "username": "dana", "role": "viewer", "disabled": True, "must_change_password": True}
    ]
    from xborder.warehouse import connect

    con = connect(db_path)
    actions = [
        r[0]
        for r in con.execute(
            "SELECT action FROM audit_log WHERE username LIKE 'cli:%' ORDER BY occurred_at"
        ).fetchall()
    ]
    con.close()
    assert actions == ["user.add", "user.set_role", "user.disable"]


def test_users_bad_input_exits_2_with_a_message(db_path, monkeypatch, capsys) -> None:
    from xborder.cli.main import main

    monkeypatch.setenv("XBORDER_NEW_PASSWORD", "short")
    import sys

    import pytest

    for argv, expect in (
        (["users", "add", "eve"], "at least 10"),
        (["users", "set-role", "nobody", "admin"], "No user"),
        (["users", "add", "../x", "--password", "long-enough-1"], "not allowed"),
    ):
        monkeypatch.setattr(sys, "argv", ["xborder", "--db", str(db_path), *argv])
        with pytest.raises(SystemExit) as exc:
            main()
        assert exc.value.code == 2, argv
        err = capsys.readouterr().err
        assert expect in err and "Traceback" not in err


def test_serve_help_lists_options() -> None:
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--port" in r.output and "--host" in r.output
