"""The lane network: one row per leg (origin → destination by a mode), from three sources — the dated freight
rules of the rule base (default lanes, one per origin country × market × mode, the card landed cost uses), the
seller's rate sheets (``freight_lanes``) and paid container bookings (``freight_bookings``, median of recent
bookings per port pair).

Nodes are codes: an ISO2 country or market (``CN``, ``DE``), a UN/LOCODE port (``CNSZX``, ``DEHAM``: its country
is its first two letters), or any named hub or warehouse a rate sheet gives (with its country when stated).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "LANE_COLUMNS",
    "ASIA",
    "EUROPE",
    "default_lanes",
    "sheet_lanes",
    "booking_lanes",
    "node_country",
    "tag_chokepoints",
]

LANE_COLUMNS = (
    "lane_id", "carrier", "service", "origin", "destination", "origin_country", "destination_country",
    "destination_kind", "mode", "basis", "rate",
    "currency", "min_charge", "min_kg", "max_kg", "divisor", "container_cbm", "container_max_kg", "surcharge",
    "transit_days_median", "transit_days_p90", "clearance_days", "reliability", "via", "index_name",
    "valid_from", "source", "confidence",
)  # fmt: skip
# Sea lanes from these origins to these markets pass the Suez Canal and the Red Sea (Bab-el-Mandeb).
ASIA = frozenset("CN HK TW JP KR VN TH MY SG ID PH KH BD IN PK LK MM".split())
EUROPE = frozenset(
    "GB DE FR IT ES NL BE PL SE AT CZ DK FI GR HU IE LU PT RO SK SI BG HR EE LV LT CY MT TR".split()
)
_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def node_country(node: str) -> str | None:
    """ISO2 country of a node: the node itself (a country), the first two letters of a UN/LOCODE, else None."""
    n = str(node).upper()
    if re.fullmatch(r"[A-Z]{2}", n):
        return n
    if _LOCODE.match(n):
        return n[:2]
    return None


def tag_chokepoints(lanes: pd.DataFrame) -> pd.Series:
    """``via`` of lanes that do not state it: sea legs from East/South Asia to Europe or Turkey pass ``suez``;
    no other default lane is tagged (transpacific lanes are taken to land on the US West Coast)."""
    o = lanes["origin"].map(node_country)
    d = lanes["destination"].map(node_country)
    sea = lanes["mode"].isin(["sea_fcl", "sea_lcl"])
    auto = pd.Series(None, index=lanes.index, dtype=object)
    auto[sea & o.isin(ASIA) & d.isin(EUROPE)] = "suez"
    via = lanes["via"] if "via" in lanes else pd.Series(None, index=lanes.index, dtype=object)
    return via.where(via.notna(), auto)


def _card(rules: pd.DataFrame, origin: str, region: str, mode: str) -> pd.Series | None:
    """The rule landed cost uses: exact origin & region, then '*' fallbacks; the newest valid_from."""
    f = rules[rules["mode"] == mode]
    for o, r in ((origin, region), ("*", region), (origin, "*"), ("*", "*")):
        m = f[(f["origin"] == o) & (f["dest_region"] == r)]
        if len(m):
            return m.sort_values("valid_from", na_position="first", kind="stable").iloc[-1]
    return None


def default_lanes(
    rules: pd.DataFrame, regions: Mapping[str, str], pairs: Iterable[tuple[str, str]], modes: Iterable[str]
) -> pd.DataFrame:
    """One lane per origin country × market × mode from the freight rules in force (``rules``: the rows of
    reference/data/freight/rates.csv and derived_rates.csv valid on the day; ``regions``: market → freight
    region). Transit: median = the middle of the rule's range, 90th percentile = its top (the rules give a
    range only); per-shipment charges = origin + destination charges. A pair whose origin is not a country or
    whose destination is not a market (ports, warehouses: ``PORT02 → PORT09``) gets no default lane — the rules'
    ``*`` fallbacks would price it as any origin to any market."""
    rows = []
    for origin, market in sorted(set(pairs)):
        if node_country(origin) != str(origin).upper() or market not in regions:
            continue
        region = regions[market]
        for mode in modes:
            c = _card(rules, origin, region, mode)
            if c is None:
                continue
            lo, hi = _num(c.get("transit_days_min")), _num(c.get("transit_days_max"))
            rows.append({
                "lane_id": f"{c['rule_id']}:{origin}-{market}", "carrier": None, "service": None, "origin": origin,
                "destination": market, "destination_kind": "country", "mode": mode, "basis": _basis(c["basis"]),
                "rate": float(c["rate"]), "currency": c["currency"], "min_charge": _num(c.get("min_charge")),
                "min_kg": np.nan, "max_kg": np.nan, "divisor": _num(c.get("divisor")),
                "container_cbm": _num(c.get("container_cbm")), "container_max_kg": _num(c.get("container_max_kg")),
                "surcharge": _num(c.get("origin_charges"), 0) + _num(c.get("dest_charges"), 0),
                "transit_days_median": (lo + hi) / 2,
                "transit_days_p90": hi, "clearance_days": np.nan, "reliability": np.nan, "via": None,
                "index_name": None, "valid_from": c.get("valid_from"), "source": f"rule:{c['rule_id']}",
                "confidence": c.get("confidence"),
            })  # fmt: skip
    out = pd.DataFrame(rows, columns=list(LANE_COLUMNS))
    out["via"] = tag_chokepoints(out) if len(out) else out["via"]
    return out


def _basis(b: str) -> str:
    return {"kg": "kg", "cbm": "cbm", "container": "container"}.get(str(b), str(b))


def _num(v: object, default: float = np.nan) -> float:
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if np.isnan(x) else x


def sheet_lanes(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Lanes of the rate sheets valid on ``as_of`` (a sheet's rate without dates always is)."""
    if rows.empty:
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    d = pd.Timestamp(as_of)
    vf, vt = pd.to_datetime(rows["valid_from"]), pd.to_datetime(rows["valid_to"])
    r = rows[(vf.isna() | (vf <= d)) & (vt.isna() | (vt >= d))].copy()
    r["source"] = "sheet:" + r["source"].fillna("freight_lanes")
    r["confidence"] = "given"
    r["via"] = tag_chokepoints(r)
    return r.reindex(columns=list(LANE_COLUMNS)).reset_index(drop=True)


