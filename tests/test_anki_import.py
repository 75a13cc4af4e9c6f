"""Built decks, imported by the real Anki library, hold exactly the notes ``cards --json`` shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.notetypes import CLOZE_MODEL_ID, PROMPT_MODEL_ID

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"

MODEL_NAMES = {"prompt": "deckbuilder prompt/answer", "cloze": "deckbuilder cloze"}

UNSAFE_SOURCE = """\
# Unsafe input

## Heading <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))

- **Script:** <script>alert(1)</script>
- **Image:** <img src=x onerror=alert(1)>
- **Link:** [x](javascript:alert(1))

| Name | Value |
|------|-------|
| <script>alert(1)</script> | <img src=x onerror=alert(1)> |
| [x](javascript:alert(1)) | ok |
"""


@dataclass
class Built:
    """A build's .apkg files and the notes ``cards --json`` printed for the same sources."""

    apkgs: list[Path]
    notes: list[dict]


def build(paths: list[str], out: Path) -> Built:
    """Run ``build`` and ``cards --json`` on ``paths``; fail the test on a non-zero exit."""
    runner = CliRunner()
    built = runner.invoke(main, ["build", *paths, "--out", str(out)])
    assert built.exit_code == 0, built.output
    cards = runner.invoke(main, ["cards", *paths, "--out", str(out), "--json"])
    assert cards.exit_code == 0, cards.output
    notes = [json.loads(line) for line in cards.stdout.splitlines() if line.strip()]
    return Built(sorted(out.glob("*.apkg")), notes)


def import_apkg(col, apkg: Path):
    """Import one package without scheduling; returns the import log."""
    request = ImportAnkiPackageRequest(
        package_path=str(apkg.resolve()),
        options=ImportAnkiPackageOptions(with_scheduling=False),
    )
    return col.import_anki_package(request).log


