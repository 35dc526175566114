"""Several products over shared lane capacities: one product gives the single-product flow (OR-Tools' example,
cost 150); two products competing for a cheap lane are split at least total cost, by hand."""

from __future__ import annotations

import pytest

from xborder.core.errors import BadInputError
from xborder.domains.logistics.flow import Arc
from xborder.domains.logistics.multiflow import multi_commodity_flow


def test_one_product_is_the_or_tools_min_cost_flow_example() -> None:
    starts, ends = [0, 0, 1, 1, 1, 2, 2, 3, 4], [1, 2, 2, 3, 4, 3, 4, 4, 2]
    caps, costs = [15, 8, 20, 4, 10, 15, 4, 20, 5], [4, 4, 2, 2, 6, 1, 3, 2, 3]
    arcs = [Arc(*a) for a in zip(starts, ends, caps, costs, strict=True)]
    plan = multi_commodity_flow({"p": {0: 20, 3: -5, 4: -15}}, arcs)
    assert plan.cost == 150.0 and plan.flows["p"] == [12, 8, 8, 4, 0, 12, 4, 11, 0]


def test_two_products_share_the_cheap_lane_at_least_total_cost() -> None:
    # CN→US: a cheap lane of 100 units at 3 a unit and a dear one of 1,000 units (9 a unit for B; A cannot use it:
    # 100). Alone each would take the cheap lane (80 + 60 > 100); together A keeps it (its alternative is dearer),
    # B takes the 20 left and 40 on the dear lane: 80·3 + 20·3 + 40·9 = 660.
    arcs = [Arc("CN", "US", 100, 3.0), Arc("CN", "US", 1000, 9.0)]
    plan = multi_commodity_flow({"A": {"CN": 80, "US": -80}, "B": {"CN": 60, "US": -60}}, arcs,
                                unit_cost={"A": [3.0, 100.0], "B": [3.0, 9.0]})  # fmt: skip
    assert plan.flows == {"A": [80, 0], "B": [20, 40]} and plan.cost == 660.0
    # capacity in m³: B's unit takes 2 m³ of the cheap lane's 100, costs are per m³ (3, 9): of the 200 m³ the
    # cheapest plan fills the cheap lane, whoever's units they are: 100·3 + 100·9 = 1,200
    plan = multi_commodity_flow({"A": {"CN": 80, "US": -80}, "B": {"CN": 60, "US": -60}}, arcs,
                                size={"B": 2.0})  # fmt: skip
    assert sum(a * s for a, s in zip([plan.flows["A"][0], plan.flows["B"][0]], [1, 2], strict=True)) == 100
    assert plan.cost == 1200.0


def test_unbalanced_or_infeasible_flows_are_refused_with_a_reason() -> None:
    with pytest.raises(BadInputError, match="Product B: supplies and demands must balance; they sum to 10"):
        multi_commodity_flow(
            {"A": {"CN": 5, "US": -5}, "B": {"CN": 70, "US": -60}}, [Arc("CN", "US", 100, 1.0)]
        )
    with pytest.raises(BadInputError, match="No flow meets every product's supplies"):
        multi_commodity_flow(
            {"A": {"CN": 80, "US": -80}, "B": {"CN": 60, "US": -60}}, [Arc("CN", "US", 100, 1.0)]
        )
