"""Map country names as written in exports (EIRE, RSA, USA, ...) to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import duckdb
import pandas as pd

__all__ = ["country_table", "register_countries", "UNMAPPED_REGIONS"]

UNMAPPED_REGIONS = ("channel islands", "european community", "unspecified", "west indies")


@lru_cache(maxsize=1)
def country_table() -> pd.DataFrame:
    """name_key (lower-case name) → iso2 (empty for regions that have no single code)."""
    with (
        resources.files("xborder.ingest").joinpath("data", "countries.csv").open("r", encoding="utf-8") as fh
    ):
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    with resources.files("xborder.ingest").joinpath("data", "iso3166.csv").open("r", encoding="utf-8") as fh:
        iso = pd.read_csv(fh, dtype=str, keep_default_na=False).rename(columns={"code": "iso2"})
    # every ISO 3166 short name, also without its parenthesis ("Eswatini (Swaziland)": "Eswatini", "Swaziland")
    names = [iso[["name", "iso2"]]]
    inner = iso["name"].str.extract(r"^(.*?)\s*\((.*)\)$")
    for part in (0, 1):
        names.append(pd.DataFrame({"name": inner[part], "iso2": iso["iso2"]}).dropna())
    df = pd.concat([df[["name", "iso2"]], *names], ignore_index=True)  # the alias list wins on a clash
    df["name_key"] = df["name"].str.strip().str.lower().str.replace("\u2019", "'", regex=False)
    return df[["name_key", "iso2"]].drop_duplicates("name_key")


def register_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp table ``_x_countries(name_key, iso2)`` for joins in ingest SQL."""
    con.execute("SELECT 1").fetchall()  # finish any pending result before register()
    con.register("_x_countries_df", country_table())
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _x_countries AS SELECT name_key, nullif(iso2, '') AS iso2 FROM _x_countries_df"
    )
    con.unregister("_x_countries_df")


def country_sql(expr: str) -> str:
    """SQL mapping the country text ``expr`` to ISO2: a known name, or a 2-letter code as given, else NULL."""
    return (
        f"coalesce((SELECT c.iso2 FROM _x_countries c WHERE c.name_key = lower(trim({expr}))), "
        f"CASE WHEN regexp_matches(trim({expr}), '^[A-Za-z]{{2}}$') THEN upper(trim({expr})) END)"
    )
