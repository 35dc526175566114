"""A small warehouse filled through the canonical ``reviews`` schema."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xborder.warehouse import connect

NOISE = [
    "Way too loud at night, the fan noise keeps me awake.",
    "Too loud. The noise is unbearable in the bedroom.",
    "The motor is so noisy, returned it.",
    "Loud rattle noise, I regret buying it.",
    "Very noisy, I am disappointed.",
]
OTHER = [
    "Battery died after three days.",
    "Stopped working after two weeks.",
    "Cheap plastic, broke in a month.",
]
POS = [
    "Quiet, powerful and easy to use. Love it!",
    "Great fan, easy to use and looks nice on my desk.",
    "Perfect for travel, small and light. Great value for the price.",
    "Works great, easy to set up, very happy.",
    "Excellent airflow and easy to clean. Recommend!",
]


def _rows() -> list[tuple]:
    rows = []
    start = dt.datetime(2024, 1, 5)
    i = 0
    for month in range(6):
        for market in ("DE", "US"):
            # in DE complaints about noise grow month by month; in the US they are constant
            negatives = OTHER + (NOISE[:month] if market == "DE" else NOISE)
            for j, text in enumerate(negatives):
                rows.append(
                    (
                        f"t:{i}",
                        "shop:fan1",
                        market,
                        start + dt.timedelta(days=30 * month + j),
                        1.0 + (j % 2),
                        text,
                        None,
                    )
                )
                i += 1
            for j, text in enumerate(POS * 2):
                rows.append(
                    (
                        f"t:{i}",
                        "shop:fan1",
                        market,
                        start + dt.timedelta(days=30 * month + j),
                        5.0 - (j % 2),
                        text,
                        None,
                    )
                )
                i += 1
    # no rating: language and sentiment must be detected / scored
    extra = [
        ("Das ist viel zu laut, ich bin enttäuscht.", None),
        ("质量很差，噪音太大，用了几天就坏了", None),
        ("Terrible, too loud and broke quickly", None),
        ("Absolutely love it, super quiet", None),
        ("", None),
        ("😡😡😡", None),
        ("<p>Too <b>loud</b> &amp; hot</p>", None),
        ("x " * 25_000, None),
        ("donâ€™t buy, too loud", None),
    ]
    for text, lang in extra:
        rows.append((f"t:{i}", "shop:fan1", "GB", start, None, text, lang))
        i += 1
    return rows


@pytest.fixture
def review_db(tmp_path: Path) -> Path:
    """Warehouse with ~300 reviews of one fan in DE/US/GB (category home_kitchen), plus bad texts."""
    path = tmp_path / "reviews.duckdb"
    con = connect(path)
    con.execute(
        "INSERT INTO products (product_id, source, source_key, title, category) "
        "VALUES ('shop:fan1', 'shop', 'fan1', 'Desk fan', 'home_kitchen')"
    )
    con.executemany(
        "INSERT INTO reviews (review_id, product_id, market_code, reviewed_at, rating, text, language, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'test')",
        _rows(),
    )
    con.close()
    return path
