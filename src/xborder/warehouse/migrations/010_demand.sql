-- Demand engine outputs: forecasts, their backtest accuracy, per-series choices and trend signals.
CREATE TABLE forecasts (
    run_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    product_id VARCHAR,
    category VARCHAR,
    market VARCHAR,
    ds DATE NOT NULL,
    model VARCHAR NOT NULL,
    point DOUBLE,
    lo_80 DOUBLE,
    hi_80 DOUBLE,
    lo_95 DOUBLE,
    hi_95 DOUBLE,
    kind VARCHAR NOT NULL,
    basis VARCHAR
);
COMMENT ON TABLE forecasts IS 'Future demand per series and period from the model chosen per series (kind forecast) or from analogues for products not yet sold in a market (kind analogue).';
COMMENT ON COLUMN forecasts.run_id IS 'runs.run_id of the forecast run.';
COMMENT ON COLUMN forecasts.unique_id IS 'Series id (CONTRIBUTING.md): <product_id>|<market>, cat:<category>|<market>, total|<market>, <product_id>|ALL.';
COMMENT ON COLUMN forecasts.level IS 'product_market | category_market | market_total | product_total.';
COMMENT ON COLUMN forecasts.freq IS 'W (weeks starting Monday) | M (calendar months) | D.';
COMMENT ON COLUMN forecasts.product_id IS 'products.product_id for product levels, else NULL.';
COMMENT ON COLUMN forecasts.category IS 'Category id for the category level, else NULL.';
COMMENT ON COLUMN forecasts.market IS 'ISO 3166-1 alpha-2 market, ALL for product totals.';
COMMENT ON COLUMN forecasts.ds IS 'First day of the forecast period.';
COMMENT ON COLUMN forecasts.model IS 'Model that produced the row (AutoETS, DynamicOptimizedTheta, CrostonSBA, ADIDA, IMAPA, TSB, SeasonalNaive, Naive, Ensemble, Zero, Analogue).';
COMMENT ON COLUMN forecasts.point IS 'Point forecast, units per period (>= 0).';
COMMENT ON COLUMN forecasts.lo_80 IS 'Lower bound of the 80% prediction interval (native or split-conformal), units.';
COMMENT ON COLUMN forecasts.hi_80 IS 'Upper bound of the 80% prediction interval, units.';
COMMENT ON COLUMN forecasts.lo_95 IS 'Lower bound of the 95% prediction interval, units.';
COMMENT ON COLUMN forecasts.hi_95 IS 'Upper bound of the 95% prediction interval, units.';
COMMENT ON COLUMN forecasts.kind IS 'forecast (from the series own history) | analogue (pre-launch estimate from similar markets; wide intervals).';
COMMENT ON COLUMN forecasts.basis IS 'For analogues: what the estimate was built from.';

CREATE TABLE forecast_series (
    run_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    n_obs INTEGER,
    n_nonzero INTEGER,
    total DOUBLE,
    adi DOUBLE,
    cv2 DOUBLE,
    demand_class VARCHAR,
    length_class VARCHAR,
    cv_horizon INTEGER,
    model VARCHAR,
    reason VARCHAR
);
COMMENT ON TABLE forecast_series IS 'One row per forecast series: its Syntetos-Boylan class, history length and the model chosen for it.';
COMMENT ON COLUMN forecast_series.run_id IS 'runs.run_id.';
COMMENT ON COLUMN forecast_series.unique_id IS 'Series id (see forecasts.unique_id).';
COMMENT ON COLUMN forecast_series.level IS 'Aggregation level.';
COMMENT ON COLUMN forecast_series.freq IS 'W | M | D.';
COMMENT ON COLUMN forecast_series.n_obs IS 'Periods of history (from the first sale, zero-filled).';
COMMENT ON COLUMN forecast_series.n_nonzero IS 'Periods with positive net demand.';
COMMENT ON COLUMN forecast_series.total IS 'Total net units in the history.';
COMMENT ON COLUMN forecast_series.adi IS 'Average inter-demand interval = n_obs / n_nonzero (Syntetos-Boylan).';
COMMENT ON COLUMN forecast_series.cv2 IS 'Squared coefficient of variation of non-zero demand sizes.';
COMMENT ON COLUMN forecast_series.demand_class IS 'smooth | erratic | intermittent | lumpy (cut-offs ADI 1.32, CV2 0.49) | all_zero.';
COMMENT ON COLUMN forecast_series.length_class IS 'too_short (< 4 periods) | short (< 2 seasons) | long.';
COMMENT ON COLUMN forecast_series.cv_horizon IS 'Horizon of the rolling-origin backtest used for the choice (0 = too short to backtest).';
COMMENT ON COLUMN forecast_series.model IS 'Model chosen for the series.';
COMMENT ON COLUMN forecast_series.reason IS 'Why that model (lowest backtest MAE, too short, all zero).';

