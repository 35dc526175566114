"""The list a seller sees: which candidates are ranked, which are listed apart and why, in which order.

One pure function, :func:`shortlist`, used by the selection stage and by the backtest alike, so the backtest
scores the very list that is shown:

1. every candidate gets its assessment (:mod:`assessment`);
2. the home market(s) are the baseline (status ``home_baseline``), never ranked;
3. a foreign candidate whose required items are not all assessed is ``not_assessed`` (listed apart, unscored);
4. the rest are scored together (:func:`score.score_candidates`); those failing a viability gate are ``gated``
   and rank after every ``ranked`` one;
5. the list is diversified: in the first ``diversify_top`` places at most ``max_markets_per_product`` markets
   per product and ``max_per_category`` candidates per category, pro rata (the first 10 of 50 places hold at
   most 2 of one category); the others move down, in score order. The
   ranked part is diversified first, then the gated part (counting the places the ranked part holds).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xborder.domains.selection.assessment import assess, is_assessed
from xborder.domains.selection.profiles import Profile
from xborder.domains.selection.score import ScoreResult, score_candidates, viability

__all__ = ["Shortlist", "shortlist", "diversify", "STATUSES"]

STATUSES = ("ranked", "gated", "not_assessed", "home_baseline")
"""``ranked``: assessed and passes the gates; ``gated``: assessed, fails a gate (ranked after the ranked ones);
``not_assessed``: a required item is unknown (listed apart, no score); ``home_baseline``: the seller's home
market (the baseline foreign pairs are compared with)."""


@dataclass
class Shortlist:
    """Every candidate with its status, assessment, score and rank (ranked first, then gated, then the
    unscored), and the scoring of the assessed foreign candidates."""

    frame: pd.DataFrame
    score: ScoreResult | None


def diversify(
    products: Sequence[str],
    categories: Sequence[str],
    *,
    per_product: int,
    per_category: int,
    top: int,
    taken: Sequence[tuple[str, str]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """A diversified order of candidates given best first.

    The first ``top`` places are filled greedily in score order, skipping a candidate whose product already
    holds ``per_product`` places or whose category already holds its share of the places filled so far
    (pro rata: at most ceil(``per_category`` × k / ``top``), at least 1, among the first k; so ``per_category``
    in the whole top); 0 turns a cap off. When every remaining candidate's category is at its share, the best
    one the product cap allows takes the place. The skipped ones follow, merged in score order with the rest;
    when the product cap leaves places of the top empty, they fill them.

    ``taken`` lists (product, category) of places already filled above the input (they count against the caps
    and the top).

    Returns:
        (order, reason): positions into the input in the new order, and per input row ``product``,
        ``category`` or ``""`` (the reason it moved down).
    """
    n = len(products)
    reason = np.full(n, "", dtype=object)
    if top <= 0 or n == 0 or (per_product <= 0 and per_category <= 0):
        return np.arange(n), reason
    chosen: list[int] = []
    pc: Counter[str] = Counter(p for p, _ in taken)
    cc: Counter[str] = Counter(c for _, c in taken)
    full_top = top
    top = max(top - len(taken), 0)
    remaining = list(range(n))
    while len(chosen) < top:
        # the category cap is pro rata: the first k places hold at most ceil(per_category × k / top) of one
        # category (at least 1), so the very top is as diverse as the whole top
        place = len(taken) + len(chosen) + 1
        allowed = max(1, math.ceil(per_category * place / full_top)) if per_category > 0 else n + 1

        def product_ok(i: int) -> bool:
            return per_product <= 0 or pc[products[i]] < per_product

        pick = next(
            (j for j, i in enumerate(remaining) if product_ok(i) and cc[categories[i]] < allowed), None
        )
        if pick is None:  # every category at its share: the best one the product cap allows
            pick = next((j for j, i in enumerate(remaining) if product_ok(i)), None)
        if pick is None:
            break
        i = remaining.pop(pick)
        chosen.append(i)
        pc[products[i]] += 1
        cc[categories[i]] += 1
    rest = np.array(remaining, dtype=np.int64)
    if len(chosen) == top and chosen:  # the ones passed over moved down, and why
        last = max(chosen)
        for i in rest[rest < last]:
            reason[i] = "product" if per_product > 0 and pc[products[i]] >= per_product else "category"
    return np.concatenate([np.array(chosen, dtype=np.int64), rest]), reason


def shortlist(
    cand: pd.DataFrame,
    profile: Profile,
    home_markets: set[str] | frozenset[str],
    *,
    long_factors: bool = True,
) -> Shortlist:
    """Status, score and rank of every candidate (see the module docstring).

    Args:
        cand: one row per candidate: ``product_id``, ``market``, ``category``, the factor columns and what
            :func:`assessment.assess` reads.
        profile: a resolved profile (:func:`profiles.resolve`): weights, gates, required items, caps.
        home_markets: the seller's home market(s).
    """
    cand = cand.reset_index(drop=True)
    src = assess(cand)
    base = pd.concat([cand, src], axis=1)
    home = base["market"].isin(home_markets).to_numpy()
    assessed = is_assessed(src, profile.require)
    scored_mask = assessed & ~home
    base["status"] = np.where(home, "home_baseline", np.where(assessed, "ranked", "not_assessed"))
    base["moved_down"] = ""
    res: ScoreResult | None = None
    parts = []
    if scored_mask.any():
        sub = base[scored_mask].reset_index(drop=True)
        res = score_candidates(sub, profile, long_factors=long_factors)
        ranked = res.ranked
        ranked["_srow"] = ranked["_row"].to_numpy()  # row of the scored set (res.normalised)
        ranked["_row"] = np.flatnonzero(scored_mask)[ranked["_srow"].to_numpy()]
        viable = ranked["viable"].to_numpy(dtype=bool)
        ranked["status"] = np.where(viable, "ranked", "gated")
        good = ranked[viable]
        order, reason = diversify(
            good["product_id"].astype(str).tolist(),
            good["category"].fillna("other").astype(str).tolist(),
            per_product=profile.max_markets_per_product or 0,
            per_category=profile.max_per_category or 0,
            top=profile.diversify_top or 0,
        )
        good = good.assign(moved_down=reason).iloc[order]
        # the gated part is shown too (after the ranked one): diversified the same way, counting the ranked top
        bad = ranked[~viable]
        head = good.head(profile.diversify_top or 0)
        order, reason = diversify(
            bad["product_id"].astype(str).tolist(),
            bad["category"].fillna("other").astype(str).tolist(),
            per_product=profile.max_markets_per_product or 0,
            per_category=profile.max_per_category or 0,
            top=profile.diversify_top or 0,
            taken=list(
                zip(head["product_id"].astype(str), head["category"].fillna("other").astype(str), strict=True)
            ),
        )
        bad = bad.assign(moved_down=reason).iloc[order]
        ranked = pd.concat([good, bad], ignore_index=True)
        ranked["rank"] = np.arange(1, len(ranked) + 1)
        parts.append(ranked)
        if res.factors is not None and len(res.factors):
            res.factors = res.factors.reset_index(drop=True)
    rest = base[~scored_mask].copy()
    if len(rest):
        rest["_row"] = np.flatnonzero(~scored_mask)
        rest["score"] = np.nan
        rest["rank"] = pd.NA
        rest["viable"] = viability(rest, profile)
        for attr in ("min_margin_pct", "min_demand_6m", "min_gross_profit_6m"):
            v = getattr(profile, attr)
            rest[f"gate_{attr}"] = np.nan if v is None else v
        key = rest["status"].map({"not_assessed": 0, "home_baseline": 1})
        dem = pd.to_numeric(rest["demand_6m"], errors="coerce").fillna(-1.0) if "demand_6m" in rest else 0.0
        rest = (
            rest.assign(_k=key, _d=-dem)
            .sort_values(["_k", "_d"], kind="mergesort")
            .drop(columns=["_k", "_d"])
        )
        parts.append(rest)
    out = pd.concat(parts, ignore_index=True) if parts else base.iloc[0:0]
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Int64")
    return Shortlist(out, res)
