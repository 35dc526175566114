"""Opportunity pages speak to a seller (issue 14): sources in words, empty sections say why and how to fill them,
the selection's risks and unknowns are shown, the top list says how many picks pass the gates."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from xborder.report.html import _missing, _named_series, _top_status, _unknowns, source_words
from xborder.report.messages import Translator
from xborder.report.render import run_target_margin


def _page(**kw: object) -> SimpleNamespace:
    base = {
        "product_id": "uci:23298",
        "market": "CH",
        "title": "SPOTTY BUNTING",
        "sources": {"demand": "history", "margin": "estimate", "compliance": "assessed", "voice": "none"},
        "unknowns": [],
        "selection_risks": [],
        "trends": pd.DataFrame(),
    }
    return SimpleNamespace(**(base | kw))


def _data(status: list[str], summary: dict | None = None) -> SimpleNamespace:
    stages = {"selection": {"status": "ok", "summary": summary or {}}} | {
        s: {"status": "ok"} for s in ("demand", "reviews", "landed_cost", "compliance")
    }
    return SimpleNamespace(opportunities=pd.DataFrame({"status": status}), stages=stages)


def test_factor_sources_are_named_in_a_sellers_words() -> None:
    assert source_words("forecasts | order_lines", "en") == "demand forecast | your order history"
    assert (
        source_words("landed_costs × expected units − compliance_summary − settings.launch_cost", "en")
        == "landed-cost calculation × expected units − compliance cost − launch cost (setting)"
    )
    assert source_words("products.title | listings", "zh") == "产品标题 | 平台在售商品"
    assert source_words("a_new_table", "en") == "a_new_table"  # no wording yet: kept as it is


def test_an_empty_section_says_why_and_how_to_fill_it() -> None:
    data, tr = _data(["ranked"]), Translator("en")
    page = _page()
    assert _missing(data, "pains", tr, page) == (
        "No reviews of this product or its category in the warehouse, so no customer pain points. "
        "To add them: xborder ingest <reviews file>, then xborder reviews analyze."
    )
    assert _missing(data, "demand", tr, page).startswith("No statistical forecast for this product in CH")
    no_comp = _page(sources={"compliance": "none"})
    assert _missing(data, "compliance", tr, no_comp) == (
        "Compliance not checked for CH. To check it: xborder compliance run --market CH."
    )
    assert (
        _missing(data, "compliance", tr, page) == "No compliance requirement recorded for this product in CH."
    )


def test_unknowns_render_the_selection_messages_with_their_command() -> None:
    msg = {
        "code": "selection.missing.compliance",
        "args": {"market": "DE", "command": "xborder compliance run --market DE"},
    }
    page = _page(unknowns=json.loads(json.dumps([msg])))
    assert _unknowns(page, "en") == [
        "compliance: not checked for DE — fill: xborder compliance run --market DE"
    ]


def test_trend_series_are_named_not_ids() -> None:
    trends = pd.DataFrame(
        {"unique_id": ["uci:23298|CH", "cat:party_seasonal|CH", "other|CH"], "signal": "yoy"}
    )
    out = _named_series(_page(trends=trends), Translator("en"))
    assert out["unique_id"].tolist() == ["SPOTTY BUNTING (CH)", "category party_seasonal (CH)", "other|CH"]


def test_the_top_list_says_how_many_pass_every_gate_and_the_report_keeps_the_runs_margin_gate() -> None:
    summary = {"profile_settings": {"min_margin_pct": 25.0, "min_demand_6m": 30.0}, "home_markets": ["GB"]}
    data = _data(["ranked"] * 2 + ["gated"] * 3 + ["not_assessed"] * 4 + ["home_baseline"], summary)
    text = _top_status(data, Translator("en"))
    assert text.startswith(
        "2 of 5 assessed foreign candidates pass every gate (margin ≥ 25% after landed cost"
    )
    assert "4 candidates whose demand, margin or compliance is unknown" in text
    assert "1 pairs in the home market (GB)" in text
    assert run_target_margin(data) == 0.25
    assert run_target_margin(_data(["ranked"])) == 0.25  # no gate recorded: the settings' default
    assert run_target_margin(_data(["ranked"], {"profile_settings": {"min_margin_pct": 40}})) == 0.40


def test_the_backtest_is_reported_in_money_per_method(tmp_path) -> None:
    from xborder.domains.selection.tables import SELECTION_BACKTEST
    from xborder.report.data import _backtest
    from xborder.warehouse import connect
    from xborder.warehouse.tables import write_frame

    rows = pd.DataFrame(
        {
            "run_id": "r",
            "cutoff": ["2011-03", "2011-04"] * 2,
            "candidates": 100,
            "k": 20,
            "method": ["xborder", "xborder", "best_sellers", "best_sellers"],
            "success": [0.8, 0.9, 0.6, 0.7],
            "revenue_next": [1000.0, 3000.0, 2500.0, 2500.0],
            "gross_profit_next": [-100.0, 300.0, -900.0, -700.0],
            "units_next": [10.0, 30.0, 25.0, 25.0],
            "profitable": [0.05, 0.15, 0.0, 0.0],
            "grew": [0.5, 0.5, 0.2, 0.4],
            "profit_currency": "GBP",
        }
    )
    con = connect(tmp_path / "w.duckdb")
    try:
        write_frame(con, SELECTION_BACKTEST, rows)
        bt = _backtest(con, "r")
    finally:
        con.close()
    money = bt["money"].set_index("method")
    assert (
        money.at["xborder", "revenue_next"] == 2000.0 and money.at["best_sellers", "revenue_next"] == 2500.0
    )
    assert (
        money.at["xborder", "gross_profit_next"] == 100.0
        and money.at["best_sellers", "gross_profit_next"] == -800.0
    )
    assert money.at["xborder", "profitable"] == pytest.approx(0.10) and bt["currency"] == "GBP"
    text = Translator("en")(
        "backtest_money", k=20, revenue="2,000", best_revenue="2,500", profit="100", best_profit="-800",
        profitable="10%", currency="GBP",
    )  # fmt: skip
    assert text.startswith(
        "In money, per cutoff: the top 20 picks sold 2,000 GBP in the next 6 months against 2,500 GBP"
    )


def test_a_research_run_says_its_numbers_are_estimates_and_long_titles_are_cut() -> None:
    from xborder.report.html import short_title

    data = _data(["ranked"] * 3, {"mode": "research", "profile_settings": {"min_margin_pct": 25.0}})
    text = _top_status(data, Translator("en"))
    assert text.startswith("Research-only start: the warehouse holds no own sales, so these 3 candidates")
    assert "margin and profit gates are open" in text
    long = "Apple iPad con chip A16: display Liquid Retina da 11'', 128 GB, Wi-Fi 6, fotocamera frontale e posteriore"
    assert short_title(long) == "Apple iPad con chip A16: display Liquid Retina da 11'', 128 GB, Wi-Fi 6…"
    assert short_title("SPOTTY BUNTING") == "SPOTTY BUNTING"


def test_factor_units_are_shown_in_the_reports_language() -> None:
    from xborder.core import i18n
    from xborder.domains.selection.factors import FACTORS
    from xborder.report.html import _label_factors

    for f in FACTORS:  # the catalogue's English unit is the declared one, and every factor has a Chinese one
        assert i18n.render(f"selection.unit.{f.name}", "en") == f.unit
        assert i18n.has(f"selection.unit.{f.name}", "zh")
    frame = pd.DataFrame({"factor": ["demand_6m", "a_new_factor"], "unit": ["units / 6 months", "widgets"]})
    assert _label_factors(frame, "zh")["unit_label"].tolist() == ["件 / 6个月", "widgets"]
    assert source_words("landed_costs × expected units", "zh") == "到岸成本计算 × 预期销量"


def test_landed_cost_notes_are_rendered_from_their_codes_in_the_reports_language() -> None:
    from xborder.report.html import landed_notes

    codes = json.dumps(
        [
            {"code": "landed_cost.unit_cost_estimated", "args": {"share": 0.35}},
            {"code": "landed_cost.dims_from_defaults", "args": {}},
        ]
    )
    assert (
        landed_notes(codes, "en")
        == "unit cost estimated as 35% of the home price; weight/dims from category defaults"
    )
    assert landed_notes(codes, "zh").startswith("单位成本按本国市场价格的35%估算")
    assert landed_notes("", "zh") == "" and landed_notes("not json", "en") == ""


def test_the_landed_cost_section_names_the_channel_and_why_the_lists_margin_differs() -> None:
    """The page says which sales channel the fees are for (and, in English, why it was assumed), and when the
    list's margin counts a shipment shared with the other picks, why it differs from the stand-alone costs."""
    from types import SimpleNamespace

    from xborder.report.html import _channel_text, _shared_freight_note
    from xborder.report.messages import Translator

    mode = {"channel": "b2b_wholesale", "channel_rules": "WH-DAYS-EU|WH-VAT-NET",
            "channel_basis": "channel b2b_wholesale assumed: the median order holds 45 units"}  # fmt: skip
    en, zh = _channel_text(mode, "en"), _channel_text(mode, "zh")
    assert "b2b_wholesale" in en and "WH-DAYS-EU|WH-VAT-NET" in en and "median order holds 45 units" in en
    assert "销售渠道" in zh and "median" not in zh
    assert _channel_text({"channel": ""}, "en") == ""
    page = SimpleNamespace(extra={"margin": 51.0}, market="FR")
    note = _shared_freight_note(page, [{"margin_value": 0.44}, {"margin_value": -0.71}], Translator("en"))
    assert "51%" in note and "FR" in note and "shipped alone" in note
    same = SimpleNamespace(extra={"margin": 44.2}, market="FR")
    assert _shared_freight_note(same, [{"margin_value": 0.44}], Translator("en")) == ""


