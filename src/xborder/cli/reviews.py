"""`xborder reviews analyze` (findings per product × market) and `xborder reviews score FILE` (no ingest)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, progress, state

__all__ = ["register", "analyze", "score"]

reviews_app = typer.Typer(
    help="Voice of the customer: pain points, delights and needs from reviews.", no_args_is_help=True
)

_TEXT_COLUMNS = (
    "text",
    "review",
    "review_text",
    "review text",
    "reviews.text",
    "verified_reviews",
    "content",
    "comment",
    "body",
    "sentence",
)


def _json_flag(ctx: typer.Context, json_out: bool) -> None:
    if json_out:
        state(ctx).json = True


@reviews_app.command("analyze")
def analyze(
    ctx: typer.Context,
    product: Annotated[
        list[str] | None, typer.Option("--product", help="Only this product id (repeatable).")
    ] = None,
    market: Annotated[
        list[str] | None, typer.Option("--market", help="Only this ISO2 market (repeatable; ZZ = unknown).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the summaries: en | zh.")] = "en",
    limit: Annotated[
        int, typer.Option("--limit", help="Most products × markets to show (largest first).")
    ] = 10,
    category: Annotated[
        bool, typer.Option("--category", help="Show category × market findings instead of products.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="Processes annotating reviews in parallel.")] = 1,
    nlp: Annotated[
        bool, typer.Option("--nlp", help="Embedding sentiment and phrase grouping (needs the nlp extra).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Analyse the warehouse's reviews: aspects ranked by share of negative reviews, phrases, needs, examples."""
    from xborder.core.errors import BadInputError
    from xborder.domains.reviews.stage import STAGE
    from xborder.domains.reviews.stage.queries import findings
    from xborder.domains.reviews.summary import group_messages
    from xborder.domains.reviews.wording import render_messages
    from xborder.pipeline.runner import run_stage

    _json_flag(ctx, json_out)
    if lang not in {"en", "zh"}:
        raise BadInputError(f"--lang must be en or zh; got {lang!r}.")
    st = state(ctx)
    con = open_warehouse(ctx)
    try:
        with progress(ctx) as bar:
            task = bar.add_task("reviews", total=100)

            def report(fraction: float, message: str) -> None:
                bar.update(task, completed=int(fraction * 100), description=message[:60])

            run_id, summary = run_stage(
                con,
                st.settings,
                STAGE,
                {"product_ids": product or None, "workers": workers, "nlp": nlp},
                markets=market or None,
                progress=report,
            )
        groups = findings(
            con,
            run_id,
            scope="category" if category else "product",
            product_ids=product or None,
            markets=market or None,
            limit=limit,
        )
    finally:
        con.close()
    if not summary.get("reviews"):
        raise BadInputError(
            "No reviews matched in the warehouse"
            + (" for the given --product/--market." if product or market else "."),
            hint="Load reviews first: xborder ingest FILE --as reviews.",
        )
    for g in groups:
        paragraph = group_messages(
            g["group"], g["opportunities"], [d["phrase"] for d in g["delights"]], g["cues"]
        )
        g["summary"] = render_messages(paragraph, lang)
    emit(ctx, {"run": summary, "groups": groups}, lambda d: _render_analysis(d, lang))


def _trend(direction: str | None, lang: str) -> str:
    from xborder.core.i18n import has, render

    if not direction:
        return "–"
    code = f"reviews.trend_word.{direction}"
    return render(code, lang) if has(code, lang) else direction


def _render_analysis(data: dict[str, Any], lang: str) -> None:
    from rich.table import Table

    from xborder.core.i18n import render

    run = data["run"]
    console.print(
        f"[bold]Reviews run {run['run_id']}[/]: {run['reviews']:,} reviews, "
        f"{run.get('improvement_opportunities', 0)} improvement opportunities, "
        f"{run.get('reviews_per_second', 0):,.0f} reviews/s. Languages: "
        + ", ".join(f"{k} {v:,}" for k, v in list(run.get("languages", {}).items())[:6])
    )
    flags = {k: v for k, v in run.get("text_flags", {}).items() if v}
    if flags:
        console.print("Text problems handled: " + ", ".join(f"{k} {v:,}" for k, v in flags.items()))
    for g in data["groups"]:
        console.print()
        console.print(g["summary"], highlight=False)
        if not g["opportunities"]:
            continue
        t = Table(show_header=True, header_style="bold")
        for c in ("aspect", "share", "trend", "example"):
            t.add_column(render(f"reviews.table.{c}", lang))
        for o in g["opportunities"][:5]:
            ex = o["examples"][0]["text"] if o["examples"] else ""
            t.add_row(
                o["aspect_zh"] if lang == "zh" else o["aspect"],
                f"{100 * o['evidence_share']:.0f}% ({o['n_reviews']})",
                _trend(o.get("trend_direction"), lang),
                ex[:120] + ("…" if len(ex) > 120 else ""),
            )
        console.print(t)


