"""The profile's viability gate: candidates that lose money per unit never outrank viable ones."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.selection.explain import explain_row, render_explanation
from xborder.domains.selection.profiles import load_profile
from xborder.domains.selection.score import score_candidates


def _frame() -> pd.DataFrame:
    # p:a dominates on demand and momentum but loses 15% per unit; p:d has no margin estimate.
    return pd.DataFrame(
        {
            "product_id": ["p:a", "p:b", "p:c", "p:d", "p:e"],
            "market": ["GB", "GB", "DE", "DE", "FR"],
            "demand_6m": [5000.0, 300.0, 100.0, 50.0, 4000.0],
            "momentum_pct": [60.0, 10.0, -5.0, -30.0, 50.0],
            "demand_cv": [0.1, 0.3, 0.6, 0.9, 0.2],
            "margin_pct": [-15.0, 20.0, 10.0, np.nan, 4.0],
        }
    )


def test_negative_margin_ranks_after_every_viable_candidate() -> None:
    ungated = dataclasses.replace(load_profile("balanced"), min_margin_pct=None)
    assert score_candidates(_frame(), ungated).ranked["product_id"].iloc[0] == "p:a"  # the score alone
    r = score_candidates(_frame(), load_profile("balanced")).ranked
    assert r["product_id"].tolist()[-1] == "p:a"
    assert r.set_index("product_id")["viable"].to_dict() == {
        "p:a": False,
        "p:b": True,
        "p:c": True,
        "p:d": True,  # unknown margin is not gated
        "p:e": True,
    }
    assert r["rank"].tolist() == [1, 2, 3, 4, 5]
    viable = r[r["viable"]]
    assert viable["score"].is_monotonic_decreasing  # the gate keeps score order inside each part


def test_a_stricter_gate_moves_thin_margins_down_too() -> None:
    prof = dataclasses.replace(load_profile("balanced"), min_margin_pct=5.0)
    r = score_candidates(_frame(), prof).ranked
    assert set(r["product_id"].iloc[-2:]) == {"p:a", "p:e"}


def test_tiny_expected_demand_is_gated_too() -> None:
    fr = _frame()
    fr.loc[fr["product_id"] == "p:e", "demand_6m"] = 4.0  # a new market expected to sell 4 units
    r = score_candidates(fr, load_profile("balanced")).ranked.set_index("product_id")
    assert not r.loc["p:e", "viable"]
    en = render_explanation(explain_row(r.loc["p:e"].to_dict()), "en")
    assert en.startswith("NOT VIABLE (4 units/6 months < 30;")
    assert r.loc["p:e", "rank"] > r.loc[r["viable"], "rank"].max()
    off = dataclasses.replace(load_profile("balanced"), min_demand_6m=None)
    assert score_candidates(fr, off).ranked.set_index("product_id").loc["p:e", "viable"]


def test_explanation_says_not_viable() -> None:
    r = score_candidates(_frame(), load_profile("balanced")).ranked
    row = r[r["product_id"] == "p:a"].iloc[0]
    en, zh = (render_explanation(explain_row(row), lang) for lang in ("en", "zh"))
    assert en.startswith("NOT VIABLE") and "-15%" in en
    assert en.startswith("NOT VIABLE (margin -15% < 0%")
    assert zh.startswith("不可行（利润率-15% < 0%")
    ok_en = render_explanation(explain_row(r[r["product_id"] == "p:b"].iloc[0]), "en")
    assert "NOT VIABLE" not in ok_en


def test_profile_file_sets_or_disables_the_gate(tmp_path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text("[strict]\nmin_margin_pct = 12.5\n[strict.weights]\ndemand_size = 1\n", encoding="utf-8")
    assert load_profile(f"{f}:strict").min_margin_pct == 12.5
    assert load_profile(f"{f}:strict").min_demand_6m == 30.0  # the default when the file is silent
    f.write_text('[bad]\nmin_margin_pct = "ten"\n[bad.weights]\ndemand_size = 1\n', encoding="utf-8")
    with pytest.raises(BadInputError, match="min_margin_pct must be a number"):
        load_profile(f"{f}:bad")
