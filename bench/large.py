"""Scale benchmark: one deck from one very large source, to show the build stays linear.

A source holding one table of N rows gives N table-cell notes in one deck. For each N it times a
fresh ``python -m builder build`` into an empty decks folder (cache off) and prints the seconds,
the seconds per thousand notes and the growth against the smallest size:

    python bench/large.py                  # N = 10000, 20000, 40000
    python bench/large.py --sizes 5000 50000

Linear means the per-thousand figure stays about flat as N doubles.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_seconds(rows: int) -> float:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "source"
        source.mkdir()
        lines = "\n".join(f"| key {i} | value {i} |" for i in range(rows))
        (source / "table.md").write_text(
            f"# Table\n\n## Rows\n\n| Key | Value |\n|---|---|\n{lines}\n", encoding="utf-8"
        )
        env = {
            **os.environ,
            "DECKBUILDER_CACHE": str(Path(work) / "cache"),
            "SOURCE_DATE_EPOCH": "1700000000",
        }
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "builder", "build", str(source), "--out", str(Path(work) / "decks")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    sizes = parser.parse_args().sizes
    first = None
    print(f"{'rows':>8} {'seconds':>8} {'s/1k notes':>11} {'vs first':>9}")
    for rows in sizes:
        seconds = build_seconds(rows)
        per = seconds / rows * 1000
        first = first or per
        print(f"{rows:>8} {seconds:>8.2f} {per:>11.3f} {per / first:>8.2f}x")


if __name__ == "__main__":
    main()