def test_other_domains_sections_show_labels_and_the_pairs_own_stress_result() -> None:
    """A dossier section without a layout of its own (risk, finance, logistics) reads in the page's language:
    labelled figures and columns, and a record of its own (risk's `stress`: this pair's probability of loss)
    shown as figures, not dropped."""
    from xborder.report.sections import generic_section

    body = {
        "stress": {"run_id": "r", "product_id": "uci:1", "market": "FR", "mode": "sea_lcl", "currency": "EUR",
                   "units": 524, "draws": 1000, "p_loss": 0.052, "mc_error": 0.007, "base_margin": 0.44},
        "drivers": [{"run_id": "r", "product_id": "uci:1", "market": "FR", "driver": "freight", "break_even": 3.304,
                     "first_order": 0.556}],
        "risk_reserve": 136.7,
        "stage": {"status": "ok"},
    }  # fmt: skip
    en = generic_section("risk", body, Translator("en"), "en")
    figures = dict(en["figures"])
    assert figures["Stress test: probability of a loss"] == "0.052"
    assert figures["Stress test: margin without shocks"] == "0.440"
    assert figures["Risk reserve (expected loss of the register)"] == "136.7"
    assert not any("run_id" in k or "product_id" in k for k in figures)
    title, table = en["tables"][0]
    assert title == "Break-even of each stress driver"
    zh = dict(generic_section("risk", body, Translator("zh"), "zh")["figures"])
    assert zh["压力测试：亏损概率"] == "0.052"
    indicators = {"indicators": [{"scope": "plan", "indicator": "margin_pct", "status": "warn", "direction": "min",
                                  "text_en": "Unit margin", "text_zh": "单位利润率"}]}  # fmt: skip
    ((name, shown),) = generic_section("finance", indicators, Translator("zh"), "zh")["tables"]
    assert name == "预警指标"
    flat = json.dumps(shown, ensure_ascii=False)
    assert "预警" in flat and "单位利润率" in flat and "Unit margin" not in flat and "text" not in flat


def test_a_pair_shown_with_its_last_6_months_says_how_far_that_estimate_was_off_in_the_backtest() -> None:
    data, tr = _data(["ranked"]), Translator("en")
    money = pd.DataFrame({"method": ["xborder", "random"], "units_expected": [7767.3, 1202.0],
                          "units_next": [6676.0, 1118.0]})  # fmt: skip
    data.backtest = {"money": money, "k": 20}
    note = _missing(data, "demand", tr, _page())
    assert note.startswith("No statistical forecast for this product in CH")
    assert note.endswith("the top 20 picks, shown the same way, sold -14% against their last 6 months.")
    forecast_page = _page(sources={"demand": "forecast"})  # a forecast pair is not said to be a history guess
    assert "sold -14%" not in _missing(data, "demand", tr, forecast_page)
    data.backtest = {}
    assert "How far to trust it" not in _missing(data, "demand", tr, _page())