CREATE TABLE forecast_accuracy (
    run_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    n INTEGER,
    mase DOUBLE,
    wape DOUBLE,
    bias DOUBLE,
    coverage_80 DOUBLE,
    coverage_95 DOUBLE
);
COMMENT ON TABLE forecast_accuracy IS 'Backtest accuracy on the last rolling origin, per series (unique_id) and overall (unique_id = ''__overall__''), for the chosen forecasts (model Chosen, picked on earlier origins only) and every model incl. Naive, SeasonalNaive and AutoETS alone.';
COMMENT ON COLUMN forecast_accuracy.run_id IS 'runs.run_id.';
COMMENT ON COLUMN forecast_accuracy.unique_id IS 'Series id, or __overall__ for the whole level.';
COMMENT ON COLUMN forecast_accuracy.level IS 'Aggregation level.';
COMMENT ON COLUMN forecast_accuracy.freq IS 'W | M | D.';
COMMENT ON COLUMN forecast_accuracy.model IS 'Chosen (the per-series choice) or a model name.';
COMMENT ON COLUMN forecast_accuracy.n IS 'Backtest points (per series) or series (overall).';
COMMENT ON COLUMN forecast_accuracy.mase IS 'Mean absolute scaled error (scale: in-sample naive MAE, Hyndman & Koehler 2006); overall = mean over series with a non-zero scale.';
COMMENT ON COLUMN forecast_accuracy.wape IS 'Weighted absolute percentage error = sum|error| / sum|actual| (overall: pooled).';
COMMENT ON COLUMN forecast_accuracy.bias IS 'sum(forecast - actual) / sum|actual|; positive = over-forecast.';
COMMENT ON COLUMN forecast_accuracy.coverage_80 IS 'Share of actuals inside the 80% interval.';
COMMENT ON COLUMN forecast_accuracy.coverage_95 IS 'Share of actuals inside the 95% interval.';

CREATE TABLE trend_signals (
    run_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    signal VARCHAR NOT NULL,
    value DOUBLE,
    since DATE,
    text_en VARCHAR,
    text_zh VARCHAR
);
COMMENT ON TABLE trend_signals IS 'Readable demand and search-interest signals per series: growth, year over year, acceleration, changepoints, seasonality strength, peak month.';
COMMENT ON COLUMN trend_signals.run_id IS 'runs.run_id.';
COMMENT ON COLUMN trend_signals.unique_id IS 'Series id (see forecasts.unique_id); search series are search:<keyword>|<market>.';
COMMENT ON COLUMN trend_signals.level IS 'Aggregation level, or search for search-interest series.';
COMMENT ON COLUMN trend_signals.freq IS 'W | M | D.';
COMMENT ON COLUMN trend_signals.signal IS 'growth_<k> (last k periods vs the k before) | yoy | acceleration | changepoint | seasonality_strength | peak_month.';
COMMENT ON COLUMN trend_signals.value IS 'Growth and yoy as fractions (0.37 = +37%); acceleration in growth points; changepoint = level change after vs before; strength 0-1; peak_month 1-12.';
COMMENT ON COLUMN trend_signals.since IS 'First period after a changepoint.';
COMMENT ON COLUMN trend_signals.text_en IS 'The signal as an English sentence.';
COMMENT ON COLUMN trend_signals.text_zh IS 'The signal in Simplified Chinese.';
