"""One settings object: environment variable > config file > default, and where each value came from.

The config file is TOML, looked up at ``$XBORDER_CONFIG``, then ``./xborder.toml``, then
``~/.config/xborder/config.toml``. Keys are the field names below (``db_path = "..."``);
environment variables are ``XBORDER_`` + the upper-case field name (``XBORDER_DB_PATH``;
``XBORDER_DB`` is accepted for the database path).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from xborder.core.errors import BadInputError

__all__ = ["Settings", "get_settings"]


@dataclass
class Settings:
    """Practice defaults and paths. Ask :meth:`source_of` where a value came from."""

    db_path: str = "xborder.duckdb"
    """DuckDB warehouse file."""
    report_dir: str = "xborder-report"
    """Where reports and ``*.rejected.csv`` files are written."""
    pseudonym_key_file: str = "~/.config/xborder/pseudonym.key"
    """Key file of warehouses made before keys were stored with the warehouse: adopted once by such a warehouse
    (new warehouses get their own random key, table ``pseudonym_key``)."""
    pseudonym_key: str = ""
    """A key for a new warehouse (instead of a random one); must match the key a warehouse already holds."""
    forecast_horizon_weeks: int = 26
    forecast_horizon_months: int = 6
    forecast_levels: tuple[int, ...] = (80, 95)
    service_level: float = 0.95
    """Inventory: target service of stock plans — a cycle service level (no stock-out in a replenishment cycle)
    unless the inventory stage is told ``service_measure=fill_rate``."""
    target_margin: float = 0.25
    """The seller's target margin on net revenue (0.25 = 25%): the landed-cost target price and the selection's
    default margin gate. Was 0.30 until issue 14; 25% is a common planning margin for marketplace resellers
    after landed cost and fees (a practice default, not a law: set your own)."""
    estimated_cost_share: float = 0.35
    """Landed cost: unit cost assumed as this share of the observed home-market price when no supplier quote
    exists (rule of thumb for imported consumer goods sold at about 3x factory cost; rows are marked estimated)."""
    fx_max_age_days: int = 7
    """Answers whose FX rates are older than this many days say so (update with ``xborder fx update FILE``)."""
    default_origin: str = "CN"
    rfm_recent_min_score: int = 3
    """Customers: R score (1-5, 5 = most recent) from which a customer counts as recent (high value or
    potential rather than at risk or lost)."""
    rfm_valuable_min_score: float = 3.5
    """Customers: mean of the F and M scores (1-5) from which a customer counts as valuable (high value or at
    risk rather than potential or lost)."""
    slow_mover_days: tuple[int, ...] = (30, 60, 90)
    """Inventory: a SKU with stock and no sale for this many days is a slow mover (an alert per threshold)."""
    baseline_safety_days: int = 15
    """Inventory baseline (the seller-ERP rule): reorder when stock + inbound covers fewer than lead time + this
    many days of average daily sales."""
    baseline_order_days: int = 30
    """Inventory baseline: order this many days of average daily sales (then MOQ and case rounding)."""
    review_days: int = 7
    """Inventory: days between stock reviews (plans cover lead time + review period)."""
    holding_cost_rate: float = 0.25
    """Inventory: yearly holding cost as a share of landed cost (capital, storage, shrinkage; 20-30% is usual)."""
    order_cost_usd: float = 50.0
    """Inventory: fixed cost of placing one purchase order (USD; converted at the ECB rate), for the EOQ."""
    max_cover_days: int = 90
    """Inventory: an order covers at most this many days of demand (FBA charges aged stock from 181 days)."""
    max_stock_months: float = 6.0
    """Inventory: a plan whose average stock would exceed this many months of its own expected demand is capped
    there (reorder point lowered, the service it then reaches stated), or marked make-to-order (stock nothing; buy
    when a customer orders) where the order quantity alone (MOQ) or the pair's typical sale already exceeds the
    capped stock (FBA charges aged stock from 181 days). 0: no cap."""
    production_lead_time_days: int = 20
    """Inventory: production lead time when no supplier quote gives one."""
    production_lead_time_cv: float = 0.2
    """Inventory: coefficient of variation of the production lead time (no delivery history yet)."""
    inbound_days: int = 7
    """Inventory: days from arrival in the market to sellable stock (clearance, drayage, FBA receiving)."""
    selection_profile: str = "balanced"
    home_markets: str = ""
    """The seller's home market(s), ISO2 separated by commas ("GB" or "GB,IE"): shown apart as the baseline, never
    ranked among the foreign opportunities. Empty: inferred as the market with the most sales revenue."""
    missing_factor_quantile: float = 0.25
    """Selection: a factor value missing for one candidate is scored at this quantile of the normalised values of
    the candidates that have it (0.25 = as if it were worse than three quarters of them), never a neutral 0.5."""
    launch_cost: float = 500.0
    """One-off cost of opening a new market for a product (listing, translation, photos, first advertising), in
    ``launch_cost_currency``; subtracted from the expected 6-month gross profit of a pair not sold there yet.
    A practice default, not a law: set your own."""
    launch_cost_currency: str = "USD"
    max_markets_per_product: int = 3
    """Diversification of the ranked top: at most this many markets per product (or niche) in the first
    ``diversify_top`` ranks; further markets of the product move down after them."""
    max_per_category: int = 10
    """Diversification: at most this many candidates of one category in the first ``diversify_top`` ranks."""
    diversify_top: int = 50
    """How many top ranks the diversification caps apply to (0 = no diversification)."""
    replenishment_months: float = 3.0
    """Landed cost: a consignment holds the expected demand of this many months (one replenishment cycle, or the
    supplier's MOQ when larger). A quarterly sea-freight replenishment is a practice default, not a law."""
    sales_channels: str = ""
    """Landed cost: how you sell in each market, ``MARKET=CHANNEL`` pairs (``*`` = every market), channels
    marketplace | marketplace_mfn | own_shop | b2b_wholesale, e.g. "DE=marketplace,*=own_shop". Empty: inferred
    (b2b_wholesale when the median order holds ``wholesale_order_units`` or more, else the market's marketplace)."""
    wholesale_order_units: float = 24.0
    """Landed cost: a median order of at least this many units marks the sales history as wholesale (B2B)."""
    max_upload_mb: int = 200
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated, e.g. ``127.0.0.1`` or ``10.0.0.0/8``) of reverse proxies whose
    X-Forwarded-For / X-Forwarded-Proto headers ``xborder serve`` believes; empty: none (the socket peer counts)."""
    erasure_deadline_hours: int = 48
    """Privacy: hours from receiving an erasure request to its deadline (the team's own target; the laws allow
    longer: GDPR Art. 12(3) one month, CCPA 45 days)."""
    retention_personal_days: int = 0
    """Privacy: ``xborder privacy retain`` unlinks customer keys from orders and reviews older than this many days
    (0: keep; the Amazon rule below applies on its own)."""
    retention_amazon_days: int = 30
    """Privacy: ``xborder privacy retain`` unlinks the buyer key of order lines sold on an Amazon marketplace
    (``marketplace_id`` ``amazon.*``) this many days after the order (Amazon's Data Protection Policy: buyer data
    deleted within 30 days of delivery; the order date comes first, so counting from it is on the safe side);
    0: off."""
    breach_notify_hours: int = 72
    """Privacy: hours from detecting a personal-data breach to notifying the authority (GDPR Art. 33)."""
    ledger_signing_key_dir: str = ""
    """Ledger: folder of the ledger's Ed25519 signing key (as ``xborder ledger key create --key-dir``); when set,
    every append (ingest, stages, ``batch add``, reseal) signs the tree head of each batch it touched, in the
    same transaction. Empty: heads are signed on command (``xborder ledger sign``)."""
    # --- finance and risk (issue 18) ---
    price_ladder_margins_pct: tuple[int, ...] = (20, 30, 40)
    """Finance: target margins (percent of net revenue) of the price-ladder rungs."""
    fx_hedge_threshold: float = 0.15
    """Finance/risk: a currency move (over a year, or 90 days for the warning) beyond which a hedge is suggested."""
    supplier_payment_days: float = 30.0
    """Finance: days from receiving goods to paying the supplier (DPO of the cash conversion cycle)."""
    cash_opening_balance: float | None = None
    cash_floor: float = 0.0
    cash_currency: str | None = None
    """Finance, 13-week cash flow: cash on hand at its start (None: not known, the flow starts at 0 and says so),
    the floor it must not go below, and the currency it is kept in (None: the currency of most of the sales
    revenue in the warehouse, else USD; docs/finance.md)."""
    supplier_deposit_share: float = 0.30
    payout_cycle_days: int = 14
    payout_reserve_days: int = 7
    vat_settlement_days: int = 45
    cash_ad_share_of_sales: float = 0.10
    """Finance, 13-week cash flow: deposit paid at order (balance at supplier_payment_days), marketplace payout
    cycle and the days of sales it holds back, days from a sale/import to the VAT return that settles it, and the
    advertising share of planned sales when the warehouse has no ad history."""
    cash_refund_rate: float = 0.05
    cash_refund_days: int = 21
    cash_storage_usd_per_cubic_foot_month: float = 0.78
    cash_storage_peak_usd_per_cubic_foot_month: float = 2.40
    """Finance, 13-week cash flow: share of planned sales refunded (taken back this many days after the sale) and
    the monthly storage per cubic foot of stock (off-peak, October-December), Amazon US FBA standard-size rates
    of 2026 (docs/finance.md gives the sources)."""
    max_ad_share_of_sales: float = 0.15
    max_acos_over_break_even: float = 0.0
    max_acos: float = 0.30
    max_refund_rate: float = 0.05
    max_fee_share_of_sales: float = 0.35
    max_storage_share_of_sales: float = 0.03
    max_payout_reserve_share: float = 0.10
    max_days_of_inventory: float = 90.0
    max_dso_days: float = 21.0
    max_cash_conversion_cycle: float = 60.0
    max_logistics_share_of_price: float = 0.18
    min_margin_pct: float = 0.15
    min_margin_erosion: float = -0.05
    max_single_country_supply_share: float = 0.30
    max_fx_move_90d: float = 0.15
    min_hedge_cover: float = 0.5
    max_refund_rate_trend: float = 0.02
    max_payout_gap_days: float = 14.0
    min_stock_cover_days: float = 30.0
    max_aged_stock_share: float = 0.10
    max_supplier_concentration: float = 0.50
    max_fx_open_exposure_share: float = 0.50
    """Warning-indicator thresholds (docs/finance.md gives each formula); ``max_`` warns above, ``min_`` below."""
    stress_draws: int = 2000
    stress_freight_max: float = 3.0
    stress_fx_min: float = -0.30
    stress_duty_max: float = 0.10
    stress_demand_min: float = 0.5
    stress_fee_max: float = 0.20
    stress_delay_max_weeks: float = 8.0
    stress_horizon_weeks: float = 26.0
    stress_salvage: float = 0.3
    stress_beta_a: float = 1.0
    stress_beta_b: float = 4.0
    stress_freight_delay_correlation: float = 0.5
    """Stress tests: each driver moves from no shock towards its extreme by a Beta(a, b) share (mean a/(a+b));
    unsold units are recovered at ``stress_salvage`` of their landed cost (docs/risk.md)."""
    risk_change_years: float = 5.0
    """Risk: years of the rule base counted for rule-change rates."""
    risk_alert_horizon_days: int = 365
    risk_prior_logistics: float = 0.30
    risk_prior_demand: float = 0.25
    risk_prior_supply: float = 0.15
    risk_prior_ip_brand: float = 0.05
    risk_prior_data: float = 0.50
    risk_l1_share: float = 0.5
    risk_l2_share: float = 0.2
    risk_l3_share: float = 0.05
    risk_response_hours: tuple[int, ...] = (2, 24, 48, 72)
    """Risk: priors where no history exists (data: the chance an estimated cost, size or rule misses by its band,
    applied only to plans that rest on estimates); response level by priority / base plan profit (L1 >= l1_share ...);
    response deadlines of L1..L4 in hours."""
    # --- launch: projects from pick to launch (issue 20) ---
    launch_spec_days: float = 14.0
    """Launch: planned days to write a project's specification (``xborder projects new --spec-days``)."""
    launch_pilot_days: float = 30.0
    """Launch: planned days of the pilot batch before launch (``--pilot-days``)."""
    launch_window_months: int = 6
    """Launch: months after launch over which a project is judged (the frozen 6-month forecast is pro-rated to
    it); the issue's example criterion is "within 6 months"."""
    launch_refit_min_projects: int = 30
    """Launch: fewest judged projects with frozen factors before ``xborder projects refit`` fits weights on them
    (fewer: it says how many there are and fits nothing)."""
    _sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def source_of(self, name: str) -> str:
        """Where the value of ``name`` came from: 'default', 'config:<path>' or 'env:<VAR>'."""
        return self._sources.get(name, "default")


