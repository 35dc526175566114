"""The fee ceiling of ACoS: what a marketplace leaves of a sale before product cost, from the seller's own
transaction (settlement / date-range) reports, and the ad spend above it — money lost whatever the product cost.

Break-even ACoS = margin before advertising / price, and the margin is at most what the marketplace pays out of
a sale: product sales + promotional rebates + selling (referral) fees + FBA fees of its order rows (fees and
rebates are negative). ``fee_ceiling_acos`` = that / product sales is therefore an upper bound of every
product's break-even ACoS on the account, known without the product cost; ``refund_ceiling_acos`` also takes off
the refunds (ad sales are ordered sales, some of which come back). An ad campaign whose ACoS is above the fee
ceiling lost money even if the goods cost nothing: ``loss_at_zero_cost`` = spend − ceiling × sales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fee_ceilings", "above_ceiling", "MOVEMENT_COLUMNS"]

MOVEMENT_COLUMNS = ("marketplace_id", "currency", "category", "posted_at", "order_id", "product_sales",
                    "promotional_rebates", "selling_fees", "fba_fees")  # fmt: skip
_ACCOUNT = ["marketplace_id", "currency"]
_MONEY = ["product_sales", "promotional_rebates", "selling_fees", "fba_fees"]


def fee_ceilings(movements: pd.DataFrame) -> pd.DataFrame:
    """Per account (marketplace × currency) with order rows: the fee ceiling of ACoS.

    Args:
        movements: ``money_movements`` rows (:data:`MOVEMENT_COLUMNS`; ``category`` 'order' and 'refund' used).

    Returns:
        marketplace_id, currency, period_start, period_end (posting days of the order rows), orders (distinct
        order ids), product_sales, promotional_rebates, selling_fees, fba_fees, refunds (net amount of the refund
        rows' four columns, negative), fee_ceiling_acos, refund_ceiling_acos.
    """
    cols = [*_ACCOUNT, "period_start", "period_end", "orders", *_MONEY, "refunds", "fee_ceiling_acos",
            "refund_ceiling_acos"]  # fmt: skip
    if movements.empty:
        return pd.DataFrame(columns=cols)
    m = movements.copy()
    m[_MONEY] = m[_MONEY].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    orders = m[m["category"] == "order"]
    if orders.empty:
        return pd.DataFrame(columns=cols)
    g = orders.groupby(_ACCOUNT, dropna=False)
    out = g[_MONEY].sum()
    out["orders"] = g["order_id"].nunique()
    out["period_start"] = pd.to_datetime(g["posted_at"].min()).dt.date
    out["period_end"] = pd.to_datetime(g["posted_at"].max()).dt.date
    refunds = m[m["category"] == "refund"].groupby(_ACCOUNT, dropna=False)[_MONEY].sum().sum(axis=1)
    out["refunds"] = refunds.reindex(out.index).fillna(0.0)
    kept = out[_MONEY].sum(axis=1)
    sales = out["product_sales"].where(out["product_sales"] > 0)
    out["fee_ceiling_acos"] = kept / sales
    out["refund_ceiling_acos"] = (kept + out["refunds"]) / sales
    return out.reset_index()[cols]


def above_ceiling(campaigns: pd.DataFrame, ceilings: pd.DataFrame) -> pd.DataFrame:
    """Per account with a ceiling: the campaigns whose ACoS (over their whole data) is above it.

    Args:
        campaigns: ``ad_metrics`` rows of the campaign grain (marketplace_id, currency, campaign, spend, sales).
        ceilings: :func:`fee_ceilings` rows.

    Returns:
        ``ceilings`` with, per account: ad_spend and ad_sales of all campaigns, campaigns and campaigns_above,
        spend_above and sales_above (of the campaigns above the fee ceiling), loss_at_zero_cost (their spend −
        fee ceiling × their sales) and account_loss_at_zero_cost (the same for all campaigns together; negative:
        the ads paid for themselves at zero product cost).
    """
    if ceilings.empty:
        return ceilings.assign(ad_spend=np.nan, ad_sales=np.nan, campaigns=0, campaigns_above=0, spend_above=np.nan,
                               sales_above=np.nan, loss_at_zero_cost=np.nan, account_loss_at_zero_cost=np.nan)  # fmt: skip
    c = campaigns.merge(ceilings[[*_ACCOUNT, "fee_ceiling_acos"]], on=_ACCOUNT, how="inner")
    spend, sales = c["spend"].fillna(0.0), c["sales"].fillna(0.0)
    above = spend > c["fee_ceiling_acos"] * sales
    c = c.assign(spend=spend, sales=sales, above=above, spend_above=spend.where(above, 0.0),
                 sales_above=sales.where(above, 0.0))  # fmt: skip
    g = c.groupby(_ACCOUNT, dropna=False).agg(ad_spend=("spend", "sum"), ad_sales=("sales", "sum"),
                                              campaigns=("campaign", "size"), campaigns_above=("above", "sum"),
                                              spend_above=("spend_above", "sum"), sales_above=("sales_above", "sum"))  # fmt: skip
    out = ceilings.merge(g.reset_index(), on=_ACCOUNT, how="left")
    out[["campaigns", "campaigns_above"]] = out[["campaigns", "campaigns_above"]].fillna(0).astype(int)
    out["loss_at_zero_cost"] = out["spend_above"] - out["fee_ceiling_acos"] * out["sales_above"]
    out["account_loss_at_zero_cost"] = out["ad_spend"] - out["fee_ceiling_acos"] * out["ad_sales"]
    return out
