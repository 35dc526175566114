"""Risk events on real data: late deliveries of the USAID SCMS history and a refund-rate crossing of the bathmat
seller's February 2020 report, each checked against the raw file by hand; events stated in a file; the KPI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.clirun import run_cli
from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.stage import STAGE as FINANCE
from xborder.domains.launch.kpis import scorecard
from xborder.domains.risk.events import detection_summary
from xborder.domains.risk.stage.events import detect_events, read_events
from xborder.ingest.engine import ingest_path
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect

FEB = ("amazon_seller_central_us_bathmat_seller_2018_2020", "fees",
       "2020Feb1-2020Feb29CustomTransaction_no_buyer_location.csv.gz")  # fmt: skip


def read_events_count(db: Path) -> int:
    con = connect(db)
    try:
        return len(read_events(con))
    finally:
        con.close()


def _kpi(events: pd.DataFrame) -> pd.Series:
    card = scorecard({"risk_events": events})
    return card.set_index("kpi").loc["risk_detection_hours"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_late_deliveries_of_the_scms_history(db_path: Path, monkeypatch, capsys) -> None:
    path = shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip")
    raw = pd.read_csv(path, encoding="utf-8-sig")
    promised = pd.to_datetime(raw["Scheduled Delivery Date"], format="%d-%b-%y")
    delivered = pd.to_datetime(raw["Delivered to Client Date"], format="%d-%b-%y")
    late = delivered > promised
    con = connect(db_path)
    ingest_path(con, path, settings=Settings(db_path=str(db_path), pseudonym_key="k"))
    first = detect_events(con)
    assert first["supplier_events"]["written"] == int(late.sum()) == 1186
    again = detect_events(con)  # an event is written once
    assert again["written"] == 0 and again["supplier_events"]["already"] == 1186
    events = read_events(con)
    ingested = con.execute("SELECT started_at FROM ingest_log WHERE status = 'ok'").fetchall()[0][0]
    con.close()
    expected = sorted(promised[late] + pd.Timedelta(days=1))
    assert sorted(pd.to_datetime(events["happened_at"])) == expected
    assert (pd.to_datetime(events["detected_at"]) == pd.Timestamp(ingested)).all()
    assert set(events["category"]) == {"supply"} and events["backfill"].all()  # the file ends in 2015
    # the KPI: no live event, so unknown — never the file's age read as a detection time
    kpi = _kpi(events)
    assert kpi["value"] is None or pd.isna(kpi["value"])
    assert (
        "0 live events with both dates of 1186 (1186 from histories loaded after the fact" in kpi["data_used"]
    )
    code, out, _ = run_cli(["--db", str(db_path), "risk", "events", "list", "--json"], monkeypatch, capsys)
    summary = json.loads(out)["summary"]
    assert code == 0 and (summary["events"], summary["timed"], summary["backfill"]) == (1186, 0, 1186)
    # replayed as if each record arrived on its delivery day: the lateness from the first late day, by hand
    lag = (delivered[late] - promised[late] - pd.Timedelta(days=1)).dt.total_seconds() / 3600
    code, out, _ = run_cli(["--db", str(db_path), "risk", "events", "replay", "--json"], monkeypatch, capsys)
    replay = json.loads(out)
    assert code == 0 and (replay["timed"], replay["deliveries"]) == (1186, 10324)
    assert replay["median_hours"] == pytest.approx(lag.median()) == 264.0
    assert replay["within_72h"] == pytest.approx((lag <= 72).mean())
    assert read_events_count(db_path) == 1186  # the replay stores nothing


@pytest.mark.shared_data
def test_a_refund_rate_crossing_is_one_event_at_the_first_run(db_path: Path) -> None:
    path = shared_path(*FEB)
    raw = pd.read_csv(path)
    refund_rate = (
        -raw.loc[raw["type"] == "Refund", "total"].sum()
        / raw.loc[raw["type"] == "Order", "product sales"].sum()
    )
    settings = Settings(db_path=str(db_path))
    con = connect(db_path)
    ingest_path(con, path, settings=settings, reject_dir=db_path.parent)
    run_id, _ = run_stage(con, settings, FINANCE)
    # the run as if made the morning after February closed: 2020-03-02 08:00 UTC, 32 hours after the month's end
    con.execute("UPDATE runs SET started_at = TIMESTAMP '2020-03-02 08:00:00' WHERE run_id = ?", [run_id])
    assert detect_events(con)["warning_indicators"]["written"] >= 1
    later, _ = run_stage(con, settings, FINANCE)  # today: the same crossing again, not a new event
    assert detect_events(con)["warning_indicators"]["written"] == 0
    events = read_events(con).set_index("event_id")
    con.close()
    ev = events.loc["indicator:refund_rate|seller|all|2020-02"]
    assert (ev["category"], ev["what"], ev["detected_by"]) == (
        "demand",
        "indicator:refund_rate",
        f"run:{run_id}",
    )
    assert pd.Timestamp(ev["happened_at"]) == pd.Timestamp("2020-03-01")
    assert ev["detection_hours"] == pytest.approx(32.0) and not ev["backfill"]
    assert f"{refund_rate:.4g}" in ev["detail"]
    monthly = events[events["happened_at"].notna()]
    assert (monthly["detection_hours"] == 32.0).all() and not monthly["backfill"].any()
    s = detection_summary(events.reset_index())
    kpi = _kpi(events.reset_index())
    assert kpi["value"] == pytest.approx(32.0) == s["median_hours"] and bool(kpi["meets"])
    assert f"{s['timed']} live events with both dates of {len(events)}" in kpi["data_used"]


def test_events_stated_in_a_file(tmp_path: Path, db_path: Path, monkeypatch, capsys) -> None:
    good = tmp_path / "events.csv"
    good.write_text(
        "category,what,product_id,market,happened_at,detected_at,detected_by\n"
        "platform,listing suppressed,p1,de,2024-03-01T08:00,2024-03-02T10:30,ops\n"
        "compliance,EPR number requested,p1,FR,2024-04-10,2024-04-09,compliance\n"
        "logistics,port strike,,,,2024-05-02T00:00,ops\n",
        encoding="utf-8",
    )
    argv = ["--db", str(db_path), "risk", "events"]
    code, out, _ = run_cli([*argv, "load", str(good), "--json"], monkeypatch, capsys)
    assert code == 0 and (json.loads(out)["rows"], json.loads(out)["written"]) == (3, 3)
    code, out, _ = run_cli([*argv, "load", str(good), "--json"], monkeypatch, capsys)
    assert code == 0 and (json.loads(out)["written"], json.loads(out)["already"]) == (0, 3)
    code, out, _ = run_cli([*argv, "list", "--json"], monkeypatch, capsys)
    s = json.loads(out)["summary"]
    # 26.5 h and -24 h (asked for before it applied); the strike has no happened date: left out, counted
    assert (s["events"], s["timed"], s["undated"], s["ahead"]) == (3, 2, 1, 1)
    assert s["median_hours"] == pytest.approx((26.5 - 24.0) / 2)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "category,what,detected_at\nplatform,ok,2024-01-01\nweather,storm,2024-01-02\n", encoding="utf-8"
    )
    code, _, err = run_cli([*argv, "load", str(bad)], monkeypatch, capsys)
    assert code == 2 and "file:bad.csv row 2, column category" in err and "Traceback" not in err
    code, _, err = run_cli([*argv, "add", "--category", "fx", "--what", "CNY move", "--detected-at", "2024-13-01"],
                           monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "column detected_at" in err
    code, out, _ = run_cli([*argv, "list", "--lang", "zh"], monkeypatch, capsys)
    assert code == 0 and "风险发现时间" in out
