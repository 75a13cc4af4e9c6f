"""Scale benchmark: one very large deck, released three times, to show releasing stays linear.

For each N it writes one source of N notes (sections of a table and a pair of repeated labels;
the first section's table holds a tenth of the notes, all giving one answer, as a column of
genders or of yes and no does) and releases it four times into one decks folder, through the use case the ``build`` command
runs (:func:`builder.usecase.run`, ``goal="release"``, no cache), or with ``--cli`` through the
command itself (``python -m builder build``, in a fresh process, with its cache):

1. the first release, into an empty decks folder;
2. a second release after one character of one answer changed (a patch);
3. a third release after a few hundred edits: answers changed, rows removed, rows added and
   row labels renamed (a minor version);
4. a fourth release after the first section's heading was renamed: a tenth of the notes get
   new keys, and each must be told from the others that teach the same (a patch).

It prints each release's seconds and seconds per thousand notes, and the per-thousand figure
against the smallest size's:

    python bench/large.py                        # N = 10000, 40000, 100000
    python bench/large.py --sizes 5000 20000
    python bench/large.py --sizes 10000 --profile /tmp/prof   # cProfile of each release:
    python -m pstats /tmp/prof/10000/release-2.prof           # then: sort cumulative, stats 30
    python bench/large.py --cli --sizes 10000 40000

With ``--many`` it measures many small decks instead: N sources of a few notes each (one deck
each), built as the ``build`` command builds them (through a cache and the no-change stamp,
both in a temporary folder): the full build into an empty decks folder, then a build after one
source of the N changed, and the second's time as a fraction of the first's:

    python bench/large.py --many 1000 5000

Linear means the per-thousand figures stay about flat as N grows. The edits of the third
release are the same number at every size, so its figure is flat only when comparing a deck
with its last release costs the same per note whatever the deck's size; the fourth's only when
telling apart renamed notes that teach the same costs the same per note however many they are.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import deep  # noqa: E402
from builder.cache import Cache  # noqa: E402
from builder.usecase import Request, run  # noqa: E402

T = TypeVar("T")

ROWS = 98
"""Table rows per section; each section also has two notes of one repeated label."""
EDITED, REMOVED, ADDED, RENAMED = 300, 100, 100, 20
"""The third release's edits, the same at every size."""


@dataclass
class Source:
    """The generated source: each section's heading and table rows (term, meaning)."""

    headings: list[str]
    tables: list[list[tuple[str, str]]]


