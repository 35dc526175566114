"""Property tests: malformed files never raise anything but a clear BadInputError, and every row is accounted for."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.test_formats import HEADER, ROWS
from xborder.errors import BadInputError
from xborder.ingest import ingest_path
from xborder.settings import Settings
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
