"""Mark-to-market of FX forwards: hand-computed golden cases (spot, interest parity, matured) and the real ECB day."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.core.settings import Settings
from xborder.domains.finance.hedge_value import hedge_value_totals, valuation_sentences, value_hedges
from xborder.domains.finance.hedges import hedge_rows
from xborder.domains.finance.stage.hedges import hedge_valuation, store_hedges
from xborder.warehouse import connect

DAY = dt.date(2027, 1, 1)


def _book() -> pd.DataFrame:
    return hedge_rows(pd.DataFrame([
        {"currency": "USD", "direction": "sell", "amount": "1000", "maturity": "2028-01-01", "forward_rate": "1.62"},
        {"currency": "USD", "direction": "buy", "amount": "400", "maturity": "2027-07-02", "forward_rate": "1.50"},
        {"currency": "USD", "direction": "sell", "amount": "200", "maturity": "2026-12-01", "forward_rate": "1.70"},
        {"currency": "USD", "direction": "sell", "amount": "300", "maturity": "2027-06-30"},
        {"currency": "USD", "direction": "sell", "amount": "900", "maturity": "2027-06-30", "forward_rate": "1.6",
         "trade_date": "2027-02-01"},
        {"currency": "GBP", "direction": "buy", "amount": "50", "maturity": "2027-06-30", "forward_rate": "1"},
    ]), "test")  # fmt: skip


def _spot(currency: str, day: dt.date) -> tuple[float, str]:
    """1.60 GBP per USD on every day except the first matured contract's day (1.75)."""
    return (1.75 if day == dt.date(2026, 12, 1) else 1.60), str(day)


def test_spot_valuation_hand_computed() -> None:
    v = value_hedges(_book(), DAY, "GBP", _spot).set_index("amount")
    # sold 1,000 USD at 1.62 GBP, spot 1.60: +1,000 x 0.02 = +20 GBP
    assert v.loc[1000.0, "value"] == pytest.approx(20.0) and v.loc[1000.0, "basis"] == "spot"
    # bought 400 at 1.50, spot 1.60: +400 x 0.10 = +40; 40 / (400 x 1.50) = 6.67% of the contract
    assert v.loc[400.0, "value"] == pytest.approx(40.0)
    assert v.loc[400.0, "value_share"] == pytest.approx(40 / 600)
    # matured on 2026-12-01 at a spot of 1.75: sold at 1.70, realised -200 x 0.05 = -10
    assert (v.loc[200.0, "status"], v.loc[200.0, "basis"]) == ("matured", "spot_at_maturity")
    assert v.loc[200.0, "value"] == pytest.approx(-10.0)
    # no agreed rate: unknown, not 0; traded after the day: not valued; the cash currency: no FX
    assert v.loc[300.0, "basis"] == "no_rate" and pd.isna(v.loc[300.0, "value"])
    assert v.loc[900.0, "status"] == "not_traded" and pd.isna(v.loc[900.0, "value"])
    assert v.loc[50.0, "status"] == "cash_currency"
    t = hedge_value_totals(v.reset_index())
    assert t == {"unrealised": pytest.approx(60.0), "realised": pytest.approx(-10.0), "total": pytest.approx(50.0),
                 "valued": 3, "unvalued": 1, "gains": 2, "losses": 1, "cash_currency_hedges": 1}  # fmt: skip


def test_interest_parity_valuation_reproduces_the_issue_forward() -> None:
    """Spot 1.60, cash-currency rate 5%, hedged-currency rate 6%, one year (365 days): F = 1.60 x 1.05 / 1.06."""
    one = _book().iloc[[0]]  # sold 1,000 USD at 1.62, maturing 2028-01-01: 365 days after 2027-01-01
    v = value_hedges(one, DAY, "GBP", _spot, {"GBP": 0.05, "USD": 0.06}).iloc[0]
    assert v["basis"] == "forward_irp" and v["years"] == 1.0
    assert round(v["market_rate"], 3) == 1.585
    # (1.62 - 1.584906) x 1,000 = 35.094 at maturity, discounted one year at 5%: 33.423
    assert v["value"] == pytest.approx((1.62 - 1.60 * 1.05 / 1.06) * 1000 / 1.05, rel=1e-12)
    assert round(v["value"], 3) == 33.423
    # without the USD rate the spot is used
    assert value_hedges(one, DAY, "GBP", _spot, {"GBP": 0.05}).iloc[0]["basis"] == "spot"


def _ecb_cny_per_usd(day: str) -> float:
    with zipfile.ZipFile(shared_path("ecb_euro_fx_reference_rates", "eurofxref-hist.zip")) as z:
        raw = pd.read_csv(z.open(z.namelist()[0]))
    r = raw[raw["Date"] == day].iloc[0]
    return float(r["CNY"]) / float(r["USD"])


