-- Reviews (voice of the customer): per-review annotations and per product/category × market findings.
CREATE TABLE review_analysis (
    run_id VARCHAR NOT NULL,
    review_id VARCHAR NOT NULL,
    product_id VARCHAR,
    category VARCHAR,
    market VARCHAR,
    reviewed_at TIMESTAMP,
    language VARCHAR,
    language_source VARCHAR,
    sentiment_score DOUBLE,
    sentiment_source VARCHAR,
    polarity TINYINT,
    aspects VARCHAR[],
    needs VARCHAR[],
    scenarios VARCHAR[],
    emotions VARCHAR[],
    flags VARCHAR,
    n_chars INTEGER
);
COMMENT ON TABLE review_analysis IS 'One row per review per reviews run: language, sentiment and the aspects and cues it mentions (docs/reviews.md).';
COMMENT ON COLUMN review_analysis.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN review_analysis.review_id IS 'reviews.review_id.';
COMMENT ON COLUMN review_analysis.product_id IS 'reviews.product_id, or source:<source> for reviews without a product.';
COMMENT ON COLUMN review_analysis.category IS 'products.category of the product (xborder taxonomy), when known.';
COMMENT ON COLUMN review_analysis.market IS 'reviews.market_code; ZZ (ISO user-assigned "unknown") when the source gives none.';
COMMENT ON COLUMN review_analysis.reviewed_at IS 'reviews.reviewed_at.';
COMMENT ON COLUMN review_analysis.language IS 'ISO 639-1 language: as given by the source, else detected; NULL when undetermined.';
COMMENT ON COLUMN review_analysis.language_source IS 'given | detected | undetermined.';
COMMENT ON COLUMN review_analysis.sentiment_score IS 'Positive sentiment in [0, 1]: (rating − 1) / 4 when rated, the label when labelled, else the model probability.';
COMMENT ON COLUMN review_analysis.sentiment_source IS 'rating | label | model_en | model_zh_runtime | lexicon_zh | unsupported_language | empty.';
COMMENT ON COLUMN review_analysis.polarity IS '-1 negative, 0 neutral, +1 positive (ratings ≤ 2 / 3 / ≥ 4; model probability < 0.4 / between / > 0.6); NULL when unknown.';
COMMENT ON COLUMN review_analysis.aspects IS 'Aspects the review mentions (size, noise, battery, ...; lexicons in xborder/reviews/lexicons.py).';
COMMENT ON COLUMN review_analysis.needs IS 'Needs the review expresses (reliability, comfort, good value, ...).';
COMMENT ON COLUMN review_analysis.scenarios IS 'Usage scenarios it mentions (night / sleep, travel, gift, ...).';
COMMENT ON COLUMN review_analysis.emotions IS 'Emotions it expresses (delight, disappointment, frustration, ...).';
COMMENT ON COLUMN review_analysis.flags IS 'Text problems found and handled, comma-separated: empty, html, mojibake_fixed, undecodable, control_chars, truncated, emoji_only.';
COMMENT ON COLUMN review_analysis.n_chars IS 'Length of the cleaned text in characters.';

CREATE TABLE review_groups (
    run_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR,
    market VARCHAR NOT NULL,
    n_reviews BIGINT,
    n_negative BIGINT,
    n_neutral BIGINT,
    n_positive BIGINT,
    n_unscored BIGINT,
    avg_rating DOUBLE,
    languages JSON,
    first_review TIMESTAMP,
    last_review TIMESTAMP
);
COMMENT ON TABLE review_groups IS 'Review totals per product (or category) × market of a reviews run.';
COMMENT ON COLUMN review_groups.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN review_groups.scope IS 'product | category.';
COMMENT ON COLUMN review_groups.product_id IS 'products.product_id (scope product) or cat:<category> (scope category).';
COMMENT ON COLUMN review_groups.category IS 'xborder category id, when known.';
COMMENT ON COLUMN review_groups.market IS 'ISO 3166-1 alpha-2 market (ZZ = unknown).';
COMMENT ON COLUMN review_groups.n_reviews IS 'Reviews in the group.';
COMMENT ON COLUMN review_groups.n_negative IS 'Reviews with polarity −1.';
COMMENT ON COLUMN review_groups.n_neutral IS 'Reviews with polarity 0.';
COMMENT ON COLUMN review_groups.n_positive IS 'Reviews with polarity +1.';
COMMENT ON COLUMN review_groups.n_unscored IS 'Reviews without any sentiment (no rating/label and an unsupported language or empty text).';
COMMENT ON COLUMN review_groups.avg_rating IS 'Mean star rating of the rated reviews.';
COMMENT ON COLUMN review_groups.languages IS 'Review count per language as JSON.';
COMMENT ON COLUMN review_groups.first_review IS 'Earliest review time.';
COMMENT ON COLUMN review_groups.last_review IS 'Latest review time.';

