"""The keyword matrix: search terms × match type, tiers, and harvest/negate calls with a stated statistical basis.

A term pays when its ACoS is at most the target: spend / sales = CPC / (CVR × order value) ≤ target, i.e. when
its conversion rate reaches the **break-even CVR** = CPC / (target × order value). The order value is the
account's (ad sales / ad orders over its search terms): one term's few orders are too few to know its own.
With one-sided exact (Clopper-Pearson) bounds at ``alpha`` on the term's CVR:

- ``harvest_exact``: the lower bound is above the break-even CVR (it pays, with 1 − alpha confidence), the term
  has at least ``min_orders`` orders and is not yet an exact keyword of the account;
- ``negate``: no order and the upper bound is below the break-even CVR — if it converted at the lowest rate
  that still pays, seeing no order in that many clicks would happen less than alpha of the time;
- ``cut_bid``: orders, but the upper bound is below the break-even CVR (loses money at this CPC);
- ``keep``: already exact and paying; ``undecided``: the interval still holds the break-even CVR
  (``clicks_to_decide`` = clicks after which no order would be conclusive, ln(alpha) / ln(1 − break-even CVR)).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = [
    "MATCH_BUCKETS",
    "TIERS",
    "KEYWORD_ACTIONS",
    "match_bucket",
    "term_tier",
    "cvr_bounds",
    "keyword_matrix",
]

MATCH_BUCKETS = ("exact", "phrase", "broad", "auto", "product")
"""How the term was matched: keyword match types, automatic targeting, product/category targeting."""
TIERS = ("core", "scenario", "long_tail", "asin")
KEYWORD_ACTIONS = ("harvest_exact", "negate", "cut_bid", "keep", "undecided", "product_target")

_ASIN = re.compile(r"^b0[0-9a-z]{8}$", re.IGNORECASE)
_AUTO = {"*", "close-match", "loose-match", "substitutes", "complements"}
_SCENARIO = re.compile(
    r"(?:^|\s)(?:for|with|without|in|on|to|para|für|pour)(?:\s|$)|用|适合|给", re.IGNORECASE
)
_MEASURES = ["impressions", "clicks", "spend", "orders", "sales"]
_ACCOUNT = ["marketplace_id", "market_code", "currency"]


def match_bucket(match_type: object, targeting: object) -> str:
    """``exact`` | ``phrase`` | ``broad`` (keyword match types), ``auto`` (automatic targeting groups) or
    ``product`` (ASIN, category or keyword-group targets)."""
    m = str(match_type or "").strip().upper()
    if m in ("EXACT", "PHRASE", "BROAD"):
        return m.lower()
    t = str(targeting or "").strip().lower()
    return "auto" if t in _AUTO else "product"


def term_tier(term: str, in_head: bool) -> str:
    """``asin`` (a product page), ``core`` (the head: terms carrying the first half of the clicks), ``scenario``
    (names a use or user: 'for', 'with' ..., 用/适合/给) or ``long_tail``."""
    if _ASIN.match(term):
        return "asin"
    if in_head:
        return "core"
    return "scenario" if _SCENARIO.search(term) else "long_tail"


def cvr_bounds(orders: np.ndarray, clicks: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided exact (Clopper-Pearson) lower and upper bounds of orders / clicks at level ``alpha`` each.

    Orders above clicks (possible within the attribution window) count as clicks.
    """
    from scipy.stats import beta

    n = np.asarray(clicks, dtype=float)
    k = np.minimum(np.asarray(orders, dtype=float), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, beta.ppf(alpha, k, n - k + 1), 0.0)
        high = np.where(k < n, beta.ppf(1 - alpha, k + 1, n - k), 1.0)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high


