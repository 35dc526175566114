"""The launch stage inside a whole run on a small real warehouse: the scorecard, its report panels, the brief."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.pipeline.conftest import finished_small_run
from xborder.core.settings import get_settings
from xborder.domains.launch.kpis import KPIS

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The session's whole run on the small real warehouse (shared with tests/pipeline), on a private copy."""
    run = finished_small_run(tmp_path_factory, "launch-run")
    return {**run, "run_id": run["result"]["run_id"]}


def test_scorecard_of_the_run(finished: dict) -> None:
    import duckdb

    assert finished["result"]["stages"]["launch"]["status"] == "ok"
    con = duckdb.connect(str(finished["db"]), read_only=True)
    try:
        card = con.execute("SELECT * FROM kpi_scorecard WHERE run_id = ?", [finished["run_id"]]).df()
        wape = con.execute(
            "SELECT median(wape) FROM forecast_accuracy WHERE run_id = ? AND level = 'product_market' "
            "AND model = 'Chosen' AND wape IS NOT NULL",
            [finished["run_id"]],
        ).fetchall()[0][0]
        picks = con.execute(  # the run's own selection (opportunities.margin_pct is in % of price)
            "SELECT median(margin_pct) / 100, count(margin_pct) FROM opportunities WHERE status = 'ranked' "
            "AND run_id = ?",
            [finished["run_id"]],
        ).fetchall()[0]
    finally:
        con.close()
    by = card.set_index("kpi")
    assert len(card) == 14
    if wape is None:
        assert by.loc["forecast_accuracy", "missing"].startswith("the demand stage")
    else:
        assert by.loc["forecast_accuracy", "value"] == pytest.approx(1 - wape)
    assert (
        by.loc["selection_success_rate", "value"] != by.loc["selection_success_rate", "value"]
    )  # NaN: no launch
    risk = by.loc[
        "risk_detection_hours"
    ]  # UCI's 2010-2011 sales: whatever the run flags is history, not live
    assert risk["value"] != risk["value"]
    assert risk["missing"].startswith("risk events with both dates that reached xborder live")
    assert risk["data_used"].startswith("risk_events: 0 live events with both dates of ")
    gm = by.loc["gross_margin_picks"]  # the picks' planned margin, not the median over every assessed pair
    if picks[1]:
        assert gm["value"] == pytest.approx(picks[0])
        assert gm["data_used"].startswith(f"opportunities, landed_costs: {picks[1]} picks with a margin of ")
        assert "assessed product x market pairs (landed_costs, not the picks): median" in gm["data_used"]
    else:
        assert gm["value"] != gm["value"]  # NaN: no pick with a margin


