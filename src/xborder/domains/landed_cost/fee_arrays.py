"""Per-row marketplace fee inputs for the kernel: referral bands, FBA base fee and adjustments, commissions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xborder.domains.landed_cost.fees import fba_fees
from xborder.domains.landed_cost.keys import Fx, groups, num
from xborder.domains.landed_cost.rules import RuleBook

__all__ = ["fee_arrays", "TABLE_CCY", "table_currencies"]


TABLE_CCY = {"amazon.US": "USD", "amazon.DE": "EUR", "amazon.GB": "GBP", "amazon.JP": "JPY"}
"""The Amazon fee tables' currencies as shipped; :func:`table_currencies` reads them from the rule tables."""


def table_currencies(rules: RuleBook) -> dict[str, str]:
    """Fee table → the currency its amounts are in (the referral table's ``currency`` column)."""
    ref = rules.referral.dropna(subset=["currency"])
    return {**TABLE_CCY, **dict(zip(ref["fee_table"], ref["currency"], strict=True))}


def _referral_arrays(d: pd.DataFrame, rules: RuleBook, is_amazon: np.ndarray) -> dict:
    codes, uniq = groups(d, ["fee_table", "category"])
    b = 3
    u = len(uniq)
    out: dict[str, np.ndarray] = {k: np.zeros((u, b)) for k in ("ref_lo", "ref_hi", "ref_rate")}
    out["ref_portion"] = np.zeros((u, b), bool)
    out["ref_min"] = np.zeros(u)
    ids = []
    for i, key in enumerate(uniq):
        br = rules.referral_records(*key)
        for j, r in enumerate(br[:b]):
            out["ref_lo"][i, j], out["ref_hi"][i, j] = num(r["price_from"], 0.0), num(r["price_to"], np.inf)
            out["ref_rate"][i, j], out["ref_portion"][i, j] = num(r["rate"], 0.0), r["applies"] == "portion"
            out["ref_min"][i] = num(r["min_fee"], 0.0)
        ids.append("|".join(r["rule_id"] for r in br))
    out = {k: v[codes] for k, v in out.items()}
    out["_ref_ids"] = np.where(is_amazon, np.array(ids, dtype=object)[codes], "")
    return out


def fee_arrays(d: pd.DataFrame, rules: RuleBook, fxc: Fx) -> dict:
    n = len(d)
    is_amazon = (d["platform"] == "amazon").to_numpy() & (d["fee_table"] != "").to_numpy()
    table_ccy = d["fee_table"].map(table_currencies(rules)).fillna("USD")
    f_l2t = np.where(is_amazon, fxc.vec(d["currency"], table_ccy), 1.0)
    f_t2l = np.where(is_amazon, 1.0 / f_l2t, fxc.vec(pd.Series(["USD"] * n), d["currency"]))
    fba = np.full(n, np.nan)
    tier = np.full(n, "", dtype=object)
    fba_ids = np.full(n, "", dtype=object)
    adj = {k: np.zeros(n) for k in ("fba_low_add", "fba_high_add", "fba_pct")}
    adj["fba_low_thr"], adj["fba_high_thr"] = np.full(n, -np.inf), np.full(n, np.inf)
    adj_ids = np.full(n, "", dtype=object)
    mfn = (d["channel"] == "marketplace_mfn").to_numpy() if "channel" in d else np.zeros(n, bool)
    bulk = is_amazon & (d["mode"] != "express").to_numpy() & ~mfn  # merchant-fulfilled: no FBA fee
    for table in d.loc[bulk, "fee_table"].unique():
        sel = bulk & (d["fee_table"] == table).to_numpy()
        tiers, card = (
            rules.tiers[rules.tiers["fee_table"] == table],
            rules.fba[rules.fba["fee_table"] == table],
        )
        if tiers.empty or card.empty:
            continue
        s = d[sel]
        fee, tr, rid = fba_fees(tiers, card, s["length_cm"], s["width_cm"], s["height_cm"], s["weight_kg"])
        fba[sel], tier[sel], fba_ids[sel] = fee, tr, rid
        for _, r in rules.fba_adj[rules.fba_adj["fee_table"] == table].iterrows():
            hit = sel & (np.isin(tier, str(r["size_tiers"]).split("|")) | (r["size_tiers"] == "*"))
            amt = num(r["amount"], 0.0)
            if r["kind"] == "pct":
                adj["fba_pct"][hit] += amt
            elif num(r["price_from"], 0.0) <= 0 and np.isfinite(num(r["price_to"])):
                adj["fba_low_thr"][hit], adj["fba_low_add"][hit] = num(r["price_to"]), amt
            elif num(r["price_from"], 0.0) > 0:
                adj["fba_high_thr"][hit], adj["fba_high_add"][hit] = num(r["price_from"]), amt
            else:
                adj["fba_low_thr"][hit], adj["fba_low_add"][hit] = np.inf, amt
            adj_ids[hit] = np.where(adj_ids[hit] == "", r["rule_id"], adj_ids[hit] + "|" + r["rule_id"])
    pcodes, puniq = groups(d, ["platform", "market", "currency"])
    plat = [rules.platform_rule(k[0], k[1]) for k in puniq]
    cols = {k: np.zeros(len(puniq)) for k in ("comm_rate", "fixed_fee", "pay_rate", "pay_fixed")}
    cols["fixed_below"] = np.full(len(puniq), np.inf)
    pid = np.full(len(puniq), "", dtype=object)
    for i, (k, r) in enumerate(zip(puniq, plat, strict=True)):
        if r is None or k[0] == "amazon":
            continue
        f = fxc(r["currency"], k[2])
        cols["comm_rate"][i], cols["pay_rate"][i] = (
            num(r["commission_rate"], 0.0),
            num(r["payment_fee_rate"], 0.0),
        )
        cols["fixed_fee"][i], cols["pay_fixed"][i] = (
            num(r["fixed_fee"], 0.0) * f,
            num(r["payment_fixed"], 0.0) * f,
        )
        cols["fixed_below"][i] = num(r["fixed_fee_below"], np.inf) * f
        pid[i] = r["rule_id"]
    pr = {k: np.where(is_amazon, 0.0 if k != "fixed_below" else np.inf, v[pcodes]) for k, v in cols.items()}
    return {
        "is_amazon": is_amazon,
        "f_l2t": f_l2t,
        "f_t2l": f_t2l,
        "fba_base": fba,
        "size_tier": tier,
        **_referral_arrays(d, rules, is_amazon),
        **adj,
        **pr,
        "_fba_ids": fba_ids,
        "_adj_ids": adj_ids,
        "_plat_ids": np.where(is_amazon, "", pid[pcodes]),
    }
