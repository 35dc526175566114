"""Shared helpers of the engine: distinct-key grouping, cached FX factors, tolerant number parsing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xborder.reference.fx import FxTable

__all__ = ["Fx", "groups", "col", "num"]


def num(x: object, default: float = np.nan) -> float:
    """A rule cell as a float; ``default`` when empty or not a number."""
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return v if np.isfinite(v) else default


class Fx:
    """Cached conversion factors for one date."""

    def __init__(self, fx: FxTable, date: dt.date) -> None:
        self.fx, self.date = fx, date
        self.cache: dict[tuple[str, str], float] = {}

    def __call__(self, a: str, b: str) -> float:
        key = (a, b)
        if key not in self.cache:
            self.cache[key] = self.fx.factor(a, b, self.date).rate
        return self.cache[key]

    def vec(self, a: pd.Series, b: pd.Series) -> np.ndarray:
        codes, uniq = groups(pd.DataFrame({"a": np.asarray(a), "b": np.asarray(b)}), ["a", "b"])
        return np.array([self(x, y) for x, y in uniq], float)[codes]


def groups(d: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """(code per row, distinct keys): rules are resolved once per distinct key and broadcast by code."""
    combo = np.zeros(len(d), np.int64)
    for c in cols:
        codes, uniq = pd.factorize(d[c], use_na_sentinel=False)
        combo = combo * (len(uniq) + 1) + codes
    _, first, inverse = np.unique(combo, return_index=True, return_inverse=True)
    values = [d[c].to_numpy() for c in cols]
    return inverse.reshape(-1), [tuple(str(v[i]) for v in values) for i in first]


def col(rows: list, name: str, default: float = np.nan) -> np.ndarray:
    """Column ``name`` of rule rows as floats (``default`` where empty)."""
    return np.array([num(r[name], default) for r in rows], float)