def generated(notes: int) -> Source:
    """A source of ``notes`` notes: each table row is one, and each section has two more. The
    first section holds a tenth of them, all giving one answer; the others :data:`ROWS` rows."""
    first = max(1, notes // 10 - 2)
    tables = [[(f"t0.{i}", "same") for i in range(first)]]
    left = notes - first - 2
    while left > 2:
        rows = min(ROWS, left - 2)
        tables.append([(f"t{len(tables)}.{i}", f"m{len(tables)}.{i}") for i in range(rows)])
        left -= rows + 2
    return Source([f"Part {n}" for n in range(len(tables))], tables)


def markdown(source: Source) -> str:
    """The source's text: a heading per section, its table, and a repeated label."""
    lines = ["# Large", ""]
    for n, (heading, rows) in enumerate(zip(source.headings, source.tables, strict=True)):
        lines += [f"## {heading}", "", "| Term | Meaning |", "|---|---|"]
        lines += [f"| {term} | {meaning} |" for term, meaning in rows]
        lines += ["", f"- **Port:** {8000 + n}", f"- **Port:** {9000 + n}", ""]
    return "\n".join(lines)


def one_character(source: Source) -> None:
    """One character of one answer, in the middle of the deck, changed."""
    middle = source.tables[len(source.tables) // 2]
    term, meaning = middle[0]
    middle[0] = (term, meaning + "x")


def a_few_hundred(source: Source) -> None:
    """Answers edited, rows removed, rows added and row labels renamed, spread over the deck
    (the first section left as it is)."""
    parts = source.tables
    stride = max(1, len(parts) // 50)
    spots = [(s, r) for s in range(1, len(parts), stride) for r in range(len(parts[s]))]
    step = max(1, len(spots) // (EDITED + REMOVED + RENAMED))
    chosen = spots[::step][: EDITED + REMOVED + RENAMED]
    edit, remove, rename = (
        chosen[:EDITED],
        chosen[EDITED : EDITED + REMOVED],
        chosen[EDITED + REMOVED :],
    )
    for s, r in edit:
        term, meaning = parts[s][r]
        parts[s][r] = (term, f"{meaning} edited")
    for s, r in rename:
        term, meaning = parts[s][r]
        parts[s][r] = (f"{term} renamed", meaning)
    for s, r in sorted(remove, reverse=True):
        del parts[s][r]
    for n in range(ADDED):
        parts[1 + n * (len(parts) - 1) // ADDED].append((f"added {n}", f"new meaning {n}"))


def heading_renamed(source: Source) -> None:
    """The first section's heading renamed: its notes teach what they did under new keys."""
    source.headings[0] = f"{source.headings[0]} renamed"


def timed(label: str, action: Callable[[], object], profile: Path | None) -> float:
    """Wall seconds of ``action``; with ``profile``, its cProfile statistics are kept there
    (``<label>.prof``), those of the thread that reads sources (:mod:`builder.deep`) included."""
    if profile is None:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start
    profilers = [cProfile.Profile()]
    in_thread = deep.run

    def profiled_run(task: Callable[[], T]) -> T:
        profilers.append(cProfile.Profile())
        return in_thread(partial(profilers[-1].runcall, task))

    deep.run = profiled_run
    try:
        start = time.perf_counter()
        profilers[0].runcall(action)
        seconds = time.perf_counter() - start
    finally:
        deep.run = in_thread
    profile.mkdir(parents=True, exist_ok=True)
    pstats.Stats(*profilers).dump_stats(profile / f"{label}.prof")
    return seconds


def release(source: Path, out: Path) -> None:
    """Release the decks of ``source`` into ``out`` as ``build`` does, in this process."""
    result = run([str(source)], out, Request(goal="release"))
    if result.failed or not result.written or result.written[0][0].bump is None:
        raise SystemExit(f"the release of {source} into {out} failed")


def release_by_command(source: Path, out: Path) -> None:
    """Release the decks of ``source`` into ``out`` with ``python -m builder build``."""
    env = {**os.environ, "DECKBUILDER_CACHE": str(out.parent / "cache")}
    command = [sys.executable, "-m", "builder", "build", str(source), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")


def releases(notes: int, cli: bool, profile: Path | None) -> tuple[int, list[float]]:
    """The deck's note count and the seconds of each of its releases."""
    with tempfile.TemporaryDirectory(prefix="deckbuilder-large-") as work:
        source, out = Path(work) / "source", Path(work) / "decks"
        source.mkdir()
        text = source / "large.md"
        made = generated(notes)
        action = release_by_command if cli else release
        seconds = []
        for step, edit in enumerate((None, one_character, a_few_hundred, heading_renamed), start=1):
            if edit is not None:
                edit(made)
            text.write_text(markdown(made), encoding="utf-8")
            os.environ["SOURCE_DATE_EPOCH"] = str(1_700_000_000 + step)
            where = profile / str(notes) if profile else None
            seconds.append(timed(f"release-{step}", partial(action, source, out), where))
        manifest = next(out.glob("*.manifest.json")).read_text(encoding="utf-8")
        return len(json.loads(manifest)["notes"]), seconds


def small(n: int, edit: int = 0) -> str:
    """The text of the ``n``-th small source (its own deck: its title is its own), ``edit`` times
    edited."""
    answer = f"first {n}" + " edited" * edit
    return f"# Topic {n}\n\n## Part\n\n- **One:** {answer}\n- **Two:** second {n}\n- **Three:** third {n}\n"


def many_small(count: int, profile: Path | None) -> tuple[float, float]:
    """The seconds of a full build of ``count`` small sources, one deck each, and of the build
    after one of them changed, both as ``build`` runs them (cache and stamp in the work folder)."""
    with tempfile.TemporaryDirectory(prefix="deckbuilder-many-") as work:
        source, out = Path(work) / "source", Path(work) / "decks"
        source.mkdir()
        for n in range(count):
            (source / f"topic-{n:05}.md").write_text(small(n), encoding="utf-8")
        cached = os.environ.get("DECKBUILDER_CACHE")
        os.environ["DECKBUILDER_CACHE"] = str(Path(work) / "cache")
        try:

            def build() -> None:
                result = run([str(source)], out, Request(goal="release", remember=True), cache=Cache())
                if result.failed or len(result.outcome()) != count:
                    raise SystemExit(f"the build of {source} into {out} failed")

            where = profile / f"many-{count}" if profile else None
            os.environ["SOURCE_DATE_EPOCH"] = "1700000001"
            full = timed("full", build, where)
            middle = count // 2
            (source / f"topic-{middle:05}.md").write_text(small(middle, 1), encoding="utf-8")
            os.environ["SOURCE_DATE_EPOCH"] = "1700000002"
            one = timed("one-changed", build, where)
        finally:
            if cached is None:
                os.environ.pop("DECKBUILDER_CACHE", None)
            else:
                os.environ["DECKBUILDER_CACHE"] = cached
        return full, one


def main_many(counts: list[int], profile: Path | None) -> None:
    """Print, for each count of small sources, the full build's seconds, the one-changed
    build's, and their ratio."""
    print(f"deckbuilder many-decks benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print("sources of 3 notes, one deck each; then one source changed")
    print(f"{'decks':>7} {'full build s':>13} {'one changed s':>14} {'ratio':>6}")
    for count in counts:
        full, one = many_small(count, profile)
        print(f"{count:>7} {full:>13.2f} {one:>14.2f} {one / full:>6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 40_000, 100_000], help="notes in the deck"
    )
    parser.add_argument(
        "--cli", action="store_true", help="release with the build command, in a fresh process"
    )
    parser.add_argument("--profile", type=Path, help="keep a cProfile of each release in this folder")
    parser.add_argument(
        "--many",
        type=int,
        nargs="+",
        metavar="N",
        help="measure N small sources (one deck each) instead: a full build, then one source changed",
    )
    args = parser.parse_args()
    if args.many:
        if args.cli:
            parser.error("--many builds in this process, not with --cli")
        main_many(args.many, args.profile)
        return
    if args.cli and args.profile:
        parser.error("--profile profiles a release in this process, not with --cli")
    print(f"deckbuilder large-deck benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"third release: {EDITED} answers edited, {REMOVED} rows removed, {ADDED} added, {RENAMED} renamed")
    print("fourth release: the heading over a tenth of the notes, all giving one answer, renamed")
    names = ("first", "second (1 char)", "third (edits)", "fourth (heading)")
    print(f"{'notes':>7} " + " ".join(f"{name + ' s':>17} {'s/1k':>6} {'vs':>5}" for name in names))
    smallest: list[float] = []
    for size in args.sizes:
        count, seconds = releases(size, args.cli, args.profile)
        per = [s / count * 1000 for s in seconds]
        smallest = smallest or per
        print(
            f"{count:>7} "
            + " ".join(
                f"{s:>17.2f} {p:>6.3f} {p / f:>4.2f}x" for s, p, f in zip(seconds, per, smallest, strict=True)
            )
        )


if __name__ == "__main__":
    main()
