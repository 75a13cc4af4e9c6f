"""``deckbuilder export``: a build's decks written in another output. The TSV is Anki's own
text-import format: the real Anki library imports it, every note by its GUID with the fields
``cards --json`` shows, and Python's csv module reads it back; the apkg output is the package
``build`` writes, byte for byte."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.outputs import OUTPUTS, Output
from builder.outputs.tsv import cell

from support import cards_json, errors, import_apkg, png, run, write

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportCsvRequest = anki_collection.ImportCsvRequest

SEED = Path(__file__).resolve().parent.parent / "source" / "rust-web3-interview.md"
SEED_SLUG = "senior-rust-developer-web3-infrastructure-interview-q-a-kimi"

TEAM = """\
---
title: Team deck
style: team.css
tags: [networks]
---
# Team deck

## Names

Q: Default port of PostgreSQL?
A: 5432

QA: Which protocol resolves host names to addresses?
A: DNS

T: Default port of SSH?
A: 22

## Handshakes

The {{c1::TCP}} handshake takes {{c2::three}} steps, and "quotes" stay\ttabbed.

- **Topology:** a star ![star](star.png)
"""

TEAM_TYPES = {
    "prompt": "deckbuilder prompt/answer (team)",
    "reverse": "deckbuilder prompt/answer+reverse (team)",
    "typein": "deckbuilder type-in (team)",
    "cloze": "deckbuilder cloze (team)",
}


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


@pytest.fixture
def team() -> str:
    """The team deck's sources, in ``source/``."""
    write({"source/team.md": TEAM, "source/team.css": ".card { font-family: Georgia, serif; }\n"})
    Path("source/star.png").write_bytes(png())
    return "source"


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Any]:
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield collection
    finally:
        collection.close()


def export(*args: str) -> str:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def read_tsv(path: Path) -> tuple[dict[str, str], list[list[str]]]:
    """The file's headers and rows, read as a tool other than Anki reads them: the ``#`` lines
    at its top, then Python's csv module with tabs."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    top = 0
    while lines[top].startswith("#"):
        top += 1
    headers = dict(line[1:].split(":", 1) for line in lines[:top])
    rows = list(csv.reader(io.StringIO("\n".join(lines[top:])), delimiter="\t"))
    return headers, rows


def with_note_types(col: Any, apkg: Path) -> None:
    """The collection of a learner who has the deck's note types and none of its notes."""
    import_apkg(col, apkg)
    col.remove_notes(list(col.find_notes("")))
    assert col.note_count() == 0


def import_tsv(col: Any, tsv: Path) -> Any:
    """Import the file as Anki's File > Import does, with what its headers say; the log."""
    metadata = col.get_csv_metadata(str(tsv), None)
    return col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata)).log


def held(col: Any) -> dict[str, dict[str, Any]]:
    """Every note of the collection by GUID: note type, decks of its cards, fields, tags."""
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note.guid] = {
            "model": note.note_type()["name"],
            "decks": {col.decks.name(card.did) for card in note.cards()},
            "fields": dict(note.items()),
            "tags": sorted(note.tags),
        }
    return out


def expected(notes: list[dict[str, Any]], names: dict[str, str]) -> dict[str, dict[str, Any]]:
    """What ``cards --json`` says each note is, as :func:`held` reads it from a collection."""
    return {
        n["guid"]: {
            "model": names[n["model"]],
            "decks": {n["deck"]},
            "fields": n["fields"],
            "tags": sorted(n["tags"]),
        }
        for n in notes
    }


# --- Anki imports it ---------------------------------------------------------------------


def test_the_seed_imports_into_anki_every_note_by_guid(col):
    said = export(str(SEED), "--out", "export")
    assert (
        said
        == f"Senior Rust Developer (Web3 Infrastructure) – Interview Q&A (Kimi) 1.0.0: 202 notes -> export/{SEED_SLUG}.tsv\n"
    )
    export(str(SEED), "--format", "apkg", "--out", "packages")
    notes = cards_json(str(SEED))
    # A GUID may start with "#", which unquoted would make its line a comment Anki skips.
    assert any(n["guid"].startswith("#") for n in notes)
    with_note_types(col, Path(f"packages/{SEED_SLUG}.apkg"))

    log = import_tsv(col, Path(f"export/{SEED_SLUG}.tsv"))

    assert (len(log.new), len(log.updated), len(log.missing_notetype), len(log.conflicting)) == (202, 0, 0, 0)
    names = {"prompt": "deckbuilder prompt/answer", "cloze": "deckbuilder cloze"}
    assert held(col) == expected(notes, names)


