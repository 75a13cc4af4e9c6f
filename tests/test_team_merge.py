"""A team's repository under git: pull requests that change sources only merge without a
conflict and make one release on main; branches that each committed a release (and so
conflict in ``decks/``) are repaired by taking either side of ``decks/`` and building."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from support import import_apkg, run

DECK = "http-caching"
SOURCE = f"source/{DECK}.md"
MANIFEST = f"decks/{DECK}.manifest.json"

NO_STORE = (
    "- **no-store:** must not be stored by any cache",
    "- **no-store:** must not be kept by any cache",
)
ETAG = ("**ETag:** an opaque tag naming", "**ETag:** an opaque token naming")
MUST_REVALIDATE = (
    "- **immutable:** never revalidated while fresh, not even on reload",
    "- **immutable:** never revalidated while fresh, not even on reload\n"
    "- **must-revalidate:** once stale, never reused before it is revalidated",
)
"""Edits of the example source, each in its own section: a fact changed in "Cache-Control
directives", one changed in "Revalidation", a fact added to "Cache-Control directives"."""


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    assert not check or done.returncode == 0, f"{' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def edit(repo: Path, change: tuple[str, str]) -> None:
    path = repo / SOURCE
    text = path.read_text(encoding="utf-8")
    assert text.count(change[0]) == 1
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")


def build(repo: Path, epoch: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = run("build")
    assert result.exit_code == 0, result.output
    return result.stdout


def branch(repo: Path, name: str, change: tuple[str, str], release: int | None, monkeypatch) -> None:
    """A branch from main that makes ``change``, committed with its release in ``decks/`` when
    ``release`` (an epoch) is given, else the source alone."""
    git(repo, "switch", "-q", "-c", name, "main")
    edit(repo, change)
    if release is not None:
        build(repo, release, monkeypatch)
    git(repo, "add", "source", "decks")
    git(repo, "commit", "-q", "-m", name)
    git(repo, "switch", "-q", "main")


def manifest(repo: Path) -> dict:
    return json.loads((repo / MANIFEST).read_text(encoding="utf-8"))


def identities(data: dict) -> dict[str, tuple[str, str]]:
    """Each note of a manifest by key: its GUID and the hash of its content."""
    return {note["key"]: (note["guid"], note["hash"]) for note in data["notes"]}


def package(repo: Path) -> Path:
    [apkg] = (repo / "decks").glob("*.apkg")
    return apkg


def packed_notes(apkg: Path, scratch: Path) -> dict[str, str]:
    """The notes of a package: fields by GUID."""
    scratch.mkdir()
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", scratch)
    with sqlite3.connect(scratch / "collection.anki2") as conn:
        return dict(conn.execute("select guid, flds from notes"))


def decks_files(repo: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((repo / "decks").iterdir())}


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository made by ``deckbuilder init``, its first release committed on main."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "study-decks"
    assert run("init", str(folder)).exit_code == 0
    monkeypatch.chdir(folder)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "Start the decks")
    return folder


