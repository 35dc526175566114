"""Review layouts: Amazon Alexa TSV, Datafiniti Amazon reviews, Women's E-Commerce Clothing, the Chinese
10-category set and the UCI labelled sentences (headerless ``sentence<TAB>label``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Field, Layout, WriteCounts, register
from xborder.ingest.products import upsert_products

__all__ = ["ReviewSpec", "write_reviews", "CHINESE_CATEGORIES"]

# The Chinese set's 10 categories → xborder taxonomy (hotels are a service: "other").
CHINESE_CATEGORIES = {
    "书籍": "books_media", "平板": "consumer_electronics", "手机": "consumer_electronics", "水果": "food_beverage",
    "洗发水": "beauty_personal_care", "热水器": "home_kitchen", "蒙牛": "food_beverage", "衣服": "apparel",
    "计算机": "consumer_electronics", "酒店": "other",
}  # fmt: skip


@dataclass(frozen=True)
class ReviewSpec:
    """SQL expressions (over the validated fields) and constants that turn a layout into review rows."""

    source: str
    product_key: str  # SQL: the product's key in its source
    product_title: str = "NULL"
    category: str = "NULL"  # SQL: source-given category id, or NULL for rules
    language: str = "en"
    market: str | None = "US"
    marketplace: str | None = None
    label: str = "NULL"
    reviewer: str | None = None  # field holding the reviewer name/id (pseudonymised)
    review_key: str | None = None  # SQL: source review id; default a content hash


def write_reviews(con, ctx: LoadContext, spec: ReviewSpec) -> WriteCounts:  # noqa: ANN001
    """Insert review rows (review_id = <source>:<id or content hash>); existing ids count as duplicates."""
    g = ctx.good

    def f(name: str) -> str:
        return f"g.{name}" if ctx.has(name) else "NULL"

    join = ""
    reviewer = "NULL"
    if spec.reviewer and ctx.has(spec.reviewer):
        ctx.pseudonyms(spec.reviewer, spec.source, "_x_rev")
        join = f"LEFT JOIN _x_rev r ON r.raw = g.{spec.reviewer}"
        reviewer = "r.pkey"
    source = ctx.const("source", spec.source)
    spec = replace(spec, product_key=spec.product_key.replace("{stem}", ctx.stem.replace("'", "")))
    content = f"md5(concat_ws('|', {spec.product_key}, {f('reviewed_at')}, {f('rating')}, {f('title')}, {f('text')}))"
    # Without a source id: content hash + its occurrence number among identical reviews of the file, so two
    # genuine "Love it!" reviews are both kept while the same review in an overlapping export is a duplicate.
    key = spec.review_key or f"{content} || '#' || row_number() OVER (PARTITION BY {content} ORDER BY g._row)"
    market = ctx.const("market", spec.market)
    mkt = "NULL" if market is None else f"'{market}'"
    mplace = ctx.const("marketplace", spec.marketplace)
    mplace_sql = "NULL" if mplace is None else f"'{mplace}'"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_reviews AS
        SELECT g._row, '{source}:' || ({key}) AS review_id, '{source}:' || ({spec.product_key}) AS product_id,
               {spec.product_key} AS source_key, {spec.product_title} AS product_title, {spec.category} AS category,
               {mplace_sql} AS marketplace_id, {mkt} AS market_code, CAST({f("reviewed_at")} AS TIMESTAMP) AS reviewed_at,
               {f("rating")} AS rating, {f("title")} AS title, {f("text")} AS text,
               coalesce({f("language")}, '{ctx.const("language", spec.language)}') AS language,
               CAST({spec.label} AS INTEGER) AS label, {reviewer} AS reviewer_key
        FROM {g} g {join}"""
    )
    ctx.quarantine_where(
        "_x_reviews", "product_id IS NULL OR (text IS NULL AND title IS NULL AND rating IS NULL)",
        "text", "text", "missing_required", "review has neither text, title nor rating, or no product",
    )  # fmt: skip
    total = ctx.count("_x_reviews")
    stored = con.execute(
        f"""INSERT OR IGNORE INTO reviews
            SELECT review_id, product_id, NULL, marketplace_id, market_code, reviewed_at, rating, title, text,
                   language, label, reviewer_key, '{source}', '{ctx.ingest_id}' FROM _x_reviews"""
    ).fetchone()[0]  # type: ignore[index]
    upsert_products(
        con, ctx,
        f"""SELECT product_id, '{source}' AS source, any_value(source_key) AS source_key, mode(product_title) AS title,
                   TRUE AS is_product, any_value(category) AS category FROM _x_reviews GROUP BY product_id""",
    )  # fmt: skip
    return WriteCounts(stored=int(stored), duplicate=total - int(stored))


