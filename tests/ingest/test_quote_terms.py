"""Supplier payment terms in a quote sheet: the raw text kept, the deposit share and payment days read from it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.ingest.helpers import fresh, ingest

DATA = Path(__file__).parent / "data"
FILE = DATA / "supplier_quotes_terms_synthetic.csv"


def test_payment_terms_are_read_into_deposit_and_days(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    (r,) = ingest(con, FILE, None, tmp_path)
    raw = pd.read_csv(FILE, skiprows=2, dtype=str, keep_default_na=False)
    assert (r.layout, r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (
        "supplier_quotes", len(raw), 9, 0, 0,
    )  # fmt: skip
    got = {
        pid: (terms, dep, days)
        for pid, terms, dep, days in con.execute(
            "SELECT product_id, payment_terms, deposit_share, payment_days FROM supplier_offers"
        ).fetchall()
    }
    # days from the order: lead time (the quote's, upper end) for a balance at shipment, + N for credit terms
    assert got["custom:bm-01"] == ("30% T/T deposit, 70% balance before shipment", 0.30, 30.0)
    assert got["custom:bm-02"] == ("100% T/T in advance", 1.0, 28.0)  # "4 weeks"
    assert got["custom:bm-03"] == ("定金30%，余款见提单付清", 0.30, 35.0)  # "25-35 days" → 35
    assert got["custom:bm-04"] == ("月结30天", 0.0, 65.0)  # 35 + 30
    assert got["custom:bm-05"] == ("Net 45", 0.0, 65.0)  # 20 + 45
    assert got["custom:bm-06"] == ("PayPal", None, None)  # kept, not understood: the settings apply
    assert got["custom:bm-07"] == ("deposit 50%", 0.50, None)  # the Deposit column alone
    assert got["custom:bm-08"] == ("T/T 40/60", 0.40, None)  # no lead time, no timing words
    assert got["custom:bm-09"] == (None, None, None)


def test_terms_enter_the_offer_key_only_when_given(tmp_path: Path) -> None:
    """A quote without terms keeps the key it had before the terms columns existed; with terms it differs."""
    con = fresh(tmp_path)
    ingest(con, FILE, None, tmp_path)
    plain, termed = (
        con.execute(
            "SELECT offer_key = md5(concat_ws('|', supplier_id, product_id, CAST(unit_cost AS VARCHAR), currency, "
            "CAST(moq AS VARCHAR), CAST(lead_time_days AS VARCHAR), coalesce(incoterm, ''), "
            "coalesce(CAST(valid_from AS VARCHAR), ''), coalesce(origin_country, ''))) "
            f"FROM supplier_offers WHERE product_id = 'custom:{sku}'"
        ).fetchone()[0]
        for sku in ("bm-09", "bm-01")
    )
    assert plain is True and termed is False
