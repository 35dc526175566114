"""The whole run on a small real warehouse: every stage that is installed, all three files in both languages."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from tests.pipeline.conftest import finished_small_run
from typer.testing import CliRunner

from xborder.cli.main import app
from xborder.report import report_files
from xborder.warehouse import connect

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]
HAS_POPPLER = shutil.which("pdftotext") is not None


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One full run over the small real warehouse (made once per session; this module has its own copy)."""
    return finished_small_run(tmp_path_factory, "e2e")


def _file(result: dict, lang: str, fmt: str) -> Path:
    entry = next(f for f in result["files"] if f["lang"] == lang and f["format"] == fmt)
    assert entry["status"] == "ok", entry
    return Path(entry["path"])


def test_every_stage_ran_or_says_why_not(finished_run: dict) -> None:
    res = finished_run["result"]
    assert res["status"] == "ok"
    for name, rec in res["stages"].items():
        assert rec["status"] in {"ok", "skipped"}, (name, rec)
        if rec["status"] == "skipped":
            assert rec["reason"], name
        else:
            assert rec["seconds"] >= 0 and rec["finished_at"] >= rec["started_at"]
    assert res["stages"]["ingest"]["status"] == "skipped"  # no --data: the warehouse as it is


def test_three_files_in_both_languages_are_recorded(finished_run: dict) -> None:
    res = finished_run["result"]
    assert {(f["lang"], f["format"]) for f in res["files"]} == {
        (lang, fmt) for lang in ("en", "zh") for fmt in ("html", "pdf", "xlsx")
    }
    con = connect(finished_run["db"], read_only=True)
    recorded = report_files(con, res["run_id"])
    con.close()
    assert {(r["lang"], r["format"], r["status"]) for r in recorded} == {
        (lang, fmt, "ok") for lang in ("en", "zh") for fmt in ("html", "pdf", "xlsx")
    }
    for r in recorded:
        assert Path(r["path"]).stat().st_size == r["bytes"] > 1000


def test_html_is_self_contained_and_names_the_run(finished_run: dict) -> None:
    res = finished_run["result"]
    for lang, title in (("en", "Product selection report"), ("zh", "选品报告")):
        html = _file(res, lang, "html").read_text(encoding="utf-8")
        assert title in html and res["run_id"] in html
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html), "external resource"
        assert "Plotly.newPlot" in html or "plotly" in html.lower()


def test_workbook_holds_the_real_warehouse_numbers(finished_run: dict) -> None:
    res = finished_run["result"]
    con = connect(finished_run["db"], read_only=True)
    n_lines = con.execute("SELECT count(*) FROM order_lines").fetchone()[0]
    opps = (
        con.execute(
            "SELECT product_id, market, score FROM opportunities WHERE run_id = ? ORDER BY rank LIMIT 1",
            [res["run_id"]],
        ).fetchall()
        if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name='opportunities'"
        ).fetchone()[0]
        else []
    )
    monthly = None
    if opps:
        pid, mkt, _ = opps[0]
        monthly = con.execute(
            "SELECT date_trunc('month', ordered_at)::DATE AS ds, sum(quantity) AS y FROM order_lines "
            "WHERE product_id = ? AND country = ? AND status = 'sold' GROUP BY 1 ORDER BY 1",
            [pid, mkt],
        ).df()
    con.close()
    for lang in ("en", "zh"):
        wb = load_workbook(_file(res, lang, "xlsx"), read_only=True)
        assert {"run", "stages", "coverage", "opportunities", "forecasts", "demand_history"} <= set(
            wb.sheetnames
        )
        cov = {r[0]: r[1] for r in wb["coverage"].iter_rows(min_row=2, values_only=True)}
        assert cov["order_lines"] == n_lines
        stages = {r[0]: r[1] for r in wb["stages"].iter_rows(min_row=2, values_only=True)}
        assert stages["report"] in {"ok", "running"} and set(res["stages"]) <= set(stages)
        wb.close()
    if opps:
        hist = pd.read_excel(_file(res, "en", "xlsx"), sheet_name="demand_history")
        top = hist[(hist["product_id"] == opps[0][0]) & (hist["market"] == opps[0][1])]
        if len(top) and len(monthly):
            assert top["y"].sum() == pytest.approx(monthly["y"].sum())
        html = _file(res, "en", "html").read_text(encoding="utf-8")
        assert f"{opps[0][2]:.3f}"[:4] in html


