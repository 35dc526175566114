"""Property tests: malformed files never raise anything but a clear BadInputError, and every row is accounted for."""

from __future__ import annotations

import csv
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
