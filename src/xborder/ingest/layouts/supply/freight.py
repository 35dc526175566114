"""Freight inputs (kind ``freight``): rate sheets and lane tables (any forwarder's, Brunel's FreightRates),
container bookings (the Korean export bookings' columns) and freight-index series (SCFI).

Rate sheets: one lane per row — origin, destination, mode, rate and currency, with optional basis, minimum,
weight band, divisor, container size, surcharge, transit days (median and 90th percentile), clearance days,
reliability, chokepoints (``via``), freight index and validity. The mode's words (FCL, 整柜, LCL, 拼箱, air,
空运, express, 快递, rail, 中欧班列, truck, ground, sea-air, bonded, clearance ...) map to one mode; the basis
defaults to the mode's (kg for air/express/truck/sea-air, cbm for LCL, container for FCL/rail, shipment for
bonded and clearance). A rate without any currency (column, sign, or the layout's) is quarantined.
"""

from __future__ import annotations

from xborder.ingest.context import LoadContext
from xborder.ingest.layouts.base import Layout, WriteCounts, register
from xborder.ingest.layouts.common import key_sql, symbol_currency_sql, text_sql, typed_table
from xborder.ingest.layouts.supply.common import country_of, date_of, insert_keyed, number, text_field
from xborder.schema.supply import FREIGHT_BOOKINGS, FREIGHT_LANES

__all__ = ["MODES", "BASES"]

MODES = {
    "sea_fcl": ("sea_fcl", "fcl", "sea fcl", "ocean fcl", "full container", "整柜", "海运整柜"),
    "sea_lcl": ("sea_lcl", "lcl", "sea lcl", "ocean lcl", "拼箱", "海运拼箱"),
    "air": ("air", "air freight", "airfreight", "空运"),
    "express": ("express", "courier", "快递", "国际快递"),
    "rail": ("rail", "train", "railway", "铁路", "中欧班列"),
    "truck": ("truck", "road", "ground", "卡车", "陆运", "卡航"),
    "sea_air": ("sea_air", "sea-air", "sea air", "海空联运"),
    "bonded": ("bonded", "bonded warehouse", "保税", "保税仓"),
    "clearance": ("clearance", "customs", "customs clearance", "清关"),
    "sea": ("sea", "ocean", "海运"),
}  # fmt: skip
BASES = {
    "kg": ("kg", "per kg", "/kg", "kgs", "公斤"),
    "cbm": ("cbm", "m3", "per cbm", "/cbm", "立方", "方"),
    "container": ("container", "per container", "/ctr", "ctr", "teu", "feu", "柜"),
    "shipment": ("shipment", "per shipment", "票", "flat"),
}  # fmt: skip
_DEFAULT_BASIS = {"air": "kg", "express": "kg", "truck": "kg", "sea_air": "kg", "sea_lcl": "cbm", "sea_fcl": "container",
                  "rail": "container", "bonded": "shipment", "clearance": "shipment"}  # fmt: skip
_DIVISOR = {"air": 6000, "sea_air": 6000, "express": 5000}
_KINDS = ("country", "port", "airport", "rail_terminal", "hub", "bonded", "own_warehouse", "3pl_warehouse",
          "fba_warehouse", "warehouse", "place")  # fmt: skip


def _case(expr: str, words: dict[str, tuple[str, ...]]) -> str:
    arms = " ".join(
        f"WHEN lower(trim({expr})) IN ({', '.join(repr(w) for w in ws)}) THEN '{k}'"
        for k, ws in words.items()
    )
    return f"CASE {arms} END"


def _g(ctx: LoadContext, name: str, sql: str | None = None) -> str:
    return (sql or f"g.{name}") if ctx.has(name) else "NULL"