def _read_rows(path: Path, column: str | None) -> tuple[list[int], list[str], str]:
    """Row numbers and texts of a text file or of a CSV/TSV column, and the file's encoding.

    A text file holds one review per line: lines end at ``\n`` only (a trailing ``\r`` is dropped), so
    characters ``str.splitlines`` would also break at (U+0085, U+2028, U+2029, ``\x0b``, ``\x0c``,
    ``\x1c``-``\x1e``) stay inside their review; blank lines are skipped and a row's number is its line
    number. A CSV/TSV row's number is its position among the data rows.
    """
    import io

    import pandas as pd

    from xborder.core.errors import BadInputError
    from xborder.domains.reviews.clean import decode_bytes

    if not path.is_file():
        raise BadInputError(
            f"File {path} does not exist.", hint="Give the path of a .txt, .csv or .tsv file."
        )
    raw = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        raw = gzip.decompress(raw)
    text, encoding = decode_bytes(raw)
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".csv", ".tsv")):
        sep = "\t" if name.endswith(".tsv") else None
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise BadInputError(
                f"{path} is not a readable CSV: {exc}",
                hint="Check the delimiter and quoting, or pass a plain text file with one review per line.",
            ) from exc
        if column is None:
            lower = {c.lower().strip(): c for c in df.columns}
            found = next((lower[c] for c in _TEXT_COLUMNS if c in lower), None)
            if found is None and len(df.columns) == 1:
                found = df.columns[0]
            if found is None:
                raise BadInputError(
                    f"{path}: which column holds the review text?",
                    hint=f"Pass --column with one of: {', '.join(map(str, df.columns))}.",
                )
            column = found
        if column not in df.columns:
            raise BadInputError(
                f"{path} has no column {column!r}.",
                hint=f"Its columns are: {', '.join(map(str, df.columns))}.",
            )
        texts = df[column].astype(str).tolist()
        return list(range(1, len(texts) + 1)), texts, encoding
    if column is not None:
        raise BadInputError(
            f"--column applies to .csv/.tsv files; {path.name} is read as one review per line."
        )
    numbers, texts = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            numbers.append(number)
            texts.append(line.removesuffix("\r"))
    return numbers, texts, encoding


@reviews_app.command("score")
def score(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Text file (one review per line) or CSV/TSV (optionally .gz).")
    ],
    column: Annotated[str | None, typer.Option("--column", help="CSV column with the review text.")] = None,
    nlp: Annotated[
        bool, typer.Option("--nlp", help="English sentiment from sentence embeddings (needs the nlp extra).")
    ] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help="One JSON object per row (JSON Lines) on stdout.")
    ] = False,
) -> None:
    """Score the sentiment of every row of a file without ingesting it."""
    import pandas as pd

    from xborder.domains.reviews.annotate import annotate_reviews

    _json_flag(ctx, json_out)
    numbers, texts, encoding = _read_rows(file, column)
    df = pd.DataFrame({"review_id": [str(n) for n in numbers], "text": texts})
    rows: list[dict[str, Any]] = []
    flags: dict[str, int] = {}
    for start in range(0, len(df), 5000):
        ann, fl = annotate_reviews(df.iloc[start : start + 5000], with_phrases=False, nlp=nlp)
        flags = {k: flags.get(k, 0) + v for k, v in fl.items()}
        r: Any
        for r in ann.itertuples(index=False):
            p = r.polarity
            rows.append(
                {
                    "row": int(r.review_id),
                    "language": r.language,
                    "sentiment": None
                    if pd.isna(p)
                    else {-1: "negative", 0: "neutral", 1: "positive"}[int(p)],
                    "score": None
                    if r.sentiment_score != r.sentiment_score
                    else round(float(r.sentiment_score), 4),
                    "source": r.sentiment_source,
                    "aspects": list(r.aspects),
                    "flags": [f for f in r.flags.split(",") if f],
                    "text": r.text_clean[:200],
                }
            )
    if state(ctx).json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    _render_scores(rows, flags, file, encoding)


def _render_scores(rows: list[dict[str, Any]], flags: dict[str, int], file: Path, encoding: str) -> None:
    from collections import Counter

    from rich.table import Table

    t = Table(title=f"{file.name} ({encoding})")
    for c in ("row", "lang", "sentiment", "score", "aspects", "text"):
        t.add_column(c)
    for r in rows[:50]:
        t.add_row(
            str(r["row"]),
            r["language"] or "?",
            r["sentiment"] or "–",
            "" if r["score"] is None else f"{r['score']:.2f}",
            ", ".join(r["aspects"]),
            r["text"][:70],
        )
    console.print(t)
    if len(rows) > 50:
        console.print(f"… {len(rows) - 50:,} more rows (use --json for all).")
    counts = Counter(r["sentiment"] for r in rows)
    console.print(
        f"{len(rows):,} rows: {counts.get('positive', 0):,} positive, {counts.get('negative', 0):,} negative, "
        f"{counts.get('neutral', 0):,} neutral, {counts.get(None, 0):,} not scored (unsupported language or empty)."
    )
    problems = {k: v for k, v in flags.items() if v}
    if problems:
        console.print("Text problems handled: " + ", ".join(f"{k} {v:,}" for k, v in problems.items()))


def register(app: typer.Typer) -> None:
    """Add the `reviews` command group to the main app."""
    app.add_typer(reviews_app, name="reviews")