def keyword_matrix(
    search_terms: pd.DataFrame,
    exact_keywords: pd.DataFrame,
    products: pd.DataFrame,
    *,
    target_acos: float,
    alpha: float = 0.05,
    min_orders: int = 2,
) -> pd.DataFrame:
    """One row per account × advertised product × search term: volume, conversion and cost, clicks and orders
    per match bucket, tier, CVR bounds against the break-even CVR and the call (module docstring).

    Args:
        search_terms: ``ad_metrics`` rows of the search_term grain (account columns, campaign, ad_group,
            targeting, match_type, search_term and the five measures).
        exact_keywords: ``marketplace_id``, ``targeting`` of the account's EXACT keywords.
        products: ``marketplace_id``, ``campaign``, ``ad_group``, ``product_id`` (advertised product report);
            ad groups advertising one product give their terms that product, the others leave it empty.
        target_acos: ACoS a term must reach to pay.
        alpha: One-sided error of each call.
        min_orders: Orders a term needs before it is harvested (one order from one click already clears a 2%
            break-even CVR at 5%, but thousands of terms are tested at once: a guardrail against chance).
    """
    if search_terms.empty:
        return pd.DataFrame()
    st = search_terms.dropna(subset=["search_term"]).drop(columns=["product_id"], errors="ignore")
    st["term"] = st["search_term"].astype(str).str.strip().str.lower()
    st["bucket"] = [match_bucket(m, t) for m, t in zip(st["match_type"], st["targeting"], strict=True)]
    one = products.dropna(subset=["product_id"]).drop_duplicates()
    one = one.groupby(["marketplace_id", "campaign", "ad_group"]).filter(lambda g: len(g) == 1)
    st = st.merge(one, on=["marketplace_id", "campaign", "ad_group"], how="left")
    st["product_id"] = st["product_id"].fillna("")
    keys = [*_ACCOUNT, "product_id", "term"]
    m = st.groupby(keys, as_index=False, dropna=False).agg(
        **{c: (c, "sum") for c in _MEASURES},  # type: ignore[arg-type]
        campaigns=("campaign", "nunique"),
        period_start=("period_start", "min"),
        period_end=("period_end", "max"),
    )
    per = st.pivot_table(
        index=keys, columns="bucket", values=["clicks", "orders"], aggfunc="sum", fill_value=0
    )
    per.columns = [f"{pair[1]}_{pair[0]}" for pair in per.columns]
    m = m.merge(per.reset_index(), on=keys, how="left")
    for b in MATCH_BUCKETS:
        for v in ("clicks", "orders"):
            m[f"{b}_{v}"] = m.get(f"{b}_{v}", pd.Series(0.0, index=m.index)).fillna(0.0)
    ex = exact_keywords.assign(term=exact_keywords["targeting"].astype(str).str.strip().str.lower())
    ex = ex[["marketplace_id", "term"]].drop_duplicates().assign(is_exact_keyword=True)
    m = m.merge(ex, on=["marketplace_id", "term"], how="left")
    m["is_exact_keyword"] = m["is_exact_keyword"].eq(True) | (m["exact_clicks"] > 0)
    acct = m.groupby(_ACCOUNT, dropna=False)[["orders", "sales"]].transform("sum")
    m["order_value"] = acct["sales"] / acct["orders"].where(acct["orders"] > 0)
    m = m.sort_values([*_ACCOUNT, "product_id", "clicks"], ascending=[True] * 4 + [False], ignore_index=True)
    grp = m.groupby([*_ACCOUNT, "product_id"], dropna=False)["clicks"]
    before = grp.cumsum() - m["clicks"]
    head = before < 0.5 * grp.transform("sum")
    m["words"] = [len(str(t).split()) for t in m["term"]]
    m["tier"] = [
        term_tier(t, bool(h) and c > 0) for t, h, c in zip(m["term"], head, m["clicks"], strict=True)
    ]
    with np.errstate(invalid="ignore", divide="ignore"):
        m["ctr"] = m["clicks"] / m["impressions"].where(m["impressions"] > 0)
        m["cpc"] = m["spend"] / m["clicks"].where(m["clicks"] > 0)
        m["cvr"] = m["orders"] / m["clicks"].where(m["clicks"] > 0)
        m["acos"] = m["spend"] / m["sales"].where(m["sales"] > 0)
    m["target_acos"] = target_acos
    m["breakeven_cvr"] = (m["cpc"] / (target_acos * m["order_value"])).clip(upper=1.0)
    m["cvr_low"], m["cvr_high"] = cvr_bounds(m["orders"].to_numpy(), m["clicks"].to_numpy(), alpha)
    be = m["breakeven_cvr"]
    m["clicks_to_decide"] = [
        math.ceil(math.log(alpha) / math.log1p(-p)) if p == p and 0 < p < 1 else np.nan for p in be
    ]
    known = be.notna() & (m["clicks"] > 0) & (m["tier"] != "asin")
    action = np.select(
        [
            known & (m["cvr_low"] > be) & ~m["is_exact_keyword"] & (m["orders"] >= min_orders),
            known & (m["cvr_low"] > be) & m["is_exact_keyword"],
            known & (m["cvr_high"] < be) & (m["orders"] == 0),
            known & (m["cvr_high"] < be),
        ],
        ["harvest_exact", "keep", "negate", "cut_bid"],
        default="undecided",
    )
    m["action"] = np.where(m["tier"] == "asin", "product_target", action)
    m["money_at_stake"] = np.select(
        [m["action"] == "harvest_exact", m["action"] == "negate", m["action"] == "cut_bid"],
        [m["sales"], m["spend"], m["spend"] - target_acos * m["sales"]],
        default=np.nan,
    )
    m["alpha"] = alpha
    return m.rename(columns={"term": "search_term"}).assign(product_id=m["product_id"].replace("", None))
