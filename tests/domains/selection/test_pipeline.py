"""The selection stage over a warehouse: stored run, factors, degradation, views, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.domains.selection.conftest import insert_engine_outputs
from typer.testing import CliRunner

from xborder.cli.main import app
from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.domains.selection.explain import render_explanation
from xborder.domains.selection.stage.backtest import STAGE as BACKTEST
from xborder.domains.selection.stage.select import STAGE, load_opportunities, run_selection
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect


def test_run_selection_stores_a_run_with_scores_factors_and_fingerprint(tiny_warehouse: Path) -> None:
    con = connect(tiny_warehouse)
    try:
        insert_engine_outputs(con)
        settings = get_settings(db_path=str(tiny_warehouse))
        rid, out = run_stage(con, settings, STAGE, {"top": 5, "sensitivity_draws": 20})
        run = con.execute(
            "SELECT kind, status, fingerprint, stages FROM runs WHERE run_id = ?", [rid]
        ).fetchone()
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = ? ORDER BY rank", [rid]).df()
        fac = con.execute("SELECT * FROM opportunity_factors WHERE run_id = ?", [rid]).df()
        curves = con.execute("SELECT * FROM rank_sales_curves WHERE run_id = ?", [rid]).df()
    finally:
        con.close()
    # the runner records the run (kind = the stage), with the stage's parameters in its summary
    assert run[0] == "selection" and run[1] == "ok" and len(run[2]) == 64
    recorded = json.loads(run[3])["selection"]["summary"]
    assert recorded["profile"] == out["profile"] == "balanced" and recorded["run_id"] == rid
    assert set(recorded["weights"]) and recorded["unavailable_factors"] and recorded["cutoff"] == "2023-12"
    assert recorded["sensitivity"]["scenarios"] > 0 and recorded["inputs"]["listings"] == 3
    assert recorded["inputs"]["history_from"] == "2022-01" and recorded["inputs"]["sales_rows"] > 0
    assert recorded["profile_settings"] == {
        "source": "shipped presets",
        "normalisation": "rank",
        "min_margin_pct": 25.0,  # the seller's target margin
        "min_demand_6m": 30.0,
        "min_gross_profit_6m": 0.0,
        "require": ["demand", "margin", "compliance"],
        "pass_unknown": [],
        "missing_quantile": 0.25,
        "max_markets_per_product": 3,
        "max_per_category": 10,
        "diversify_top": 50,
    }
    assert recorded["home_markets"] == ["GB"] and recorded["profit_currency"] == "GBP"
    assert out["input_runs"] == {
        "landed_costs": "up",
        "compliance_checks": None,
        "compliance_summary": "up",
        "forecasts": None,
        "trend_signals": None,
        "improvement_opportunities": None,
    }
    # 8 products × 3 markets (t:p7 sold only in GB: a new market elsewhere) + 2 categories × 3 markets of niches
    assert len(opp) == out["candidates"] == 24 + 6 and out["niches"] == 6
    assert out["status_counts"] == {"ranked": 3, "gated": 15, "not_assessed": 2, "home_baseline": 10}
    # the home market is the baseline, never ranked; t:p7 abroad has no forecast, margin nor compliance
    assert set(opp.loc[opp["market"] == "GB", "status"]) == {"home_baseline"}
    assert (
        opp.loc[opp["status"].isin(["home_baseline", "not_assessed"]), ["rank", "score"]].isna().all().all()
    )
    na = opp[opp["status"] == "not_assessed"]
    assert set(na["product_id"]) == {"t:p7"} and set(na["demand_source"]) == {"none"}
    # ranked first, then gated; each part in score order; every ranked pair is assessed and viable
    ranked = opp[opp["rank"].notna()]
    assert ranked["rank"].tolist() == list(range(1, 19))
    assert ranked["status"].tolist() == ["ranked"] * 3 + ["gated"] * 15
    assert [(r.product_id, r.market) for r in ranked.head(3).itertuples()] == [
        ("t:p0", "DE"),
        ("t:p0", "FR"),
        ("t:p2", "DE"),
    ]
    assert (ranked[["demand_source", "margin_source", "compliance_source"]] != "none").all().all()
    # the explanation is stored as message codes; the text columns are their rendering
    codes = [json.loads(x) for x in opp["explanation"]]
    assert all(m["code"].startswith("selection.") for msgs in codes for m in msgs)
    assert [render_explanation(m, "en") for m in codes] == opp["explanation_en"].tolist()
    assert [render_explanation(m, "zh") for m in codes] == opp["explanation_zh"].tolist()
    assert opp["explanation_en"].str.len().gt(10).all() and opp["explanation_zh"].str.len().gt(5).all()
    # every stored contribution adds up to the stored score (the scored part: ranked + gated)
    tot = fac.groupby(["product_id", "market"])["contribution"].sum()
    merged = ranked.set_index(["product_id", "market"])["score"]
    assert len(tot) == len(merged) and (abs(tot.reindex(merged.index) - merged) < 1e-9).all()
    assert set(fac["source_table"]) >= {"order_lines", "landed_costs"}
    assert "improvement_score" in out["unavailable_factors"]
    assert 0 < out["sensitivity"]["mean_jaccard"] <= 1 and opp["top_rank_stability"].notna().sum() == 5
    assert len(curves) == 1 and curves["source"].iloc[0] == "default_slope"  # 2 known-sales listings only


def test_gross_profit_home_comparison_missing_and_risks(tiny_warehouse: Path) -> None:
    from xborder.domains.selection.stage.gather import Converter

    con = connect(tiny_warehouse)
    try:
        insert_engine_outputs(con)
        run_selection(con, get_settings(db_path=str(tiny_warehouse)), run_id="p", sensitivity_draws=5)
        opp = (
            con.execute("SELECT * FROM opportunities WHERE run_id = 'p'")
            .df()
            .set_index(["product_id", "market"])
        )
        conv = Converter(con, "GBP")
        eur, usd = conv.rate("EUR"), conv.rate("USD")
    finally:
        con.close()
    de = opp.loc[("t:p0", "DE")]
    # 6-month units × unit margin (4 EUR) − 300 USD of compliance; sold there before: no launch cost
    assert de["gross_profit_6m"] == pytest.approx(de["demand_6m"] * 4.0 * eur - 300.0 * usd)
    assert (
        de["profit_currency"] == "GBP"
        and de["demand_source"] == "history"
        and de["margin_source"] == "estimate"
    )
    gb = opp.loc[("t:p0", "GB")]
    assert de["home_market"] == "GB" and de["home_demand_6m"] == pytest.approx(gb["demand_6m"])
    assert de["demand_transfer"] == pytest.approx(de["demand_6m"] / gb["demand_6m"])
    assert de["price_gap_pct"] == pytest.approx(100 * (10.0 * eur / 10.0 - 1))  # 10 EUR vs 10 GBP
    # a niche is a new product: the launch cost (500 USD) comes off too
    niche = opp.loc[("niche:toys_games", "DE")]
    assert niche["candidate_kind"] == "niche" and niche["margin_source"] == "category"
    assert niche["niche_products"] == 4 and niche["demand_6m"] == pytest.approx(niche["niche_units_6m"] / 4)
    # the category's costed toys in DE: unit margins 4, 3, 1 and 2.8 EUR (median 2.9), compliance 300 USD
    expected = niche["demand_6m"] * 2.9 * eur - 300.0 * usd - 500.0 * usd
    assert niche["gross_profit_6m"] == pytest.approx(expected)
    assert niche["status"] == "gated" and niche["explanation_en"].startswith("NOT VIABLE (gross profit -")
    assert "NICHE: develop a new product in Toys & Games" in niche["explanation_en"]
    # what is missing says how to fill it
    miss = {m["code"]: m["args"] for m in json.loads(opp.loc[("t:p7", "DE"), "missing"])}
    assert (
        miss["selection.missing.demand_transfer"]["command"]
        == "xborder run --param demand.analogue_products=1"
    )
    assert (
        miss["selection.missing.margin_not_costed"]["command"]
        == "xborder run --param landed_cost.max_products=8"
    )
    assert miss["selection.missing.compliance"]["command"] == "xborder compliance run --market DE"
    assert opp.loc[("t:p7", "DE"), "explanation_en"].startswith(
        "NOT ASSESSED (unknown: demand, margin, compliance; listed apart, not ranked)"
    )
    # the falling t:p5 carries its fall as a risk with the factor's weight
    risks = {r["code"]: r["args"] for r in json.loads(opp.loc[("t:p5", "DE"), "risks"])}
    assert (
        risks["selection.risk.falling_demand"]["pct"] < -5
        and risks["selection.risk.falling_demand"]["weight"] > 0
    )


def test_a_profile_may_relax_what_must_be_assessed(tmp_path: Path, tiny_warehouse: Path) -> None:
    f = tmp_path / "loose.toml"
    f.write_text(
        "[loose]\nrequire = ['demand']\npass_unknown = ['margin_pct', 'gross_profit_6m']\n"
        "[loose.weights]\ndemand_size = 1\nmomentum = 1\n",
        encoding="utf-8",
    )
    con = connect(tiny_warehouse)
    try:
        out = run_selection(
            con,
            get_settings(db_path=str(tiny_warehouse)),
            run_id="l",
            profile_file=f"{f}:loose",
            sensitivity_draws=5,
        )
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = 'l' ORDER BY rank").df()
    finally:
        con.close()
    # nothing is costed: under the default profile nothing would be ranked; here demand suffices, visibly
    assert out["profile_settings"]["require"] == ["demand"]
    ranked = opp[opp["status"] == "ranked"]
    assert len(ranked) > 0 and (ranked["margin_source"] == "none").all()
    assert "t:p7" not in set(ranked["product_id"])  # its demand abroad is a market-share guess


def test_rerun_with_the_same_id_replaces_its_rows(tiny_warehouse: Path) -> None:
    con = connect(tiny_warehouse)
    try:
        s = get_settings(db_path=str(tiny_warehouse))
        run_selection(con, s, run_id="r", sensitivity_draws=5)
        run_selection(con, s, run_id="r", profile="low-risk", sensitivity_draws=5)
        n = con.execute(
            "SELECT count(*), any_value(profile) FROM opportunities WHERE run_id = 'r'"
        ).fetchone()
        _, opp = load_opportunities(con)
    finally:
        con.close()
    assert n == (30, "low-risk") and len(opp) == 30


def test_the_stage_writes_no_run_record_and_the_latest_run_with_opportunities_is_shown(
    tiny_warehouse: Path,
) -> None:
    con = connect(tiny_warehouse)
    try:
        s = get_settings(db_path=str(tiny_warehouse))
        run_selection(con, s, run_id="bare", sensitivity_draws=5)
        assert con.execute("SELECT count(*) FROM runs WHERE run_id = 'bare'").fetchone()[0] == 0
        rid, _ = run_stage(con, s, STAGE, {"sensitivity_draws": 5, "profile": "low-risk"})
        run_stage(
            con, s, BACKTEST, {"cutoff_months": ["2023-01"], "k": 5}
        )  # a later run (skipped: nothing costed)
        latest, opp = load_opportunities(con)
    finally:
        con.close()
    assert (
        latest == rid and set(opp["profile"]) == {"low-risk"} and opp["rank"].dropna().is_monotonic_increasing
    )


def test_empty_warehouse_is_a_clear_error(db_path: Path) -> None:
    con = connect(db_path)
    try:
        with pytest.raises(BadInputError, match="no sold order lines"):
            run_selection(con, get_settings(db_path=str(db_path)), run_id="x")
    finally:
        con.close()


def test_cli_select_views_and_json(tiny_warehouse: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(tiny_warehouse), "select", "--market", "DE", "--top", "3", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["view"] == "Best products for DE" and len(data["rows"]) == 3
    assert all(row["market"] == "DE" for row in data["rows"])
    r = runner.invoke(
        app, ["--db", str(tiny_warehouse), "--json", "select", "--run", "latest", "--product", "t:p7"]
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    assert {row["market"] for row in rows} == {"GB", "DE", "FR"}
    r = runner.invoke(
        app, ["--db", str(tiny_warehouse), "--json", "select", "--run", "latest", "--category", "toys_games"]
    )
    assert {row["category"] for row in json.loads(r.stdout)["rows"]} == {"toys_games"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["select", "--profile", "agressive"], "Unknown selection profile"),
        (["select", "--category", "toys"], "not a category id"),
        (["select", "--backtest", "--cutoff", "yesterday-ish"], "not a date"),
        (["select", "--backtest", "--cutoff", "2023-09"], "less than 6 months"),
        (["select", "--run", "latest", "--product", "nope:1"], "not among the selection candidates"),
    ],
    ids=["unknown profile", "unknown category", "bad date", "cutoff too late", "unknown product"],
)
def test_cli_bad_input_exits_2_with_a_message(tiny_warehouse: Path, args: list[str], message: str) -> None:
    import sys

    from xborder.cli.main import main

    runner = CliRunner()
    if "--run" in args:
        runner.invoke(app, ["--db", str(tiny_warehouse), "--json", "select"])
    old = sys.argv
    sys.argv = ["xborder", "--db", str(tiny_warehouse), *args]
    try:
        with pytest.raises(SystemExit) as e:
            main()
    finally:
        sys.argv = old
    assert e.value.code == 2


def test_cli_profile_file_goes_to_the_stage_and_the_web_cannot_name_a_file(
    tmp_path: Path, tiny_warehouse: Path
) -> None:
    from xborder.pipeline.registry import parse_params

    f = tmp_path / "mine.toml"
    f.write_text("[steady]\n[steady.weights]\nvolatility = 1\ndemand_size = 1\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["--db", str(tiny_warehouse), "--json", "select", "--profile", f"{f}:steady"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["profile"] == "steady"
    with pytest.raises(BadInputError, match="profile_file"):
        parse_params({"selection": {"profile_file": str(f)}}, strict=True, origin="params", web=True)
    with pytest.raises(BadInputError, match="not both"):
        STAGE.parse({"profile": "balanced", "profile_file": str(f)})


def test_cli_backtest_on_the_tiny_history(tiny_warehouse: Path) -> None:
    con = connect(tiny_warehouse)
    try:
        insert_engine_outputs(con)
    finally:
        con.close()
    r = CliRunner().invoke(
        app,
        [
            "--db",
            str(tiny_warehouse),
            "select",
            "--backtest",
            "--cutoff",
            "2023-01",
            "--cutoff",
            "2023-03",
            "--top",
            "5",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [c["cutoff"] for c in d["cutoffs"]] == ["2023-01", "2023-03"]
    assert {row["method"] for row in d["rows"]} == {"xborder", "best_sellers", "momentum", "random"}
    assert "median" in d["definition"]


def _main(db: Path, *args: str) -> int:
    import sys

    from xborder.cli.main import main

    old = sys.argv
    sys.argv = ["xborder", "--db", str(db), *args]
    try:
        with pytest.raises(SystemExit) as e:
            main()
    finally:
        sys.argv = old
    return int(e.value.code)


def test_cli_backtest_on_too_thin_a_history_says_why_and_what_data_would_do(
    sparse_warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (["--cutoff", "2023-01-01"], []):
        assert _main(sparse_warehouse, "select", "--backtest", *args) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert "KeyError" not in err and "Internal error" not in err
        assert "No selection backtest is possible" in err and "did the list hold an assessed foreign" in err
        assert (
            "were in the home market, which is the baseline" in err
            and "longer or fuller order history" in err
        )


def test_pipeline_backtest_on_too_thin_a_history_is_skipped_with_the_reason(sparse_warehouse: Path) -> None:
    con = connect(sparse_warehouse)
    try:
        rid, out = run_stage(con, get_settings(db_path=str(sparse_warehouse)), BACKTEST, {})
        rec = json.loads(con.execute("SELECT stages FROM runs WHERE run_id = ?", [rid]).fetchone()[0])
        stored = con.execute("SELECT count(*) FROM selection_backtest").fetchone()[0]
    finally:
        con.close()
    assert out["status"] == "skipped" and stored == 0
    assert rec["backtest"]["status"] == "skipped"
    assert rec["backtest"]["reason_code"] == "selection.backtest_no_candidates"
    assert rec["backtest"]["reason"].startswith("No selection backtest is possible")
    assert [c["candidates"] for c in out["cutoff_results"]] == [0, 0, 0]


@pytest.mark.shared_data
def test_cli_backtest_on_an_olist_sample_explains_why_it_cannot_run(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import shared_path

    from xborder.ingest import ingest_path

    sample = shared_path("olist_brazilian_ecommerce", "sample_4000_orders_techbyhemant")
    con = connect(db_path)
    try:
        ingest_path(
            con, sample / "olist_orders_dataset.csv", "orders", settings=get_settings(db_path=str(db_path))
        )
        ingest_path(
            con,
            sample / "olist_order_items_dataset.csv",
            "orders",
            settings=get_settings(db_path=str(db_path)),
        )
    finally:
        con.close()
    assert _main(db_path, "select", "--backtest", "--cutoff", "2017-12-01") == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "No selection backtest is possible" in err and "longer or fuller order history" in err


@pytest.mark.shared_data
def test_keepa_listings_become_niche_candidates_with_rank_estimated_demand(tiny_warehouse: Path) -> None:
    from tests.conftest import shared_path

    from xborder.ingest import ingest_path

    keepa = shared_path("keepa_exports", "italy_2025-07-17_LPTrade994", "keepa_sample.xlsx")
    con = connect(tiny_warehouse)
    try:
        s = get_settings(db_path=str(tiny_warehouse))
        ingest_path(con, keepa, "ranks", settings=s)
        out = run_selection(con, s, run_id="run-keepa", sensitivity_draws=5)
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = 'run-keepa'").df()
        curves = con.execute("SELECT * FROM rank_sales_curves WHERE run_id = 'run-keepa'").df()
        fac = (
            con.execute(
                "SELECT factor, count(raw_value) AS n FROM opportunity_factors WHERE run_id = 'run-keepa' GROUP BY ALL"
            )
            .df()
            .set_index("factor")["n"]
        )
    finally:
        con.close()
    it = opp[(opp["market"] == "IT") & (opp["candidate_kind"] == "product")]
    assert len(it) == 100 and (~it["sold_before"]).all()  # every Keepa ASIN is a product to enter Italy with
    assert (it["demand_6m"] > 0).all() and set(it["demand_source"]) == {"listing"}
    niches = opp[(opp["market"] == "IT") & (opp["candidate_kind"] == "niche")]
    assert (
        len(niches) == out["niches"] - 6 and (niches["niche_products"] >= 2).all()
    )  # categories of listings
    (c,) = curves[curves["marketplace_id"] == "amazon.IT"].itertuples()
    assert c.source == "default_slope" and c.n_obs == 100 and c.slope == pytest.approx(0.871)
    # the IT category has competition data; no landed cost or compliance answer in IT yet: not ranked
    assert set(it["competition_source"]) == {"listings"} and set(it["status"]) == {"not_assessed"}
    assert fac.empty or "competitors" not in fac  # only scored candidates have factor rows
    assert out["candidates"] == 30 + 100 + len(niches)


def test_other_engines_outputs_become_factors_explanations_and_budget(tiny_warehouse: Path) -> None:
    """Rows as the demand, landed-cost, compliance and reviews stages write them feed the score."""
    con = connect(tiny_warehouse)
    try:
        con.execute(
            "INSERT INTO runs (run_id, kind, started_at, status) VALUES ('up', 'pipeline', now(), 'ok')"
        )
        weeks = ", ".join(
            f"('up', 't:p3|DE', 'product_market', 'W', 't:p3', 'DE', DATE '2024-01-01' + INTERVAL {7 * i} DAY, 'AutoETS', 100.0, 'forecast')"
            for i in range(30)
        )
        con.execute(
            f"INSERT INTO forecasts (run_id, unique_id, level, freq, product_id, market, ds, model, point, kind) VALUES {weeks}"
        )
        con.execute(
            "INSERT INTO trend_signals (run_id, unique_id, level, freq, signal, value) VALUES "
            "('up', 't:p3|DE', 'product_market', 'W', 'growth_13', 0.41), ('up', 't:p3|DE', 'product_market', 'W', 'growth_4', -0.5)"
        )
        con.execute(
            "INSERT INTO landed_costs (run_id, product_id, market, mode, as_of, currency, landed_cost, margin_pct) VALUES "
            "('up', 't:p3', 'DE', 'air', DATE '2024-01-01', 'EUR', 4.0, 0.10), "
            "('up', 't:p3', 'DE', 'sea_lcl', DATE '2024-01-01', 'EUR', 3.0, 0.32), "
            "('up', 't:p1', 'DE', 'sea_lcl', DATE '2024-01-01', 'EUR', 3.0, -0.20)"
        )
        con.execute(
            "INSERT INTO compliance_checks (run_id, product_id, market, rule_id, requirement, mandatory, lead_time_days_max, cost_max, currency, as_of) VALUES "
            "('up', 't:p3', 'DE', 'eu_toy_ce', 'CE under Toy Safety Directive 2009/48/EC (children under 14)', TRUE, 42, 1000, 'USD', DATE '2024-01-01'), "
            "('up', 't:p3', 'DE', 'eu_toy_test', 'Toy testing to EN 71-1/-2/-3 by a lab', TRUE, 30, 1500, 'USD', DATE '2024-01-01'), "
            "('up', 't:p3', 'DE', 'mp_policy', 'Marketplace policy', FALSE, 5, 10, 'USD', DATE '2024-01-01')"
        )
        con.execute(
            "INSERT INTO improvement_opportunities (run_id, scope, product_id, market, aspect, opportunity_score) VALUES "
            "('up', 'category', 'cat:home_kitchen', 'ZZ', 'lid leaks', 0.6)"
        )
        out = run_selection(con, get_settings(db_path=str(tiny_warehouse)), run_id="sel", sensitivity_draws=5)
        opp = (
            con.execute("SELECT * FROM opportunities WHERE run_id = 'sel'")
            .df()
            .set_index(["product_id", "market"])
        )
        fac = con.execute("SELECT * FROM opportunity_factors WHERE run_id = 'sel'").df()
    finally:
        con.close()
    row = opp.loc[("t:p3", "DE")]
    assert row["demand_6m"] == pytest.approx(26 * 100.0)  # 26 weekly points of the forecast
    assert row["margin_pct"] == pytest.approx(32.0)  # best shipping mode
    # the policy is not mandatory; compliance (42 days) runs alongside the CN -> EU sea LCL transit (28-50 days)
    assert row["compliance_items"] == 2 and row["time_to_market_days"] == 50
    en = row["explanation_en"]
    assert "rising demand +41%" in en and "margin 32% after duty and fees" in en
    assert "2 certifications needed (CE, EN 71; ~6 weeks)" in en
    assert (
        "on sale in about 50 days (sea LCL transit 50 days, production time unknown until a quote, "
        "compliance 42 days alongside)" in en
    )
    assert "需2项认证（CE, EN 71；约6周）" in row["explanation_zh"]
    # budget: first month of forecast units × landed cost (EUR) + 2,500 USD of compliance converted to EUR
    assert row["budget_currency"] == "EUR"
    assert 2500 * 0.8 < row["budget_needed"] - 2600 / 6 * 3.0 < 2500 * 1.0
    imp = fac[fac["factor"] == "improvement_score"]
    home = imp.merge(opp.reset_index()[["product_id", "market", "category"]], on=["product_id", "market"])
    assert (home.loc[home["category"] == "home_kitchen", "raw_value"] == 0.6).all()
    assert home.loc[home["category"] == "toys_games", "raw_value"].isna().all()
    assert opp.loc[("t:p1", "DE"), "margin_pct"] == pytest.approx(-20.0)
    # every factor traces to the run of the table it came from
    assert out["input_runs"] == {
        "forecasts": "up",
        "trend_signals": "up",
        "landed_costs": "up",
        "compliance_checks": "up",
        "compliance_summary": None,
        "improvement_opportunities": "up",
    }


def test_unsold_catalogue_products_with_a_quote_are_candidates_and_review_only_products_are_not(
    tiny_warehouse: Path,
) -> None:
    con = connect(tiny_warehouse)
    try:
        con.execute(
            "INSERT INTO products (product_id, source, title, category) VALUES "
            "('t:new', 'test', 'New mug', 'home_kitchen'), "
            "('uci_sentences:reviews_imdb_labelled', 'uci_sentences', 'UCI labelled sentences', 'other'), "
            "('womens_clothing:1080', 'womens_clothing', 'Dresses / Dresses', 'apparel')"
        )
        con.execute(
            "INSERT INTO supplier_offers (supplier_id, product_id, unit_cost, currency, moq) VALUES "
            "('s1', 't:new', 2.0, 'USD', 100)"
        )
        out = run_selection(con, get_settings(db_path=str(tiny_warehouse)), run_id="cat", sensitivity_draws=5)
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = 'cat'").df()
    finally:
        con.close()
    new = opp[opp["product_id"] == "t:new"]
    assert out["candidates"] == 30 + 3
    assert sorted(new["market"]) == ["DE", "FR", "GB"] and not new["sold_before"].any()
    assert new["demand_6m"].isna().all() and set(new["demand_source"]) == {"none"}
    assert set(new["status"]) == {"not_assessed", "home_baseline"}
    # products seen only in review files (no sale, listing or quote) are never candidates
    assert not opp["product_id"].str.startswith(("uci_sentences:", "womens_clothing:")).any()


def test_rating_gap_comes_from_reviews_when_listings_have_none(tiny_warehouse: Path) -> None:
    con = connect(tiny_warehouse)
    try:
        insert_engine_outputs(con)
        rows = ", ".join(f"('r{i}', 't:p1', 'FR', {3 + (i % 2)}, 'test')" for i in range(30))
        con.execute(f"INSERT INTO reviews (review_id, product_id, market_code, rating, source) VALUES {rows}")
        run_selection(con, get_settings(db_path=str(tiny_warehouse)), run_id="rv", sensitivity_draws=5)
        gap = con.execute(
            "SELECT f.raw_value, f.source_table FROM opportunity_factors f JOIN opportunities o USING (run_id, product_id, market) "
            "WHERE run_id = 'rv' AND factor = 'rating_gap' AND market = 'FR' AND o.category = 'home_kitchen'"
        ).df()
    finally:
        con.close()
    assert len(gap) > 0 and (gap["raw_value"] - 1.5).abs().max() < 1e-9  # 5 - mean of 3s and 4s
