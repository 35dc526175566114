"""The customers stage and `xborder customers ...` on a hand-made warehouse: tables, dossier section, --json,
and what is said when orders carry no customer keys."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.clirun import run_cli
from xborder.core import i18n
from xborder.core.settings import get_settings
from xborder.domains.customers.stage import STAGE
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_stage
from xborder.schema import table
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

# (source, order, day, customer, product, country, marketplace, quantity, unit price, status)
ORDERS = [
    ("shop", "o1", "2024-01-03", "k-anna", "shop:mug", "DE", "shop.DE", 2, 10.0, "sold"),
    ("shop", "o2", "2024-02-10", "k-anna", "shop:mug", "DE", "shop.DE", 1, 10.0, "sold"),
    ("shop", "o3", "2024-03-28", "k-anna", "shop:tea", "DE", "shop.DE", 3, 4.0, "sold"),
    ("shop", "o4", "2024-01-20", "k-ben", "shop:mug", "DE", "shop.DE", 1, 10.0, "sold"),
    ("shop", "o5", "2024-01-22", "k-ben", "shop:mug", "DE", "shop.DE", 1, 10.0, "cancelled"),
    ("shop", "o6", "2024-02-14", "k-cleo", "shop:tea", "FR", "shop.FR", 5, 4.0, "sold"),
    ("shop", "o7", "2024-03-30", "k-cleo", "shop:mug", "FR", "shop.FR", 1, 12.0, "sold"),
    ("shop", "o8", "2024-03-31", None, "shop:mug", "DE", "shop.DE", 1, 10.0, "sold"),
    ("amz", "a1", "2024-03-01", None, "amz:B0001", "US", "amazon.US", 4, 20.0, "sold"),
    ("amz", "a2", "2024-03-02", None, "amz:B0001", "US", "amazon.US", 1, 20.0, "sold"),
]


def _warehouse(path: Path, rows: list[tuple]) -> Path:
    cols = ["source", "order_id", "ordered_at", "customer_key", "product_id", "country", "marketplace_id",
            "quantity", "unit_price", "status"]  # fmt: skip
    df = pd.DataFrame(rows, columns=cols)
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    df["line_key"] = df["source"] + ":" + df["order_id"]
    df["currency"] = df["source"].map({"shop": "EUR", "amz": "USD"})
    con = connect(path)
    write_frame(con, table("order_lines"), df)
    con.execute("INSERT INTO products (product_id, source, title) VALUES ('shop:mug', 'shop', 'Mug')")
    con.close()
    return path


def test_stage_writes_the_tables_and_the_dossier_section(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "w.duckdb", ORDERS)
    con = connect(db)
    run_id, summary = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    assert summary["customers"] == 3 and summary["repeat_customers"] == 2  # anna (3 days), cleo (2), ben (1)
    models = read_rows(con, "customer_models", run_id).set_index("source")
    assert (
        models.loc["amz", "status"] == "no_customer_keys"
        and models.loc["shop", "status"] == "too_few_customers"
    )
    assert "Amazon order reports hide the buyer" in models.loc["amz", "notes_en"]
    assert "亚马逊" in models.loc["amz", "notes_zh"] and "amazon" in models.loc["amz", "notes_en"]
    assert (
        "86% of sold order lines carry a customer key" in models.loc["shop", "notes_en"]
    )  # 6 of 7 sold lines
    scores = read_rows(con, "customer_scores", run_id).set_index("customer_key")
    assert sorted(scores.index) == ["k-anna", "k-ben", "k-cleo"]  # pseudonymous keys as stored, never raw ids
    assert scores.loc["k-ben", "total_value"] == 0.0  # sold 10, cancelled 10
    assert scores.loc["k-anna", ["purchases", "recency_days", "total_value"]].tolist() == [3, 3, 42.0]
    assert scores["p_alive"].isna().all()  # too few customers for the models: RFM and cohorts only
    cohorts = read_rows(con, "customer_cohorts", run_id)
    jan = cohorts[(cohorts["market"] == "DE")].sort_values("months_since")
    assert jan["active_customers"].tolist() == [2, 1, 1] and jan["cohort_customers"].tolist() == [2, 2, 2]
    d = dossier(connection_query(con), run_id, "shop:mug", "DE")
    con.close()
    sec = d["sections"]["customers"]
    assert (sec["buyers"], sec["repeat_buyers"], sec["repurchase_rate"]) == (
        2,
        1,
        0.5,
    )  # anna twice, ben once
    assert sec["returning_rate"] == 0.5 and sec["currency"] == "EUR" and sec["stage"]["status"] == "ok"
    assert sum(s["buyers"] for s in sec["segment_mix"]) == 2 and len(sec["market_segments"]) == 4
    # the report's product page in Chinese: labels and segment names from customers.field
    from xborder.core.i18n import Translator
    from xborder.report.sections import generic_section

    page = generic_section("customers", sec, Translator("zh"), "zh")
    assert ("复购率", "0.500") in page["figures"] and ("买家", "2") in page["figures"]
    mix = dict(page["tables"])["各分群的买家"]
    assert list(mix["head"])[0] == "分群" and {r[0] for r in mix["rows"]} == {
        "高价值",
        "潜力",
        "流失风险",
        "已流失",
    }


def test_orders_without_customer_keys_say_so(tmp_path: Path, monkeypatch, capsys) -> None:
    db = _warehouse(tmp_path / "amz.duckdb", [r for r in ORDERS if r[0] == "amz"])
    code, out, err = run_cli(["--db", str(db), "customers", "rfm", "--json"], monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["segments"] == [] and data["data_support"] == i18n.render("customers.data_support", "en")
    assert data["notes"] == [
        i18n.render("customers.no_customer_keys", "en", source="amz", lines=2, platforms="amazon")
    ]
    con = connect(db, read_only=True)
    stages = con.execute("SELECT stages FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    con.close()
    rec = json.loads(stages) if isinstance(stages, str) else stages
    assert rec["customers"]["status"] == "skipped" and "hide the buyer" in rec["customers"]["reason"]


def test_cli_json_of_the_three_commands(tmp_path: Path, monkeypatch, capsys) -> None:
    db = _warehouse(tmp_path / "w.duckdb", ORDERS)
    code, out, err = run_cli(
        ["--db", str(db), "customers", "rfm", "--market", "de", "--json"], monkeypatch, capsys
    )
    assert code == 0, err
    rfm = json.loads(out)
    assert {r["market"] for r in rfm["segments"]} == {"DE"} and sum(
        r["customers"] for r in rfm["segments"]
    ) == 2
    chart = tmp_path / "charts" / "cohorts.html"
    code, out, err = run_cli(["--db", str(db), "customers", "cohorts", "--run", "latest", "--chart", str(chart),
                              "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    coh = json.loads(out)
    first = [r for r in coh["cohorts"] if r["cohort_month"].startswith("2024-01")]
    assert [r["retention"] for r in first] == [1.0, 0.5, 0.5] and coh["run_id"] == rfm["run_id"]
    assert chart.is_file() and '"type":"heatmap"' in chart.read_text(encoding="utf-8")
    code, out, err = run_cli(
        ["--db", str(db), "customers", "clv", "--horizon-days", "90", "--json"], monkeypatch, capsys
    )
    assert code == 0, err
    clv = json.loads(out)
    shop = next(m for m in clv["models"] if m["source"] == "shop")
    assert shop["status"] == "too_few_customers" and shop["r"] is None
    assert any("lifetime value needs at least 100 and 20" in n for n in clv["notes"])
    assert {r["horizon_days"] for r in clv["segments"]} == {90}


def test_no_orders_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(["--db", str(tmp_path / "empty.duckdb"), "customers", "clv"], monkeypatch, capsys)
    assert code == 2 and "No sold order lines in the warehouse" in err
    code, _, err = run_cli(["--db", str(tmp_path / "empty.duckdb"), "customers", "rfm", "--run", "latest"],
                           monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "No customers run" in err
