"""Day-by-day stock on hand and at sea when a disruption delays every order at sea (logistics/stock_at_sea.py),
checked against a projection worked by hand."""

from __future__ import annotations

import numpy as np

from xborder.domains.logistics.stock_at_sea import project_stock_at_sea, stock_at_sea_summary


def test_a_30_day_delay_empties_the_shelf_from_day_11_to_day_36() -> None:
    # 10 units a day, lead time 10 days, daily review, r = 10 × 11 + 20 safety = 130, Q = 100 (a 10-day cycle)
    kw = {"daily_demand": np.array([10.0]), "reorder_point": np.array([130.0]), "order_quantity": np.array([100.0]),
          "lead_time_days": np.array([10.0]), "review_days": 1, "horizon_days": 40}  # fmt: skip
    base = project_stock_at_sea(delay_days=np.array([0]), **kw)
    new = project_stock_at_sea(delay_days=np.array([30]), **kw)
    # steady cycle: on day 0, 100 on hand after the day's sales and one order of 100 at sea, due on day 7
    assert base.on_hand[0, :8].tolist() == [100, 90, 80, 70, 60, 50, 40, 130]
    assert (base.at_sea[0] == 100).all() and (base.lost == 0).all()
    # delayed: the order at sea arrives on day 37 instead of 7; on day 7 the position (30 + 100) reaches r and
    # another 100 is ordered (due day 47): 200 at sea; the shelf is empty after day 10's sales
    assert new.at_sea[0, :7].tolist() == [100] * 7 and new.at_sea[0, 7:37].tolist() == [200] * 30
    assert new.on_hand[0, 7:11].tolist() == [30, 20, 10, 0] and new.on_hand[0, 37] == 90
    assert new.lost[0, :11].sum() == 0 and new.lost[0, 11:37].tolist() == [10] * 26
    s = stock_at_sea_summary(base, new, kw["daily_demand"]).iloc[0]
    assert s["at_sea_day0"] == 100 and np.isnan(s["first_stockout_day_base"])
    # lowest on hand: 40 units after day 6 (4 days of demand) before the day-7 arrival in the base; 0 delayed
    assert s["min_cover_days_base"] == 4 and s["min_cover_days_new"] == 0
    assert s["first_stockout_day_new"] == 11 and s["stockout_days_new"] == 26 and s["units_lost_new"] == 260


def test_pairs_are_projected_independently() -> None:
    one = {"daily_demand": np.array([10.0]), "reorder_point": np.array([130.0]), "order_quantity": np.array([100.0]),
           "lead_time_days": np.array([10.0]), "review_days": 7}  # fmt: skip
    # a second pair with a longer cycle and warm-up: 30 a day, r = 30 × (10 + 7) + 60, Q = 900 (30 days)
    second = {"daily_demand": 30.0, "reorder_point": 570.0, "order_quantity": 900.0, "lead_time_days": 10.0}
    two = {k: (np.append(v, second[k]) if isinstance(v, np.ndarray) else v) for k, v in one.items()}
    a = project_stock_at_sea(delay_days=np.array([14]), **one)
    b = project_stock_at_sea(delay_days=np.array([14, 0]), **two)
    assert np.array_equal(a.on_hand[0], b.on_hand[0]) and np.array_equal(a.lost[0], b.lost[0])
    assert b.lost[1].sum() == 0
