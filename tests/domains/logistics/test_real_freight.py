"""Logistics on real freight data: the Korean container bookings (lanes from bookings), the SCFI series (index
alerts), Brunel's FreightRates (weight-band air rates) — each expected figure recomputed here from the raw file
with pandas — through the stage, the Suez scenario and `xborder route ... --json`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.clirun import run_cli
from tests.conftest import shared_path
from xborder.core.settings import get_settings
from xborder.domains.logistics.stage import STAGE
from xborder.ingest import ingest_path
from xborder.pipeline.runner import run_stage
from xborder.reference.fx import load_fx
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

AS_OF = "2020-09-30"


def bookings_raw() -> pd.DataFrame:
    path = shared_path("korea_export_container_freight_2014_2020", "20ft.csv.gz")
    d = pd.read_csv(path, encoding="utf-8-sig", thousands=",")
    d["ONBOARD"] = pd.to_datetime(d["ONBOARD"])
    d["local"] = ((d["THC"] + d["W/F"] + d["D/FEE"]) / d["EX-RATE"]).round(2)
    return d


def scfi_raw() -> pd.Series:
    path = shared_path("scfi_shanghai_containerized_freight_index", "freight_index.csv")
    d = pd.read_csv(path, encoding="utf-8-sig")
    return d.set_index(pd.to_datetime(d["date"], format="%d/%m/%Y"))["value"].sort_index()


def on_or_before(s: pd.Series, day: str) -> float:
    return float(s[s.index <= pd.Timestamp(day)].iloc[-1])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("freight") / "f.duckdb"
    con = connect(db)
    settings = get_settings(db_path=str(db), pseudonym_key="k")
    got = []
    for parts in (("korea_export_container_freight_2014_2020", "20ft.csv.gz"),
                  ("scfi_shanghai_containerized_freight_index", "freight_index.csv")):  # fmt: skip
        got += [
            (r.layout, r.rows_in, r.rows_stored)
            for r in ingest_path(con, shared_path(*parts), "freight", settings=settings)
        ]
    assert got == [("korea_container_bookings", 15514, 15514), ("freight_index", 627, 627)]
    # A towel set made in Korea; landed cost has priced it for the US (USD) and Germany (EUR).
    con.execute("INSERT INTO products (product_id, source, category, weight_kg, length_cm, width_cm, height_cm, "
                "origin_country) VALUES ('custom:TOWEL', 'test', 'home', 0.5, 40, 30, 5, 'KR')")  # fmt: skip
    for market, currency in (("US", "USD"), ("DE", "EUR")):
        con.execute(
            "INSERT INTO landed_costs (run_id, product_id, market, mode, as_of, currency, units, landed_cost, "
            "freight) VALUES ('run-lc', 'custom:TOWEL', ?, 'sea_fcl', DATE '2020-09-30', ?, 500, 10.0, 1.0)",
            [market, currency],
        )
    con.close()
    return db


@pytest.fixture(scope="module")
def stage_run(warehouse: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    con = connect(warehouse)
    run_id, summary = run_stage(con, get_settings(db_path=str(warehouse)), STAGE, {"as_of": AS_OF})
    names = (
        "logistics_lanes",
        "logistics_routes",
        "logistics_impacts",
        "logistics_scenarios",
        "logistics_index_alerts",
    )
    frames = {n: read_rows(con, n, run_id) for n in names}
    con.close()
    return summary, frames


def test_booking_lanes_are_the_medians_of_the_last_year(stage_run) -> None:
    summary, f = stage_run
    raw = bookings_raw()
    window = raw[raw["ONBOARD"] > raw["ONBOARD"].max() - pd.Timedelta(days=365)]  # newest booking: 2020-09-30
    pairs = window.groupby(["POL", "DESTINATION"])
    assert summary["lanes"] == {
        "bookings": pairs.ngroups,
        "rule": 4,
    }  # 307 port pairs; sea + air KR→US, KR→DE
    lanes = f["logistics_lanes"].set_index("lane_id")
    busan_lb = window[(window["POL"] == "KRPUS") & (window["DESTINATION"] == "USLGB")]
    assert len(busan_lb) == 357 and lanes.at["bookings:KRPUS-USLGB", "source"] == "bookings:357"
    assert lanes.at["bookings:KRPUS-USLGB", "rate"] == busan_lb["RATE"].median() == 1262.0
    assert lanes.at["bookings:KRPUS-USLGB", "surcharge"] == pytest.approx(busan_lb["local"].median())
    # its rate dates from the window's first day (2019-10-02); SCFI then and on 2020-09-30
    scfi = scfi_raw()
    change = on_or_before(scfi, AS_OF) / on_or_before(scfi, "2019-10-02") - 1
    assert lanes.at["bookings:KRPUS-USLGB", "index_change"] == pytest.approx(change)
    assert change > 0.9 and bool(lanes.at["bookings:KRPUS-USLGB", "index_alert"])
    assert lanes.at["bookings:KRPUS-USLGB", "index_rate"] == pytest.approx(1262.0 * (1 + change))


def test_plans_are_the_cheapest_port_pair_and_suez_closure_adds_the_cape_surcharge(stage_run) -> None:
    _, f = stage_run
    raw = bookings_raw()
    window = raw[raw["ONBOARD"] > raw["ONBOARD"].max() - pd.Timedelta(days=365)]
    per_pair = window.groupby(["POL", "DESTINATION"]).agg(rate=("RATE", "median"), local=("local", "median"))
    box = (per_pair["rate"] + per_pair["local"]).rename("box")  # 500 towels, 3 m³ and 250 kg: one 20 ft box
    routes = f["logistics_routes"]
    plan = routes[(routes["scenario"] == "base") & routes["plan"]].set_index("market")
    for market in ("US", "DE"):
        cheapest = box[box.index.get_level_values(1).str.startswith(market)]
        pol, dest = cheapest.idxmin()
        assert plan.at[market, "lanes"] == f"bookings:{pol}-{dest}"
        assert plan.at[market, "cost_usd"] == pytest.approx(cheapest.min())
    assert plan.at["US", "lanes"] == "bookings:KRBUS-USLGB"  # 5 bookings at a median of USD 86: the real data
    # landed cost per unit: 10 − 1 (its freight) + the route's freight per unit, in the market's currency
    assert plan.at["US", "landed_cost_per_unit"] == pytest.approx(9 + plan.at["US", "cost_usd"] / 500)
    eur = load_fx().factor("USD", "EUR", AS_OF).rate
    assert plan.at["DE", "landed_cost_per_unit"] == pytest.approx(9 + plan.at["DE", "cost_usd"] / 500 * eur)
    # Suez closed: Busan → Hamburg sails the Cape (+USD 700 per TEU); the transpacific plan is untouched
    imp = f["logistics_impacts"].set_index("market")
    assert list(imp.index) == ["DE"] and bool(imp.at["DE", "rerouted"])
    assert imp.at["DE", "cost_per_unit_usd_new"] - imp.at["DE", "cost_per_unit_usd_base"] == pytest.approx(
        700 / 500
    )
    scen = f["logistics_scenarios"].set_index("scenario")
    assert scen.at["suez_closed", "affected_pairs"] == 1 and scen.at["panama_closed", "affected_pairs"] == 0
    # the air lane (USD 10.37/kg of the USAID air rule) is the fastest and on the Pareto front
    fastest = routes[(routes["scenario"] == "base") & routes["fastest"]]
    assert set(fastest["modes"]) == {"air"} and fastest["pareto"].all()
    assert fastest["cost_usd"].tolist() == pytest.approx(
        [10.37 * 500] * 2
    )  # 250 kg actual, 500 kg volumetric


def test_index_move_over_four_weeks(stage_run) -> None:
    summary, f = stage_run
    scfi = scfi_raw()
    latest = scfi[scfi.index <= pd.Timestamp(AS_OF)]
    base = on_or_before(scfi, str((latest.index[-1] - pd.Timedelta(weeks=4)).date()))
    a = f["logistics_index_alerts"].iloc[0]
    assert a["latest_value"] == latest.iloc[-1] and a["base_value"] == base
    assert a["change"] == pytest.approx(latest.iloc[-1] / base - 1)  # +14.3%: under the 15% threshold
    assert not bool(a["alert"]) and summary["index_alerts"][0]["alert"] is False


def test_cli_alerts_json_at_the_2022_peak(warehouse: Path, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(["--db", str(warehouse), "route", "alerts", "--as-of", "2022-01-07", "--weeks", "12",
                            "--threshold", "0.1", "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0
    scfi = scfi_raw()
    data = json.loads(out)
    a = data["alerts"][0]
    assert a["latest_on"] == "2022-01-07" and a["latest_value"] == scfi.max() == 5109.6
    assert a["change"] == pytest.approx(5109.6 / on_or_before(scfi, "2021-10-15") - 1)
    assert a["alert"] is True and data["messages"][0].startswith("FREIGHT_INDEX moved +")


def test_brunel_rate_card_weight_bands_through_route_plan(tmp_path: Path, monkeypatch, capsys) -> None:
    book = shared_path("brunel_supply_chain_logistics_problem", "Supply chain logistics problem.xlsx")
    rates = pd.read_excel(book, sheet_name="FreightRates")
    sheet = (
        tmp_path / "brunel_rates.csv"
    )  # the workbook's first sheet is OrderList: the rates sheet on its own
    rates.to_csv(sheet, index=False)
    db = str(tmp_path / "b.duckdb")
    code, out, _ = run_cli(
        ["--db", db, "ingest", str(sheet), "--as", "freight", "--json"], monkeypatch, capsys
    )
    assert code == 0
    res = json.loads(out)
    res = res["results"][0]
    assert (res["rows_in"], res["rows_stored"], res["rows_duplicate"]) == (1540, 1537, 3)
    assert rates.duplicated().sum() == 3
    # 100 units of 2 kg, 30×20×10 cm: 200 kg (volumetric 100 kg at 6000 cm³/kg)
    code, out, _ = run_cli(["--db", db, "route", "plan", "--product", "custom:X", "--origin", "PORT02", "--market",
                            "PORT09", "--units", "100", "--weight-kg", "2", "--dims", "30x20x10", "--as-of",
                            "2024-01-01", "--deadline", "1", "--json"], monkeypatch, capsys)  # fmt: skip
    assert code == 0
    routes = pd.DataFrame(json.loads(out)["routes"])
    lane = rates[(rates["orig_port_cd"] == "PORT02") & (rates["dest_port_cd"] == "PORT09")]
    band = lane[(lane["minm_wgh_qty"] <= 200) & (lane["max_wgh_qty"] >= 200)]
    cost = np.maximum(band["rate"] * 200, band["minimum cost"])
    assert len(routes) == len(band) == 14  # no rule-base lane between two named ports
    assert sorted(routes["cost_per_unit_usd"] * 100) == pytest.approx(sorted(cost))
    assert routes.loc[routes["cheapest"], "cost_per_unit_usd"].item() * 100 == pytest.approx(
        cost.min()
    )  # 11.44
    within = band.assign(cost=cost)[band["tpt_day_cnt"] <= 1]
    assert routes.loc[routes["plan"], "cost_per_unit_usd"].item() * 100 == pytest.approx(within["cost"].min())
