"""Seed the warehouse's ``markets`` and ``marketplaces`` tables from the rule base (``xborder init`` calls it)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xborder.reference.base import as_of, load_table

__all__ = ["seed_reference", "PLATFORM_MARKETS"]

# Platforms whose fee rules the rule base holds, and the markets they are modelled in.
PLATFORM_MARKETS = {
    "tiktok": ("US", "GB", "SG", "MY", "TH", "VN", "ID", "PH", "DE", "FR", "IT", "ES", "IE"),
    "shopee": ("SG", "MY", "TH", "VN", "ID", "PH", "TW", "BR", "MX"),
    "lazada": ("SG", "MY", "TH", "VN", "ID", "PH"),
    "temu": (
        "US",
        "CA",
        "MX",
        "BR",
        "GB",
        "DE",
        "FR",
        "IT",
        "ES",
        "NL",
        "PL",
        "SE",
        "JP",
        "KR",
        "AU",
        "SA",
        "AE",
    ),
    "mercadolibre": ("MX", "BR", "AR", "CL", "CO", "UY", "PE"),
}
AMAZON = (
    "US",
    "CA",
    "MX",
    "BR",
    "GB",
    "DE",
    "FR",
    "IT",
    "ES",
    "NL",
    "PL",
    "SE",
    "JP",
    "AU",
    "SG",
    "SA",
    "AE",
    "TR",
    "IN",
    "BE",
    "IE",
    "EG",
)


def seed_reference(con: Any) -> dict[str, int]:
    """Upsert every market of ``markets.csv`` and its marketplaces (platform.MARKET, plus shop.MARKET)."""
    mk = as_of(load_table("markets")).sort_values("valid_from").drop_duplicates("market_code", keep="last")
    markets = pd.DataFrame(
        {
            "market_code": mk["market_code"],
            "name": mk["name"],
            "currency": mk["currency"],
            "language": mk["language"],
            "region": mk["region"].replace("", None),
        }
    )
    rows = [("shop", m) for m in mk["market_code"]] + [("amazon", m) for m in AMAZON]
    rows += [(p, m) for p, ms in PLATFORM_MARKETS.items() for m in ms]
    ccy = dict(zip(mk["market_code"], mk["currency"], strict=True))
    places = pd.DataFrame(
        {
            "marketplace_id": [f"{p}.{m}" for p, m in rows],
            "platform": [p for p, _ in rows],
            "market_code": [m for _, m in rows],
            "currency": [ccy[m] for _, m in rows],
        }
    ).drop_duplicates("marketplace_id")
    con.register("seed_markets", markets)
    con.register("seed_places", places)
    try:
        con.execute("INSERT OR REPLACE INTO markets SELECT * FROM seed_markets")
        con.execute("INSERT OR REPLACE INTO marketplaces SELECT * FROM seed_places")
    finally:
        con.unregister("seed_markets")
        con.unregister("seed_places")
    return {"markets": len(markets), "marketplaces": len(places)}
