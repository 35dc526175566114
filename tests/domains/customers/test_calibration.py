"""P(a purchase in a coming period) of BG/NBD against customers simulated from the model, and the calibration
table counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xborder.domains.customers.bgnbd import BgNbd, probability_alive, probability_buys
from xborder.domains.customers.calibration import calibration_error, calibration_table

PAPER = BgNbd(0.243, 4.414, 0.793, 2.426)  # CDNOW estimates of Fader, Hardie & Lee (2005), weeks


def _simulate(model: BgNbd, n: int, age: float, horizon: float, seed: int) -> pd.DataFrame:
    """BG/NBD customers first buying at 0: purchases at rate λ ~ Gamma(r, α) while alive, drop-out with
    p ~ Beta(a, b) after each repeat purchase; (x, tₓ) up to ``age`` and whether they buy in the ``horizon`` after."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(model.r, 1.0 / model.alpha, n)
    drop = rng.beta(model.a, model.b, n)
    now, x, tx = np.zeros(n), np.zeros(n), np.zeros(n)
    open_, later = np.ones(n, bool), np.zeros(n, bool)
    while open_.any():
        now = np.where(open_, now + rng.exponential(1.0 / rate), now)
        inside = open_ & (now <= age)
        x[inside] += 1
        tx[inside] = now[inside]
        later |= open_ & (now > age) & (now <= age + horizon)
        open_ = inside & (rng.random(n) >= drop)  # after a purchase in the period: still alive?
    return pd.DataFrame({"x": x, "tx": tx, "T": age, "bought": later})


def test_probability_buys_matches_simulated_customers() -> None:
    """40,000 customers simulated from the paper's CDNOW estimates, observed 39 weeks, 39 more held out: the
    predicted chance of a purchase matches the simulated share overall and per fifth of the prediction,
    while P(alive) (1 for every one-time buyer) does not."""
    sim = _simulate(PAPER, 40_000, 38.86, 39.0, seed=7)
    p = probability_buys(PAPER, 39.0, sim["x"], sim["tx"], sim["T"])
    assert p.mean() == pytest.approx(sim["bought"].mean(), abs=0.01)
    fifth = pd.qcut(pd.Series(p).rank(method="first"), 5, labels=False)
    by = pd.DataFrame({"p": p, "bought": sim["bought"], "fifth": fifth}).groupby("fifth").mean()
    assert (by["p"] - by["bought"]).abs().max() < 0.02
    once = sim["x"] == 0
    alive = probability_alive(PAPER, sim["x"], sim["tx"], sim["T"])
    assert alive[once].min() == 1.0 and sim.loc[once, "bought"].mean() < 0.25


def test_probability_buys_by_hand() -> None:
    """x = 0 (P(alive) = 1): 1 − ((α+T)/(α+T+t))^r; x = 2, tₓ = 30.43, T = 38.86: P(alive) × (1 − ((α+T)/(α+T+t))^(r+2))."""
    p = probability_buys(PAPER, 39.0, [0, 2], [0.0, 30.43], [38.86, 38.86])
    assert p[0] == pytest.approx(1 - (43.274 / 82.274) ** 0.243, rel=1e-9)
    alive = 1 / (1 + 0.793 / 3.426 * (43.274 / 34.844) ** 2.243)
    assert p[1] == pytest.approx(alive * (1 - (43.274 / 82.274) ** 2.243), rel=1e-9)
    assert probability_buys(PAPER, 0.0, [3], [2.0], [5.0]).tolist() == [0.0]


def test_calibration_table_by_hand() -> None:
    per = pd.DataFrame({
        "p_alive": [1.0, 1.0, 0.5, 0.9],
        "p_buy": [0.2, 0.3, 0.1, 0.8],
        "frequency": [0, 0, 3, 5],
        "model_purchases": [0.2, 0.4, 0.1, 2.0],
        "actual_purchases": [0, 1, 0, 3],
    })  # fmt: skip
    t = calibration_table(per, bins=2)
    buy = t[t["ranking"] == "p_buy"].set_index("decile")
    assert buy.loc[1, ["customers", "buyers", "one_time_buyers"]].tolist() == [2, 0, 1]  # p_buy 0.1, 0.2
    assert buy.loc[2, "mean_p_buy"] == pytest.approx(0.55) and buy.loc[2, "bought_share"] == 1.0
    alive = t[t["ranking"] == "p_alive"].set_index("decile")
    # p_alive 0.5, 0.9 | 1.0, 1.0 (ties in customer order): the two one-time buyers, one of whom bought
    assert alive.loc[2, ["one_time_buyers", "buyers", "actual_purchases"]].tolist() == [2, 1, 1]
    assert alive.loc[1, "model_purchases"] == pytest.approx(2.1)
    # |0.15 − 0| and |0.55 − 1| with two customers each
    assert calibration_error(t) == pytest.approx(0.3)
