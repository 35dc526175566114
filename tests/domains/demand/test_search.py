"""Search interest as a leading indicator: keyword coverage, lead-lag on real Google Trends dynamics, false alarms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_path
from xborder.domains.demand.search import keyword_matches, lead_lag, search_lead_signals
from xborder.domains.demand.stage import with_text


@pytest.fixture(scope="module")
def yeezy() -> pd.Series:
    """Real weekly US Google Trends interest in "yeezy", 2015-2019 (205 weeks), through the real ingest."""
    import tempfile
    from pathlib import Path

    from tests.ingest.helpers import fresh, ingest

    with tempfile.TemporaryDirectory() as tmp:
        con = fresh(Path(tmp))
        ingest(
            con,
            shared_path("google_trends", "user_exports", "yeezy_US_weekly_2015-2019.csv"),
            "trends",
            Path(tmp),
        )
        df = con.execute("SELECT ds, value FROM search_trends WHERE keyword = 'yeezy' ORDER BY ds").df()
        con.close()
    assert len(df) == 205
    return pd.Series(df["value"].to_numpy(float), index=pd.to_datetime(df["ds"]))


def test_keywords_cover_titles_by_whole_words_and_plurals() -> None:
    products = pd.DataFrame(
        {
            "product_id": ["a", "b", "c", "d"],
            "title": ["RETROSPOT HAND WARMERS", "HANDBAG WARMER", "Hand warmer, red", None],
        }
    )
    m = keyword_matches(products, ["hand warmer", "warmers", "glass"])
    assert set(map(tuple, m[m["keyword"] == "hand warmer"][["product_id"]].to_numpy())) == {("a",), ("c",)}
    assert set(m[m["keyword"] == "warmers"]["product_id"]) == {"a", "b", "c"}
    assert m[m["keyword"] == "glass"].empty  # "glass" is not reduced to "glas" nor matched to anything


def test_a_known_lead_is_found_on_real_search_dynamics(yeezy: pd.Series) -> None:
    """Sales built from the real search series 3 weeks later (plus Poisson noise): the lead is 3 weeks."""
    rng = np.random.default_rng(1)
    weeks = yeezy.index  # Google's weeks start on Sunday; sales weeks on Monday
    sales_weeks = weeks + pd.Timedelta(days=1)
    units = rng.poisson(5 * yeezy.shift(3).bfill().to_numpy() + 5)
    demand = pd.Series(units.astype(float), index=sales_weeks)
    res = lead_lag(demand, yeezy, freq="W")
    assert res["significant"] and res["lag"] == 3 and res["r"] > 0.5, res
    # and the reverse (sales leading search) is not reported as a lead
    rev = lead_lag(pd.Series(yeezy.shift(-3).ffill().to_numpy(), index=sales_weeks), yeezy, freq="W")
    assert rev["lag"] < 0 or not rev["significant"], rev  # it follows sales; no lead claimed


def test_false_alarms_stay_near_the_nominal_rate(yeezy: pd.Series) -> None:
    """200 sales series unrelated to the search (Poisson around a random walk): ~5% flagged at most."""
    rng = np.random.default_rng(7)
    idx = yeezy.index + pd.Timedelta(days=1)
    flagged = 0
    for _ in range(200):
        level = np.exp(np.cumsum(rng.normal(0, 0.05, len(idx))) + 2)
        demand = pd.Series(rng.poisson(level).astype(float), index=idx)
        flagged += bool(lead_lag(demand, yeezy, freq="W")["significant"])
    assert flagged <= 20, flagged  # alpha = 5% family-wise over the 17 lags; 10% allows sampling error


def test_short_overlap_claims_nothing(yeezy: pd.Series) -> None:
    demand = pd.Series(np.arange(10, dtype=float), index=yeezy.index[:10] + pd.Timedelta(days=1))
    res = lead_lag(demand, yeezy, freq="W")
    assert not res["significant"] and res["n"] == 0


def test_signals_name_the_keyword_market_and_lead_in_both_languages(yeezy: pd.Series) -> None:
    rng = np.random.default_rng(3)
    ds = yeezy.index + pd.Timedelta(days=1)
    lead = rng.poisson(5 * yeezy.shift(2).bfill().to_numpy() + 5).astype(float)
    unrelated = rng.poisson(20, len(ds)).astype(float)
    series = pd.concat(
        [
            pd.DataFrame({"unique_id": "p1|US", "ds": ds, "y": lead}),
            pd.DataFrame({"unique_id": "p2|US", "ds": ds, "y": unrelated}),
            pd.DataFrame({"unique_id": "p1|GB", "ds": ds, "y": lead}),  # another market: not covered
        ]
    )
    search = pd.DataFrame(
        {"keyword": "yeezy", "market_code": "US", "ds": yeezy.index, "value": yeezy.to_numpy()}
    )
    products = pd.DataFrame({"product_id": ["p1", "p2"], "title": ["Yeezy Boost 350", "Yeezy slides"]})
    out = with_text(search_lead_signals(series, search, products, freq="W"))
    assert list(out["unique_id"]) == ["p1|US"] and out["value"].iloc[0] == 2.0
    assert out["message"].iloc[0]["code"] == "demand.search_lead_weeks"
    assert "search interest in 'yeezy' (US) leads sales by 2 weeks" in out["text_en"].iloc[0]
    assert "领先销量2周" in out["text_zh"].iloc[0]
