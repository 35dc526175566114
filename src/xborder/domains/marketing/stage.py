"""The marketing stage: Sponsored Products rows → metrics per grain, TACoS, rule suggestions and their replay.

Reads ``ad_performance`` and ``listing_traffic`` (seller-data ingest) and, when a landed-cost run exists,
``landed_costs`` for each advertised product's break-even ACoS; writes the tables of
:mod:`xborder.domains.marketing.tables`. Skipped, with the reason, when no ads report was ingested.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from xborder.core import i18n
from xborder.domains.marketing.ads import GRAINS, ad_metrics, break_even_acos, daily_totals, tacos
from xborder.domains.marketing.budget import BudgetSettings, budget_table, with_profit
from xborder.domains.marketing.dossier import SECTION
from xborder.domains.marketing.fees import MOVEMENT_COLUMNS, above_ceiling, fee_ceilings
from xborder.domains.marketing.funnel import listing_funnel
from xborder.domains.marketing.keywords import keyword_matrix
from xborder.domains.marketing.review_terms import PHRASE_COLUMNS, review_language, review_phrase_terms
from xborder.domains.marketing.rules import RuleSettings, ad_group_targets, replay, suggestions, weekday_bids
from xborder.domains.marketing.tables import (
    AD_BUDGET,
    AD_FEE_CEILINGS,
    AD_KEYWORD_MATRIX,
    AD_METRICS,
    AD_REVIEW_TERMS,
    AD_RULE_REPLAY,
    AD_SUGGESTIONS,
    AD_TACOS,
    LISTING_FUNNEL,
    TABLES,
)
from xborder.warehouse.stage import Params, Stage, StageContext
from xborder.warehouse.tables import delete_run_rows, latest_run_rows, table_exists, write_frame

__all__ = ["MarketingParams", "run_marketing", "panel_frames", "STAGE"]

_KEYWORD = ["campaign", "ad_group", "targeting", "match_type"]


class MarketingParams(Params):
    """Parameters of the marketing stage (the rules' guardrails)."""

    target_acos: float = Field(0.35, gt=0, le=5)
    """ACoS target where the advertised product's break-even ACoS is unknown."""
    min_clicks: int = Field(10, ge=1)
    """Fewest clicks before a rule suggests anything (and before the replayed rules stop anything)."""
    raise_below: float = Field(0.7, gt=0, lt=1)
    """Raise bids on terms whose ACoS is below this share of the target."""
    max_bid_step: float = Field(0.3, gt=0, le=1)
    """Largest bid change suggested at once, as a share of the current CPC."""
    harvest_min_orders: int = Field(2, ge=1)
    """Orders a search term needs before it is suggested as an exact keyword."""
    replay_min_clicks: list[int] = Field(default_factory=lambda: [10, 30, 100])
    """The click thresholds the stopping rules are replayed with."""
    keyword_alpha: float = Field(0.05, gt=0, lt=0.5)
    """One-sided error of the keyword matrix's harvest and negate calls (exact binomial bounds)."""
    budget_min_days: int = Field(28, ge=7)
    """Days with spend a campaign needs before its spend-response curve is fitted."""
    budget_window_days: int = Field(28, ge=1)
    """Last days whose mean daily spend is the budget to share across campaigns."""
    budget_max_step: float = Field(0.5, gt=0, le=1)
    """Largest suggested change of one campaign's daily spend, as a share of it."""
    budget_as_of: str | None = None
    """Last day (YYYY-MM-DD) of the data the budget suggestion uses (None: the last day of the data)."""

    def budget(self) -> BudgetSettings:
        """The reallocation's guardrails."""
        return BudgetSettings(min_days=self.budget_min_days, window_days=self.budget_window_days,
                              holdout_days=self.budget_window_days, max_step=self.budget_max_step,
                              as_of=self.budget_as_of)  # fmt: skip

    def rules(self) -> RuleSettings:
        """The guardrails as the rules take them."""
        return RuleSettings(self.target_acos, self.min_clicks, self.raise_below, self.max_bid_step,
                            self.harvest_min_orders)  # fmt: skip


def _read(con: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(ads rows with product_id, account totals of listing_traffic, break-even ACoS per product × market)."""
    if not table_exists(con, "ad_performance"):
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    rows = con.execute(
        """SELECT report_type, marketplace_id, market_code, currency, period, period_start, period_end, campaign,
                  ad_group, targeting, match_type, search_term, placement, listing_id,
                  CASE WHEN advertised_asin IS NOT NULL THEN 'amazon:' || advertised_asin END AS product_id,
                  impressions, clicks, spend, orders, sales
           FROM ad_performance"""
    ).df()
    traffic = pd.DataFrame()
    if table_exists(con, "listing_traffic"):
        traffic = con.execute(
            """SELECT source, marketplace_id, market_code, currency, listing_id, parent_asin, asin, title, period,
                      period_start, period_end, report_date, sessions, page_views, order_items, units_ordered,
                      ordered_sales, buy_box_share
               FROM listing_traffic"""
        ).df()
    margins = pd.DataFrame(columns=["product_id", "market", "unit_margin", "price"])
    if table_exists(con, "landed_costs"):
        lc = latest_run_rows(con, "landed_costs")
        if len(lc):
            margins = lc[["product_id", "market", "unit_margin", "price"]]
    return rows, traffic, margins


def _movements(con: Any) -> pd.DataFrame:
    """Order and refund rows of the transaction reports (for the fee ceiling of ACoS)."""
    if not table_exists(con, "money_movements"):
        return pd.DataFrame(columns=list(MOVEMENT_COLUMNS))
    return con.execute(
        f"SELECT {', '.join(MOVEMENT_COLUMNS)} FROM money_movements WHERE category IN ('order', 'refund')"
    ).df()


def _review_phrases(con: Any, matrix: pd.DataFrame) -> pd.DataFrame:
    """Pain/delight phrases of the latest reviews run for each advertised product of ``matrix``: its own
    (scope product, same market or ZZ) where it has any, else its category's (``products.category``)."""
    ids = matrix.dropna(subset=["product_id"])[["product_id", "market_code"]].drop_duplicates()
    if ids.empty or not table_exists(con, "review_phrases"):
        return pd.DataFrame(columns=list(PHRASE_COLUMNS))
    ph = latest_run_rows(con, "review_phrases")
    cats = con.execute(
        "SELECT product_id, category FROM products WHERE product_id IN (SELECT unnest(?))",
        [ids["product_id"].tolist()],
    ).df() if table_exists(con, "products") else pd.DataFrame(columns=["product_id", "category"])  # fmt: skip
    ids = ids.merge(cats, on="product_id", how="left")
    ids["group"] = "cat:" + ids["category"].astype(str)
    out = []
    for scope, key in (("product", "product_id"), ("category", "group")):
        own = ph[ph["scope"] == scope].rename(columns={"product_id": "group_id"})
        for market in (True, False):  # the product's market first, then reviews of no known market
            j = ids.merge(
                own,
                left_on=[key, "market_code"] if market else [key],
                right_on=["group_id", "market"] if market else ["group_id"],
            )
            out.append(j[j["market"].eq("ZZ")] if not market else j)  # fmt: skip
    found = pd.concat(out, ignore_index=True).assign(review_scope=lambda d: d["scope"])
    if found.empty:
        return pd.DataFrame(columns=list(PHRASE_COLUMNS))
    # one source per product: its own reviews before its category's, its market before ZZ
    rank = found["scope"].eq("category") * 2 + found["market"].eq("ZZ")
    found = found[rank == rank.groupby(found["product_id"]).transform("min")]
    return (
        found[list(PHRASE_COLUMNS)].drop_duplicates(["product_id", "kind", "phrase"]).reset_index(drop=True)
    )


def _campaign_break_even(adv: pd.DataFrame, be: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``marketplace_id``, ``campaign``, ``break_even_acos`` of the campaigns advertising exactly one product."""
    one = adv.dropna(subset=["product_id"]).drop_duplicates(["marketplace_id", "campaign", "product_id"])
    one = one.groupby(["marketplace_id", "campaign"]).filter(lambda g: len(g) == 1)
    markets = rows[["marketplace_id", "market_code"]].drop_duplicates("marketplace_id")
    one = one.merge(markets, on="marketplace_id").rename(columns={"market_code": "market"})
    return one.merge(be, on=["product_id", "market"])[["marketplace_id", "campaign", "break_even_acos"]]


def _break_even(margins: pd.DataFrame) -> pd.DataFrame:
    """Per product × market the highest break-even ACoS over shipping modes (the mode a seller would use)."""
    if margins.empty:
        return pd.DataFrame(columns=["product_id", "market", "break_even_acos"])
    values: list[Any] = [
        break_even_acos(m, p) for m, p in zip(margins["unit_margin"], margins["price"], strict=True)
    ]
    be = margins.assign(break_even_acos=values)
    out = be.groupby(["product_id", "market"], as_index=False).agg(break_even_acos=("break_even_acos", "max"))
    return out


def _suggestion_text(r: dict[str, Any]) -> dict[str, Any]:
    args = {  # an automatic target has no match type: "-" rather than "nan" in the text
        k: r[k] if isinstance(r.get(k), str) else "-"
        for k in ("campaign", "ad_group", "targeting", "match_type", "search_term", "currency")
    }
    for k in ("clicks", "orders"):
        args[k] = int(r.get(k) or 0)
    args["weekday"] = r["weekday"] if isinstance(r.get("weekday"), str) else "-"
    for k in (
        "spend",
        "sales",
        "acos",
        "cpc",
        "target_acos",
        "suggested_bid",
        "money_at_stake",
        "bid_modifier",
    ):
        v = r.get(k)
        args[k] = float(v) if v is not None and np.isfinite(v) else float("nan")
    args["target_source"] = r["target_source"] if isinstance(r.get("target_source"), str) else "default"
    return {"code": f"marketing.{r['action']}", "args": args}


def _text(msg: dict[str, Any], lang: str) -> str:
    """The suggestion in ``lang``, its target source named in that language too."""
    args = dict(msg["args"])
    args["target_source"] = i18n.render(f"marketing.target_{args['target_source']}", lang)
    if args["weekday"] != "-":
        args["weekday"] = i18n.render(f"marketing.weekday.{args['weekday'].lower()}", lang)
    return i18n.message({"code": msg["code"], "args": args}, lang)


def _replays(rows: pd.DataFrame, p: MarketingParams) -> pd.DataFrame:
    daily = rows[rows["period"] == "day"]
    out = []
    for grain, report, keys in (("campaign", "campaign", ["campaign"]), ("keyword", "targeting", _KEYWORD)):
        mine = daily[daily["report_type"] == report]
        for key, acc in mine.groupby(["marketplace_id", "currency"], dropna=False):
            mp, cur = str(key[0]), str(key[1])  # type: ignore[index]
            for clicks in sorted(set(p.replay_min_clicks)):
                rules = replace(p.rules(), min_clicks=clicks)
                r = replay(acc, keys, rules)
                out.append(r.assign(marketplace_id=mp, currency=cur, grain=grain, min_clicks=clicks,
                                target_acos=p.target_acos, period_start=acc["period_start"].min(),
                                period_end=acc["period_start"].max()))  # fmt: skip
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def run_marketing(ctx: StageContext, p: MarketingParams) -> dict[str, Any]:
    """Compute the ads metrics, TACoS, suggestions and the replay; write them under the run."""
    con = ctx.con
    ctx.say(0.0, "reading ads reports")
    rows, traffic, margins = _read(con)
    delete_run_rows(con, TABLES, ctx.run_id)
    if ctx.markets and len(rows):
        rows = rows[rows["market_code"].isin({m.upper() for m in ctx.markets})]
    if ctx.markets and len(traffic):
        traffic = traffic[traffic["market_code"].isin({m.upper() for m in ctx.markets})]
    funnel_rows = write_frame(con, LISTING_FUNNEL, listing_funnel(traffic).assign(run_id=ctx.run_id))
    if rows.empty:
        return {
            "listing_funnel": funnel_rows,
            "status": "skipped",
            "reason": i18n.render("marketing.no_ads", "en"),
            "reason_code": "marketing.no_ads",
        }
    be = _break_even(margins)
    frames = []
    for i, grain in enumerate(GRAINS):
        ctx.say(0.05 + 0.5 * i / len(GRAINS), f"ads metrics per {grain}")
        m = ad_metrics(rows, grain).assign(grain=grain, break_even_acos=np.nan)
        if grain.startswith("product"):
            ids = rows.dropna(subset=["listing_id"]).drop_duplicates("listing_id").set_index("listing_id")
            m["product_id"] = m["listing_id"].map(ids["product_id"])
            if grain == "product" and len(be):
                j = (
                    m.drop(columns="break_even_acos")
                    .assign(market=m["market_code"])
                    .merge(be, on=["product_id", "market"], how="left")
                )
                m["break_even_acos"] = j["break_even_acos"].to_numpy()
        frames.append(m)
    metrics = pd.concat(frames, ignore_index=True)
    counts = {"ad_metrics": write_frame(con, AD_METRICS, metrics.reindex(columns=[c for c in AD_METRICS.column_names if c != "run_id"]).assign(run_id=ctx.run_id))}  # fmt: skip
    ctx.say(0.6, "TACoS")
    t = tacos(daily_totals(rows), traffic)
    counts["ad_tacos"] = write_frame(con, AD_TACOS, t.assign(run_id=ctx.run_id))
    counts["listing_funnel"] = funnel_rows
    ctx.say(0.7, "rule suggestions")
    adv = rows[rows["report_type"] == "advertised_product"][
        ["marketplace_id", "campaign", "ad_group", "product_id"]
    ]
    targets = ad_group_targets(adv.drop_duplicates(), be, p.target_acos)
    kw = metrics[metrics["grain"] == "keyword"]
    st = metrics[metrics["grain"] == "search_term"]
    camp_days = rows[(rows["report_type"] == "campaign") & (rows["period"] == "day")]
    sug = pd.concat(
        [suggestions(kw, st, targets, p.rules()), weekday_bids(camp_days, p.rules())], ignore_index=True
    )
    records: list[dict[str, Any]] = sug.to_dict(orient="records")  # type: ignore[assignment]
    msgs = [_suggestion_text(r) for r in records]
    sug["message"] = [json.dumps(m) for m in msgs]
    sug["text_en"] = [_text(m, "en") for m in msgs]
    sug["text_zh"] = [_text(m, "zh") for m in msgs]
    counts["ad_suggestions"] = write_frame(con, AD_SUGGESTIONS, sug.assign(run_id=ctx.run_id))
    ctx.say(0.85, "replaying the rules")
    rep = _replays(rows, p)
    if len(rep):
        rep["stopped_acos"] = rep["spend_saved"] / rep["sales_at_risk"].where(rep["sales_at_risk"] > 0)
        counts["ad_rule_replay"] = write_frame(con, AD_RULE_REPLAY, rep.assign(run_id=ctx.run_id))
    ctx.say(0.9, "keyword matrix and budget")
    exact = kw[kw["match_type"].astype(str).str.upper() == "EXACT"][["marketplace_id", "targeting"]]
    km = keyword_matrix(st, exact, adv, target_acos=p.target_acos, alpha=p.keyword_alpha,
                        min_orders=p.harvest_min_orders)  # fmt: skip
    phrases = _review_phrases(con, km) if len(km) else pd.DataFrame()
    km = review_language(km, phrases)
    counts["ad_keyword_matrix"] = (
        write_frame(con, AD_KEYWORD_MATRIX, km.assign(run_id=ctx.run_id)) if len(km) else 0
    )
    rt = review_phrase_terms(km, phrases)
    counts["ad_review_terms"] = (
        write_frame(con, AD_REVIEW_TERMS, rt.assign(run_id=ctx.run_id)) if len(rt) else 0
    )
    fees = above_ceiling(metrics[metrics["grain"] == "campaign"], fee_ceilings(_movements(con)))
    bud = budget_table(camp_days, p.budget()) if len(camp_days) else pd.DataFrame()
    if len(bud):
        bud = with_profit(bud, _campaign_break_even(adv, be, rows), fees if len(fees) else
                          pd.DataFrame(columns=["marketplace_id", "currency", "fee_ceiling_acos"]))  # fmt: skip
    counts["ad_budget"] = write_frame(con, AD_BUDGET, bud.assign(run_id=ctx.run_id)) if len(bud) else 0
    counts["ad_fee_ceilings"] = (
        write_frame(con, AD_FEE_CEILINGS, fees.assign(run_id=ctx.run_id)) if len(fees) else 0
    )
    ctx.say(1.0, "marketing done")
    known = metrics[(metrics["grain"] == "product") & metrics["break_even_acos"].notna()]
    return {
        "accounts": sorted(f"{a}/{c}" for a, c in rows[["marketplace_id", "currency"]].drop_duplicates().itertuples(index=False)),
        "products_with_break_even": int(len(known)),
        "suggestions": {a: int(n) for a, n in sug["action"].value_counts().sort_index().items()},
        "rows": counts,
    }  # fmt: skip


def panel_frames(con: Any, run_id: str) -> dict[str, Any]:
    """What the report panels of ``run_id`` show (read here: the stage is the domain's only warehouse reader).

    Returns:
        ``params`` (the run's marketing parameters as given), ``reason_code`` (the stage's skip reason or
        None) and the run's rows of ``ad_metrics`` (day grain), ``ad_tacos``, ``ad_suggestions``,
        ``ad_rule_replay``, ``ad_keyword_matrix``, ``ad_budget``, ``ad_fee_ceilings`` and ``ad_review_terms``; ``ad_rows`` counts all its
        ad_metrics rows.
    """
    from xborder.warehouse.runs import load_run
    from xborder.warehouse.tables import read_rows

    try:
        rec = load_run(con, run_id)
    except Exception:  # noqa: BLE001 - rows without a run record are still shown
        rec = {}
    params = rec.get("params") or {}
    if isinstance(params.get("stage_params"), dict):
        params = params["stage_params"]
    stage = (rec.get("stages") or {}).get("marketing") or {}
    n = con.execute("SELECT count(*) FROM ad_metrics WHERE run_id = ?", [run_id]).fetchone() if table_exists(
        con, "ad_metrics") else None  # fmt: skip
    return {
        "params": params.get("marketing") or {},
        "reason_code": stage.get("reason_code") if isinstance(stage, dict) else None,
        "ad_rows": int(n[0]) if n else 0,
        "ad_metrics": read_rows(con, AD_METRICS, run_id, where="grain = 'day'"),
        **{
            t.name: read_rows(con, t, run_id)
            for t in (
                AD_TACOS,
                AD_SUGGESTIONS,
                AD_RULE_REPLAY,
                AD_KEYWORD_MATRIX,
                AD_BUDGET,
                AD_FEE_CEILINGS,
                AD_REVIEW_TERMS,
            )
        },  # fmt: skip
    }


def _run(ctx: StageContext, p: MarketingParams) -> dict[str, Any]:
    return run_marketing(ctx, p)


STAGE = Stage(
    "marketing",
    _run,
    MarketingParams,
    writes=TABLES,
    weight=0.03,
    web=("target_acos", "min_clicks"),
    title="Advertising",
    dossier=SECTION,
)
