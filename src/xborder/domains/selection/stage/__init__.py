"""The selection domain's warehouse side: read its inputs, score, write opportunities; backtest the score."""
