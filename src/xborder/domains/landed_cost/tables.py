"""The tables the landed_cost stage writes, declared once (columns, types, units, meaning)."""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = ["LANDED_COSTS", "TABLES"]

LANDED_COSTS = Table(
    "landed_costs",
    "Landed cost and unit economics of a product sold in a market via a shipping mode, as of a date, with the rules used (one row per run x product x market x mode).",
    owner="landed_cost",
    columns=(
        Column("run_id", "VARCHAR", "runs.run_id of the run that computed the row.", nullable=False),
        Column("product_id", "VARCHAR", "products.product_id.", nullable=False),
        Column("market", "VARCHAR", "ISO 3166-1 alpha-2 target market.", nullable=False),
        Column("mode", "VARCHAR", "Shipping mode: sea_fcl | sea_lcl | air | express | rail.", nullable=False),
        Column("as_of", "DATE", "Date whose rules and FX rates were used.", nullable=False),
        Column(
            "currency",
            "VARCHAR",
            "ISO 4217 currency of every money column in the row (the market's currency).",
            nullable=False,
        ),
        Column(
            "units",
            "DOUBLE",
            "Units in the consignment (per-shipment minimums are divided by it).",
            unit="units",
        ),
        Column(
            "price",
            "DOUBLE",
            "Selling price per unit in the market (VAT-inclusive where prices include VAT).",
            unit="currency",
        ),
        Column(
            "price_source",
            "VARCHAR",
            "Where the price came from: observed (median sold price converted) or given.",
        ),
        Column(
            "unit_cost",
            "DOUBLE",
            "Purchase cost per unit (ex works/FOB) in the market currency.",
            unit="currency",
        ),
        Column(
            "unit_cost_estimated",
            "BOOLEAN",
            "TRUE when unit cost is the settings-defined share of the observed home price (no supplier quote).",
        ),
        Column("dims_estimated", "BOOLEAN", "TRUE when weight/dimensions came from category_defaults.csv."),
        Column("goods_cost", "DOUBLE", "Unit cost plus packaging per unit.", unit="currency"),
        Column(
            "freight",
            "DOUBLE",
            "International freight per unit (chargeable weight, per-shipment minimums and charges allocated).",
            unit="currency",
        ),
        Column("insurance", "DOUBLE", "Cargo insurance per unit.", unit="currency"),
        Column(
            "customs_value",
            "DOUBLE",
            "Customs value per unit on the market's basis (CIF or FOB).",
            unit="currency",
        ),
        Column(
            "duty", "DOUBLE", "Customs duty per unit (MFN or the low-value rule's duty).", unit="currency"
        ),
        Column(
            "additional_duty",
            "DOUBLE",
            "Additional duties per unit (US Section 301, IEEPA, Section 122 ...).",
            unit="currency",
        ),
        Column("customs_fees", "DOUBLE", "Per-entry customs fees per unit (US MPF/HMF).", unit="currency"),
        Column(
            "low_value_charges",
            "DOUBLE",
            "National per-parcel/per-item charges on low-value consignments per unit.",
            unit="currency",
        ),
        Column(
            "import_tax_cost",
            "DOUBLE",
            "Import VAT/GST or flat import tax that is a cost (not recoverable) per unit.",
            unit="currency",
        ),
        Column(
            "import_vat_recoverable",
            "DOUBLE",
            "Import VAT paid at the border and recoverable as input tax (cash flow, not cost) per unit.",
            unit="currency",
        ),
        Column(
            "landed_cost",
            "DOUBLE",
            "Goods + freight + insurance + duties + fees at the border + non-recoverable import taxes, per unit.",
            unit="currency",
        ),
        Column("referral_fee", "DOUBLE", "Marketplace referral/commission fee per unit.", unit="currency"),
        Column(
            "fulfilment_fee", "DOUBLE", "Marketplace fulfilment fee (e.g. FBA) per unit.", unit="currency"
        ),
        Column(
            "other_fees", "DOUBLE", "Payment and fixed per-order platform fees per unit.", unit="currency"
        ),
        Column(
            "output_vat",
            "DOUBLE",
            "VAT/GST contained in the price and remitted on the sale, per unit.",
            unit="currency",
        ),
        Column("net_revenue", "DOUBLE", "Price minus output VAT.", unit="currency"),
        Column(
            "unit_margin",
            "DOUBLE",
            "Net revenue minus landed cost minus marketplace fees, per unit.",
            unit="currency",
        ),
        Column("margin_pct", "DOUBLE", "Unit margin / net revenue (0.25 = 25%).", unit="fraction"),
        Column("roi", "DOUBLE", "Unit margin / landed cost.", unit="fraction"),
        Column(
            "break_even_price",
            "DOUBLE",
            "Selling price (same basis as price) at which the unit margin is zero.",
            unit="currency",
        ),
        Column(
            "target_price",
            "DOUBLE",
            "Selling price at which margin_pct reaches target_margin.",
            unit="currency",
        ),
        Column(
            "target_margin",
            "DOUBLE",
            "Target margin used for target_price (settings.target_margin unless given).",
            unit="fraction",
        ),
        Column(
            "low_value_rule",
            "VARCHAR",
            "rule_id of the low-value import rule applied to the consignment, if any.",
        ),
        Column("duty_rule", "VARCHAR", "rule_id of the duty rate used (heading row or market fallback)."),
        Column(
            "rules_used",
            "VARCHAR",
            "All rule_ids used, separated by |, to look up in the rule base (docs/rules.md).",
        ),
        Column(
            "low_confidence",
            "BOOLEAN",
            "TRUE when any rule used has confidence=low or an input was estimated.",
        ),
        Column("notes", "VARCHAR", "Short notes on estimates and modelling gaps that affect the row."),
        Column(
            "note_codes",
            "JSON",
            "The notes as message codes with their arguments ([{code, args}], catalogue landed_cost.*); notes is "
            "their English text.",
            message=True,
        ),
        Column(
            "channel",
            "VARCHAR",
            "Sales channel the fees are for: marketplace | marketplace_mfn | own_shop | b2b_wholesale.",
        ),
        Column(
            "channel_basis",
            "VARCHAR",
            "Why this channel: 'run option', 'settings' or the evidence it was inferred from.",
        ),
        Column(
            "channel_rules", "VARCHAR", "rule_ids of the channel's fees (marketplace, card or wholesale)."
        ),
        Column("freight_basis", "VARCHAR", "What the freight card charges by: kg | cbm | containers."),
        Column(
            "freight_qty",
            "DOUBLE",
            "Chargeable quantity of the row's consignment (kg, cbm or containers, per freight_basis).",
            unit="freight_basis",
        ),
        Column(
            "freight_rate",
            "DOUBLE",
            "Freight card rate per chargeable kg, cbm or container.",
            unit="currency",
        ),
        Column(
            "freight_min_charge", "DOUBLE", "Freight card minimum charge per consignment.", unit="currency"
        ),
        Column(
            "freight_fixed",
            "DOUBLE",
            "Per-shipment charges (origin + destination) per consignment, or per container.",
            unit="currency",
        ),
    ),
)

TABLES: tuple[Table, ...] = (LANDED_COSTS,)
