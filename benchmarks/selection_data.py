"""Read UCI Online Retail + Online Retail II into the canonical order_lines shape (for the selection backtest).

Prefers the warehouse (``order_lines`` filled by ``xborder ingest``); falls back to reading the parquet files
directly when the warehouse is empty. The two files overlap on 2010-12-01..09: lines of Online Retail II from
2010-12-01 on are dropped (Online Retail holds them), so every transaction is counted once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["read_uci_lines", "lines_from_warehouse", "NON_PRODUCT_CODES"]

NON_PRODUCT_CODES = {
    "POST",
    "DOT",
    "M",
    "BANK CHARGES",
    "AMAZONFEE",
    "C2",
    "CRUK",
    "D",
    "S",
    "B",
    "PADS",
    "ADJUST",
    "ADJUST2",
    "TEST001",
    "TEST002",
    "GIFT",
}
_COUNTRY_FALLBACK = {
    "united kingdom": "GB",
    "eire": "IE",
    "germany": "DE",
    "france": "FR",
    "netherlands": "NL",
}


def _iso2(names: pd.Series) -> pd.Series:
    try:
        from xborder.ingest.countries import country_table

        t = country_table()
        table = dict(zip(t["name_key"], t["iso2"], strict=True))
    except Exception:  # noqa: BLE001 - the ingest package may not be there yet
        table = _COUNTRY_FALLBACK
    key = names.astype(str).str.strip().str.lower()
    iso = key.map(table)
    return iso.where(iso.notna() & (iso != ""), names.astype(str).str.upper().str.replace(" ", "_"))


def read_uci_lines(data_dir: Path) -> pd.DataFrame:
    """Both UCI files → product_id, country, order_id, ordered_at, quantity, unit_price, status, is_product."""
    a = pd.read_parquet(data_dir / "uci_online_retail" / "online_retail.parquet")
    a = a.rename(columns={"InvoiceNo": "order_id", "InvoiceDate": "ordered_at", "UnitPrice": "unit_price"})
    b = pd.read_parquet(data_dir / "uci_online_retail_ii" / "online_retail_II_2009-2010.parquet")
    b = b.rename(columns={"Invoice": "order_id", "InvoiceDate": "ordered_at", "Price": "unit_price"})
    b["ordered_at"] = pd.to_datetime(b["ordered_at"])
    b = b[b["ordered_at"] < "2010-12-01"]
    df = pd.concat([b, a], ignore_index=True)
    order = df["order_id"].astype(str)
    code = df["StockCode"].astype(str).str.strip().str.upper()
    qty = pd.to_numeric(df["Quantity"]).astype(float)
    out = pd.DataFrame(
        {
            "product_id": "uci:" + code,
            "country": _iso2(df["Country"]),
            "order_id": order,
            "ordered_at": df["ordered_at"],
            "quantity": qty.abs(),
            "unit_price": df["unit_price"].astype(float),
            "status": (order.str.startswith("C") | (qty < 0)).map({True: "cancelled", False: "sold"}),
            "is_product": ~code.isin(NON_PRODUCT_CODES) & (df["unit_price"].astype(float) > 0),
        }
    )
    return out


def lines_from_warehouse(con) -> pd.DataFrame:  # noqa: ANN001
    """order_lines of the UCI sources as held by the warehouse (empty frame when nothing is ingested)."""
    return con.execute(
        "SELECT product_id, country, order_id, ordered_at, quantity, unit_price, status, "
        "coalesce(is_product, true) AS is_product FROM order_lines WHERE product_id LIKE 'uci:%'"
    ).df()
