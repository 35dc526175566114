"""The selection's report panel on a real run: UCI Online Retail + II, costed and checked for DE, FR and CH."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from xborder.core.settings import get_settings
from xborder.warehouse import connect


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_panel_says_what_to_ask_the_supplier_on_a_real_run(
    retail_warehouse: Path, tmp_path: Path
) -> None:
    from xborder.domains.compliance.stage import run_compliance
    from xborder.domains.landed_cost.stage import run_landed_cost
    from xborder.domains.selection.quote import cost_ceiling, cost_slope
    from xborder.domains.selection.report import report_panels
    from xborder.domains.selection.stage.select import run_selection

    db = tmp_path / "retail.duckdb"
    shutil.copy(retail_warehouse, db)
    settings = get_settings(db_path=str(db), pseudonym_key="test-key-not-secret")
    con = connect(db)
    try:
        markets = ["DE", "FR", "CH"]
        run_landed_cost(con, settings, run_id="lc", markets=markets, max_products=40)
        run_compliance(con, settings, run_id="cc", markets=markets)
        run_selection(con, settings, run_id="sel", markets=markets, sensitivity_draws=5)
        en = report_panels(con, "sel", "en")
        zh = report_panels(con, "sel", "zh")
        opp = con.execute("SELECT * FROM opportunities WHERE run_id = 'sel' AND rank <= 50").df()
        lc = con.execute("SELECT * FROM landed_costs WHERE run_id = 'lc'").df()
    finally:
        con.close()
    (panel,) = en
    assert panel.key == "selection.quotes" and panel.missing is None and panel.figure is not None
    assert zh[0].title.startswith("按清单行动需要什么")
    caption, table = panel.tables[0]
    assert len(table) == min(20, len(opp)) and list(table.columns)[-2:] == [
        "what to ask the supplier",
        "time to market, days",
    ]
    # every costed pick's time to market is known: CN -> EU sea LCL transit is 50 days at most, air 10
    assert table["time to market, days"].notna().all()
    # "no unit cost passes" is what the landed-cost line says: its cost ceiling at the 25% gate is <= 0
    lc = lc.assign(margin_pct=100 * lc["margin_pct"], cost_slope=cost_slope(lc))
    best = (
        lc.dropna(subset=["margin_pct"])
        .sort_values("margin_pct")
        .drop_duplicates(["product_id", "market"], keep="last")
    )
    first = (
        opp.sort_values("rank")
        .head(20)
        .merge(best, on=["product_id", "market"], how="left", suffixes=("", "_lc"))
    )
    ceiling = cost_ceiling(first, 25.0)
    said = table["what to ask the supplier"].to_numpy()
    # The panel's ceiling counts the pick's share of a shipment shared with the other picks to its market
    # (combined freight), which can only lower its freight a unit: it is at least the stand-alone ceiling.
    for i, c in enumerate(ceiling):
        if pd.isna(c):
            assert said[i] == "no landed cost of its own"
            continue
        if said[i] == "no unit cost passes":
            assert c <= 0
            continue
        unit = f" {first['currency'].iloc[i]} a unit"
        assert said[i].startswith("a quote up to ") and said[i].endswith(unit), said[i]
        assert (
            float(said[i].removeprefix("a quote up to ").removesuffix(unit).replace(",", ""))
            >= round(c, 2) - 0.005
        )
    n = sum(int(s) for s in panel.intro.split("Of the list's first ")[1].split(":")[0].split())
    assert n == len(opp)