_ENV_ALIASES = {"db_path": ("XBORDER_DB",)}


def _config_path() -> Path | None:
    for cand in (os.environ.get("XBORDER_CONFIG"), "xborder.toml", "~/.config/xborder/config.toml"):
        if cand:
            p = Path(cand).expanduser()
            if p.is_file():
                return p
    return None


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            items = value if isinstance(value, list | tuple) else str(value).split(",")
            return tuple(int(x) for x in items)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise BadInputError(
            f"Setting '{name}' must look like {default!r}; got {value!r}.",
            hint="Fix it in the environment variable or config file it came from.",
        ) from exc


def get_settings(**overrides: Any) -> Settings:
    """Build settings: explicit overrides (CLI options) > environment > config file > defaults."""
    s = Settings()
    cfg_path = _config_path()
    cfg: dict[str, Any] = {}
    if cfg_path is not None:
        try:
            cfg = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BadInputError(f"Config file {cfg_path} is not valid TOML: {exc}") from exc
        cfg = cfg.get("xborder", cfg)
    for f in fields(Settings):
        if f.name.startswith("_"):
            continue
        default = getattr(s, f.name)
        if f.name in cfg:
            setattr(s, f.name, _coerce(f.name, cfg[f.name], default))
            s._sources[f.name] = f"config:{cfg_path}"
        for var in (f"XBORDER_{f.name.upper()}", *_ENV_ALIASES.get(f.name, ())):
            if var in os.environ:
                setattr(s, f.name, _coerce(f.name, os.environ[var], default))
                s._sources[f.name] = f"env:{var}"
                break
        if overrides.get(f.name) is not None:
            setattr(s, f.name, _coerce(f.name, overrides[f.name], default))
            s._sources[f.name] = "option"
    return s
