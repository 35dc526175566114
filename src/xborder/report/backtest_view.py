"""The report's backtest section: how the shown list would have done at past cutoffs, against baselines."""

from __future__ import annotations

from typing import Any

from xborder.report.messages import Translator

__all__ = ["backtest_context"]


def _num0(v: Any) -> str:
    """A money or unit amount, rounded, with thousands separators ("" when unknown)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    return "" if f != f else f"{f:,.0f}"


def _pct(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    return "" if f != f else f"{f:.0%}"


def backtest_context(bt: dict[str, Any] | None, tr: Translator) -> dict[str, Any]:
    """The backtest tables and headlines as the template shows them; empty when the run has no backtest."""
    backtest: dict[str, Any] = {}
    if bt:
        pv = bt["pivot"]
        backtest["table"] = {
            "head": [tr("method")] + [str(c) if c != "mean" else tr("mean") for c in pv.columns[1:]],
            "rows": [
                [tr(f"method_{r[0]}") if f"method_{r[0]}" in tr.keys else r[0]]
                + [f"{v:.0%}" if v == v else "" for v in r[1:]]
                for r in pv.itertuples(index=False)
            ],
        }
        mean = bt["mean"]
        money = bt.get("money")
        if money is not None and len(money) and "revenue_next" in money:
            cur = bt.get("currency") or ""
            exp = "units_expected" in money
            backtest["money"] = {
                "head": [tr("method")] + ([tr("bt_expected")] if exp else []) + [tr("bt_units"),
                         tr("bt_revenue", currency=cur), tr("bt_profit", currency=cur), tr("bt_profitable"),
                         tr("bt_grew")],
                "rows": [
                    [tr(f"method_{r.method}") if f"method_{r.method}" in tr.keys else r.method]
                    + ([_num0(r.units_expected)] if exp else [])
                    + [_num0(r.units_next), _num0(r.revenue_next), _num0(r.gross_profit_next),
                       _pct(r.profitable), _pct(r.grew)]
                    for r in money.itertuples(index=False)
                ],
            }  # fmt: skip
            by = money.set_index("method")
            if {"xborder", "best_sellers"} <= set(by.index):
                backtest["money_headline"] = tr(
                    "backtest_money",
                    k=bt["k"],
                    revenue=_num0(by.at["xborder", "revenue_next"]),
                    best_revenue=_num0(by.at["best_sellers", "revenue_next"]),
                    profit=_num0(by.at["xborder", "gross_profit_next"]),
                    best_profit=_num0(by.at["best_sellers", "gross_profit_next"]),
                    profitable=_pct(by.at["xborder", "profitable"]),
                    currency=cur,
                )
            if exp and "xborder" in by.index and by.at["xborder", "units_expected"] > 0:
                ratio = by.at["xborder", "units_next"] / by.at["xborder", "units_expected"] - 1
                backtest["expected_headline"] = tr(
                    "backtest_expected",
                    k=bt["k"],
                    expected=_num0(by.at["xborder", "units_expected"]),
                    units=_num0(by.at["xborder", "units_next"]),
                    error=f"{ratio:+.0%}",
                )
        backtest["headline"] = tr(
            "backtest_headline",
            k=bt["k"],
            xborder=f"{mean.get('xborder', float('nan')):.0%}",
            best=f"{mean.get('best_sellers', float('nan')):.0%}",
            random=f"{mean.get('random', float('nan')):.0%}",
            lo=f"{bt['random_lo'] or 0:.0%}",
            hi=f"{bt['random_hi'] or 0:.0%}",
            n=bt["candidates"],
            cutoffs=len(pv.columns) - 2,
        )
    return backtest
