"""Lane costs, route choice, scenarios, consolidation and minimum-cost flow on small networks checked by hand,
and OR-Tools' published min-cost-flow example (cost 150)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.core.errors import BadInputError
from xborder.domains.logistics import (
    Arc,
    Container,
    Shipments,
    build_network,
    change_lanes,
    choose,
    close_chokepoints,
    compare_plans,
    consolidate,
    container_mix,
    leg_costs,
    min_cost_flow,
    parse_change,
    plan_routes,
    route_set,
)
from xborder.domains.logistics.lanes import LANE_COLUMNS, tag_chokepoints


def lanes(*rows: dict) -> pd.DataFrame:
    """Lanes with every declared column (missing ones NaN/None)."""
    return pd.DataFrame(list(rows)).reindex(columns=list(LANE_COLUMNS))


def test_or_tools_min_cost_flow_example_costs_150() -> None:
    # developers.google.com/optimization/flow/mincostflow: 5 nodes, 9 arcs, 20 units from 0 to 3 (5) and 4 (15)
    starts = [0, 0, 1, 1, 1, 2, 2, 3, 4]
    ends = [1, 2, 2, 3, 4, 3, 4, 4, 2]
    caps = [15, 8, 20, 4, 10, 15, 4, 20, 5]
    costs = [4, 4, 2, 2, 6, 1, 3, 2, 3]
    arcs = [Arc(*a) for a in zip(starts, ends, caps, costs, strict=True)]
    plan = min_cost_flow({0: 20, 1: 0, 2: 0, 3: -5, 4: -15}, arcs)
    assert plan.cost == 150.0
    # the published flows: 0→1 12, 0→2 8, 1→2 8, 1→3 4, 1→4 0, 2→3 12, 2→4 4, 3→4 11, 4→2 0
    assert plan.flows == [12, 8, 8, 4, 0, 12, 4, 11, 0]


def test_min_cost_flow_keeps_parallel_lanes_apart_and_refuses_what_cannot_flow() -> None:
    # two lanes CN → US: sea 3/unit for at most 60, air 9/unit; 100 units → 60 by sea, 40 by air = 180 + 360
    plan = min_cost_flow({"CN": 100, "US": -100}, [Arc("CN", "US", 60, 3.0), Arc("CN", "US", 1000, 9.0)])
    assert plan.flows == [60, 40] and plan.cost == 540.0
    with pytest.raises(BadInputError, match="must balance; they sum to 10"):
        min_cost_flow({"CN": 100, "US": -90}, [Arc("CN", "US", 1000, 3.0)])
    with pytest.raises(BadInputError, match="within the lane capacities"):
        min_cost_flow({"CN": 100, "US": -100}, [Arc("CN", "US", 50, 3.0)])


def test_leg_costs_by_basis_by_hand() -> None:
    net = lanes(
        {"lane_id": "air", "mode": "air", "basis": "kg", "rate": 5.0, "min_charge": 50.0, "divisor": 6000, "surcharge": 30.0},
        {"lane_id": "exp", "mode": "express", "basis": "kg", "rate": 10.0, "divisor": 5000},
        {"lane_id": "lcl", "mode": "sea_lcl", "basis": "cbm", "rate": 80.0, "min_charge": 100.0},
        {"lane_id": "fcl", "mode": "sea_fcl", "basis": "container", "rate": 2000.0, "surcharge": 300.0,
         "container_cbm": 28.0, "container_max_kg": 21000.0},
        {"lane_id": "band", "mode": "air", "basis": "kg", "rate": 4.0, "min_kg": 500.0, "divisor": 6000},
        {"lane_id": "bond", "mode": "bonded", "basis": "shipment", "rate": 120.0, "surcharge": 5.0},
    )  # fmt: skip
    # 100 units of 2 kg, 30×20×10 cm: 200 kg, 0.6 m³ (air volumetric 100 kg, express 120 kg)
    s = Shipments.of_products(
        pd.DataFrame({"weight_kg": [2.0], "length_cm": [30.0], "width_cm": [20.0], "height_cm": [10.0]}), 100
    )
    assert s.kg[0] == 200.0 and s.m3[0] == pytest.approx(0.6)
    got = leg_costs(net, s, np.ones(len(net)))[0]
    assert got[0] == pytest.approx(5 * 200 + 30)  # chargeable = actual 200 kg
    assert got[1] == pytest.approx(10 * 200)
    assert got[2] == pytest.approx(100.0)  # max(0.6 m³, 0.2 t) × 80 = 48 < minimum 100
    assert got[3] == pytest.approx(2300.0)  # one container
    assert np.isnan(got[4])  # below the lane's 500 kg band
    assert got[5] == pytest.approx(125.0)
    # light and bulky: 10 units of 0.1 kg, 50×40×30 cm → 1 kg actual, 0.6 m³ → air 100 kg, express 120 kg
    bulky = Shipments(np.array([10.0]), np.array([1.0]), np.array([0.6]))
    got = leg_costs(net, bulky, np.full(len(net), 0.5))[0]  # the lanes' currency is worth 0.5 USD
    assert got[0] == pytest.approx((5 * 100 + 30) * 0.5) and got[1] == pytest.approx(10 * 120 * 0.5)
    # express bills per started half kilo: 0.6 kg → 1.0 kg, 10 × 1.0 = 10 (above no minimum)
    tiny = Shipments(np.array([1.0]), np.array([0.6]), np.array([0.0001]))
    assert leg_costs(net, tiny, np.ones(len(net)))[0][1] == pytest.approx(10.0)
    # 60 m³ needs three 28 m³ containers
    big = Shipments(np.array([1.0]), np.array([5000.0]), np.array([60.0]))
    assert leg_costs(net, big, np.ones(len(net)))[0][3] == pytest.approx(3 * 2300.0)


SEA = {"mode": "sea_fcl", "basis": "container", "container_cbm": 28.0, "container_max_kg": 21000.0,
       "currency": "USD", "source": "sheet:t", "valid_from": "2024-01-01"}  # fmt: skip
AIR = {
    "mode": "air",
    "basis": "kg",
    "divisor": 6000,
    "currency": "USD",
    "source": "sheet:t",
    "valid_from": "2024-01-01",
}


def network() -> pd.DataFrame:
    """CN → DE: sea Shanghai → Hamburg (Suez) then truck, rail Chongqing → Duisburg, air Shenzhen → Frankfurt."""
    return lanes(
        {**SEA, "lane_id": "sea", "origin": "CNSHA", "destination": "DEHAM", "rate": 1800.0, "surcharge": 200.0,
         "transit_days_median": 35, "transit_days_p90": 40, "reliability": 0.8},
        {**AIR, "lane_id": "truck", "mode": "truck", "origin": "DEHAM", "destination": "DE", "rate": 0.1,
         "min_charge": 150.0, "transit_days_median": 2, "transit_days_p90": 3, "reliability": 0.95},
        {**SEA, "lane_id": "rail", "mode": "rail", "origin": "CNCKG", "destination": "DEDUI", "rate": 4000.0,
         "transit_days_median": 18, "transit_days_p90": 22, "clearance_days": 2},
        {**AIR, "lane_id": "air", "origin": "CNSZX", "destination": "DEFRA", "rate": 4.0, "min_charge": 100.0,
         "transit_days_median": 4, "transit_days_p90": 6, "clearance_days": 1},
    )  # fmt: skip


def ship(units: float, kg: float = 2.0) -> pd.DataFrame:
    return pd.DataFrame({"product_id": ["p"], "market": ["DE"], "origin": ["CN"], "destination": ["DE"],
                         "units": [units], "weight_kg": [kg], "length_cm": [30.0], "width_cm": [20.0],
                         "height_cm": [10.0]})  # fmt: skip


def test_routes_through_country_connectors_with_costs_and_times_by_hand() -> None:
    lanes_df = network()
    assert tag_chokepoints(lanes_df).fillna("-").tolist() == ["suez", "-", "-", "-"]  # CN → DE by sea only
    net = build_network(lanes_df.assign(via=tag_chokepoints(lanes_df)))
    rs = route_set(net, "CN", "DE")
    # a port joins its country at no cost: Hamburg reaches DE with or without the truck leg
    assert sorted(rs.routes) == [(0,), (0, 1), (2,), (3,)]
    # 500 units × 2 kg = 1000 kg, 3 m³
    r = plan_routes(net, ship(500), np.ones(4), keep_all=True).set_index("modes")
    assert r.loc["sea_fcl", "cost_usd"] == 2000 and r.loc["sea_fcl", "days_p90"] == 40
    assert r.loc["sea_fcl+truck", "cost_usd"] == pytest.approx(2000 + 150)  # truck: max(0.1 × 1000, 150)
    assert r.loc["sea_fcl+truck", "days_p90"] == 43 and r.loc["sea_fcl+truck", "via"] == "suez"
    assert r.loc["rail", "cost_usd"] == 4000 and r.loc["rail", "days_p90"] == 24  # 22 + 2 clearance
    assert r.loc["air", "cost_usd"] == 4000 and r.loc["air", "days_p90"] == 7
    assert r.loc["air", "cost_per_unit_usd"] == 8.0
    # reliability: the product of the legs' (0.8 × 0.95); unknown when no leg states one
    assert r.loc["sea_fcl+truck", "reliability"] == pytest.approx(0.76) and np.isnan(
        r.loc["rail", "reliability"]
    )
    assert r.loc["sea_fcl+truck", "days_median"] == 37 and r.loc["air", "days_median"] == 5
    # cheapest sea; fastest air; rail costs what air costs and is slower, sea + truck is beaten by sea alone
    assert r["cheapest"].to_dict() == {"sea_fcl": True, "sea_fcl+truck": False, "rail": False, "air": False}
    assert r["fastest"].to_dict() == {"sea_fcl": False, "sea_fcl+truck": False, "rail": False, "air": True}
    assert r["pareto"].to_dict() == {"sea_fcl": True, "sea_fcl+truck": False, "rail": False, "air": True}
    # within 30 days: air (rail costs the same, air is faster); within 5 USD per unit: sea (4.0, 40 days)
    r = plan_routes(net, ship(500), np.ones(4), deadline_days=30, budget_per_unit=5).set_index("modes")
    assert r.loc["air", "plan"] and r.loc["air", "cheapest_within_deadline"]
    assert r.loc["sea_fcl", "fastest_within_budget"] and not r.loc["sea_fcl", "plan"]


def test_choose_ties_and_unreachable_routes() -> None:
    cost = np.array([[5.0, 5.0, np.nan], [1.0, 2.0, 3.0]])
    time = np.array([10.0, 8.0, 1.0])
    c = choose(cost, time, ["sea", "sea", "air"], deadline_days=9)
    # equal cost: the faster wins; a route without a cost (outside a weight band) is never chosen
    assert c["cheapest"].tolist() == [[False, True, False], [True, False, False]]
    assert c["fastest"].tolist() == [[False, True, False], [False, False, True]]
    assert c["plan"].tolist() == [[False, True, False], [False, True, False]]
    assert c["pareto"].tolist() == [[False, True, False], [True, True, True]]
    assert c["best_in_mode"].tolist() == [[False, True, False], [True, False, True]]


def test_closing_suez_reroutes_by_the_cape_and_compare_plans() -> None:
    base_lanes = network().assign(via=lambda d: tag_chokepoints(d))
    closed = close_chokepoints(base_lanes, ["suez"])
    sea = closed.iloc[0]
    # a 28 m³ box is one TEU: + USD 700; + 10 days median and p90 (chokepoints.csv)
    assert sea["surcharge"] == 900.0 and sea["transit_days_p90"] == 50 and sea["via"] == "cape_of_good_hope"
    assert sea["lane_id"] == "sea~cape_of_good_hope" and "reroute:suez" in sea["source"]
    # 600 units, 1,200 kg: air 4,800, rail 4,000, sea 2,000
    base = plan_routes(build_network(base_lanes), ship(600), np.ones(4), deadline_days=45)
    new = plan_routes(build_network(closed), ship(600), np.ones(4), deadline_days=45)
    cmp = compare_plans(base, new, ["product_id", "market"]).iloc[0]
    # base: sea 2000 in 40 days; closed: 50 days by the Cape is too late → rail 4000 in 24 days
    assert cmp["modes_base"] == "sea_fcl" and cmp["modes_new"] == "rail" and bool(cmp["rerouted"])
    assert cmp["cost_change_usd"] == pytest.approx((4000 - 2000) / 600) and cmp["delay_days"] == 24 - 40
    assert cmp["cost_change_pct"] == pytest.approx(1.0)
    with pytest.raises(BadInputError, match="Unknown chokepoint"):
        close_chokepoints(base_lanes, ["hormuz"])


def test_lane_changes_are_parsed_and_applied() -> None:
    assert parse_change("air:cost=+20%").cost_factor == pytest.approx(1.2)
    assert parse_change("CNSHA-DEHAM:days=+7").extra_days == 7
    with pytest.raises(BadInputError, match="Cannot read the lane change 'air cost up'"):
        parse_change("air cost up")
    changed = change_lanes(network(), [parse_change("air:cost=+50%"), parse_change("CNCKG-DEDUI:days=+7")])
    assert changed.loc[3, "rate"] == 6.0 and changed.loc[3, "min_charge"] == 150.0
    assert changed.loc[2, "transit_days_p90"] == 29 and changed.loc[0, "rate"] == 1800.0
    with pytest.raises(BadInputError, match="No lane matches 'ship'"):
        change_lanes(network(), [parse_change("ship:days=+1")])


def test_container_mix_by_hand() -> None:
    options = [Container("20ft", 28.0, 21000.0, 1500.0), Container("40ft", 58.0, 26000.0, 2000.0)]
    # 70 m³, 10 t: a 40 ft and 12 m³ LCL at 80 = 2,960 beats 40+20 ft (3,500), 2×40 (4,000), all LCL (5,600)
    mix = container_mix(70.0, 10000.0, options, lcl_rate=80.0)
    assert mix.containers == {"20ft": 0, "40ft": 1} and mix.lcl_cbm == pytest.approx(12.0)
    assert mix.cost == pytest.approx(2960.0) and mix.container_share == pytest.approx(58 / 70)
    # without LCL: 40 + 20 ft
    assert container_mix(70.0, 10000.0, options).containers == {"20ft": 1, "40ft": 1}
    # heavy goods: 30 m³ but 40 t need two boxes by weight: 2 × 20 ft (42 t) = 3,000 < 40 + 20 ft (3,500)
    heavy = container_mix(30.0, 40000.0, options)
    assert heavy.containers == {"20ft": 2, "40ft": 0} and heavy.cost == pytest.approx(3000.0)
    with pytest.raises(BadInputError, match="No container or LCL option"):
        container_mix(1.0, 1.0, [])


def test_consolidation_saves_the_minimum_charges_and_splits_by_freight_tonnes() -> None:
    net = build_network(lanes({"lane_id": "lcl", "origin": "CN", "destination": "US", "mode": "sea_lcl",
                               "basis": "cbm", "rate": 80.0, "min_charge": 100.0, "transit_days_median": 30}))  # fmt: skip
    skus = pd.DataFrame({"product_id": ["a", "b"], "units": [100.0, 50.0], "weight_kg": [1.0, 10.0],
                         "length_cm": [20.0, 50.0], "width_cm": [20.0, 20.0], "height_cm": [10.0, 20.0]})  # fmt: skip
    # a: 100 × 4 L = 0.4 m³, 100 kg; b: 50 × 20 L = 1.0 m³, 500 kg → alone 100 (minimum) + 100 (minimum)
    out = consolidate(net, skus, "CN", "US", np.ones(1)).set_index("product_id")
    assert out.loc["a", "combined_cost_usd"] == pytest.approx(1.4 * 80)
    assert out.loc["a", "separate_cost_usd"] == pytest.approx(200.0)
    assert out.loc["a", "saving_usd"] == pytest.approx(200 - 112)
    assert out.loc["a", "sku_share"] == pytest.approx(0.4 / 1.4)  # max(t, m³): 0.4 and 1.0
    assert out.loc["b", "sku_cost_per_unit_usd"] == pytest.approx(112 * 1.0 / 1.4 / 50)
    with pytest.raises(BadInputError, match="No route from CN to DE"):
        consolidate(net, skus, "CN", "DE", np.ones(1))
