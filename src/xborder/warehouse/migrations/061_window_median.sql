-- WindowMedian joins the default model set (demand/median.py): median of the last 13 weeks / 3 months / 28 days.
COMMENT ON COLUMN forecasts.model IS 'Model that produced the row (AutoETS, DynamicOptimizedTheta, CrostonSBA, ADIDA, IMAPA, TSB, WindowMedian, SeasonalNaive, Naive, Ensemble, Mean(A+B...) combinations, Zero, Analogue).';
