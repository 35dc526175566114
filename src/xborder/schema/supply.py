"""Supply inputs ingest fills: supplier performance events, certificates and verification evidence; freight
lanes from rate sheets, container bookings and freight-index series (appended to the canonical tables).

Rows carry a key: md5 over every dimension of the row (plus its occurrence among identical rows of a file
where a repeat is a genuine second record), so re-ingesting a file is recognised as duplicates.
"""

from __future__ import annotations

from xborder.schema.table import Column, Table

__all__ = [
    "SUPPLIER_EVENTS",
    "SUPPLIER_CERTIFICATES",
    "SUPPLIER_VERIFICATIONS",
    "FREIGHT_LANES",
    "FREIGHT_BOOKINGS",
    "FREIGHT_INDEX",
    "SUPPLY_TABLES",
]

_INGEST = Column("ingest_id", "VARCHAR", "Ingest batch that wrote the row (ingest_log.ingest_id).")
_SUPPLIER = Column("supplier_id", "VARCHAR", "suppliers.supplier_id.", nullable=False)


def _key(what: str) -> Column:
    return Column(
        f"{what}_key",
        "VARCHAR",
        "md5 of every dimension of the row; duplicates are recognised by it.",
        nullable=False,
    )


SUPPLIER_EVENTS = Table(
    "supplier_events",
    "Dated supplier performance events: deliveries (promised vs actual date and quantity), inspections "
    "(defects), response times, capacity, audits, ESG incidents, capability and financial ratings "
    "(docs/suppliers.md).",
    owner="ingest",
    role="input",
    dated_by="event_date",
    columns=(
        _key("event"),
        _SUPPLIER,
        Column(
            "event_type",
            "VARCHAR",
            "delivery | inspection | response | capacity | audit | incident | capability | financial.",
            nullable=False,
        ),
        Column("event_date", "DATE", "Day of the event (a delivery: the day delivered, else promised)."),
        Column("product_id", "VARCHAR", "products.product_id the event concerns, when it says."),
        Column("order_ref", "VARCHAR", "Purchase order, shipment or inspection reference as given."),
        Column("ordered_on", "DATE", "Day the order was sent to the supplier (delivery events)."),
        Column("promised_on", "DATE", "Delivery day the supplier promised (delivery events)."),
        Column("delivered_on", "DATE", "Day actually delivered; NULL while not delivered."),
        Column("ordered_qty", "DOUBLE", "Units ordered.", unit="units"),
        Column("delivered_qty", "DOUBLE", "Units delivered.", unit="units"),
        Column("inspected_qty", "DOUBLE", "Units inspected (inspection events).", unit="units"),
        Column("defective_qty", "DOUBLE", "Units found defective (inspection events).", unit="units"),
        Column(
            "response_hours", "DOUBLE", "Hours the supplier took to answer (response events).", unit="hours"
        ),
        Column("capacity_per_month", "DOUBLE", "Production capacity (capacity events).", unit="units/month"),
        Column(
            "committed_per_month",
            "DOUBLE",
            "Of the capacity, units already committed to other orders (capacity events).",
            unit="units/month",
        ),
        Column("score", "DOUBLE", "Audit or financial score 0-100, or capability score 0-1, as given."),
        Column(
            "result",
            "VARCHAR",
            "Audit: pass | conditional | fail; capability: none | private_label | oem | odm | rnd; financial: "
            "rating as given.",
        ),
        Column("severity", "VARCHAR", "Incident severity: minor | major | critical."),
        Column("value", "DOUBLE", "Value of the delivered line (quantity x price).", unit="currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of value and freight_cost."),
        Column("freight_cost", "DOUBLE", "Freight paid for the delivery, when given.", unit="currency"),
        Column("mode", "VARCHAR", "Shipment mode as given (air, ocean, truck, ...), lower case."),
        Column("destination", "VARCHAR", "ISO 3166-1 alpha-2 country delivered to."),
        Column(
            "note", "VARCHAR", "Free text as given (an ESG incident's description, a freight-cost remark)."
        ),
        Column("source", "VARCHAR", "Layout the event came from (supplier_events, usaid_scms)."),
        _INGEST,
    ),
)

