"""The risk register of a product x market plan: probability x money impact x controllability, level L1-L4.

Per plan (one consignment of the landed-cost row's ``units``) and category:

| category | probability (next 12 months) | impact in money (plan, row currency) |
|---|---|---|
| compliance | rule base: 1 - exp(-(duty + VAT + low-value changes per year)) | duty +``duty_shock`` x customs value x units |
| platform | rule base: 1 - exp(-(platform-fee changes per year)) | fees x ``fee_shock`` x units |
| fx | ECB history: share of days on which the market currency had moved more than ``fx_threshold`` against the cost currency over the previous year | costs paid in the cost currency x (1 / (1 - threshold) - 1) x units |
| logistics | prior ``p_logistics`` (settings) | freight x (``freight_shock`` - 1) x units |
| demand | prior ``p_demand`` | a ``demand_shock`` fall in units sold: share x (R - fees - salvage x landed cost) x units |
| supply | prior ``p_supply`` | ``supply_delay_weeks`` of lost sales out of the horizon, priced as demand |
| ip_brand | prior ``p_ip`` | half the plan's remaining net revenue (listing taken down) |
| data | prior ``p_data`` when the row rests on estimates, else 0 | the estimates' error bands: goods x ``cost_error`` (unit cost estimated) + freight x ``dims_error`` (dimensions estimated) + (duty, import tax, fees) x ``rule_error`` (a low-confidence rule) |

Every row also carries a **reputation** impact (``REPUTATION``: what the event does to the listing's standing —
ratings, ranking, account health — high | medium | low | none), the issue's second impact next to money.

Expected loss = probability x impact; the priority weighs it by ``1 - controllability / 2`` (controllability 0..1
per category: what the seller can do about it). The response level comes from the priority as a share of the
plan's base profit: at least ``l1_share`` L1, ``l2_share`` L2, ``l3_share`` L3, else L4 (a plan that already loses
is L1 on every quantified risk); each level has a response deadline in hours (settings, 2 / 24 / 48 / 72).
The suggested risk reserve of a plan is the sum of its expected losses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "RiskSpec",
    "CATEGORIES",
    "OWNERS",
    "REPUTATION",
    "fx_move_probability",
    "risk_register",
    "response_level",
    "seller_register",
]

CATEGORIES = ("compliance", "platform", "fx", "logistics", "demand", "supply", "ip_brand", "data")
OWNERS = {
    "compliance": "compliance",
    "platform": "operations",
    "fx": "finance",
    "logistics": "logistics",
    "demand": "marketing",
    "supply": "sourcing",
    "ip_brand": "legal",
    "data": "analytics",
}
REPUTATION = {
    "compliance": "high",  # a listing removed or recalled for missing certificates or labels
    "platform": "low",  # fees move money, not ratings
    "fx": "none",
    "logistics": "medium",  # late or damaged deliveries: late-shipment rate, reviews
    "demand": "none",
    "supply": "medium",  # stock-outs lose ranking and the buy box
    "ip_brand": "high",  # a takedown or infringement claim against the account
    "data": "low",  # a price or cost set on a wrong estimate: repricing, refunds
}
"""Reputation impact per category (docs/risk.md): the damage to the listing's standing beyond the money."""


@dataclass(frozen=True)
class RiskSpec:
    """Shocks, priors, controllability and level thresholds (defaults = settings' defaults)."""

    duty_shock: float = 0.10
    fee_shock: float = 0.20
    fx_threshold: float = 0.15
    freight_shock: float = 2.0
    demand_shock: float = 0.30
    supply_delay_weeks: float = 4.0
    horizon_weeks: float = 26.0
    salvage: float = 0.3
    priors: dict[str, float] = field(
        default_factory=lambda: {"logistics": 0.30, "demand": 0.25, "supply": 0.15, "ip_brand": 0.05,
                                 "data": 0.50}
    )  # fmt: skip
    controllability: dict[str, float] = field(
        default_factory=lambda: {"compliance": 0.2, "platform": 0.1, "fx": 0.6, "logistics": 0.5,
                                 "demand": 0.4, "supply": 0.5, "ip_brand": 0.3, "data": 0.9}
    )  # fmt: skip
    cost_error: float = 0.30
    dims_error: float = 0.50
    rule_error: float = 0.20
    l1_share: float = 0.5
    l2_share: float = 0.2
    l3_share: float = 0.05
    response_hours: tuple[int, ...] = (2, 24, 48, 72)


