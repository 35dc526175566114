"""Build the bundled FX table from the ECB's euro reference rates (run once; output committed).

Reads ``eurofxref-hist.zip`` (the ECB's own file; default: ../shared/data/ecb_euro_fx_reference_rates/)
and writes ``src/xborder/reference/data/fx/ecb_eurofxref.csv.gz``: one row per ECB business day from
2019-01-01, one column per currency (units of currency per 1 EUR). Source: ECB (free reuse with the
source acknowledged). Currencies the ECB does not publish (SAR, AED, VND) are in ``fx/pegged.csv``.

Usage: ``python scripts/build_fx_table.py [PATH_TO_ZIP]``
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xborder.reference.fx import CURRENCIES, read_ecb_file  # noqa: E402

OUT = ROOT / "src" / "xborder" / "reference" / "data" / "fx" / "ecb_eurofxref.csv.gz"


def main(argv: list[str]) -> int:
    src = (
        Path(argv[1])
        if len(argv) > 1
        else ROOT.parent / "shared" / "data" / "ecb_euro_fx_reference_rates" / "eurofxref-hist.zip"
    )
    df = read_ecb_file(src)
    df = df[df["date"] >= "2019-01-01"]
    cols = ["date", *[c for c in CURRENCIES if c in df.columns]]
    df[cols].to_csv(OUT, index=False, compression={"method": "gzip", "mtime": 0}, float_format="%.6g")
    print(
        f"wrote {len(df)} days x {len(cols) - 1} currencies ({df['date'].min()} .. {df['date'].max()}) to {OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
