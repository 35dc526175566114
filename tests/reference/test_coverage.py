"""Research horizons: an answer dated past where the rule base was researched says so."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from xborder.cli.main import app
from xborder.domains.landed_cost import ProductInput, landed_cost
from xborder.reference.coverage import research_notes


def test_us_additional_duties_horizon_and_the_rule_base_check_date() -> None:
    assert research_notes(["US"], dt.date(2026, 7, 24)) == []  # the last researched day
    (us,) = research_notes(["us"], dt.date(2026, 7, 25))
    assert us.startswith("Research horizon (US): additional duties") and "2026-07-24" in us
    assert research_notes(["DE"], dt.date(2026, 11, 27)) == []  # no DE horizon; within the 90 days' grace
    (late,) = research_notes(["DE"], dt.date(2027, 3, 1))
    assert late.startswith("Research horizon (all markets)") and "2026-11-26" in late
    assert len(research_notes(["US", "DE"], dt.date(2027, 3, 1))) == 2
    # an area filter keeps the all-markets row but drops the US duty one
    assert len(research_notes(["US"], dt.date(2027, 3, 1), areas=["compliance"])) == 1


def test_landed_cost_answers_carry_the_note_only_past_the_horizon() -> None:
    mug = ProductInput(category="home_kitchen", hs_code="691200", unit_cost=2.0, weight_kg=0.4)
    after = landed_cost(mug, "US", "sea_lcl", date="2026-09-01", price=14.99)
    before = landed_cost(mug, "US", "sea_lcl", date="2026-06-01", price=14.99)
    assert any(n.startswith("Research horizon (US)") for n in after.notes)
    assert not any(n.startswith("Research horizon") for n in before.notes)

    # and the Section 122 line is in the June answer, not in the September one
    def rule_ids(res: object) -> set[str]:
        return {i for ln in res.to_dict()["lines"] for i in str(ln.get("rule_id") or "").split("|")}  # type: ignore[attr-defined]

    assert "US-S122" in rule_ids(before) and "US-S122" not in rule_ids(after)


def test_compliance_json_lists_the_horizon_note_after_the_grace() -> None:
    r = CliRunner().invoke(
        app, ["--json", "compliance", "--category", "toys_games", "-m", "DE", "--date", "2027-06-01"]
    )
    assert r.exit_code == 0, r.output
    notes = json.loads(r.stdout)["notes"]
    assert len(notes) == 1 and notes[0].startswith("Research horizon (all markets)")
