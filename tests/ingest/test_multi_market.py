"""No multi-market row is ever dropped: duplicate keys hold every dimension of the row (market, marketplace, listing, period)."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.helpers import fresh, ingest
from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.warehouse import connect


def _write(path, rows, header=("product", "period_start", "units", "revenue", "country")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _two_markets() -> list[tuple]:
    """36 products × month for IT and DE: the same product and month in both markets (the issue's case)."""
    rows = []
    for i in range(36):
        rows.append((f"P{i}", "2024-03-01", 10 + i, 100.0 + i, "IT"))
        rows.append((f"P{i}", "2024-03-01", 7 + i, 70.0 + i, "DE"))
    return rows


def test_same_product_and_month_in_two_markets_is_stored_twice(tmp_path):
    con = fresh(tmp_path)
    rows = _two_markets()
    (r,) = ingest(con, _write(tmp_path / "sales.csv", rows), "sales", tmp_path)
    assert (r.rows_in, r.rows_stored, r.rows_duplicate) == (72, 72, 0)
    got = dict(con.execute("SELECT country, sum(units) FROM sales GROUP BY country").fetchall())
    assert got == {
        "IT": sum(x[2] for x in rows if x[4] == "IT"),
        "DE": sum(x[2] for x in rows if x[4] == "DE"),
    }


def test_a_repeated_row_is_still_a_duplicate(tmp_path):
    con = fresh(tmp_path)
    rows = _two_markets()
    (r,) = ingest(con, _write(tmp_path / "sales.csv", rows + rows[:5]), "sales", tmp_path)
    assert (r.rows_in, r.rows_stored, r.rows_duplicate) == (77, 72, 5)


def test_country_names_are_read_as_iso_codes(tmp_path):
    con = fresh(tmp_path)
    rows = [("A", "2024-01-01", 1, 1.0, "Germany"), ("A", "2024-01-01", 2, 2.0, "DE")]
    (r,) = ingest(con, _write(tmp_path / "s.csv", rows), "sales", tmp_path)
    # "Germany" and "DE" are the same market: the second row is the same cell.
    assert (r.rows_stored, r.rows_duplicate) == (1, 1)
    assert con.execute("SELECT DISTINCT country FROM sales").fetchall() == [("DE",)]


def test_orders_in_two_markets_keep_both_lines(tmp_path):
    con = fresh(tmp_path)
    header = ("order_id", "ordered_at", "product", "quantity", "unit_price", "country")
    rows = [
        ("O1", "2024-01-05 10:00:00", "A", 2, 5.0, "DE"),
        ("O1", "2024-01-05 10:00:00", "A", 2, 5.0, "FR"),
    ]
    (r,) = ingest(con, _write(tmp_path / "o.csv", rows, header), "orders", tmp_path)
    assert (r.rows_stored, r.rows_duplicate) == (2, 0)


_ROW = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["2024-01-01", "2024-02-01", "2024-03-01"]),
    st.integers(0, 50),
    st.sampled_from(["DE", "FR", "IT", "GB"]),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=40, unique_by=lambda r: (r[0], r[1], r[3])))
def test_whole_split_by_market_or_by_period_store_the_same_totals(tmp_path, rows):
    """Ingesting a file whole, split by market, or split by period gives identical stored totals."""
    full = [(p, d, u, float(u), c) for p, d, u, c in rows]
    s = Settings(pseudonym_key="k", report_dir=str(tmp_path / "rej"))

    def totals(parts: dict) -> list:
        con = connect(":memory:")
        for name, part in parts.items():
            if part:
                ingest_path(con, _write(tmp_path / f"{name}.csv", part), "sales", settings=s)
        return con.execute(
            "SELECT country, period_start, product_id, sum(units) FROM sales GROUP BY ALL ORDER BY ALL"
        ).fetchall()

    whole = totals({"whole": full})
    by_market = totals({f"m_{c}": [r for r in full if r[4] == c] for c in {r[4] for r in full}})
    by_period = totals({f"p_{d}": [r for r in full if r[1] == d] for d in {r[1] for r in full}})
    assert whole == by_market == by_period
    assert sum(r[3] for r in whole) == sum(r[2] for r in full)
