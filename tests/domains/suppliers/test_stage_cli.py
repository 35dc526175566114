"""The suppliers stage and `xborder suppliers ...` on sheets written here (quotes, events, certificates,
verification) plus compliance requirements: indicators by hand, the gate, flags, tiers, alternatives, the
dossier section and --json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.clirun import run_cli
from xborder.core.settings import get_settings
from xborder.domains.suppliers.stage import STAGE
from xborder.ingest import ingest_path
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_stage
from xborder.reference.fx import load_fx
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

AS_OF = "2024-06-30"
QUOTES = pd.DataFrame(
    [
        ("Ningbo Alpha Co.", "China", "BM-1", "2.00", "USD", "500", "30 days", "2024-03-01"),
        ("Shenzhen Beta Ltd", "China", "BM-1", "2.40", "USD", "1000", "25 days", "2024-03-01"),
        ("Hanoi Gamma JSC", "Vietnam", "BM-1", "15.00", "CNY", "300", "40 days", "2024-03-01"),
        ("Hanoi Gamma JSC", "Vietnam", "TW-2", "3.10", "USD", "200", "20 days", "2024-03-01"),
    ],
    columns=[
        "Supplier",
        "Supplier Country",
        "SKU",
        "Unit Price",
        "Currency",
        "MOQ",
        "Lead Time",
        "Quote Date",
    ],
)
EVENTS = pd.DataFrame(
    [  # supplier, type, sku, order date, promised, delivered, ordered, delivered qty, inspected, defects, hours, date, severity, value
        ("Ningbo Alpha Co.", "delivery", "BM-1", "2024-01-02", "2024-02-01", "2024-02-03", "1000", "1000", "", "", "", "", "", "2000"),
        ("Ningbo Alpha Co.", "delivery", "BM-1", "2024-03-01", "2024-04-01", "2024-03-30", "500", "480", "", "", "", "", "", "1000"),
        ("Ningbo Alpha Co.", "inspection", "BM-1", "", "", "", "", "", "200", "3", "", "2024-03-31", "", ""),
        ("Ningbo Alpha Co.", "response", "", "", "", "", "", "", "", "", "12", "2024-03-05", "", ""),
        ("Ningbo Alpha Co.", "response", "", "", "", "", "", "", "", "", "36", "2024-04-05", "", ""),
        ("Hanoi Gamma JSC", "delivery", "TW-2", "2024-02-01", "2024-03-01", "2024-03-11", "400", "400", "", "", "", "", "", "1240"),
        ("Hanoi Gamma JSC", "inspection", "TW-2", "", "", "", "", "", "100", "8", "", "2024-03-12", "", ""),
        ("Shenzhen Beta Ltd", "delivery", "BM-1", "2024-01-10", "2024-02-10", "2024-02-10", "800", "800", "", "", "", "", "", "1920"),
        ("Shenzhen Beta Ltd", "incident", "", "", "", "", "", "", "", "", "", "2024-05-10", "critical", ""),
    ],
    columns=["Supplier", "Event Type", "SKU", "Order Date", "Promised Date", "Delivered Date", "Ordered Qty",
             "Delivered Qty", "Inspected Qty", "Defects", "Response Time (h)", "Date", "Severity", "Value"],
).assign(Currency="USD")  # fmt: skip
CERTS = pd.DataFrame(
    [
        ("Ningbo Alpha Co.", "ISO 9001:2015", "", "2023-01-01", "2026-01-01"),
        ("Ningbo Alpha Co.", "us_cpc", "BM-1", "2024-01-01", ""),
        ("Hanoi Gamma JSC", "us_cpc", "BM-1", "2022-01-01", "2023-12-31"),
    ],
    columns=["Supplier", "Certificate", "SKU", "Issue Date", "Expiry Date"],
)
VERIFY = pd.DataFrame(
    [
        ("Ningbo Alpha Co.", "营业执照", "已核实", "913302001", "2024-01-05", "2030-01-01"),
        ("Ningbo Alpha Co.", "税务登记", "已核实", "913302001", "2024-01-05", ""),
        ("Ningbo Alpha Co.", "银行账户", "已核实", "6222-0001", "2024-01-06", ""),
        ("Ningbo Alpha Co.", "法定代表人", "已核实", "Zhang San 330203198001010000", "2024-01-06", ""),
        ("Hanoi Gamma JSC", "business registration", "verified", "0101234567", "2024-01-07", "2024-05-01"),
    ],
    columns=["供应商", "核验项目", "状态", "编号", "核验日期", "有效期至"],
)
# What the compliance stage says BM-1 needs in the US (a certificate and a test the manufacturer holds, a label
# the importer applies).
REQUIREMENTS = [
    ("us_cpc", "certificate", True, "importer or US manufacturer"),
    ("us_astm_test", "test", True, "manufacturer"),
    ("us_label", "label", True, "importer"),
]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "s.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    for name, frame in (("quotes", QUOTES), ("events", EVENTS), ("certs", CERTS), ("verify", VERIFY)):
        frame.to_csv(folder / f"{name}.csv", index=False)
    con = connect(db)
    settings = get_settings(db_path=str(db), pseudonym_key="k", report_dir=str(tmp_path / "rep"))
    res = ingest_path(con, folder, None, settings=settings)
    assert {r.layout: (r.rows_in, r.rows_stored) for r in res} == {
        "supplier_quotes": (4, 4), "supplier_events": (9, 9), "supplier_certificates": (3, 3),
        "supplier_verification": (5, 5),
    }  # fmt: skip
    con.executemany(
        "INSERT INTO compliance_checks (run_id, product_id, market, rule_id, kind, mandatory, holder, as_of) "
        "VALUES ('run-compliance', 'custom:BM-1', 'US', ?, ?, ?, ?, DATE '2024-06-30')",
        REQUIREMENTS,
    )
    con.close()
    return db


def _run(db: Path, **params: object) -> tuple[str, dict, dict[str, pd.DataFrame]]:
    con = connect(db)
    run_id, summary = run_stage(con, get_settings(db_path=str(db)), STAGE, {"as_of": AS_OF, **params})
    frames = {n: read_rows(con, n, run_id) for n in ("supplier_scores", "supplier_alternatives", "supplier_weights",
                                                     "supplier_concentration")}  # fmt: skip
    con.close()
    return run_id, summary, frames


def test_indicators_flags_gate_and_tiers_by_hand(warehouse: Path) -> None:
    _, summary, f = _run(warehouse, required_standards=["ISO9001"])
    s = f["supplier_scores"].set_index("name")
    alpha, beta, gamma = s.loc["Ningbo Alpha Co."], s.loc["Shenzhen Beta Ltd"], s.loc["Hanoi Gamma JSC"]
    # Alpha: 2 deliveries, one 2 days late, one 2 days early → on time 1/2; late days +2 and -2 → sd 2·√2
    assert alpha["deliveries"] == 2 and alpha["on_time_observed"] == 0.5
    assert alpha["lead_time_variability_observed"] == pytest.approx(2 * 2**0.5)
    assert alpha["lead_time_observed"] == pytest.approx((32 + 29) / 2)  # order → delivery: 32 and 29 days
    assert alpha["in_full_rate"] == 0.5  # 480 of 500 is not in full
    assert alpha["quality_observed"] == pytest.approx(3 / 200) and alpha["communication"] == 24.0
    assert gamma["quality_observed"] == pytest.approx(8 / 100) and gamma["on_time_observed"] == 0.0
    # pulled towards the population by a prior worth 10 deliveries (10 inspections of the median lot)
    pr = summary["priors"]
    assert pr["deliveries"] == 10 and alpha["on_time"] == pytest.approx(
        (1 + 10 * pr["on_time"]) / 12, abs=1e-4
    )
    assert pr["defect_rate"] == pytest.approx(11 / 300, abs=1e-4) and pr["units_per_inspection"] == 150
    assert alpha["quality"] == pytest.approx((3 + 1500 * 11 / 300) / (200 + 1500))
    # BM-1 prices in USD: 2.00, 2.40 and 15 CNY at the ECB rate of 2024-03-01; each over the median of the three
    cny = 15.0 * load_fx().factor("CNY", "USD", "2024-03-01").rate
    median = sorted([2.0, 2.4, cny])[1]
    assert alpha["price_observed"] == pytest.approx(2.0 / median)
    assert gamma["price_observed"] == pytest.approx(cny / median)  # TW-2 has one supplier only: no ratio
    # one compared offer each, pulled towards the median offer by a prior worth 3: exp(ln(ratio) / 4)
    assert alpha["priced_offers"] == 1 and summary["priors"]["offers"] == 3
    assert alpha["price"] == pytest.approx((2.0 / median) ** 0.25)
    assert gamma["price"] == pytest.approx((cny / median) ** 0.25)
    # certificates: ISO9001 (required of everyone) and us_cpc (BM-1 in the US); the us_label is the importer's
    assert alpha["certifications"] == 1.0 and alpha["documents"] == 0.0  # us_astm_test not supplied
    assert gamma["certifications"] == 0.0 and gamma["missing_certificates"] == 2
    flags = json.loads(gamma["flags"])
    assert {(x["code"], x["args"].get("certificate")) for x in flags} >= {
        ("suppliers.expired_certificate", "us_cpc"), ("suppliers.missing_certificate", "us_cpc"),
        ("suppliers.missing_certificate", "ISO9001"), ("suppliers.unverified", None),
    }  # fmt: skip
    assert "Certificate us_cpc expired on 2023-12-31." in gamma["flags_en"]
    assert "缺少必需证书 ISO9001（市场：-）" in gamma["flags_zh"]
    # verification: Alpha's four checks current; Gamma's licence expired on 2024-05-01, the rest missing
    assert bool(alpha["verified"]) and not bool(gamma["verified"])
    assert gamma["business_registration"] == "expired" and gamma["bank_account"] == "missing"
    assert alpha["standing"] == 1.0 and gamma["standing"] == 0.0
    # Beta: a critical ESG incident on 2024-05-10 → behind the gate, not ranked
    assert bool(beta["gated"]) and beta["tier"] == "excluded" and pd.isna(beta["score"])
    assert "Excluded: 1 critical ESG incident(s), the last on 2024-05-10." in beta["flags_en"]
    assert alpha["tier"] == "strategic" and alpha["rank"] == 1 and gamma["tier"] == "cooperative"
    assert summary["tiers"] == {"strategic": 1, "core": 0, "cooperative": 1, "excluded": 1}
    assert summary["unverified"] == 2 and summary["gated"] == 1


def test_alternatives_put_the_gated_supplier_last_and_flag_the_unverified(warehouse: Path) -> None:
    run_id, _, f = _run(warehouse)
    alt = f["supplier_alternatives"]
    bm = alt[alt["product_id"] == "custom:BM-1"].sort_values("product_rank")
    assert bm["name"].tolist() == ["Ningbo Alpha Co.", "Hanoi Gamma JSC", "Shenzhen Beta Ltd"]
    assert bm["verified"].tolist() == [True, False, False]
    assert all("Unverified" in t for t in bm["flags_en"].iloc[1:])
    con = connect(warehouse)
    d = dossier(connection_query(con), run_id, "custom:BM-1", "US")
    con.close()
    sec = d["sections"]["suppliers"]
    assert (
        sec["suppliers"] == 3
        and sec["verified_suppliers"] == 1
        and sec["best_supplier"] == "Ningbo Alpha Co."
    )
    assert [r["flags"] for r in sec["shortlist"]] == [
        ["missing_document:us_astm_test"],
        [
            "unverified",
            "expired_certificate:us_cpc",
            "missing_certificate:us_cpc",
            "missing_document:us_astm_test",
        ],
        ["esg_gate", "unverified", "missing_certificate:us_cpc", "missing_document:us_astm_test"],
    ]
    con = connect(warehouse)
    de = dossier(connection_query(con), run_id, "custom:BM-1", "DE")["sections"]["suppliers"]
    con.close()
    assert [r["flags"] for r in de["shortlist"]] == [
        [],
        ["unverified"],
        ["esg_gate", "unverified"],
    ]  # US rules only


def test_concentration_alert_by_country_and_weights_stored(warehouse: Path) -> None:
    _, _, f = _run(warehouse)
    c = f["supplier_concentration"].set_index(["dimension", "key"])
    # delivered value: Alpha 2000 + 1000 (CN), Beta 1920 (CN), Gamma 1240 (VN): CN 4920 of 6160
    assert c.loc[("country", "CN"), "spend_share"] == pytest.approx(4920 / 6160)
    # VN has 20.1% of spend but is the main source of TW-2, 1 of the 2 critical products: 50% > 30%
    assert bool(c.loc[("country", "CN"), "alert"]) and bool(c.loc[("country", "VN"), "alert"])
    assert c.loc[("country", "VN"), "critical_share"] == 0.5
    w = f["supplier_weights"].set_index("indicator")
    assert w["weight"].sum() == pytest.approx(1.0) and set(w["method"]) == {"ahp"}


def test_cli_score_json_and_bad_judgements(warehouse: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(["--db", str(warehouse), "suppliers", "score", "--as-of", AS_OF, "--standard", "iso9001",
                            "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert [r["name"] for r in data["suppliers"]][:2] == ["Ningbo Alpha Co.", "Hanoi Gamma JSC"]
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '"quality/on_time" = 9\n"on_time/lead_time" = 9\n"lead_time/quality" = 9\n', encoding="utf-8"
    )
    code, _, err = run_cli(
        ["--db", str(warehouse), "suppliers", "weights", "--judgements", str(bad)], monkeypatch, capsys
    )
    assert code == 2 and "inconsistent" in err
    code, out, _ = run_cli(["--db", str(warehouse), "suppliers", "verify", "--json"], monkeypatch, capsys)
    rows = {r["name"]: r for r in json.loads(out)["verification"]}
    assert rows["Hanoi Gamma JSC"]["business_registration"] == "expired"
    code, out, _ = run_cli(["--db", str(warehouse), "suppliers", "alternatives", "--product", "custom:BM-1", "--json"],
                           monkeypatch, capsys)  # fmt: skip
    assert [r["product_rank"] for r in json.loads(out)["alternatives"]] == [1, 2, 3]


def test_no_suppliers_is_a_skip_with_the_reason(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    con = connect(db)
    _, summary = run_stage(con, get_settings(db_path=str(db)), STAGE, {"as_of": dt.date(2024, 1, 1)})
    con.close()
    assert summary["status"] == "skipped" and summary["reason_code"] == "suppliers.no_suppliers"