SUPPLIER_CERTIFICATES = Table(
    "supplier_certificates",
    "Certificates, test reports and declarations a supplier holds or supplied, with their validity.",
    owner="ingest",
    role="input",
    dated_by="issued_on",
    columns=(
        _key("certificate"),
        _SUPPLIER,
        Column(
            "kind",
            "VARCHAR",
            "certificate (management/social standard or product certificate) | test_report | declaration | "
            "document.",
            nullable=False,
        ),
        Column(
            "code",
            "VARCHAR",
            "Standard code (ISO9001, ISO14001, BSCI, SA8000, FSC, SMETA, ...) or the compliance rule id it "
            "covers (us_cpc, eu_red, ...; reference/data/compliance/requirements.csv).",
            nullable=False,
        ),
        Column("name", "VARCHAR", "The certificate's name as given."),
        Column(
            "product_id", "VARCHAR", "products.product_id it covers; NULL: every product of the supplier."
        ),
        Column("certificate_no", "VARCHAR", "Certificate or report number."),
        Column("issuer", "VARCHAR", "Certification body, laboratory or issuer."),
        Column("issued_on", "DATE", "Day issued."),
        Column("expires_on", "DATE", "Last day valid; NULL: no expiry given."),
        Column("source", "VARCHAR", "Layout the row came from."),
        _INGEST,
    ),
)

SUPPLIER_VERIFICATIONS = Table(
    "supplier_verifications",
    "Dated evidence of the four-part supplier verification: business registration, tax registration, bank "
    "account, legal representative.",
    owner="ingest",
    role="input",
    dated_by="verified_on",
    columns=(
        _key("verification"),
        _SUPPLIER,
        Column(
            "check_type",
            "VARCHAR",
            "business_registration | tax_registration | bank_account | legal_representative.",
            nullable=False,
        ),
        Column("status", "VARCHAR", "verified | failed | pending.", nullable=False),
        Column(
            "evidence_ref",
            "VARCHAR",
            "Evidence reference (licence, tax or account number); for the legal representative a keyed hash "
            "of what was given (never a person's raw name or id number).",
            personal=True,
        ),
        Column("verified_on", "DATE", "Day the evidence was checked."),
        Column(
            "expires_on", "DATE", "Last day the evidence holds (licence expiry, re-check due); NULL: none."
        ),
        Column("verified_by", "VARCHAR", "Who or what checked it (agent, registry, bank letter)."),
        Column("source", "VARCHAR", "Layout the row came from."),
        _INGEST,
    ),
)

