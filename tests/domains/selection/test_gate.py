"""The profile's viability gates: the seller's target margin, demand, profit; an unknown value fails its gate."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.domains.selection.explain import explain_row, render_explanation
from xborder.domains.selection.profiles import load_profile, resolve
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
            "margin_pct": [-15.0, 40.0, 26.0, np.nan, 24.0],
        }
    )


def _balanced(**settings: object) -> object:
    return resolve(load_profile("balanced"), Settings(**settings))  # type: ignore[arg-type]


def test_the_margin_gate_is_the_sellers_target_margin_and_unknown_fails() -> None:
    prof = _balanced()
    assert prof.min_margin_pct == 25.0 and Settings().target_margin == 0.25  # was 0.30 (issue 14)
    assert _balanced(target_margin=0.10).min_margin_pct == 10.0
    ungated = dataclasses.replace(prof, min_margin_pct=None)
    assert score_candidates(_frame(), ungated).ranked["product_id"].iloc[0] == "p:a"  # the score alone
    r = score_candidates(_frame(), prof).ranked
    assert r.set_index("product_id")["viable"].to_dict() == {
        "p:a": False,  # -15% < 25%
        "p:b": True,
        "p:c": True,
        "p:d": False,  # unknown margin fails the gate (it used to pass as "unknown")
        "p:e": False,  # 24% < 25%
    }
    assert r["product_id"].tolist()[:2] == ["p:b", "p:c"] and r["rank"].tolist() == [1, 2, 3, 4, 5]
    # a profile may let an unknown value pass, visibly
    relaxed = dataclasses.replace(prof, pass_unknown=("margin_pct",))
    assert score_candidates(_frame(), relaxed).ranked.set_index("product_id").loc["p:d", "viable"]


def test_tiny_expected_demand_is_gated_too() -> None:
    fr = _frame()
    fr.loc[fr["product_id"] == "p:b", "demand_6m"] = 4.0  # a new market expected to sell 4 units
    r = score_candidates(fr, _balanced()).ranked.set_index("product_id")
    assert not r.loc["p:b", "viable"]
    en = render_explanation(explain_row(r.loc["p:b"].to_dict()), "en")
    assert en.startswith("NOT VIABLE (4 units/6 months < 30;")
    off = dataclasses.replace(_balanced(), min_demand_6m=None)
    assert score_candidates(fr, off).ranked.set_index("product_id").loc["p:b", "viable"]


def test_expected_gross_profit_must_be_positive() -> None:
    fr = _frame().assign(gross_profit_6m=[9000.0, -50.0, 120.0, np.nan, 10.0])
    r = score_candidates(fr, _balanced()).ranked.set_index("product_id")
    assert not r.loc["p:b", "viable"] and r.loc["p:c", "viable"]  # 40% margin but a loss after one-off costs
    en = render_explanation(explain_row({**r.loc["p:b"].to_dict(), "profit_currency": "GBP"}), "en")
    assert en.startswith("NOT VIABLE (gross profit -50 GBP ≤ 0;")


def test_explanation_says_not_viable_and_unknown() -> None:
    r = score_candidates(_frame(), _balanced()).ranked.set_index("product_id")
    en, zh = (render_explanation(explain_row(r.loc["p:a"].to_dict()), lang) for lang in ("en", "zh"))
    assert en.startswith("NOT VIABLE (margin -15% < 25%; ranked after viable ones)")
    assert zh.startswith("不可行（利润率-15% < 25%")
    unknown = render_explanation(explain_row(r.loc["p:d"].to_dict()), "en")
    assert unknown.startswith("NOT VIABLE (margin after duty and fees unknown;")
    assert "NOT VIABLE" not in render_explanation(explain_row(r.loc["p:b"].to_dict()), "en")


def test_profile_file_sets_or_relaxes_the_gates(tmp_path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        "[strict]\nmin_margin_pct = 12.5\nrequire = ['demand']\npass_unknown = ['margin_pct']\n"
        "[strict.weights]\ndemand_size = 1\n",
        encoding="utf-8",
    )
    p = load_profile(f"{f}:strict")
    assert p.min_margin_pct == 12.5 and p.require == ("demand",) and p.pass_unknown == ("margin_pct",)
    assert load_profile(f"{f}:strict").min_demand_6m == 30.0  # the default when the file is silent
    assert resolve(p, Settings()).min_margin_pct == 12.5  # the file's value wins over the target margin
    f.write_text('[bad]\nmin_margin_pct = "ten"\n[bad.weights]\ndemand_size = 1\n', encoding="utf-8")
    with pytest.raises(BadInputError, match="min_margin_pct must be a number"):
        load_profile(f"{f}:bad")
    f.write_text("[bad]\nrequire = ['demand', 'margins']\n[bad.weights]\ndemand_size = 1\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"require has unknown name\(s\) \['margins'\]"):
        load_profile(f"{f}:bad")
