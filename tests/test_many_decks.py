"""Many decks stay incremental: a build lists the decks folder a few times, however many decks
it holds, rather than once per deck; and a manifest is read at most once when new decks look
for the one of their old name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from builder.release import folder, verify, write

from support import errors, run


def topic(n: int, answer: str = "first") -> str:
    return f"# Topic {n}\n\n## Part\n\n- **One:** {answer} {n}\n- **Two:** second {n}\n"


@contextmanager
def listings(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every listing of ``folder`` (``os.listdir``, ``os.scandir``: what ``Path.iterdir`` and
    ``Path.glob`` call) while the block runs."""
    seen: list[str] = []
    where = folder.resolve()
    listdir, scandir = os.listdir, os.scandir

    def counted(name: str, real):  # type: ignore[no-untyped-def]
        def call(path=".", *args):  # type: ignore[no-untyped-def]
            if isinstance(path, (str, os.PathLike)) and Path(path).resolve() == where:
                seen.append(name)
            return real(path, *args)

        return call

    with monkeypatch.context() as patch:
        patch.setattr(os, "listdir", counted("listdir", listdir))
        patch.setattr(os, "scandir", counted("scandir", scandir))
        yield seen


def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> int:
    """How many times a build lists the decks folder after one of ``count`` sources changed and
    a fifth as many were added (new decks, each looked for among the manifests). Only the
    packages of those decks are made: the others are known to be what their sources build."""
    work = tmp_path / str(count)
    (work / "source").mkdir(parents=True)
    monkeypatch.chdir(work)
    for n in range(count):
        (work / "source" / f"topic-{n:03}.md").write_text(topic(n), encoding="utf-8")
    first = run("build")
    assert first.exit_code == 0, errors(first)
    assert len(list(Path("decks").glob("*.apkg"))) == count
    (work / "source" / "topic-001.md").write_text(topic(1, "edited"), encoding="utf-8")
    for n in range(count, count + count // 5):
        (work / "source" / f"topic-{n:03}.md").write_text(topic(n), encoding="utf-8")
    made: list[str] = []
    packages_of = write.packages_of

    def counted(rels, draft=False):  # type: ignore[no-untyped-def]
        made.extend(rel.plan.slug for rel in rels)
        return packages_of(rels, draft)

    with listings(work / "decks", monkeypatch) as seen, monkeypatch.context() as patch:
        patch.setattr(write, "packages_of", counted)
        patch.setattr(verify, "packages_of", counted)
        again = run("build")
    assert again.exit_code == 0, errors(again)
    assert sorted(made) == sorted(["topic-1", *(f"topic-{n}" for n in range(count, count + count // 5))])
    assert "decks/topic-1-1.0.1.apkg (1.0.0 -> 1.0.1, patch" in again.stdout
    assert len(list(Path("decks").glob("*.apkg"))) == count + count // 5
    return len(seen)


def test_the_decks_folder_is_listed_a_few_times_whatever_the_number_of_decks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    few, lots = many(tmp_path, monkeypatch, 5), many(tmp_path, monkeypatch, 50)
    assert few == lots, (few, lots)
    assert lots <= 8, lots


def test_new_decks_read_each_unowned_manifest_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decks whose title changed find their manifests under their old names (by their source
    files); the manifests no planned deck owns are each read once, not once per new deck."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "source").mkdir()
    count = 12
    for n in range(count):
        (tmp_path / "source" / f"topic-{n:03}.md").write_text(topic(n), encoding="utf-8")
    assert run("build").exit_code == 0
    for n in range(count):
        renamed = topic(n).replace(f"# Topic {n}", f"# Subject {n}")
        (tmp_path / "source" / f"topic-{n:03}.md").write_text(renamed, encoding="utf-8")
    read: list[Path] = []
    load = folder.load_manifest

    def counted(path: Path):  # type: ignore[no-untyped-def]
        read.append(path)
        return load(path)

    monkeypatch.setattr(folder, "load_manifest", counted)
    result = run("build")
    assert result.exit_code == 0, errors(result)
    old = [p for p in read if p.name.startswith("topic-")]
    assert sorted(old) == sorted(set(old)) and len(old) == count
    decks = Path("decks")
    assert sorted(p.name for p in decks.glob("*.manifest.json")) == sorted(
        f"subject-{n}.manifest.json" for n in range(count)
    )
    assert len(list(decks.glob("*.apkg"))) == count
    line = next(line for line in result.stdout.splitlines() if line.startswith("Subject 3:"))
    assert "(1.0.0 -> " in line  # its history goes on under its new name


def test_stray_older_and_temporary_files_among_many_decks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package of no deck is reported; a deck's older version and a temporary file a killed
    build left are deleted, and no other deck's files."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "source").mkdir()
    for n in range(6):
        (tmp_path / "source" / f"topic-{n:03}.md").write_text(topic(n), encoding="utf-8")
    assert run("build").exit_code == 0
    stray = Path("decks") / "nobody-1.0.0.apkg"
    stray.write_bytes((Path("decks") / "topic-2-1.0.0.apkg").read_bytes())
    result = run("build")
    assert result.exit_code == 1
    assert f"{stray}: error: is the package of no deck" in errors(result)
    stray.unlink()
    decks = Path("decks")
    older, temporary = decks / "topic-4-0.9.0.apkg", decks / ".topic-4-1.0.0.apkg.tmp"
    other = decks / ".topic-40.tmp"
    for path in (older, temporary, other):
        path.write_bytes(b"")
    result = run("build")
    assert result.exit_code == 0, errors(result)
    assert not older.exists() and not temporary.exists() and other.exists()
    assert (decks / "topic-4-1.0.0.apkg").is_file()


def test_a_package_changed_after_the_build_is_made_again_and_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packages known to be what their sources build are not made again; one whose bytes
    changed since is."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "source").mkdir()
    for n in range(3):
        (tmp_path / "source" / f"topic-{n:03}.md").write_text(topic(n), encoding="utf-8")
    assert run("build").exit_code == 0
    package = Path("decks") / "topic-2-1.0.0.apkg"
    built = package.read_bytes()
    package.write_bytes(built + b"x")
    result = run("build")
    assert result.exit_code == 0, errors(result)
    assert "decks/topic-2-1.0.0.apkg (1.0.0, unchanged, rewritten)" in result.stdout
    assert package.read_bytes() == built
