"""The tables the demand stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["FORECASTS", "FORECAST_SERIES", "FORECAST_ACCURACY", "FORECAST_TOTALS", "TREND_SIGNALS", "TABLES"]

FORECASTS = Table(
    "forecasts",
    "Future demand per series and period from the model chosen per series (kind forecast) or from analogues for products not yet sold in a market (kind analogue).",
    owner="demand",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the forecast run.", nullable=False),
        Column(
            "unique_id",
            "VARCHAR",
            "Series id (CONTRIBUTING.md): <product_id>|<market>, cat:<category>|<market>, total|<market>, <product_id>|ALL.",
            nullable=False,
        ),
        Column(
            "level",
            "VARCHAR",
            "product_market | category_market | market_total | product_total.",
            nullable=False,
        ),
        Column("freq", "VARCHAR", "W (weeks starting Monday) | M (calendar months) | D.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id for product levels, else NULL."),
        Column("category", "VARCHAR", "Category id for the category level, else NULL."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market, ALL for product totals."),
        Column("ds", "DATE", "First day of the forecast period.", nullable=False),
        Column(
            "model",
            "VARCHAR",
            "Model that produced the row (AutoETS, DynamicOptimizedTheta, CrostonSBA, ADIDA, IMAPA, TSB, WindowMedian, SeasonalNaive, Naive, Ensemble, Mean(A+B...) combinations, Zero, Analogue).",
            nullable=False,
        ),
        Column("point", "DOUBLE", "Point forecast, units per period (>= 0).", unit="units"),
        Column(
            "lo_80",
            "DOUBLE",
            "Lower bound of the 80% prediction interval (native or split-conformal), units.",
            unit="units",
        ),
        Column("hi_80", "DOUBLE", "Upper bound of the 80% prediction interval, units.", unit="units"),
        Column("lo_95", "DOUBLE", "Lower bound of the 95% prediction interval, units.", unit="units"),
        Column("hi_95", "DOUBLE", "Upper bound of the 95% prediction interval, units.", unit="units"),
        Column(
            "kind",
            "VARCHAR",
            "forecast (from the series own history) | analogue (pre-launch estimate from similar markets; wide intervals).",
            nullable=False,
        ),
        Column("basis", "VARCHAR", "For analogues: what the estimate was built from."),
        Column(
            "mean",
            "DOUBLE",
            "Expected units in the period (mean of the calibrated forecast distribution): sum THIS for 6-month totals, stock and cash; point is the median. Analogues: = point.",
            unit="units",
        ),
        *(
            Column(
                name,
                "DOUBLE",
                f"{label} quantile of the period's demand (pooled scale-free backtest errors around the point forecast, docs/demand.md); NULL for analogues.",
                unit="units",
            )
            for name, label in (
                ("q025", "2.5%"),
                ("q05", "5%"),
                ("q10", "10%"),
                ("q25", "25%"),
                ("q50", "50%"),
                ("q75", "75%"),
                ("q90", "90%"),
                ("q95", "95%"),
                ("q975", "97.5%"),
            )
        ),
        Column(
            "target",
            "VARCHAR",
            "What the forecast counts: units, or revenue when the warehouse's sales have revenue but no units (then every amount of the row is revenue in `currency`, not units).",
        ),
        Column("currency", "VARCHAR", "ISO 4217 currency of a revenue forecast; NULL for units."),
    ),
)

FORECAST_TOTALS = Table(
    "forecast_totals",
    "Demand over the whole forecast horizon per series (e.g. 26 weeks / 6 months): the mean and quantiles of the total, from sample paths that resample whole backtest error windows (so the dependence between periods is the observed one).",
    owner="demand",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id.", nullable=False),
        Column("unique_id", "VARCHAR", "Series id (see forecasts.unique_id).", nullable=False),
        Column("level", "VARCHAR", "Aggregation level.", nullable=False),
        Column("freq", "VARCHAR", "W | M | D.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id for product levels, else NULL."),
        Column("category", "VARCHAR", "Category id for the category level, else NULL."),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 market, ALL for product totals."),
        Column("periods", "INTEGER", "Periods summed (the forecast horizon).", unit="periods"),
        Column("first_period", "DATE", "First period of the horizon."),
        Column("last_period", "DATE", "Last period of the horizon."),
        Column("mean", "DOUBLE", "Expected total units (sum of forecasts.mean).", unit="units"),
        *(
            Column(name, "DOUBLE", f"{label} quantile of the horizon total.", unit="units")
            for name, label in (
                ("q05", "5%"),
                ("q10", "10%"),
                ("q25", "25%"),
                ("q50", "50%"),
                ("q75", "75%"),
                ("q90", "90%"),
                ("q95", "95%"),
            )
        ),
        Column(
            "target",
            "VARCHAR",
            "What the forecast counts: units, or revenue when the warehouse's sales have revenue but no units (then every amount of the row is revenue in `currency`, not units).",
        ),
        Column("currency", "VARCHAR", "ISO 4217 currency of a revenue forecast; NULL for units."),
    ),
)

FORECAST_SERIES = Table(
    "forecast_series",
    "One row per forecast series: its Syntetos-Boylan class, history length and the model chosen for it.",
    owner="demand",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id.", nullable=False),
        Column("unique_id", "VARCHAR", "Series id (see forecasts.unique_id).", nullable=False),
        Column("level", "VARCHAR", "Aggregation level.", nullable=False),
        Column("freq", "VARCHAR", "W | M | D.", nullable=False),
        Column("n_obs", "INTEGER", "Periods of history (from the first sale, zero-filled).", unit="periods"),
        Column("n_nonzero", "INTEGER", "Periods with positive net demand.", unit="periods"),
        Column("total", "DOUBLE", "Total net units in the history.", unit="units"),
        Column(
            "adi",
            "DOUBLE",
            "Average inter-demand interval = n_obs / n_nonzero (Syntetos-Boylan).",
            unit="periods",
        ),
        Column("cv2", "DOUBLE", "Squared coefficient of variation of non-zero demand sizes."),
        Column(
            "demand_class",
            "VARCHAR",
            "smooth | erratic | intermittent | lumpy (cut-offs ADI 1.32, CV2 0.49) | all_zero.",
        ),
        Column("length_class", "VARCHAR", "too_short (< 4 periods) | short (< 2 seasons) | long."),
        Column(
            "cv_horizon",
            "INTEGER",
            "Horizon of the rolling-origin backtest used for the choice (0 = too short to backtest).",
            unit="periods",
        ),
        Column("model", "VARCHAR", "Model chosen for the series."),
        Column("reason", "VARCHAR", "Why that model (lowest backtest MAE, too short, all zero)."),
    ),
)

FORECAST_ACCURACY = Table(
    "forecast_accuracy",
    "Backtest accuracy on the last rolling origin, per series (unique_id) and overall (unique_id = '__overall__'), for the chosen forecasts (model Chosen, picked on earlier origins only) and every model incl. Naive, SeasonalNaive and AutoETS alone.",
    owner="demand",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id.", nullable=False),
        Column("unique_id", "VARCHAR", "Series id, or __overall__ for the whole level.", nullable=False),
        Column("level", "VARCHAR", "Aggregation level.", nullable=False),
        Column("freq", "VARCHAR", "W | M | D.", nullable=False),
        Column("model", "VARCHAR", "Chosen (the per-series choice) or a model name.", nullable=False),
        Column("n", "INTEGER", "Backtest points (per series) or series (overall)."),
        Column(
            "mase",
            "DOUBLE",
            "Mean absolute scaled error (scale: in-sample naive MAE, Hyndman & Koehler 2006); overall = mean over series with a non-zero scale.",
        ),
        Column(
            "wape",
            "DOUBLE",
            "Weighted absolute percentage error = sum|error| / sum|actual| (overall: pooled).",
            unit="fraction",
        ),
        Column(
            "bias",
            "DOUBLE",
            "sum(forecast - actual) / sum|actual|; positive = over-forecast.",
            unit="fraction",
        ),
        Column("coverage_80", "DOUBLE", "Share of actuals inside the 80% interval.", unit="fraction"),
        Column("coverage_95", "DOUBLE", "Share of actuals inside the 95% interval.", unit="fraction"),
        Column(
            "bias_mean",
            "DOUBLE",
            "sum(mean - actual) / sum|actual| of forecasts.mean, the quantity for totals (= bias for single models).",
            unit="fraction",
        ),
        Column(
            "wql",
            "DOUBLE",
            "Weighted quantile (pinball) loss of the 2.5/10/50/90/97.5% forecasts (lo_95, lo_80, point, hi_80, hi_95): sum of 2 x pinball / sum|actual|, mean over the 5 levels; lower is better, equals WAPE at the median alone.",
            unit="fraction",
        ),
    ),
)

TREND_SIGNALS = Table(
    "trend_signals",
    "Readable demand and search-interest signals per series: growth, year over year, acceleration, changepoints, seasonality strength, peak month.",
    owner="demand",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id.", nullable=False),
        Column(
            "unique_id",
            "VARCHAR",
            "Series id (see forecasts.unique_id); search series are search:<keyword>|<market>.",
            nullable=False,
        ),
        Column(
            "level", "VARCHAR", "Aggregation level, or search for search-interest series.", nullable=False
        ),
        Column("freq", "VARCHAR", "W | M | D.", nullable=False),
        Column(
            "signal",
            "VARCHAR",
            "growth_<k> (last k periods vs the k before) | yoy | acceleration | changepoint | seasonality_strength | peak_month | search_lead (search interest in a keyword covering the product leads its sales).",
            nullable=False,
        ),
        Column(
            "value",
            "DOUBLE",
            "Growth and yoy as fractions (0.37 = +37%); acceleration in growth points; changepoint = level change after vs before; strength 0-1; peak_month 1-12; search_lead = periods search leads sales by (0 = same period).",
        ),
        Column("since", "DATE", "First period after a changepoint."),
        Column("text_en", "VARCHAR", "The signal as an English sentence."),
        Column("text_zh", "VARCHAR", "The signal in Simplified Chinese."),
        Column(
            "message",
            "JSON",
            'The signal as a message of the [demand] catalogue: {"code": "demand.<key>", "args": {...}}; text_en and text_zh are rendered from it.',
            message=True,
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    FORECASTS,
    FORECAST_SERIES,
    FORECAST_ACCURACY,
    TREND_SIGNALS,
    FORECAST_TOTALS,
)
