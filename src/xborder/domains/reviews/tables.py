"""The tables the reviews stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "REVIEW_ANALYSIS",
    "REVIEW_GROUPS",
    "REVIEW_ASPECTS",
    "REVIEW_PHRASES",
    "REVIEW_CUES",
    "IMPROVEMENT_OPPORTUNITIES",
    "TABLES",
]

REVIEW_ANALYSIS = Table(
    "review_analysis",
    "One row per review per reviews run: language, sentiment and the aspects and cues it mentions (docs/reviews.md).",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("review_id", "VARCHAR", "reviews.review_id.", nullable=False),
        Column(
            "product_id", "VARCHAR", "reviews.product_id, or source:<source> for reviews without a product."
        ),
        Column("category", "VARCHAR", "products.category of the product (xborder taxonomy), when known."),
        Column(
            "market",
            "VARCHAR",
            'reviews.market_code; ZZ (ISO user-assigned "unknown") when the source gives none.',
        ),
        Column("reviewed_at", "TIMESTAMP", "reviews.reviewed_at."),
        Column(
            "language",
            "VARCHAR",
            "ISO 639-1 language: as given by the source, else detected; NULL when undetermined.",
        ),
        Column("language_source", "VARCHAR", "given | detected | undetermined."),
        Column(
            "sentiment_score",
            "DOUBLE",
            "Positive sentiment in [0, 1]: (rating − 1) / 4 when rated, the label when labelled, else the model probability.",
        ),
        Column(
            "sentiment_source",
            "VARCHAR",
            "rating | label | model_en | model_zh_runtime | lexicon_zh | unsupported_language | empty.",
        ),
        Column(
            "polarity",
            "TINYINT",
            "-1 negative, 0 neutral, +1 positive (ratings ≤ 2 / 3 / ≥ 4; model probability < 0.4 / between / > 0.6); NULL when unknown.",
        ),
        Column(
            "aspects",
            "VARCHAR[]",
            "Aspects the review mentions (size, noise, battery, ...; lexicons in xborder/domains/reviews/lexicons.py).",
        ),
        Column("needs", "VARCHAR[]", "Needs the review expresses (reliability, comfort, good value, ...)."),
        Column("scenarios", "VARCHAR[]", "Usage scenarios it mentions (night / sleep, travel, gift, ...)."),
        Column("emotions", "VARCHAR[]", "Emotions it expresses (delight, disappointment, frustration, ...)."),
        Column(
            "flags",
            "VARCHAR",
            "Text problems found and handled, comma-separated: empty, html, mojibake_fixed, undecodable, control_chars, truncated, emoji_only.",
        ),
        Column("n_chars", "INTEGER", "Length of the cleaned text in characters.", unit="characters"),
    ),
)

REVIEW_GROUPS = Table(
    "review_groups",
    "Review totals per product (or category) × market of a reviews run.",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("scope", "VARCHAR", "product | category.", nullable=False),
        Column(
            "product_id",
            "VARCHAR",
            "products.product_id (scope product) or cat:<category> (scope category).",
            nullable=False,
        ),
        Column("category", "VARCHAR", "xborder category id, when known."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market (ZZ = unknown).", nullable=False),
        Column("n_reviews", "BIGINT", "Reviews in the group.", unit="reviews"),
        Column("n_negative", "BIGINT", "Reviews with polarity −1.", unit="reviews"),
        Column("n_neutral", "BIGINT", "Reviews with polarity 0.", unit="reviews"),
        Column("n_positive", "BIGINT", "Reviews with polarity +1.", unit="reviews"),
        Column(
            "n_unscored",
            "BIGINT",
            "Reviews without any sentiment (no rating/label and an unsupported language or empty text).",
            unit="reviews",
        ),
        Column("avg_rating", "DOUBLE", "Mean star rating of the rated reviews.", unit="stars"),
        Column("languages", "JSON", "Review count per language as JSON."),
        Column("first_review", "TIMESTAMP", "Earliest review time."),
        Column("last_review", "TIMESTAMP", "Latest review time."),
    ),
)

REVIEW_ASPECTS = Table(
    "review_aspects",
    "Aspects per product/category × market, ranked by the share of negative reviews mentioning them, with trend and 3 verbatim examples.",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("scope", "VARCHAR", "product | category.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id or cat:<category>.", nullable=False),
        Column("category", "VARCHAR", "xborder category id, when known."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market (ZZ = unknown).", nullable=False),
        Column("aspect", "VARCHAR", "Aspect name (English).", nullable=False),
        Column("aspect_zh", "VARCHAR", "Aspect name in Simplified Chinese."),
        Column("n_mentions", "BIGINT", "Reviews mentioning the aspect.", unit="reviews"),
        Column("n_negative_mentions", "BIGINT", "Negative reviews mentioning the aspect.", unit="reviews"),
        Column("n_positive_mentions", "BIGINT", "Positive reviews mentioning the aspect.", unit="reviews"),
        Column(
            "negative_share",
            "DOUBLE",
            "n_negative_mentions / negative reviews of the group (the ranking key).",
            unit="fraction",
        ),
        Column(
            "positive_share",
            "DOUBLE",
            "n_positive_mentions / positive reviews of the group.",
            unit="fraction",
        ),
        Column(
            "lift",
            "DOUBLE",
            "(negative_share + 0.01) / (positive_share + 0.01): > 1 means a complaint more than a compliment.",
            unit="ratio",
        ),
        Column(
            "evidence_low",
            "DOUBLE",
            "Wilson 95% lower bound of negative_share (Wilson 1927).",
            unit="fraction",
        ),
        Column("rank", "INTEGER", "Rank within the group by negative_share (1 = most complained about)."),
        Column(
            "trend_slope_pp",
            "DOUBLE",
            "Least-squares slope of the monthly negative share, percentage points per month (NULL with < 3 months).",
            unit="percentage points per month",
        ),
        Column(
            "trend_direction",
            "VARCHAR",
            "rising | falling | flat (|slope| < 1 pp/month) | NULL when too few months.",
        ),
        Column("trend_periods", "INTEGER", "Months with negative reviews used for the trend.", unit="months"),
        Column(
            "trend_rank",
            "INTEGER",
            "Rank within the group by trend_slope_pp, fastest-rising first (NULL without a trend).",
        ),
        Column(
            "examples",
            "JSON",
            "Up to 3 verbatim negative reviews mentioning the aspect: [{review_id, text}] (positive ones when it has no negative mention).",
        ),
    ),
)

REVIEW_PHRASES = Table(
    "review_phrases",
    "Pain points and delights: phrases that distinguish low-star from high-star reviews (log-odds with an informative Dirichlet prior, Monroe et al. 2008).",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("scope", "VARCHAR", "product | category.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id or cat:<category>.", nullable=False),
        Column("category", "VARCHAR", "xborder category id, when known."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market (ZZ = unknown).", nullable=False),
        Column(
            "kind",
            "VARCHAR",
            "pain (typical of negative reviews) | delight (typical of positive reviews).",
            nullable=False,
        ),
        Column(
            "phrase",
            "VARCHAR",
            "Lemmatised phrase (1-3 words; Chinese segmented with jieba and joined).",
            nullable=False,
        ),
        Column("aspect", "VARCHAR", "Aspect the phrase belongs to, when one matches."),
        Column("n_negative", "BIGINT", "Negative reviews containing the phrase.", unit="reviews"),
        Column("n_positive", "BIGINT", "Positive reviews containing the phrase.", unit="reviews"),
        Column(
            "log_odds", "DOUBLE", "Log-odds ratio negative vs positive with the informative Dirichlet prior."
        ),
        Column("z", "DOUBLE", "z-score of the log-odds (|z| ≥ 1.96 kept)."),
        Column("rank", "INTEGER", "Rank within group and kind by |z|."),
    ),
)

REVIEW_CUES = Table(
    "review_cues",
    "Need–scenario–emotion view: what buyers needed, in which usage scenario, and how they felt, per group.",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("scope", "VARCHAR", "product | category.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id or cat:<category>.", nullable=False),
        Column("category", "VARCHAR", "xborder category id, when known."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market (ZZ = unknown).", nullable=False),
        Column("kind", "VARCHAR", "need | scenario | emotion.", nullable=False),
        Column(
            "value",
            "VARCHAR",
            "The need, scenario or emotion (lexicons in xborder/domains/reviews/lexicons.py).",
            nullable=False,
        ),
        Column("n_reviews", "BIGINT", "Reviews expressing it.", unit="reviews"),
        Column("n_negative", "BIGINT", "Negative reviews expressing it.", unit="reviews"),
        Column("n_positive", "BIGINT", "Positive reviews expressing it.", unit="reviews"),
        Column("share", "DOUBLE", "n_reviews / reviews of the group.", unit="fraction"),
        Column(
            "negative_share",
            "DOUBLE",
            "n_negative / n_reviews: how often it comes with a bad experience.",
            unit="fraction",
        ),
    ),
)

IMPROVEMENT_OPPORTUNITIES = Table(
    "improvement_opportunities",
    "Aspects buyers complain about, per product/category × market: what a better product should fix (read by selection).",
    owner="reviews",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the reviews run.", nullable=False),
        Column("scope", "VARCHAR", "product | category.", nullable=False),
        Column(
            "product_id",
            "VARCHAR",
            "products.product_id, or cat:<category> for category-level rows.",
            nullable=False,
        ),
        Column("category", "VARCHAR", "xborder category id, when known."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market (ZZ = unknown).", nullable=False),
        Column("aspect", "VARCHAR", "The aspect to improve (English name).", nullable=False),
        # aspect_zh (here and in review_aspects) is vocabulary from the lexicons, not prose: it stays data.
        Column("aspect_zh", "VARCHAR", "The aspect in Simplified Chinese."),
        Column(
            "evidence_share",
            "DOUBLE",
            "Share of the negative reviews that mention the aspect.",
            unit="fraction",
        ),
        Column("evidence_low", "DOUBLE", "Wilson 95% lower bound of evidence_share.", unit="fraction"),
        Column(
            "opportunity_score",
            "DOUBLE",
            "Score in [0, 1] for selection: evidence_low (small samples are discounted).",
            unit="fraction",
        ),
        Column(
            "n_reviews", "BIGINT", "Negative reviews mentioning the aspect (the evidence).", unit="reviews"
        ),
        Column("n_negative", "BIGINT", "Negative reviews of the group.", unit="reviews"),
        Column("n_total", "BIGINT", "All reviews of the group.", unit="reviews"),
        Column(
            "lift",
            "DOUBLE",
            "How much more the aspect is mentioned in negative than positive reviews (see review_aspects.lift).",
            unit="ratio",
        ),
        Column("trend_direction", "VARCHAR", "rising | falling | flat | NULL (see review_aspects)."),
        Column(
            "trend_slope_pp",
            "DOUBLE",
            "Monthly change of the negative share, percentage points per month.",
            unit="percentage points per month",
        ),
        Column("rank", "INTEGER", "Rank within the product/category × market (1 = biggest opportunity)."),
        Column(
            "top_phrases",
            "JSON",
            "Pain-point phrases of the group that belong to this aspect, as a JSON list.",
        ),
        Column("example_ids", "JSON", "review_id of up to 3 verbatim example reviews, as a JSON list."),
        Column("summary_en", "VARCHAR", "One-sentence finding in English (summary rendered)."),
        Column("summary_zh", "VARCHAR", "One-sentence finding in Simplified Chinese (summary rendered)."),
        Column(
            "summary",
            "JSON",
            'The finding as messages: a JSON list of {"code", "args"} (codes reviews.* of the message '
            "catalogue); summary_en and summary_zh are its renderings.",
            message=True,
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    REVIEW_ANALYSIS,
    REVIEW_GROUPS,
    REVIEW_ASPECTS,
    REVIEW_PHRASES,
    REVIEW_CUES,
    IMPROVEMENT_OPPORTUNITIES,
)
