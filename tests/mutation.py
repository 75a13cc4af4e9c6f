"""Targeted mutation testing: small deliberate bugs the tests must catch.

Each mutation replaces one exact text of a module (a version bump that keeps the patch
number, an ``escape()`` dropped, a condition inverted) and names the test files that should
fail because of it. The run copies the committed repository (``git archive HEAD``) into a
temporary folder, applies each mutation to the copy in turn, runs the named tests there with
``pytest -x -q`` (the copy first on ``PYTHONPATH``), and prints a table: the mutation, whether
the tests killed it or it survived, and how long they took. Nothing of the working tree is
read but its ``git`` history, and nothing is written to it.

    python tests/mutation.py                 # every mutation, two at a time
    python tests/mutation.py semver-minor    # the mutations whose names start so
    python tests/mutation.py --tests-from-worktree   # the working tree's tests/, HEAD's code
    python tests/mutation.py --list

The exit status is 1 when a mutation survives that :data:`EXPLAINED` does not explain, 2 when
the tests fail without any mutation or a mutation's text is not found once in its file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300
"""Seconds a mutant's tests may run; longer (a mutant that loops) counts as killed."""


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    """The module, relative to the repository."""
    old: str
    """Text that occurs exactly once in the module."""
    new: str
    tests: tuple[str, ...]
    """The test files that should fail."""


def _m(name: str, file: str, old: str, new: str, *tests: str) -> Mutation:
    return Mutation(name, file, old, new, tuple(f"tests/{t}.py" for t in tests))


SEMVER = "builder/release/semver.py"
DECK = "builder/release/deck.py"
STATES = "builder/release/states.py"
RENAMED = "builder/release/renamed.py"
GUIDS = "builder/release/guids.py"
GAPS = "builder/release/gaps.py"
VERIFY = "builder/release/verify.py"
CONTENTS = "builder/release/contents.py"
TOMBSTONES = "builder/release/tombstones.py"
RENDER = "builder/render.py"
STAMP = "builder/stamp.py"
KEPT = "builder/release/kept.py"
PATHS = "builder/release/paths.py"

