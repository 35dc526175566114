"""A seller's own marketplace exports go in whole: every Seller Central and Sponsored Products export in
../shared/data is recognised without --as, its rows are accounted for exactly, and what is stored matches
totals computed here by hand (pandas/openpyxl on the raw files); supplier quotes, product master data and
settlement reports (synthetic files in tests/ingest/data) fill their tables."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED_DATA, shared_path
from tests.ingest.helpers import assert_balanced, fresh, ingest, settings_for
from xborder.ingest import ingest_path
from xborder.warehouse import connect

SELLER = "amazon_seller_central_us_bathmat_seller_2018_2020"
ADS = "amazon_ads_sponsored_products_reports"
DATA = Path(__file__).parent / "data"
TABLE = {"traffic": "listing_traffic", "ads": "ad_performance", "transactions": "money_movements",
         "inventory": "inventory_snapshots"}  # fmt: skip
# The kind every export must be recognised as, by the folder it sits in.
FOLDER_KIND = {
    "ads": "ads",
    "business_reports": "traffic",
    "fees": "transactions",
    "inventory": "inventory",
    ADS: "ads",
}


def _link(p: Path) -> str:
    return "__".join(p.relative_to(SHARED_DATA).parts)


def _exports() -> list[tuple[str, Path, str]]:
    """(result name, file, zip member or '') of every table file under the two seller folders."""
    out = []
    for root in (SELLER, ADS):
        for p in sorted(x for x in shared_path(root).rglob("*") if x.is_file()):
            if p.suffix != ".zip":
                out.append((_link(p), p, ""))
                continue
            with zipfile.ZipFile(p) as zf:
                for info in zf.infolist():
                    inner = Path(info.filename)
                    if (
                        not info.is_dir()
                        and "__MACOSX" not in inner.parts
                        and inner.suffix in {".csv", ".xlsx"}
                    ):
                        out.append((f"{_link(p)}/{info.filename}", p, info.filename))
    return out


def _bytes(p: Path, member: str) -> bytes:
    if member:
        with zipfile.ZipFile(p) as zf:
            return zf.read(member)
    return gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()


def _frame(p: Path, member: str = "") -> pd.DataFrame:
    """The raw export as text cells, read with pandas (cp1252 where the bytes are not UTF-8)."""
    data = _bytes(p, member)
    if (member or p.name).endswith(".xlsx"):
        with warnings.catch_warnings():  # "Workbook contains no default style"
            warnings.simplefilter("ignore", UserWarning)
            return pd.read_excel(io.BytesIO(data), dtype=str)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _amount(s: pd.Series) -> pd.Series:
    return pd.to_numeric(
        s.astype(str).str.replace(r"[$,]|Rs\.", "", regex=True).replace("nan", ""), errors="coerce"
    )


def _multiset_overlap(a: pd.DataFrame, earlier: list[pd.DataFrame]) -> int:
    """Rows of ``a`` also present (as many times) in the files loaded before it: the duplicates to expect."""
    before: Counter = Counter()
    for e in earlier:
        before.update(map(tuple, e.values.tolist()))
    return sum(min(n, before[k]) for k, n in Counter(map(tuple, a.values.tolist())).items())


class Loaded:
    """Both seller folders ingested in ONE call (a folder of links to every file), then once more."""

    def __init__(self, tmp: Path) -> None:
        folder = tmp / "exports"
        folder.mkdir()
        self.exports = _exports()
        for name, p, member in self.exports:
            if not member and not (folder / name).exists():
                (folder / name).symlink_to(p)
            elif member and not (folder / _link(p)).exists():
                (folder / _link(p)).symlink_to(p)
        self.folder, self.tmp = folder, tmp
        self.con = connect(tmp / "wh.duckdb")
        self.results = ingest_path(self.con, folder, None, settings=settings_for(tmp))
        self.by_name = {r.file_name: r for r in self.results}
        self.counts = self.table_counts()
        self.again = ingest_path(self.con, folder, None, settings=settings_for(tmp))

    def table_counts(self) -> dict[str, int]:
        return {
            t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (*TABLE.values(), "rank_snapshots")
        }

    def result(self, *parts: str):  # noqa: ANN201
        name = next(n for n in self.by_name if all(p in n for p in parts))
        return self.by_name[name]

    def one(self, sql: str, params: list | None = None):  # noqa: ANN201
        return self.con.execute(sql, params or []).fetchone()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    return Loaded(tmp_path_factory.mktemp("seller"))


@pytest.mark.shared_data
@pytest.mark.slow
def test_every_seller_export_is_recognised_without_as(loaded: Loaded) -> None:
    not_recognised = []
    for name, p, _ in loaded.exports:
        r = loaded.by_name.get(name)
        folder = p.relative_to(SHARED_DATA).parts[1] if p.is_relative_to(shared_path(SELLER)) else ADS
        want = FOLDER_KIND[folder]
        if r is None:
            not_recognised.append(f"{name}: no result")
        elif r.status != "ok" or r.kind not in {want, "ranks" if folder == "inventory" else want}:
            not_recognised.append(f"{name}: {r.kind}/{r.layout} {r.status} {r.message}")
    total = len(loaded.exports)
    assert total == 48  # 38 files, 16 of them zips holding 26 reports (Ad.zip 6, 51.zip 4, ...)
    assert not not_recognised, f"{total - len(not_recognised)}/{total} recognised; not: {not_recognised}"
    assert len(loaded.results) == total


@pytest.mark.shared_data
@pytest.mark.slow
def test_row_accounting_is_exact_for_every_export(loaded: Loaded) -> None:
    assert_balanced(loaded.results)
    frames = {name: _frame(p, m) for name, p, m in loaded.exports if "SalesDashboard" not in name}
    # Duplicates expected, computed from the raw files: the rows an earlier-loaded file already had.
    fees = sorted(n for n in frames if "__fees__" in n)
    expect_dup = {n: _multiset_overlap(frames[n], [frames[x] for x in fees[:i]]) for i, n in enumerate(fees)}
    camp = [
        n
        for n in frames
        if n.endswith("Campaign report.csv") and "__ads__" in n or n.endswith("Campaign 12.1-1.15.csv")
    ]
    camp_keys = {n: frames[n][["Date", "Campaign Name"]] for n in camp}
    order = sorted(camp)
    for i, n in enumerate(order):
        expect_dup[n] = _multiset_overlap(camp_keys[n], [camp_keys[x] for x in order[:i]])
    daily = sorted(n for n in frames if "child asin sales report" in n)
    expect_dup[daily[1]] = len(set(frames[daily[1]]["Date"]) & set(frames[daily[0]]["Date"]))
    weekly = sorted(n for n in frames if n.endswith("weekly.csv"))
    expect_dup[weekly[1]] = len(set(frames[weekly[1]]["Date"]) & set(frames[weekly[0]]["Date"]))
    st_dims = [
        "Start Date",
        "End Date",
        "Campaign Name",
        "Ad Group Name",
        "Targeting",
        "Match Type",
        "Customer Search Term",
    ]
    manny = sorted(n for n in frames if "mannyvv" in n)
    expect_dup[manny[1]] = _multiset_overlap(frames[manny[1]][st_dims], [frames[manny[0]][st_dims]])
    assert sum(expect_dup.values()) == 238 + 6 + 247 + 8 + 1 + 17
    for name, r in loaded.by_name.items():
        if "SalesDashboard" in name:
            continue
        assert (r.rows_in, r.rows_duplicate, r.rows_quarantined) == (
            len(frames[name]),
            expect_dup.get(name, 0),
            0,
        ), name
        if r.kind in TABLE:  # one stored row per stored input row
            n = loaded.one(f"SELECT count(*) FROM {TABLE[r.kind]} WHERE ingest_id = ?", [r.ingest_id])[0]
            assert n == r.rows_stored, name
    health = [r for r in loaded.results if r.layout == "amazon_inventory_health"]
    assert [r.extra["inventory_rows"] for r in health] == [40, 40]
    # The Sales Dashboard: one row per day of its graph block; the 3 lines of its summary table below are
    # quarantined (they are not days), with their reason.
    dash = loaded.result("SalesDashboard")
    text = _bytes(shared_path(SELLER, "business_reports", "SalesDashboard-11-21-19.csv"), "").decode(
        "utf-8-sig"
    )
    lines = text.splitlines()
    start = lines.index('"Time","Selected date range (OPS)","Selected date range (Units)"') + 1
    days = lines[start : lines.index("", start)]
    assert (dash.rows_in, dash.rows_stored, dash.rows_quarantined) == (len(days) + 3, len(days), 3)
    # Its days are the range the file states ("Custom [November 22, 2017 - November 21, 2019]"), one row
    # each: '1/1/18' was once read as the year 1 (0001-01-18) by a '%Y/%m/%d' tried before '%m/%d/%y'.
    stated = re.search(r"Custom \[(.+?) - (.+?)\]", text)
    assert stated is not None
    first, last = (dt.datetime.strptime(x, "%B %d, %Y").date() for x in stated.groups())
    got = loaded.one(
        "SELECT min(period_start), max(period_start), count(DISTINCT period_start) FROM listing_traffic "
        "WHERE ingest_id = ?",
        [dash.ingest_id],
    )
    assert got == (first, last, (last - first).days + 1)


@pytest.mark.shared_data
@pytest.mark.slow
def test_ads_content_matches_the_raw_reports(loaded: Loaded) -> None:
    # One day's spend and clicks of one campaign (the day and campaign of the largest spend).
    raw = _frame(shared_path(SELLER, "ads", "Ad.zip"), "Sponsored Products Campaign report.csv")
    raw["spend"] = _amount(raw["Spend"])
    top = raw.loc[raw["spend"].idxmax()]
    day = pd.to_datetime(top["Date"], format="%b %d, %Y").date()
    got = loaded.one(
        "SELECT spend, clicks, impressions, currency, marketplace_id FROM ad_performance "
        "WHERE report_type = 'campaign' AND period_start = ? AND campaign = ?",
        [day, top["Campaign Name"].replace('\\"', '"')],
    )
    assert got == (
        pytest.approx(top["spend"]),
        float(top["Clicks"]),
        float(top["Impressions"]),
        "USD",
        "amazon.US",
    )
    # The Indian seller's February: every report's spend, as summed from the raw file, is what is stored.
    india = {n: (p, m) for n, p, m in loaded.exports if "india_inr" in n}
    spends = {}
    for name, (p, m) in india.items():
        raw_spend = _amount(_frame(p, m)["Spend"]).sum()
        r = loaded.by_name[name]
        stored, cur = loaded.one(
            "SELECT sum(spend), any_value(currency) FROM ad_performance WHERE ingest_id = ?", [r.ingest_id]
        )
        assert stored == pytest.approx(raw_spend) and cur == "INR", name
        spends[name] = raw_spend
    assert max(spends.values()) - min(spends.values()) < 0.005  # the six reports reconcile (₹47,108.12)
    # Currency and marketplace of every report = its Currency column; reports without one (Performance Over
    # Time) take the currency of the campaign report whose spend per day they equal.
    for name, p, m in loaded.exports:
        r = loaded.by_name[name]
        if r.kind != "ads":
            continue
        frame = _frame(p, m)
        want = set(frame["Currency"]) if "Currency" in frame else {"INR" if "india" in name else "USD"}
        got = {
            x
            for (x,) in loaded.con.execute(
                "SELECT DISTINCT currency FROM ad_performance WHERE ingest_id = ?", [r.ingest_id]
            ).fetchall()
        }
        assert got == want, name
    markets = dict(
        loaded.con.execute(
            "SELECT currency, any_value(market_code) FROM ad_performance GROUP BY 1"
        ).fetchall()
    )
    assert markets == {"USD": "US", "INR": "IN", "GBP": "GB", "AED": "AE"}


@pytest.mark.shared_data
@pytest.mark.slow
def test_traffic_content_matches_the_raw_reports(loaded: Loaded) -> None:
    raw = _frame(shared_path(SELLER, "business_reports", "BusinessReport-11-21-19.csv"))
    raw["units"] = pd.to_numeric(raw["Units Ordered"])
    top = raw.loc[raw["units"].idxmax()]  # one child ASIN: its sessions, units and sales
    r = loaded.result("BusinessReport-11-21-19.csv")
    got = loaded.one(
        "SELECT sessions, units_ordered, ordered_sales, buy_box_share, conversion, currency, listing_id FROM listing_traffic "
        "WHERE ingest_id = ? AND asin = ? AND parent_asin = ? AND sku = ?",
        [r.ingest_id, top["(Child) ASIN"], top["(Parent) ASIN"], top["SKU"]],
    )
    assert got[:3] == (
        float(top["Sessions"].replace(",", "")),
        float(top["units"]),
        _amount(pd.Series([top["Ordered Product Sales"]]))[0],
    )
    assert got[3] == pytest.approx(float(top["Buy Box Percentage"].rstrip("%")) / 100)
    assert got[4] == pytest.approx(float(top["Unit Session Percentage"].rstrip("%")) / 100)
    assert got[5:] == ("USD", f"amazon.US:{top['(Child) ASIN']}")
    # The Sales Dashboard's daily rows add up to the totals the file states in its "Sales snapshot".
    text = _bytes(shared_path(SELLER, "business_reports", "SalesDashboard-11-21-19.csv"), "").decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    snap = rows[[i for i, x in enumerate(rows) if x == ["Sales snapshot"]][0] + 2]
    dash = loaded.result("SalesDashboard")
    units, sales = loaded.one(
        "SELECT sum(units_ordered), sum(ordered_sales) FROM listing_traffic WHERE ingest_id = ?",
        [dash.ingest_id],
    )
    assert (units, sales) == (float(snap[1]), pytest.approx(float(snap[2].strip("$").replace(",", ""))))
    # A weekly row (labelled by its first day) equals the daily rows of its seven days, stored and raw.
    daily = _frame(
        shared_path(SELLER, "business_reports", "child asin sales report 12.1-12.10.zip"),
        "child asin sales report 12.1-12.10.csv",
    )
    daily["d"] = pd.to_datetime(daily["Date"], format="%m/%d/%Y")
    week = daily[(daily["d"] >= "2019-11-10") & (daily["d"] <= "2019-11-16")]
    stored_week = loaded.one(
        "SELECT units_ordered, sessions, period_end FROM listing_traffic WHERE period = 'week' AND period_start = DATE '2019-11-10'"
    )
    stored_days = loaded.one(
        "SELECT sum(units_ordered), sum(sessions) FROM listing_traffic WHERE period = 'day' AND source = "
        "'amazon_business_report_by_date' AND period_start BETWEEN DATE '2019-11-10' AND DATE '2019-11-16'"
    )
    raw_days = (
        float(pd.to_numeric(week["Units Ordered"]).sum()),
        float(pd.to_numeric(week["Sessions"].str.replace(",", "")).sum()),
    )
    assert stored_week[:2] == stored_days == raw_days and str(stored_week[2]) == "2019-11-16"


@pytest.mark.shared_data
@pytest.mark.slow
def test_money_movements_match_the_raw_reports(loaded: Loaded) -> None:
    p = shared_path(SELLER, "fees", "2018Oct1-2019Oct1CustomTransaction_no_buyer_location.csv.gz")
    raw = _frame(p)
    raw["t"] = _amount(raw["total"])
    r = loaded.result("2018Oct1-2019Oct1")
    # One settlement's payout: its Transfer row.
    transfer = raw[raw["type"] == "Transfer"].iloc[0]
    got = loaded.one(
        "SELECT total, category, currency FROM money_movements WHERE settlement_id = ? AND category = 'transfer'",
        [transfer["settlement id"]],
    )
    assert got == (pytest.approx(transfer["t"]), "transfer", "USD")
    # Every settlement's net total over this file's rows.
    want = raw.groupby("settlement id")["t"].sum().round(2).to_dict()
    got_all = dict(loaded.con.execute(
        "SELECT settlement_id, round(sum(total), 2) FROM money_movements WHERE ingest_id = ? GROUP BY 1", [r.ingest_id]
    ).fetchall())  # fmt: skip
    assert got_all == pytest.approx(want)
    # Fees by type of the order rows: selling and FBA fees summed as in the raw file.
    orders = raw[raw["type"] == "Order"]
    got_fees = loaded.one(
        "SELECT sum(selling_fees), sum(fba_fees), count(*) FROM money_movements WHERE ingest_id = ? AND category = 'order'",
        [r.ingest_id],
    )
    assert got_fees == (
        pytest.approx(_amount(orders["selling fees"]).sum()),
        pytest.approx(_amount(orders["fba fees"]).sum()),
        len(orders),
    )
    cats = dict(loaded.con.execute("SELECT category, count(*) FROM money_movements GROUP BY 1").fetchall())
    assert {
        "order",
        "refund",
        "fba_fee",
        "storage",
        "advertising",
        "reimbursement",
        "transfer",
        "promotion",
    } <= set(cats)


@pytest.mark.shared_data
@pytest.mark.slow
def test_inventory_snapshots_match_the_raw_reports(loaded: Loaded) -> None:
    inv = shared_path(SELLER, "inventory")
    daily = _frame(inv / "12.1-12.20 daily inventory.csv.gz")
    last = daily[
        daily["snapshot-date"].str.startswith("2019-12-18") & (daily["detailed-disposition"] == "SELLABLE")
    ]
    got = loaded.one(
        "SELECT sum(fulfillable), count(DISTINCT location) FROM inventory_snapshots "
        "WHERE source = 'amazon_daily_inventory' AND snapshot_date = DATE '2019-12-18'"
    )
    assert got == (
        float(pd.to_numeric(last["quantity"]).sum()),
        daily.loc[daily["snapshot-date"].str.startswith("2019-12-18"), "fulfillment-center-id"].nunique(),
    )
    manage = _frame(inv / "manage FBA inventory 12.17.csv")
    r = loaded.result("manage FBA inventory 12.17.csv")
    got = loaded.one(
        "SELECT sum(fulfillable), sum(on_hand), any_value(snapshot_date_source) FROM inventory_snapshots WHERE ingest_id = ?",
        [r.ingest_id],
    )
    n = lambda c: float(pd.to_numeric(manage[c]).sum())  # noqa: E731
    assert got == (n("afn-fulfillable-quantity"), n("afn-warehouse-quantity"), "ingest_day")
    age = _frame(inv / "inventory age.zip", "inventory age.csv")
    buckets = [
        "inv-age-0-to-90-days",
        "inv-age-91-to-180-days",
        "inv-age-181-to-270-days",
        "inv-age-271-to-365-days",
        "inv-age-365-plus-days",
    ]
    got = loaded.one(
        "SELECT sum(age_0_90), sum(age_91_180), sum(age_181_270), sum(age_271_365), sum(age_365_plus) FROM inventory_snapshots "
        "WHERE source = 'amazon_inventory_age'"
    )
    assert got == tuple(float(pd.to_numeric(age[b]).sum()) for b in buckets)
    restock = _frame(inv / "12.20 restock inventory.csv")
    r = loaded.result("12.20 restock inventory.csv")
    got = loaded.one(
        "SELECT sum(recommended_restock_qty), max(days_of_supply) FROM inventory_snapshots WHERE ingest_id = ?",
        [r.ingest_id],
    )
    assert got == (
        float(pd.to_numeric(restock["Recommended Order Quantity"], errors="coerce").sum()),
        365.0,
    )  # "365+" → 365
    health = _frame(inv / "12.20 inventory health.csv")
    got = loaded.one(
        "SELECT sum(fulfillable), sum(units_shipped_30d) FROM inventory_snapshots WHERE source = 'amazon_inventory_health' "
        "AND snapshot_date = DATE '2019-12-16'"
    )
    assert got == (
        float(pd.to_numeric(health["sellable-quantity"]).sum()),
        float(pd.to_numeric(health["units-shipped-last-30-days"]).sum()),
    )


@pytest.mark.shared_data
@pytest.mark.slow
def test_ingesting_the_same_exports_again_adds_nothing(loaded: Loaded, tmp_path: Path) -> None:
    assert {r.status for r in loaded.again} == {"skipped"}
    assert sum(r.rows_stored for r in loaded.again) == 0
    # A skipped file's rows are counted as they went the first time: stored and duplicate rows as
    # duplicates, quarantined rows as quarantined (not all as duplicates).
    first = {r.file_name: r for r in loaded.results}
    for r in loaded.again:
        was = first[r.file_name]
        assert (r.rows_in, r.rows_duplicate, r.rows_quarantined) == (
            was.rows_in, was.rows_stored + was.rows_duplicate, was.rows_quarantined,
        ), r.file_name  # fmt: skip
    assert loaded.table_counts() == loaded.counts
    # The same rows in other bytes (CRLF line ends, an unzipped or re-encoded copy) are duplicates too.
    copies = tmp_path / "copies"
    copies.mkdir()
    for name, p, member in loaded.exports:
        if name.endswith(
            (
                "Campaign 12.1-1.15.csv",
                "BusinessReport-11-21-19.csv",
                "2020Feb1-2020Feb29CustomTransaction_no_buyer_location.csv.gz",
                "inventory age.csv",
            )
        ):
            text = _bytes(p, member).decode("utf-8-sig" if "inventory" not in name else "cp1252")
            (copies / f"copy_{Path(member or p.name).stem}.csv").write_bytes(
                text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
            )
    res = ingest_path(loaded.con, copies, None, settings=settings_for(tmp_path))
    assert len(res) == 4
    for r in res:
        assert (r.status, r.rows_stored, r.rows_duplicate) == ("ok", 0, r.rows_in), r.file_name
    assert loaded.table_counts() == loaded.counts


def test_supplier_quotes_fill_suppliers_offers_and_product_attributes(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    (r,) = ingest(con, DATA / "supplier_quotes_synthetic.csv", None, tmp_path)
    raw = pd.read_csv(DATA / "supplier_quotes_synthetic.csv", skiprows=2, dtype=str, keep_default_na=False)
    # 10 rows: one exact repeat (duplicate), one price "TBD" (bad_number), one without any currency.
    assert (r.kind, r.layout, r.rows_in, r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (
        "quotes",
        "supplier_quotes",
        len(raw),
        7,
        1,
        2,
    )
    reasons = dict(con.execute("SELECT value, reason_code FROM quarantine").fetchall())
    assert reasons == {"TBD": "bad_number", "2.80": "no_currency"}
    assert con.execute("SELECT count(*) FROM suppliers").fetchone()[0] == raw["Supplier"].nunique()
    tiers = con.execute(
        "SELECT moq, unit_cost, currency, lead_time_days, incoterm, origin_country, valid_from FROM supplier_offers "
        "WHERE product_id = 'amazon:B07JJC4NTT' ORDER BY moq"
    ).fetchall()
    assert [(t[0], t[1]) for t in tiers] == [(500.0, 2.35), (2000.0, 2.10)]  # "500 pcs", "2,000 pcs"
    assert {t[2:6] for t in tiers} == {("USD", 30.0, "FOB", "CN")} and str(
        tiers[0][6]
    ) == "2024-03-15"  # 25-30 days → 30
    signs = dict(con.execute("SELECT product_id, currency FROM supplier_offers").fetchall())
    assert signs["amazon:B07JJ3HGSN"] == "USD" and signs["amazon:B07JMDZBSR"] == "CNY"  # "$2.35", "¥15.80"
    lead = dict(con.execute("SELECT product_id, lead_time_days FROM supplier_offers").fetchall())
    assert lead["amazon:B07JJ3HGSN"] == 28.0  # "4 weeks"
    prod = con.execute(
        "SELECT weight_kg, length_cm, width_cm, height_cm, hs_code, brand, dims_estimated FROM products WHERE product_id = 'amazon:B07VW6N66M'"
    ).fetchone()
    assert prod == (0.8, 60.0, 90.0, 0.8, "391810", "Desiderare", False)  # "800 g", "60x90x0.8"
    (again,) = ingest(con, DATA / "supplier_quotes_synthetic.csv", None, tmp_path)
    assert again.status == "skipped"


def test_chinese_quote_sheet_and_product_master(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    (r,) = ingest(con, DATA / "supplier_quotes_synthetic_zh.xlsx", None, tmp_path)
    assert (r.layout, r.rows_in, r.rows_stored, r.rows_quarantined) == (
        "supplier_quotes",
        5,
        4,
        1,
    )  # one empty 单价
    rows = con.execute(
        "SELECT product_id, unit_cost, currency, moq, lead_time_days FROM supplier_offers"
    ).fetchall()
    got = {x[0]: x[1:] for x in rows}
    assert got["custom:1-mc-18"] == (16.5, "CNY", 500.0, 30.0)  # 人民币, 500件, 25-30天
    assert got["custom:1-mwh-18"] == (16.5, "CNY", 500.0, 28.0)  # RMB, 4周
    assert got["custom:DL-SF-60-90"] == (2.95, "USD", 1000.0, 30.0)  # 美元, 1个月
    assert dict(con.execute("SELECT name, country FROM suppliers").fetchall()) == {
        "绍兴恒瑞纺织有限公司": "CN",
        "宁波永盛塑料制品有限公司": "CN",
    }
    (m,) = ingest(con, DATA / "product_master_synthetic.csv", None, tmp_path)
    assert (m.kind, m.layout, m.rows_in, m.rows_stored, m.rows_duplicate) == (
        "products",
        "product_master",
        4,
        3,
        1,
    )
    got = con.execute(
        "SELECT weight_kg, length_cm, width_cm, height_cm, hs_code, origin_country FROM products WHERE product_id = 'custom:1-pd-18'"
    ).fetchone()
    assert got == (
        1.1,
        pytest.approx(63 * 2.54),
        pytest.approx(27.5 * 2.54),
        pytest.approx(1.2 * 2.54),
        "5705002000",
        "CN",
    )


def test_settlement_report_v2(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    src = DATA / "settlement_v2_synthetic.txt"
    (r,) = ingest(con, src, None, tmp_path)
    raw = pd.read_csv(src, sep="\t", skiprows=1, dtype=str, keep_default_na=False)
    assert (r.kind, r.layout, r.rows_in, r.rows_stored) == (
        "transactions",
        "amazon_settlement_v2",
        len(raw),
        len(raw),
    )
    payout = float(raw.loc[raw["transaction-type"] == "", "total-amount"].iloc[0])
    lines = pd.to_numeric(raw["amount"], errors="coerce").sum()
    assert lines == pytest.approx(payout)  # the file is consistent: its lines add up to the deposit
    got = dict(con.execute("SELECT category, sum(total) FROM money_movements GROUP BY 1").fetchall())
    assert got["transfer"] == pytest.approx(-payout)  # the deposit leaves the Amazon balance
    assert sum(got.values()) == pytest.approx(0.0, abs=1e-9)
    assert got["reserve"] == pytest.approx(-20.0) and got["storage"] == pytest.approx(-12.34)
    assert got["advertising"] == pytest.approx(-50.0) and got["reimbursement"] == pytest.approx(18.75)
    dates = con.execute(
        "SELECT DISTINCT settlement_start, settlement_end, deposit_date, currency FROM money_movements"
    ).fetchall()
    assert [tuple(map(str, d)) for d in dates] == [("2019-12-04", "2019-12-18", "2019-12-20", "USD")]
    copy = tmp_path / "copy" / "settlement.txt"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))  # same rows, other bytes
    (again,) = ingest(con, copy, None, tmp_path)
    assert (again.rows_stored, again.rows_duplicate) == (0, len(raw))


def _campaign_csv(path: Path, currency: str, sign: str, impressions: int = 974) -> Path:
    header = "Date,Campaign Name,Campaign Type,Currency,Impressions,Clicks,Spend,7 Day Total Orders (#),7 Day Total Sales "
    rows = [f'"Dec 1, 2019",Kitchen Mat - SP Auto,Sponsored Products,{currency},{impressions},6,{sign}3.34,0,{sign}0.0',
            f'"Dec 2, 2019",Kitchen Mat - SP Auto,Sponsored Products,{currency},850,4,{sign}2.10,1,{sign}39.99']  # fmt: skip
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_same_ad_rows_in_two_marketplaces_are_never_duplicates(tmp_path: Path) -> None:
    """Same campaign name and days in amazon.US and amazon.GB: 4 rows; euro files (no single marketplace)
    are each kept (their keys are scoped to the file); the same US file re-exported adds nothing."""
    con = fresh(tmp_path)
    res = [
        *ingest(con, _campaign_csv(tmp_path / "us.csv", "USD", "$"), None, tmp_path),
        *ingest(con, _campaign_csv(tmp_path / "uk.csv", "GBP", "£"), None, tmp_path),
        *ingest(con, _campaign_csv(tmp_path / "de.csv", "EUR", "€"), None, tmp_path),
        *ingest(con, _campaign_csv(tmp_path / "fr.csv", "EUR", "€", 975), None, tmp_path),
    ]
    assert [(r.layout, r.rows_stored, r.rows_duplicate) for r in res] == [("amazon_sp_campaign", 2, 0)] * 4
    got = con.execute(
        "SELECT coalesce(marketplace_id, '?'), currency, sum(spend), sum(clicks) FROM ad_performance GROUP BY ALL ORDER BY 1, 2"
    ).fetchall()
    assert got == [("?", "EUR", pytest.approx(10.88), 20.0), ("amazon.GB", "GBP", pytest.approx(5.44), 10.0),
                   ("amazon.US", "USD", pytest.approx(5.44), 10.0)]  # fmt: skip
    again = _campaign_csv(tmp_path / "us_again.csv", "USD", "$")
    again.write_bytes(again.read_bytes().replace(b"\n", b"\r\n"))
    (r,) = ingest(con, again, None, tmp_path)
    assert (r.rows_stored, r.rows_duplicate) == (0, 2)


def test_the_same_sku_and_day_in_two_markets_are_two_snapshots(tmp_path: Path) -> None:
    con = fresh(tmp_path)
    header = '"snapshot-date","fnsku","sku","product-name","quantity","fulfillment-center-id","detailed-disposition","country"'
    rows = ['"2019-12-18T08:00:00+00:00","X1","1-mc-18","Bath mat","7","{fc}","SELLABLE","{c}"']
    p = tmp_path / "daily.csv"
    lines = [header] + [
        rows[0].format(fc=fc, c=c) for fc, c in (("CMH1", "US"), ("YYZ1", "CA"), ("CMH1", "US"))
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (r,) = ingest(con, p, None, tmp_path)
    assert (r.layout, r.rows_stored, r.rows_duplicate) == (
        "amazon_daily_inventory",
        3,
        0,
    )  # a repeated row is kept
    got = con.execute(
        "SELECT marketplace_id, location, sum(fulfillable) FROM inventory_snapshots GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert got == [("amazon.CA", "YYZ1", 7.0), ("amazon.US", "CMH1", 14.0)]
