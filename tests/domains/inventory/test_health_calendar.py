"""Slow movers, aged-inventory surcharges ahead (first-in first-out), clearance timed to the sourced calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xborder.domains.inventory.health import aged_fees_ahead, clearance, days_without_sales, slow_status
from xborder.reference import load_table
from xborder.reference.calendar import market_events


def test_slow_status_at_the_settings_thresholds() -> None:
    f = pd.DataFrame({"as_of": pd.to_datetime(["2025-06-30"] * 5),
                      "last_sale": pd.to_datetime(["2025-06-29", "2025-05-25", "2025-04-20", None, "2025-01-01"]),
                      "units_shipped_90d": [5, 1, 0, 0, np.nan]})  # fmt: skip
    quiet = days_without_sales(f)
    assert quiet.tolist() == [1.0, 36.0, 71.0, 90.0, 180.0]  # the order line's date wins over report windows
    status = slow_status(quiet, pd.Series([3, 3, 3, 3, 0]), (30, 60, 90))
    assert status.tolist() == ["active", "slow_30", "slow_60", "slow_90", "no_stock"]


def _stock(**kw: object) -> pd.DataFrame:
    row = {"as_of": dt.date(2025, 1, 1), "daily_rate": 0.0, "age_0_90": 0.0, "age_91_180": 10.0, "age_181_270": 0.0,
           "age_271_365": 0.0, "age_365_plus": 0.0, "cubic_feet": 0.5, "category": "home_kitchen",
           "fee_table": "amazon.US", **kw}  # fmt: skip
    return pd.DataFrame([row])


def test_aged_fees_by_hand_with_the_sourced_tiers() -> None:
    rules = load_table("fees/amazon_aged_inventory")
    # 10 units of age 135.5 on 2025-01-01, nothing sells: on the 15th of Mar/Apr/May/Jun they are 208.5, 239.5,
    # 269.5 and 300.5 days old → $0.50, $1.00, $1.50, $3.80 per cubic foot × 0.5 ft³ × 10 units
    f = aged_fees_ahead(_stock(), rules).iloc[0]
    assert f["first_fee_date"] == dt.date(2025, 3, 15) and f["aged_units_first"] == 10.0
    assert f["aged_units_next"] == 0.0  # 149.5 days old on 2025-01-15
    assert f["aged_fee_total"] == pytest.approx(2.5 + 5.0 + 7.5 + 19.0)
    assert f["rule_ids"] == ["AGED-US-181", "AGED-US-211", "AGED-US-241", "AGED-US-271"]
    # apparel pays nothing at 181-270 days
    assert aged_fees_ahead(_stock(category="apparel"), rules).iloc[0]["aged_fee_total"] == pytest.approx(19.0)
    # selling 0.1 a day first-in first-out: 7.3 sold by 2025-03-15, 2.7 left at 208.5 days
    sold = aged_fees_ahead(_stock(daily_rate=0.1), rules).iloc[0]
    assert sold["aged_units_first"] == pytest.approx(2.7) and sold["first_fee_date"] == dt.date(2025, 3, 15)
    # before the rule's valid_from (2023-04-15) nothing is valued: the rule base has no rule in force
    old = aged_fees_ahead(_stock(as_of=dt.date(2019, 12, 18)), rules).iloc[0]
    assert old["fee_unvalued"] == "no_rule" and np.isnan(old["aged_fee_total"])
    unknown = aged_fees_ahead(_stock(cubic_feet=np.nan), rules).iloc[0]
    assert unknown["fee_unvalued"] == "volume" and np.isnan(unknown["aged_fee_total"])


def test_clearance_picks_the_markets_next_researched_sales_event() -> None:
    ev = market_events()
    pick = clearance(dt.date(2025, 6, 1), "US", ev, before=dt.date(2025, 8, 15))
    assert (pick["event_id"], pick["before_fees"]) == ("US-PD-2025", True)
    late = clearance(dt.date(2025, 7, 12), "US", ev, before=dt.date(2025, 8, 15))
    assert (late["event_id"], late["before_fees"]) == ("US-PBDD-2025", False)
    assert clearance(dt.date(2025, 10, 1), "MX", ev)["event_id"] == "MX-BUENFIN-2025"
    assert clearance(dt.date(2025, 1, 1), "BR", ev) is None  # nothing researched for Brazil
    # European marketplaces: Prime Day rows from the reports that list each year's countries
    assert clearance(dt.date(2019, 6, 1), "GB", ev)["event_id"] == "GB-PD-2019"
    assert clearance(dt.date(2020, 8, 1), "DE", ev)["event_id"] == "DE-PD-2020"  # postponed to October 13


def test_calendar_rows_are_sourced_dated_and_black_friday_follows_the_statute() -> None:
    ev = load_table("calendar/events")
    assert ev["source"].str.match(r"^https?://").all() and ev["event_id"].is_unique
    assert ev["confidence"].isin(["high", "medium", "low"]).all()
    assert (ev["valid_from"] <= ev["valid_to"]).all()
    assert set(ev["kind"]) <= {"sales_event", "season", "factory_closure"}
    for year in range(2010, 2027):  # Thanksgiving: the fourth Thursday of November (5 USC 6103)
        nov = [dt.date(year, 11, d) for d in range(1, 31)]
        thanksgiving = [d for d in nov if d.weekday() == 3][3]
        bf = ev.set_index("event_id").loc[f"US-BF-{year}"]
        assert bf["valid_from"] == thanksgiving + dt.timedelta(days=1)
        assert ev.set_index("event_id").loc[f"US-CM-{year}", "valid_from"] == thanksgiving + dt.timedelta(
            days=4
        )
    cny = ev.set_index("event_id").loc["CN-CNY-2026"]
    assert (cny["valid_from"], cny["valid_to"], cny["confidence"]) == (
        dt.date(2026, 2, 15),
        dt.date(2026, 2, 23),
        "high",
    )
    assert set(ev["market"]) >= {"US", "MX", "CN", "SA", "SG", "ID"}


def test_aged_surcharge_tiers_are_contiguous_and_sourced() -> None:
    r = load_table("fees/amazon_aged_inventory").sort_values("rule_id", key=lambda s: s.str[8:].astype(int))
    lo, hi = pd.to_numeric(r["age_from_days"]), pd.to_numeric(r["age_to_days"])
    assert (
        lo.iloc[0] == 181
        and (lo.iloc[1:].to_numpy() == hi.iloc[:-1].to_numpy() + 1).all()
        and pd.isna(hi.iloc[-1])
    )
    assert r["source"].str.match(r"^https?://").all() and (r["valid_from"] == dt.date(2023, 4, 15)).all()