def test_each_page_with_a_forecast_says_why_its_model_was_chosen(finished_run: dict) -> None:
    """Every choice reason the demand stage wrote is one the page can put in words (none falls through to the
    raw text), and the page's note names the model the warehouse recorded for its series."""
    from xborder.report.model_note import _rule

    res = finished_run["result"]
    con = connect(finished_run["db"], read_only=True)
    rows = con.execute(
        "SELECT o.rank, s.model, s.reason FROM opportunities o JOIN forecast_series s "
        "ON s.unique_id = o.product_id || '|' || o.market AND s.run_id = o.run_id "
        "WHERE o.run_id = ? AND o.rank <= 10 ORDER BY o.rank",
        [res["run_id"]],
    ).fetchall()
    reasons = [r[0] for r in con.execute("SELECT DISTINCT reason FROM forecast_series").fetchall()]
    con.close()
    assert reasons and all(_rule(r)[0] for r in reasons), reasons
    assert rows, "no top-10 pair has a forecast on the small real warehouse"
    page = html.unescape(_file(res, "en", "html").read_text(encoding="utf-8"))
    for _, model, _reason in rows:
        assert f"Why this model: {model}" in page


@pytest.mark.skipif(not HAS_POPPLER, reason="pdftotext (poppler-utils) is not installed")
def test_pdfs_have_text_and_chinese_glyphs(finished_run: dict) -> None:
    res = finished_run["result"]
    zh_pdf = _file(res, "zh", "pdf")
    text = subprocess.run(["pdftotext", str(zh_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "选品报告" in text and res["run_id"] in text.replace("\n", "")
    # Chromium embeds fonts without names, so check the font the CSS asks for is the one fontconfig uses.
    match = subprocess.run(
        ["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True, check=False
    ).stdout
    assert "NotoSansCJK" in match, f"fonts-noto-cjk is not installed: {match!r}"
    if res["stages"]["selection"]["status"] == "ok":
        assert "各因素贡献" in text  # chart titles are text in the PDF too (vector charts)
    en_text = subprocess.run(
        ["pdftotext", str(_file(res, "en", "pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Top opportunities" in en_text and "Data sources and their dates" in en_text


def test_report_command_rerenders_an_earlier_run(finished_run: dict, tmp_path: Path) -> None:
    res = finished_run["result"]
    db = tmp_path / "copy.duckdb"
    shutil.copy(finished_run["db"], db)
    out = tmp_path / "again"
    cli = CliRunner().invoke(
        app, ["--db", str(db), "--json", "report", "--run", res["run_id"], "--lang", "zh", "--out", str(out)]
    )
    assert cli.exit_code == 0, cli.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted(f"xborder-report_{res['run_id']}.zh.{x}" for x in ("html", "pdf", "xlsx"))
    html = (out / f"xborder-report_{res['run_id']}.zh.html").read_text(encoding="utf-8")
    assert "选品报告" in html


def test_report_without_chromium_still_writes_html_and_excel(
    finished_run: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XBORDER_CHROMIUM", str(tmp_path / "no-such-browser"))
    db = tmp_path / "copy.duckdb"
    shutil.copy(finished_run["db"], db)
    from xborder.report import render_report

    con = connect(db)
    files = render_report(con, finished_run["result"]["run_id"], langs=["en"], out=tmp_path / "r")
    rows = report_files(con, finished_run["result"]["run_id"])
    con.close()
    by_fmt = {f["format"]: f for f in files}
    assert by_fmt["html"]["status"] == by_fmt["xlsx"]["status"] == "ok"
    assert by_fmt["pdf"]["status"] == "missing" and "no Chromium" in by_fmt["pdf"]["message"]
    assert any(r["format"] == "pdf" and r["status"] == "missing" for r in rows if r["lang"] == "en")
    html = Path(by_fmt["html"]["path"]).read_text(encoding="utf-8")
    assert "The PDF was not produced" in html
