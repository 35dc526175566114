"""Derive the bundled demo data (data/demo) from openly licensed real datasets in ../shared/data.

Only CC BY 4.0 / CC0 sources are used (see DATA_LICENSES.md). Rows are selected, never edited,
except where noted (the Google Trends header gets the market in the standard export form).
No review file is bundled: no openly licensed review corpus reviews the demo's products (the UCI sentiment
sentences are IMDb/Yelp/phone reviews, the clothing reviews are of another shop's dresses), and reviews that
do not join the products would only turn into fake candidates and a customer-voice section about something else.
Run: ``.venv/bin/python scripts/make_demo_data.py [--shared ../shared/data] [--out data/demo]``.
Deterministic: the same inputs give byte-identical outputs (gzip mtime fixed at 0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import shutil
from pathlib import Path

import duckdb

__all__ = ["main", "TOP_PRODUCTS"]

ROOT = Path(__file__).resolve().parents[1]
TOP_PRODUCTS = 200  # UCI products kept: the best sellers by revenue over both years
NON_PRODUCT = ("POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B", "ADJUST")


def _write_gz(df_rows: list[tuple], header: list[str], out: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(df_rows)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def _uci(con: duckdb.DuckDBPyConnection, shared: Path, out: Path) -> None:
    a = shared / "uci_online_retail" / "online_retail.csv.gz"
    b = shared / "uci_online_retail_ii" / "online_retail_II_2009-2010.csv.gz"
    con.execute(f"CREATE TABLE a AS SELECT * FROM read_csv('{a}', all_varchar=true)")
    con.execute(f"CREATE TABLE b AS SELECT * FROM read_csv('{b}', all_varchar=true)")
    con.execute(
        f"""CREATE TABLE keep AS SELECT StockCode FROM (
              SELECT StockCode, Quantity, UnitPrice AS Price FROM a UNION ALL SELECT StockCode, Quantity, Price FROM b)
            WHERE regexp_matches(StockCode, '^[0-9]{{5}}')
            GROUP BY 1 ORDER BY round(sum(TRY_CAST(Quantity AS DOUBLE) * TRY_CAST(Price AS DOUBLE)), 2) DESC, 1 LIMIT {TOP_PRODUCTS}"""
    )
    codes = ", ".join(f"'{c}'" for c in NON_PRODUCT)
    for table, name in (
        ("a", "orders_uci_online_retail_2010-2011.csv.gz"),
        ("b", "orders_uci_online_retail_II_2009-2010.csv.gz"),
    ):
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        rows = con.execute(
            f"SELECT * FROM {table} WHERE StockCode IN (SELECT StockCode FROM keep) OR StockCode IN ({codes}) "
            "ORDER BY rowid"
        ).fetchall()  # file order (rowid), so the output is byte-identical run after run
        _write_gz(rows, cols, out / name)


def _sales_and_trends(shared: Path, out: Path) -> None:
    shutil.copyfile(
        shared / "uci_sales_transactions_weekly" / "Sales_Transactions_Dataset_Weekly.csv",
        out / "sales_uci_weekly.csv",
    )
    src = shared / "google_trends" / "googletrends_data_cc-by-4.0" / "20170711_Ventilateurvsclimatiseur.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    # Google's file is France-only; write the market into the header as Trends exports do ("kw: (France)").
    lines[0] = "Mois,ventilateur: (France),climatiseur: (France)"
    (out / "trends_ventilateur_climatiseur_FR_monthly.csv").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


def main() -> None:
    """Rebuild data/demo from ../shared/data."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "demo")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("reviews_*"):  # earlier versions bundled review corpora that join no product
        old.unlink()
    con = duckdb.connect()
    _uci(con, args.shared, args.out)
    _sales_and_trends(args.shared, args.out)
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {args.out} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
