"""Property tests: malformed files never raise anything but a clear BadInputError, and every row is accounted for."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.test_formats import HEADER, ROWS
from xborder.core.errors import BadInputError
from xborder.core.settings import Settings
from xborder.ingest import ingest_path
from xborder.warehouse import connect

CELL_MUTATIONS = st.sampled_from(
    ["", "nan", "not a number", "2010-13-45 25:61:00", "31/02/2011", "-", "1e999", "１２", "\x00", "x" * 200_000,
     '"unbalanced', "a,b;c\td", "9" * 40, "∞", "<1", "２０１０-１２-０１"]
)  # fmt: skip


@st.composite
def malformed_file(draw):
    rows = [list(r) for r in ROWS] * draw(st.integers(1, 4))
    header = list(HEADER)
    for _ in range(draw(st.integers(0, 6))):
        r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(CELL_MUTATIONS)
    shape = draw(st.sampled_from(["ok", "drop_column", "extra_column", "short_row", "long_row"]))
    if shape == "drop_column":
        k = draw(st.integers(0, len(header) - 1))
        header.pop(k)
        rows = [r[:k] + r[k + 1 :] for r in rows]
    elif shape == "extra_column":
        header.append("Extra")
        rows = [[*r, "x"] for r in rows]
    elif shape == "short_row":
        rows[0] = rows[0][:3]
    elif shape == "long_row":
        rows[-1] = [*rows[-1], "1", "2"]
    buf = io.StringIO()
    w = csv.writer(
        buf,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    w.writerow(header)
    w.writerows(rows)
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "gb18030", "utf-16"]))
    data = buf.getvalue().encode(enc, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]  # truncated file
    if draw(st.integers(0, 4)) == 0:
        data += bytes(draw(st.lists(st.integers(0, 255), max_size=40)))  # binary garbage at the end
    return data


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=malformed_file())
def test_malformed_files_are_accounted_for(tmp_path, data):
    p = tmp_path / "orders.csv"
    p.write_bytes(data)
    con = connect(":memory:")
    s = Settings(pseudonym_key="k", report_dir=str(tmp_path / "rej"))
    try:
        results = ingest_path(con, p, "orders", settings=s)
    except BadInputError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert con.execute("SELECT count(*) FROM ingest_log").fetchone()[0] == 0
        return
    for r in results:
        assert r.rows_in == r.rows_stored + r.rows_duplicate + r.rows_quarantined
        n_q = con.execute("SELECT count(*) FROM quarantine WHERE ingest_id = ?", [r.ingest_id]).fetchone()[0]
        assert n_q == r.rows_quarantined
        n_l = con.execute("SELECT count(*) FROM order_lines WHERE ingest_id = ?", [r.ingest_id]).fetchone()[0]
        assert n_l == r.rows_stored
    con.close()


@st.composite
def malformed_wide_file(draw):
    """Google Trends / UCI weekly style wide files with broken cells, titles, encodings and truncation."""
    trends = draw(st.booleans())
    header = (
        ["Week", "phone case: (Germany)", "phone case: (France)"]
        if trends
        else ["Product_Code", "W0", "W1", "W2"]
    )
    rows = (
        [[f"2024-01-{d:02d}", str(d * 3), "<1"] for d in range(1, 29, 7)]
        if trends
        else [[f"P{i}", str(i), str(i + 1), str(i + 2)] for i in range(1, 6)]
    )
    for _ in range(draw(st.integers(0, 4))):
        r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(CELL_MUTATIONS)
    if draw(st.booleans()):
        rows[0] = rows[0][:2]
    text = ("Category: All categories\n\n" if trends and draw(st.booleans()) else "") + "\n".join(
        ",".join(f'"{v}"' if ("," in v or '"' in v) else v for v in r) for r in [header, *rows]
    )
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "cp1252"])), errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return ("trends" if trends else "sales"), data


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=malformed_wide_file())
def test_malformed_wide_files_are_accounted_for(tmp_path, case):
    kind, data = case
    p = tmp_path / "wide.csv"
    p.write_bytes(data)
    con = connect(":memory:")
    try:
        results = ingest_path(
            con, p, kind, settings=Settings(pseudonym_key="k", report_dir=str(tmp_path / "rej"))
        )
    except BadInputError as exc:
        assert str(exc)
        return
    for r in results:
        assert r.rows_in == r.rows_stored + r.rows_duplicate + r.rows_quarantined
        n_q = con.execute("SELECT count(*) FROM quarantine WHERE ingest_id = ?", [r.ingest_id]).fetchone()[0]
        assert n_q == r.rows_quarantined
    con.close()


ORDERS_HEADER = "order_id,ordered_at,product,quantity,unit_price,currency,country"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    days=st.lists(st.dates(dt.date(1995, 1, 1), dt.date(2025, 12, 31)), min_size=1, max_size=25),
    order=st.sampled_from(["dmy", "mdy"]),
    sep=st.sampled_from(["/", "-", "."]),
    year2=st.booleans(),
)
def test_dates_in_either_order_read_back_exactly_or_the_file_is_refused(tmp_path, days, order, sep, year2):
    """A column of d/m/y or m/d/y dates is read back as the same dates, whatever the other rows hold; only a
    column where no value shows the order (every day <= 12, some day != month) is refused, and dotted dates
    are day first (dd.mm.yyyy is never month first)."""
    if sep == "." and order == "mdy":
        order = "dmy"
    y = "%y" if year2 else "%Y"
    fmt = (f"%d{sep}%m{sep}{y}" if order == "dmy" else f"%m{sep}%d{sep}{y}") + " 10:30"
    lines = [f"{i},{d.strftime(fmt)},P{i % 3},1,2.50,EUR,DE" for i, d in enumerate(days)]
    p = tmp_path / "orders.csv"
    p.write_text(ORDERS_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    con = connect(":memory:")
    s = Settings(pseudonym_key="k", report_dir=str(tmp_path / "rej"))
    ambiguous = not any(d.day > 12 for d in days) and any(d.day != d.month for d in days) and sep != "."
    try:
        ingest_path(con, p, "orders", settings=s)
    except BadInputError as exc:
        assert ambiguous, str(exc)
        assert "day first or month first" in str(exc) and "date_format" in str(exc)
        return
    assert not ambiguous
    got = [
        r[0]
        for r in con.execute(
            "SELECT ordered_at FROM order_lines ORDER BY CAST(order_id AS INTEGER)"
        ).fetchall()
    ]
    assert got == [dt.datetime(d.year, d.month, d.day, 10, 30) for d in days]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cents=st.lists(st.integers(1, 10**9), min_size=1, max_size=25),
    german=st.booleans(),
)
def test_decimal_mark_of_a_column_is_read_right(tmp_path, cents, german):
    """Prices written 1,234.56 (English) or 1.234,56 (German, ';' between fields) are stored as the same numbers."""

    def fmt(c: int) -> str:
        s = f"{c / 100:,.2f}"
        return s.replace(",", " ").replace(".", ",").replace(" ", ".") if german else s

    delim = ";" if german else ","
    rows = [delim.join([str(i), "2021-03-05", "P", "1", fmt(c), "EUR", "DE"]) for i, c in enumerate(cents)]
    text = (
        ORDERS_HEADER.replace(",", delim)
        + "\n"
        + "\n".join(
            r
            if german
            else ",".join(f'"{v}"' if "," in v else v for v in r.split(delim, 4)[:4])
            + ","
            + f'"{fmt(c)}",EUR,DE'
            for r, c in zip(rows, cents, strict=True)
        )
        + "\n"
    )
    p = tmp_path / "orders.csv"
    p.write_text(text, encoding="utf-8")
    con = connect(":memory:")
    ingest_path(con, p, "orders", settings=Settings(pseudonym_key="k", report_dir=str(tmp_path / "rej")))
    got = [
        r[0]
        for r in con.execute(
            "SELECT unit_price FROM order_lines ORDER BY CAST(order_id AS INTEGER)"
        ).fetchall()
    ]
    assert got == [c / 100 for c in cents]
