"""Transit days of a landed-cost row's shipping mode, from the freight rule it used (rule base ``freight/*``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.reference import load_table

__all__ = ["transit_table", "transit_days"]


def transit_table() -> tuple[dict[str, float], dict[str, float]]:
    """Midpoint transit days per freight rule id, and the median midpoint per mode (for rules without one).

    Reads ``freight/rates`` and ``freight/derived_rates`` (derived lanes carry no transit days of their own).
    """
    frames = [load_table(name) for name in ("freight/rates", "freight/derived_rates")]
    f = pd.concat(frames, ignore_index=True)
    mid = (
        pd.to_numeric(f["transit_days_min"], errors="coerce")
        + pd.to_numeric(f["transit_days_max"], errors="coerce")
    ) / 2
    f = f.assign(mid=mid)
    by_rule = f.dropna(subset=["mid"]).drop_duplicates("rule_id", keep="last").set_index("rule_id")["mid"]
    by_mode = f.dropna(subset=["mid"]).groupby("mode")["mid"].median()
    return {str(k): float(v) for k, v in by_rule.items()}, {str(k): float(v) for k, v in by_mode.items()}


def transit_days(rules_used: pd.Series, modes: pd.Series) -> np.ndarray:
    """Transit days of each row: its freight rule's (the ``FR-`` id in ``rules_used``), else its mode's median.

    Args:
        rules_used: ``landed_costs.rules_used`` (rule ids joined by ``|``).
        modes: The rows' shipping modes.

    Returns:
        Days per row; NaN when neither the rule nor the mode has transit days.
    """
    by_rule, by_mode = transit_table()
    out = np.full(len(modes), np.nan)
    for i, (rules, mode) in enumerate(zip(rules_used.fillna(""), modes, strict=True)):
        fr = next((r for r in str(rules).split("|") if r.startswith("FR-")), None)
        out[i] = by_rule.get(fr, by_mode.get(str(mode), np.nan)) if fr else by_mode.get(str(mode), np.nan)
    return out
