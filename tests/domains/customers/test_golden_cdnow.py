"""Golden numbers on CDNOW: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013).

The 2,357-customer summary is bundled in data/ (source and license in data/README.md). Paper values:
r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9,582.4; E[Y(39) | x = 2, tₓ = 30.43, T = 38.86] = 1.226;
Gamma-Gamma on the 946 repeat customers p = 6.25, q = 3.74, γ = 15.44, and the conditional expected spend of the
first ten customers in Hardie's spreadsheet of note 025.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xborder.domains.customers import (
    BgNbd,
    GammaGamma,
    bgnbd_log_likelihood,
    customer_values,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_source,
    gamma_gamma_log_likelihood,
    probability_alive,
)

CDNOW = Path(__file__).with_name("data") / "cdnow_customers_summary_with_transactions.csv"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW)


@pytest.fixture(scope="module")
def bgnbd(cdnow: pd.DataFrame) -> BgNbd:
    return fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_the_bundled_sample_is_the_papers(cdnow: pd.DataFrame) -> None:
    digest = hashlib.sha256(CDNOW.read_bytes()).hexdigest()
    assert (
        digest == "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f"
    )  # as in data/README.md
    assert len(cdnow) == 2357 and int((cdnow["x"] > 0).sum()) == 946  # 946 repeat customers (note 025)


def test_bgnbd_estimates_match_the_paper(bgnbd: BgNbd) -> None:
    got = (bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b)
    assert got == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=0.01)
    assert bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.5)
    assert bgnbd.converged and bgnbd.customers == 2357


def test_bgnbd_log_likelihood_at_the_papers_estimates(cdnow: pd.DataFrame, bgnbd: BgNbd) -> None:
    papers = BgNbd(0.243, 4.414, 0.793, 2.426)
    ll = bgnbd_log_likelihood(papers, cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert ll == pytest.approx(-9582.4, abs=0.5)
    assert ll <= bgnbd.log_likelihood  # the fit is the maximum


def test_the_papers_worked_conditional_expectation(bgnbd: BgNbd) -> None:
    """x = 2, tₓ = 30.43, T = 38.86: 1.226 purchases expected in the next 39 weeks."""
    got = expected_purchases(bgnbd, 39.0, [2], [30.43], [38.86])
    assert got[0] == pytest.approx(1.226, abs=0.001)


def test_probability_alive_and_expectations_behave(bgnbd: BgNbd) -> None:
    x, tx, t = np.array([0, 2, 2, 500]), np.array([0.0, 30.43, 5.0, 38.0]), np.array([38.86] * 4)
    alive = probability_alive(bgnbd, x, tx, t)
    assert alive[0] == 1.0  # BG/NBD: no drop-out before the first repeat purchase
    assert alive[1] > alive[2]  # the same two purchases, the later last one is likelier alive
    assert expected_purchases(bgnbd, 0.0, x, tx, t).tolist() == [0.0] * 4


def test_expectation_for_heavy_buyers_equals_the_papers_formula() -> None:
    """Eq. (11) as printed, evaluated with 50-digit arithmetic (mpmath, outside the test run), against the
    Euler-transformed form the code uses so that hundreds of purchases stay finite."""
    model = BgNbd(0.2425929, 4.4135314, 0.7928862, 2.4257538)
    got = expected_purchases(
        model, 52.0, [10, 29, 100, 500], [35.0, 37.71, 38.0, 38.0], [38.0, 38.0, 38.86, 38.86]
    )
    want = [8.090002369851243, 25.061420718403433, 81.59060562728327, 11.50561719427189]
    assert got == pytest.approx(want, rel=1e-9)


def test_gamma_gamma_estimates_match_the_note(cdnow: pd.DataFrame) -> None:
    gg = fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    assert gg.customers == 946 and gg.converged
    assert (gg.p, gg.q, gg.gamma) == pytest.approx((6.25, 3.74, 15.44), abs=0.01)
    assert gg.log_likelihood >= gamma_gamma_log_likelihood(
        GammaGamma(6.25, 3.74, 15.44), cdnow["x"], cdnow["zbar"]
    )
    # Hardie's spreadsheet (note 025), E(M | x, m̄ₓ) of the first ten customers; one-time buyers get the mean.
    spend = expected_spend(gg, cdnow["x"].head(10), cdnow["zbar"].head(10))
    want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    assert spend == pytest.approx(want, abs=0.011)
    assert gg.mean_spend == pytest.approx(35.17, abs=0.01)


def _as_summary(cdnow: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"customer_key": cdnow["ID"], "frequency": cdnow["x"], "recency": cdnow["t_x"],
                         "age": cdnow["T"], "mean_repeat_value": cdnow["zbar"].where(cdnow["x"] > 0)})  # fmt: skip


def test_fit_source_fits_both_models_and_values_customers(cdnow: pd.DataFrame) -> None:
    summary = _as_summary(cdnow)
    fit = fit_source("cdnow", summary, min_customers=100, min_repeat_customers=20)
    assert fit.frequency is not None and fit.spend is not None and fit.notes == []
    assert fit.frequency.log_likelihood == pytest.approx(-9582.4, abs=0.5)
    assert fit.frequency_spend_correlation == pytest.approx(0.11, abs=0.01)  # Fader & Hardie's check: weak
    scored = customer_values(summary, fit, horizon_days=39 * 7)
    first = scored.iloc[0]  # x = 2, tₓ = 30.43, T = 38.86
    assert first["expected_purchases"] == pytest.approx(1.226, abs=0.001)
    assert first["expected_value"] == pytest.approx(first["expected_purchases"] * 24.66, abs=0.01)
    # P(a purchase in the 39 weeks) by hand at the fitted estimates: P(alive) x (1 - ((α+T)/(α+T+39))^(r+x))
    m = fit.frequency
    silent = ((m.alpha + 38.86) / (m.alpha + 38.86 + 39)) ** (m.r + 2)
    assert first["p_buy"] == pytest.approx(first["p_alive"] * (1 - silent), rel=1e-9)
    assert (scored["p_buy"] <= scored["p_alive"]).all() and (scored["p_buy"] > 0).all()


def test_fit_source_thresholds_on_cdnow_subsets(cdnow: pd.DataFrame) -> None:
    summary = _as_summary(cdnow)
    once, again = summary[summary["frequency"] == 0], summary[summary["frequency"] > 0]
    few = pd.concat([once, again.head(45)])  # 45 of 1,456 = 3.1 % repeat: fitted, with a note
    fit = fit_source("few", few, min_customers=100, min_repeat_customers=20)
    assert fit.frequency is not None and [n["code"] for n in fit.notes] == ["customers.few_repeaters"]
    rare = pd.concat([once, again.head(12)])  # 0.8 % repeat: below the 1 % floor, no model
    fit = fit_source("rare", rare, min_customers=100, min_repeat_customers=10)
    assert fit.frequency is None and fit.notes[0]["code"] == "customers.too_few_repeaters"
    assert fit.notes[0]["args"]["share"] == pytest.approx(12 / 1423)
    small = fit_source("small", summary.head(50), min_customers=100, min_repeat_customers=20)
    assert small.frequency is None and small.notes[0]["code"] == "customers.too_few_for_clv"
    assert customer_values(summary.head(50), small, 365)["expected_value"].isna().all()
