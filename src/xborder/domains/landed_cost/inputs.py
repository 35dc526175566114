"""Validate landed-cost inputs and fill what the user did not give from documented defaults.

A product is described by category, HS code, origin, unit cost (+ currency), packaging, weight and package
dimensions. Missing HS code, weight or dimensions are filled from ``category_defaults.csv`` (medians of real
Olist products) and flagged as estimates; a missing or negative cost, an unknown market or mode stops with a
message saying what to supply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xborder.catalog import CATEGORY_IDS
from xborder.core.errors import BadInputError
from xborder.domains.landed_cost.rules import MODES, RuleBook

__all__ = ["ProductInput", "parse_dims", "prepare_frame", "INPUT_COLUMNS"]

INPUT_COLUMNS = (
    "product_id",
    "market",
    "mode",
    "origin",
    "category",
    "hs_code",
    "unit_cost",
    "cost_currency",
    "packaging_cost",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "price",
    "units",
    "platform",
    "channel",
)


@dataclass
class ProductInput:
    """One product as the user describes it (money in ``cost_currency``; weight kg; dimensions cm)."""

    unit_cost: float
    cost_currency: str = "USD"
    category: str = "other"
    hs_code: str | None = None
    title: str | None = None
    origin: str = "CN"
    packaging_cost: float = 0.0
    weight_kg: float | None = None
    length_cm: float | None = None
    width_cm: float | None = None
    height_cm: float | None = None
    product_id: str = "adhoc"
    estimates: list[dict[str, Any]] = field(default_factory=list)
    """Notes on inputs that were estimated, as messages (``{"code": "landed_cost....", "args": {...}}``)."""

    def row(
        self,
        market: str,
        mode: str,
        *,
        price: float | None,
        units: float | None,
        platform: str | None,
        channel: str | None = None,
    ) -> dict:
        """The input row of :func:`xborder.domains.landed_cost.landed_cost_frame` for one market and mode."""
        return {
            "product_id": self.product_id,
            "market": market,
            "mode": mode,
            "origin": self.origin,
            "category": self.category,
            "hs_code": self.hs_code,
            "unit_cost": self.unit_cost,
            "cost_currency": self.cost_currency,
            "packaging_cost": self.packaging_cost,
            "weight_kg": self.weight_kg,
            "length_cm": self.length_cm,
            "width_cm": self.width_cm,
            "height_cm": self.height_cm,
            "price": np.nan if price is None else price,
            "units": np.nan if units is None else units,
            "platform": platform,
            "channel": channel,
        }


def parse_dims(text: str | None) -> tuple[float, float, float] | None:
    """'30x20x10' (cm) -> (30.0, 20.0, 10.0); None for None; a clear error otherwise."""
    if text is None or str(text).strip() == "":
        return None
    parts = str(text).lower().replace("×", "x").replace("*", "x").split("x")
    try:
        vals = tuple(float(p) for p in parts)
    except ValueError:
        vals = ()
    if len(vals) != 3 or any(not math.isfinite(v) or v <= 0 for v in vals):
        raise BadInputError(
            f"--dims must be three positive lengths in cm like 30x20x10; got '{text}'.",
            hint="Give the package length x width x height in centimetres.",
        )
    return vals  # type: ignore[return-value]


def _bad(row: int, col: str, value: object, what: str) -> BadInputError:
    return BadInputError(f"Row {row}, column '{col}': {what} (got {value!r}).", hint=_HINTS.get(col))


_HINTS = {
    "unit_cost": "Supply the purchase cost per unit (>= 0) with --unit-cost and --currency.",
    "weight_kg": "Supply the shipping weight with --weight-kg (kg, > 0), or a --category to use its default.",
    "length_cm": "Supply the package dimensions with --dims LxWxH (cm), or a --category to use its default.",
    "market": "Use an ISO 3166-1 alpha-2 market code such as US, DE, GB, JP.",
    "mode": f"Use one of: {', '.join(MODES)}.",
    "price": "Supply the selling price in the market's currency with --price (> 0).",
    "units": "Supply the units in the consignment with --units (> 0).",
}


def prepare_frame(df: pd.DataFrame, rules: RuleBook, *, fill_defaults: bool = True) -> pd.DataFrame:
    """Check and normalise an input frame; fill HS code/weight/dims from category defaults (flagged).

    Adds ``dims_estimated`` and ``hs_estimated``. Raises :class:`BadInputError` naming the first bad row
    (1-based) and column, and what to supply.
    """
    if len(df) == 0:
        raise BadInputError("No product x market x mode combinations to compute.")
    out = df.copy()
    for col in INPUT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["market"] = _norm(out["market"], "", str.upper)
    out["mode"] = _norm(out["mode"], "", str.lower)
    out["origin"] = _norm(out["origin"], "CN", str.upper)
    out["cost_currency"] = _norm(out["cost_currency"], "USD", str.upper)
    out["category"] = _norm(out["category"], "other", str.strip)
    for market in out["market"].unique():
        rules.market(market)  # raises for an unknown market
    bad_mode = ~out["mode"].isin(MODES)
    if bad_mode.any():
        i = int(np.argmax(bad_mode.to_numpy()))
        raise _bad(i + 1, "mode", out["mode"].iloc[i], "unknown shipping mode")
    bad_cat = ~out["category"].isin(CATEGORY_IDS)
    if bad_cat.any():
        i = int(np.argmax(bad_cat.to_numpy()))
        raise BadInputError(
            f"Row {i + 1}: unknown category '{out['category'].iloc[i]}'.",
            hint=f"Use one of the taxonomy ids: {', '.join(CATEGORY_IDS)}.",
        )
    for col in (
        "unit_cost",
        "packaging_cost",
        "weight_kg",
        "length_cm",
        "width_cm",
        "height_cm",
        "price",
        "units",
    ):
        series = out[col]
        if pd.api.types.is_numeric_dtype(series.dtype):
            out[col] = series.astype(float)
        elif series.isna().all():
            out[col] = np.nan
        else:
            out[col] = pd.to_numeric(series, errors="coerce").astype(float)
    out["packaging_cost"] = out["packaging_cost"].fillna(0.0)
    cost = out["unit_cost"].to_numpy()
    bad = ~np.isfinite(cost) | (cost < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise _bad(i + 1, "unit_cost", out["unit_cost"].iloc[i], "unit cost must be a number >= 0")
    if (out["packaging_cost"] < 0).any():
        i = int(np.argmax((out["packaging_cost"] < 0).to_numpy()))
        raise _bad(i + 1, "packaging_cost", out["packaging_cost"].iloc[i], "packaging cost must be >= 0")
    for col in ("price", "units"):
        v = out[col].to_numpy()
        bad = np.isfinite(v) & (v <= 0)
        if bad.any():
            i = int(np.argmax(bad))
            raise _bad(i + 1, col, v[i], f"{col} must be > 0 when given")
    dims = ["weight_kg", "length_cm", "width_cm", "height_cm"]
    given = out[dims].to_numpy()
    neg = np.isfinite(given) & (given <= 0)
    if neg.any():
        r, c = np.argwhere(neg)[0]
        raise _bad(int(r) + 1, dims[c], given[r, c], "must be > 0")
    missing = ~np.isfinite(given)
    out["dims_estimated"] = missing.any(axis=1)
    hs_missing = out["hs_code"].isna() | _norm(out["hs_code"], "", str.strip).isin(["", "None", "nan"])
    out["hs_estimated"] = hs_missing.to_numpy()
    if missing.any() or hs_missing.any():
        if not fill_defaults:
            where = np.argwhere(missing)
            row, c = (
                (int(where[0][0]), int(where[0][1]))
                if len(where)
                else (int(np.argmax(hs_missing.to_numpy())), 0)
            )
            raise _bad(row + 1, dims[c], None, "missing weight or dimensions")
        defaults = rules.category_defaults.reindex(out["category"]).reset_index(drop=True)
        for j, col in enumerate(dims):
            fill = pd.to_numeric(defaults[col], errors="coerce").to_numpy()
            out[col] = np.where(missing[:, j], fill, out[col].to_numpy())
        out["hs_code"] = np.where(
            hs_missing, defaults["hs_code"].to_numpy(), out["hs_code"].astype(str).to_numpy()
        )
    out["hs_code"] = _norm(out["hs_code"], "", lambda v: "".join(ch for ch in v if ch.isdigit()))
    return out.reset_index(drop=True)


def _norm(col: pd.Series, default: str, fn) -> pd.Series:
    """Strip/normalise a text column once per distinct value (fast on 100k rows with few distinct values)."""
    codes, uniq = pd.factorize(col.fillna(default).astype(str), use_na_sentinel=False)
    return pd.Series(np.array([fn(str(u).strip()) for u in uniq], dtype=object)[codes], index=col.index)