def fx_move_probability(rates: pd.Series, threshold: float, days: int = 365) -> float:
    """Share of days whose rate differs by more than ``threshold`` (relative, adverse = the rate rises: the
    cost currency dearer) from the rate ``days`` calendar days before; NaN with less than two years of rates.

    Args:
        rates: Units of the market currency per unit of the cost currency, indexed by date (ascending).
        threshold: Move that counts (0.15 = 15%).
        days: Look-back window.
    """
    s = rates.dropna()
    s.index = pd.to_datetime(s.index)
    if len(s) < 2 or (s.index[-1] - s.index[0]).days < 2 * days:
        return float("nan")
    past = s.reindex(s.index - pd.Timedelta(days=days), method="ffill").to_numpy()
    move = s.to_numpy() / past - 1.0
    ok = np.isfinite(move)
    return float((move[ok] > threshold).mean()) if ok.any() else float("nan")


def response_level(share: np.ndarray, spec: RiskSpec) -> np.ndarray:
    """L1..L4 from the priority's share of base profit (NaN share = the plan already loses -> L1)."""
    s = np.asarray(share, float)
    return np.select(
        [~np.isfinite(s) | (s >= spec.l1_share), s >= spec.l2_share, s >= spec.l3_share],
        ["L1", "L2", "L3"],
        "L4",
    )


