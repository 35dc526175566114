"""Seeding markets and marketplaces from the rule base is complete and idempotent."""

from __future__ import annotations

from xborder.reference import as_of, load_table
from xborder.reference.seed import AMAZON, PLATFORM_MARKETS, seed_reference
from xborder.warehouse import connect


def test_seed_fills_markets_and_marketplaces_once(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    first = seed_reference(con)
    second = seed_reference(con)
    in_force = set(as_of(load_table("markets"))["market_code"])
    assert len(in_force) == 64  # 25 original + 20 EU members + NO IS LI CH + 15 marketplace/data markets
    places = len(in_force) + len(AMAZON) + sum(len(m) for m in PLATFORM_MARKETS.values())
    assert first == second == {"markets": 64, "marketplaces": places}
    assert con.execute("SELECT count(*) FROM marketplaces").fetchone()[0] == places == 138
    row = con.execute("SELECT name, currency, region FROM markets WHERE market_code = 'DE'").fetchone()
    assert row == ("Germany", "EUR", "EU")
    # Bulgaria is seeded with the row in force today: the euro since 2026-01-01
    assert con.execute("SELECT currency FROM markets WHERE market_code = 'BG'").fetchone()[0] == "EUR"
    ids = {r[0] for r in con.execute("SELECT marketplace_id FROM marketplaces").fetchall()}
    assert {"amazon.DE", "shopee.SG", "mercadolibre.BR", "shop.KR", "tiktok.US"} <= ids
    assert {
        "amazon.IE",
        "amazon.EG",
        "mercadolibre.AR",
        "lazada.PH",
        "tiktok.DE",
        "shopee.TW",
        "shop.NO",
    } <= ids
    con.close()
