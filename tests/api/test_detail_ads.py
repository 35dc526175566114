"""The product page's advertising card: the keyword-matrix chart's data, the review-language table and its en/zh
note, and the note that says what would fill the review language when none is known."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.api.seed import SEED_RUN
from xborder.core import i18n

pytestmark = pytest.mark.shared_data

# Display-only ad rows: no openly licensed Sponsored Products report sells a UCI product (docs/marketing.md).
_TERMS = (("heart holder", "core", "harvest_exact", 12.0, 40.0, 3.0, 60.0),
          ("red heart holder", "core", "undecided", 5.0, 10.0, 0.0, 0.0),
          ("holder for candles", "scenario", "negate", 20.0, 60.0, 0.0, 0.0))  # fmt: skip
_PHRASES = (("pain", "broke", 3.1, 0, False), ("delight", "heart", -2.8, 2, True))


def _seed(env, product_id: str, reviews: bool) -> None:
    with env.app.state.db.write() as cur:
        cur.execute(
            "INSERT INTO ad_metrics (run_id, grain, market_code, currency, product_id, spend, sales, clicks, orders) "
            "VALUES (?, 'product', 'FR', 'EUR', ?, 37.0, 60.0, 110.0, 3.0)",
            [SEED_RUN, product_id],
        )
        for term, tier, action, spend, clicks, orders, sales in _TERMS:
            cur.execute(
                "INSERT INTO ad_keyword_matrix (run_id, market_code, currency, product_id, search_term, tier, "
                "action, spend, clicks, orders, sales) VALUES (?, 'FR', 'EUR', ?, ?, ?, ?, ?, ?, ?, ?)",
                [SEED_RUN, product_id, term, tier, action, spend, clicks, orders, sales],
            )
        for kind, phrase, z, terms, searched in _PHRASES if reviews else ():
            cur.execute(
                "INSERT INTO ad_review_terms (run_id, market_code, currency, product_id, review_scope, kind, phrase, "
                "z, terms, searched) VALUES (?, 'FR', 'EUR', ?, 'product', ?, ?, ?, ?, ?)",
                [SEED_RUN, product_id, kind, phrase, z, terms, searched],
            )


def _picks(env, n: int) -> list[str]:
    return [r[0] for r in env.sql("SELECT product_id FROM opportunities WHERE run_id = ? AND market = 'FR' "
                                  "ORDER BY rank LIMIT ?", [SEED_RUN, n])]  # fmt: skip


def _card(page: str) -> str:
    return page[page.index('id="ads-card"') : page.index("</section>", page.index('id="ads-card"'))]


def test_ads_card_shows_keyword_mix_review_terms_and_their_note(fresh_web) -> None:
    with_reviews, without = _picks(fresh_web, 2)
    _seed(fresh_web, with_reviews, reviews=True)
    _seed(fresh_web, without, reviews=False)
    c = fresh_web.login("viewer")

    page = c.get(f"/opportunities/FR/{with_reviews}?run_id={SEED_RUN}").text
    card = _card(page)
    data = json.loads(html.unescape(re.search(r'id="detail-data">(.*?)</script>', page, re.S).group(1)))
    # the chart's cells: every term counted once, per tier then call by spend
    mix = [(r["tier"], r["action"], r["terms"], r["spend"], r["clicks"]) for r in data["keyword_mix"]]
    assert mix == [("core", "harvest_exact", 1, 12.0, 40.0), ("core", "undecided", 1, 5.0, 10.0),
                   ("scenario", "negate", 1, 20.0, 60.0)]  # fmt: skip
    assert 'id="chart-keywords"' in card and "all 3 search terms" in card
    rows = re.findall(r"<tr><td>(pain|delight)</td><td>([^<]+)</td>", card.split('id="ads-review-terms"')[1])
    assert rows == [("delight", "heart"), ("pain", "broke")]  # by kind, then strength
    note = {"code": "marketing.dossier_review_terms", "args": {"phrases": 2, "searched": 1, "ideas": 1}}
    text = html.unescape(card)
    assert i18n.message(note, "en") in text and "1 by none" in i18n.message(note, "en")
    assert i18n.message(note, "zh") in text
    # headings and explanations in both languages, the Chinese hidden until the language switch shows it
    zh = i18n.render("marketing.card.keywords", "zh", shown=3, terms=3)
    assert f'<span data-lang-text="zh" lang="zh-Hans" hidden>{zh}</span>' in text
    assert i18n.render("marketing.card.keyword_chart", "zh", terms=3) in text
    # the facts' labels too; no landed cost priced the pick, so its break-even ACoS is said to be unknown
    assert '<b id="ads-break-even"><span data-lang-text="en">unknown</span><span data-lang-text="zh" ' in text
    assert all(i18n.render(f"marketing.card.{k}", "zh") in text for k in ("spend", "ad_sales", "break_even"))

    card = html.unescape(_card(c.get(f"/opportunities/FR/{without}?run_id={SEED_RUN}").text))
    assert 'id="ads-review-terms"' not in card
    none_en = i18n.message({"code": "marketing.dossier_review_none", "args": {}}, "en")
    assert none_en in card and "xborder ingest FILE --as reviews" in none_en
    assert i18n.message({"code": "marketing.dossier_review_none", "args": {}}, "zh") in card
