"""The rule base as of one date: markets, VAT, low-value rules, duties, fees, freight — resolved per key.

Every table is a dated CSV in ``xborder/reference/data`` (see docs/rules.md). :class:`RuleBook` filters them
with :func:`xborder.reference.as_of` and answers look-ups for a key (market, origin, HS code, mode ...);
when several rows match, the most specific one wins, then the one with the latest ``valid_from``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import cast

import pandas as pd

from xborder.core.errors import BadInputError
from xborder.reference.base import as_of, load_table

__all__ = ["RuleBook", "rule_book", "MODES", "RULE_TABLES"]

MODES = ("sea_fcl", "sea_lcl", "air", "express", "rail")
RULE_TABLES = (
    "markets",
    "tax/vat_rates",
    "low_value/rules",
    "duties/rates",
    "duties/market_average",
    "duties/additional",
    "duties/customs_fees",
    "fees/amazon_referral",
    "fees/amazon_fba",
    "fees/amazon_size_tiers",
    "fees/amazon_fba_adjustments",
    "fees/platforms",
    "fees/payment_processing",
    "fees/wholesale_terms",
    "freight/rates",
    "freight/derived_rates",
    "freight/insurance",
    "category_defaults",
    "fx/pegged",
)


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("valid_from", na_position="first", kind="stable")


def _in_list(cell: str, value: str) -> bool:
    """``cell`` is '*' or a '|'-separated list; empty means none."""
    cell = (cell or "").strip()
    return cell == "*" or value in cell.split("|")


class RuleBook:
    """All rule tables filtered to the rules in force on ``date``, with look-ups by key."""

    def __init__(self, date: dt.date) -> None:
        self.date = date
        self.markets_all = load_table("markets").set_index("market_code")
        self.markets = _latest(as_of(load_table("markets"), date)).drop_duplicates("market_code", keep="last")
        self.markets = self.markets.set_index("market_code")
        self.vat = _latest(as_of(load_table("tax/vat_rates"), date)).drop_duplicates("market", keep="last")
        self.vat = self.vat.set_index("market")
        self.low_value = as_of(load_table("low_value/rules"), date)
        self.duty_rates = as_of(load_table("duties/rates"), date)
        self.duty_avg = _latest(as_of(load_table("duties/market_average"), date)).drop_duplicates(
            "market", keep="last"
        )
        self.duty_avg = self.duty_avg.set_index("market")
        self.additional = as_of(load_table("duties/additional"), date)
        self.customs_fees = as_of(load_table("duties/customs_fees"), date)
        self.referral = as_of(load_table("fees/amazon_referral"), date)
        self.fba = as_of(load_table("fees/amazon_fba"), date)
        self.tiers = as_of(load_table("fees/amazon_size_tiers"), date)
        self.fba_adj = as_of(load_table("fees/amazon_fba_adjustments"), date)
        self.platforms = as_of(load_table("fees/platforms"), date)
        self.payments = _latest(as_of(load_table("fees/payment_processing"), date))
        self.wholesale = _latest(as_of(load_table("fees/wholesale_terms"), date))
        self.freight = as_of(
            pd.concat([load_table("freight/rates"), load_table("freight/derived_rates")]), date
        )
        self.insurance = _latest(as_of(load_table("freight/insurance"), date))
        self.category_defaults = load_table("category_defaults").set_index("category")
        self.meta = self._meta()
        # look-up indexes (the engine asks once per distinct key; these keep each answer O(1))
        self._duty_idx: dict[str, dict[str, tuple[float, str]]] = {}
        for r in _latest(self.duty_rates).to_dict("records"):
            self._duty_idx.setdefault(r["market"], {})[r["hs_prefix"]] = (float(r["rate"]), str(r["rule_id"]))
        self._add_idx: dict[str, list[dict]] = {}
        for r in self.additional.to_dict("records"):
            self._add_idx.setdefault(r["market"], []).append(r)
        self._ref_idx: dict[tuple[str, str], pd.DataFrame] = {
            (str(k[0]), str(k[1])): g
            for k, g in self.referral.groupby(["fee_table", "fee_category"], sort=False)
        }
        self._ref_records = {k: g.to_dict("records") for k, g in self._ref_idx.items()}
        self._lv_cache: dict[tuple[str, str, str], tuple[list, list]] = {}

    @staticmethod
    def _meta() -> dict[str, dict]:
        out: dict[str, dict] = {}
        for name in RULE_TABLES:
            df = load_table(name)
            ids = df["rule_id"] if "rule_id" in df.columns else df.iloc[:, 0]
            for rid, src, vf, vt, conf in zip(
                ids, df["source"], df["valid_from"], df["valid_to"], df["confidence"], strict=True
            ):
                out[str(rid)] = {
                    "table": name,
                    "source": src,
                    "valid_from": vf,
                    "valid_to": vt,
                    "confidence": conf,
                }
        return out

    # ---- markets and taxes -------------------------------------------------------------------------
    def market(self, code: str) -> pd.Series:
        """The market's row; a clear error naming the supported markets when unknown or not in force."""
        c = (code or "").strip().upper()
        if c not in self.markets.index:
            known = ", ".join(dict.fromkeys(self.markets_all.index))
            raise BadInputError(
                f"Unknown market '{code}'.", hint=f"Use an ISO 3166-1 alpha-2 code among: {known}."
            )
        return cast(pd.Series, self.markets.loc[c])

    def vat_rule(self, market: str) -> pd.Series:
        """The VAT/GST rate row in force for ``market``."""
        if market not in self.vat.index:
            raise BadInputError(f"No VAT/GST rule for market {market} on {self.date}.")
        return cast(pd.Series, self.vat.loc[market])

    # ---- freight -----------------------------------------------------------------------------------
    def freight_card(self, origin: str, region: str, mode: str) -> pd.Series:
        """Rate card for a lane and mode: exact origin & region first, then '*' fallbacks; newest valid_from."""
        f = self.freight[self.freight["mode"] == mode]
        for o, r in ((origin, region), ("*", region), (origin, "*"), ("*", "*")):
            m = f[(f["origin"] == o) & (f["dest_region"] == r)]
            if len(m):
                return _latest(m).iloc[-1]
        raise BadInputError(
            f"No freight rate card for mode '{mode}' from {origin} to region {region} on {self.date}.",
            hint=f"Use another --mode ({', '.join(MODES)}), or add a row to reference/data/freight/rates.csv.",
        )

    def insurance_rule(self) -> pd.Series:
        """The cargo insurance rule."""
        return self.insurance.iloc[-1]

    # ---- duties ------------------------------------------------------------------------------------
    def duty_rule(self, duty_table: str, hs_code: str) -> tuple[float, str]:
        """(rate, rule_id): the longest HS prefix row of the market's tariff, else the market fallback average."""
        hs = "".join(ch for ch in str(hs_code or "") if ch.isdigit())
        idx = self._duty_idx.get(duty_table, {})
        for n in (10, 8, 6, 4):
            if len(hs) >= n and hs[:n] in idx:
                return idx[hs[:n]]
        if len(hs) >= 4:
            same = [v for k, v in idx.items() if k[:4] == hs[:4]]
            if same:  # same heading, other subheading: use the highest rate of the heading (prudent)
                return max(same)
        if duty_table in self.duty_avg.index:
            r = cast(pd.Series, self.duty_avg.loc[duty_table])
            return float(str(r["rate"])), str(r["rule_id"])
        raise BadInputError(f"No duty rule for market {duty_table} on {self.date}.")

    def additional_rules(self, market: str, origin: str, hs_code: str) -> list[dict]:
        """Additional duties (Section 301, IEEPA, Section 122 ...) in force for this origin and HS code."""
        hs = "".join(ch for ch in str(hs_code or "") if ch.isdigit())
        out = []
        for r in self._add_idx.get(market, []):
            if not _in_list(r["origins"], origin) or _in_list(r["exclude_origins"], origin):
                continue
            prefixes = str(r["hs_prefixes"]).split("|")
            if r["hs_prefixes"] != "*" and not any(hs.startswith(p) for p in prefixes if p):
                continue
            if r["exclude_hs_prefixes"] and any(
                hs.startswith(p) for p in str(r["exclude_hs_prefixes"]).split("|") if p
            ):
                continue
            out.append(r)
        return out

    def customs_fee_rules(self, market: str) -> pd.DataFrame:
        """Per-entry customs fees (US MPF/HMF) in force for ``market``."""
        return self.customs_fees[self.customs_fees["market"] == market]

    # ---- low-value rules ---------------------------------------------------------------------------
    def low_value_rules(
        self, market: str, duty_table: str, origin: str
    ) -> tuple[list[pd.Series], list[pd.Series]]:
        """(treatment rules ordered most specific first, charge rules) for a market and origin."""
        key = (market, duty_table, origin)
        if key not in self._lv_cache:
            self._lv_cache[key] = self._low_value_rules(market, duty_table, origin)
        return self._lv_cache[key]

    def _low_value_rules(
        self, market: str, duty_table: str, origin: str
    ) -> tuple[list[pd.Series], list[pd.Series]]:
        lv = self.low_value[self.low_value["market"].isin([market, duty_table])]
        lv = lv[
            [
                _in_list(o, origin) and not _in_list(x, origin)
                for o, x in zip(lv["origins"], lv["exclude_origins"], strict=True)
            ]
        ]
        spec = (lv["market"] == market).astype(int) * 2 + (lv["origins"] != "*").astype(int)
        lv = lv.assign(_spec=spec).sort_values(["_spec", "valid_from"], ascending=[False, False])
        treat = [r for _, r in lv[lv["kind"] == "treatment"].iterrows()]
        charge = [r for _, r in lv[lv["kind"] == "charge"].iterrows()]
        return treat, charge

    # ---- marketplace fees --------------------------------------------------------------------------
    def referral_bands(self, fee_table: str, category: str) -> pd.DataFrame:
        """Referral fee bands of a fee table for a category ('other' when the category has none)."""
        m = self._ref_idx.get((fee_table, category))
        if m is None:
            m = self._ref_idx.get((fee_table, "other"), self.referral.iloc[:0])
        return m

    def referral_records(self, fee_table: str, category: str) -> list[dict]:
        """:meth:`referral_bands` as a list of row dicts (cached)."""
        return self._ref_records.get((fee_table, category)) or self._ref_records.get((fee_table, "other"), [])

    def platform_rule(self, platform: str, market: str) -> pd.Series | None:
        """Commission rule for a non-Amazon platform in a market (exact market, else '*')."""
        p = self.platforms[self.platforms["platform"] == platform]
        for mk in (market, "*"):
            m = p[p["market"] == mk]
            if len(m):
                return _latest(m).iloc[-1]
        return None

    def category_default(self, category: str) -> pd.Series:
        """Default HS code, weight and dimensions of a category (category_defaults.csv)."""
        c = category if category in self.category_defaults.index else "other"
        return cast(pd.Series, self.category_defaults.loc[c])


@lru_cache(maxsize=16)
def _book(date: dt.date) -> RuleBook:
    return RuleBook(date)


def rule_book(date: dt.date | str | None = None) -> RuleBook:
    """The (cached) rule book for ``date`` (default today)."""
    if date is None:
        d = dt.date.today()
    elif isinstance(date, str):
        try:
            d = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise BadInputError(
                f"Date '{date}' is not YYYY-MM-DD.", hint="Give --date like 2026-07-01."
            ) from exc
    else:
        d = date
    return _book(d)
