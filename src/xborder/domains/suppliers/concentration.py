"""Concentration of spend and of critical products by supplier and by country, and each product's alternatives
from the other suppliers' offers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["critical_products", "main_sources", "concentration", "alternatives"]


def critical_products(spend: pd.DataFrame, offered: pd.DataFrame, *, share: float = 0.8) -> list[str]:
    """Products that make up the first ``share`` of spend (largest first: ABC class A); without any spend,
    every offered product."""
    by = spend.groupby("product_id")["spend_usd"].sum().sort_values(ascending=False) if len(spend) else None
    if by is None or by.sum() <= 0:
        return sorted(offered["product_id"].dropna().unique()) if len(offered) else []
    before = by.cumsum() - by
    return sorted(by.index[before < share * by.sum()])


def main_sources(spend: pd.DataFrame, ranked_offers: pd.DataFrame, products: list[str]) -> pd.DataFrame:
    """The main source of each of ``products``: the supplier with most spend on it, else its best-ranked offer
    (``product_rank`` 1 of :func:`alternatives`)."""
    rows: dict[Any, Any] = {}
    if len(ranked_offers):
        best = ranked_offers[ranked_offers["product_rank"] == 1]
        rows.update(zip(best["product_id"], best["supplier_id"], strict=True))
    if len(spend):
        by = spend.groupby(["product_id", "supplier_id"])["spend_usd"].sum().reset_index()
        top = by.sort_values(["product_id", "spend_usd", "supplier_id"], ascending=[True, False, True])
        rows.update(top.drop_duplicates("product_id").set_index("product_id")["supplier_id"].to_dict())
    keep = [p for p in products if p in rows]
    return pd.DataFrame({"product_id": keep, "supplier_id": [rows[p] for p in keep]})


def concentration(
    spend: pd.DataFrame,
    sources: pd.DataFrame,
    main: pd.DataFrame,
    suppliers: pd.DataFrame,
    critical: list[str],
    *,
    alert_share: float = 0.30,
) -> pd.DataFrame:
    """Per supplier and per country: spend (USD) and its share, the critical products it is the main source of
    and their share, and how many critical products have no other source; ``alert`` where a share exceeds
    ``alert_share`` (an unknown country, ``??``, is listed but raises no alert).

    Args:
        spend: ``supplier_id``, ``product_id``, ``spend_usd`` (delivered value).
        sources: Who can supply what: ``supplier_id``, ``product_id`` (offers and deliveries).
        main: The main source of each critical product (:func:`main_sources`).
        suppliers: ``supplier_id``, ``name``, ``country`` (ISO2; unknown counts as ``??``).
        critical: The critical products (:func:`critical_products`).
        alert_share: Share of spend or of critical products above which a supplier or country is an alert.
    """
    names = suppliers.set_index("supplier_id")
    country = names["country"].fillna("??")
    rows = []
    for dim in ("supplier", "country"):
        key = (lambda s: s) if dim == "supplier" else (lambda s: s.map(country).fillna("??"))  # noqa: E731
        sp = spend.assign(k=key(spend["supplier_id"]))
        total = float(sp["spend_usd"].sum()) if len(sp) else 0.0
        by_spend = sp.groupby("k")["spend_usd"].sum() if len(sp) else pd.Series(dtype=float)
        src = sources[sources["product_id"].isin(critical)]
        src = src.assign(k=key(src["supplier_id"]))
        per_product = src.groupby("product_id")["k"].nunique()
        sole = set(per_product.index[per_product == 1])
        by_sole = src[src["product_id"].isin(sole)].groupby("k")["product_id"].nunique()
        by_main = main.assign(k=key(main["supplier_id"])).groupby("k")["product_id"].nunique()
        for k in sorted(set(by_spend.index) | set(by_main.index) | set(by_sole.index)):
            s = float(by_spend.get(k, 0.0))
            spend_share = s / total if total > 0 else np.nan
            crit = int(by_main.get(k, 0))
            crit_share = crit / len(critical) if critical else np.nan
            alert = k != "??" and bool((spend_share > alert_share) or (crit_share > alert_share))
            rows.append({
                "dimension": dim, "key": k, "name": names["name"].get(k) if dim == "supplier" else k,
                "spend_usd": s if total > 0 else np.nan, "spend_share": spend_share, "critical_products": crit,
                "critical_share": crit_share, "sole_source_products": int(by_sole.get(k, 0)), "alert": alert,
                "threshold": alert_share,
            })  # fmt: skip
    return pd.DataFrame(rows)


def alternatives(latest: pd.DataFrame, ranked: pd.DataFrame) -> pd.DataFrame:
    """Every supplier offering each product, best first: suppliers past the gate before gated ones, then by
    score (unscored last), then by USD price; ``product_rank`` 1 is the product's best source.

    Args:
        latest: Latest offer per supplier × product (with ``unit_cost_usd`` and ``price_ratio``).
        ranked: Per supplier id: ``score``, ``tier``, ``verified``, ``gated``, ``name``.
    """
    if latest.empty:
        return latest
    cols = ["score", "tier", "verified", "gated", "name"]
    alt = latest.join(ranked[cols], on="supplier_id")
    alt = alt.assign(_g=alt["gated"].fillna(False).astype(bool), _s=alt["score"].fillna(-1.0))
    alt = alt.sort_values(["product_id", "_g", "_s", "unit_cost_usd", "supplier_id"],
                          ascending=[True, True, False, True, True], na_position="last")  # fmt: skip
    alt["product_rank"] = alt.groupby("product_id").cumcount() + 1
    return alt.drop(columns=["_g", "_s"]).reset_index(drop=True)
