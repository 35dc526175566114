"""Profiles: the shipped presets, user files that override them, and weight redistribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from xborder.core.errors import BadInputError
from xborder.domains.selection.factors import GROUPS
from xborder.domains.selection.profiles import PRESETS, factor_weights, load_profile


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_with_all_groups(name: str) -> None:
    p = load_profile(name)
    assert set(p.weights) == set(GROUPS)
    assert sum(p.weights.values()) == pytest.approx(1.0)
    assert p.description and p.description_zh


def test_presets_differ_in_the_intended_direction() -> None:
    growth, risk, capital = load_profile("high-growth"), load_profile("low-risk"), load_profile("low-capital")
    assert growth.weights["momentum"] > risk.weights["momentum"]
    assert risk.weights["volatility"] > growth.weights["volatility"]
    assert capital.weights["unit_economics"] == max(capital.weights.values())


def test_user_file_overrides_a_preset_and_adds_its_own(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        "[balanced.weights]\nmomentum = 1.0\n\n[mine.weights]\ndemand_size = 2\nvolatility = 1\n",
        encoding="utf-8",
    )
    p = load_profile(f"{f}:balanced")
    assert p.weights["momentum"] == 1.0 and p.weights["demand_size"] == 0.0
    assert p.source == str(f)
    assert load_profile("mine", user_file=f).weights["demand_size"] == 2.0


def test_single_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "weights.toml"
    f.write_text('method = "topsis"\n[weights]\ndemand_size = 1\n', encoding="utf-8")
    p = load_profile(str(f))
    assert p.name == "weights" and p.method == "topsis" and p.normalisation == "vector"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[x.weights]\ndemandsize = 1\n", "unknown factor group"),
        ("[x.weights]\nmomentum = -1\n", "must be a number >= 0"),
        ("[x]\nmethod = 'ahp'\n[x.weights]\nmomentum = 1\n", "method must be"),
        ("[x.weights]\nmomentum = 0\n", "no positive weight"),
        ("[x.weights\n", "not valid TOML"),
    ],
    ids=["typo in a group name", "negative weight", "unknown method", "all zero", "broken TOML"],
)
def test_bad_profiles_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputError, match=message):
        load_profile(f"{f}:x")


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(BadInputError) as e:
        load_profile("agressive")
    assert "balanced" in str(e.value)


def test_unavailable_groups_give_their_weight_to_the_others() -> None:
    p = load_profile("balanced")
    w = factor_weights(p, ["demand_6m", "orders_6m", "momentum_pct"])
    assert sum(w.values()) == pytest.approx(1.0)
    # demand_size 0.34 shared by 2 factors, momentum 0.04: ratio kept after rescaling
    assert w["demand_6m"] == pytest.approx(w["orders_6m"])
    assert w["momentum_pct"] / w["demand_6m"] == pytest.approx(0.04 / 0.17)


def test_the_profile_example_in_docs_selection_md_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "selection.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    f = tmp_path / "my-weights.toml"
    f.write_text(block, encoding="utf-8")
    p = load_profile(f"{f}:mine")
    assert p.weights["demand_size"] == 3 and p.factor_weights == {"order_hhi": 0.5}
    w = factor_weights(p, ["demand_6m", "momentum_pct", "order_hhi", "margin_pct"])
    assert sum(w.values()) == pytest.approx(1.0) and w["order_hhi"] > 0
