"""Disruption scenarios: close a chokepoint (its lanes sail the alternative: Suez → Cape of Good Hope, Panama →
Suez, with the dated, sourced extra days and surcharges of ``data/chokepoints.csv``), or raise a lane's cost or
time; then compare the re-routed plans with the base plans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError

__all__ = ["LaneChange", "chokepoints", "close_chokepoints", "change_lanes", "parse_change", "compare_plans"]


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = resources.files("xborder.domains.logistics").joinpath("data", "chokepoints.csv")
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


def chokepoints() -> pd.DataFrame:
    """The chokepoint table: alternative route, extra days (median, p90), surcharges, source, date, confidence."""
    return _table().copy()


def close_chokepoints(lanes: pd.DataFrame, closed: list[str]) -> pd.DataFrame:
    """Lanes with the chokepoints ``closed``: a lane passing one sails its alternative instead (``via`` names it,
    transit + the extra days, a container pays the surcharge per TEU — 2 TEU from 40 m³ up —, an LCL m³ its
    surcharge per m³); when the alternative is closed too, its own alternative is taken. Lanes of other modes
    through a closed point (none by default) are dropped."""
    table = {str(r["chokepoint"]): r for r in _table().to_dict("records")}
    unknown = sorted(set(closed) - set(table))
    if unknown:
        raise BadInputError(f"Unknown chokepoint(s) {unknown}.", hint=f"Known: {', '.join(table)}.")
    out: list[dict[str, Any]] = []
    for record in lanes.to_dict("records"):
        lane = {str(k): v for k, v in record.items()}
        via = lane.get("via")
        points = [p for p in str(via).split(";") if p] if isinstance(via, str) else []
        if set(points) & set(closed):
            if lane["mode"] not in ("sea_fcl", "sea_lcl"):
                continue
            lane = _reroute(lane, points, closed, table)
        out.append(lane)
    return pd.DataFrame(out, columns=lanes.columns)


def _f(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def _reroute(
    lane: dict[str, Any], points: list[str], closed: list[str], table: dict[str, Any]
) -> dict[str, Any]:
    """The lane sailing the alternatives of its closed chokepoints."""
    extra_med = extra_p90 = teu = cbm = 0.0
    route = []
    for p in points:
        while p in closed:
            row = table[p]
            extra_med += _f(row["extra_days_median"])
            extra_p90 += _f(row["extra_days_p90"])
            teu += _f(row["surcharge_per_teu"])
            cbm += _f(row["surcharge_per_cbm"])
            p = str(row["alternative"])
        route.append(p)
    size = _f(lane.get("container_cbm"))
    per_box = teu * (2.0 if np.isnan(size) or size >= 40 else 1.0)
    lane = dict(lane)
    if lane["basis"] == "container":
        lane["surcharge"] = np.nan_to_num(_f(lane.get("surcharge"))) + per_box
    elif lane["basis"] == "cbm":
        lane["rate"] = _f(lane["rate"]) + cbm
    lane["transit_days_median"] = _f(lane.get("transit_days_median")) + extra_med
    lane["transit_days_p90"] = _f(lane.get("transit_days_p90")) + extra_p90
    lane["via"] = ";".join(route)
    lane["lane_id"] = f"{lane['lane_id']}~{'+'.join(route)}"
    lane["source"] = f"{lane['source']} | reroute:{'+'.join(sorted(set(points) & set(closed)))}"
    return lane


@dataclass(frozen=True)
class LaneChange:
    """Raise (or lower) the lanes matching ``match`` — a lane id, a mode, or ``ORIGIN-DESTINATION`` — by a cost
    factor and extra days."""

    match: str
    cost_factor: float = 1.0
    extra_days: float = 0.0


_CHANGE = re.compile(r"^(?P<match>[^:]+):(?P<what>cost|days)=(?P<sign>[+-]?)(?P<num>\d+(\.\d+)?)(?P<pct>%?)$")


def parse_change(text: str) -> LaneChange:
    """``MATCH:cost=+20%`` (or ``cost=-10%``), ``MATCH:days=+7`` → :class:`LaneChange`."""
    m = _CHANGE.match(text.strip())
    if m is None:
        raise BadInputError(
            f"Cannot read the lane change {text!r}.",
            hint="Write MATCH:cost=+20% or MATCH:days=+7, MATCH a lane id, a mode (sea_fcl) or ORIGIN-DESTINATION.",
        )
    num = float(m["num"]) * (-1 if m["sign"] == "-" else 1)
    if m["what"] == "cost":
        return LaneChange(m["match"], cost_factor=1 + num / 100 if m["pct"] else 1 + num)
    return LaneChange(m["match"], extra_days=num)


def change_lanes(lanes: pd.DataFrame, changes: list[LaneChange]) -> pd.DataFrame:
    """Lanes with ``changes`` applied (rate, minimum and surcharge × factor; transit + days)."""
    out = lanes.copy()
    for c in changes:
        hit = (
            (out["lane_id"] == c.match)
            | (out["mode"] == c.match)
            | (out["origin"] + "-" + out["destination"] == c.match)
        )
        if not hit.any():
            raise BadInputError(
                f"No lane matches {c.match!r}.", hint="Use a lane id, a mode or ORIGIN-DESTINATION."
            )
        for col in ("rate", "min_charge", "surcharge"):
            out.loc[hit, col] = pd.to_numeric(out.loc[hit, col], errors="coerce") * c.cost_factor
        for col in ("transit_days_median", "transit_days_p90"):
            out.loc[hit, col] = pd.to_numeric(out.loc[hit, col], errors="coerce") + c.extra_days
    return out


def compare_plans(base: pd.DataFrame, scenario: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per shipment (``keys``): the base plan and the scenario's plan side by side — route, cost per unit and
    days (p90) — with the change, ``rerouted`` (another route) and ``unroutable`` (no route left)."""
    cols = ["route", "lanes", "modes", "cost_per_unit_usd", "days_median", "days_p90"]
    b = base[base["plan"]].drop_duplicates(keys).set_index(keys)[cols]
    s = scenario[scenario["plan"]].drop_duplicates(keys).set_index(keys)[cols]
    out = b.join(s, lsuffix="_base", rsuffix="_new", how="left")
    out["unroutable"] = out["route_new"].isna()
    out["rerouted"] = ~out["unroutable"] & (out["lanes_new"] != out["lanes_base"])
    out["cost_change_usd"] = out["cost_per_unit_usd_new"] - out["cost_per_unit_usd_base"]
    out["cost_change_pct"] = out["cost_change_usd"] / out["cost_per_unit_usd_base"]
    out["delay_days"] = out["days_p90_new"] - out["days_p90_base"]
    return out.reset_index()