def card_text(finished: dict) -> list[str]:
    """The stored English "Data used" texts of the run's scorecard, in KPI order."""
    import duckdb

    con = duckdb.connect(str(finished["db"]), read_only=True)
    try:
        rows = con.execute(
            "SELECT data_used FROM kpi_scorecard WHERE run_id = ?", [finished["run_id"]]
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_report_panels_in_both_languages(finished: dict) -> None:
    import duckdb

    from xborder.domains.launch.report import report_panels

    con = duckdb.connect(str(finished["db"]), read_only=True)
    try:
        en = report_panels(con, finished["run_id"], "en")
        zh = report_panels(con, finished["run_id"], "zh")
    finally:
        con.close()
    assert [p.key for p in en] == ["launch.kpis", "launch.outcomes", "launch.replay"]
    assert zh[0].title == "关键指标记分卡" and zh[0].missing is None
    table = zh[0].tables[0][1]
    assert len(table) == 14 and "指标" in table.columns
    # the "Data used" column in Chinese: the tables the KPI read, then no English word (SKU is the unit)
    import re

    tables = sorted({t for k in KPIS for t in k.needs} | {"SKU"}, key=len, reverse=True)
    for cell in table["所用数据"]:
        words = re.findall(r"[A-Za-z]+", functools.reduce(lambda s, t: s.replace(t, ""), tables, cell))
        assert not words, cell
    assert list(en[0].tables[0][1]["Data used"]) == list(card_text(finished))
    assert en[1].missing.startswith("No launched project yet")


def test_brief_in_english_and_chinese(finished: dict, tmp_path: Path) -> None:
    import duckdb

    from xborder.cli.main import app

    con = duckdb.connect(str(finished["db"]), read_only=True)
    try:
        pid, market, title = con.execute(
            "SELECT product_id, market, title FROM opportunities WHERE run_id = ? AND rank = 1",
            [finished["run_id"]],
        ).fetchall()[0]
    finally:
        con.close()
    out = tmp_path / "brief"
    res = CliRunner().invoke(
        app, ["--db", str(finished["db"]), "brief", pid, market, "--no-pdf", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    en = (out / f"brief_{pid.replace(':', '_')}_{market}.en.html").read_text(encoding="utf-8")
    zh = (out / f"brief_{pid.replace(':', '_')}_{market}.zh.html").read_text(encoding="utf-8")
    assert f"Product brief — {title} for {market}" in en.replace("&#x27;", "'")
    assert "产品开发说明书" in zh and "需求预测及其 80% 区间" in zh
    assert "Landed cost and margin" in en and "sea_lcl" in en
    # table headings in the brief's language, not the warehouse's column names
    assert "<th>landed cost</th>" in en and "<th>到岸成本</th>" in zh and "<th>landed_cost</th>" not in zh
    shutil.rmtree(out)


def test_trend_table_once_a_second_launch_run_exists(finished: dict, tmp_path: Path) -> None:
    from xborder.domains.launch.report import report_panels
    from xborder.domains.launch.stage import STAGE
    from xborder.pipeline.runner import run_stage
    from xborder.warehouse import connect

    db = tmp_path / "copy.duckdb"
    shutil.copy(finished["db"], db)
    con = connect(db)
    try:
        assert (
            len(report_panels(con, finished["run_id"], "en")[0].tables) == 1
        )  # one launch run: no trend yet
        second, _ = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
        panel = report_panels(con, second, "zh")[0]
        first_only = report_panels(con, finished["run_id"], "en")[0]
        known = con.execute(
            "SELECT value IS NOT NULL FROM kpi_scorecard WHERE run_id = ? AND kpi = 'selection_success_rate_backtest'",
            [finished["run_id"]],
        ).fetchone()[0]
    finally:
        con.close()
    caption, trend = panel.tables[1]
    assert caption == "关键指标历次运行趋势" and len(trend) == 14
    row = trend.set_index("指标").loc["选品成功率（回测）"]
    assert row["已知运行次数"] == ("2 / 2" if known else "0 / 2")  # the same inputs, scored twice
    assert len(first_only.tables) == 1  # the first run's report does not see the later run


JUDGED_PAIRS = """
WITH s AS (
    SELECT product_id, country, date_trunc('month', ordered_at) AS m FROM order_lines
    WHERE status = 'sold' AND coalesce(is_product, TRUE) AND quantity > 0
      AND product_id IS NOT NULL AND country IS NOT NULL
), b AS (SELECT min(m) AS lo, max(m) AS hi FROM s),
f AS (SELECT product_id, country, min(m) AS fm FROM s GROUP BY ALL)
SELECT count(*) FILTER (WHERE fm + INTERVAL 5 MONTH <= hi - INTERVAL 1 MONTH), count(*) FROM f, b WHERE fm > lo
"""
"""Pairs first sold after the data's first month: judged (6-month window ended before the partial last month), all."""


def test_replayed_launches_of_the_run(finished: dict) -> None:
    import duckdb

    from xborder.domains.launch.report import report_panels

    con = duckdb.connect(str(finished["db"]), read_only=True)
    try:
        judged, launched = con.execute(JUDGED_PAIRS).fetchone()
        rows = con.execute("SELECT * FROM launch_replay WHERE run_id = ?", [finished["run_id"]]).df()
        card = con.execute(
            "SELECT kpi, value, data_used FROM kpi_scorecard WHERE run_id = ?", [finished["run_id"]]
        ).df()
        zh = report_panels(con, finished["run_id"], "zh")[2]
    finally:
        con.close()
    every = rows.set_index("launch_group").loc["all"]
    assert every["launches"] == judged and every["launches"] + every["pending"] == launched
    assert every["home_market"] == "GB"  # the UCI retailer sells most at home
    by = card.set_index("kpi")
    assert by.loc["selection_success_rate_replay", "value"] == pytest.approx(every["picks_success_rate"])
    assert by.loc["forecast_accuracy_launches", "value"] == pytest.approx(1 - every["wape"])
    assert zh.title == "回放上市与权重重新拟合" and zh.missing is None
    table = zh.tables[0][1]
    assert table.iloc[0]["上市类别"] == "全部上市" and table.iloc[0]["已评判"] == f"{judged:,}"
    assert "至少需要 30 个" in zh.intro  # no projects: the refit says how many it needs