_LANE_FIELDS = (
    text_field("lane_id", "Lane ID", "Lane"),
    text_field("carrier", "Carrier", "Forwarder", "Shipping Line", "承运人", "货代"),
    text_field("service", "Service", "Service Level", "svc_cd", "服务"),
    text_field("origin", "Origin", "Origin Port", "From", "POL", "orig_port_cd", "起运港", "起运地", filled=True),
    text_field("destination", "Destination", "Destination Port", "To", "POD", "dest_port_cd", "目的港", "目的地",
               filled=True),
    text_field("origin_kind", "Origin Type", "Origin Kind"),
    text_field("destination_kind", "Destination Type", "Destination Kind", "Warehouse Type", "仓库类型"),
    text_field("origin_country", "Origin Country", "起运国"),
    text_field("destination_country", "Destination Country", "目的国"),
    text_field("mode", "Mode", "Transport Mode", "mode_dsc", "运输方式", filled=True),
    text_field("basis", "Basis", "Rate Basis", "Per", "Unit", "计费方式", "计费单位"),
    text_field("rate", "Rate", "Rate per kg", "Price", "Cost", "Freight Rate", "单价", "费率", "运价", filled=True),
    text_field("currency", "Currency", "币种"),
    text_field("min_charge", "Minimum Charge", "Min Charge", "minimum cost", "Minimum", "最低收费", "最低消费"),
    text_field("min_kg", "Min Weight", "Min Weight (kg)", "Min kg", "minm_wgh_qty", "最小重量"),
    text_field("max_kg", "Max Weight", "Max Weight (kg)", "Max kg", "max_wgh_qty", "最大重量"),
    text_field("divisor", "Divisor", "Volumetric Divisor", "材积除数"),
    text_field("container_cbm", "Container CBM", "Container Volume (cbm)"),
    text_field("container_max_kg", "Container Max kg", "Container Payload (kg)", "Payload (kg)"),
    text_field("surcharge", "Surcharge", "Surcharges", "Fixed Charges", "附加费"),
    text_field("transit", "Transit Days", "Transit Time", "Transit", "tpt_day_cnt", "时效", "运输天数", "时效(天)"),
    text_field("transit_p90", "Transit Days P90", "Transit P90", "P90 Transit Days", "时效P90"),
    text_field("clearance", "Clearance Days", "Customs Clearance Days", "清关天数"),
    text_field("reliability", "Reliability", "On-time %", "On Time Rate", "准时率"),
    text_field("via", "Via", "Chokepoints", "Route Via", "途经"),
    text_field("index_name", "Index", "Freight Index", "指数"),
    text_field("valid_from", "Valid From", "Effective Date", "Effective From", "生效日期"),
    text_field("valid_to", "Valid To", "Valid Until", "Expiry Date", "失效日期"),
    text_field("carrier_type", "Carrier type"),
)  # fmt: skip


