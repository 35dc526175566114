"""run_landed_cost on real Online Retail data, and the `xborder landed-cost` / `xborder fx` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xborder.core.settings import Settings
from xborder.domains.landed_cost.stage import run_landed_cost
from xborder.warehouse import connect

XB = [sys.executable, "-m", "xborder.cli.main"]


@pytest.mark.shared_data
@pytest.mark.slow
def test_run_landed_cost_on_real_online_retail_products(retail_warehouse: Path, db_path: Path) -> None:
    con = connect(db_path)
    con.execute(f"ATTACH '{retail_warehouse}' AS r (READ_ONLY)")
    con.execute("""CREATE TEMP TABLE top AS SELECT product_id FROM r.order_lines WHERE status = 'sold' AND is_product
                   GROUP BY 1 ORDER BY sum(quantity) DESC LIMIT 60""")
    con.execute(
        "INSERT INTO products SELECT * FROM r.products WHERE product_id IN (SELECT product_id FROM top)"
    )
    con.execute(
        "INSERT INTO order_lines SELECT * FROM r.order_lines WHERE product_id IN (SELECT product_id FROM top)"
    )
    quoted = con.execute("SELECT product_id FROM top ORDER BY product_id LIMIT 1").fetchone()[0]
    con.execute(
        "INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, valid_from) "
        "VALUES ('s:1', ?, 0.50, 'USD', DATE '2026-01-01')",
        [quoted],
    )
    out = run_landed_cost(
        con, Settings(), run_id="real", markets=["GB", "DE", "US"], max_products=50, date="2026-07-01"
    )
    assert out["rows"] == 50 * 3 * 3 and out["products"] == 50
    lc = con.execute("SELECT * FROM landed_costs WHERE run_id = 'real'").df()
    assert len(lc) == out["rows"] and lc["landed_cost"].gt(0).all()
    assert set(lc["currency"]) == {"GBP", "EUR", "USD"}
    # UCI is a UK wholesaler: prices in GB are observed, elsewhere converted from the GB median when not sold there
    gb = lc[lc["market"] == "GB"]
    assert (gb["price_source"] == "observed median price in the market").all()
    q = lc[lc["product_id"] == quoted]
    assert not q["unit_cost_estimated"].any()
    assert q.loc[q["market"] == "US", "unit_cost"].iloc[0] == pytest.approx(0.50)
    est = lc[lc["product_id"] != quoted]
    assert est["unit_cost_estimated"].all() and est["notes"].str.contains("unit cost estimated as 35%").all()
    # EU parcels after 2026-07-01 pay the EUR 3 flat duty; every row cites its rules
    de_exp = lc[(lc["market"] == "DE") & (lc["mode"] == "express")]
    assert (de_exp["low_value_rule"] == "EU-LVC-3EUR").all() and de_exp["duty"].sub(3.0).abs().max() < 1e-9
    assert lc["rules_used"].str.contains("VAT-").all()
    # a rerun with the same run id replaces its rows
    run_landed_cost(
        con, Settings(), run_id="real", markets=["GB"], max_products=5, modes=["air"], date="2026-07-01"
    )
    assert con.execute("SELECT count(*) FROM landed_costs WHERE run_id='real'").fetchone()[0] == 5
    con.close()


def _run(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"XBORDER_DB": str(tmp / "cli.duckdb"), "COLUMNS": "200"}
    return subprocess.run([*XB, *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_one_product_json_and_chart(tmp_path: Path) -> None:
    chart = tmp_path / "w.html"
    p = _run(
        "--json",
        "landed-cost",
        "--unit-cost",
        "5",
        "--currency",
        "USD",
        "--category",
        "toys_games",
        "--weight-kg",
        "0.4",
        "--dims",
        "20x15x10",
        "--price",
        "25",
        "--market",
        "DE",
        "--mode",
        "express",
        "--date",
        "2026-07-01",
        "--chart",
        str(chart),
        tmp=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["summary"]["low_value_rule"] == "EU-LVC-3EUR"
    duty = next(ln for ln in d["lines"] if ln["component"] == "duty")
    assert duty["amount"] == 3.0 and duty["valid_from"] == "2026-07-01" and "eur-lex" in duty["source"]
    html = chart.read_text(encoding="utf-8")
    assert "Landed cost per unit" in html and "Unit margin" in html and "Selling price" in html


def test_cli_compare_modes_across_markets(tmp_path: Path) -> None:
    p = _run(
        "--json",
        "landed-cost",
        "--unit-cost",
        "5",
        "--category",
        "lighting",
        "--market",
        "US,GB",
        "--compare-modes",
        "--date",
        "2026-03-01",
        tmp=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)["rows"]
    assert {(r["market"], r["mode"]) for r in rows} >= {("US", "air"), ("GB", "sea_fcl"), ("US", "express")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit-cost", "5", "--weight-kg", "1", "--dims", "10x10x10", "--market", "ZZ"],
            "Unknown market 'ZZ'",
        ),
        (["--unit-cost", "5", "--weight-kg", "1"], "Missing weight or dimensions"),
        (["--unit-cost", "-2", "--weight-kg", "1", "--dims", "10x10x10"], "--unit-cost must be >= 0"),
        (
            ["--unit-cost", "5", "--category", "toys_games", "--dims", "10x10"],
            "--dims must be three positive lengths",
        ),
        (["--unit-cost", "5", "--category", "toys_games", "--mode", "boat"], "Unknown --mode 'boat'"),
    ],
)
def test_cli_bad_input_exits_2_with_what_to_supply(tmp_path: Path, args: list[str], message: str) -> None:
    p = _run("landed-cost", *args, tmp=tmp_path)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr


def test_cli_fx_rate(tmp_path: Path) -> None:
    p = _run("--json", "fx", "rate", "USD", "JPY", "--date", "2025-08-30", tmp=tmp_path)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["ecb_date"] == "2025-08-29" and 100 < d["rate"] < 200


def test_fx_older_than_the_setting_is_said_in_every_answer(tmp_path: Path) -> None:
    """The bundled ECB table ends 2026-04-13: an answer dated later than 7 days after says so."""
    from xborder.domains.landed_cost import ProductInput, landed_cost

    lamp = ProductInput(
        unit_cost=4, category="home_kitchen", weight_kg=1, length_cm=20, width_cm=20, height_cm=20
    )
    fresh = landed_cost(lamp, "DE", "sea_lcl", date="2026-04-16", price=30)
    stale = landed_cost(lamp, "DE", "sea_lcl", date="2026-07-01", price=30)
    assert not any(n["code"] == "landed_cost.fx_stale" for n in fresh.note_codes)
    note = next(n for n in stale.note_codes if n["code"] == "landed_cost.fx_stale")
    assert note["args"] == {"fx_date": "2026-04-13", "as_of": "2026-07-01", "days": 79}
    assert "xborder fx update" in stale.notes[-1] or any("xborder fx update" in n for n in stale.notes)
    assert not any(
        n["code"] == "landed_cost.fx_stale"
        for n in landed_cost(lamp, "DE", date="2026-07-01", price=30, fx_max_age_days=None).note_codes
    )
    p = _run("--json", "fx", "rate", "USD", "EUR", "--date", "2026-06-01", tmp=tmp_path)
    assert "49 days before" in json.loads(p.stdout)["warnings"][0]


def test_price_with_its_currency_is_converted_and_a_wrong_currency_is_flagged(tmp_path: Path) -> None:
    base = ["landed-cost", "--unit-cost", "4", "--currency", "CNY", "--category", "toys_games", "--market", "JP",
            "--date", "2026-04-15"]  # fmt: skip
    raw = json.loads(_run("--json", *base, "--price", "19.99", tmp=tmp_path).stdout)
    usd = json.loads(_run("--json", *base, "--price", "19.99USD", tmp=tmp_path).stdout)
    same = json.loads(
        _run("--json", *base, "--price", "19.99", "--price-currency", "usd", tmp=tmp_path).stdout
    )
    assert raw["summary"]["price"] == pytest.approx(
        19.99
    )  # ¥19.99: read in the market's currency, and said so
    assert any("read in JPY" in n for n in raw["notes"])
    assert any("implausible margin" in n and "is the price in JPY?" in n for n in raw["notes"])
    from xborder.reference.fx import load_fx

    rate = load_fx().factor("USD", "JPY", "2026-04-15").rate
    assert usd["summary"]["price"] == pytest.approx(19.99 * rate) == pytest.approx(same["summary"]["price"])
    assert any("19.99 USD converted to" in n for n in usd["notes"]) and not any(
        "implausible" in n for n in usd["notes"]
    )
    bad = _run(*base, "--price", "19.99USD", "--price-currency", "EUR", tmp=tmp_path)
    assert bad.returncode == 2 and "--price says USD but --price-currency says EUR" in bad.stderr
