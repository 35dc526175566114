"""Map country names as written in exports (EIRE, RSA, USA, ...) to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import duckdb

__all__ = ["country_table", "register_countries", "UNMAPPED_REGIONS"]

UNMAPPED_REGIONS = ("channel islands", "european community", "unspecified", "west indies")


@lru_cache(maxsize=1)
def country_table() -> tuple[tuple[str, str], ...]:
    """(name_key (lower-case name), iso2 (empty for regions that have no single code)) pairs.

    Read with the csv module, not pandas: ``xborder ingest`` of a file that needs no pandas does not pay
    for importing it.
    """
    import csv

    def rows(name: str) -> list[dict[str, str]]:
        with resources.files("xborder.ingest").joinpath("data", name).open("r", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    pairs = [(r["name"], r["iso2"]) for r in rows("countries.csv")]  # the alias list wins on a clash
    for r in rows("iso3166.csv"):
        # every ISO 3166 short name, also without its parenthesis ("Eswatini (Swaziland)": "Eswatini", "Swaziland")
        pairs.append((r["name"], r["code"]))
        m = re.match(r"^(.*?)\s*\((.*)\)$", r["name"])
        if m:
            pairs.extend([(m.group(1), r["code"]), (m.group(2), r["code"])])
    out: dict[str, str] = {}
    for name, iso2 in pairs:
        out.setdefault(name.strip().lower().replace("\u2019", "'"), iso2)
    return tuple(out.items())


def register_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table ``_x_countries(name_key, iso2)`` for joins in ingest SQL."""
    table = country_table()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _x_countries AS SELECT unnest(?) AS name_key, nullif(unnest(?), '') AS iso2",
        [[k for k, _ in table], [v for _, v in table]],
    )


def country_sql(expr: str) -> str:
    """SQL mapping the country text ``expr`` to ISO2: a known name, or a 2-letter code as given, else NULL."""
    return (
        f"coalesce((SELECT c.iso2 FROM _x_countries c WHERE c.name_key = lower(trim({expr}))), "
        f"CASE WHEN regexp_matches(trim({expr}), '^[A-Za-z]{{2}}$') THEN upper(trim({expr})) END)"
    )