CREATE TABLE review_aspects (
    run_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR,
    market VARCHAR NOT NULL,
    aspect VARCHAR NOT NULL,
    aspect_zh VARCHAR,
    n_mentions BIGINT,
    n_negative_mentions BIGINT,
    n_positive_mentions BIGINT,
    negative_share DOUBLE,
    positive_share DOUBLE,
    lift DOUBLE,
    evidence_low DOUBLE,
    rank INTEGER,
    trend_slope_pp DOUBLE,
    trend_direction VARCHAR,
    trend_periods INTEGER,
    trend_rank INTEGER,
    examples JSON
);
COMMENT ON TABLE review_aspects IS 'Aspects per product/category × market, ranked by the share of negative reviews mentioning them, with trend and 3 verbatim examples.';
COMMENT ON COLUMN review_aspects.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN review_aspects.scope IS 'product | category.';
COMMENT ON COLUMN review_aspects.product_id IS 'products.product_id or cat:<category>.';
COMMENT ON COLUMN review_aspects.category IS 'xborder category id, when known.';
COMMENT ON COLUMN review_aspects.market IS 'ISO 3166-1 alpha-2 market (ZZ = unknown).';
COMMENT ON COLUMN review_aspects.aspect IS 'Aspect name (English).';
COMMENT ON COLUMN review_aspects.aspect_zh IS 'Aspect name in Simplified Chinese.';
COMMENT ON COLUMN review_aspects.n_mentions IS 'Reviews mentioning the aspect.';
COMMENT ON COLUMN review_aspects.n_negative_mentions IS 'Negative reviews mentioning the aspect.';
COMMENT ON COLUMN review_aspects.n_positive_mentions IS 'Positive reviews mentioning the aspect.';
COMMENT ON COLUMN review_aspects.negative_share IS 'n_negative_mentions / negative reviews of the group (the ranking key).';
COMMENT ON COLUMN review_aspects.positive_share IS 'n_positive_mentions / positive reviews of the group.';
COMMENT ON COLUMN review_aspects.lift IS '(negative_share + 0.01) / (positive_share + 0.01): > 1 means a complaint more than a compliment.';
COMMENT ON COLUMN review_aspects.evidence_low IS 'Wilson 95% lower bound of negative_share (Wilson 1927).';
COMMENT ON COLUMN review_aspects.rank IS 'Rank within the group by negative_share (1 = most complained about).';
COMMENT ON COLUMN review_aspects.trend_slope_pp IS 'Least-squares slope of the monthly negative share, percentage points per month (NULL with < 3 months).';
COMMENT ON COLUMN review_aspects.trend_direction IS 'rising | falling | flat (|slope| < 1 pp/month) | NULL when too few months.';
COMMENT ON COLUMN review_aspects.trend_periods IS 'Months with negative reviews used for the trend.';
COMMENT ON COLUMN review_aspects.trend_rank IS 'Rank within the group by trend_slope_pp, fastest-rising first (NULL without a trend).';
COMMENT ON COLUMN review_aspects.examples IS 'Up to 3 verbatim negative reviews mentioning the aspect: [{review_id, text}] (positive ones when it has no negative mention).';

CREATE TABLE review_phrases (
    run_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR,
    market VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    phrase VARCHAR NOT NULL,
    aspect VARCHAR,
    n_negative BIGINT,
    n_positive BIGINT,
    log_odds DOUBLE,
    z DOUBLE,
    rank INTEGER
);
COMMENT ON TABLE review_phrases IS 'Pain points and delights: phrases that distinguish low-star from high-star reviews (log-odds with an informative Dirichlet prior, Monroe et al. 2008).';
COMMENT ON COLUMN review_phrases.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN review_phrases.scope IS 'product | category.';
COMMENT ON COLUMN review_phrases.product_id IS 'products.product_id or cat:<category>.';
COMMENT ON COLUMN review_phrases.category IS 'xborder category id, when known.';
COMMENT ON COLUMN review_phrases.market IS 'ISO 3166-1 alpha-2 market (ZZ = unknown).';
COMMENT ON COLUMN review_phrases.kind IS 'pain (typical of negative reviews) | delight (typical of positive reviews).';
COMMENT ON COLUMN review_phrases.phrase IS 'Lemmatised phrase (1-3 words; Chinese segmented with jieba and joined).';
COMMENT ON COLUMN review_phrases.aspect IS 'Aspect the phrase belongs to, when one matches.';
COMMENT ON COLUMN review_phrases.n_negative IS 'Negative reviews containing the phrase.';
COMMENT ON COLUMN review_phrases.n_positive IS 'Positive reviews containing the phrase.';
COMMENT ON COLUMN review_phrases.log_odds IS 'Log-odds ratio negative vs positive with the informative Dirichlet prior.';
COMMENT ON COLUMN review_phrases.z IS 'z-score of the log-odds (|z| ≥ 1.96 kept).';
COMMENT ON COLUMN review_phrases.rank IS 'Rank within group and kind by |z|.';

