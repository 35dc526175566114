"""The conformity rule base: markets, loading ``compliance/requirements.csv`` and its ``applies_if`` conditions.

A condition is a small boolean expression over the terms of ``ProductAttributes.flags()``::

    eee & !radio            mains | (toy & eee)        age<=12        category=apparel

``|`` is or, ``&`` is and, ``!`` is not, parentheses group; ``age`` and ``battery_wh`` compare
with ``<``, ``<=``, ``>``, ``>=``. For ``age`` an unknown age of a children's product counts as
matching (the conservative reading: the strictest age rule applies until the age is given).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

from xborder.core.errors import BadInputError
from xborder.reference import load_table
from xborder.reference.base import as_of

__all__ = [
    "EU_MEMBERS",
    "MARKETS",
    "RULE_TABLE",
    "Condition",
    "compile_condition",
    "load_requirements",
    "normalise_markets",
    "rule_markets",
]

RULE_TABLE = "compliance/requirements"


def _markets() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every market of the rule base, the EU members in force today), from ``reference/data/markets.csv``."""
    table = load_table("markets")
    codes = tuple(dict.fromkeys(table["market_code"].astype(str)))
    eu = as_of(table[table["region"] == "EU"])
    return codes, tuple(dict.fromkeys(eu["market_code"].astype(str)))


MARKETS, EU_MEMBERS = _markets()
"""The markets the rule base covers, and the EU members an ``EU`` rule row applies in (one list: markets.csv)."""
_BOOL_TERMS = {
    "all",
    "eee",
    "mains",
    "radio",
    "connected",
    "battery",
    "battery_li",
    "battery_button",
    "battery_removable",
    "children",
    "toy",
    "food_contact",
    "cosmetic",
    "textile",
    "footwear",
    "furniture",
    "lighting",
    "medical",
}
_NUM_TERMS = {"age", "battery_wh"}
_TOKEN = re.compile(r"\s*(\(|\)|&|\||!|[a-z_]+\s*(?:<=|>=|<|>)\s*\d+(?:\.\d+)?|category=[a-z_]+|[a-z_]+)")

Condition = Callable[[dict[str, Any]], bool]


def normalise_markets(markets: Iterable[str] | str | None) -> list[str]:
    """Upper-cased ISO2 market codes (``EU`` expands to the EU members); every covered market when None."""
    if markets is None:
        return list(MARKETS)
    items = [markets] if isinstance(markets, str) else list(markets)
    out: list[str] = []
    for item in items:
        for code in str(item).replace(";", ",").split(","):
            code = code.strip().upper()
            if not code:
                continue
            if code == "UK":
                code = "GB"
            if code == "EU":
                out.extend(m for m in EU_MEMBERS if m not in out)
                continue
            if code not in MARKETS:
                raise BadInputError(
                    f"Unknown market {code!r}.",
                    hint="Use ISO 3166-1 alpha-2 codes of the covered markets: "
                    + ", ".join(MARKETS)
                    + " (or EU).",
                )
            if code not in out:
                out.append(code)
    if not out:
        raise BadInputError(
            "No market given.", hint="Pass --market with one or more codes, e.g. --market DE --market US."
        )
    return out


def rule_markets(market: str) -> tuple[str, ...]:
    """The markets a rule row covers (``EU`` rows cover the EU members in MARKETS, ``ALL`` rows every market)."""
    if market == "ALL":
        return MARKETS
    return EU_MEMBERS if market == "EU" else (market,)


def compile_condition(text: str) -> Condition:
    """Parse an ``applies_if`` expression into a function of the flags dict; ValueError if malformed."""
    tokens = [t.strip() for t in _TOKEN.findall(text)]
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", text):
        raise ValueError(f"cannot parse condition {text!r}")
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"condition {text!r} ends too early")
        pos += 1
        return tokens[pos - 1]

    def parse_or() -> Condition:
        parts = [parse_and()]
        while peek() == "|":
            take()
            parts.append(parse_and())
        if len(parts) == 1:
            return parts[0]

        def any_of(f: dict[str, Any], ps: tuple[Condition, ...] = tuple(parts)) -> bool:
            return any(p(f) for p in ps)

        return any_of

    def parse_and() -> Condition:
        parts = [parse_not()]
        while peek() == "&":
            take()
            parts.append(parse_not())
        if len(parts) == 1:
            return parts[0]

        def all_of(f: dict[str, Any], ps: tuple[Condition, ...] = tuple(parts)) -> bool:
            return all(p(f) for p in ps)

        return all_of

    def parse_not() -> Condition:
        if peek() == "!":
            take()
            inner = parse_not()
            return lambda f: not inner(f)
        return parse_atom()

    def parse_atom() -> Condition:
        tok = take()
        if tok == "(":
            inner = parse_or()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {text!r}")
            return inner
        if tok.startswith("category="):
            cat = tok.split("=", 1)[1]
            return lambda f: f["category"] == cat
        m = re.fullmatch(r"([a-z_]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)", tok)
        if m:
            name, op, num = m.group(1), m.group(2), float(m.group(3))
            if name not in _NUM_TERMS:
                raise ValueError(f"{name!r} is not a numeric term in {text!r}")
            return _comparison(name, op, num)
        if tok not in _BOOL_TERMS:
            raise ValueError(f"unknown term {tok!r} in {text!r}")
        return lambda f: bool(f[tok])

    cond = parse_or()
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos]!r} in {text!r}")
    return cond


def _comparison(name: str, op: str, num: float) -> Condition:
    cmp = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}[op]

    def check(f: dict[str, Any]) -> bool:
        value = f[name]
        if name == "age":
            if not f["children"]:
                return False
            return True if value is None else cmp(float(value), num)
        return value is not None and cmp(float(value), num)

    return check


@lru_cache(maxsize=1)
def _requirements() -> pd.DataFrame:
    df = load_table(RULE_TABLE)
    for col in ("lead_time_days_min", "lead_time_days_max", "cost_min", "cost_max"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
    df["mandatory"] = df["mandatory"].str.lower().eq("true")
    conditions: list[Any] = [compile_condition(str(t)) for t in df["applies_if"]]
    df["condition"] = conditions
    return df


def load_requirements() -> pd.DataFrame:
    """The requirement rules with numeric lead times/costs and a compiled ``condition`` column."""
    return _requirements().copy()
