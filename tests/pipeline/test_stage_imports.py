"""A single stage's command imports its own domain, not every domain of the registry.

``pipeline.runner`` used to import the stage registry at module level, which loads every domain's engines
(scipy.stats, scipy.optimize, networkx ...): about 1.2 CPU-s more at the start of every stage command
(`xborder reviews ...`, `xborder forecast ...`). Only a whole run (``run_pipeline``) needs the registry.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = """
import json, sys
from xborder.pipeline.runner import run_stage  # what every stage command imports
import xborder.domains.reviews.stage
print("LOADED " + json.dumps(sorted(m for m in ("networkx", "scipy.stats", "scipy.optimize",
      "xborder.pipeline.registry", "xborder.domains.logistics.stage", "xborder.domains.customers.stage")
      if m in sys.modules)))
"""


def test_a_stage_command_does_not_load_the_other_domains() -> None:
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=300)
    line = [x for x in out.stdout.splitlines() if x.startswith("LOADED ")]
    assert line, out.stdout[-2000:] + out.stderr[-2000:]
    assert json.loads(line[-1][len("LOADED ") :]) == []
