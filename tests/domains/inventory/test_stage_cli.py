"""The stockouts and inventory stages, the CLI and the dossier section: on the bathmat seller's real FBA reports,
and on forecasts and landed costs written to the warehouse (the demand and landed-cost stages' tables)."""

from __future__ import annotations

import json
import math
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from xborder.cli.main import app, main
from xborder.core import i18n
from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.domains.inventory.dossier import build
from xborder.domains.inventory.plan import PlanSettings, plan_from_rows
from xborder.domains.inventory.stage import STAGE, STOCKOUTS_STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.dossier import Pair
from xborder.warehouse.tables import latest_run_id, read_rows, write_frame

FILES = ("12.1-12.20 daily inventory.csv.gz", "inventory age.zip", "12.20 restock inventory.csv")


@pytest.fixture
def bathmat_db(tmp_path):
    db = tmp_path / "inv.duckdb"
    for f in FILES:
        path = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "inventory", f)
        res = CliRunner().invoke(app, ["--db", str(db), "--json", "ingest", str(path)])
        assert res.exit_code == 0, res.output
    return db


@pytest.mark.slow
@pytest.mark.shared_data
def test_bathmat_plans_alerts_and_cli(bathmat_db) -> None:
    res = CliRunner().invoke(app, ["--db", str(bathmat_db), "--json", "inventory", "alerts"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    # by hand from inventory age.zip (2019-12-18, the latest dated report): 8 SKUs shipped nothing in 90 days,
    # 3 more nothing in 30; the 3 restock-only SKUs have no sellable unit
    age = pd.read_csv(zipfile.ZipFile(shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "inventory",
                                                  "inventory age.zip")).open("inventory age.csv"), encoding="cp1252")  # fmt: skip
    q90, q30 = age["units-shipped-last-90-days"], age["units-shipped-last-30-days"]
    assert out["statuses"]["slow_90"] == int((q90 == 0).sum()) == 8
    assert out["statuses"]["slow_30"] == int(((q30 == 0) & (q90 > 0)).sum()) == 3
    assert len(out["alerts"]) >= 11 and not any(r["location"] == "*" for r in out["stockouts"])
    chart = bathmat_db.parent / "stock.html"
    plan = CliRunner().invoke(app, ["--db", str(bathmat_db), "--json", "inventory", "plan", "--run", "latest",
                                    "--product", "amazon:B07JJ3HGSN", "--chart", str(chart)])  # fmt: skip
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.output)["chart"] == str(chart)
    html = chart.read_text(encoding="utf-8")
    assert all(f'"name":"{n}"' in html for n in ("on hand", "on hand + on order", "reorder point"))
    row = json.loads(plan.output)["plans"][0]
    assert row["sku"] == "1-mwh-18" and row["kind"] == "recent_sales"
    mwh = age[age["sku"] == "1-mwh-18"].iloc[0]
    assert row["daily_demand"] == pytest.approx(mwh["units-shipped-last-30-days"] / 30)
    assert row["on_hand"] == mwh["avaliable-quantity(sellable)"] or row["on_hand"] > 0
    assert "Days-of-cover rule" in row["notes_en"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_bathmat_alerts_name_each_product_by_id_and_title(bathmat_db) -> None:
    res = CliRunner().invoke(app, ["--db", str(bathmat_db), "--json", "inventory", "alerts"])
    assert res.exit_code == 0, res.output
    alerts = pd.DataFrame(json.loads(res.output)["alerts"])
    # by hand: the title the inventory age report gives each SKU (the latest dated report)
    age = pd.read_csv(zipfile.ZipFile(shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "inventory",
                                                  "inventory age.zip")).open("inventory age.csv"), encoding="cp1252")  # fmt: skip
    named = age.set_index("sku")["product-name"].str.strip()
    slow = alerts[alerts["status"] == "slow_90"]
    assert len(slow) == 8 and slow["title"].notna().all()
    assert (slow["title"].to_numpy() == named.reindex(slow["sku"]).to_numpy()).all()
    assert slow["text_en"].str.len().gt(0).all() and slow["text_zh"].str.contains("滞销").all()
    row = slow.iloc[0]
    for lang, word in (("en", "Slow mover"), ("zh", "滞销")):
        out = CliRunner().invoke(app, ["--db", str(bathmat_db), "inventory", "alerts", "--run", "latest",
                                       "--lang", lang], env={"COLUMNS": "400"})  # fmt: skip
        assert out.exit_code == 0, out.output
        text = " ".join(out.output.split())  # the console may wrap lines at its own width
        line = text[text.index(row["sku"]) :][:400]
        assert row["product_id"] in line and row["title"][:40] in line and word.lower() in line.lower()
    bad = CliRunner().invoke(
        app, ["--db", str(bathmat_db), "inventory", "alerts", "--run", "latest", "--lang", "fr"]
    )
    assert isinstance(bad.exception, BadInputError) and "use en or zh" in str(bad.exception)


