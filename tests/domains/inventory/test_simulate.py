"""The lost-sales replay, checked by hand on tiny cases."""

from __future__ import annotations

import numpy as np

from xborder.domains.inventory.simulate import simulate_lost_sales, trailing_estimate


def _fixed(r: float, q: float):
    def policy(t: int, sales: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.full(len(sales), r), np.full(len(sales), q)

    return policy


def test_lost_sales_are_not_backordered() -> None:
    # 2 a day, 5 on hand, lead time 3 days, review daily, reorder at 0 for 10: day 0 sells 2, day 1 2, day 2 1 (1
    # lost); order placed on day 2 (position 0) arrives day 5; days 3-4 lose 4; from day 5 on 10 units again
    demand = np.full((1, 8), 2.0)
    res = simulate_lost_sales(demand, np.zeros((1, 0)), _fixed(0, 10), lead_time_days=3, lead_time_sd_days=0,
                              review_days=1, initial_stock=np.array([5.0]))  # fmt: skip
    assert res.sold.tolist() == [5.0 + 6.0] and res.demand.tolist() == [16.0]
    assert res.fill_rate == 11 / 16
    assert res.orders.tolist() == [1]  # position 0 on day 2 only; 4 are left on day 7


def test_cycle_service_counts_cycles_between_arrivals() -> None:
    # constant 1 a day, lead time 2, reorder at 1 with Q = 3: arrivals every 3 days, never short after the first
    demand = np.full((1, 30), 1.0)
    res = simulate_lost_sales(demand, np.zeros((1, 0)), _fixed(1, 3), lead_time_days=2, lead_time_sd_days=0,
                              review_days=1, initial_stock=np.array([3.0]))  # fmt: skip
    assert res.fill_rate == 1.0 and res.cycle_service == 1.0 and res.cycles.sum() >= 8
    short = simulate_lost_sales(demand, np.zeros((1, 0)), _fixed(0, 3), lead_time_days=2, lead_time_sd_days=0,
                                review_days=1, initial_stock=np.array([3.0]))  # fmt: skip
    assert (
        short.cycle_service == 0.0 and short.fill_rate < 1.0
    )  # reorder at 0 with a 2-day lead time: every cycle runs out


def test_trailing_estimate_leaves_out_days_that_ended_out_of_stock() -> None:
    sales = np.array([[4.0, 4.0, 1.0, 4.0]])
    ok = np.array([[True, True, False, True]])
    mean, sd = trailing_estimate(sales, ok, 4)
    assert mean.tolist() == [4.0] and sd.tolist() == [0.0]
