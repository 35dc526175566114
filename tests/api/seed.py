"""A web-test warehouse: a copy of the real retail warehouse plus a selection run.

The run is the real selection stage (``xborder.domains.selection.stage.select.run_selection``) on the real order
lines; only when that stage is not available are selection rows derived from the real sales instead
(``seed_selection``, clearly marked as a test seed)."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["SEED_RUN", "build_web_warehouse", "seed_selection", "real_selection"]

SEED_RUN = "run-20260101T000000-seed01"
MARKETS = ("DE", "FR", "NL", "ES", "BE", "CH", "IE", "PT")


def seed_selection(con) -> int:
    """Insert opportunities + factors for the top products of each market, scored from real sales.

    Factors: units sold in the last 12 months of data (demand), growth vs the 12 months before
    (trend) and median unit price (price level), each min-max normalised within the run; score =
    0.5·demand + 0.3·trend + 0.2·price. Returns the number of opportunities written.
    """
    if con.execute("SELECT count(*) FROM opportunities").fetchone()[0]:
        return 0
    con.execute(f"""
        CREATE TEMP TABLE _seed AS
        WITH lines AS (
            SELECT o.product_id, o.country AS market, o.quantity, o.unit_price, o.ordered_at,
                   max(o.ordered_at) OVER () AS last_at
            FROM order_lines o WHERE o.status = 'sold' AND o.is_product AND o.country IN {MARKETS!r}
        ), agg AS (
            SELECT product_id, market,
                   sum(quantity) FILTER (WHERE ordered_at > last_at - INTERVAL 12 MONTH) AS units_12m,
                   sum(quantity) FILTER (WHERE ordered_at <= last_at - INTERVAL 12 MONTH
                                         AND ordered_at > last_at - INTERVAL 24 MONTH) AS units_prev,
                   median(unit_price) AS price
            FROM lines GROUP BY ALL
        ), top AS (
            SELECT *, row_number() OVER (PARTITION BY market ORDER BY units_12m DESC NULLS LAST, product_id) AS rn
            FROM agg WHERE units_12m > 0
        )
        SELECT t.product_id, t.market, t.units_12m, coalesce(t.units_prev, 0) AS units_prev, t.price,
               ln(1 + t.units_12m) AS demand_raw,
               (t.units_12m - coalesce(t.units_prev, 0)) / (coalesce(t.units_prev, 0) + t.units_12m) AS growth_raw,
               p.title, p.category
        FROM top t LEFT JOIN products p USING (product_id) WHERE rn <= 40
    """)
    con.execute("""
        CREATE TEMP TABLE _norm AS SELECT *,
          (demand_raw - min(demand_raw) OVER ()) / nullif(max(demand_raw) OVER () - min(demand_raw) OVER (), 0) AS n_demand,
          (growth_raw - min(growth_raw) OVER ()) / nullif(max(growth_raw) OVER () - min(growth_raw) OVER (), 0) AS n_trend,
          (price - min(price) OVER ()) / nullif(max(price) OVER () - min(price) OVER (), 0) AS n_price
        FROM _seed
    """)
    con.execute(
        """
        INSERT INTO opportunities (run_id, product_id, market, category, title, score, rank, profile, method,
                                   sold_before, demand_6m, explanation_en, explanation_zh)
        SELECT ?, product_id, market, category, title, round(score, 4),
               row_number() OVER (ORDER BY score DESC, product_id, market), 'balanced', 'weighted_sum (test seed)',
               TRUE, units_12m / 2,
               format('{} sold {} units in {} in the last 12 months ({} vs the 12 months before); median price {:.2f}.',
                      coalesce(title, product_id), units_12m::BIGINT, market,
                      CASE WHEN growth_raw >= 0 THEN 'up' ELSE 'down' END, price),
               format('{} 在 {} 过去12个月售出 {} 件（与前12个月相比{}）；中位价 {:.2f}。',
                      coalesce(title, product_id), market, units_12m::BIGINT,
                      CASE WHEN growth_raw >= 0 THEN '上升' ELSE '下降' END, price)
        FROM (SELECT *, 0.5 * coalesce(n_demand, 0) + 0.3 * coalesce(n_trend, 0) + 0.2 * coalesce(n_price, 0) AS score
              FROM _norm)
    """,
        [SEED_RUN],
    )
    for factor, raw, norm, weight, unit in (
        ("demand_12m", "units_12m", "n_demand", 0.5, "units"),
        ("growth", "growth_raw", "n_trend", 0.3, "ratio"),
        ("price_level", "price", "n_price", 0.2, "GBP"),
    ):
        con.execute(
            f"""
            INSERT INTO opportunity_factors (run_id, product_id, market, factor, factor_group, raw_value, unit,
                                             normalised, weight, contribution, source_table)
            SELECT ?, product_id, market, '{factor}', 'test seed', {raw}, '{unit}', {norm}, {weight},
                   {weight} * coalesce({norm}, 0), 'order_lines'
            FROM _norm
        """,
            [SEED_RUN],
        )
    con.execute(
        "INSERT INTO runs (run_id, kind, started_at, finished_at, status, params, message) VALUES "
        "(?, 'pipeline', TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:01:00', 'ok', '{}', "
        "'test seed: selection rows derived from real UCI order lines (selection engine not run)')",
        [SEED_RUN],
    )
    n = con.execute("SELECT count(*) FROM opportunities WHERE run_id = ?", [SEED_RUN]).fetchone()[0]
    con.execute("DROP TABLE _seed")
    con.execute("DROP TABLE _norm")
    return int(n)


def real_selection(con) -> int:
    """Run the real selection stage for MARKETS as run SEED_RUN; 0 when the stage is not available."""
    try:
        from xborder.domains.selection.stage.select import run_selection
    except ImportError:
        return 0
    from xborder.core.settings import Settings

    if con.execute("SELECT count(*) FROM opportunities").fetchone()[0]:
        return 0
    from xborder.domains.compliance.stage import run_compliance
    from xborder.domains.landed_cost.stage import run_landed_cost

    settings = Settings(pseudonym_key="test-key-not-secret")
    # selection ranks only what was assessed: margin (landed cost) and compliance first, in the same run, as a
    # pipeline run does
    run_landed_cost(con, settings, run_id=SEED_RUN, markets=list(MARKETS), max_products=300)
    run_compliance(con, settings, run_id=SEED_RUN, markets=list(MARKETS))
    run_selection(con, settings, run_id=SEED_RUN, markets=list(MARKETS))
    con.execute(
        "INSERT OR IGNORE INTO runs (run_id, kind, started_at, finished_at, status, params, message) VALUES "
        "(?, 'pipeline', TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:01:00', 'ok', '{}', "
        "'selection stage only, on the real UCI order lines (test warehouse)')",
        [SEED_RUN],
    )
    return int(con.execute("SELECT count(*) FROM opportunities WHERE run_id = ?", [SEED_RUN]).fetchone()[0])


def build_web_warehouse(source: Path, target: Path, *, slim: bool = True) -> Path:
    """Copy ``source`` (the retail warehouse) to ``target``, migrate it and seed selection rows.

    ``slim`` keeps every table but only the order lines outside GB (about a tenth of the rows), so
    tests can copy the warehouse cheaply; the seeded markets are all outside GB.
    """
    from xborder.warehouse import connect

    if not slim:
        shutil.copyfile(source, target)
    con = connect(target)
    try:
        if slim:
            con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src' AND schema_name = 'main' "
                    "AND table_name <> 'schema_migrations'"
                ).fetchall()
            ]
            for t in tables:
                cond = " WHERE country <> 'GB'" if t == "order_lines" else ""
                con.execute(f'INSERT INTO main."{t}" BY NAME SELECT * FROM src.main."{t}"{cond}')
            con.execute("DETACH src")
        if not real_selection(con):
            seed_selection(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return target