def test_a_team_decks_note_types_reverse_type_in_and_cloze_import(team, col):
    said = export(team)
    assert (
        said == "Team deck 1.0.0: 5 notes -> export/team-deck.tsv, 1 media file -> export/team-deck.media\n"
    )
    export(team, "--format", "apkg", "--out", "packages")
    notes = cards_json(team)
    assert [n["model"] for n in notes] == ["prompt", "reverse", "typein", "cloze", "prompt"]
    _, rows = read_tsv(Path("export/team-deck.tsv"))
    assert [row[1] for row in rows] == [TEAM_TYPES[n["model"]] for n in notes]
    with_note_types(col, Path("packages/team-deck.apkg"))

    log = import_tsv(col, Path("export/team-deck.tsv"))

    assert (len(log.new), len(log.missing_notetype)) == (5, 0)
    assert held(col) == expected(notes, TEAM_TYPES)
    # One note, its cards: two for the reverse note, one per gap of the cloze.
    by_guid = {n["guid"]: n["model"] for n in notes}
    cards = {by_guid[col.get_note(nid).guid]: len(col.get_note(nid).cards()) for nid in col.find_notes("")}
    assert cards == {"prompt": 1, "reverse": 2, "typein": 1, "cloze": 2}


def test_a_note_of_a_subdeck_goes_to_its_subdeck(col):
    write(
        {
            "source/decks.yaml": "decks:\n  - deck: Platform\n    sources: ['**/*.md']\n    folders: [subdecks]\n",
            "source/intro.md": "# Intro\n\n## Basics\n- **Pod:** the smallest unit\n",
            "source/k8s/pods.md": "# Pods\n\n## Basics\n- **Restart policy:** Always by default\n",
        }
    )
    export("source")
    export("source", "--format", "apkg", "--out", "packages")
    notes = cards_json("source")
    assert {n["deck"] for n in notes} == {"Platform", "Platform::k8s"}
    with_note_types(col, Path("packages/platform.apkg"))
    log = import_tsv(col, Path("export/platform.tsv"))
    assert len(log.new) == 2
    assert held(col) == expected(notes, {"prompt": "deckbuilder prompt/answer"})


def test_the_images_go_beside_it_for_the_collections_media_folder(team):
    export(team)
    [note] = [n for n in cards_json(team) if "img" in n["fields"].get("Answer", "")]
    [image] = Path("export/team-deck.media").iterdir()
    assert f'<img src="{image.name}"' in note["fields"]["Answer"]
    assert image.read_bytes() == png()


def test_over_the_decks_own_notes_every_note_is_found_and_none_changes(col):
    export(str(SEED), "--out", "export")
    export(str(SEED), "--format", "apkg", "--out", "packages")
    import_apkg(col, Path(f"packages/{SEED_SLUG}.apkg"))
    before = held(col)

    log = import_tsv(col, Path(f"export/{SEED_SLUG}.tsv"))

    assert (log.found_notes, len(log.new), len(log.updated)) == (202, 0, 0)
    assert held(col) == before


def test_an_edited_note_is_updated_in_place_keeping_its_cards(team, col):
    export(team, "--format", "apkg", "--out", "packages")
    import_apkg(col, Path("packages/team-deck.apkg"))
    cards = sorted(col.find_cards(""))
    Path("source/team.md").write_text(TEAM.replace("A: 5432", "A: 5432 (TCP)"), encoding="utf-8")
    export(team)

    log = import_tsv(col, Path("export/team-deck.tsv"))

    assert (len(log.new), len(log.updated)) == (0, 1)
    assert held(col) == expected(cards_json(team), TEAM_TYPES)
    assert sorted(col.find_cards("")) == cards


