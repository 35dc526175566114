"""Keyword matrix (exact binomial calls against the break-even CVR) and budget reallocation (spend-response fit)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from tests.conftest import shared_path
from tests.ingest.helpers import ingest
from xborder.core.settings import get_settings
from xborder.domains.marketing.budget import (
    BudgetSettings,
    CampaignFit,
    fit_campaign,
    reallocate,
    with_profit,
)
from xborder.domains.marketing.keywords import cvr_bounds, keyword_matrix, match_bucket, term_tier
from xborder.domains.marketing.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

IN_SELLER = ("amazon_ads_sponsored_products_reports", "india_inr_2020-02_umairnsr87")


def test_cvr_bounds_are_the_exact_one_sided_binomial_bounds() -> None:
    low, high = cvr_bounds(np.array([0, 5, 10, 3]), np.array([10, 10, 10, 0]), 0.05)
    # No order in 10 clicks: the upper bound p solves (1 - p)^10 = 0.05.
    assert high[0] == pytest.approx(1 - 0.05 ** (1 / 10), abs=1e-9) and low[0] == 0.0
    # 5 of 10: P(X >= 5 | low) = 0.05 and P(X <= 5 | high) = 0.05, checked with the binomial itself.
    assert binom.sf(4, 10, low[1]) == pytest.approx(0.05, abs=1e-9)
    assert binom.cdf(5, 10, high[1]) == pytest.approx(0.05, abs=1e-9)
    assert high[2] == 1.0 and low[2] == pytest.approx(0.05 ** (1 / 10), abs=1e-9)
    assert math.isnan(low[3]) and math.isnan(high[3])


def test_match_buckets_and_tiers() -> None:
    assert [match_bucket(m, t) for m, t in [("EXACT", "x"), ("broad", "x"), (None, "close-match"), (None, "*"),
                                            (None, 'asin="B0"'), (None, 'category="Mats"')]] == [
        "exact", "broad", "auto", "auto", "product", "product"]  # fmt: skip
    assert term_tier("b07jmt389q", True) == "asin"
    assert term_tier("bath mat", True) == "core"
    assert term_tier("bath mat for kids", False) == "scenario"
    assert term_tier("non slip bath mat grey", False) == "long_tail"


def _st(
    term: str, match: str, clicks: float, orders: float, spend: float, sales: float, group: str = "g"
) -> dict:
    return {"marketplace_id": "amazon.US", "market_code": "US", "currency": "USD", "campaign": "c", "ad_group": group,
            "targeting": term if match != "-" else "*", "match_type": None if match == "-" else match,
            "search_term": term, "impressions": clicks * 10, "clicks": clicks, "spend": spend, "orders": orders,
            "sales": sales, "period_start": pd.Timestamp("2020-01-01"), "period_end": pd.Timestamp("2020-01-31")}  # fmt: skip


def test_keyword_calls_against_the_break_even_cvr_computed_by_hand() -> None:
    rows = pd.DataFrame([
        _st("winner", "BROAD", 40, 10, 20.0, 200.0),  # CVR 25%, lower bound ~14%
        _st("winner", "-", 10, 2, 5.0, 40.0),
        _st("waster", "BROAD", 60, 0, 30.0, 0.0),  # CPC 0.5: no order in 60 clicks
        _st("young", "BROAD", 10, 0, 5.0, 0.0),  # too few clicks to say
        _st("dear", "PHRASE", 200, 2, 200.0, 40.0),  # CPC 1.0, 1% CVR
        _st("kept", "EXACT", 50, 10, 25.0, 200.0),
        _st("b07jmt389q", "-", 30, 0, 15.0, 0.0),
    ])  # fmt: skip
    m = keyword_matrix(rows, pd.DataFrame({"marketplace_id": ["amazon.US"], "targeting": ["kept"]}),
                       pd.DataFrame(columns=["marketplace_id", "campaign", "ad_group", "product_id"]),
                       target_acos=0.35)  # fmt: skip
    t = m.set_index("search_term")
    order_value = 480.0 / 24  # the account's sales / orders over its search terms
    assert t.loc["winner", "order_value"] == pytest.approx(order_value)
    be = 0.5 / (0.35 * order_value)  # CPC / (target × order value) = 0.0714
    assert t.loc["winner", "breakeven_cvr"] == pytest.approx(be)
    assert (t.loc["winner", "broad_clicks"], t.loc["winner", "auto_clicks"], t.loc["winner", "orders"]) == (
        40,
        10,
        12,
    )
    assert t.loc["winner", "action"] == "harvest_exact" and t.loc["winner", "money_at_stake"] == 240.0
    assert t.loc["waster", "action"] == "negate"  # (1 - 0.0714)^60 = 1.2% < 5%
    assert (1 - be) ** 60 < 0.05 < (1 - be) ** 10
    assert t.loc["young", "action"] == "undecided"
    assert t.loc["young", "clicks_to_decide"] == math.ceil(math.log(0.05) / math.log(1 - be)) == 41
    assert t.loc["dear", "action"] == "cut_bid"  # break-even CVR 1.0 / 7 = 14%, 2 of 200 is far below
    assert t.loc["dear", "money_at_stake"] == pytest.approx(200.0 - 0.35 * 40.0)
    assert t.loc["kept", "action"] == "keep" and bool(t.loc["kept", "is_exact_keyword"])
    assert t.loc["b07jmt389q", "action"] == "product_target" and t.loc["b07jmt389q", "tier"] == "asin"
    assert (
        t.loc["dear", "tier"] == "core" and t.loc["young", "tier"] == "long_tail"
    )  # dear: 200 of 400 clicks


def test_fit_recovers_a_known_elasticity_and_reallocation_equalises_marginal_roas() -> None:
    rng = np.random.default_rng(7)
    spend = rng.uniform(5, 60, 400)
    orders = rng.poisson(0.2 * spend**0.6)
    fit = fit_campaign(pd.DataFrame({"spend": spend, "orders": orders, "sales": orders * 25.0}))
    assert fit is not None and abs(fit.b - 0.6) < 2.5 * fit.b_se and fit.b_se < 0.1
    assert fit.order_value == 25.0
    # Two campaigns with sales = c × s^0.5: equal marginal ROAS 0.5 c / sqrt(s) puts s in proportion to c².
    f1, f2 = CampaignFit(1.0, 0.5, 0.0, 1.0), CampaignFit(2.0, 0.5, 0.0, 1.0)
    alloc = reallocate({"a": f1, "b": f2}, {"a": 5.0, "b": 5.0}, {"a": 10.0, "b": 10.0},
                       BudgetSettings(max_step=1.0, steps=1000))  # fmt: skip
    assert alloc["a"] == pytest.approx(2.0, abs=0.02) and alloc["b"] == pytest.approx(8.0, abs=0.02)
    assert f1.marginal_roas(alloc["a"]) == pytest.approx(f2.marginal_roas(alloc["b"]), rel=0.01)
    # Within ±50% and never above the highest day seen: a cannot go below 2.5, b not above 6.
    capped = reallocate({"a": f1, "b": f2}, {"a": 5.0, "b": 5.0}, {"a": 10.0, "b": 6.0}, BudgetSettings())
    assert capped["a"] == pytest.approx(4.0, abs=0.02) and capped["b"] == pytest.approx(6.0, abs=0.02)


def test_profit_change_uses_the_break_even_else_the_fee_ceiling() -> None:
    b = pd.DataFrame({"marketplace_id": ["amazon.US", "amazon.US", "amazon.IN"], "currency": ["USD", "USD", "INR"],
                      "campaign": ["one product", "several", "c"], "expected_daily_sales_change": [10.0, -4.0, 3.0]})  # fmt: skip
    be = pd.DataFrame(
        {"marketplace_id": ["amazon.US"], "campaign": ["one product"], "break_even_acos": [0.3]}
    )
    cap = pd.DataFrame({"marketplace_id": ["amazon.US"], "currency": ["USD"], "fee_ceiling_acos": [0.653]})
    out = with_profit(b, be, cap)
    assert out["margin_source"].tolist() == ["break_even", "fee_ceiling", None]
    assert out["expected_daily_profit_change"].tolist()[:2] == pytest.approx([3.0, -4.0 * 0.653])
    assert np.isnan(out["expected_daily_profit_change"].iloc[2])


@pytest.fixture(scope="module")
def india(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("india_kw")
    con = connect(tmp / "wh.duckdb")
    ingest(con, shared_path(*IN_SELLER), None, tmp)
    run_id, _ = run_stage(con, get_settings(db_path=str(tmp / "wh.duckdb")), STAGE, {})
    con.close()
    return tmp / "wh.duckdb", run_id


def _raw(name: str) -> pd.DataFrame:
    path = shared_path(*IN_SELLER, name)
    if path.suffix == ".xlsx":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return pd.read_excel(path)
    return pd.read_csv(path, encoding="utf-8-sig")


def _rupees(s: pd.Series) -> pd.Series:
    return pd.to_numeric(
        s.astype(str).str.replace("Rs.", "", regex=False).str.replace(",", ""), errors="coerce"
    )


@pytest.mark.slow
@pytest.mark.shared_data
def test_india_keyword_row_equals_the_raw_search_term_report(india: tuple[Path, str]) -> None:
    raw = _raw("Sponsored Products Search term report.xlsx")
    orders, sales = "14 Day Total Orders (#)", "14 Day Total Sales (₹)"
    term = raw[raw["Customer Search Term"].astype(str).str.strip().str.lower() == "sunscreen"]
    exact = term[term["Match Type"] == "EXACT"]
    con = connect(india[0], read_only=True)
    m = read_rows(con, "ad_keyword_matrix", india[1], where="search_term = 'sunscreen'")
    con.close()
    assert len(m) == 1
    r = m.iloc[0]
    assert (r["clicks"], r["exact_clicks"], r["auto_clicks"]) == (term["Clicks"].sum(), exact["Clicks"].sum(),
                                                                  term["Clicks"].sum() - exact["Clicks"].sum())  # fmt: skip
    assert (r["clicks"], r["orders"]) == (379, 18)
    assert r["spend"] == pytest.approx(term["Spend"].sum(), abs=1e-6)
    order_value = raw[sales].sum() / raw[orders].sum()  # the whole account's search terms
    assert r["order_value"] == pytest.approx(order_value, rel=1e-9)
    assert r["breakeven_cvr"] == pytest.approx(term["Spend"].sum() / 379 / (0.35 * order_value), rel=1e-9)
    assert binom.cdf(18, 379, r["cvr_high"]) == pytest.approx(0.05, abs=1e-6)
    assert r["cvr_high"] < r["breakeven_cvr"] and r["action"] == "cut_bid" and r["tier"] == "core"


@pytest.mark.slow
@pytest.mark.shared_data
def test_india_budget_fit_window_and_holdout_from_the_raw_campaign_report(india: tuple[Path, str]) -> None:
    raw = _raw("Sponsored Products Campaign report.csv")
    raw["day"] = pd.to_datetime(raw["Date"], format="%b %d, %Y")
    raw["spend"], raw["sales"] = _rupees(raw["Spend"]), _rupees(raw["14 Day Total Sales (₹)"])
    sun = raw[raw["Campaign Name"] == "Sunscreen || SP || Generic || 24th Nov'19"]
    con = connect(india[0], read_only=True)
    b = read_rows(con, "ad_budget", india[1])
    con.close()
    r = b.set_index("campaign").loc["Sunscreen || SP || Generic || 24th Nov'19"]
    spent = sun[sun["spend"] > 0]
    assert (r["status"], r["fit_days"]) == ("fitted", len(spent)) and len(spent) == 29
    assert r["fit_spend"] == pytest.approx(spent["spend"].sum(), abs=1e-6)
    # 29 days: the holdout is the last 7 (a quarter), the window the last 28 days over 28 days.
    assert r["holdout_actual"] == pytest.approx(sun[sun["day"] >= "2020-02-23"]["sales"].sum(), abs=1e-6)
    assert r["current_daily_spend"] == pytest.approx(
        sun[sun["day"] >= "2020-02-02"]["spend"].sum() / 28, abs=1e-6
    )
    fitted = b[b["status"] == "fitted"]
    assert len(fitted) == 3 and set(b["status"]) == {"fitted", "too_few_days"}
    assert fitted["suggested_daily_spend"].sum() == pytest.approx(
        fitted["current_daily_spend"].sum(), rel=1e-9
    )
    # Marginal ROAS = b × fitted ROAS at the current spend.
    assert np.allclose(fitted["marginal_roas"], fitted["elasticity"] * fitted["current_roas"])


@pytest.mark.slow
@pytest.mark.shared_data
def test_india_report_panels_in_both_languages(india: tuple[Path, str]) -> None:
    from xborder.domains.marketing.report import report_panels

    con = connect(india[0], read_only=True)
    en, zh = report_panels(con, india[1], "en"), report_panels(con, india[1], "zh")
    con.close()
    assert [p.key for p in en] == ["marketing.acos_over_time", "marketing.suggestions", "marketing.keyword_matrix",
                                   "marketing.budget"]  # fmt: skip
    assert all(p.missing is None for p in en + zh)
    acos, _, kw, budget = en
    totals = acos.tables[0][1].set_index("account")
    # The campaign report's spend over February 2020 (all six Indian reports sum to it).
    assert totals.loc["amazon.IN INR", "ad spend"] == pytest.approx(47108.12, abs=0.01)
    assert totals.loc["amazon.IN INR", "days"] == 29
    weekly = acos.figure.data[0]
    assert weekly.name == "ACoS amazon.IN INR" and len(weekly.x) == 5  # weeks from Mon 27 Jan to Mon 24 Feb
    calls = kw.tables[0][1]
    assert calls["% of spend"].sum() == pytest.approx(100.0, abs=0.5)
    assert len(budget.tables[0][1]) == 3 and budget.figure is not None
    assert zh[2].title == "广告：关键词矩阵（搜索词 × 匹配方式）"
    assert (
        kw.intro
        and kw.intro.endswith("so the tiers come from the search terms alone.")
        and len(kw.tables) == 2
    )
    # bids are shown per keyword and weekday: the panel says why not per hour
    assert "never per hour" in (en[1].intro or "") and "不按小时" in (zh[1].intro or "")


def test_a_run_without_ads_gives_one_panel_saying_what_to_load(tmp_path: Path) -> None:
    from xborder.domains.marketing.report import report_panels

    con = connect(tmp_path / "w.duckdb")
    run_id, summary = run_stage(con, get_settings(db_path=str(tmp_path / "w.duckdb")), STAGE, {})
    (p,) = report_panels(con, run_id, "en")
    (q,) = report_panels(con, run_id, "zh")
    con.close()
    assert summary["reason_code"] == "marketing.no_ads"
    assert p.key == "marketing.none" and p.figure is None and "xborder ingest FILE" in (p.missing or "")
    assert q.missing and q.missing.startswith("本次运行没有商品推广数据")


@pytest.mark.slow
@pytest.mark.shared_data
def test_cli_keywords_and_budget_json(india: tuple[Path, str], monkeypatch, capsys) -> None:
    import json

    from tests.domains.marketing.test_stage_cli import run_cli

    code, out, err = run_cli(["--db", str(india[0]), "--json", "ads", "keywords", "--run", "latest", "--top", "3"],
                             monkeypatch, capsys)  # fmt: skip
    assert code == 0, err
    d = json.loads(out)
    calls = {r["action"]: r["terms"] for r in d["summary"]}
    assert calls == {"cut_bid": 6, "keep": 4, "negate": 6, "product_target": 68, "undecided": 357}
    assert d["terms"][0]["search_term"] == "sunscreen" and len(d["terms"]) == 3
    assert d["review_terms"] == [] and d["terms"][0]["review_pains"] is None  # no review of these products
    code, out, err = run_cli(
        ["--db", str(india[0]), "--json", "ads", "budget", "--run", "latest"], monkeypatch, capsys
    )
    assert code == 0, err
    b = json.loads(out)
    assert [r["campaigns"] for r in b["totals"]] == [3]
    assert {r["status"]: r["campaigns"] for r in b["status"]} == {"fitted": 3, "too_few_days": 7}


def _names(raw: pd.DataFrame, asin: str, *words: str) -> pd.DataFrame:
    """Search-term rows of the ad groups advertising only ``asin`` whose term has every word (plural allowed)."""
    adv = _raw("Sponsored Products Advertised product report.xlsx")
    groups = adv.drop_duplicates(["Campaign Name", "Ad Group Name", "Advertised ASIN"])
    groups = groups.groupby(["Campaign Name", "Ad Group Name"]).filter(lambda g: len(g) == 1)
    mine = raw.merge(groups[groups["Advertised ASIN"] == asin][["Campaign Name", "Ad Group Name"]])
    term = mine["Customer Search Term"].astype(str).str.strip().str.lower()
    keep = np.logical_and.reduce([term.str.contains(rf"\b{w}s?\b") for w in words])
    return mine[keep].assign(term=term[keep])


@pytest.mark.slow
@pytest.mark.shared_data
def test_india_review_phrases_matched_to_the_raw_search_terms(
    india: tuple[Path, str], tmp_path: Path
) -> None:
    """Review language in the matrix. No review in ../shared/data is of an advertised product, so the reviews
    run's phrases are written here (as the reviews stage would); the terms and their numbers are the real ones."""
    import shutil

    from xborder.domains.reviews.tables import REVIEW_PHRASES
    from xborder.warehouse.tables import write_frame

    db = tmp_path / "wh.duckdb"
    shutil.copy(india[0], db)
    con = connect(db)
    phrases = pd.DataFrame({
        "product_id": ["amazon:B07PVQ5Q8Z", "amazon:B07PVQ5Q8Z", "amazon:B07PVQ5Q8Z", "amazon:B07PV5V8DY"],
        "kind": ["pain", "delight", "delight", "delight"],
        "phrase": ["hair fall", "hair growth", "non sticky", "night cream"],
        "z": [3.1, -2.8, -2.2, -4.0], "n_negative": [9, 1, 0, 2], "n_positive": [1, 12, 8, 30],
    }).assign(run_id="reviews-run", scope="product", market="IN", rank=1)  # fmt: skip
    # the sunscreen has no review of its own; its category's reviews (no known market) apply to it
    cat = pd.DataFrame({"product_id": ["cat:sun care"], "kind": ["delight"], "phrase": ["spf 50"], "z": [-3.0],
                        "n_negative": [1], "n_positive": [20]}).assign(run_id="reviews-run", scope="category",
                                                                        market="ZZ", rank=1)  # fmt: skip
    write_frame(con, REVIEW_PHRASES, pd.concat([phrases, cat], ignore_index=True))
    con.execute("INSERT INTO products (product_id, source, title, category) VALUES "
                "('amazon:B07PVQ5Q8Z', 'amazon', 'Hair oil', NULL), ('amazon:B07PYFJ8NQ', 'amazon', 'Sunscreen', 'sun care')")  # fmt: skip
    run_id, _ = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    km = read_rows(con, "ad_keyword_matrix", run_id)
    rt = read_rows(con, "ad_review_terms", run_id).set_index("phrase")
    con.close()
    raw = _raw("Sponsored Products Search term report.xlsx")
    orders, sales = "14 Day Total Orders (#)", "14 Day Total Sales (₹)"
    for phrase, asin, words in (("hair fall", "B07PVQ5Q8Z", ("hair", "fall")),
                                ("hair growth", "B07PVQ5Q8Z", ("hair", "growth")),
                                ("night cream", "B07PV5V8DY", ("night", "cream")),
                                ("spf 50", "B07PYFJ8NQ", ("spf", "50"))):  # fmt: skip
        hand = _names(raw, asin, *words)
        r = rt.loc[phrase]
        assert (r["terms"], r["clicks"], r["orders"]) == (
            hand["term"].nunique(),
            hand["Clicks"].sum(),
            hand[orders].sum(),
        )
        assert r["spend"] == pytest.approx(hand["Spend"].sum(), abs=1e-6)
        assert r["sales"] == pytest.approx(hand[sales].sum(), abs=1e-6)
        scope = "category" if phrase == "spf 50" else "product"
        assert r["searched"] and r["review_scope"] == scope and r["product_id"] == f"amazon:{asin}"
    # "night creams" (10 clicks) is named by the lemma "night cream": the plural is folded
    assert rt.loc["night cream", "terms"] >= 2 and "night creams" in set(
        _names(raw, "B07PV5V8DY", "night", "cream")["term"]
    )
    assert not rt.loc["non sticky", "searched"] and rt.loc["non sticky", "clicks"] == 0  # a keyword idea
    t = km.set_index(["product_id", "search_term"])
    assert t.loc[("amazon:B07PVQ5Q8Z", "hair fall oil"), "review_pains"] == "hair fall"
    assert t.loc[("amazon:B07PV5V8DY", "night creams"), "review_delights"] == "night cream"
    assert t.loc[("amazon:B07PYFJ8NQ", "sunscreen spf 50"), "review_delights"] == "spf 50"
    assert t.loc[("amazon:B07PYFJ8NQ", "sunscreen"), "review_scope"] == "category"
    assert t.loc[("amazon:B07VY47CXN", "essentium phygen"), "review_scope"] is None  # the face wash: none
    from xborder.domains.marketing.report import report_panels
    from xborder.pipeline.dossier import connection_query, dossier

    con = connect(db, read_only=True)
    kw, kw_zh = report_panels(con, run_id, "en")[2], report_panels(con, run_id, "zh")[2]
    sec = dossier(connection_query(con), run_id, "amazon:B07PVQ5Q8Z", "IN")["sections"]["marketing"]
    con.close()
    # the hair oil's dossier: its three phrases, by kind, then strength
    assert [(r["kind"], r["phrase"], r["searched"]) for r in sec["review_terms"]] == [
        ("delight", "hair growth", True), ("delight", "non sticky", False), ("pain", "hair fall", True)]  # fmt: skip
    assert {"review_pains", "review_delights"} <= set(sec["keywords"][0])
    assert sec["messages"]["review_language"] == [{"code": "marketing.dossier_review_terms",
                                  "args": {"phrases": 3, "searched": 2, "ideas": 1}}]  # fmt: skip
    caption, table = kw.tables[2]
    assert (
        caption.startswith("Review language")
        and len(table) == 5
        and kw_zh.tables[2][0].startswith("评论用语")
    )
    assert set(table["review phrase"]) == {"hair fall", "hair growth", "non sticky", "night cream", "spf 50"}
    assert (km["review_scope"] == "category").sum() == (km["product_id"] == "amazon:B07PYFJ8NQ").sum()
    assert (km["review_scope"] == "product").sum() == km["product_id"].isin(
        ["amazon:B07PVQ5Q8Z", "amazon:B07PV5V8DY"]
    ).sum()