def booking_lanes(bookings: pd.DataFrame, as_of: dt.date, *, window_days: int = 365) -> pd.DataFrame:
    """One sea_fcl lane per port pair from the container bookings of the ``window_days`` up to the newest
    booking on or before ``as_of``: rate = median ocean freight, surcharge = median local charges (origin side
    only: the bookings carry no destination charges), 20 ft (28 m³, 21 t usable). No transit time is known."""
    if bookings.empty:
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    day = pd.to_datetime(bookings["booked_on"])
    b = bookings[day <= pd.Timestamp(as_of)]
    if b.empty:
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    end = pd.to_datetime(b["booked_on"]).max()
    start = end - pd.Timedelta(days=window_days)
    b = b[pd.to_datetime(b["booked_on"]) > start]
    g = b.groupby(["origin", "destination", "currency"], as_index=False).agg(
        rate=("rate", "median"), surcharge=("local_charges", "median"), bookings=("rate", "size")
    )
    out = pd.DataFrame({
        "lane_id": "bookings:" + g["origin"] + "-" + g["destination"], "origin": g["origin"],
        "destination": g["destination"], "destination_kind": "port", "mode": "sea_fcl", "basis": "container",
        "rate": g["rate"], "currency": g["currency"], "container_cbm": 28.0, "container_max_kg": 21000.0,
        "surcharge": g["surcharge"].fillna(0.0), "valid_from": (start + pd.Timedelta(days=1)).date(),
        "source": "bookings:" + g["bookings"].astype(str), "confidence": "observed",
    })  # fmt: skip
    out = out.reindex(columns=list(LANE_COLUMNS))
    out["via"] = tag_chokepoints(out)
    return out
