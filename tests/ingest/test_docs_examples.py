"""The examples in docs/ingest.md and docs/taxonomy.md run (so the docs cannot rot)."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.ingest.helpers import fresh, ingest

DOC = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")


def test_mapping_file_example(tmp_path):
    toml = re.search(r"```toml\n(.*?)```", DOC, re.S).group(1)
    mapping = tmp_path / "my_shop.toml"
    mapping.write_text(toml, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(
        "Order Number;Order Date;SKU;Qty;Item Price;Buyer Email;Ship Country;Status\n"
        "A1;03.02.2024 10:15;SKU-1;2;9,99;a@example.de;Germany;\n"
        "A2;04.02.2024 11:00;SKU-1;1;9,99;b@example.fr;FR;storniert\n",
        encoding="utf-8",
    )
    con = fresh(tmp_path)
    (r,) = ingest(con, export, None, tmp_path, mapping=mapping)
    assert (r.layout, r.rows_stored) == ("mapping:my_shop.toml", 2)
    rows = con.execute(
        "SELECT product_id, country, currency, status, unit_price FROM order_lines ORDER BY order_id"
    ).fetchall()
    assert rows == [
        ("myshop:SKU-1", "DE", "EUR", "sold", 9.99),
        ("myshop:SKU-1", "FR", "EUR", "cancelled", 9.99),
    ]
    assert con.execute("SELECT count(*) FROM order_lines WHERE customer_key LIKE '%@%'").fetchone()[0] == 0


def test_override_example_from_taxonomy_doc(tmp_path):
    doc = (ROOT / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    csv_text = re.search(r"```csv\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "overrides.csv").write_text(csv_text, encoding="utf-8")
    con = fresh(tmp_path)
    (r,) = ingest(con, tmp_path / "overrides.csv", "categories", tmp_path)
    assert r.rows_stored == 1
    assert (
        con.execute(
            "SELECT category FROM product_category_overrides WHERE product_id = 'uci:85123A'"
        ).fetchone()[0]
        == "lighting"
    )
