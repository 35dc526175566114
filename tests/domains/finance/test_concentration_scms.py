"""The supplier-concentration warning indicator on real deliveries: the USAID SCMS history (10,324 delivered
lines, 73 vendors), each figure recomputed here from the raw file with pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import get_settings
from xborder.domains.finance.stage.indicators_ops import ops_rows
from xborder.ingest import ingest_path
from xborder.reference.fx import load_fx
from xborder.warehouse import connect

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def _share(d: pd.DataFrame, end: pd.Timestamp) -> tuple[float, str]:
    w = d[(d["day"] > end - pd.Timedelta(days=365)) & (d["day"] <= end)]
    spend = w.groupby("vendor")["value"].sum()
    return float(spend.max() / spend.sum()), str(spend.idxmax())


def test_largest_vendors_share_of_a_years_deliveries(tmp_path: Path) -> None:
    path = shared_path("usaid_scms_delivery_history", "SCMS_Delivery_History_Dataset.csv.zip")
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw["day"] = pd.to_datetime(raw["Delivered to Client Date"], format="%d-%b-%y")
    raw["value"] = pd.to_numeric(raw["Line Item Value"], errors="coerce")
    raw["vendor"] = raw["Vendor"].str.strip().str.replace(r"\s+", " ", regex=True).str.lower()
    d = raw[raw["value"] > 0]
    end = d["day"].max()
    now, top = _share(d, end)
    before, _ = _share(d, end - pd.Timedelta(days=365))

    db = tmp_path / "s.duckdb"
    con = connect(db)
    ingest_path(con, path, None, settings=get_settings(db_path=str(db), pseudonym_key="k"))
    money = pd.DataFrame(columns=["posted_at", "category", "product_sales", "selling_fees", "fba_fees", "total",
                                  "deposit_date"])  # fmt: skip
    rows = ops_rows(con, money, load_fx(con), dt.date(2015, 12, 31)).set_index("indicator")
    con.close()
    got = rows.loc["supplier_concentration"]
    assert str(got["period"]) == str(end.date()) == "2015-09-14"
    assert got["subject"] == f"scms:{top}"
    assert got["value"] == pytest.approx(now, rel=1e-9) and got["previous"] == pytest.approx(before, rel=1e-9)
    # above the default limit (settings max_supplier_concentration, 50%): the indicator warns on this history
    assert got["value"] > get_settings().max_supplier_concentration and np.isfinite(got["previous"])
    print(f"SCMS: {top} {now:.1%} of the year to {end.date()} (year before {before:.1%})")
