"""Build-speed benchmark: deckbuilder against the irreducible work, on a corpus of seed copies.

For N copies of the seed (distinct titles, so distinct decks), it measures in one run:

- full build: empty decks folder and an empty cache;
- rebuild with no change;
- rebuild after one source changed (a fact's answer edited: its deck gets a new version);
- peak memory (RSS) of the full build;
- the baseline: markdown-it parsing and rendering every source once, plus genanki writing the
  same number of notes into the same number of decks;
- the CPU seconds of the full build (its worker processes included) and of the baseline: the
  work done, which a busy machine changes much less than the wall-clock time;
- how the machine's cores scale: how many times as fast as one process the same loop ran in
  one process per core (on a virtual machine whose cores are shared, well under the count).

Each figure is the median of several runs of a fresh process (``python -m builder build``),
timed from outside. It prints the figures, their ratios and the targets:

    python bench/bench.py            # N = 30 and 100, 3 runs each
    python bench/bench.py --sizes 10 --runs 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"

BASELINE = r"""
import sys, genanki
from pathlib import Path
from markdown_it import MarkdownIt
corpus, out, notes_per_deck = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
model = genanki.Model(1, "baseline", fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
out.mkdir(parents=True, exist_ok=True)
for n, source in enumerate(sorted(corpus.glob("*.md"))):
    html = md.render(source.read_text(encoding="utf-8"))
    deck = genanki.Deck(1000 + n, source.stem)
    for i in range(notes_per_deck):
        deck.add_note(genanki.Note(model=model, fields=[f"{source.stem} {i}", html[i * 40 : i * 40 + 400]], guid=f"{n}-{i}"))
    genanki.Package(deck).write_to_file(str(out / f"{source.stem}.apkg"), timestamp=1)
"""


SPIN = "x = 0\nfor i in range(10_000_000):\n    x += i\n"


def core_scaling(rounds: int = 3) -> float:
    """How many times the work of one process the machine's cores did at once: a CPU loop run
    alone, then in each of ``os.cpu_count()`` processes side by side (medians of ``rounds``)."""
    cores = os.cpu_count() or 1
    alone, together = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", SPIN], check=True)
        alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(cores)]
        for proc in procs:
            proc.wait()
        together.append(time.perf_counter() - start)
    return cores * statistics.median(alone) / statistics.median(together)


EDITED = "CPU profiling to find hot allocation paths"
"""The answer of one of the seed's facts, which the one-source rebuild edits."""


def make_corpus(folder: Path, copies: int) -> None:
    """``copies`` copies of the seed, each with its own title (so its own deck)."""
    text = SEED.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    folder.mkdir(parents=True)
    for n in range(copies):
        (folder / f"seed-{n:03d}.md").write_text(f"{first} — copy {n:03d}\n{rest}", encoding="utf-8")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds of one fresh process (the CPU of the
    worker processes it waited for included: Linux counts them in the process's own usage)."""
    # Its messages go to a file: a pipe nobody reads while it runs fills up (a build of 100
    # sources warns more than a pipe holds) and the build would wait on it forever.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read().decode()}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def measure(copies: int, runs: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="deckbuilder-bench-"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    corpus = work / "corpus"
    make_corpus(corpus, copies)
    build = [sys.executable, "-m", "builder", "build", str(corpus), "--out"]
    full, memory, unchanged, one, base, full_cpu, base_cpu = [], [], [], [], [], [], []
    try:
        notes = None
        for run in range(runs):
            out = work / f"decks-{run}"
            env["DECKBUILDER_CACHE"] = str(work / f"cache-{run}")  # each full build starts cold
            seconds, rss, cpu = timed([*build, str(out)], env)
            full.append(seconds)
            memory.append(rss)
            full_cpu.append(cpu)
            unchanged.append(timed([*build, str(out)], env)[0])
            victim = corpus / "seed-000.md"
            original = victim.read_text(encoding="utf-8")
            # One fact's answer edited: its deck gets a new version (compared, packaged, written).
            edited = original.replace(EDITED, f"{EDITED} (run {run})")
            assert edited != original, f"the seed no longer says “{EDITED}”"
            victim.write_text(edited, encoding="utf-8")
            one.append(timed([*build, str(out)], {**env, "SOURCE_DATE_EPOCH": str(1700000000 + run + 1)})[0])
            victim.write_text(original, encoding="utf-8")
            if notes is None:
                notes = _notes_per_deck(out)
            seconds, _, cpu = timed(
                [sys.executable, "-c", BASELINE, str(corpus), str(work / f"base-{run}"), str(notes)], env
            )
            base.append(seconds)
            base_cpu.append(cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "full": statistics.median(full),
        "unchanged": statistics.median(unchanged),
        "one": statistics.median(one),
        "memory": max(memory),
        "baseline": statistics.median(base),
        "full_cpu": statistics.median(full_cpu),
        "baseline_cpu": statistics.median(base_cpu),
    }


def _notes_per_deck(out: Path) -> int:
    import json

    manifest = next(out.glob("*.manifest.json"))
    return len(json.loads(manifest.read_text(encoding="utf-8"))["notes"])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[30, 100], help="corpus sizes (copies of the seed)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    args = parser.parse_args()
    results = {}
    print(
        f"deckbuilder benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {args.runs} runs;"
        f" the cores did {core_scaling():.2f}x the work of one"
    )
    print(
        f"{'N':>5} {'full s':>8} {'baseline s':>10} {'full/base':>9} {'no change s':>11} {'/full':>6} {'one file s':>10} {'/full':>6} {'peak MB':>8}"
        f" {'full CPU s':>10} {'base CPU s':>10} {'CPU ratio':>9}"
    )
    for size in args.sizes:
        r = measure(size, args.runs)
        results[size] = r
        print(
            f"{size:>5} {r['full']:>8.2f} {r['baseline']:>10.2f} {r['full'] / r['baseline']:>9.2f}"
            f" {r['unchanged']:>11.2f} {r['unchanged'] / r['full']:>6.2f} {r['one']:>10.2f}"
            f" {r['one'] / r['full']:>6.2f} {r['memory'] / 1e6:>8.0f}"
            f" {r['full_cpu']:>10.2f} {r['baseline_cpu']:>10.2f} {r['full_cpu'] / r['baseline_cpu']:>9.2f}"
        )
    print()
    print("targets:")
    for size, r in results.items():
        print(
            f"  N={size}: full within 1.25x baseline: {r['full'] / r['baseline']:.2f}x {verdict(r['full'] <= 1.25 * r['baseline'])}"
        )
        print(
            f"  N={size}: no-change rebuild within 0.1x full: {r['unchanged'] / r['full']:.2f}x {verdict(r['unchanged'] <= 0.1 * r['full'])}"
        )
        print(
            f"  N={size}: one-file rebuild within 0.3x full: {r['one'] / r['full']:.2f}x {verdict(r['one'] <= 0.3 * r['full'])}"
        )
    if 100 in results:
        print(
            f"  N=100: peak memory under 300 MB: {results[100]['memory'] / 1e6:.0f} MB {verdict(results[100]['memory'] < 300e6)}"
        )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        factor = sizes[-1] / sizes[0]
        growth = large["full"] / small["full"]
        print(
            f"  linear: {factor:.2f}x the corpus took {growth:.2f}x the time (at most {1.1 * factor:.2f}x): {verdict(growth <= 1.1 * factor)}"
        )


if __name__ == "__main__":
    main()
