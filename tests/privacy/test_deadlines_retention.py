"""The deletion-request register's deadlines by rule (CCPA 48 hours, Amazon 30 days, GDPR one month) and the
Amazon 30-day rule on buyer data, on real UCI Online Retail rows, through the library and `xborder privacy`."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from tests.clirun import run_cli
from tests.conftest import shared_path

from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.privacy import REGIME_DEADLINE_HOURS, deadline_hours, list_requests, retain
from xborder.warehouse import connect

pytestmark = pytest.mark.shared_data

UCI_DATE = "%Y-%m-%d %H:%M:%S"


def _uci_lines(n: int) -> list[str]:
    with gzip.open(shared_path("uci_online_retail", "online_retail.csv.gz"), "rt", encoding="utf-8") as fh:
        return [next(fh) for _ in range(n + 1)]


def test_the_rules_deadlines() -> None:
    assert deadline_hours("ccpa", 12) == 48  # the brief's 48 hours for CCPA requests
    assert deadline_hours("amazon_dpp", 12) == 30 * 24  # Amazon's Data Protection Policy: 30 days
    assert deadline_hours("gdpr", 12) == 30 * 24  # Art. 12(3): one month
    assert deadline_hours("internal", 12) == 12  # the setting erasure_deadline_hours
    with pytest.raises(BadInputError, match="cppa"):
        deadline_hours("cppa", 12)  # a typo is refused, not given a default
    assert set(REGIME_DEADLINE_HOURS) == {"ccpa", "amazon_dpp", "gdpr"}


def test_each_request_gets_its_rules_deadline_and_late_flag(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "deadline-test-key")
    lines = _uci_lines(200)
    f = tmp_path / "o.csv"
    f.write_text("".join(lines), encoding="utf-8")
    people = [r[6] for r in csv.reader(lines[1:]) if r[6]]
    first, other = "17850", next(p for p in people if p != "17850")
    db = str(tmp_path / "w.duckdb")
    assert run_cli(["--db", db, "ingest", str(f)], monkeypatch, capsys)[0] == 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    received = (now - dt.timedelta(days=3)).replace(microsecond=0)

    def erase(who: str, regime: str) -> tuple[int, str, str]:
        argv = ["--db", db, "--json", "privacy", "erase", who, "--source", "uci", "--regime", regime,
                "--received", received.isoformat()]  # fmt: skip
        return run_cli(argv, monkeypatch, capsys)

    code, out, err = erase(first, "ccpa")
    assert code == 0, err
    ccpa = json.loads(out)
    assert ccpa["regime"] == "ccpa" and ccpa["status"] == "done"
    assert dt.datetime.fromisoformat(ccpa["due_at"]) == received + dt.timedelta(hours=48)
    code, out, err = erase(other, "amazon_dpp")
    assert code == 0, err
    amazon = json.loads(out)
    assert dt.datetime.fromisoformat(amazon["due_at"]) == received + dt.timedelta(days=30)
    code, out, err = erase(first, "cppa")  # a typo: refused before anything is recorded
    assert code == 2 and "cppa" in out + err and "ccpa" in out + err

    code, out, err = run_cli(["--db", db, "--json", "privacy", "requests"], monkeypatch, capsys)
    assert code == 0, err
    reqs = {r["request_id"]: r for r in json.loads(out)}
    assert set(reqs) == {ccpa["request_id"], amazon["request_id"]}
    # received 3 days ago, done now: past the 48 hours of the CCPA request, inside Amazon's 30 days
    assert reqs[ccpa["request_id"]]["late"] is True and reqs[ccpa["request_id"]]["regime"] == "ccpa"
    assert (
        reqs[amazon["request_id"]]["late"] is False and reqs[amazon["request_id"]]["regime"] == "amazon_dpp"
    )
    code, out, err = run_cli(["--db", db, "privacy", "requests"], monkeypatch, capsys)
    assert code == 0 and out.count("LATE") == 1  # the table, as a person reads it

    # an open request is late once its deadline passes (the register counts the clock, not only finished work)
    con = connect(db)
    con.execute(
        "UPDATE privacy_requests SET status = 'open', done_at = NULL WHERE request_id = ?",
        [amazon["request_id"]],
    )
    due = dt.datetime.fromisoformat(amazon["due_at"])
    by_id = {r["request_id"]: r for r in list_requests(con, now=due - dt.timedelta(hours=1))}
    assert by_id[amazon["request_id"]]["late"] is False
    by_id = {r["request_id"]: r for r in list_requests(con, now=due + dt.timedelta(hours=1))}
    assert by_id[amazon["request_id"]]["late"] is True
    con.close()


MAPPING = """kind = "orders"
[columns]
order_id = "InvoiceNo"
ordered_at = "InvoiceDate"
product = "StockCode"
title = "Description"
quantity = "Quantity"
unit_price = "UnitPrice"
customer = "CustomerID"
country = "Country"
[constants]
source = "amzuk"
marketplace = "amazon.GB"
currency = "GBP"
date_format = "%Y-%m-%d %H:%M:%S"
"""


@pytest.fixture
def shop_and_amazon(tmp_path: Path) -> tuple[Path, list[list[str]], list[list[str]]]:
    """UCI's rows 1-1,000 as the own shop (the UCI layout), rows 1,001-2,000 as an Amazon UK order report (a
    mapping file setting the marketplace ``amazon.GB``): two real sales channels of one seller."""
    lines = _uci_lines(2000)
    shop, amz = tmp_path / "shop.csv", tmp_path / "amazon_orders.csv"
    shop.write_text("".join(lines[:1001]), encoding="utf-8")
    amz.write_text(lines[0] + "".join(lines[1001:]), encoding="utf-8")
    (tmp_path / "amazon.toml").write_text(MAPPING, encoding="utf-8")
    return tmp_path, list(csv.reader(lines[1:1001])), list(csv.reader(lines[1001:]))


def test_amazon_buyer_keys_are_unlinked_30_days_after_the_order_and_nothing_else(shop_and_amazon) -> None:
    tmp_path, _, amz_rows = shop_and_amazon
    s = Settings(db_path=str(tmp_path / "w.duckdb"), pseudonym_key="amazon-retention-key",
                 report_dir=str(tmp_path / "rej"))  # fmt: skip
    con = connect(tmp_path / "w.duckdb")
    shop = ingest_path(con, tmp_path / "shop.csv", "orders", settings=s)[0]
    res = ingest_path(
        con, tmp_path / "amazon_orders.csv", "orders", settings=s, mapping=tmp_path / "amazon.toml"
    )[0]
    assert res.rows_in == len(amz_rows) == 1000 and res.rows_quarantined == 0, res
    keyed = dict(
        con.execute(
            "SELECT marketplace_id LIKE 'amazon.%', count(customer_key) FROM order_lines GROUP BY 1"
        ).fetchall()
    )
    # the cutoff falls inside the Amazon rows' dates: some are older, some newer
    dates = sorted({dt.datetime.strptime(r[4], UCI_DATE) for r in amz_rows})
    middle = dates[len(dates) // 2]
    older = sum(1 for r in amz_rows if r[6] and dt.datetime.strptime(r[4], UCI_DATE) < middle)
    assert 0 < older < keyed[True]
    now = middle + dt.timedelta(days=30)
    dry = retain(con, 0, now=now, amazon_days=30, dry_run=True)
    assert dry["changed"] == {"order_lines.customer_key (amazon)": older} and dry["cutoff"] is None
    out = retain(con, 0, now=now, amazon_days=30)
    assert out["changed"]["order_lines.customer_key (amazon)"] == older
    after = dict(
        con.execute(
            "SELECT marketplace_id LIKE 'amazon.%', count(customer_key) FROM order_lines GROUP BY 1"
        ).fetchall()
    )
    assert after == {True: keyed[True] - older, False: keyed[False]}  # the shop's buyers are untouched
    assert con.execute(
        "SELECT count(*) FROM order_lines WHERE marketplace_id LIKE 'amazon.%' AND customer_key IS NOT NULL "
        "AND ordered_at < ?",
        [middle],
    ).fetchone() == (0,)
    # every sale stays, anonymous where unlinked
    assert con.execute("SELECT count(*) FROM order_lines").fetchone()[0] == shop.rows_stored + res.rows_stored
    with pytest.raises(BadInputError, match="No retention period"):
        retain(con, 0, now=now, amazon_days=0)
    con.close()


def test_privacy_retain_applies_the_amazon_rule_by_default(shop_and_amazon, monkeypatch, capsys) -> None:  # noqa: ANN001
    tmp_path, _, amz_rows = shop_and_amazon
    monkeypatch.setenv("XBORDER_PSEUDONYM_KEY", "amazon-retention-key")
    db = str(tmp_path / "w.duckdb")
    assert run_cli(["--db", db, "ingest", str(tmp_path / "shop.csv")], monkeypatch, capsys)[0] == 0
    code, out, err = run_cli(
        [
            "--db",
            db,
            "ingest",
            str(tmp_path / "amazon_orders.csv"),
            "--mapping",
            str(tmp_path / "amazon.toml"),
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0, out + err
    with_buyer = sum(1 for r in amz_rows if r[6])
    code, out, err = run_cli(["--db", db, "privacy", "retain", "--dry-run"], monkeypatch, capsys)
    assert code == 0, err
    assert f"Would change order_lines.customer_key (amazon): {with_buyer:,} rows" in out
    code, out, err = run_cli(["--db", db, "--json", "privacy", "retain"], monkeypatch, capsys)
    assert code == 0, err
    d = json.loads(out)
    # every Amazon order of 2010 is older than 30 days: all its buyer keys go; the shop's stay (no general period)
    assert d["changed"] == {"order_lines.customer_key (amazon)": with_buyer} and d["amazon_days"] == 30
    code, out, err = run_cli(["--db", db, "privacy", "retain", "--amazon-days", "0"], monkeypatch, capsys)
    assert code == 2 and "No retention period" in out + err
    con = connect(db, read_only=True)
    assert con.execute(
        "SELECT count(customer_key) FROM order_lines WHERE marketplace_id LIKE 'amazon.%'"
    ).fetchone() == (0,)
    assert con.execute("SELECT count(customer_key) FROM order_lines WHERE source = 'uci'").fetchone()[0] > 0
    con.close()


def test_the_breach_register_through_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    db = str(tmp_path / "w.duckdb")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

    def cli(*argv: str) -> tuple[int, str, str]:
        return run_cli(["--db", db, *argv], monkeypatch, capsys)

    code, out, err = cli("--json", "privacy", "breach", "add", "laptop with the warehouse lost",
                         "--detected", (now - dt.timedelta(hours=70)).isoformat())  # fmt: skip
    assert code == 0, err
    recent = json.loads(out)
    assert dt.datetime.fromisoformat(recent["notify_by"]) == now + dt.timedelta(hours=2)
    code, out, err = cli("--json", "privacy", "breach", "add", "export mailed to the wrong supplier",
                         "--detected", (now - dt.timedelta(hours=80)).isoformat())  # fmt: skip
    assert code == 0, err
    old = json.loads(out)
    assert cli("privacy", "breach", "add", "  ")[0] == 2  # what happened must be said
    code, out, err = cli("--json", "privacy", "breach", "list")
    rows = {r["breach_id"]: r for r in json.loads(out)}
    assert set(rows) == {recent["breach_id"], old["breach_id"]}
    assert (
        1.9 <= rows[recent["breach_id"]]["hours_left"] <= 2.0 and rows[recent["breach_id"]]["late"] is False
    )
    assert rows[old["breach_id"]]["hours_left"] <= -8.0 and rows[old["breach_id"]]["late"] is True
    assert cli("privacy", "breach", "notified", recent["breach_id"])[0] == 0
    assert cli("privacy", "breach", "notified", recent["breach_id"])[0] == 2  # no longer open
    rows = {r["breach_id"]: r for r in json.loads(cli("--json", "privacy", "breach", "list")[1])}
    assert rows[recent["breach_id"]]["notified_at"] is not None and rows[recent["breach_id"]]["late"] is False
    assert rows[recent["breach_id"]]["hours_left"] is None
