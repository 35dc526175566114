"""The ``xborder compliance`` and ``xborder hs suggest`` commands: JSON answers and exit code 2 on bad input."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.clirun import run_cli


def test_described_product_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "--json",
            "compliance",
            "--category",
            "consumer_electronics",
            "--title",
            "Bluetooth speaker",
            "--wireless",
            "--battery",
            "--market",
            "DE,US",
            "--date",
            "2026-11-26",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-11-26" and data["rule_table"].endswith("requirements.csv")
    assert {r["market"] for r in data["summary"]} == {"DE", "US"}
    rules = {(r["market"], r["rule_id"]) for r in data["requirements"]}
    assert ("DE", "de_elektrog") in rules and ("US", "us_fcc_id") in rules
    assert all(r["source"].startswith("http") for r in data["requirements"])


def test_date_changes_the_answer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "compliance",
        "--json",
        "--category",
        "consumer_electronics",
        "--wireless",
        "--connected",
        "--mains",
        "--market",
        "GB",
        "--date",
    ]
    _, before, _ = run_cli([*args, "2024-04-28"], monkeypatch, capsys)
    _, after, _ = run_cli([*args, "2024-04-29"], monkeypatch, capsys)
    ids = lambda s: {r["rule_id"] for r in json.loads(s)["requirements"]}  # noqa: E731
    assert ids(after) - ids(before) == {"gb_psti"}


def test_human_output_names_rules_and_sources(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        [
            "compliance",
            "--category",
            "toys_games",
            "--for-children",
            "3",
            "--market",
            "US",
            "--date",
            "2026-11-26",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0
    assert (
        "us_cpc" in out
        and "https://www.cpsc.gov/" in out
        and "critical path: us_cpc > us_astm_f963_23" in out
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compliance", "--category", "toys_games", "--market", "XX"], "Unknown market 'XX'"),
        (["compliance", "--category", "toyz"], "Unknown category 'toyz'"),
        (["compliance", "--category", "toys_games", "--for-children", "-2"], "between 0 and 18"),
        (["compliance", "--category", "toys_games", "--date", "2026-13-01"], "is not a date"),
        (["compliance"], "Say which product to check"),
        (
            ["compliance", "changes", "--since", "2026-01-01", "--until", "2025-01-01", "--no-products"],
            "is after --until",
        ),
        (["hs", "suggest", "mug", "--category", "nope"], "Unknown category 'nope'"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(argv, monkeypatch, capsys)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_unknown_warehouse_product(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    db = tmp_path / "w.duckdb"
    from xborder.warehouse import connect

    connect(db).close()
    code, _, err = run_cli(["--db", str(db), "compliance", "--product", "uci:NOPE"], monkeypatch, capsys)
    assert code == 2 and "uci:NOPE" in err


def test_changes_json_without_products(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        [
            "--json",
            "compliance",
            "changes",
            "--since",
            "2024-12-01",
            "--until",
            "2024-12-31",
            "--market",
            "DE",
            "--no-products",
            "--horizon-days",
            "0",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0
    changes = {(c["change"], c["rule_id"]) for c in json.loads(out)["changes"]}
    assert ("came into force", "eu_gpsr") in changes and ("ended", "eu_gpsd") in changes


def test_hs_suggest_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["hs", "suggest", "Wireless earbuds with charging case", "--json"], monkeypatch, capsys
    )
    assert code == 0
    data = json.loads(out)
    assert (
        data[0]["hs6"] == "851830"
        and len(data) == 3
        and data[0]["confidence_band"] in {"high", "medium", "low"}
    )


def test_warehouse_product_and_changes_against_the_warehouse(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    from xborder.warehouse import connect

    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute(
        "INSERT INTO products (product_id, source, title, category, battery, radio, electrical) VALUES "
        "('t:spk', 't', 'Bluetooth speaker', 'consumer_electronics', TRUE, TRUE, TRUE), "
        "('t:mug', 't', 'POLKADOT MUG PINK', NULL, NULL, NULL, NULL)"
    )
    con.execute(
        "INSERT INTO order_lines (line_key, source, order_id, ordered_at, product_id, quantity, status) VALUES "
        "('a', 't', 'o1', TIMESTAMP '2026-01-01 00:00:00', 't:spk', 1, 'sold'), "
        "('b', 't', 'o2', TIMESTAMP '2026-01-01 00:00:00', 't:mug', 1, 'sold')"
    )
    con.close()
    code, out, _ = run_cli(
        [
            "--db",
            str(db),
            "--json",
            "compliance",
            "--product",
            "t:spk",
            "--market",
            "DE",
            "--date",
            "2026-11-26",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "de_elektrog" in {r["rule_id"] for r in json.loads(out)["requirements"]}
    code, out, _ = run_cli(
        [
            "--db",
            str(db),
            "--json",
            "compliance",
            "changes",
            "--since",
            "2025-08-01",
            "--until",
            "2025-10-31",
            "--market",
            "DE",
            "--horizon-days",
            "0",
        ],
        monkeypatch,
        capsys,
    )
    data = json.loads(out)
    hit = {(a["rule_id"], a["product_id"]) for a in data["affected"]}
    assert ("de_battdg", "t:spk") in hit and not any(p == "t:mug" for _, p in hit)
    counts = {c["rule_id"]: c["products_affected"] for c in data["changes"]}
    assert counts["de_battdg"] == 1 and counts["eu_batt_collect"] == 1  # the speaker only, not the mug


DOC = Path(__file__).resolve().parents[3] / "docs" / "compliance.md"


def _doc_examples() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```console", 1)[1].split("```", 1)[0]
    return [shlex.split(line[2:])[1:] for line in block.splitlines() if line.startswith("$ xborder ")]


@pytest.mark.parametrize("argv", _doc_examples(), ids=lambda a: " ".join(a)[:60])
def test_docs_examples_run(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(argv, monkeypatch, capsys)
    assert code == 0, err
    assert out.strip()


def test_compliance_run_stores_rows_and_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    from xborder.warehouse import connect

    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute(
        "INSERT INTO products (product_id, source, title, category) VALUES "
        "('t:toy', 't', 'Wooden jigsaw puzzle', 'toys_games')"
    )
    con.execute(
        "INSERT INTO order_lines (line_key, source, order_id, ordered_at, product_id, quantity, status) VALUES "
        "('a', 't', 'o1', TIMESTAMP '2026-01-01 00:00:00', 't:toy', 1, 'sold')"
    )
    con.close()
    code, out, _ = run_cli(
        ["--db", str(db), "--json", "compliance", "run", "--market", "US,GB", "--date", "2026-11-26"],
        monkeypatch,
        capsys,
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["markets"] == ["US", "GB"] and summary["products"] == 1
    con = connect(db, read_only=True)
    assert con.execute("SELECT kind, status FROM runs WHERE run_id = ?", [summary["run_id"]]).fetchone() == (
        "compliance",
        "ok",
    )
    # recorded by the runner like any stage: its parameters, status and summary
    params, stages = con.execute(
        "SELECT CAST(params AS VARCHAR), CAST(stages AS VARCHAR) FROM runs WHERE run_id = ?",
        [summary["run_id"]],
    ).fetchone()
    assert json.loads(params)["stage_params"] == {"compliance": {"as_of": "2026-11-26"}}
    assert json.loads(stages)["compliance"]["status"] == "ok"
    assert json.loads(stages)["compliance"]["summary"]["compliance_summary"] == 2
    assert (
        con.execute(
            "SELECT count(*) FROM compliance_summary WHERE run_id = ?", [summary["run_id"]]
        ).fetchone()[0]
        == 2
    )
    con.close()
    code, _, err = run_cli(["--db", str(db), "compliance", "run", "--market", "XX"], monkeypatch, capsys)
    assert code == 2 and "Unknown market 'XX'" in err
