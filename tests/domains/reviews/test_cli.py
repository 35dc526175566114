"""`xborder reviews analyze` and `xborder reviews score`: JSON output, both languages, exit code 2 on bad input."""

from __future__ import annotations

import json

import pytest

from tests.clirun import run_cli


def test_score_text_file_json_lines(tmp_path, monkeypatch, capsys) -> None:
    f = tmp_path / "r.txt"
    f.write_text(
        "Love it, works perfectly\n\nBroke after a day, too loud\n质量很差，很失望\n😀😀\n", encoding="utf-8"
    )
    code, out, _ = run_cli(["reviews", "score", str(f), "--json"], monkeypatch, capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in rows] == [1, 3, 4, 5]  # the blank line is skipped; rows keep their line number
    assert [r["sentiment"] for r in rows[:3]] == ["positive", "negative", "negative"]
    assert rows[1]["aspects"] == ["durability", "noise"] and rows[2]["language"] == "zh"
    assert rows[3]["flags"] == ["emoji_only"]


def test_score_splits_lines_at_newline_only(tmp_path, monkeypatch, capsys) -> None:
    """Separators str.splitlines also breaks at stay inside their review: 1,000 lines give 1,000 rows."""
    inside = ["\u0085", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]
    lines = [f"Review {i}: too loud{inside[i % len(inside)]}broke after a week" for i in range(1000)]
    lines[7] = "\u2028Love it\u2029"  # a separator at either end of the line
    f = tmp_path / "r.txt"
    f.write_bytes(("\r\n".join(lines[:500]) + "\r\n" + "\n".join(lines[500:]) + "\n").encode("utf-8"))
    code, out, _ = run_cli(["reviews", "score", str(f), "--json"], monkeypatch, capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.split("\n") if line]
    assert len(rows) == 1000 and [r["row"] for r in rows] == list(range(1, 1001))
    assert rows[500]["text"] == "Review 500: too loud broke after a week"  # \u2029 read as a space
    assert rows[0]["text"] == "Review 0: too loud broke after a week"  # \u0085 read as a space, no \r left
    assert rows[7]["text"] == "Love it" and rows[7]["sentiment"] == "positive"
    assert all(r["sentiment"] == "negative" for i, r in enumerate(rows) if i != 7)


def test_score_csv_column_in_cp1252(tmp_path, monkeypatch, capsys) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(
        'id,comment\n1,"Größe passt, schöne Farbe, love it"\n2,"Awful quality, cheap plastic"\n'.encode(
            "cp1252"
        )
    )
    code, out, _ = run_cli(["reviews", "score", str(f), "--column", "comment", "--json"], monkeypatch, capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["text"].startswith("Größe") and rows[1]["sentiment"] == "negative"


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("missing.txt", None, [], "does not exist"),
        ("r.csv", "id,comment,stars\n1,ok,5\n", ["--column", "body"], "has no column 'body'"),
        ("r2.csv", "id,x,y\n1,ok,5\n", [], "which column holds the review text"),
    ],
)
def test_score_bad_input_exits_2(tmp_path, monkeypatch, capsys, name, content, extra, message) -> None:
    f = tmp_path / name
    if content is not None:
        f.write_text(content, encoding="utf-8")
    code, _, err = run_cli(["reviews", "score", str(f), *extra], monkeypatch, capsys)
    assert code == 2 and message in " ".join(err.split()) and "Traceback" not in err


def test_analyze_json_and_chinese_summary(review_db, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(
        ["--db", str(review_db), "reviews", "analyze", "--market", "US", "--json"], monkeypatch, capsys
    )
    assert code == 0
    data = json.loads(out)
    g = data["groups"][0]
    assert g["group"]["product_id"] == "shop:fan1" and g["group"]["market"] == "US"
    assert g["opportunities"][0]["aspect"] == "noise" and len(g["opportunities"][0]["examples"]) == 3
    assert "noise" in g["summary"] and data["run"]["reviews"] > 100
    code, out, _ = run_cli(
        ["--db", str(review_db), "reviews", "analyze", "--product", "shop:fan1", "--lang", "zh"],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "噪音" in out and "差评" in out


def test_analyze_without_reviews_exits_2(tmp_path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(
        ["--db", str(tmp_path / "empty.duckdb"), "reviews", "analyze"], monkeypatch, capsys
    )
    assert code == 2 and "No reviews" in " ".join(err.split())
