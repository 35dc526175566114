"""FX hedges: recorded contracts, their cover of the net exposure per currency, the hedge_cover indicator."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.domains.finance.hedges import hedge_cover, hedge_rows, read_hedge_file
from xborder.domains.finance.stage import run_finance
from xborder.domains.finance.stage.hedges import read_hedges, store_hedges
from xborder.schema.seller import MONEY_MOVEMENTS
from xborder.warehouse import connect
from xborder.warehouse.tables import read_rows, write_frame

DAY = dt.date(2026, 4, 10)


def _raw(**over: object) -> dict[str, object]:
    return {"currency": "usd", "direction": "Sell", "amount": "2,000", "maturity": "2026-06-30", **over}


def test_a_bad_hedge_row_names_its_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(BadInputError) as e:
        hedge_rows(pd.DataFrame([_raw(), _raw(direction="long")]), "hedges.csv")
    assert e.value.message == "hedges.csv, row 2, column direction: 'long' is not sell or buy."
    with pytest.raises(BadInputError) as e:
        hedge_rows(pd.DataFrame([_raw(maturity="next spring")]), "hedges.csv")
    assert e.value.message == "hedges.csv, row 1, column maturity: 'next spring' is not a date."
    f = tmp_path / "h.csv"
    f.write_text("currency,amount,maturity\nUSD,100,2026-05-01\n")
    with pytest.raises(BadInputError) as e:
        read_hedge_file(f)
    assert e.value.message == "h.csv: no column direction."
    ok = hedge_rows(pd.DataFrame([_raw()]), "hedges.csv").iloc[0]
    assert (ok["currency"], ok["direction"], ok["amount"], ok["maturity"]) == (
        "USD",
        "sell",
        2000.0,
        dt.date(2026, 6, 30),
    )


def test_cover_is_the_open_hedges_over_the_net_exposure() -> None:
    hedges = hedge_rows(pd.DataFrame([
        _raw(),                                                          # USD: sold forward, open
        _raw(amount="500", maturity="2026-03-31"),                       # matured before the day: not counted
        _raw(amount="700", trade_date="2026-05-01"),                     # traded after the day: not counted
        _raw(currency="EUR", direction="buy", amount="1500"),            # EUR owed 1,000: over-hedged
        _raw(currency="GBP", amount="100"),                              # GBP: no exposure at all
    ]), "test")  # fmt: skip
    net = pd.Series({"USD": 3675.5, "EUR": -1000.0, "JPY": 50_000.0})
    c = hedge_cover(net, hedges, DAY).set_index("currency")
    assert c.loc["USD", "hedged"] == 2000.0 and c.loc["USD", "net_unhedged"] == pytest.approx(1675.5)
    assert c.loc["USD", "hedge_cover"] == pytest.approx(2000 / 3675.5)
    assert c.loc["EUR", "hedged"] == -1500.0 and c.loc["EUR", "hedge_cover"] == pytest.approx(1.5)
    assert c.loc["JPY", "hedge_cover"] == 0.0 and c.loc["JPY", "net_unhedged"] == 50_000.0
    assert pd.isna(c.loc["GBP", "hedge_cover"]) and c.loc["GBP", "net_unhedged"] == -100.0


def _brl_seller(path: Path) -> None:
    """A seller paid in BRL: 100 BRL of orders a day, two fortnightly transfers (test_exposure.py's)."""
    con = connect(path)
    days = pd.date_range("2019-12-30", "2020-05-03")
    rows = pd.DataFrame({"posted_at": days, "category": "order", "total": 100.0})
    transfers = pd.DataFrame({"posted_at": pd.to_datetime(["2020-04-08", "2020-04-22"]), "category": "transfer",
                              "total": -1400.0})  # fmt: skip
    m = pd.concat([rows, transfers], ignore_index=True)
    m = m.assign(row_key=[f"k{i}" for i in range(len(m))], source="test", currency="BRL", market_code="BR")
    write_frame(con, MONEY_MOVEMENTS, m)
    con.close()


def test_the_finance_stage_warns_on_a_thin_hedge_cover(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _brl_seller(db)
    settings = Settings(db_path=str(db), cash_currency="CNY")
    con = connect(db)
    run_finance(con, settings, run_id="fin-0", as_of=dt.date(2020, 5, 9))
    # no hedges recorded: the cover is unknown (one seller row with no value), not 0 per currency
    unknown = read_rows(con, "warning_indicators", "fin-0", where="indicator = 'hedge_cover'")
    assert (
        unknown[["scope", "status"]].values.tolist() == [["seller", "no_data"]]
        and unknown["value"].isna().all()
    )
    counts = store_hedges(con, hedge_rows(pd.DataFrame([_raw(currency="BRL", amount="3000")]), "test"))
    assert counts == {"rows_in": 1, "stored": 1, "duplicate": 0}
    assert store_hedges(con, read_hedges(con))["duplicate"] == 1
    run_finance(con, settings, run_id="fin-1", as_of=dt.date(2020, 5, 9))
    row = read_rows(con, "warning_indicators", "fin-1", where="indicator = 'hedge_cover'").iloc[0]
    con.close()
    # long 9,800 BRL of payouts over 13 weeks (test_exposure.py), 3,000 sold forward: 30.6% < 50%
    assert (row["scope"], row["subject"]) == ("currency", "BRL")
    assert row["value"] == pytest.approx(3000 / 9800) and row["threshold"] == 0.5 and row["status"] == "warn"


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3] / "src")}
    return subprocess.run([sys.executable, "-m", "xborder.cli.main", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip


def test_no_hedges_is_said_not_shown_as_an_empty_table(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert _cli(db, "init").returncode == 0
    out = _cli(db, "fx", "hedge", "list")
    assert (
        out.returncode == 0 and "No FX hedges recorded: every foreign-currency amount is open" in out.stdout
    )
    assert "┏" not in out.stdout  # no empty table
    assert json.loads(_cli(db, "fx", "hedge", "list", "--json").stdout)["hedges"] == []


@pytest.mark.shared_data
@pytest.mark.slow
def test_hedges_of_the_bathmat_seller_through_the_cli(tmp_path: Path) -> None:
    """The bathmat seller kept in CNY is long 3,675.5 USD of payouts over 13 weeks (docs/finance.md)."""
    db = tmp_path / "w.duckdb"
    folder = shared_path("amazon_seller_central_us_bathmat_seller_2018_2020", "fees")
    assert _cli(db, "ingest", str(folder)).returncode == 0
    add = ["fx", "hedge", "add", "USD", "2500", "--maturity", "2026-06-30", "--sell", "--json"]
    assert json.loads(_cli(db, *add).stdout)["stored"] == 1
    assert json.loads(_cli(db, *add).stdout)["duplicate"] == 1
    f = tmp_path / "hedges.csv"
    f.write_text("currency,direction,amount,maturity\nUSD,buy,500,2026-09-30\nUSD,sell,900,2026-01-31\n")
    assert json.loads(_cli(db, "fx", "hedge", "load", str(f), "--json").stdout)["stored"] == 2
    bad = _cli(db, "fx", "hedge", "add", "USD", "0", "--maturity", "2026-06-30")
    assert (
        bad.returncode == 2
        and "command, row 1, column amount: 0.0 is not a positive amount" in bad.stdout + bad.stderr
    )
    day = _cli(db, "fx", "hedge", "list", "--as-of", "2026-13-01")
    assert day.returncode == 2 and "--as-of '2026-13-01' is not a date." in day.stdout + day.stderr
    listed = json.loads(_cli(db, "--json", "fx", "hedge", "list", "--as-of", "2026-04-10").stdout)["hedges"]
    assert sorted((h["direction"], h["amount"]) for h in listed) == [("buy", 500.0), ("sell", 2500.0)]
    out = json.loads(_cli(db, "fx", "exposure", "--base", "CNY", "--as-of", "2026-04-10", "--json").stdout)
    usd = next(r for r in out["rows"] if r["currency"] == "USD")
    # open on 2026-04-10: 2,500 sold, 500 bought (the January sale has matured): 2,000 of 3,675.5
    assert out["hedges_open"] == 2 and usd["net"] == pytest.approx(3675.5, abs=0.05)
    assert usd["hedged"] == 2000.0 and usd["hedge_cover"] == pytest.approx(2000 / usd["net"])
    # one foreign currency: the VaR of what is left open scales with it
    assert out["portfolio_var"] == pytest.approx(718, abs=0.5)
    assert out["portfolio_var_hedged"] == pytest.approx(
        out["portfolio_var"] * (usd["net"] - 2000) / usd["net"]
    )