@pytest.mark.shared_data
def test_warehouse_valuation_on_the_real_ecb_rate_and_its_staleness(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    store_hedges(con, hedge_rows(pd.DataFrame([
        {"currency": "USD", "direction": "sell", "amount": "2500", "maturity": "2026-06-30", "forward_rate": "7.20"},
    ]), "test"))  # fmt: skip
    settings = Settings(db_path=str(db), cash_currency="CNY")
    # 2026-02-10 is an ECB day: 7.2 - CNY/USD of that day, times 2,500
    v = hedge_valuation(con, settings, dt.date(2026, 2, 10))
    spot = _ecb_cny_per_usd("2026-02-10")
    assert v["fx_date"] == "2026-02-10" and not v["stale"] and v["basis"] == "spot"
    assert v["totals"]["unrealised"] == pytest.approx(2500 * (7.20 - spot), rel=1e-9)
    assert v["totals"]["unrealised"] == pytest.approx(712.92, abs=0.01)
    # valued on 2026-05-01 the newest ECB day is 2026-04-13 (the bundled table's last): 18 days old, stale
    late = hedge_valuation(con, settings, dt.date(2026, 5, 1))
    con.close()
    assert (late["fx_date"], late["fx_age_days"], late["stale"]) == ("2026-04-13", 18, True)
    assert late["totals"]["unrealised"] == pytest.approx(
        2500 * (7.20 - _ecb_cny_per_usd("2026-04-13")), rel=1e-9
    )
    lines = valuation_sentences(late, "en")
    assert lines[2] == ("Warning: the ECB rate of 2026-04-13 is 18 days older than 2026-05-01 (allowed 7): the "
                        "values are stale. Load a newer file with xborder fx update FILE.")  # fmt: skip
    assert "2026-04-13" in valuation_sentences(late, "zh")[1]


@pytest.mark.shared_data
def test_the_finance_hedges_panel_shows_each_contract_and_the_stale_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xborder.domains.finance.stage.report import hedges_panel

    monkeypatch.setenv("XBORDER_CASH_CURRENCY", "CNY")
    con = connect(tmp_path / "w.duckdb")
    assert hedges_panel(con, "r", "en").missing.startswith("No FX hedges recorded.")
    store_hedges(con, hedge_rows(pd.DataFrame([
        {"currency": "USD", "direction": "sell", "amount": "2500", "maturity": "2026-06-30", "forward_rate": "7.20"},
        {"currency": "EUR", "direction": "buy", "amount": "100", "maturity": "2026-06-30"},
    ]), "test"))  # fmt: skip
    panel = hedges_panel(con, "r", "zh", day=dt.date(2026, 5, 1))
    con.close()
    table = panel.tables[0][1].set_index("币种")
    value = 2500 * (7.20 - _ecb_cny_per_usd("2026-04-13"))
    assert table.loc["USD", "盈亏 (CNY)"] == f"{value:+,.2f}" and table.loc["EUR", "盈亏 (CNY)"] == "?"
    assert "2026-04-13" in panel.intro and "警告" in panel.intro and "1 笔对冲没有约定汇率" in panel.intro


@pytest.mark.shared_data
def test_the_hedges_panel_values_on_the_runs_day_not_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report re-rendered later keeps its run's values: the panel takes the run's day (its finance ``as_of``,
    else the day it started), and today only for a run the warehouse does not know."""
    from xborder.domains.finance.stage.report import hedges_panel, run_day
    from xborder.warehouse.runs import create_run

    monkeypatch.setenv("XBORDER_CASH_CURRENCY", "CNY")
    con = connect(tmp_path / "w.duckdb")
    store_hedges(con, hedge_rows(pd.DataFrame([
        {"currency": "USD", "direction": "sell", "amount": "2500", "maturity": "2026-06-30", "forward_rate": "7.20"},
    ]), "test"))  # fmt: skip
    create_run(con, "run-feb", params={"stage_params": {}}, fingerprint="f", stages={}, kind="pipeline")
    con.execute("UPDATE runs SET started_at = TIMESTAMP '2026-02-10 08:00:00' WHERE run_id = 'run-feb'")
    create_run(con, "run-asof", params={"stage_params": {"finance": {"as_of": "2026-02-10"}}}, fingerprint="f",
               stages={}, kind="finance")  # fmt: skip
    assert run_day(con, "run-feb") == run_day(con, "run-asof") == dt.date(2026, 2, 10)
    assert run_day(con, "no-such-run") is None
    for run in ("run-feb", "run-asof"):
        table = hedges_panel(con, run, "en").tables[0][1]
        assert (
            table.iloc[0]["Gain / loss (CNY)"]
            == f"{2500 * (7.20 - _ecb_cny_per_usd('2026-02-10')):+,.2f}"
            == "+712.92"
        )
    con.close()
