"""The tables of the launch domain: projects and their gate events, judged launch outcomes, the KPI scorecard."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "PROJECTS",
    "PROJECT_FACTORS",
    "PROJECT_EVENTS",
    "PROJECT_EXPERIMENTS",
    "LAUNCH_OUTCOMES",
    "KPI_SCORECARD",
    "LAUNCH_REPLAY",
    "TABLES",
]

_RUN = Column("run_id", "VARCHAR", "runs.run_id of the launch run that wrote the row.", nullable=False)
_PROJECT = Column("project_id", "VARCHAR", "projects.project_id.", nullable=False)

PROJECTS = Table(
    "projects",
    "A pick a team acts on: one product-development project (product x market), with the forecast and score "
    "frozen when it was decided and the plan behind its expected launch date (docs/launch.md).",
    owner="launch",
    role="system",
    primary_key=("project_id",),
    dated_by="created_at",
    columns=(
        _PROJECT,
        Column("product_id", "VARCHAR", "products.product_id of the pick.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 target market.", nullable=False),
        Column("title", "VARCHAR", "Product title at creation, for display."),
        Column("owner", "VARCHAR", "Team or role accountable for the project (not a personal name)."),
        Column("created_at", "TIMESTAMP", "When the project was created (its idea gate opened).", nullable=False),
        Column("pick_run_id", "VARCHAR", "runs.run_id of the selection run the pick came from (NULL: none)."),
        Column("score", "DOUBLE", "Opportunity score frozen at decision time (opportunities.score).", unit="0-1"),
        Column("rank", "INTEGER", "Rank frozen at decision time (opportunities.rank).", unit="rank"),
        Column("forecast_run_id", "VARCHAR", "runs.run_id of the demand forecast frozen (NULL: none)."),
        Column("forecast_units", "DOUBLE", "Frozen forecast of units over the outcome window.", unit="units"),
        Column("forecast_lo_80", "DOUBLE", "Lower 80% bound of the frozen forecast.", unit="units"),
        Column("forecast_hi_80", "DOUBLE", "Upper 80% bound of the frozen forecast.", unit="units"),
        Column("window_months", "INTEGER", "Outcome window after launch, months.", unit="months"),
        Column("target_margin", "DOUBLE", "Gross-margin target a success must reach.", unit="fraction"),
        Column("expected_margin", "DOUBLE", "Unit margin frozen from the landed costs (best mode).", unit="fraction"),
        Column("spec_days", "DOUBLE", "Planned days for the specification gate.", unit="days"),
        Column("supplier_lead_days", "DOUBLE", "Supplier lead time (supplier_offers; NULL unknown).", unit="days"),
        Column("compliance_days", "DOUBLE", "Compliance critical path, high lead times (NULL unknown).", unit="days"),
        Column("pilot_days", "DOUBLE", "Planned days for the pilot batch.", unit="days"),
        Column("expected_launch", "DATE", "created_at + spec + max(sourcing, compliance) + pilot."),
        Column("critical_path", "VARCHAR", "The gates on the longest path (specification > sourcing > pilot ...)."),
        Column("pick_profile", "VARCHAR", "Selection profile (weights) of the pick's run (opportunities.profile)."),
        Column("forecast_window_months", "INTEGER", "Months the frozen forecast covered (6 for the selection's); "
               "forecast_units and its bounds are pro-rated from it to window_months.", unit="months"),
        Column("forecast_source", "VARCHAR", "selection (opportunities.demand_6m and its 80% interval) | "
               "demand_totals:<freq> (forecast_totals mean, q10, q90, when the selection gives no interval)."),
    ),
)  # fmt: skip

PROJECT_FACTORS = Table(
    "project_factors",
    "The selection's factors behind a project's pick, frozen when the project was created (the pick run's "
    "opportunity_factors rows): raw and normalised value, weight and contribution — what a refit of the "
    "selection weights on launch outcomes learns from (docs/launch.md).",
    owner="launch",
    role="system",
    primary_key=("project_id", "factor"),
    columns=(
        _PROJECT,
        Column("pick_run_id", "VARCHAR", "runs.run_id of the selection run the values come from.", nullable=False),
        Column("factor", "VARCHAR", "Factor name (opportunity_factors.factor).", nullable=False),
        Column("factor_group", "VARCHAR", "Factor group the profile weighs (demand_size, momentum, ...)."),
        Column("raw_value", "DOUBLE", "Value before normalisation (NULL: missing for this pick).",
               unit="the row's unit column"),
        Column("unit", "VARCHAR", "Unit of raw_value."),
        Column("normalised", "DOUBLE", "Normalised value in [0, 1], larger is better, within the pick run.",
               unit="0-1"),
        Column("weight", "DOUBLE", "Weight the pick run gave the factor.", unit="fraction"),
        Column("contribution", "DOUBLE", "Part of the frozen score due to this factor.", unit="0-1"),
    ),
)  # fmt: skip

PROJECT_EVENTS = Table(
    "project_events",
    "A gate decision of a project: which gate, when, who, with which documents and what was decided "
    "(the project's current gate is its last 'go').",
    owner="launch",
    role="system",
    dated_by="decided_at",
    columns=(
        _PROJECT,
        Column("gate", "VARCHAR", "idea | specification | sourcing | compliance | pilot | launch | scale | stop.",
               nullable=False),
        Column("decided_at", "TIMESTAMP", "When the decision was taken.", nullable=False),
        Column("owner", "VARCHAR", "Team or role that took it (not a personal name)."),
        Column("decision", "VARCHAR", "go | hold | stop.", nullable=False),
        Column("documents", "VARCHAR[]", "Documents behind the decision (paths or addresses)."),
        Column("note", "VARCHAR", "Free text."),
    ),
)  # fmt: skip

PROJECT_EXPERIMENTS = Table(
    "project_experiments",
    "A variant experiment of a project (A/B of a product variant or listing in the pilot): both arms' counts, "
    "the two-proportion test at this look and the power the test had (docs/launch.md).",
    owner="launch",
    role="system",
    dated_by="recorded_at",
    columns=(
        _PROJECT,
        Column("experiment", "VARCHAR", "Name of the experiment (what differs: main image, title, bundle ...).",
               nullable=False),
        Column("recorded_at", "TIMESTAMP", "When this look was recorded.", nullable=False),
        Column("owner", "VARCHAR", "Team or role that ran it (not a personal name)."),
        Column("control_label", "VARCHAR", "What arm A is."),
        Column("variant_label", "VARCHAR", "What arm B is."),
        Column("control_visitors", "BIGINT", "Visitors (sessions) of A.", unit="visitors"),
        Column("control_conversions", "BIGINT", "Orders (conversions) of A.", unit="orders"),
        Column("control_revenue", "DOUBLE", "Revenue of A.", unit="currency"),
        Column("variant_visitors", "BIGINT", "Visitors of B.", unit="visitors"),
        Column("variant_conversions", "BIGINT", "Orders of B.", unit="orders"),
        Column("variant_revenue", "DOUBLE", "Revenue of B.", unit="currency"),
        Column("difference", "DOUBLE", "Conversion of B - conversion of A.", unit="fraction"),
        Column("difference_lo", "DOUBLE", "Lower bound of the difference (Newcombe, 1 - alpha).", unit="fraction"),
        Column("difference_hi", "DOUBLE", "Upper bound of the difference.", unit="fraction"),
        Column("relative_lift", "DOUBLE", "Conversion of B / conversion of A - 1.", unit="fraction"),
        Column("z", "DOUBLE", "Two-proportion z statistic."),
        Column("p_value", "DOUBLE", "Its two-sided p-value."),
        Column("bound", "DOUBLE", "The |z| this look must reach (O'Brien-Fleming when several looks are planned)."),
        Column("alpha", "DOUBLE", "Two-sided significance level.", unit="fraction"),
        Column("look", "INTEGER", "Which look this is."),
        Column("looks", "INTEGER", "Looks planned."),
        Column("significant", "BOOLEAN", "|z| >= bound."),
        Column("mde", "DOUBLE", "Relative lift the test is meant to detect.", unit="fraction"),
        Column("power", "DOUBLE", "Power to detect that lift at these visitors (normal approximation).",
               unit="fraction"),
        Column("visitors_needed", "BIGINT", "Visitors per arm for 80% power at that lift.", unit="visitors"),
        Column("note", "VARCHAR", "Free text."),
        Column("counts_source", "VARCHAR", "Where the arms' counts come from: the warehouse rows they were summed "
               "from (ad_performance clicks/orders/sales or listing_traffic sessions/order items/sales, with the "
               "selector and dates), or 'typed' (given on the command line); NULL for looks recorded before."),
    ),
)  # fmt: skip

LAUNCH_OUTCOMES = Table(
    "launch_outcomes",
    "A launched project judged against its frozen forecast: actual units, revenue and margin after launch "
    "(from the warehouse's sales) and whether it met the stated success criteria.",
    owner="launch",
    columns=(
        _RUN, _PROJECT,
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market.", nullable=False),
        Column("launched_at", "DATE", "Date of the project's launch gate ('go')."),
        Column("window_end", "DATE", "launched_at + window_months."),
        Column("complete", "BOOLEAN", "The window has ended by the run's data (else judged so far only)."),
        Column("actual_units", "DOUBLE", "Units sold in the market within the window.", unit="units"),
        Column("actual_revenue", "DOUBLE", "Revenue in the window.", unit="currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of actual_revenue."),
        Column("actual_margin", "DOUBLE", "Realised gross margin (NULL: no costs known).", unit="fraction"),
        Column("forecast_units", "DOUBLE", "The frozen forecast.", unit="units"),
        Column("forecast_lo_80", "DOUBLE", "The frozen lower 80% bound.", unit="units"),
        Column("sales_ok", "BOOLEAN", "actual_units >= forecast_lo_80 (NULL: no frozen bound)."),
        Column("margin_ok", "BOOLEAN", "actual_margin >= target_margin (NULL: margin unknown)."),
        Column("success", "BOOLEAN", "sales_ok and margin_ok where both are known; NULL while incomplete."),
        Column("basis", "VARCHAR", "sales_and_margin | sales_only (margin unknown) | incomplete."),
        Column("margin_source", "VARCHAR", "Where the unit cost came from: landed_cost:<mode> (a supplier quote, "
               "landed with fees) | supplier_quote:goods_only; NULL when the margin is unknown."),
        Column("reviews", "INTEGER", "Reviews of the product in the window (this market or no market stated).",
               unit="reviews"),
        Column("mean_rating", "DOUBLE", "Their mean star rating (NULL: none).", unit="stars"),
    ),
)  # fmt: skip

KPI_SCORECARD = Table(
    "kpi_scorecard",
    "The KPI scorecard of a run: each KPI's formula, the data used, its value (or why unknown) and target.",
    owner="launch",
    columns=(
        _RUN,
        Column("kpi", "VARCHAR", "KPI id (selection_success_rate, forecast_accuracy, ...).", nullable=False),
        Column("value", "DOUBLE", "Its value (NULL: unknown)."),
        Column("unit", "VARCHAR", "fraction | per_year | months | hours."),
        Column("target", "DOUBLE", "The seed's target."),
        Column("direction", "VARCHAR", "at_least | at_most: which side of the target is good."),
        Column("baseline", "DOUBLE", "The seed's starting value, where it gives one."),
        Column("meets", "BOOLEAN", "value is on the good side of target (NULL: unknown)."),
        Column("formula", "VARCHAR", "How the value is computed."),
        Column("data_used", "VARCHAR", "Tables and rows the value comes from."),
        Column("data_used_message", "JSON", "The phrase of data_used after its tables as a message code with its "
               "numbers (launch.used.*), to show it in any language (NULL: scorecards written before it).",
               message=True),
        Column("missing", "VARCHAR", "When unknown: what is needed (a table, a command)."),
    ),
)  # fmt: skip

LAUNCH_REPLAY = Table(
    "launch_replay",
    "A replayed launch history on the warehouse's own sales: product x market pairs first sold after the data's "
    "first month, the forecast and picks frozen at each launch month, judged after 6 months "
    "(xborder.domains.launch.replay_markets; docs/launch.md). One row per group of launches.",
    owner="launch",
    columns=(
        _RUN,
        Column("launch_group", "VARCHAR", "all | refit:<method> | <kind>:<scope>: kind new_product (the product first sells after "
               "the data's first month) or new_market (an older product's first sale in this market); scope home "
               "(the market with most units) or foreign.", nullable=False),
        Column("home_market", "VARCHAR", "The home market (most sold units)."),
        Column("launches", "BIGINT", "Judged launches (6-month window ended within the data).", unit="launches"),
        Column("pending", "BIGINT", "Launches whose window has not ended (not judged).", unit="launches"),
        Column("success_rate", "DOUBLE", "Share of judged launches with units >= the frozen lower 80% bound.",
               unit="fraction"),
        Column("beat_point_rate", "DOUBLE", "Share with units >= the frozen point forecast.", unit="fraction"),
        Column("picks", "BIGINT", "Judged launches the system would have picked (launch month's top 20% by "
               "expected revenue).", unit="launches"),
        Column("picks_success_rate", "DOUBLE", "Share of the picks that succeeded (NULL: no picks).",
               unit="fraction"),
        Column("actual_units", "DOUBLE", "Units sold in the judged windows.", unit="units"),
        Column("forecast_units", "DOUBLE", "Sum of the frozen point forecasts.", unit="units"),
        Column("wape", "DOUBLE", "Sum |forecast - actual| / sum actual.", unit="fraction"),
        Column("bias", "DOUBLE", "Sum (forecast - actual) / sum actual (negative: under-forecast).",
               unit="fraction"),
        Column("coverage_80", "DOUBLE", "Share of actuals inside the frozen 80% interval.", unit="fraction"),
        Column("test_months", "BIGINT", "refit:<method> rows: launch months tested (weights refit before each "
               "on every earlier judged launch, picked or not); NULL on the other rows.", unit="months"),
    ),
)  # fmt: skip

TABLES = (PROJECTS, PROJECT_FACTORS, PROJECT_EVENTS, PROJECT_EXPERIMENTS, LAUNCH_OUTCOMES, KPI_SCORECARD,
          LAUNCH_REPLAY)  # fmt: skip
