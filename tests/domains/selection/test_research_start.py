"""A research-only start: marketplace data (Keepa exports) and no own sales rank from market data, as estimates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.core.settings import get_settings
from xborder.domains.selection.explain import render_explanation
from xborder.domains.selection.stage.select import run_selection
from xborder.warehouse import connect


def test_a_warehouse_without_sales_or_listings_says_what_it_holds_and_what_to_load(db_path: Path) -> None:
    con = connect(db_path)
    try:
        with pytest.raises(BadInputError) as err:
            run_selection(con, get_settings(db_path=str(db_path)), run_id="x")
    finally:
        con.close()
    assert "no sold order lines, actual sales or marketplace listings" in str(err.value)
    assert "it holds: nothing yet" in str(err.value)
    assert "Keepa export" in (err.value.hint or "")


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # Keepa's xlsx, read for the check
def test_keepa_exports_alone_rank_listings_from_market_data_labelled_as_estimates(db_path: Path) -> None:
    from tests.conftest import shared_path

    from xborder.ingest import ingest_path

    it_file = shared_path("keepa_exports", "italy_2025-07-17_LPTrade994", "keepa_sample.xlsx")
    jp_file = shared_path(
        "keepa_exports", "japan_product_finder_2025-06_oosuoosu", "KeepaExport-2025-06-21-ProductFinder.xlsx"
    )
    con = connect(db_path)
    try:
        s = get_settings(db_path=str(db_path))
        ingest_path(con, it_file, "ranks", settings=s)
        ingest_path(con, jp_file, "ranks", settings=s)
        out = run_selection(con, s, run_id="run-research", sensitivity_draws=5)
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = 'run-research'").df()
    finally:
        con.close()
    # the relaxation is visible in the run's summary
    assert out["mode"] == "research" and out["inputs"]["research_only"] is True
    assert out["profile_settings"]["require"] == ["demand"]
    assert set(out["profile_settings"]["pass_unknown"]) >= {"margin_pct", "gross_profit_6m"}
    assert out["home_markets"] == [] and opp["research"].all()
    products = opp[opp["candidate_kind"] == "product"]
    it, jp = products[products["market"] == "IT"], products[products["market"] == "JP"]
    assert len(it) == 100 and len(jp) == 227  # one candidate per ASIN of each file
    # Italy shows Amazon's own "bought in past month": demand = that × 6, no interval
    sheet = pd.read_excel(it_file)
    bought = float(sheet.loc[sheet["ASIN"] == "B0DZ75RKZH", "Bought in past month"].iloc[0])
    ipad = it[it["product_id"] == "amazon:B0DZ75RKZH"].iloc[0]
    assert bought == 3000.0 and ipad["demand_6m"] == pytest.approx(6 * bought)
    assert set(it["demand_estimate"]) == {"observed"} and it["demand_6m_lo"].isna().all()
    # Japan has ranks only: demand estimated from the rank with its 80% interval, the curve's error unknown
    assert set(jp["demand_estimate"]) == {"rank"}
    assert (jp["demand_6m_lo"] < jp["demand_6m"]).all() and (jp["demand_6m"] < jp["demand_6m_hi"]).all()
    assert jp["demand_error"].isna().all()  # the literature curve: no known sales on amazon.co.jp
    # ranked from market data: nothing is "not assessed" for want of a margin; competition from the listings
    ranked = opp[opp["rank"].notna()]
    assert len(ranked) == len(opp) and set(ranked["margin_source"]) == {"none"}
    assert set(products["competition_source"]) == {"listings"}
    first = ranked.sort_values("rank").iloc[0]
    text = render_explanation(_messages(first["explanation"]), "en")
    assert text.startswith("ESTIMATE FROM MARKET DATA (no own sales")
    jp_text = render_explanation(_messages(jp.sort_values("rank").iloc[0]["explanation"]), "en")
    assert "estimated from the sales rank (80% interval" in jp_text and "literature curve" in jp_text
    zh = render_explanation(_messages(first["explanation"]), "zh")
    assert zh.startswith("基于市场数据的估计")


def _messages(raw: str) -> list[dict]:
    import json

    return json.loads(raw)