FREIGHT_LANES = Table(
    "freight_lanes",
    "Freight lanes from rate sheets: one leg origin -> destination by one mode and carrier, with its rate, "
    "minimum, weight band, transit days, clearance days, reliability and chokepoints (docs/logistics.md).",
    owner="ingest",
    role="input",
    dated_by="valid_from",
    columns=(
        _key("lane"),
        Column("lane_id", "VARCHAR", "Lane id as given, else <carrier>:<origin>-<destination>:<mode>."),
        Column("carrier", "VARCHAR", "Carrier or forwarder."),
        Column("service", "VARCHAR", "Service code or level as given (DTD, CRF, express ...)."),
        Column(
            "origin",
            "VARCHAR",
            "Origin node: UN/LOCODE port or airport (CNSZX), ISO2 country, or a named place.",
            nullable=False,
        ),
        Column(
            "origin_kind",
            "VARCHAR",
            "country | port | airport | rail_terminal | hub | warehouse | place.",
        ),
        Column(
            "destination",
            "VARCHAR",
            "Destination node: UN/LOCODE, ISO2 market, or a named hub or warehouse (FBA-ONT8).",
            nullable=False,
        ),
        Column(
            "destination_kind",
            "VARCHAR",
            "country | port | airport | rail_terminal | hub | bonded | own_warehouse | 3pl_warehouse | "
            "fba_warehouse | place.",
        ),
        Column("origin_country", "VARCHAR", "ISO2 country of the origin node, when known."),
        Column("destination_country", "VARCHAR", "ISO2 country of the destination node, when known."),
        Column(
            "mode",
            "VARCHAR",
            "sea_fcl | sea_lcl | air | express | rail | truck | sea_air | bonded | clearance.",
            nullable=False,
        ),
        Column(
            "basis",
            "VARCHAR",
            "What the rate is per: kg (chargeable weight) | cbm (weight or measure) | container | shipment.",
            nullable=False,
        ),
        Column("rate", "DOUBLE", "Rate per basis unit.", unit="currency", nullable=False),
        Column("currency", "VARCHAR", "ISO 4217 currency of the money columns.", nullable=False),
        Column("min_charge", "DOUBLE", "Minimum charge per shipment.", unit="currency"),
        Column("min_kg", "DOUBLE", "Lower end of the weight band the rate applies to.", unit="kg"),
        Column("max_kg", "DOUBLE", "Upper end of the weight band (NULL: none).", unit="kg"),
        Column("divisor", "DOUBLE", "Volumetric divisor of kg rates (cm3 per kg; 6000 air, 5000 express)."),
        Column("container_cbm", "DOUBLE", "Usable volume of one container (container basis).", unit="m3"),
        Column("container_max_kg", "DOUBLE", "Payload of one container (container basis).", unit="kg"),
        Column(
            "surcharge",
            "DOUBLE",
            "Fixed charges per shipment (per container on container basis).",
            unit="currency",
        ),
        Column("transit_days_median", "DOUBLE", "Median transit time of the leg.", unit="days"),
        Column("transit_days_p90", "DOUBLE", "90th percentile transit time of the leg.", unit="days"),
        Column("clearance_days", "DOUBLE", "Customs clearance days at the destination.", unit="days"),
        Column("reliability", "DOUBLE", "Share of shipments on time (0..1).", unit="fraction"),
        Column("via", "VARCHAR", "Chokepoints the leg passes, ;-separated (suez, panama, ...)."),
        Column("index_name", "VARCHAR", "freight_index series the rate follows (SCFI, ...), when given."),
        Column("valid_from", "DATE", "First day the rate holds."),
        Column("valid_to", "DATE", "Last day the rate holds (NULL: open-ended)."),
        Column("source", "VARCHAR", "Layout the lane came from (freight_rate_sheet, brunel_freight_rates)."),
        _INGEST,
    ),
)

FREIGHT_BOOKINGS = Table(
    "freight_bookings",
    "Container bookings actually paid: one container shipment per row with its ocean freight and local "
    "charges; the logistics stage turns them into lanes (median of recent bookings per origin x destination).",
    owner="ingest",
    role="input",
    dated_by="booked_on",
    columns=(
        _key("booking"),
        Column("booked_on", "DATE", "Day on board (or booked).", nullable=False),
        Column("vessel", "VARCHAR", "Vessel and voyage, or carrier."),
        Column("origin", "VARCHAR", "UN/LOCODE of the port of loading.", nullable=False),
        Column("destination", "VARCHAR", "UN/LOCODE of the destination.", nullable=False),
        Column("container_size", "VARCHAR", "20 | 40 | 40HC (feet)."),
        Column("containers", "DOUBLE", "Containers on the booking.", unit="containers"),
        Column("rate", "DOUBLE", "Ocean freight per container.", unit="currency"),
        Column("currency", "VARCHAR", "ISO 4217 currency of rate and local_charges."),
        Column(
            "local_charges",
            "DOUBLE",
            "Terminal handling, wharfage and document fees per container, converted to currency with fx_rate.",
            unit="currency",
        ),
        Column("fx_rate", "DOUBLE", "Local currency per unit of currency on the booking, as given."),
        Column("source", "VARCHAR", "Layout the booking came from."),
        _INGEST,
    ),
)

FREIGHT_INDEX = Table(
    "freight_index",
    "Freight-index series (SCFI composite, ...): one value per index and observation day.",
    owner="ingest",
    role="input",
    primary_key=("index_name", "observed_on"),
    dated_by="observed_on",
    columns=(
        Column("index_name", "VARCHAR", "Series name (column or file name, upper case).", nullable=False),
        Column("observed_on", "DATE", "Observation day.", nullable=False),
        Column("value", "DOUBLE", "Index value (points).", unit="points", nullable=False),
        Column("source", "VARCHAR", "Layout the value came from."),
        _INGEST,
    ),
)

SUPPLY_TABLES = (
    SUPPLIER_EVENTS,
    SUPPLIER_CERTIFICATES,
    SUPPLIER_VERIFICATIONS,
    FREIGHT_LANES,
    FREIGHT_BOOKINGS,
    FREIGHT_INDEX,
)
