"""The product page in a real browser: the landed-cost rows' sales channel next to the margin, the customers and
lifetime-value card (real UCI customers), and the advertising card with its ACoS and keyword-matrix charts."""

from __future__ import annotations

import json
import re

import pytest

from tests.api.seed import SEED_RUN
from tests.browser.test_dashboard import login

pytestmark = [pytest.mark.browser, pytest.mark.shared_data, pytest.mark.slow]

_CUSTOMER_TABLES = ("customer_scores", "customer_segments", "customer_cohorts", "customer_products",
                    "customer_models", "customer_backtest", "customer_calibration")  # fmt: skip


def _customers_in_seed_run(app) -> tuple[str, dict]:
    """Run the customers stage on the web warehouse (UCI orders outside GB) and file its rows and record under
    the seeded selection run, as a full run does; returns the FR pick with most keyed buyers and its row."""
    from xborder.domains.customers.stage import STAGE
    from xborder.pipeline.runner import run_stage

    db, settings = app.state.db, app.state.settings
    with db.write() as cur:
        run_id, _ = run_stage(cur, settings, STAGE, {"holdout_days": 0})
        for t in _CUSTOMER_TABLES:
            cur.execute(f"UPDATE {t} SET run_id = ? WHERE run_id = ?", [SEED_RUN, run_id])
        record = json.loads(cur.execute("SELECT stages FROM runs WHERE run_id = ?", [run_id]).fetchone()[0])
        stages = json.loads(
            cur.execute("SELECT stages FROM runs WHERE run_id = ?", [SEED_RUN]).fetchone()[0] or "{}"
        )
        stages["customers"] = record["customers"]
        cur.execute("UPDATE runs SET stages = ? WHERE run_id = ?", [json.dumps(stages), SEED_RUN])
        names, row = (
            None,
            cur.execute(
                "SELECT c.* FROM customer_products c JOIN opportunities o ON o.product_id = c.product_id "
                "AND o.market = c.market AND o.run_id = c.run_id JOIN landed_costs l ON l.product_id = c.product_id "
                "AND l.market = c.market AND l.run_id = c.run_id WHERE c.run_id = ? AND c.market = 'FR' "
                "ORDER BY c.buyers DESC, c.product_id LIMIT 1",
                [SEED_RUN],
            ),
        )
        names = [d[0] for d in row.description]
        found = dict(zip(names, row.fetchone(), strict=True))
    return found["product_id"], found


def _ads(app, product_id: str) -> None:
    """Display-only ad rows for the pick (no openly licensed Sponsored Products report sells a UCI product):
    two weeks of days, spend 10 and 30 against sales 100 and 60, break-even ACoS 0.25."""
    rows = [("product", None, None, 40.0, 160.0, 200.0, 8.0), ("product_day", "2011-11-01", "2011-11-01", 10.0,
            100.0, 80.0, 5.0), ("product_day", "2011-11-08", "2011-11-08", 30.0, 60.0, 120.0, 3.0)]  # fmt: skip
    with app.state.db.write() as cur:
        for grain, start, end, spend, sales, clicks, orders in rows:
            cur.execute(
                "INSERT INTO ad_metrics (run_id, grain, market_code, currency, product_id, period_start, period_end, "
                "spend, sales, clicks, orders, break_even_acos) VALUES (?, ?, 'FR', 'EUR', ?, ?, ?, ?, ?, ?, ?, 0.25)",
                [SEED_RUN, grain, product_id, start, end, spend, sales, clicks, orders],
            )
        for term, spend, clicks, action in (
            ("heart holder", 12.0, 40.0, "harvest_exact"),
            ("red mug", 20.0, 60.0, "negate"),
        ):
            cur.execute(
                "INSERT INTO ad_keyword_matrix (run_id, market_code, currency, product_id, search_term, tier, spend, "
                "clicks, action) VALUES (?, 'FR', 'EUR', ?, ?, 'core', ?, ?, ?)",
                [SEED_RUN, product_id, term, spend, clicks, action],
            )


def test_detail_page_shows_channel_customers_and_ads(page, live_server) -> None:
    app = live_server.app
    product_id, cust = _customers_in_seed_run(app)
    _ads(app, product_id)
    with app.state.db.read() as cur:
        channels = cur.execute(
            "SELECT mode, channel, channel_basis FROM landed_costs WHERE run_id = ? AND product_id = ? "
            "AND market = 'FR' ORDER BY mode",
            [SEED_RUN, product_id],
        ).fetchall()
    assert channels and all(c[1] for c in channels)

    login(page, live_server.url, "viewer")
    page.wait_for_url(re.compile(r"/opportunities"))
    page.goto(f"{live_server.url}/opportunities/FR/{product_id}?run_id={SEED_RUN}")
    page.wait_for_selector("#product-title")

    shown = page.locator("#landed-channel tbody tr")
    got = sorted(
        (r.locator("td").nth(0).inner_text(), r.locator("td.channel").inner_text(),
         r.locator("td.channel-basis").inner_text())
        for r in shown.all()
    )  # fmt: skip
    assert [(m, ch.split(" (")[0], basis) for m, ch, basis in got] == [tuple(c) for c in channels]

    card = page.locator("#customers-card")
    text = card.inner_text()
    assert f"Buyers {cust['buyers']:,}" in text
    assert f"({round(cust['repurchase_rate'] * 100, 1)}%)" in text
    assert "not assessed" not in text and "P(alive) is the chance" in text
    assert page.locator("#customers-p-buy").inner_text() == f"{round(cust['mean_p_buy'] * 100, 1)}%"
    page.wait_for_selector("#chart-customer-segments .main-svg")

    ads = page.locator("#ads-card")
    assert page.locator("#ads-acos").inner_text() == "25.0%"  # 40 / 160
    assert page.locator("#ads-break-even").inner_text() == "25.0%"
    assert "ROAS 4.00" in ads.inner_text()
    page.wait_for_selector("#chart-acos .main-svg")
    # two weekly points (10/100 and 30/60) and the break-even line
    assert page.locator("#chart-acos .scatterlayer .trace").count() == 2
    terms = page.locator("#ads-keywords tbody tr td:first-child").all_inner_texts()
    assert (
        terms == ["red mug", "heart holder"] and "2 search terms with most spend (of 2)" in ads.inner_text()
    )
    page.wait_for_selector("#chart-keywords .main-svg")  # the matrix's spend per tier, stacked by call
    # no reviews run knows the pick: the card says so and what would fill it (tests/api/test_detail_ads.py: with)
    assert page.locator("#ads-review-note").inner_text().startswith("Review language unknown")
    page.click("button[data-lang=zh]")  # the cards' headings, explanations and notes follow the switch
    assert page.locator("#ads-card h2 span[data-lang-text=zh]").inner_text().startswith("广告")
    assert not page.locator("#ads-card h2 span[data-lang-text=en]").is_visible()
    assert "未知" in page.locator("#ads-card p.note[data-lang-text=zh]").first.inner_text()
    assert page.errors == []
