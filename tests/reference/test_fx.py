"""FX: the bundled table reproduces the ECB file; cross rates via EUR; weekends use the last ECB day; updates."""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from xborder.core.errors import BadInputError
from xborder.reference.fx import load_fx, read_ecb_file, store_ecb_file
from xborder.warehouse import connect


@pytest.mark.shared_data
def test_bundled_table_matches_the_ecb_file() -> None:
    raw = read_ecb_file(shared_path("ecb_euro_fx_reference_rates", "eurofxref-hist.zip")).set_index("date")
    fx = load_fx()
    for day in ("2019-01-02", "2025-08-29", "2026-04-13"):
        for ccy in ("USD", "JPY", "GBP", "CNY", "BRL"):
            assert fx.per_eur(ccy, day).rate == pytest.approx(float(raw.loc[day, ccy]), rel=1e-5)


def test_cross_rate_goes_through_eur_and_weekends_use_friday() -> None:
    fx = load_fx()
    usd, jpy = fx.per_eur("USD", "2025-08-29").rate, fx.per_eur("JPY", "2025-08-29").rate
    sat = fx.factor("USD", "JPY", "2025-08-30")  # Saturday: last ECB day is Friday 2025-08-29
    assert sat.date == "2025-08-29"
    assert sat.rate == pytest.approx(jpy / usd)
    assert fx.convert(100, "EUR", "USD", "2025-08-29") == pytest.approx(100 * usd)
    assert fx.factor("GBP", "GBP", "2025-08-29").rate == 1.0


def test_pegged_currencies_follow_the_dollar() -> None:
    fx = load_fx()
    assert fx.factor("USD", "SAR", "2026-01-05").rate == pytest.approx(3.75)
    assert fx.factor("USD", "AED", "2026-01-05").rate == pytest.approx(3.6725)


def test_unknown_currency_and_too_early_date_are_clear() -> None:
    fx = load_fx()
    with pytest.raises(BadInputError, match="not in the FX table"):
        fx.factor("USD", "XYZ", "2025-01-02")
    with pytest.raises(BadInputError, match="starts on"):
        fx.factor("USD", "EUR", "2010-01-01")


def test_fx_update_stores_newer_days_that_override_the_bundle(tmp_path) -> None:
    f = tmp_path / "eurofxref-hist.csv"
    f.write_text("Date,USD,JPY,\n2026-11-20,1.2000,180.00,\n2026-11-19,1.1900,179.00,\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    info = store_ecb_file(con, f)
    assert info == {"days": 2, "rows": 4, "from": "2026-11-19", "to": "2026-11-20"}
    fx = load_fx(con)
    assert fx.last_date == "2026-11-20"
    assert fx.factor("USD", "JPY", "2026-11-25").rate == pytest.approx(150.0)
    con.close()


def test_fx_update_rejects_a_file_that_is_not_ecb(tmp_path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="lacks the 'Date' and 'USD' columns"):
        read_ecb_file(f)


def test_the_weakest_confidence_is_shown() -> None:
    from xborder.reference.base import weakest

    assert weakest(["high", "medium", "high"]) == "medium"
    assert weakest(["high", "low", "medium"]) == "low" and weakest(["high"]) == "high" and weakest([]) == ""