def _layout(name: str, description: str, fields: tuple[Field, ...], spec: ReviewSpec, **kw) -> Layout:  # noqa: ANN003
    return register(
        Layout(name=name, kind="reviews", description=description, fields=fields, source=spec.source,
               writer=lambda con, ctx: write_reviews(con, ctx, spec), order=60, **kw)
    )  # fmt: skip


_layout(
    "amazon_alexa_tsv",
    "Amazon Alexa reviews (rating, date, variation, verified_reviews, feedback)",
    (
        Field("rating", ("rating",), "number", required=True),
        Field("reviewed_at", ("date",), "date", date_formats=("%d-%b-%y",)),
        Field("variation", ("variation",), required=True),
        Field("text", ("verified_reviews",)),
        Field("label", ("feedback",), "integer"),
    ),
    ReviewSpec(
        "amazon_alexa",
        "trim(g.variation)",
        "'Amazon Echo ' || trim(g.variation)",
        "'consumer_electronics'",
        marketplace="amazon.US",
        label="g.label",
    ),  # fmt: skip
)
_layout(
    "datafiniti_amazon",
    "Datafiniti Consumer Reviews of Amazon Products",
    (
        Field("product", ("id",), required=True),
        Field("name", ("name",), optional=True),
        Field("rating", ("reviews.rating",), "number"),
        Field("text", ("reviews.text",)),
        Field("title", ("reviews.title",), optional=True),
        Field("reviewed_at", ("reviews.date",), "timestamp", optional=True),
        Field("reviewer", ("reviews.username",), optional=True),
        Field("recommend", ("reviews.doRecommend",), optional=True),
        Field("source_review_id", ("reviews.id",), optional=True),
    ),
    ReviewSpec(
        "datafiniti",
        "g.product",
        "g.name",
        "'consumer_electronics'",
        marketplace="amazon.US",
        label="CASE lower(g.recommend) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END",
        reviewer="reviewer",
    ),  # fmt: skip
)
_layout(
    "womens_clothing_reviews",
    "Women's E-Commerce Clothing Reviews",
    (
        Field("row_id", ("column0", "Unnamed: 0"), optional=True),
        Field("clothing_id", ("Clothing ID",), required=True),
        Field("title", ("Title",)),
        Field("text", ("Review Text",)),
        Field("rating", ("Rating",), "number", required=True),
        Field("recommended", ("Recommended IND",), "integer"),
        Field("class_name", ("Class Name",), optional=True),
        Field("department", ("Department Name",), optional=True),
    ),
    ReviewSpec(
        "womens_clothing",
        "g.clothing_id",
        "g.department || ' / ' || g.class_name",
        "'apparel'",
        label="g.recommended",
    ),  # fmt: skip
)
_CN = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHINESE_CATEGORIES.items())
_layout(
    "chinese_10_cats",
    "ChineseNlpCorpus online_shopping_10_cats (cat, label, review)",
    (
        Field("cat", ("cat",), required=True),
        Field("label", ("label",), "integer", required=True),
        Field("text", ("review",)),
    ),
    ReviewSpec(
        "zh_shopping",
        "g.cat",
        "g.cat",
        f"CASE g.cat {_CN} ELSE 'other' END",
        language="zh",
        market="CN",
        label="g.label",
    ),  # fmt: skip
)
_layout(
    "uci_labelled_sentences",
    "UCI Sentiment Labelled Sentences (sentence<TAB>label, no header)",
    (
        Field("text", ("column0", "sentence"), required=True),
        Field("label", ("column1", "label", "score"), "integer", required=True),
    ),
    ReviewSpec(
        "uci_sentences",
        "'{stem}'",
        "'UCI labelled sentences'",
        "'other'",
        market=None,
        label="g.label",
    ),  # fmt: skip
    matcher=lambda headers: len([h for h in headers if h != "_row"]) == 2,
)