def _lane_writer(layout: str, default_currency: str | None):  # noqa: ANN202
    def write(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
        mode0 = _case("g.mode", MODES)
        basis_given = _case("g.basis", BASES) if ctx.has("basis") else "NULL"
        given = _g(ctx, "currency", "nullif(upper(trim(g.currency)), '')")
        fallback = f"'{default_currency}'" if default_currency else str(ctx.const("currency", "NULL"))
        fallback = fallback if fallback == "NULL" or fallback.startswith("'") else f"'{fallback}'"
        rel = _g(ctx, "reliability", "g.reliability")
        cols = {
            "lane_id": _g(ctx, "lane_id", text_sql("g.lane_id")), "carrier": _g(ctx, "carrier", text_sql("g.carrier")),
            "service": _g(ctx, "service", text_sql("g.service")), "origin": "upper(trim(g.origin))",
            "destination": "upper(trim(g.destination))",
            "origin_kind": _g(ctx, "origin_kind", "lower(trim(g.origin_kind))"),
            "destination_kind": _g(ctx, "destination_kind", "replace(lower(trim(g.destination_kind)), ' ', '_')"),
            "origin_country": _g(ctx, "origin_country", country_of("g.origin_country")),
            "destination_country": _g(ctx, "destination_country", country_of("g.destination_country")),
            "mode0": mode0, "raw_mode": "g.mode", "basis_given": basis_given,
            "rate": number("g.rate"), "currency": f"coalesce({given}, {symbol_currency_sql('g.rate')}, {fallback})",
            **{c: _g(ctx, c, number(f"g.{c}")) for c in ("min_charge", "min_kg", "max_kg", "divisor", "container_cbm",
                                                         "container_max_kg", "surcharge", "transit", "transit_p90",
                                                         "clearance")},
            "reliability": f"CASE WHEN {rel} LIKE '%\\%%' ESCAPE '\\' OR {number(rel)} > 1 THEN {number(rel)} / 100.0 ELSE {number(rel)} END",
            "via": _g(ctx, "via", "nullif(lower(regexp_replace(trim(g.via), '\\s*[,/|]\\s*', ';', 'g')), '')"),
            "index_name": _g(ctx, "index_name", "nullif(upper(trim(g.index_name)), '')"),
            "valid_from": _g(ctx, "valid_from", date_of(ctx, "valid_from")),
            "valid_to": _g(ctx, "valid_to", date_of(ctx, "valid_to")),
        }  # fmt: skip
        checks = {"rate": (ctx.mapping["rate"], "g.rate", "bad_number")}
        checks |= {
            c: (ctx.mapping[c], f"g.{c}", "bad_date") for c in ("valid_from", "valid_to") if ctx.has(c)
        }
        typed_table(ctx, "_x_fr", cols, checks)
        ctx.quarantine_where(
            "_x_fr", "mode0 IS NULL", ctx.mapping["mode"], "raw_mode", "unknown_mode",
            "mode must be one of FCL, LCL, air, express, rail, truck, sea-air, bonded, clearance (or 整柜, 拼箱, 空运, 快递...)",
        )  # fmt: skip
        ctx.quarantine_where(
            "_x_fr", "currency IS NULL", ctx.mapping.get("currency", ctx.mapping["rate"]), "NULL", "no_currency",
            "the rate states no currency: add a Currency (币种) column or write the rate with its sign ($2.10)",
        )  # fmt: skip
        mode = "CASE WHEN mode0 = 'sea' THEN CASE WHEN basis_given = 'container' THEN 'sea_fcl' ELSE 'sea_lcl' END ELSE mode0 END"
        basis_default = _case_map(mode, _DEFAULT_BASIS)
        divisor = _case_map(mode, {k: str(v) for k, v in _DIVISOR.items()}, quote=False)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _x_fr2 AS SELECT *, coalesce(basis_given, {basis_default}) AS basis,
                       coalesce(divisor0, {divisor}) AS divisor FROM (
                  SELECT * EXCLUDE (divisor), divisor AS divisor0, {mode} AS mode FROM _x_fr)"""
        )
        dims = ["carrier", "service", "origin", "destination", "mode", "basis", "rate", "currency", "min_charge",
                "min_kg", "max_kg", "divisor", "container_cbm", "container_max_kg", "surcharge", "transit", "transit_p90",
                "clearance", "reliability", "via", "index_name", "valid_from", "valid_to", "lane_id0"]  # fmt: skip
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _x_fr3 AS SELECT *, {key_sql(dims, occurrence=False)} AS lane_key,
                       coalesce(lane_id0, concat_ws(':', carrier, origin || '-' || destination, mode, service,
                                CASE WHEN min_kg IS NOT NULL OR max_kg IS NOT NULL
                                     THEN coalesce(CAST(min_kg AS VARCHAR), '') || '-' || coalesce(CAST(max_kg AS VARCHAR), '') END))
                         AS lane_id,
                       transit AS transit_days_median, coalesce(transit_p90, transit) AS transit_days_p90,
                       clearance AS clearance_days, '{layout}' AS source
                FROM (SELECT * EXCLUDE (lane_id), lane_id AS lane_id0 FROM _x_fr2)"""
        )
        out = ["lane_key", "lane_id", "carrier", "service", "origin", "origin_kind", "destination", "destination_kind",
               "origin_country", "destination_country", "mode", "basis", "rate", "currency", "min_charge", "min_kg",
               "max_kg", "divisor", "container_cbm", "container_max_kg", "surcharge", "transit_days_median",
               "transit_days_p90", "clearance_days", "reliability", "via", "index_name", "valid_from", "valid_to",
               "source"]  # fmt: skip
        n = insert_keyed(ctx, FREIGHT_LANES.name, "lane_key", "_x_fr3", out)
        return WriteCounts(stored=n, duplicate=ctx.count("_x_fr3") - n)

    return write


def _case_map(expr: str, values: dict[str, str], *, quote: bool = True) -> str:
    arms = " ".join(f"WHEN '{k}' THEN {repr(v) if quote else v}" for k, v in values.items())
    return f"CASE {expr} {arms} END"


_BOOKING_FIELDS = (
    text_field("booked_on", "ONBOARD", filled=True),
    text_field("vessel", "VESSEL"),
    text_field("origin", "POL", filled=True),
    text_field("destination", "DESTINATION", filled=True),
    text_field("containers", "20`"),
    text_field("rate", "RATE", filled=True),
    text_field("fx_rate", "EX-RATE", filled=True),
    text_field("thc", "THC"),
    text_field("wharfage", "W/F"),
    text_field("doc_fee", "D/FEE"),
    text_field("nation", "NATION"),
    text_field("freight_krw", "O/FRT KRW"),
    text_field("total_krw", "합계"),
)


