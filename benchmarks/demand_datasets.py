"""Loaders for the real datasets the demand benchmarks use, shaped like the warehouse tables.

UCI Online Retail (2010-12..2011-12) and Online Retail II (2009-12..2010-12) become canonical
``order_lines`` rows (product_id ``uci:<StockCode>``, country ISO2, status sold/cancelled/returned,
is_product); the weekly sales-transactions and M5 files become long ``unique_id, ds, y`` frames.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "SHARED",
    "UCI_COUNTRIES",
    "load_uci_order_lines",
    "load_uci_products",
    "load_sales_transactions_weekly",
    "load_m5_subset",
]

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

UCI_COUNTRIES = {
    "United Kingdom": "GB",
    "Germany": "DE",
    "France": "FR",
    "EIRE": "IE",
    "Spain": "ES",
    "Netherlands": "NL",
    "Belgium": "BE",
    "Switzerland": "CH",
    "Portugal": "PT",
    "Australia": "AU",
    "Norway": "NO",
    "Italy": "IT",
    "Channel Islands": "JE",
    "Finland": "FI",
    "Cyprus": "CY",
    "Sweden": "SE",
    "Austria": "AT",
    "Denmark": "DK",
    "Japan": "JP",
    "Poland": "PL",
    "Israel": "IL",
    "USA": "US",
    "Hong Kong": "HK",
    "Singapore": "SG",
    "Iceland": "IS",
    "Canada": "CA",
    "Greece": "GR",
    "Malta": "MT",
    "United Arab Emirates": "AE",
    "RSA": "ZA",
    "Lebanon": "LB",
    "Lithuania": "LT",
    "Brazil": "BR",
    "Czech Republic": "CZ",
    "Bahrain": "BH",
    "Saudi Arabia": "SA",
    "Korea": "KR",
    "Thailand": "TH",
    "Nigeria": "NG",
    "West Indies": None,
    "Bermuda": "BM",
    "European Community": None,
    "Unspecified": None,
}
_NON_PRODUCT = re.compile(
    r"^(POST|DOT|M|m|D|C2|CRUK|PADS|S|B|BANK CHARGES|AMAZONFEE|ADJUST.*|TEST.*|gift_.*|DCGS.*)$"
)

_CATEGORY_WORDS = [
    ("party_seasonal", r"CHRISTMAS|XMAS|BUNTING|PARTY|EASTER|ADVENT|WRAP|NAPKIN|HALLOWEEN|BIRTHDAY"),
    ("lighting", r"LIGHT|LANTERN|CANDLE|T-LIGHT|LAMP|NIGHT LIGHT"),
    ("bags_luggage", r"\bBAG\b|BAGS|PURSE|SHOPPER|BACKPACK|CHARLOTTE|JUMBO"),
    ("toys_games", r"TOY|GAME|DOLL|PUZZLE|PLAYING CARDS|SPACEBOY|SKITTLES|DOMINO"),
    ("office_stationery", r"CARD|NOTEBOOK|PEN\b|PENCIL|STICKER|CALENDAR|PAPER|ENVELOPE|STATIONERY"),
    ("garden", r"GARDEN|PLANT|BIRD|WATERING|FLOWER POT|HERB"),
    ("jewelry_watches", r"NECKLACE|EARRING|BRACELET|RING\b|WATCH|JEWEL|BEAD"),
    (
        "home_kitchen",
        r"MUG|CUP|PLATE|BOWL|TEA|CAKE|KITCHEN|JAR|TIN|BOX|CUSHION|CLOCK|FRAME|HOLDER|BOTTLE|"
        r"HEART|SIGN|DOORMAT|TOWEL|APRON|SPOON|GLASS|VASE|HOOK|DRAWER|BASKET|STORAGE|COASTER|TRAY",
    ),
]


def _category_of(description: str) -> str:
    d = str(description).upper()
    for cat, pattern in _CATEGORY_WORDS:
        if re.search(pattern, d):
            return cat
    return "other"


def load_uci_order_lines(root: Path = SHARED) -> pd.DataFrame:
    """Both UCI files as canonical order_lines (II rows before 2010-12-01 only, so no overlap)."""
    a = pd.read_parquet(root / "uci_online_retail" / "online_retail.parquet")
    a = a.rename(columns={"InvoiceNo": "order_id", "InvoiceDate": "ordered_at", "UnitPrice": "unit_price"})
    b = pd.read_parquet(root / "uci_online_retail_ii" / "online_retail_II_2009-2010.parquet")
    b = b.rename(columns={"Invoice": "order_id", "InvoiceDate": "ordered_at", "Price": "unit_price"})
    b["ordered_at"] = pd.to_datetime(b["ordered_at"])
    b = b[b["ordered_at"] < "2010-12-01"]
    keep = ["order_id", "StockCode", "Description", "Quantity", "ordered_at", "unit_price", "Country"]
    df = pd.concat([b[keep], a[keep]], ignore_index=True)
    df["order_id"] = df["order_id"].astype(str)
    code = df["StockCode"].astype(str).str.strip()
    qty = df["Quantity"].astype("float64")
    cancelled = df["order_id"].str.startswith("C")
    status = np.where(cancelled, "cancelled", np.where(qty < 0, "returned", "sold"))
    return pd.DataFrame(
        {
            "source": "uci_online_retail",
            "order_id": df["order_id"],
            "ordered_at": df["ordered_at"],
            "product_id": "uci:" + code,
            "country": df["Country"].map(UCI_COUNTRIES),
            "quantity": qty.abs(),
            "unit_price": df["unit_price"].astype("float64"),
            "currency": "GBP",
            "status": status,
            "is_product": ~code.str.match(_NON_PRODUCT),
        }
    )


def load_uci_products(root: Path = SHARED) -> pd.DataFrame:
    """product_id, title, category (a keyword rule; the warehouse has the catalogue's real categories)."""
    a = pd.read_parquet(
        root / "uci_online_retail" / "online_retail.parquet", columns=["StockCode", "Description"]
    )
    b = pd.read_parquet(
        root / "uci_online_retail_ii" / "online_retail_II_2009-2010.parquet",
        columns=["StockCode", "Description"],
    )
    df = pd.concat([b, a]).dropna()
    df = df[df["Description"].astype(str) != "nan"].drop_duplicates("StockCode", keep="last")
    return pd.DataFrame(
        {
            "product_id": "uci:" + df["StockCode"].astype(str).str.strip(),
            "title": df["Description"].astype(str),
            "category": df["Description"].map(_category_of),
        }
    ).drop_duplicates("product_id")


def load_sales_transactions_weekly(root: Path = SHARED) -> pd.DataFrame:
    """UCI Sales Transactions Weekly: 811 products x 52 weeks as a long frame (weeks from an arbitrary Monday)."""
    raw = pd.read_csv(root / "uci_sales_transactions_weekly" / "Sales_Transactions_Dataset_Weekly.csv")
    weeks = [f"W{i}" for i in range(52)]
    long = raw.melt(id_vars="Product_Code", value_vars=weeks, var_name="w", value_name="y")
    long["ds"] = pd.Timestamp("2018-01-01") + pd.to_timedelta(long["w"].str[1:].astype(int) * 7, unit="D")
    long = long.rename(columns={"Product_Code": "unique_id"})[["unique_id", "ds", "y"]]
    return long.sort_values(["unique_id", "ds"]).reset_index(drop=True).astype({"y": "float64"})


def load_m5_subset(root: Path = SHARED) -> pd.DataFrame:
    """M5 subset: 1,000 item x store daily series (d_1..d_1941) as a long frame with real dates."""
    sales = pd.read_csv(root / "m5_walmart_subset" / "sales_train_evaluation_1000series.csv.gz")
    cal = pd.read_csv(root / "m5_walmart_subset" / "calendar.csv", usecols=["d", "date"])
    days = [c for c in sales.columns if c.startswith("d_")]
    long = sales.melt(id_vars="id", value_vars=days, var_name="d", value_name="y")
    long = long.merge(cal, on="d")
    long = long.rename(columns={"id": "unique_id", "date": "ds"})[["unique_id", "ds", "y"]]
    long["ds"] = pd.to_datetime(long["ds"])
    return long.sort_values(["unique_id", "ds"]).reset_index(drop=True).astype({"y": "float64"})
