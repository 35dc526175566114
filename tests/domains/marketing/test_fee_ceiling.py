"""The fee ceiling of ACoS: by hand on a small frame, and on the bathmat seller's date-range reports against
sums of the raw files (campaigns above it from the raw December–January campaign report)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from tests.domains.marketing.test_real_ads import _amount
from tests.ingest.helpers import ingest
from xborder.core.settings import Settings
from xborder.domains.marketing.fees import above_ceiling, fee_ceilings
from xborder.domains.marketing.report import report_panels
from xborder.domains.marketing.stage import STAGE
from xborder.pipeline.runner import run_stage
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows


def _movements() -> pd.DataFrame:
    rows = [  # category, order, product sales, rebates, selling fees, fba fees
        ("order", "o1", 20.0, 0.0, -3.0, -5.0),
        ("order", "o1", 20.0, -2.0, -3.0, -5.0),
        ("order", "o2", 60.0, 0.0, -9.0, -8.0),
        ("refund", "o2", -60.0, 0.0, 7.2, 0.0),
        ("fba_fee", None, 0.0, 0.0, 0.0, 0.0),
    ]
    df = pd.DataFrame(rows, columns=["category", "order_id", "product_sales", "promotional_rebates", "selling_fees",
                                     "fba_fees"])  # fmt: skip
    return df.assign(marketplace_id="amazon.US", currency="USD", posted_at=pd.Timestamp("2024-05-01"))


def test_fee_ceiling_by_hand() -> None:
    (r,) = fee_ceilings(_movements()).to_dict(orient="records")
    assert (r["orders"], r["product_sales"], r["selling_fees"], r["fba_fees"]) == (2, 100.0, -15.0, -18.0)
    assert r["fee_ceiling_acos"] == pytest.approx((100 - 2 - 15 - 18) / 100)  # 65 % left before product cost
    assert r["refunds"] == pytest.approx(-52.8)
    assert r["refund_ceiling_acos"] == pytest.approx((65 - 52.8) / 100)
    campaigns = pd.DataFrame({"marketplace_id": "amazon.US", "currency": "USD", "campaign": ["a", "b", "c"],
                              "spend": [70.0, 10.0, 5.0], "sales": [100.0, 100.0, 0.0]})  # fmt: skip
    (a,) = above_ceiling(campaigns, fee_ceilings(_movements())).to_dict(orient="records")
    # a: ACoS 70 % > 65 %; b: 10 %; c: spend without sales (above any ceiling)
    assert (a["campaigns"], a["campaigns_above"], a["spend_above"], a["sales_above"]) == (3, 2, 75.0, 100.0)
    assert a["loss_at_zero_cost"] == pytest.approx(75 - 0.65 * 100)
    assert a["account_loss_at_zero_cost"] == pytest.approx(85 - 0.65 * 200)
    assert fee_ceilings(_movements().iloc[3:]).empty  # no order rows: no ceiling


@pytest.mark.slow
@pytest.mark.shared_data
def test_bathmat_fee_ceiling_equals_the_raw_date_range_reports(tmp_path: Path) -> None:
    fees = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "fees")
    campaign = shared_path(
        "amazon_seller_central_us_bathmat_seller_2018_2020", "ads", "Campaign 12.1-1.15.csv"
    )
    con = connect(tmp_path / "wh.duckdb")
    try:
        ingest(con, fees, None, tmp_path)
        ingest(con, campaign, None, tmp_path)
        settings = Settings(db_path=str(tmp_path / "wh.duckdb"), pseudonym_key="test-key-not-secret")
        run_id, _ = run_stage(con, settings, STAGE, STAGE.parse({}))
        (r,) = read_rows(con, "ad_fee_ceilings", run_id).to_dict(orient="records")
        budget = read_rows(con, "ad_budget", run_id)
        acos = report_panels(con, run_id, "en")[0]
    finally:
        con.close()
    # by hand: the four files, a row repeated in a later file (the overlapping months) counted once
    files = [pd.read_csv(p, dtype=str).fillna("") for p in sorted(fees.glob("*.csv.gz"))]
    raw = pd.concat([f.assign(n=f.groupby(list(f.columns)).cumcount()) for f in files]).drop_duplicates()
    orders, refunds = raw[raw["type"] == "Order"], raw[raw["type"] == "Refund"]
    cols = ["product sales", "promotional rebates", "selling fees", "fba fees"]
    sums = [float(_amount(orders[c]).sum()) for c in cols]
    assert sums == pytest.approx([62716.70, -1280.88, -9288.45, -11169.45], abs=0.005)
    assert [r["product_sales"], r["promotional_rebates"], r["selling_fees"], r["fba_fees"]] == pytest.approx(
        sums
    )
    assert r["orders"] == orders["order id"].nunique() == 1180
    assert r["fee_ceiling_acos"] == pytest.approx(sum(sums) / sums[0])  # 65.3 %
    back = sum(float(_amount(refunds[c]).sum()) for c in cols)
    assert r["refund_ceiling_acos"] == pytest.approx((sum(sums) + back) / sums[0])  # 53.9 %
    # campaigns of the December–January report above 65.3 %, from the raw file
    c = pd.read_csv(campaign, dtype=str, encoding="utf-8-sig")
    per = pd.DataFrame({"campaign": c["Campaign Name"], "spend": _amount(c["Spend"]),
                        "sales": _amount(c["7 Day Total Sales "])}).groupby("campaign").sum()  # fmt: skip
    above = per[per["spend"] > r["fee_ceiling_acos"] * per["sales"]]
    assert (r["campaigns"], r["campaigns_above"]) == (len(per), len(above))
    assert r["spend_above"] == pytest.approx(above["spend"].sum())
    assert r["loss_at_zero_cost"] == pytest.approx(
        above["spend"].sum() - r["fee_ceiling_acos"] * above["sales"].sum()
    )
    # the ACoS-over-time panel draws the ceiling (red dash-dot) and lists it with the account's totals
    lines = [sh.y0 for sh in acos.figure.layout.shapes if sh.line.dash == "dashdot"]
    assert acos.key == "marketing.acos_over_time" and lines == [pytest.approx(100 * r["fee_ceiling_acos"])]
    assert acos.tables[0][1]["fee ceiling"].tolist() == [pytest.approx(r["fee_ceiling_acos"])]
    # no product cost is known: the budget's profit change uses the ceiling, the highest margin possible
    assert len(budget) and set(budget["margin_source"]) == {"fee_ceiling"}
    assert budget["margin_share"].tolist() == [pytest.approx(r["fee_ceiling_acos"])] * len(budget)
