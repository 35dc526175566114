"""The run-level stress panel: the selection's top picks first, in rank order, with their probability of loss."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.domains.risk.stage.report import stress_panel, stress_rows
from xborder.domains.risk.tables import STRESS_TESTS
from xborder.domains.selection.tables import OPPORTUNITIES
from xborder.warehouse import connect
from xborder.warehouse.tables import write_frame


def _stress(n: int) -> pd.DataFrame:
    """n plans p0..p{n-1} in FR: base margin 1%..n%, probability of loss falling with it."""
    m = np.arange(1, n + 1) / 100.0
    return pd.DataFrame({
        "run_id": "r", "product_id": [f"p{i}" for i in range(n)], "market": "FR", "mode": "sea_lcl",
        "currency": "EUR", "draws": 500, "base_margin": m, "p_loss": 0.5 - m, "mc_error": 0.01,
        "mean_margin": m - 0.01, "p05": m - 0.2, "p25": m - 0.05, "p50": m, "p75": m + 0.02, "p95": m + 0.05,
    })  # fmt: skip


def test_picks_come_first_in_rank_order_then_plans_spread_over_margin() -> None:
    st = _stress(30)
    picks = pd.DataFrame({"product_id": ["p3", "p20", "zz"], "market": "FR", "rank": [2, 1, 3]}).sort_values(
        "rank"
    )
    rows = stress_rows(st, picks, room=8)
    assert list(rows["product_id"][:3]) == ["p20", "p3", "zz"] and list(rows["pick"][:3]) == [1, 2, 3]
    assert rows.loc[0, "p_loss"] == pytest.approx(0.5 - 0.21) and pd.isna(
        rows.loc[2, "p_loss"]
    )  # zz: untested
    # 5 places left for the 28 other paying plans: linspace(0, 27, 5) = 0, 6.75, 13.5, 20.25, 27 rounded (half to even): 0, 7, 14, 20, 27, highest first
    others = [f"p{i}" for i in range(30) if i not in (3, 20)]
    assert list(rows["product_id"][3:]) == [others[i] for i in (27, 20, 14, 7, 0)]
    assert rows["pick"][3:].isna().all()
    # more picks than room: only the first ones
    assert list(stress_rows(st, picks, room=2)["product_id"]) == ["p20", "p3"]


def test_the_panel_shows_the_picks_with_their_probability_of_loss(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    write_frame(con, STRESS_TESTS, _stress(40))
    opp = pd.DataFrame({"run_id": "sel", "product_id": ["p5", "p30", "p9"], "market": ["fr", "FR", "FR"],
                        "rank": [1, 2, 3], "status": ["ranked", "ranked", "gated"]})  # fmt: skip
    write_frame(con, OPPORTUNITIES, opp)
    en = stress_panel(con, "r", "en")
    zh = stress_panel(con, "r", "zh")
    con.close()
    table = en.tables[0][1]
    assert list(table["Plan"][:2]) == ["#1 p5 · FR", "#2 p30 · FR"] and len(table) == 15
    assert list(table["P(loss)"][:2]) == ["44.0% ± 1.0%", "19.0% ± 1.0%"]
    assert "First the selection's top 2 picks (of 2 ranked), #1 first" in en.intro
    assert (
        "median over them 31.5%; 0 without a stress test" in en.intro
        and "Then 13 other paying plans" in en.intro
    )
    assert list(en.figure.data[0].y[:2]) == ["#1 p5 · FR", "#2 p30 · FR"]
    assert "排名前 2 的推荐" in zh.intro
