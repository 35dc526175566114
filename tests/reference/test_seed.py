"""Seeding markets and marketplaces from the rule base is complete and idempotent."""

from __future__ import annotations

from xborder.reference.seed import seed_reference
from xborder.warehouse import connect


def test_seed_fills_markets_and_marketplaces_once(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    first = seed_reference(con)
    second = seed_reference(con)
    assert (
        first
        == second
        == {"markets": 25, "marketplaces": con.execute("SELECT count(*) FROM marketplaces").fetchone()[0]}
    )
    row = con.execute("SELECT name, currency, region FROM markets WHERE market_code = 'DE'").fetchone()
    assert row == ("Germany", "EUR", "EU")
    ids = {r[0] for r in con.execute("SELECT marketplace_id FROM marketplaces").fetchall()}
    assert {"amazon.DE", "shopee.SG", "mercadolibre.BR", "shop.KR", "tiktok.US"} <= ids
    con.close()
