"""The marketing stage and ``xborder ads | attribution | experiment`` on the Indian seller's real reports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.clirun import run_cli
from tests.conftest import shared_path
from tests.ingest.helpers import ingest
from xborder.core import i18n
from xborder.core.settings import Settings
from xborder.domains.marketing.stage import STAGE
from xborder.pipeline.dossier import connection_query, dossier
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

IN_SELLER = ("amazon_ads_sponsored_products_reports", "india_inr_2020-02_umairnsr87")
TOTAL_SPEND = 47108.12  # each of the six reports sums to it (docs/ingest.md)


@pytest.fixture(scope="module")
def india(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = shared_path(*IN_SELLER)
    tmp = tmp_path_factory.mktemp("india")
    con = connect(tmp / "wh.duckdb")
    ingest(con, folder, None, tmp)
    con.close()
    con = connect(tmp / "wh.duckdb")
    lc = pd.DataFrame({"run_id": ["lc-run"], "product_id": ["amazon:B07PYFJ8NQ"], "market": ["IN"], "mode": ["air"],
                       "as_of": [pd.Timestamp("2020-02-01")], "currency": ["INR"], "price": [400.0],
                       "unit_margin": [200.0]})  # fmt: skip
    write_frame(con, "landed_costs", lc)
    con.execute(
        "INSERT INTO products (product_id, source, title) VALUES ('amazon:B07PYFJ8NQ', 'amazon', 'Oil')"
    )
    con.close()
    return tmp / "wh.duckdb"


@pytest.mark.shared_data
def test_stage_tables_break_even_and_dossier(india: Path) -> None:
    con = connect(india)
    try:
        run_id, summary = run_stage(con, Settings(db_path=str(india)), STAGE, STAGE.parse({}))
        m = read_rows(con, "ad_metrics", run_id)
        sug = read_rows(con, "ad_suggestions", run_id)
        rep = read_rows(con, "ad_rule_replay", run_id)
        kw = read_rows(con, "ad_keyword_matrix", run_id)
        budget = read_rows(con, "ad_budget", run_id).set_index("campaign")
        d = dossier(connection_query(con), run_id, "amazon:B07PYFJ8NQ", "IN")
    finally:
        con.close()
    assert summary["accounts"] == ["amazon.IN/INR"] and summary["products_with_break_even"] == 1
    # every grain but search terms (whose report lacks 275.89 of sales) sums to the reports' total spend and sales
    per = m.groupby("grain")[["spend", "sales"]].sum()
    assert per["spend"].round(2).eq(TOTAL_SPEND).all()
    assert per.drop(index="search_term")["sales"].round(2).eq(71129.81).all()
    prod = m[(m["grain"] == "product") & (m["product_id"] == "amazon:B07PYFJ8NQ")].iloc[0]
    assert prod["break_even_acos"] == pytest.approx(0.5)  # margin 200 / price 400
    assert (round(prod["spend"], 2), round(prod["sales"], 2)) == (18550.21, 19686.37)
    # suggestions in the break-even product's ad groups use its target; the others the 35% default
    assert {"break_even", "default"} <= set(sug["target_source"])
    assert sug.loc[sug["target_source"] == "break_even", "target_acos"].eq(0.5).all()
    row = sug.iloc[0]
    assert row["money_at_stake"] == sug["money_at_stake"].max()
    assert f"{row['money_at_stake']:,.2f} INR" in row["text_en"]
    assert any(w in row["text_zh"] for w in ("涉及金额", "空间"))
    assert set(rep["grain"]) == {"campaign", "keyword"} and set(rep["min_clicks"]) == {10, 30, 100}
    # the budget's profit change: the Sunscreen campaign advertises only the product with a landed cost
    sun = budget.loc["Sunscreen || SP || Generic || 24th Nov'19"]
    assert (sun["status"], sun["margin_source"], sun["margin_share"]) == ("fitted", "break_even", 0.5)
    assert sun["expected_daily_profit_change"] == pytest.approx(0.5 * sun["expected_daily_sales_change"])
    # both sunscreen campaigns advertise only it; the others have no margin (no transaction report, no ceiling)
    sources = budget["margin_source"].fillna("unknown")
    assert sources[sources != "unknown"].index.str.startswith("Sunscreen").tolist() == [True, True]
    sec = d["sections"]["marketing"]
    assert sec["advertised"] and sec["break_even_acos"] == pytest.approx(0.5)
    assert sec["acos"] == pytest.approx(18550.21 / 19686.37, rel=1e-6)
    assert sec["note"]["code"] == "marketing.above_break_even"
    weeks = sec["acos_by_week"]
    assert (
        sum(w["spend"] for w in weeks) == pytest.approx(18550.21)
        and weeks[-1]["week"].isoformat() == "2020-01-27"  # newest first: the report's page shows 12 rows
        and [w["week"] for w in weeks] == sorted((w["week"] for w in weeks), reverse=True)
    )
    assert all(w["acos_note"] == ("no_sales" if w["spend"] > 0 and not w["sales"] else None) for w in weeks)
    # the product's keyword matrix: its terms counted, the 12 with most spend shown with their calls
    mine = kw[(kw["product_id"] == "amazon:B07PYFJ8NQ") & (kw["market_code"] == "IN")]
    assert sec["keyword_terms"] == len(mine) > 12 and len(sec["keywords"]) == 12
    top = mine.sort_values(["spend", "clicks", "search_term"], ascending=[False, False, True]).iloc[0]
    assert (sec["keywords"][0]["search_term"], sec["keywords"][0]["spend"]) == (
        top["search_term"],
        top["spend"],
    )
    assert [k["spend"] for k in sec["keywords"]] == sorted(
        (k["spend"] for k in sec["keywords"]), reverse=True
    )
    # the keyword-matrix chart: the whole matrix per tier × call, its totals the matrix's own
    cells = mine.groupby(["tier", "action"])["spend"].agg(["size", "sum"])
    assert {(c["tier"], c["action"]): c["terms"] for c in sec["keyword_mix"]} == cells["size"].to_dict()
    assert {(c["tier"], c["action"]): c["spend"] for c in sec["keyword_mix"]} == pytest.approx(
        cells["sum"].to_dict()
    )
    assert [c["tier"] for c in sec["keyword_mix"]] == sorted((c["tier"] for c in sec["keyword_mix"]),
                                                             key=("core", "scenario", "long_tail", "asin").index)  # fmt: skip
    # no reviews run knows this product: its review language is said to be unknown, with what would fill it
    assert (
        sec["review_terms"] == []
        and sec["messages"]["review_language"][0]["code"] == "marketing.dossier_review_none"
    )
    # the report's product page: the note as text in the page's language, not as a figure; the matrix a table
    from xborder.core.i18n import Translator
    from xborder.report.sections import generic_section

    page = generic_section("marketing", sec, Translator("zh"), "zh")
    assert i18n.render("marketing.dossier_review_none", "zh") in page["texts"]
    assert not any("review" in str(label) for label, _ in page["figures"])
    tables = dict(page["tables"])  # labels and code values in Chinese (marketing.field)
    assert list(tables[i18n.render("marketing.field.keyword_mix", "zh")]["head"])[:3] == [
        "层级",
        "建议",
        "搜索词数",
    ]
    assert ("广告花费", "18,550.2") in page["figures"]  # 18,550.21 INR


@pytest.mark.shared_data
def test_ads_commands_json(india: Path, monkeypatch, capsys) -> None:
    code, out, err = run_cli(
        ["--db", str(india), "ads", "metrics", "--by", "day", "--top", "40", "--json"], monkeypatch, capsys
    )
    assert code == 0, err
    days = json.loads(out)
    assert days["rows_total"] == 29 and round(sum(r["spend"] for r in days["rows"]), 2) == TOTAL_SPEND
    code, out, err = run_cli(["--db", str(india), "ads", "rules", "--run", "latest", "--action", "add_negative",
                              "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    rules = json.loads(out)
    assert rules["suggestions"] and {s["action"] for s in rules["suggestions"]} == {"add_negative"}
    assert all(s["orders"] == 0 and s["clicks"] >= 10 for s in rules["suggestions"])
    assert rules["note"].startswith("Bids are suggested per keyword and per weekday only, never per hour")
    code, out, err = run_cli(
        ["--db", str(india), "ads", "tacos", "--run", "latest", "--json"], monkeypatch, capsys
    )
    assert code == 0 and json.loads(out)["rows"] == []  # this seller shared no business report
    code, out, err = run_cli(["--db", str(india), "ads", "metrics", "--by", "asin"], monkeypatch, capsys)
    assert code == 2 and "--by asin: unknown grain" in out + err


def test_no_ads_is_said_and_exits_2(tmp_path: Path, monkeypatch, capsys) -> None:
    code, out, err = run_cli(["--db", str(tmp_path / "w.duckdb"), "ads", "metrics"], monkeypatch, capsys)
    assert code == 2 and i18n.render("marketing.no_ads", "en")[:40] in " ".join((out + err).split())


def test_attribution_and_experiment_commands(tmp_path: Path, monkeypatch, capsys) -> None:
    paths = tmp_path / "paths.csv"
    paths.write_text("path,conversions,nulls\nA,2,0\nB,1,0\nA > B,1,0\n", encoding="utf-8")
    code, out, err = run_cli(["attribution", str(paths), "--json"], monkeypatch, capsys)
    assert code == 0, err
    credit = {r["channel"]: r for r in json.loads(out)["credit"]}
    assert (credit["A"]["markov"], credit["A"]["markov_journey"], credit["A"]["shapley"]) == pytest.approx(
        (2.4, 2.6, 2.5)
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("journey,conversions\nA,1\n", encoding="utf-8")
    code, out, err = run_cli(["attribution", str(bad)], monkeypatch, capsys)
    said = "".join((out + err).split())
    assert code == 2 and "bad.csv:Attributionpathsneedthecolumn(s)path" in said
    code, out, err = run_cli(
        ["experiment", "size", "--baseline", "0.2", "--target", "0.25", "--json"], monkeypatch, capsys
    )
    assert code == 0 and json.loads(out)["per_arm"] == 1092
    code, out, err = run_cli(["experiment", "bounds", "--looks", "5", "--json"], monkeypatch, capsys)
    assert [round(b, 3) for b in json.loads(out)["bounds"]] == [4.562, 3.226, 2.634, 2.281, 2.040]
    code, out, err = run_cli(["experiment", "analyze", "--control", "1000,200,5000", "--variant", "1000,250,6000",
                              "--look", "3", "--json"], monkeypatch, capsys)  # fmt: skip
    res = json.loads(out)
    assert code == 0 and res["significant"] and "false-positive rate is about 11%" in res["warnings_en"][0]
    code, out, err = run_cli(
        ["experiment", "analyze", "--control", "1000,x,5", "--variant", "1,1,1"], monkeypatch, capsys
    )
    assert code == 2 and "expected visitors,conversions,revenue" in out + err


def test_tacos_and_funnel_commands_on_a_hand_made_warehouse(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    days = pd.to_datetime(["2024-03-04", "2024-03-05"])
    ads = pd.DataFrame({"row_key": ["a1", "a2"], "source": "amazon_ads", "report_type": "campaign",
                        "marketplace_id": "amazon.US", "market_code": "US", "period": "day", "period_start": days,
                        "period_end": days, "campaign": "c", "impressions": [1000.0, 800.0], "clicks": [20.0, 10.0],
                        "spend": [12.0, 8.0], "orders": [2.0, 1.0], "sales": [60.0, 30.0], "currency": "USD"})  # fmt: skip
    traffic = pd.DataFrame({"row_key": ["t1", "t2", "t3"], "source": ["amazon_business_report_by_date"] * 2
                            + ["amazon_business_report_by_asin"], "marketplace_id": "amazon.US", "market_code": "US",
                            "listing_id": [None, None, "amazon.US:B1"], "period": ["day", "day", "unstated"],
                            "period_start": [days[0], days[1], None], "period_end": [days[0], days[1], None],
                            "sessions": [500.0, 400.0, 250.0], "page_views": [700.0, 600.0, 300.0],
                            "order_items": [10.0, 8.0, 5.0], "units_ordered": [11.0, 8.0, 6.0],
                            "ordered_sales": [200.0, 160.0, 100.0], "currency": "USD"})  # fmt: skip
    write_frame(con, "ad_performance", ads)
    write_frame(con, "listing_traffic", traffic)
    con.close()
    code, out, err = run_cli(
        ["--db", str(db), "ads", "tacos", "--period", "day", "--json"], monkeypatch, capsys
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [round(r["tacos"], 4) for r in rows] == [0.06, 0.05]  # 12 / 200, 8 / 160
    code, out, err = run_cli(
        ["--db", str(db), "ads", "funnel", "--run", "latest", "--json"], monkeypatch, capsys
    )
    assert code == 0, err
    (row,) = json.loads(out)["rows"]
    assert (row["listing_id"], row["views_per_session"], row["order_rate"], row["unit_session"]) == (
        "amazon.US:B1",
        1.2,
        0.02,
        0.024,
    )


def test_acos_with_spend_and_no_sales_is_said_not_left_blank() -> None:
    from xborder.cli.ads import _acos

    # the Indian seller's campaign replay, no orders after 30 clicks: 1,932 INR saved, no sales at risk
    assert (_acos(None, 1932.0), _acos(float("nan"), 98.77), _acos(None, 0.0), _acos(0.74, 10.0)) == (
        "no sales", "no sales", "", "74%")  # fmt: skip


def test_weekly_acos_says_no_sales_where_money_was_spent() -> None:
    from datetime import date

    from xborder.domains.marketing.dossier import weekly_acos

    # the bathmat washroom mat's first days (advertised product report): spend and no ad sales
    days = [{"period_start": date(2019, 8, 18), "spend": 1.29, "sales": 0.0, "clicks": 2},
            {"period_start": date(2019, 8, 19), "spend": 1.90, "sales": 39.99, "clicks": 4},
            {"period_start": date(2019, 8, 26), "spend": 0.0, "sales": 0.0, "clicks": 0}]  # fmt: skip
    w = weekly_acos(days)
    assert [(r["week"].isoformat(), r["acos_note"]) for r in w] == [
        ("2019-08-12", "no_sales"), ("2019-08-19", None), ("2019-08-26", None)]  # fmt: skip
    assert w[1]["acos"] == pytest.approx(1.90 / 39.99) and w[0]["acos"] is None