@pytest.mark.slow
@pytest.mark.shared_data
def test_bathmat_dossier_shows_slow_movers_in_both_languages(bathmat_db) -> None:
    res = CliRunner().invoke(app, ["--db", str(bathmat_db), "--json", "inventory", "alerts"])
    assert res.exit_code == 0, res.output
    con = connect(bathmat_db)
    run_id = latest_run_id(con, "inventory_plans")
    health = read_rows(con, "inventory_health", run_id)
    slow = health[health["status"] == "slow_90"]
    assert len(slow) == 8  # the age report's SKUs with no unit shipped in 90 days (test above)
    for _, h in slow.iterrows():
        body = build(_Reader(con, run_id), Pair(h["product_id"], h["market"]))
        assert body["status"] == "slow_90" and body["days_without_sales"] >= 90
        assert body["on_hand"] == h["on_hand"] > 0
        slow_msg = next(m for m in body["messages"]["health"] if m["code"] == "inventory.slow")
        assert slow_msg["args"]["threshold"] == 90 and "滞销" in i18n.message(slow_msg, "zh")
        _labelled_in_both_languages(body)
    con.close()


def test_cli_bad_input_is_a_message_and_exit_2(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(
        sys, "argv", ["xborder", "--db", str(tmp_path / "e.duckdb"), "inventory", "plan", "--chart", "x.html"]
    )
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2 and "--chart needs --product" in capsys.readouterr().err
    monkeypatch.setattr(
        sys,
        "argv",
        ["xborder", "--db", str(tmp_path / "e.duckdb"), "inventory", "calendar", "--from", "2025-13-01"],
    )
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2 and "--from must be a date" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["xborder", "--db", str(tmp_path / "e.duckdb"), "inventory", "plan"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2 and "No product × market forecasts" in capsys.readouterr().err


def test_calendar_json(capsys, monkeypatch) -> None:
    monkeypatch.setattr(
        sys, "argv", ["xborder", "--json", "inventory", "calendar", "--market", "mx", "--from", "2025-01-01"]
    )
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None)
    ev = json.loads(capsys.readouterr().out)["events"]
    assert [e["event_id"] for e in ev] == ["MX-HS-2025", "MX-BUENFIN-2025", "MX-HS-2026"]


def _forecast_warehouse(db) -> None:
    con = connect(db)
    rows = pd.DataFrame({"run_id": "run-f", "unique_id": "p1|DE", "level": "product_market", "freq": "W",
                         "product_id": "p1", "market": "DE", "ds": pd.date_range("2026-01-05", periods=26, freq="7D"),
                         "model": "AutoETS", "point": 35.0, "lo_80": 35 - 1.2816 * 6, "hi_80": 35 + 1.2816 * 6,
                         "kind": "forecast"})  # fmt: skip
    an = rows.assign(
        unique_id="p1|FR", market="FR", kind="analogue", model="Analogue", point=7.0, hi_80=7 + 1.2816 * 5
    )
    write_frame(con, "forecasts", pd.concat([rows, an]))
    lc = pd.DataFrame({"run_id": "run-l", "product_id": "p1", "market": ["DE", "DE", "FR"], "mode": ["sea_lcl", "air", "sea_lcl"],
                       "as_of": pd.Timestamp("2026-01-01"), "currency": "EUR", "landed_cost": [6.0, 9.0, 6.5]})  # fmt: skip
    write_frame(con, "landed_costs", lc)
    con.close()


def test_stage_plans_forecasts_with_landed_costs_and_the_dossier(tmp_path) -> None:
    db = tmp_path / "f.duckdb"
    _forecast_warehouse(db)
    con = connect(db)
    settings = get_settings(db_path=str(db))
    _, skipped = run_stage(con, settings, STOCKOUTS_STAGE, {})
    assert skipped["status"] == "skipped" and skipped["reason_code"] == "inventory.no_snapshots"
    run_id, summary = run_stage(con, settings, STAGE, {"service_level": "0.9"})
    assert summary["plans"] == 2 and summary["kinds"] == {"forecast": 1, "analogue": 1}
    assert summary["input_runs"] == {"forecasts": "run-f", "landed_costs": "run-l"}
    plans = read_rows(con, "inventory_plans", run_id).set_index("market")
    de = plans.loc["DE"]
    assert de["unit_cost"] == 6.0 and de["cost_source"] == "landed_costs:sea_lcl"  # the cheaper mode
    assert de["lead_time_source"] == "settings+FR-CN-EU-LCL"
    assert de["lead_time_days"] == pytest.approx(20 + (28 + 50) / 2 + 7)
    # the stage's numbers are the pure plan's, on the same inputs
    rows = read_rows(con, "forecasts", "run-f").query("market == 'DE'").assign(
        lead_time_days=de["lead_time_days"], lead_time_sd_days=de["lead_time_sd_days"], unit_cost=6.0,
        order_cost=_eur(con), moq=np.nan, case_pack=1.0, on_hand=np.nan, inbound=np.nan,
        stock_offset_days=np.nan)  # fmt: skip
    pure = plan_from_rows(rows, PlanSettings(service_level=0.9)).iloc[0]
    for col in ("reorder_point", "order_quantity", "safety_stock", "average_stock", "baseline_reorder_point"):
        assert de[col] == pytest.approx(pure[col]), col
    assert de["expected_cycle_service"] >= 0.9 and math.isnan(de["on_hand"])
    fr = plans.loc["FR"]
    assert fr["kind"] == "analogue" and fr["launch_quantity"] > 0
    assert json.loads(fr["notes"])[0]["code"] == "inventory.launch" and "首批订货" in fr["notes_zh"]
    body = build(_Reader(con, run_id), Pair("p1", "DE"))
    assert (
        body["reorder_point"] == de["reorder_point"]
        and body["comparison"][1]["policy"] == "days_of_cover_rule"
    )
    # no inventory snapshot for p1: the figures it cannot know are left out, not shown as NaN
    assert not {"on_hand", "days_of_cover", "stockout_date", "order_by", "status"} & set(body)
    assert body["comparison"][0]["average_stock"] == pytest.approx(de["average_stock"])
    assert body["comparison"][1]["average_stock"] == pytest.approx(de["baseline_average_stock"])
    _labelled_in_both_languages(body)
    launch = build(_Reader(con, run_id), Pair("p1", "FR"))
    assert launch["launch_quantity"] == fr["launch_quantity"] and launch["kind"] == "analogue"
    first = launch["messages"]["plan"][0]
    assert first["code"] == "inventory.launch" and "首批订货" in i18n.message(first, "zh")
    assert build(_Reader(con, run_id), Pair("p2", "DE"))["note"]["code"] == "inventory.dossier_no_plan"
    con.close()


def _labelled_in_both_languages(body: dict) -> None:
    """Every figure and comparison column of a dossier section has a label, and every note renders, in en and zh."""
    keys = {k for k, v in body.items() if not isinstance(v, dict | list)}
    keys |= {k for row in body["comparison"] for k in row} | {row["policy"] for row in body["comparison"]}
    keys |= {body[k] for k in ("kind", "service_measure", "status") if k in body}  # code values
    keys |= {row["cycle_service_basis"] for row in body["comparison"] if row.get("cycle_service_basis")}
    for lang in i18n.LANGS:
        assert not [k for k in sorted(keys) if not i18n.has(f"inventory.field.{k}", lang)], lang
        for msg in body["messages"]["plan"] + body["messages"]["health"]:
            assert i18n.message(msg, lang)


def _eur(con) -> float:
    import datetime as dt

    from xborder.reference.fx import load_fx

    return 50.0 * load_fx(con).factor("USD", "EUR", dt.date.today().isoformat()).rate


class _Reader:
    def __init__(self, con, run_id: str) -> None:
        self.con, self.run_id = con, run_id

    def rows(self, table: str, **equal):
        df = read_rows(self.con, table, self.run_id)
        for k, v in equal.items():
            df = df[df[k] == v]
        return df.to_dict(orient="records")
