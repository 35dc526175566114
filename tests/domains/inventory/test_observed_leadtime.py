"""Lead times observed on real deliveries (USAID SCMS: PO sent → delivered to client) feed the stock plan's
lead time and its variability; each figure recomputed from the raw file with pandas."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from xborder.cli.main import app
from xborder.core.settings import get_settings
from xborder.domains.inventory.observed import delivery_days, observed_lead_times, pair_lead_times
from xborder.domains.inventory.stage import STAGE
from xborder.ingest import ingest_path
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

ITEM = "HIV 1/2, Determine Complete HIV Kit, 100 Tests"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    d = pd.read_csv(shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip"),
                    encoding="utf-8-sig")  # fmt: skip
    d["delivered"] = pd.to_datetime(d["Delivered to Client Date"], format="%d-%b-%y")
    d["po"] = pd.to_datetime(d["PO Sent to Vendor Date"], format="%m/%d/%y", errors="coerce")
    d["lead"] = (d["delivered"] - d["po"]).dt.days
    return d[d["po"].notna() & (d["lead"] >= 0)]


def test_scms_lead_times_per_lane_and_in_the_plan(tmp_path, raw: pd.DataFrame) -> None:
    db = tmp_path / "s.duckdb"
    con = connect(db)
    ingest_path(con, shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip"), None,
                settings=get_settings(db_path=str(db), pseudonym_key="k"))  # fmt: skip
    ev = read_rows(con, "supplier_events")
    dd = delivery_days(ev)
    assert len(dd) == len(raw)
    # per lane (destination × mode): Nigeria by air
    lanes = observed_lead_times(dd, "lane").set_index(["market", "mode"])
    ng = raw[(raw["Country"] == "Nigeria") & (raw["Shipment Mode"] == "Air")]["lead"]
    row = lanes.loc[("NG", "air")]
    assert row["deliveries"] == len(ng) and row["median_days"] == ng.median()
    assert row["sd_days"] == pytest.approx(ng.std()) and row["p90_days"] == pytest.approx(ng.quantile(0.9))
    # a forecast for the Determine kit in Nigeria: the plan's lead time is the observed mean + 7 inbound days,
    # its spread the observed sd
    kit = raw[(raw["Item Description"].str.strip() == ITEM) & (raw["Country"] == "Nigeria")]["lead"]
    assert len(kit) >= 100
    pid = f"scms:{ITEM}"
    write_frame(con, "forecasts", pd.DataFrame({
        "run_id": "run-f", "unique_id": f"{pid}|NG", "level": "product_market", "freq": "W", "product_id": pid,
        "market": "NG", "ds": pd.date_range("2015-10-05", periods=26, freq="7D"), "model": "AutoETS",
        "point": 40.0, "kind": "forecast"}))  # fmt: skip
    run_id, summary = run_stage(con, get_settings(db_path=str(db)), STAGE, {})
    plan = read_rows(con, "inventory_plans", run_id).iloc[0]
    con.close()
    assert plan["lead_time_source"] == f"observed:product_market:{len(kit)}"
    assert plan["lead_time_days"] == pytest.approx(kit.mean() + 7)
    assert plan["lead_time_sd_days"] == pytest.approx(kit.std())
    # a product with fewer than 5 deliveries anywhere takes the seller's lane: every delivery to Nigeria by air
    # (its landed cost's mode); by rail there is none, so no observed lead time
    counts = raw.groupby(raw["Item Description"].str.strip())["lead"].size()
    rare = sorted(counts[counts < 5].index)[0]
    pairs = pd.DataFrame({"product_id": [f"scms:{rare}"] * 2, "market": "NG", "mode": ["air", "rail"]})
    got = pair_lead_times(pairs, dd)
    assert got["observed_basis"].tolist()[0] == "lane" and pd.isna(got["observed_basis"].iloc[1])
    assert got["observed_deliveries"].iloc[0] == len(ng)
    assert got["observed_lead_days"].iloc[0] == pytest.approx(ng.mean())
    assert got["observed_lead_sd_days"].iloc[0] == pytest.approx(ng.std())
    # "air charter" is air too: Nigeria has no charter lines, so the air lane is the same set
    assert (raw[(raw["Country"] == "Nigeria")]["Shipment Mode"] == "Air Charter").sum() == 0
    res = CliRunner().invoke(app, ["--db", str(db), "--json", "inventory", "leadtimes", "--top", "0"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    cli = {(r["market"], r["mode"]): r for r in out["lead_times"]}
    assert out["deliveries"] == len(raw) and cli[("NG", "air")]["deliveries"] == len(ng)
    res = CliRunner().invoke(app, ["--db", str(db), "inventory", "leadtimes", "--by", "port"])
    assert "--by 'port': write one of product, supplier, lane." in str(res.exception)