def open_collection(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def all_notes(col) -> list:
    return [col.get_note(nid) for nid in col.find_notes("")]


class _Markup(HTMLParser):
    """Collects the tags and attributes a field's HTML really has (not its escaped text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    """Script tags, ``on…=`` handlers and ``javascript:`` URLs in ``html``; empty when safe."""
    markup = _Markup()
    markup.feed(html)
    markup.close()
    found = [f"<{tag}>" for tag in markup.tags if tag in ("script", "iframe", "object", "embed")]
    found += [f"{name}=" for name, _ in markup.attrs if re.fullmatch(r"on[a-z]+", name)]
    found += [
        f"{name}={value}"
        for name, value in markup.attrs
        if re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:"))
    ]
    return found


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Built:
    """The seed source, built once for the module."""
    built = build([str(SEED)], tmp_path_factory.mktemp("decks"))
    assert len(built.apkgs) == 1
    return built


@pytest.fixture(scope="module")
def seed_collection(seed, tmp_path_factory) -> Iterator:
    """A fresh collection with the seed deck imported once."""
    col = open_collection(tmp_path_factory.mktemp("anki"))
    try:
        import_apkg(col, seed.apkgs[0])
        yield col
    finally:
        col.close()


@pytest.fixture
def collection(tmp_path) -> Iterator:
    """An empty collection, for tests that import themselves."""
    col = open_collection(tmp_path / "anki")
    try:
        yield col
    finally:
        col.close()


# --- The seed, imported ---------------------------------------------------------------------


def test_import_gives_exactly_the_notes_of_cards_json(seed, seed_collection):
    """Same GUID set, no more, no fewer."""
    imported = {note.guid for note in all_notes(seed_collection)}
    expected = [note["guid"] for note in seed.notes]
    assert len(expected) == len(set(expected))
    assert imported == set(expected)
    assert seed_collection.note_count() == len(seed.notes)


def test_imported_fields_equal_cards_json(seed, seed_collection):
    """Each note's fields, by name, are the JSON ``fields``."""
    by_guid = {note.guid: note for note in all_notes(seed_collection)}
    for expected in seed.notes:
        note = by_guid[expected["guid"]]
        assert list(note.keys()) == list(expected["fields"]), expected["key"]
        assert dict(note.items()) == expected["fields"], expected["key"]


def test_imported_tags_equal_cards_json(seed, seed_collection):
    by_guid = {note.guid: note for note in all_notes(seed_collection)}
    for expected in seed.notes:
        assert set(by_guid[expected["guid"]].tags) == set(expected["tags"]), expected["key"]


def test_imported_note_types_match_cards_json(seed, seed_collection):
    by_guid = {note.guid: note for note in all_notes(seed_collection)}
    for expected in seed.notes:
        name = by_guid[expected["guid"]].note_type()["name"]
        assert name == MODEL_NAMES[expected["model"]], expected["key"]


def test_imported_cards_are_in_the_deck_of_cards_json(seed, seed_collection):
    by_guid = {note.guid: note for note in all_notes(seed_collection)}
    for expected in seed.notes:
        cards = by_guid[expected["guid"]].cards()
        assert cards, expected["key"]
        assert {seed_collection.decks.name(card.did) for card in cards} == {expected["deck"]}


def test_reimport_adds_no_note(seed, collection):
    """Importing the same package twice leaves the collection as the first import did."""
    first = import_apkg(collection, seed.apkgs[0])
    assert len(first.new) == len(seed.notes)
    count = collection.note_count()
    cards = collection.card_count()
    second = import_apkg(collection, seed.apkgs[0])
    assert list(second.new) == []
    assert collection.note_count() == count
    assert collection.card_count() == cards


@pytest.mark.parametrize(
    ("model", "model_id", "model_type"),
    [("prompt", PROMPT_MODEL_ID, 0), ("cloze", CLOZE_MODEL_ID, 1)],
)
def test_note_types_have_fixed_ids(seed, seed_collection, model, model_id, model_type):
    """The note types keep builder.notetypes' ids, sort on field 0, and have the right type."""
    assert any(note["model"] == model for note in seed.notes), f"seed has no {model} note"
    notetype = seed_collection.models.by_name(MODEL_NAMES[model])
    assert notetype is not None
    assert notetype["id"] == model_id
    assert notetype["sortf"] == 0
    assert notetype["type"] == model_type


def test_every_note_generates_a_card(seed_collection):
    """Cloze notes included: no note is left without a card (an empty cloze gives none)."""
    notes = all_notes(seed_collection)
    assert seed_collection.card_count() >= len(notes)
    cloze = [note for note in notes if note.note_type()["id"] == CLOZE_MODEL_ID]
    assert cloze
    for note in cloze:
        assert note.card_ids(), note["Text"]


# --- Unsafe input -----------------------------------------------------------------------


@pytest.fixture
def unsafe_notes(tmp_path, collection) -> list:
    """The notes of a small source full of script and handlers, built and imported."""
    source = tmp_path / "unsafe.md"
    source.write_text(UNSAFE_SOURCE, encoding="utf-8")
    built = build([str(source)], tmp_path / "decks")
    assert len(built.apkgs) == 1
    import_apkg(collection, built.apkgs[0])
    notes = all_notes(collection)
    assert len(notes) == len(built.notes)
    return notes


def test_active_markup_is_shown_as_text(unsafe_notes):
    """The script, image and heading text reach the cards, escaped."""
    fields = [value for note in unsafe_notes for value in note.values()]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in value for value in fields)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in value for value in fields)
    kinds = {tag for note in unsafe_notes for tag in note.tags if tag.startswith("kind::")}
    assert {"kind::fact", "kind::table-cell"} <= kinds


def test_no_field_holds_active_content(unsafe_notes):
    """No <script>, no on…= handler, no javascript: URL in any field's real markup."""
    for note in unsafe_notes:
        for name, value in note.items():
            assert active_content(value) == [], f"{name}: {value}"
            assert not re.search(r"<\s*script", value, re.IGNORECASE), f"{name}: {value}"


def test_active_content_detector_sees_attacks():
    """The detector itself finds what it must (so the test above cannot pass vacuously)."""
    assert active_content("<script>alert(1)</script>") == ["<script>"]
    assert active_content('<img src=x onerror="alert(1)">') == ["onerror="]
    assert active_content('<a href=" JavaScript:alert(1)">x</a>') == ["href= JavaScript:alert(1)"]
    assert active_content("&lt;img src=x onerror=alert(1)&gt; javascript:x") == []