def test_without_the_note_types_anki_adds_nothing_and_says_why(col):
    export(str(SEED), "--out", "export")
    log = import_tsv(col, Path(f"export/{SEED_SLUG}.tsv"))
    assert (len(log.new), len(log.missing_notetype)) == (0, 202)
    assert col.note_count() == 0


# --- other tools read it -------------------------------------------------------------------


def test_cards_json_and_the_tsv_agree_on_every_note(team):
    export(team)
    headers, rows = read_tsv(Path("export/team-deck.tsv"))
    assert headers == {
        "separator": "tab",
        "html": "true",
        "guid column": "1",
        "notetype column": "2",
        "deck column": "3",
        "tags column": "7",
    }
    notes = cards_json(team)
    assert [row[0] for row in rows] == [n["guid"] for n in notes]
    for row, note in zip(rows, notes, strict=True):
        assert row[2] == note["deck"]
        assert row[3:6] == list(note["fields"].values())
        assert row[6].split(" ") == note["tags"]


def test_a_cell_is_quoted_only_when_it_must_be():
    assert cell("<p>5432</p>") == "<p>5432</p>"
    assert cell('<div class="ask">a\tb\nc</div>') == '"<div class=""ask"">a\tb\nc</div>"'
    assert cell("#x") == '"#x"'
    assert cell("a#b") == "a#b"


def test_removed_notes_are_left_out(team):
    assert run("build", team, "--out", "decks").exit_code == 0
    Path("source/team.md").write_text(TEAM.replace("T: Default port of SSH?\nA: 22\n", ""), encoding="utf-8")
    export(team)
    _, rows = read_tsv(Path("export/team-deck.tsv"))
    shipped = cards_json(team, "--removed")
    assert len(shipped) == 5 and "removed" in shipped[-1]["tags"]
    assert [row[0] for row in rows] == [n["guid"] for n in shipped[:4]]


# --- the same bytes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_a_second_export_gives_the_same_bytes(team, name):
    export(team, "--format", name, "--out", "one")
    export(team, "--format", name, "--out", "two")
    one = sorted(p.relative_to("one") for p in Path("one").rglob("*"))
    assert one == sorted(p.relative_to("two") for p in Path("two").rglob("*"))
    for path in one:
        if (Path("one") / path).is_file():
            assert (Path("one") / path).read_bytes() == (Path("two") / path).read_bytes(), path


def test_the_apkg_output_is_the_package_build_writes(team):
    assert run("build", team, "--out", "decks").exit_code == 0
    export(team, "--format", "apkg", "--decks", "decks")
    assert Path("export/team-deck.apkg").read_bytes() == Path("decks/team-deck-1.0.0.apkg").read_bytes()
    assert sorted(p.name for p in Path("decks").iterdir()) == [
        "team-deck-1.0.0.apkg",
        "team-deck.changelog.md",
        "team-deck.manifest.json",
    ]


def test_every_output_is_registered_by_its_name():
    assert sorted(OUTPUTS) == ["apkg", "tsv"]
    for name, output in OUTPUTS.items():
        assert isinstance(output, Output) and output.name == name and output.suffix == f".{name}"


# --- errors --------------------------------------------------------------------------------


def test_an_unknown_format_is_one_line(team):
    result = run("export", team, "--format", "csv")
    assert result.exit_code == 2
    assert (
        errors(result).splitlines()[-1]
        == "Error: Invalid value for '--format': 'csv' is not one of 'apkg', 'tsv'."
    )
    assert not Path("export").exists()


def test_a_source_error_writes_nothing(team):
    Path("source/bad.md").write_bytes(b"# Bad\n\n- **A:** \xff\n")
    result = run("export", team)
    assert result.exit_code == 1
    assert "source/bad.md:3: error: invalid UTF-8" in errors(result)
    assert not Path("export").exists()


def test_the_decks_folder_is_never_the_export_folder(team):
    result = run("export", team, "--format", "apkg", "--out", "decks")
    assert result.exit_code == 2
    assert errors(result).splitlines() == [
        "deckbuilder: --out decks is the decks folder; export into another folder"
    ]
    assert not Path("decks").exists()
