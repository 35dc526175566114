"""Suppliers on the USAID SCMS delivery history (10,324 real delivered lines, 73 vendors): every row accounted
for, on-time rate, lead time and its variability, spend concentration and tiers — each expected figure
recomputed here from the raw file with pandas — and `xborder suppliers score|concentration --json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.cli.main import main
from xborder.core.settings import get_settings
from xborder.ingest import ingest_path
from xborder.warehouse import connect

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def scms_path() -> Path:
    return shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    d = pd.read_csv(scms_path(), encoding="utf-8-sig")
    d["scheduled"] = pd.to_datetime(d["Scheduled Delivery Date"], format="%d-%b-%y")
    d["delivered"] = pd.to_datetime(d["Delivered to Client Date"], format="%d-%b-%y")
    d["po"] = pd.to_datetime(
        d["PO Sent to Vendor Date"], format="%m/%d/%y", errors="coerce"
    )  # "Date Not Captured"
    d["late"] = (d["delivered"] - d["scheduled"]).dt.days
    return d


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("scms") / "s.duckdb"
    con = connect(db)
    res = ingest_path(con, scms_path(), None, settings=get_settings(db_path=str(db), pseudonym_key="k"))
    assert [(r.layout, r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) for r in res] == [
        ("usaid_scms", 10324, 10324, 0, 0)
    ]
    con.close()
    return db


def run_cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict:
    monkeypatch.setattr(sys, "argv", ["xborder", *argv])
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_scores_from_the_delivery_history(warehouse: Path, raw: pd.DataFrame, monkeypatch, capsys) -> None:
    data = run_cli(["--db", str(warehouse), "suppliers", "score", "--as-of", "2015-09-30", "--top", "0", "--json"],
                   monkeypatch, capsys)  # fmt: skip
    s = pd.DataFrame(data["suppliers"]).set_index("name")
    assert len(s) == raw["Vendor"].nunique() == 73
    by_vendor = raw.groupby("Vendor")
    on_time = by_vendor["late"].apply(lambda x: (x <= 0).mean())
    assert s["on_time_observed"].to_dict() == pytest.approx(on_time.to_dict())
    assert s["deliveries"].to_dict() == by_vendor.size().to_dict()
    # the on-time share pulled towards the population's (88.5 %) by a prior worth 10 deliveries
    n, p0 = by_vendor.size(), (raw["late"] <= 0).mean()
    assert p0 == pytest.approx(data["summary"]["priors"]["on_time"], abs=5e-5)
    assert s["on_time"].to_dict() == pytest.approx(((n * on_time + 10 * p0) / (n + 10)).to_dict())
    # Trinity Biotech: 356 deliveries, 1 late; PO → delivery median 78 days; late days sd 2.34
    trinity = raw[raw["Vendor"] == "Trinity Biotech, Plc"]
    t = s.loc["Trinity Biotech, Plc"]
    assert t["deliveries"] == 356 and t["on_time_observed"] == pytest.approx(355 / 356)
    assert t["on_time"] == pytest.approx((355 + 10 * p0) / 366)
    assert t["lead_time_observed"] == (trinity["delivered"] - trinity["po"]).dt.days.median() == 78
    assert t["lead_time_variability_observed"] == pytest.approx(trinity["late"].std())
    # the spread pooled with the population's within-vendor sd s0 = √(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1))
    sd, df = by_vendor["late"].std(), n - 1
    s0 = ((df * sd.fillna(0) ** 2).sum() / df.sum()) ** 0.5
    assert s0 == pytest.approx(data["summary"]["priors"]["late_sd"], abs=5e-5)
    assert t["lead_time_variability"] == pytest.approx(
        ((355 * trinity["late"].var() + 10 * s0**2) / 365) ** 0.5
    )
    one = s[s["deliveries"] == 1]  # one delivery: no spread of its own, the population's
    assert len(one) > 0 and one["lead_time_variability"].tolist() == pytest.approx([s0] * len(one))
    # overall: 11.5% of lines late (SOURCES.md)
    assert (raw["late"] > 0).mean() == pytest.approx(0.115, abs=5e-4)
    # tiers: 15% of 73 → 11 strategic, 35% → 26 core, 36 cooperative; no certificate or verification data
    summary = data["summary"]
    assert summary["tiers"] == {"strategic": 11, "core": 26, "cooperative": 36, "excluded": 0}
    assert summary["unverified"] == 73 and set(s["tier"]) == {"strategic", "core", "cooperative"}
    assert all("Unverified" in f for f in s["flags_en"])
    # evidence counts: with the priors none of the 11 strategic suppliers rests on 1-2 deliveries (2 with the
    # delivery prior alone, when one cheap quote could still lift a supplier), without any prior 7
    assert (s.loc[s["tier"] == "strategic", "deliveries"] <= 2).sum() == 0
    assert s["price"].notna().sum() == s["price_observed"].notna().sum() > 0
    k = s["priced_offers"]
    assert s["price"].tolist() == pytest.approx(
        (s["price_observed"] ** (k / (k + 3))).where(s["price_observed"].notna()).tolist(), nan_ok=True
    )  # pulled towards the median offer by a prior worth 3 compared offers
    raw_run = run_cli(["--db", str(warehouse), "suppliers", "score", "--as-of", "2015-09-30", "--top", "0",
                       "--prior-deliveries", "0", "--prior-offers", "0", "--json"], monkeypatch, capsys)  # fmt: skip
    r = pd.DataFrame(raw_run["suppliers"])
    assert (r.loc[r["tier"] == "strategic", "deliveries"] <= 2).sum() == 7
    assert r["on_time"].tolist() == pytest.approx(r["on_time_observed"].tolist(), nan_ok=True)


def test_spend_concentration_alerts_on_the_regional_distribution_centre(
    warehouse: Path, raw: pd.DataFrame, monkeypatch, capsys
) -> None:
    run_cli(
        ["--db", str(warehouse), "suppliers", "score", "--as-of", "2015-09-30", "--json"], monkeypatch, capsys
    )
    data = run_cli(["--db", str(warehouse), "suppliers", "concentration", "--json"], monkeypatch, capsys)
    c = pd.DataFrame(data["concentration"])
    sup = c[c["dimension"] == "supplier"].set_index("name")
    spend = raw.groupby("Vendor")["Line Item Value"].sum()
    assert sup["spend_usd"].to_dict() == pytest.approx(spend.to_dict())
    share = spend / spend.sum()
    assert share.idxmax() == "SCMS from RDC" and share.max() == pytest.approx(0.66686, abs=1e-5)
    assert sup.loc[sup["alert"]].index.tolist() == ["SCMS from RDC"]  # the only one above 30%
    # SCMS names no vendor country: one unknown country, never an alert
    country = c[c["dimension"] == "country"]
    assert len(country) == 1 and not country["alert"].any()


def test_report_panel_spend_pareto(warehouse: Path, raw: pd.DataFrame, monkeypatch, capsys) -> None:
    from xborder.domains.suppliers.panels import TOP
    from xborder.domains.suppliers.report import report_panels

    data = run_cli(["--db", str(warehouse), "suppliers", "score", "--as-of", "2015-09-30", "--top", "0", "--json"],
                   monkeypatch, capsys)  # fmt: skip
    con = connect(warehouse)
    en = report_panels(con, data["run_id"], "en")[0]
    zh = report_panels(con, data["run_id"], "zh")[0]
    con.close()
    spend = raw.groupby("Vendor")["Line Item Value"].sum().sort_values(ascending=False)
    share = spend / spend.sum()
    bars = en.figure.data[0]
    assert list(bars.x[:2]) == ["SCMS from RDC", "Orgenics, Ltd"] and len(bars.x) == TOP + 1
    assert bars.y[0] == pytest.approx(share.iloc[0]) and bars.y[-1] == pytest.approx(share.iloc[TOP:].sum())
    assert en.figure.data[1].y[-1] == pytest.approx(1.0)  # the cumulative share ends at all spend
    table = en.tables[0][1]
    assert table["Deliveries"].iloc[0] == 5404 and table["Supplier"].iloc[0] == "SCMS from RDC"
    assert "has 66.7%" in en.intro and "1 supplier(s) raise the alert" in en.intro
    assert zh.title == "供应商集中度（采购额帕累托图）" and "采购额份额" in zh.tables[0][1].columns
