"""The currency the seller keeps cash in: the setting, else the currency of most of their sales revenue."""

from __future__ import annotations

from typing import Any

from xborder.warehouse.tables import table_exists

__all__ = ["DEFAULT_CASH_CURRENCY", "seller_cash_currency"]

DEFAULT_CASH_CURRENCY = "USD"
"""Used only when the setting is empty and the warehouse holds no priced sale or money movement."""

_REVENUE = {
    "order_lines": (
        "SELECT upper(currency) FROM order_lines WHERE status = 'sold' AND currency IS NOT NULL "
        "GROUP BY 1 ORDER BY sum(quantity * coalesce(unit_price, 0)) DESC, 1 LIMIT 1"
    ),
    "money_movements": (
        "SELECT upper(currency) FROM money_movements WHERE currency IS NOT NULL "
        "GROUP BY 1 ORDER BY sum(abs(coalesce(total, 0))) DESC, 1 LIMIT 1"
    ),
}


def seller_cash_currency(con: Any, settings: Any) -> str:
    """ISO 4217 code of the seller's cash: ``settings.cash_currency`` when set, else the currency of most of the
    sales revenue in ``order_lines`` (by value), else of ``money_movements`` (settlements), else USD.

    Args:
        con: Warehouse connection (None: only the setting or USD).
        settings: Settings with ``cash_currency`` (None or "" = from the data).
    """
    if settings.cash_currency:
        return str(settings.cash_currency).upper()
    if con is not None:
        for table, sql in _REVENUE.items():
            if table_exists(con, table):
                row = con.execute(sql).fetchone()
                if row and row[0]:
                    return str(row[0])
    return DEFAULT_CASH_CURRENCY