def test_two_pull_requests_merge_cleanly_and_release_once(repo, monkeypatch, tmp_path, collection):
    first = manifest(repo)
    base = decks_files(repo)
    old_apkg = tmp_path / "first.apkg"
    old_apkg.write_bytes(package(repo).read_bytes())
    branch(repo, "no-store", NO_STORE, None, monkeypatch)
    branch(repo, "etag", ETAG, None, monkeypatch)
    for name in ("no-store", "etag"):
        merged = git(repo, "merge", "--no-ff", "--no-edit", name)
        assert "CONFLICT" not in merged.stdout
    assert decks_files(repo) == base  # nothing in decks/ changed on the way: no hand edit of it
    said = build(repo, 1700100000, monkeypatch)
    assert f"-> decks/{DECK}-1.0.1.apkg (1.0.0 -> 1.0.1, patch: " in said and "2 changed" in said, said
    released = manifest(repo)
    assert released["version"] == "1.0.1"
    assert sorted((h["version"], h["changed"]) for h in released["history"]) == [
        ("1.0.0", []),
        ("1.0.1", ["Cache-Control directives — no-store?", "Revalidation — ETag?"]),
    ]
    before, after = identities(first), identities(released)
    assert {k: g for k, (g, _) in after.items()} == {k: g for k, (g, _) in before.items()}
    assert sorted(k for k in after if after[k] != before[k]) == [
        f"{DECK}/cache-control-directives/fact:no-store",
        f"{DECK}/revalidation/fact:etag",
    ]
    # Learners update in place: the same notes, two of them with new fields.
    import_apkg(collection, old_apkg)
    ids = sorted(collection.find_notes(""))
    import_apkg(collection, package(repo))
    assert sorted(collection.find_notes("")) == ids
    fields = " ".join(" ".join(collection.get_note(i).fields) for i in ids)
    assert "must not be kept by any cache" in fields and "an opaque token naming" in fields
    # The release, committed on main, leaves nothing to do.
    git(repo, "add", "decks")
    git(repo, "commit", "-q", "-m", "Release the decks")
    check = run("diff", "--check")
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(
    ("side", "change", "release"),
    [
        # main's side: the ETag change, released as 1.0.1; the branch's 1.1.0 package is left over
        ("ours", MUST_REVALIDATE, "1.1.0.apkg (1.0.1 -> 1.1.0, minor: 1 added"),
        # the branch's side: the fact added, released as 1.1.0
        ("theirs", MUST_REVALIDATE, "1.1.1.apkg (1.1.0 -> 1.1.1, patch: 0 added, 1 changed"),
        # both released 1.0.1: the two packages of one name conflict too
        ("theirs", NO_STORE, "1.0.2.apkg (1.0.1 -> 1.0.2, patch: 0 added, 1 changed"),
    ],
    ids=["ours", "theirs", "same-version"],
)
def test_branches_that_each_released_are_repaired_by_a_build(
    repo, monkeypatch, tmp_path, side, change, release
):
    first = manifest(repo)
    branch(repo, "etag", ETAG, 1700100000, monkeypatch)  # 1.0.1, patch
    branch(repo, "other", change, 1700200000, monkeypatch)
    released = {}
    for name in ("etag", "other"):
        git(repo, "switch", "-q", name)
        released[name] = identities(manifest(repo))
        git(repo, "switch", "-q", "main")
    git(repo, "merge", "--no-ff", "--no-edit", "etag")
    merged = git(repo, "merge", "--no-ff", "--no-edit", "other", check=False)
    assert merged.returncode == 1
    conflicts = git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert MANIFEST in conflicts and all(path.startswith("decks/") for path in conflicts), conflicts
    assert (f"decks/{DECK}-1.0.1.apkg" in conflicts) == (change == NO_STORE)
    assert SOURCE not in conflicts  # the sources merged by themselves
    # Take either side of decks/, as it is, and build on the merged sources.
    git(repo, "checkout", f"--{side}", "decks/")
    git(repo, "add", "decks")
    said = build(repo, 1700300000, monkeypatch)
    assert f"-> decks/{DECK}-{release}" in said, said
    git(repo, "add", "decks")
    git(repo, "commit", "-q", "--no-edit")
    assert run("diff", "--check").exit_code == 0
    package(repo)  # one package: the other side's is gone
    repaired = identities(manifest(repo))
    # No note changed identity: not those of the first release, not those either side released.
    for before in (identities(first), *released.values()):
        assert all(repaired[key][0] == guid for key, (guid, _) in before.items())
    # The decks are what one release of the merged sources gives, from the first release on.
    clean = tmp_path / "clean"
    git(repo, "worktree", "add", "-q", str(clean), "HEAD~2")  # main before either merge
    (clean / SOURCE).write_text((repo / SOURCE).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(clean)
    build(clean, 1700300000, monkeypatch)
    assert identities(manifest(clean)) == repaired
    assert packed_notes(package(clean), tmp_path / "a") == packed_notes(package(repo), tmp_path / "b")
