"""The seller's cash currency: the setting, else the currency of most of their sales revenue, else USD."""

from __future__ import annotations

import duckdb

from xborder.core.settings import Settings
from xborder.domains.finance.stage.currency import seller_cash_currency


def test_cash_currency_follows_the_setting_then_the_revenue() -> None:
    con = duckdb.connect()
    assert seller_cash_currency(con, Settings(cash_currency=None)) == "USD"  # nothing to go by
    con.execute("CREATE TABLE money_movements (currency VARCHAR, total DOUBLE)")
    con.execute("INSERT INTO money_movements VALUES ('EUR', -50), ('usd', 20)")
    assert seller_cash_currency(con, Settings(cash_currency=None)) == "EUR"  # settlements by absolute value
    con.execute(
        "CREATE TABLE order_lines (status VARCHAR, currency VARCHAR, quantity DOUBLE, unit_price DOUBLE)"
    )
    con.execute(
        "INSERT INTO order_lines VALUES ('sold', 'GBP', 10, 2.5), ('sold', 'EUR', 100, 0.2), "
        "('returned', 'EUR', 1000, 9.0), ('sold', NULL, 1000, 9.0)"
    )
    assert seller_cash_currency(con, Settings(cash_currency=None)) == "GBP"  # 25 GBP of sales beat 20 EUR
    assert seller_cash_currency(con, Settings(cash_currency="cny")) == "CNY"  # the setting wins
    assert seller_cash_currency(None, Settings(cash_currency=None)) == "USD"