def risk_register(
    pairs: pd.DataFrame, rates: pd.DataFrame, fx_probability: dict[str, float], spec: RiskSpec
) -> pd.DataFrame:
    """One row per plan x category.

    Args:
        pairs: ``landed_costs`` rows, one per plan, with a ``rule_markets`` column (the set of rule-base market
            codes governing the row's market, :func:`rulebase.market_scope`).
        rates: :func:`rulebase.change_rates` rows.
        fx_probability: Currency -> :func:`fx_move_probability` against the cost currency.
        spec: Shocks, priors and thresholds.

    Returns:
        product_id, market, mode, currency, category, probability, probability_basis, impact, expected_loss,
        controllability, priority, level, response_hours, owner.
    """
    lam = {
        (f, m): float(r)
        for f, m, r in zip(rates["family"], rates["market"], rates["rate_per_year"], strict=True)
    }

    def rate(family: str, scope: set[str]) -> float:
        return float(sum(lam.get((family, m), 0.0) for m in scope))

    units = pairs["units"].fillna(1.0).to_numpy(float)
    r = pairs["net_revenue"].to_numpy(float)
    fees = pairs[["referral_fee", "fulfilment_fee", "other_fees"]].fillna(0).sum(axis=1).to_numpy(float)
    landed = pairs["landed_cost"].to_numpy(float)
    foreign = (
        pairs[["goods_cost", "freight", "insurance", "duty", "additional_duty", "import_tax_cost"]]
        .fillna(0)
        .sum(axis=1)
        .to_numpy(float)
    )
    per_sold = np.maximum(r - fees - spec.salvage * landed, 0.0)
    lam_comp = np.array(
        [rate("duty", s) + rate("vat", s) + rate("low_value", s) for s in pairs["rule_markets"]]
    )
    lam_fee = np.array([rate("platform_fee", s) for s in pairs["rule_markets"]])
    fx_p = pairs["currency"].map(lambda c: fx_probability.get(c, np.nan)).to_numpy(float)
    n = len(pairs)
    data_impact = _estimate_bands(pairs, fees, spec)
    p_data = np.where(data_impact > 0, spec.priors.get("data", 0.5), 0.0)
    table = {
        "compliance": (1 - np.exp(-lam_comp), "rule_base",
                       spec.duty_shock * pairs["customs_value"].fillna(0).to_numpy(float) * units),
        "platform": (1 - np.exp(-lam_fee), "rule_base", spec.fee_shock * fees * units),
        "fx": (fx_p, "ecb_history", foreign * (1 / (1 - spec.fx_threshold) - 1) * units),
        "logistics": (np.full(n, spec.priors["logistics"]), "prior",
                      pairs["freight"].fillna(0).to_numpy(float) * (spec.freight_shock - 1) * units),
        "demand": (np.full(n, spec.priors["demand"]), "prior", spec.demand_shock * per_sold * units),
        "supply": (np.full(n, spec.priors["supply"]), "prior",
                   spec.supply_delay_weeks / spec.horizon_weeks * per_sold * units),
        "ip_brand": (np.full(n, spec.priors["ip_brand"]), "prior", 0.5 * r * units),
        "data": (p_data, "estimated_inputs", data_impact * units),
    }  # fmt: skip
    base_profit = pairs["unit_margin"].to_numpy(float) * units
    out = []
    for cat in CATEGORIES:
        p, basis, impact = table[cat]
        expected = p * impact
        ctrl = spec.controllability[cat]
        priority = expected * (1 - ctrl / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(base_profit > 0, priority / base_profit, np.nan)
        level = response_level(share, spec)
        level = np.where(np.isfinite(priority), level, "L4")
        out.append(
            pd.DataFrame(
                {
                    "product_id": pairs["product_id"].to_numpy(),
                    "market": pairs["market"].to_numpy(),
                    "mode": pairs["mode"].to_numpy(),
                    "currency": pairs["currency"].to_numpy(),
                    "category": cat,
                    "probability": p,
                    "probability_basis": basis,
                    "impact": impact,
                    "expected_loss": expected,
                    "controllability": ctrl,
                    "priority": priority,
                    "level": level,
                    "response_hours": [spec.response_hours[int(lv[1]) - 1] for lv in level],
                    "owner": OWNERS[cat],
                    "reputation": REPUTATION[cat],
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def _flag(pairs: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column of the rows (False when absent or empty)."""
    if column not in pairs:
        return np.zeros(len(pairs), bool)
    return pairs[column].astype("boolean").fillna(False).to_numpy(bool)


def _estimate_bands(pairs: pd.DataFrame, fees: np.ndarray, spec: RiskSpec) -> np.ndarray:
    """Per unit, what the row's estimated inputs could be off by (0 when nothing is estimated)."""
    col = lambda c: pairs[c].fillna(0).to_numpy(float) if c in pairs else np.zeros(len(pairs))  # noqa: E731
    rules = col("duty") + col("additional_duty") + col("import_tax_cost") + fees
    return (
        _flag(pairs, "unit_cost_estimated") * spec.cost_error * col("goods_cost")
        + _flag(pairs, "dims_estimated") * spec.dims_error * col("freight")
        + _flag(pairs, "low_confidence") * spec.rule_error * rules
    )


def seller_register(register: pd.DataFrame, to_base: Mapping[str, float]) -> pd.DataFrame:
    """The seller's register: each category over all its plans, money converted into one currency.

    Args:
        register: ``risk_register`` rows (one per plan x category, money in the plan's ``currency``).
        to_base: Currency -> factor into the base currency (a currency missing: its money is left out).

    Returns:
        One row per category, most expected loss first: ``plans``, ``unquantified`` (plans without a
        probability, e.g. no FX history), ``probability_median``, sums in the base currency of ``impact``,
        ``expected_loss`` and ``priority``, the plans at ``L1`` … ``L4``, ``owner`` and ``reserve_share`` (the
        category's share of the seller's risk reserve, the sum of all expected losses).
    """
    r = register.assign(_f=register["currency"].map(dict(to_base)).astype(float))
    for col in ("impact", "expected_loss", "priority"):
        r[f"_{col}"] = r[col] * r["_f"]
    g = r.groupby("category")
    out = g.agg(
        plans=("product_id", "size"),
        unquantified=("probability", lambda s: int(s.isna().sum())),
        probability_median=("probability", "median"),
        impact=("_impact", "sum"),
        expected_loss=("_expected_loss", "sum"),
        priority=("_priority", "sum"),
    )
    levels = pd.crosstab(r["category"], r["level"])
    for lv in ("L1", "L2", "L3", "L4"):
        out[lv] = levels[lv].reindex(out.index, fill_value=0).astype(int) if lv in levels else 0
    out["owner"] = [OWNERS.get(str(c), "") for c in out.index]
    out["reputation"] = [REPUTATION.get(str(c), "") for c in out.index]
    total = float(out["expected_loss"].sum())
    out["reserve_share"] = out["expected_loss"] / total if total > 0 else np.nan
    return (
        out.reset_index().sort_values("expected_loss", ascending=False, kind="stable").reset_index(drop=True)
    )