CREATE TABLE review_cues (
    run_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR,
    market VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    n_reviews BIGINT,
    n_negative BIGINT,
    n_positive BIGINT,
    share DOUBLE,
    negative_share DOUBLE
);
COMMENT ON TABLE review_cues IS 'Need–scenario–emotion view: what buyers needed, in which usage scenario, and how they felt, per group.';
COMMENT ON COLUMN review_cues.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN review_cues.scope IS 'product | category.';
COMMENT ON COLUMN review_cues.product_id IS 'products.product_id or cat:<category>.';
COMMENT ON COLUMN review_cues.category IS 'xborder category id, when known.';
COMMENT ON COLUMN review_cues.market IS 'ISO 3166-1 alpha-2 market (ZZ = unknown).';
COMMENT ON COLUMN review_cues.kind IS 'need | scenario | emotion.';
COMMENT ON COLUMN review_cues.value IS 'The need, scenario or emotion (lexicons in xborder/reviews/lexicons.py).';
COMMENT ON COLUMN review_cues.n_reviews IS 'Reviews expressing it.';
COMMENT ON COLUMN review_cues.n_negative IS 'Negative reviews expressing it.';
COMMENT ON COLUMN review_cues.n_positive IS 'Positive reviews expressing it.';
COMMENT ON COLUMN review_cues.share IS 'n_reviews / reviews of the group.';
COMMENT ON COLUMN review_cues.negative_share IS 'n_negative / n_reviews: how often it comes with a bad experience.';

CREATE TABLE improvement_opportunities (
    run_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    product_id VARCHAR NOT NULL,
    category VARCHAR,
    market VARCHAR NOT NULL,
    aspect VARCHAR NOT NULL,
    aspect_zh VARCHAR,
    evidence_share DOUBLE,
    evidence_low DOUBLE,
    opportunity_score DOUBLE,
    n_reviews BIGINT,
    n_negative BIGINT,
    n_total BIGINT,
    lift DOUBLE,
    trend_direction VARCHAR,
    trend_slope_pp DOUBLE,
    rank INTEGER,
    top_phrases JSON,
    example_ids JSON,
    summary_en VARCHAR,
    summary_zh VARCHAR
);
COMMENT ON TABLE improvement_opportunities IS 'Aspects buyers complain about, per product/category × market: what a better product should fix (read by selection).';
COMMENT ON COLUMN improvement_opportunities.run_id IS 'runs.run_id of the reviews run.';
COMMENT ON COLUMN improvement_opportunities.scope IS 'product | category.';
COMMENT ON COLUMN improvement_opportunities.product_id IS 'products.product_id, or cat:<category> for category-level rows.';
COMMENT ON COLUMN improvement_opportunities.category IS 'xborder category id, when known.';
COMMENT ON COLUMN improvement_opportunities.market IS 'ISO 3166-1 alpha-2 market (ZZ = unknown).';
COMMENT ON COLUMN improvement_opportunities.aspect IS 'The aspect to improve (English name).';
COMMENT ON COLUMN improvement_opportunities.aspect_zh IS 'The aspect in Simplified Chinese.';
COMMENT ON COLUMN improvement_opportunities.evidence_share IS 'Share of the negative reviews that mention the aspect.';
COMMENT ON COLUMN improvement_opportunities.evidence_low IS 'Wilson 95% lower bound of evidence_share.';
COMMENT ON COLUMN improvement_opportunities.opportunity_score IS 'Score in [0, 1] for selection: evidence_low (small samples are discounted).';
COMMENT ON COLUMN improvement_opportunities.n_reviews IS 'Negative reviews mentioning the aspect (the evidence).';
COMMENT ON COLUMN improvement_opportunities.n_negative IS 'Negative reviews of the group.';
COMMENT ON COLUMN improvement_opportunities.n_total IS 'All reviews of the group.';
COMMENT ON COLUMN improvement_opportunities.lift IS 'How much more the aspect is mentioned in negative than positive reviews (see review_aspects.lift).';
COMMENT ON COLUMN improvement_opportunities.trend_direction IS 'rising | falling | flat | NULL (see review_aspects).';
COMMENT ON COLUMN improvement_opportunities.trend_slope_pp IS 'Monthly change of the negative share, percentage points per month.';
COMMENT ON COLUMN improvement_opportunities.rank IS 'Rank within the product/category × market (1 = biggest opportunity).';
COMMENT ON COLUMN improvement_opportunities.top_phrases IS 'Pain-point phrases of the group that belong to this aspect, as a JSON list.';
COMMENT ON COLUMN improvement_opportunities.example_ids IS 'review_id of up to 3 verbatim example reviews, as a JSON list.';
COMMENT ON COLUMN improvement_opportunities.summary_en IS 'One-sentence finding in English.';
COMMENT ON COLUMN improvement_opportunities.summary_zh IS 'One-sentence finding in Simplified Chinese.';
