"""``xborder projects refit``: refit the selection's group weights on the warehouse's own judged launches."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import console, emit, open_warehouse, state
from xborder.core import i18n

__all__ = ["register", "refit"]


def refit(
    ctx: typer.Context,
    min_projects: Annotated[
        int | None,
        typer.Option(
            "--min-projects", min=2, help="Fewest judged projects (default: launch_refit_min_projects)."
        ),
    ] = None,
    write_profile: Annotated[
        Path | None,
        typer.Option("--write-profile", help="Write the refit weights as a selection profile file (TOML)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en | zh.")] = "en",
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Fit the selection's group weights on launched projects: their frozen factors against judged outcomes."""
    if json_out:
        state(ctx).json = True
    import pandas as pd

    from xborder.domains.launch.refit_projects import (
        ProjectRefitRules,
        project_profile_toml,
        refit_on_projects,
    )
    from xborder.domains.launch.stage.io import read_frozen_factors, run_rows

    settings = state(ctx).settings
    rules = ProjectRefitRules(min_projects=min_projects or settings.launch_refit_min_projects)
    con = open_warehouse(ctx, read_only=True)
    try:
        factors = read_frozen_factors(con)
        cols = ["run_id", "project_id", "launched_at", "success"]
        outcomes = run_rows(con, "launch_outcomes", columns=cols)
        if outcomes.empty:
            outcomes = pd.DataFrame(columns=cols)
    finally:
        con.close()
    result = refit_on_projects(factors, outcomes, rules)
    data: dict[str, Any] = {
        **asdict(result),
        "outcomes_run_id": outcomes["run_id"].iloc[0] if len(outcomes) else None,
    }
    if write_profile is not None and result.status == "fitted":
        write_profile.write_text(project_profile_toml(result), encoding="utf-8")
        data["profile_file"] = str(write_profile)

    def render(d: dict[str, Any]) -> None:
        if d["status"] != "fitted":
            console.print(i18n.render("launch.refit_too_few", lang, judged=d["judged"], needed=d["needed"],
                                      with_factors=d["with_factors"]))  # fmt: skip
            return
        console.print(i18n.render("launch.refit_done", lang, judged=d["judged"], successes=d["successes"],
                                  before=d["auc_frozen"] or 0.0, after=d["auc_refit"] or 0.0))  # fmt: skip
        for g in d["groups"]:
            console.print(f"  {g:<22} {d['frozen_weights'][g]:.3f} -> {d['refit_weights'][g]:.3f}")
        h = d["holdout"]
        if h and h.get("auc_refit") is not None and h.get("auc_frozen") is not None:
            console.print(i18n.render("launch.refit_holdout", lang, train=h["train"], test=h["test"],
                                      before=h["auc_frozen"], after=h["auc_refit"]))  # fmt: skip
        if "profile_file" in d:
            console.print(i18n.render("launch.refit_profile", lang, path=d["profile_file"]))

    emit(ctx, data, render)


def register(app: typer.Typer) -> None:
    """Add ``refit`` to the ``projects`` sub-app."""
    app.command("refit")(refit)
