"""Risk's part of an opportunity dossier: the pair's stress test, driver break-evens, risk register and alerts."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.dossier import Pair, Reader, Section, first

__all__ = ["SECTION", "build"]


def build(reader: Reader, pair: Pair) -> dict[str, Any]:
    """Stress summary, per-driver break-even and variance share, register rows (most urgent first), alerts."""
    key = {"product_id": pair.product_id, "market": pair.market}
    register = sorted(
        reader.rows("risk_register", **key), key=lambda r: (str(r.get("level")), -(r.get("priority") or 0.0))
    )
    reserve = sum(float(r["expected_loss"]) for r in register if r.get("expected_loss") == r.get("expected_loss")
                  and r.get("expected_loss") is not None)  # fmt: skip
    return {
        "stress": first(reader.rows("stress_tests", **key)),
        "drivers": reader.rows("stress_drivers", **key),
        "register": register,
        "risk_reserve": reserve if register else None,
        "alerts": reader.rows("rule_change_alerts", **key),
    }


SECTION = Section(
    "risk", build, tables=("stress_tests", "stress_drivers", "risk_register", "rule_change_alerts")
)
