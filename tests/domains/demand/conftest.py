"""Demand test data: small hand-made order lines and synthetic series with known shapes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_order_lines(rows: list[tuple]) -> pd.DataFrame:
    """(product_id, country, ordered_at, quantity, status, is_product) tuples -> canonical order_lines."""
    df = pd.DataFrame(
        rows, columns=["product_id", "country", "ordered_at", "quantity", "status", "is_product"]
    )
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    return df


@pytest.fixture
def order_lines_from():
    """The :func:`make_order_lines` helper as a fixture."""
    return make_order_lines


@pytest.fixture
def synthetic_series() -> pd.DataFrame:
    """Six monthly series of 48 months: seasonal, trending, intermittent, lumpy, too short, all zero."""
    rng = np.random.default_rng(7)
    ds = pd.date_range("2020-01-01", periods=48, freq="MS")
    t = np.arange(48)
    shapes = {
        "seasonal|DE": 100 + 40 * np.sin(2 * np.pi * (t % 12) / 12) + rng.normal(0, 3, 48),
        "trend|DE": 20 + 2.0 * t + rng.normal(0, 2, 48),
        "intermittent|FR": np.where(rng.random(48) < 0.3, 5.0, 0.0),
        "lumpy|FR": np.where(rng.random(48) < 0.25, rng.integers(1, 60, 48), 0).astype(float),
        "zero|GB": np.zeros(48),
    }
    frames = [pd.DataFrame({"unique_id": k, "ds": ds, "y": np.clip(v, 0, None)}) for k, v in shapes.items()]
    frames.append(pd.DataFrame({"unique_id": "short|GB", "ds": ds[-3:], "y": [4.0, 0.0, 6.0]}))
    return pd.concat(frames, ignore_index=True)
