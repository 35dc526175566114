"""The tables the marketing stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.domains.marketing.columns import CUR as _CUR
from xborder.domains.marketing.columns import KEYS as _KEYS
from xborder.domains.marketing.columns import MARKET as _MARKET
from xborder.domains.marketing.columns import MEASURES as _MEASURES
from xborder.domains.marketing.columns import MP as _MP
from xborder.domains.marketing.columns import RATIOS as _RATIOS
from xborder.domains.marketing.columns import RUN as _RUN
from xborder.domains.marketing.columns import number as _n
from xborder.domains.marketing.columns import per_bucket as _per_bucket
from xborder.schema.table import Column, Table

__all__ = [
    "AD_REVIEW_TERMS",
    "AD_METRICS",
    "AD_TACOS",
    "AD_SUGGESTIONS",
    "AD_RULE_REPLAY",
    "AD_KEYWORD_MATRIX",
    "AD_BUDGET",
    "AD_FEE_CEILINGS",
    "LISTING_FUNNEL",
    "TABLES",
]

AD_METRICS = Table(
    "ad_metrics",
    "Sponsored Products metrics per grain (campaign, ad group, keyword, search term, placement, day, advertised "
    "product, product × day) and account, summed within one report type (docs/marketing.md).",
    owner="marketing",
    columns=(
        _RUN,
        Column(
            "grain",
            "VARCHAR",
            "campaign | ad_group | keyword | search_term | placement | day | product | product_day.",
            nullable=False,
        ),
        _MP,
        _MARKET,
        _CUR,
        Column("report_type", "VARCHAR", "ad_performance.report_type the row was summed from."),
        *_KEYS,
        Column("placement", "VARCHAR", "Placement."),
        Column("listing_id", "VARCHAR", "Advertised listing (product grains)."),
        Column("product_id", "VARCHAR", "products.product_id of the advertised listing (product grains)."),
        Column("period_start", "DATE", "The day (day grains), or the first day covered."),
        Column("period_end", "DATE", "Last day covered."),
        Column("days", "INTEGER", "Distinct days (or summary periods) with data.", unit="days"),
        *_MEASURES,
        *_RATIOS,
        _n(
            "break_even_acos",
            "Product grain: unit margin before advertising / price from the latest landed-cost run (NULL: "
            "unknown).",
            "fraction",
        ),
    ),
)

AD_TACOS = Table(
    "ad_tacos",
    "Total advertising cost of sales per account and business-report period: ad spend / total ordered sales.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("period", "VARCHAR", "day | week | month (the business report's period).", nullable=False),
        Column("period_start", "DATE", "First day of the period.", nullable=False),
        Column("period_end", "DATE", "Last day of the period, included.", nullable=False),
        _n("ad_spend", "Ad spend over the period.", "currency"),
        _n("ad_sales", "Sales attributed to ads over the period.", "currency"),
        _n(
            "total_sales",
            "Ordered product sales of the account (business report or sales dashboard).",
            "currency",
        ),  # fmt: skip
        _n("tacos", "ad_spend / total_sales.", "fraction"),
        _n("ad_share", "ad_sales / total_sales.", "fraction"),
    ),
)

AD_SUGGESTIONS = Table(
    "ad_suggestions",
    "Bid and keyword suggestions with their numbers and the money at stake; never applied by xborder.",
    owner="marketing",
    columns=(
        _RUN,
        Column(
            "action",
            "VARCHAR",
            "pause_keyword | lower_bid | raise_bid | harvest_exact | add_negative | weekday_bid.",
            nullable=False,
        ),
        Column("grain", "VARCHAR", "keyword | search_term | campaign_weekday.", nullable=False),
        _MP,
        _MARKET,
        _CUR,
        *_KEYS,
        Column("period_start", "DATE", "First day of the evidence."),
        Column("period_end", "DATE", "Last day of the evidence."),
        _n("clicks", "Clicks in the evidence.", "clicks"),
        _n("spend", "Spend in the evidence.", "currency"),
        _n("orders", "Orders in the evidence.", "orders"),
        _n("sales", "Sales in the evidence.", "currency"),
        _n("acos", "ACoS in the evidence.", "fraction"),
        _n("cpc", "Average cost per click in the evidence.", "currency"),
        _n("target_acos", "ACoS target used.", "fraction"),
        Column("target_source", "VARCHAR", "break_even (the advertised product's) | default (setting)."),
        _n("suggested_bid", "Suggested bid (lower/raise bid, harvest).", "currency"),
        _n("money_at_stake", "Money the suggestion is about (kind in money_kind).", "currency"),
        Column(
            "money_kind",
            "VARCHAR",
            "spend (spent without an order) | excess_spend (above target) | headroom (spend still allowed at "
            "target) | sales (of a term to harvest).",
        ),
        Column("message", "VARCHAR", "JSON {code, args} of the explanation."),
        Column("text_en", "VARCHAR", "The explanation in English."),
        Column("text_zh", "VARCHAR", "The explanation in Chinese."),
        Column("weekday", "VARCHAR", "weekday_bid: the weekday (Monday ... Sunday)."),
        _n(
            "bid_modifier",
            "weekday_bid: suggested bid change on that weekday (-0.2 = 20% lower).",
            "fraction",
        ),  # fmt: skip
    ),
)

AD_RULE_REPLAY = Table(
    "ad_rule_replay",
    "The stopping rules replayed day by day on daily ads rows: spend they would have saved, sales at risk.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("grain", "VARCHAR", "campaign | keyword: what the rule stops.", nullable=False),
        Column("rule", "VARCHAR", "no_orders | above_target.", nullable=False),
        Column("min_clicks", "INTEGER", "Clicks needed before the rule acts.", unit="clicks"),
        _n("target_acos", "ACoS target of above_target.", "fraction"),
        Column("period_start", "DATE", "First day replayed."),
        Column("period_end", "DATE", "Last day replayed."),
        Column("keys", "INTEGER", "Campaigns or keywords replayed."),
        Column("keys_stopped", "INTEGER", "Of them, stopped by the rule."),
        _n("spend", "All spend of the days replayed.", "currency"),
        _n("sales", "All ad sales of the days replayed.", "currency"),
        _n("spend_saved", "Spend after the stop.", "currency"),
        _n("sales_at_risk", "Ad sales after the stop.", "currency"),
        _n("orders_at_risk", "Ad orders after the stop.", "orders"),
        _n(
            "stopped_acos",
            "spend_saved / sales_at_risk: stopping raised profit where the margin before ads is below it.",
            "fraction",
        ),
    ),
)

LISTING_FUNNEL = Table(
    "listing_funnel",
    "Conversion funnel per listing of the business reports (its SKU rows summed, the ASIN's sessions once): "
    "sessions → page views → order items → units.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("listing_id", "VARCHAR", "listings.listing_id.", nullable=False),
        Column("parent_asin", "VARCHAR", "(Parent) ASIN as given (a child under two parents is two rows)."),
        Column("asin", "VARCHAR", "(Child) ASIN."),
        Column("title", "VARCHAR", "Listing title."),
        Column("period", "VARCHAR", "listing_traffic.period (unstated for by-ASIN reports)."),
        Column("period_start", "DATE", "First day of the period, when stated."),
        Column("period_end", "DATE", "Last day of the period, when stated."),
        Column("report_date", "DATE", "Date in the report's file name."),
        _n("sessions", "Sessions.", "sessions"),
        _n("page_views", "Page views.", "views"),
        _n("order_items", "Order items.", "items"),
        _n("units_ordered", "Units ordered.", "units"),
        _n("ordered_sales", "Ordered product sales.", "currency"),
        _n("buy_box_share", "Buy Box share of page views.", "fraction"),
        _n("views_per_session", "page_views / sessions.", "ratio"),
        _n("order_rate", "order_items / sessions.", "fraction"),
        _n("unit_session", "units_ordered / sessions (Amazon's unit session percentage).", "fraction"),
        _n("sales_per_session", "ordered_sales / sessions.", "currency"),
    ),
)


AD_KEYWORD_MATRIX = Table(
    "ad_keyword_matrix",
    "Search terms × match type per account and advertised product: volume, conversion, cost, tier and the "
    "harvest/negate call with its exact binomial bounds (docs/marketing.md, keyword matrix).",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _MARKET,
        _CUR,
        Column(
            "product_id", "VARCHAR", "Advertised product of the term's ad groups (NULL: several or unknown)."
        ),  # fmt: skip
        Column("search_term", "VARCHAR", "Customer search term, lower case.", nullable=False),
        Column("words", "INTEGER", "Words in the term."),
        Column(
            "tier", "VARCHAR", "core (head half of the clicks) | scenario (names a use) | long_tail | asin."
        ),  # fmt: skip
        Column("campaigns", "INTEGER", "Campaigns the term came through."),
        Column("period_start", "DATE", "First day of the evidence."),
        Column("period_end", "DATE", "Last day of the evidence."),
        *_MEASURES,
        _n("ctr", "clicks / impressions.", "fraction"),
        _n("cpc", "spend / clicks.", "currency"),
        _n("cvr", "orders / clicks.", "fraction"),
        _n("acos", "spend / sales.", "fraction"),
        *_per_bucket(),
        Column("is_exact_keyword", "BOOLEAN", "The term is already an exact keyword of the account."),
        _n("order_value", "The account's ad sales / ad orders (value of one order).", "currency"),
        _n("target_acos", "ACoS the term must reach to pay.", "fraction"),
        _n("breakeven_cvr", "cpc / (target_acos × order_value): the lowest CVR that pays.", "fraction"),
        _n("cvr_low", "One-sided exact (Clopper-Pearson) lower bound of cvr at alpha.", "fraction"),
        _n("cvr_high", "One-sided exact (Clopper-Pearson) upper bound of cvr at alpha.", "fraction"),
        _n("alpha", "One-sided error of the call.", "fraction"),
        _n(
            "clicks_to_decide",
            "Clicks after which no order would prove the term below break-even: ln(alpha) / ln(1 − breakeven_cvr).",
            "clicks",
        ),
        Column(
            "action",
            "VARCHAR",
            "harvest_exact | negate | cut_bid | keep | undecided | product_target (docs/marketing.md).",
        ),
        _n(
            "money_at_stake",
            "harvest: its sales; negate: its spend; cut_bid: spend above target.",
            "currency",
        ),  # fmt: skip
        Column("review_scope", "VARCHAR", "product | category: whose review phrases (NULL: none known)."),
        Column(
            "review_pains", "VARCHAR", "Pain phrases of the reviews the term names, strongest first ('; ')."
        ),  # fmt: skip
        Column("review_delights", "VARCHAR", "Delight phrases of the reviews the term names ('; ')."),
    ),
)

AD_REVIEW_TERMS = Table(
    "ad_review_terms",
    "Review language × search terms: per account, advertised product and review pain/delight phrase, what the "
    "search terms naming the phrase did (searched = FALSE: a keyword idea from the reviews, no volume known).",
    owner="marketing",
    columns=(
        _RUN, _MP, _MARKET, _CUR,
        Column("product_id", "VARCHAR", "Advertised product.", nullable=False),
        Column("review_scope", "VARCHAR", "product (its own reviews) | category (its category's)."),
        Column("kind", "VARCHAR", "pain | delight (review_phrases.kind).", nullable=False),
        Column("phrase", "VARCHAR", "Lemmatised review phrase (review_phrases.phrase).", nullable=False),
        _n("z", "z-score of the phrase's log-odds, negative vs positive reviews (review_phrases.z)."),
        Column("n_negative", "BIGINT", "Negative reviews with the phrase.", unit="reviews"),
        Column("n_positive", "BIGINT", "Positive reviews with the phrase.", unit="reviews"),
        Column("terms", "INTEGER", "Search terms of the product naming the phrase."),
        *_MEASURES[1:],
        _n("cvr", "orders / clicks of those terms.", "fraction"),
        _n("acos", "spend / sales of those terms.", "fraction"),
        Column("top_term", "VARCHAR", "The naming term with most clicks."),
        Column("searched", "BOOLEAN", "Some search term names the phrase."),
    ),
)  # fmt: skip

AD_BUDGET = Table(
    "ad_budget",
    "Budget reallocation across campaigns toward equal marginal ROAS: per campaign the fitted response of "
    "daily ad sales to daily spend, its error, the current and suggested daily spend and the expected change.",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _MARKET,
        _CUR,
        Column("campaign", "VARCHAR", "Campaign name.", nullable=False),
        Column(
            "status",
            "VARCHAR",
            "fitted | too_few_days | no_orders | no_response (b ≤ 0) | not_active (docs/marketing.md).",
        ),
        Column("fit_start", "DATE", "First day of the fit."),
        Column("fit_end", "DATE", "Last day of the fit."),
        Column("fit_days", "INTEGER", "Days with spend in the fit.", unit="days"),
        _n("fit_spend", "Spend over the fit days.", "currency"),
        _n("fit_sales", "Ad sales over the fit days.", "currency"),
        _n("elasticity", "b of E[orders] = a × spend^b (Poisson fit on daily rows).", "ratio"),
        _n("elasticity_se", "Standard error of b (scaled by the Pearson dispersion).", "ratio"),
        _n("order_value", "The campaign's ad sales / ad orders over the fit.", "currency"),
        _n("holdout_actual", "Ad sales on the held-out last days.", "currency"),
        _n("holdout_predicted", "Ad sales the fit on the earlier days predicts for them.", "currency"),
        _n("current_daily_spend", "Mean daily spend over the last days (the budget to share).", "currency"),
        _n(
            "suggested_daily_spend",
            "Daily spend at which marginal ROAS is equal across campaigns.",
            "currency",
        ),  # fmt: skip
        _n("max_daily_spend", "Highest daily spend seen (no spend beyond it is suggested).", "currency"),
        _n("current_roas", "Fitted ad sales / spend at the current daily spend.", "ratio"),
        _n(
            "marginal_roas",
            "Fitted extra ad sales per extra unit of spend at the current daily spend.",
            "ratio",
        ),  # fmt: skip
        _n("suggested_marginal_roas", "Marginal ROAS at the suggested daily spend.", "ratio"),
        _n(
            "expected_daily_sales_change",
            "Fitted daily ad sales at the suggestion minus at the current spend.",
            "currency",
        ),  # fmt: skip
        _n(
            "margin_share",
            "Margin before advertising / price: break-even ACoS, else the fee ceiling.",
            "fraction",
        ),  # fmt: skip
        Column("margin_source", "VARCHAR", "break_even | fee_ceiling (an upper bound) | NULL (unknown)."),
        _n(
            "expected_daily_profit_change",
            "margin_share × expected_daily_sales_change (spend unchanged).",
            "currency",
        ),  # fmt: skip
    ),
)

AD_FEE_CEILINGS = Table(
    "ad_fee_ceilings",
    "Per ads account with transaction (settlement / date-range) reports: what the marketplace leaves of a sale "
    "before product cost — an upper bound of every product's break-even ACoS — and the ad spend of campaigns "
    "above it, lost whatever the product cost (docs/marketing.md, Fee ceiling).",
    owner="marketing",
    columns=(
        _RUN,
        _MP,
        _CUR,
        Column("period_start", "DATE", "First posting day of the order rows."),
        Column("period_end", "DATE", "Last posting day of the order rows."),
        _n("orders", "Distinct orders of the order rows.", "orders"),
        _n("product_sales", "Product sales of the order rows.", "currency"),
        _n("promotional_rebates", "Promotional rebates of the order rows (negative).", "currency"),
        _n("selling_fees", "Selling (referral) fees of the order rows (negative).", "currency"),
        _n("fba_fees", "FBA fees of the order rows (negative).", "currency"),
        _n("refunds", "Net of the refund rows' sales, rebates and fees (negative).", "currency"),
        _n(
            "fee_ceiling_acos",
            "(sales + rebates + fees) / sales: the highest break-even ACoS possible.",
            "fraction",
        ),  # fmt: skip
        _n("refund_ceiling_acos", "The same after refunds.", "fraction"),
        _n("ad_spend", "Spend of all campaigns of the account (campaign grain).", "currency"),
        _n("ad_sales", "Their ad sales.", "currency"),
        Column("campaigns", "INTEGER", "Campaigns of the account."),
        Column("campaigns_above", "INTEGER", "Of them, campaigns whose ACoS is above fee_ceiling_acos."),
        _n("spend_above", "Spend of those campaigns.", "currency"),
        _n("sales_above", "Their ad sales.", "currency"),
        _n(
            "loss_at_zero_cost",
            "spend_above − fee_ceiling_acos × sales_above: lost even at zero product cost.",
            "currency",
        ),  # fmt: skip
        _n(
            "account_loss_at_zero_cost",
            "ad_spend − fee_ceiling_acos × ad_sales (negative: the ads paid).",
            "currency",
        ),  # fmt: skip
    ),
)

TABLES = (
    AD_METRICS,
    AD_TACOS,
    AD_SUGGESTIONS,
    AD_RULE_REPLAY,
    AD_KEYWORD_MATRIX,
    AD_BUDGET,
    LISTING_FUNNEL,
    AD_FEE_CEILINGS,
    AD_REVIEW_TERMS,
)