MUTATIONS: tuple[Mutation, ...] = (
    # --- versions ---------------------------------------------------------------------------
    _m(
        "semver-minor-keeps-patch",
        SEMVER,
        'return f"{major}.{minor + 1}.0"',
        'return f"{major}.{minor + 1}.{patch}"',
        "test_identity",
    ),
    _m(
        "semver-major-keeps-minor",
        SEMVER,
        'return f"{major + 1}.0.0"',
        'return f"{major + 1}.{minor}.0"',
        "test_identity",
    ),
    _m(
        "semver-patch-off-by-one",
        SEMVER,
        'return f"{major}.{minor}.{patch + 1}"',
        'return f"{major}.{minor}.{patch + 2}"',
        "test_identity",
    ),
    _m("semver-first-version", SEMVER, 'FIRST_VERSION = "1.0.0"', 'FIRST_VERSION = "0.1.0"', "test_identity"),
    _m("semver-minor-is-patch", SEMVER, 'return "minor"', 'return "patch"', "test_identity"),
    _m(
        "semver-shape-is-minor",
        SEMVER,
        'for name, h in known.items()):\n        return "major"',
        'for name, h in known.items()):\n        return "minor"',
        "test_identity",
    ),
    _m("semver-added-no-bump", SEMVER, "        added\n        or gone\n", "        gone\n", "test_identity"),
    _m("semver-gaps-no-bump", SEMVER, "        or gaps\n", "", "test_identity", "test_gaps"),
    _m(
        "semver-style-no-bump",
        SEMVER,
        'or any(previous.models[name].get("css") != h["css"] for name, h in known.items())',
        "or False",
        "test_identity",
    ),
    # --- GUIDs ----------------------------------------------------------------------------
    _m(
        "guids-rename-any-document",
        GUIDS,
        "return note.kind, note.model, note.teaches, keys.document_of(note.key)",
        'return note.kind, note.model, note.teaches, ""',
        "test_mutants_rename",
        "test_identity",
    ),
    _m(
        "guids-key-ignores-note-type",
        GUIDS,
        "if state is not None and state.model == notes[index].model:",
        "if state is not None:",
        "test_identity",
    ),
    _m(
        "guids-tombstone-never-returns",
        GUIDS,
        "if index not in guids and tomb is not None:",
        "if index in guids and tomb is not None:",
        "test_identity",
    ),
    _m(
        "guids-fresh-takes-tombstone",
        GUIDS,
        "taken = used | {t.guid for t in previous.removed} | {g.guid for g in gone}",
        "taken = used | {g.guid for g in gone}",
        "test_identity",
    ),
    _m(
        "guids-unsure-dropped",
        GUIDS,
        "if guids[index] not in used and lost:",
        "if guids[index] in used and lost:",
        "test_identity",
    ),
    _m(
        "guids-closest-guesses",
        GUIDS,
        "return next(iter(closest)) if len(closest) == 1 else None",
        "return next(iter(closest))",
        "test_identity",
    ),
    _m(
        "guids-place-doubts-dropped",
        GUIDS,
        "        elif spare:\n            doubts",
        "        elif False:\n            doubts",
        "test_identity",
    ),
    _m(
        "guids-numbered-needs-both",
        GUIDS,
        "return len(indexes) > 1 or len(olds) > 1",
        "return len(indexes) > 1 and len(olds) > 1",
        "test_identity",
    ),
    # --- a deck's release -----------------------------------------------------------------
    _m(
        "deck-changed-inverted",
        DECK,
        "prev[n.guid].digest != note_digest(n)",
        "prev[n.guid].digest == note_digest(n)",
        "test_identity",
    ),
    _m(
        "deck-older-tombstones-dropped",
        DECK,
        "tombstones=tuple(tombstone_note(t, plan.name) for t in manifest.removed),",
        "tombstones=tuple(tombstone_note(t, plan.name) for t in removed_now),",
        "test_identity",
        "test_release",
    ),
    _m(
        "deck-returned-stays-tombstone",
        STATES,
        "kept = [t for t in (previous.removed if previous else ()) if t.guid not in current]",
        "kept = list(previous.removed if previous else ())",
        "test_identity",
    ),
    _m(
        "deck-release-time-not-forward",
        STATES,
        "max(clock, previous.released + 1)",
        "max(clock, previous.released)",
        "test_identity",
    ),
    _m(
        "deck-file-rename-needs-more-than-half",
        RENAMED,
        "len(mine & new[best]) * 2 >= len(mine)",
        "len(mine & new[best]) * 2 > len(mine)",
        "test_mutants_rename",
        "test_curation_rename",
    ),
    _m(
        "deck-rekeyed-forgotten",
        DECK,
        "rekeyed = manifest is not previous",
        "rekeyed = False",
        "test_identity",
    ),
    _m(
        "tombstone-untagged",
        TOMBSTONES,
        'tags=(REMOVED_TAG, f"kind::{tomb.kind}"),',
        'tags=(f"kind::{tomb.kind}",),',
        "test_identity",
        "test_release",
    ),
    # --- cloze gaps -----------------------------------------------------------------------
    _m(
        "gaps-digest-shortcut-inverted",
        GAPS,
        "before.gaps and note.digest == before.digest",
        "before.gaps and note.digest != before.digest",
        "test_gaps",
    ),
    _m(
        "gaps-in-place-needs-two",
        GAPS,
        "if i1 - i0 == j1 - j0 > 1:",
        "if i1 - i0 == j1 - j0 > 2:",
        "test_gaps",
    ),
    _m(
        "gaps-reordered-strict",
        GAPS,
        "if any(j0 >= j1 for (_, j0), (_, j1) in pairwise(anchors)):",
        "if any(j0 > j1 for (_, j0), (_, j1) in pairwise(anchors)):",
        "test_gaps",
    ),
    _m(
        "gaps-similar-strict",
        GAPS,
        "if alike >= SIMILAR:",
        "if alike > SIMILAR:",
        "test_mutants_release",
        "test_gaps",
    ),
    _m(
        "gaps-top-forgotten",
        GAPS,
        "top = last if last > max(numbers.values()) else 0",
        "top = 0",
        "test_gaps",
    ),
    # --- the decks folder checked ---------------------------------------------------------
    _m(
        "verify-new-version-unchecked",
        VERIFY,
        "if rel.bump is not None:",
        "if rel.bump is None:",
        "test_decks_folder",
    ),
    _m(
        "verify-manifest-unchecked", VERIFY, "    if text == wanted:\n", "    if True:\n", "test_decks_folder"
    ),
    _m(
        "verify-fields-unchecked",
        CONTENTS,
        "        if flds != flds2:\n",
        "        if False:\n",
        "test_decks_folder",
    ),
    _m("verify-unheld-unchecked", VERIFY, "    if unshipped:", "    if False:", "test_decks_folder"),
    _m(
        "verify-media-unchecked",
        CONTENTS,
        "    if committed.media != made.media:",
        "    if False:",
        "test_mutants_release",
        "test_decks_folder",
    ),
    _m(
        "verify-unowned-any-version",
        PATHS,
        "return (slug, version) if is_version(version) else None",
        "return slug, version",
        "test_mutants_release",
        "test_decks_folder",
    ),
    # --- HTML ------------------------------------------------------------------------------
    _m(
        "render-source-unescaped",
        RENDER,
        "source = escape(card.origin.path)",
        "source = HTML(card.origin.path)",
        "test_escaping",
    ),
    _m(
        "render-ask-unescaped",
        RENDER,
        '"Prompt": _prompt_html(card, escape(card.ask)),',
        '"Prompt": _prompt_html(card, HTML(card.ask)),',
        "test_escaping",
    ),
    _m(
        "render-crumb-unescaped",
        RENDER,
        "if cloze else escape(crumb)",
        "if cloze else HTML(crumb)",
        "test_escaping",
    ),
    _m(
        "render-cloze-crumb-unsafe",
        RENDER,
        "crumb_html = _cloze_safe(escape(crumb)) if cloze",
        "crumb_html = escape(crumb) if cloze",
        "test_mutants_render",
        "test_render",
        "test_escaping",
    ),
    _m(
        "render-hint-colons",
        RENDER,
        "hint = _cloze_safe(escape(segment.hint), inside=True)",
        "hint = _cloze_safe(escape(segment.hint), inside=False)",
        "test_render",
        "test_escaping",
    ),
    _m(
        "render-intro-unescaped",
        RENDER,
        'HTML("<p>{}</p>").format(_cloze_safe(escape(cloze.intro)))',
        'HTML("<p>{}</p>").format(HTML(cloze.intro))',
        "test_escaping",
    ),
    _m(
        "render-pair-head-unescaped",
        RENDER,
        ".format(head, inline_html(value))",
        ".format(HTML(head), inline_html(value))",
        "test_escaping",
    ),
    _m(
        "render-tombstone-unescaped",
        RENDER,
        'return {"Prompt": crumb + _ask(escape(prompt)),',
        'return {"Prompt": crumb + _ask(HTML(prompt)),',
        "test_escaping",
    ),
    _m(
        "render-tombstone-cloze-unsafe",
        RENDER,
        "hidden = _cloze_mark(1, _cloze_safe(escape(prompt), inside=True))",
        "hidden = _cloze_mark(1, escape(prompt))",
        "test_render",
        "test_escaping",
    ),
    _m(
        "render-both-is-prompt",
        RENDER,
        '"both": "reverse"',
        '"both": "prompt"',
        "test_render",
        "test_inline_reverse",
    ),
    _m(
        "render-table-no-scroll",
        RENDER,
        "'<div class=\"table\"><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>'",
        "'<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'",
        "test_mutants_render",
        "test_render",
    ),
    # --- the no-change shortcut -----------------------------------------------------------
    _m(
        "stamp-image-ignored",
        STAMP,
        "            and all(packed_name_of(path) == name for path, name in self.media)\n",
        "",
        "test_cache",
    ),
    _m("stamp-decks-ignored", STAMP, "            and decks(out) == self.decks\n", "", "test_cache"),
    # --- kept decks ---------------------------------------------------------------------------
    _m("kept-package-ignored", KEPT, "\\0{file_hash(package)}", "", "test_kept"),
    _m("kept-manifest-ignored", KEPT, 'f"{file_hash(manifest)}\\0', 'f"', "test_kept"),
    _m("kept-team-type-read", KEPT, "        and rel.plan.note_types == deck.note_types\n", "", "test_kept"),
    _m("kept-leftovers-ignored", KEPT, " or files.temporary(deck.slug)", "", "test_kept"),
    _m(
        "kept-checked-files-read-again",
        KEPT,
        "if wrote or rel.bump is not None or rel.rekeyed:",
        "if True:",
        "test_kept",
    ),
)


