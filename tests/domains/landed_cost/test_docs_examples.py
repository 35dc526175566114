"""Every `xborder landed-cost` / `xborder fx` example in docs/landed-cost.md runs and exits 0."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "landed-cost.md"


def _examples() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    cmds = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for cmd in block.replace("\\\n", " ").splitlines():
            if cmd.strip().startswith("xborder "):
                cmds.append(shlex.split(cmd)[1:])
    cmds += [shlex.split(m)[1:] for m in re.findall(r"`(xborder fx rate [^`]+)`", text)]
    return cmds


def test_the_doc_has_examples() -> None:
    assert len(_examples()) >= 4


@pytest.mark.shared_data
@pytest.mark.parametrize("args", _examples(), ids=lambda a: " ".join(a)[:60])
def test_doc_example_runs(args: list[str], tmp_path: Path, retail_warehouse: Path) -> None:
    args = [str(tmp_path / a) if a.endswith(".html") else a for a in args]
    env = os.environ | {"XBORDER_DB": str(retail_warehouse)}
    p = subprocess.run(
        [sys.executable, "-m", "xborder.cli.main", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().startswith("{")
