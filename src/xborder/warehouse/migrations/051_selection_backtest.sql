-- Walk-forward backtest of the selection score, run by the pipeline after selection (one row per cutoff, k, method).
CREATE TABLE selection_backtest (
    run_id VARCHAR NOT NULL,
    cutoff VARCHAR NOT NULL,
    candidates INTEGER,
    k INTEGER NOT NULL,
    method VARCHAR NOT NULL,
    success DOUBLE,
    success_lo95 DOUBLE,
    success_hi95 DOUBLE,
    revenue_next DOUBLE,
    weights JSON
);
COMMENT ON TABLE selection_backtest IS 'Backtested selection success rate: at each past cutoff the top-k picks of each method, and the share that grew faster than the median candidate over the next 6 months (xborder.selection.backtest).';
COMMENT ON COLUMN selection_backtest.run_id IS 'runs.run_id of the pipeline run.';
COMMENT ON COLUMN selection_backtest.cutoff IS 'Month (YYYY-MM) the picks were made at, using only data before it.';
COMMENT ON COLUMN selection_backtest.candidates IS 'Product × market candidates at the cutoff (enough units sold in the 6 months before).';
COMMENT ON COLUMN selection_backtest.k IS 'How many top picks were evaluated.';
COMMENT ON COLUMN selection_backtest.method IS 'xborder (the selection score, weights calibrated on earlier cutoffs) | best_sellers | momentum | random.';
COMMENT ON COLUMN selection_backtest.success IS 'Share of the k picks whose 6-month growth beat the median candidate (0-1).';
COMMENT ON COLUMN selection_backtest.success_lo95 IS 'Random picks only: 2.5% quantile of the success share over 2,000 draws.';
COMMENT ON COLUMN selection_backtest.success_hi95 IS 'Random picks only: 97.5% quantile of the success share over 2,000 draws.';
COMMENT ON COLUMN selection_backtest.revenue_next IS 'Revenue of the k picks in the 6 months after the cutoff (currency of the order lines).';
COMMENT ON COLUMN selection_backtest.weights IS 'Factor weights the xborder score used at this cutoff, as JSON.';
