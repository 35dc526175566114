"""Dated FX table: ECB euro reference rates (Source: ECB), cross rates via EUR, as of a day.

The bundled table ``reference/data/fx/ecb_eurofxref.csv.gz`` (built by ``scripts/build_fx_table.py``) holds
units of each currency per 1 EUR for every ECB business day from 2019. Currencies the ECB does not publish
(SAR, AED, VND) come from ``fx/pegged.csv`` (units per USD). A newer ECB file loaded with
``xborder fx update FILE`` is stored in the warehouse table ``fx_rates`` and takes precedence.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from xborder.core.errors import BadInputError
from xborder.reference.base import as_of, load_table

__all__ = ["CURRENCIES", "FxTable", "read_ecb_file", "load_fx", "store_ecb_file", "ECB_SOURCE"]

ECB_SOURCE = "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html"
CURRENCIES = (
    "USD",
    "JPY",
    "GBP",
    "SEK",
    "PLN",
    "CZK",
    "DKK",
    "HUF",
    "RON",
    "BGN",
    "CHF",
    "NOK",
    "ISK",
    "TRY",
    "AUD",
    "BRL",
    "CAD",
    "CNY",
    "HKD",
    "IDR",
    "ILS",
    "INR",
    "KRW",
    "MXN",
    "MYR",
    "NZD",
    "PHP",
    "SGD",
    "THB",
    "ZAR",
)


def read_ecb_file(path: str | Path) -> pd.DataFrame:
    """Read an ECB ``eurofxref-hist`` file (zip or csv): a frame with ``date`` (ISO text) and one column per currency."""
    p = Path(path)
    if not p.is_file():
        raise BadInputError(
            f"FX file {p} does not exist.", hint="Give the path of the ECB eurofxref-hist.zip or .csv file."
        )
    try:
        if p.suffix.lower() == ".zip":
            with zipfile.ZipFile(p) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if not names:
                    raise BadInputError(
                        f"{p} holds no CSV file.", hint="Download eurofxref-hist.zip from the ECB."
                    )
                raw = zf.read(names[0])
        else:
            raw = p.read_bytes()
        df = pd.read_csv(io.BytesIO(raw), na_values=["N/A"], dtype={"Date": str})
    except (zipfile.BadZipFile, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{p} is not a readable ECB reference-rate file: {exc}") from exc
    df = df.loc[:, [c for c in df.columns if not str(c).startswith("Unnamed")]]
    df.columns = [str(c).strip() for c in df.columns]
    if "Date" not in df.columns or "USD" not in df.columns:
        raise BadInputError(
            f"{p} lacks the 'Date' and 'USD' columns of the ECB file (columns found: {list(df.columns)[:6]}...).",
            hint="Use the ECB's eurofxref-hist.zip (euro foreign exchange reference rates).",
        )
    df = df.rename(columns={"Date": "date"})
    bad = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce").isna()
    if bad.any():
        raise BadInputError(
            f"{p}: row {int(np.argmax(bad.to_numpy())) + 2} has a Date that is not YYYY-MM-DD."
        )
    return df.sort_values("date").reset_index(drop=True)


@dataclass(frozen=True)
class FxQuote:
    """One conversion factor with the ECB day it came from."""

    rate: float
    date: str
    source: str


class FxTable:
    """Units of currency per EUR by day; cross rates via EUR; as-of the last ECB day on or before a date."""

    def __init__(self, wide: pd.DataFrame, pegged: pd.DataFrame) -> None:
        self._wide = wide.sort_values("date").reset_index(drop=True)
        self._dates = self._wide["date"].to_numpy(dtype="datetime64[D]")
        self._pegged = pegged

    @property
    def last_date(self) -> str:
        """The newest ECB day in the table."""
        return str(self._dates[-1])

    def age_days(self, as_of: dt.date | str) -> int:
        """How many days the newest ECB rate is older than ``as_of`` (0 when it is not older)."""
        return max(0, (dt.date.fromisoformat(str(as_of)[:10]) - dt.date.fromisoformat(self.last_date)).days)

    def per_eur_history(
        self, currency: str, start: dt.date | str | None = None, end: dt.date | str | None = None
    ) -> pd.Series | None:
        """Units of ``currency`` per 1 EUR on every ECB day from ``start`` to ``end`` (both included).

        One vectorised read of the table (per-day ``per_eur`` calls are ~1,000x slower over years of days).
        EUR gives ones; a currency the ECB does not publish (the dollar pegs) gives None: follow the dollar
        at its peg (``factor("USD", currency, day)``). Days without a quote for the currency are NaN.

        Returns:
            A float Series indexed by the ECB days (``datetime64``), or None.
        """
        cur = currency.upper()
        days = pd.to_datetime(self._wide["date"])
        sel = np.ones(len(days), dtype=bool)
        if start is not None:
            sel &= (days >= pd.Timestamp(str(start)[:10])).to_numpy()
        if end is not None:
            sel &= (days <= pd.Timestamp(str(end)[:10])).to_numpy()
        index = pd.DatetimeIndex(days[sel].to_numpy())
        if cur == "EUR":
            return pd.Series(np.ones(int(sel.sum())), index=index)
        if cur not in self._wide.columns:
            return None
        return pd.Series(self._wide.loc[sel, cur].to_numpy(float), index=index)

    def _row(self, date: dt.date | str) -> int:
        d = np.datetime64(str(date), "D")
        i = int(np.searchsorted(self._dates, d, side="right")) - 1
        if i < 0:
            raise BadInputError(f"No FX rate on or before {date}: the FX table starts on {self._dates[0]}.")
        return i

    def per_eur(self, currency: str, date: dt.date | str) -> FxQuote:
        """Units of ``currency`` per 1 EUR on the last ECB day on or before ``date``."""
        cur = currency.upper()
        i = self._row(date)
        day = str(self._dates[i])
        if cur == "EUR":
            return FxQuote(1.0, day, ECB_SOURCE)
        if cur in self._wide.columns:
            col = self._wide[cur].iloc[: i + 1].dropna()
            if col.empty:
                raise BadInputError(f"No ECB rate for {cur} on or before {date}.")
            return FxQuote(float(col.iloc[-1]), str(self._dates[col.index[-1]]), ECB_SOURCE)
        peg = as_of(self._pegged[self._pegged["currency"] == cur], dt.date.fromisoformat(str(date)[:10]))
        if len(peg):
            r = peg.sort_values("valid_from").iloc[-1]
            usd = self.per_eur("USD", date)
            return FxQuote(float(r["per_usd"]) * usd.rate, usd.date, str(r["source"]))
        raise BadInputError(
            f"Currency '{currency}' is not in the FX table.",
            hint=f"Use one of EUR, {', '.join(sorted([*CURRENCIES, 'SAR', 'AED', 'VND']))}.",
        )

    def factor(self, from_ccy: str, to_ccy: str, date: dt.date | str) -> FxQuote:
        """Multiply an amount in ``from_ccy`` by ``.rate`` to get ``to_ccy`` (cross rate via EUR)."""
        if from_ccy.upper() == to_ccy.upper():
            return FxQuote(1.0, str(date)[:10], "identity")
        a = self.per_eur(from_ccy, date)
        b = self.per_eur(to_ccy, date)
        return FxQuote(b.rate / a.rate, min(a.date, b.date), a.source if a.source != ECB_SOURCE else b.source)

    def convert(self, amount: float, from_ccy: str, to_ccy: str, date: dt.date | str) -> float:
        """``amount`` in ``from_ccy`` expressed in ``to_ccy`` on ``date``."""
        return amount * self.factor(from_ccy, to_ccy, date).rate


@lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    path = resources.files("xborder.reference").joinpath("data", "fx", "ecb_eurofxref.csv.gz")
    with path.open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"date": str})


def load_fx(con=None) -> FxTable:
    """The bundled ECB table, extended by newer days stored in the warehouse's ``fx_rates`` (when ``con`` is given)."""
    wide = _bundled()
    if con is not None:
        try:
            extra = con.execute(
                "SELECT CAST(rate_date AS VARCHAR) AS date, currency, per_eur FROM fx_rates"
            ).df()
        except Exception:
            extra = pd.DataFrame()
        if len(extra):
            ew = extra.pivot_table(index="date", columns="currency", values="per_eur").reset_index()
            wide = pd.concat([wide[~wide["date"].isin(ew["date"])], ew], ignore_index=True)
    return FxTable(wide, load_table("fx/pegged"))


def store_ecb_file(con, path: str | Path, *, since: str = "2019-01-01") -> dict:
    """Load an ECB reference-rate file into the warehouse table ``fx_rates`` (replacing the days it holds)."""
    df = read_ecb_file(path)
    df = df[df["date"] >= since]
    long = df.melt(id_vars="date", var_name="currency", value_name="per_eur").dropna()
    long = long[long["currency"].isin(CURRENCIES)]
    long["rate_date"] = pd.to_datetime(long["date"]).dt.date
    long["source"] = ECB_SOURCE
    con.execute("BEGIN")
    try:
        con.register("fx_new", long[["rate_date", "currency", "per_eur", "source"]])
        con.execute("DELETE FROM fx_rates WHERE rate_date IN (SELECT DISTINCT rate_date FROM fx_new)")
        con.execute("INSERT INTO fx_rates SELECT rate_date, currency, per_eur, source FROM fx_new")
        con.unregister("fx_new")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {
        "days": int(df["date"].nunique()),
        "rows": len(long),
        "from": df["date"].min(),
        "to": df["date"].max(),
    }