def _write_bookings(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    local = (
        " + ".join(f"coalesce({number(f'g.{c}')}, 0)" for c in ("thc", "wharfage", "doc_fee") if ctx.has(c))
        or "0"
    )
    cols = {
        "booked_on": date_of(ctx, "booked_on"), "vessel": _g(ctx, "vessel", text_sql("g.vessel")),
        "origin": "upper(trim(g.origin))", "destination": "upper(trim(g.destination))",
        "containers": _g(ctx, "containers", number("g.containers")), "rate": number("g.rate"),
        "fx_rate": number("g.fx_rate"), "local_krw": local,
    }  # fmt: skip
    checks = {
        "booked_on": (ctx.mapping["booked_on"], "g.booked_on", "bad_date"),
        "rate": (ctx.mapping["rate"], "g.rate", "bad_number"),
        "fx_rate": (ctx.mapping["fx_rate"], "g.fx_rate", "bad_number"),
    }
    typed_table(ctx, "_x_bk", cols, checks)
    dims = ["booked_on", "vessel", "origin", "destination", "containers", "rate", "fx_rate", "local_krw"]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _x_bk2 AS SELECT *, {key_sql(dims)} AS booking_key, '20' AS container_size,
                   'USD' AS currency, round(local_krw / nullif(fx_rate, 0), 2) AS local_charges,
                   'korea_container_bookings' AS source FROM _x_bk"""
    )
    out = ["booking_key", "booked_on", "vessel", "origin", "destination", "container_size", "containers", "rate",
           "currency", "local_charges", "fx_rate", "source"]  # fmt: skip
    n = insert_keyed(ctx, FREIGHT_BOOKINGS.name, "booking_key", "_x_bk2", out)
    return WriteCounts(stored=n, duplicate=ctx.count("_x_bk2") - n)


_INDEX_FIELDS = (
    text_field("observed_on", "date", "Date", "Week", "日期", filled=True),
    text_field("value", "value", "Index Value", "指数值", filled=True),
    text_field("index_name", "Index Name", "Series", "指数名称"),
)


def _write_index(con, ctx: LoadContext) -> WriteCounts:  # noqa: ANN001
    stem = str(ctx.const("index", ctx.stem)).upper().replace("'", "")
    name = _g(ctx, "index_name", "nullif(upper(trim(g.index_name)), '')")
    cols = {"observed_on": date_of(ctx, "observed_on"), "value": number("g.value"),
            "index_name": f"coalesce({name}, '{stem}')"}  # fmt: skip
    checks = {
        "observed_on": (ctx.mapping["observed_on"], "g.observed_on", "bad_date"),
        "value": (ctx.mapping["value"], "g.value", "bad_number"),
    }
    typed_table(ctx, "_x_ix", cols, checks)
    n = con.execute(
        f"""INSERT OR IGNORE INTO freight_index (index_name, observed_on, value, source, ingest_id)
            SELECT index_name, observed_on, value, 'freight_index', '{ctx.ingest_id}' FROM _x_ix
            QUALIFY row_number() OVER (PARTITION BY index_name, observed_on ORDER BY _row) = 1"""
    ).fetchone()[0]  # type: ignore[index]
    return WriteCounts(stored=int(n), duplicate=ctx.count("_x_ix") - int(n))


register(
    Layout(
        "freight_rate_sheet", "freight", _LANE_FIELDS, _lane_writer("freight_rate_sheet", None),
        "freight rate sheet or lane table (origin, destination, mode, rate, currency, [transit days, minimum, "
        "weight band, surcharge, clearance days, reliability, via ...])",
        order=18, source="freight", auto_min=4,
        matcher=lambda headers: "tpt_day_cnt" not in {h.strip() for h in headers},
    )
)  # fmt: skip
register(
    Layout(
        "brunel_freight_rates", "freight", _LANE_FIELDS, _lane_writer("brunel_freight_rates", "USD"),
        "Brunel Supply Chain Logistics Problem FreightRates sheet (Carrier, orig_port_cd, dest_port_cd, "
        "minm_wgh_qty, max_wgh_qty, svc_cd, minimum cost, rate, mode_dsc, tpt_day_cnt); rates taken as USD",
        order=18, source="brunel", auto_min=4,
        matcher=lambda headers: {"tpt_day_cnt", "orig_port_cd"} <= {h.strip() for h in headers},
    )
)  # fmt: skip
register(
    Layout(
        "korea_container_bookings", "freight", _BOOKING_FIELDS, _write_bookings,
        "container bookings of the Korean export data (ONBOARD, VESSEL, POL, DESTINATION, RATE in USD, EX-RATE, "
        "THC, W/F, D/FEE in KRW)",
        order=19, source="bookings", auto_min=5,
    )
)  # fmt: skip
register(
    Layout(
        "freight_index", "freight", _INDEX_FIELDS, _write_index,
        "freight-index series (date, value[, index name]; the name defaults to the file name)",
        order=20, source="freight_index", auto_min=3,
    )
)  # fmt: skip