EXPLAINED: dict[str, str] = {
    "gaps-reordered-strict": "equivalent: the kept gaps continue distinct old ones, so two anchors"
    " never share an old place and j0 == j1 cannot happen",
    "render-hint-colons": "equivalent for Anki, which reads a hint to the closing braces: a hint"
    " “a::b” shows as [a::b] either way (braces in it are still entities)",
}
"""Mutations known to survive, each with why (an equivalent mutant, a behaviour no learner
can tell apart): they do not fail the run."""


def copy_of_head(folder: Path) -> None:
    """The committed repository, as ``git archive HEAD`` gives it, unpacked into ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def pytest(folder: Path, tests: Sequence[str]) -> tuple[bool, float]:
    """Whether the tests pass in ``folder``, and how long they took."""
    env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, timeout=TIMEOUT)
        passed = done.returncode == 0
    except subprocess.TimeoutExpired:
        passed = False
    return passed, time.monotonic() - start


def imports_from(folder: Path) -> Path:
    """Where ``builder`` is imported from when the tests run in ``folder``."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    out = subprocess.run(
        [sys.executable, "-c", "import builder; print(builder.__file__)"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(out.strip()).parent


def run_one(folder: Path, mutation: Mutation) -> tuple[Mutation, bool, float]:
    """Apply ``mutation`` in ``folder``, run its tests, restore the module: (mutation, killed,
    seconds)."""
    path = folder / mutation.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutation.old, mutation.new, 1), encoding="utf-8")
    try:
        passed, seconds = pytest(folder, mutation.tests)
    finally:
        path.write_text(original, encoding="utf-8")
    return mutation, not passed, seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only the mutations whose names start so")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="mutations run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument(
        "--tests-from-worktree",
        action="store_true",
        help="run the working tree's tests/ against the committed code (to try a new test)",
    )
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or any(m.name.startswith(n) for n in args.names)]
    if args.list:
        for m in chosen:
            print(f"{m.name:40} {m.file:32} {' '.join(m.tests)}")
        return 0

    with tempfile.TemporaryDirectory(prefix="deckbuilder-mutation-") as work:
        copies = [Path(work) / f"copy{n}" for n in range(max(1, min(args.jobs, len(chosen))))]
        for copy in copies:
            copy.mkdir()
            copy_of_head(copy)
            if args.tests_from_worktree:
                shutil.rmtree(copy / "tests")
                shutil.copytree(ROOT / "tests", copy / "tests", ignore=shutil.ignore_patterns("__pycache__"))
            if imports_from(copy) != copy / "builder":
                print(f"builder is not imported from the copy {copy}: is PYTHONPATH honoured?")
                return 2
        stale = [m.name for m in chosen if (copies[0] / m.file).read_text(encoding="utf-8").count(m.old) != 1]
        if stale:
            print("text not found exactly once, the module changed: " + ", ".join(stale))
            return 2
        every = sorted({t for m in chosen for t in m.tests})
        start = time.monotonic()
        with ThreadPoolExecutor(len(copies)) as pool:
            shares = [share for n in range(len(copies)) if (share := every[n :: len(copies)])]
            passed = all(ok for ok, _ in pool.map(pytest, copies, shares))
        took = time.monotonic() - start
        print(f"without mutations: {len(every)} test files {'pass' if passed else 'FAIL'} ({took:.0f} s)")
        if not passed:
            return 2

        free = list(copies)
        results = []

        def job(mutation: Mutation) -> tuple[Mutation, bool, float]:
            folder = free.pop()
            try:
                return run_one(folder, mutation)
            finally:
                free.append(folder)

        start = time.monotonic()
        print(f"{'mutation':40} {'result':9} {'s':>5}")
        with ThreadPoolExecutor(len(copies)) as pool:
            for mutation, killed, took in pool.map(job, chosen):
                result = "killed" if killed else "SURVIVED"
                if not killed and mutation.name in EXPLAINED:
                    result = "explained"
                print(f"{mutation.name:40} {result:9} {took:5.1f}", flush=True)
                results.append((mutation, killed))
        total = time.monotonic() - start

    killed = [m for m, k in results if k]
    survived = [m for m, k in results if not k]
    unexplained = [m for m in survived if m.name not in EXPLAINED]
    print(
        f"\n{len(results)} mutations: {len(killed)} killed, {len(survived)} survived"
        f" ({len(survived) - len(unexplained)} explained) in {total:.0f} s"
    )
    for m in survived:
        print(f"  {m.name}: {EXPLAINED.get(m.name, 'NOT EXPLAINED: add a test that fails, or explain it')}")
    for m in killed:
        if m.name in EXPLAINED:
            print(f"  {m.name} is killed now: its entry in EXPLAINED can go")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
