"""Built decks, imported by the real Anki library, hold exactly the notes ``cards --json`` shows."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.notetypes import CLOZE_MODEL_ID, PROMPT_MODEL_ID, REVERSE_MODEL_ID

from support import import_apkg

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"

MODEL_NAMES = {
    "prompt": "deckbuilder prompt/answer",
    "cloze": "deckbuilder cloze",
    "reverse": "deckbuilder prompt/answer+reverse",
}

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


# --- Reverse cards ----------------------------------------------------------------------------

PAIRS_YAML = """\
deck: Pairs
cards:
  - id: port
    front: Default port of PostgreSQL?
    back: "5432"
  - id: verkle
    front: Proof size, Merkle Patricia Trie vs Verkle?
    back: about 3 KB against about 200 B
"""


def test_reversible_card_is_one_note_with_two_sibling_cards(tmp_path, collection):
    """``reverse: true``: one line of ``cards --json``, one note, two cards; the second asks back -> front."""
    source = tmp_path / "pairs.yaml"
    source.write_text(PAIRS_YAML + "    reverse: true\n", encoding="utf-8")
    built = build([str(source)], tmp_path / "decks")
    assert [(n["key"], n["model"]) for n in built.notes] == [
        ("card:port", "prompt"),
        ("card:verkle", "reverse"),
    ]
    import_apkg(collection, built.apkgs[0])
    assert collection.note_count() == 2
    [note] = [n for n in all_notes(collection) if n.guid == built.notes[1]["guid"]]
    assert (note.note_type()["id"], note.note_type()["name"]) == (REVERSE_MODEL_ID, MODEL_NAMES["reverse"])
    forward, backward = sorted(note.cards(), key=lambda card: card.ord)
    assert (forward.ord, backward.ord) == (0, 1)
    assert forward.nid == backward.nid == note.id
    assert "Proof size, Merkle Patricia Trie vs Verkle?" in forward.question()
    assert "about 3 KB" not in forward.question()
    assert "about 3 KB against about 200 B" in backward.question()
    assert "Proof size" not in backward.question()
    assert "Proof size, Merkle Patricia Trie vs Verkle?" in backward.answer()
    assert '<div class="source">pairs.yaml</div>' in backward.answer()


def test_reverse_is_a_note_type_of_its_own_with_fixed_ids(tmp_path, collection):
    """Adding it left ``prompt/answer`` as it was: learners' notes of it keep updating."""
    source = tmp_path / "pairs.yaml"
    source.write_text(PAIRS_YAML + "    reverse: true\n", encoding="utf-8")
    import_apkg(collection, build([str(source)], tmp_path / "decks").apkgs[0])
    reverse = collection.models.get(REVERSE_MODEL_ID)
    assert [f["name"] for f in reverse["flds"]] == ["Prompt", "Answer", "Source"]
    assert [t["name"] for t in reverse["tmpls"]] == ["Card 1", "Card 2"]
    assert reverse["sortf"] == 0 and reverse["type"] == 0
    prompt = collection.models.get(PROMPT_MODEL_ID)
    assert [t["name"] for t in prompt["tmpls"]] == ["Card 1"]


def test_gaining_or_losing_reverse_never_leaves_a_note_stale(tmp_path, collection, monkeypatch):
    """Anki skips a note whose note type changed under its GUID ("conflicting"), so a card that
    gains ``reverse`` is a new note and the old one a tombstone; losing it brings the old one back."""
    source = tmp_path / "src" / "pairs.yaml"
    source.parent.mkdir()
    out = tmp_path / "decks"
    releases = []
    for epoch, reverse in ((1_750_000_000, False), (1_750_100_000, True), (1_750_200_000, False)):
        source.write_text(PAIRS_YAML + ("    reverse: true\n" if reverse else ""), encoding="utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        built = build([str(source.parent)], out)
        [apkg] = built.apkgs
        log = import_apkg(collection, apkg)
        assert list(log.conflicting) == [], apkg.name
        [verkle] = [n for n in built.notes if n["key"] == "card:verkle" and "removed" not in n["tags"]]
        releases.append(verkle)
    first, second, third = releases
    assert second["model"] == "reverse" and second["guid"] != first["guid"]
    assert third["model"] == "prompt" and third["guid"] == first["guid"]
    by_guid = {note.guid: note for note in all_notes(collection)}
    assert collection.note_count() == 3  # port, verkle, and the reversible verkle now removed
    assert "removed" in by_guid[second["guid"]].tags
    back = by_guid[first["guid"]]
    assert "removed" not in back.tags
    assert dict(back.items()) == third["fields"]
    assert len(back.cards()) == 1


# --- Order and ids ------------------------------------------------------------------------

OTHER_SOURCE = "# Other deck\n\n" + "".join(
    f"## Part {i}\n\n- **Label {i}:** value {i}\n\n" for i in range(30)
)


def package_note_ids(apkg: Path, tmp: Path) -> dict[str, int]:
    """The note ids an ``.apkg`` holds, by GUID."""
    tmp.mkdir()
    with zipfile.ZipFile(apkg) as zf:
        (tmp / "collection.anki2").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp / "collection.anki2")
    try:
        return dict(conn.execute("SELECT guid, id FROM notes"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Iterator[tuple]:
    """A collection holding foreign notes and another deckbuilder deck, then the seed imported
    with its top sections as subdecks."""
    work = tmp_path_factory.mktemp("crowded")
    (work / "other").mkdir()
    (work / "other" / "other.md").write_text(OTHER_SOURCE, encoding="utf-8")
    (work / "src").mkdir()
    shutil.copy(SEED, work / "src" / SEED.name)
    (work / "src" / "decks.yaml").write_text(
        f"decks:\n  - deck: Seed\n    sources: [{SEED.name}]\n    subdecks: true\n", encoding="utf-8"
    )
    other = build([str(work / "other")], work / "other-decks")
    seed = build([str(work / "src")], work / "decks")
    col = open_collection(work / "anki")
    try:
        basic = col.models.by_name("Basic")
        foreign = col.decks.id("Foreign")
        for n in range(5):
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"foreign {n}", "b"
            col.add_note(note, foreign)
        import_apkg(col, other.apkgs[0])
        import_apkg(col, seed.apkgs[0])
        yield col, seed, other
    finally:
        col.close()


def test_new_cards_come_in_source_order_after_other_decks(crowded):
    """Sorted by new-card position, the deck's cards (subdecks included) are in source order."""
    col, seed, _ = crowded
    assert len({n["deck"] for n in seed.notes}) > 5
    cards = [col.get_card(cid) for cid in col.find_cards('"deck:Seed" is:new', order="c.due")]
    assert list(dict.fromkeys(card.note().guid for card in cards)) == [n["guid"] for n in seed.notes]
    dues = [card.due for card in cards]
    assert dues == sorted(dues)


def test_the_scheduler_introduces_new_cards_in_source_order(crowded):
    """Anki's new-card queue: by position over the whole deck, and by default within a subdeck."""
    col, seed, _ = crowded
    place = {n["guid"]: index for index, n in enumerate(seed.notes)}
    top = col.decks.id_for_name("Seed")
    config = col.decks.config_dict_for_deck_id(top)
    config["new"]["perDay"] = 9999
    config["rev"]["perDay"] = 9999  # the v3 scheduler caps new cards by the review limit too
    config["newGatherPriority"] = 1  # "Ascending position"
    col.decks.update_config(config)
    col.decks.select(top)
    queued = [
        place[col.get_note(q.card.note_id).guid] for q in col.sched.get_queued_cards(fetch_limit=9999).cards
    ]
    # A cloze note with several gaps has several cards; Anki's default sort ("card type, then
    # order gathered") spreads the later ones out, so each note's first card is in order.
    firsts = list(dict.fromkeys(queued))
    assert len(firsts) == len(seed.notes) and firsts == sorted(firsts)
    config["newGatherPriority"] = 0  # "Deck", Anki's default: subdeck by subdeck
    col.decks.update_config(config)
    first = next(n["deck"] for n in seed.notes if n["deck"] != "Seed")
    col.decks.select(col.decks.id_for_name(first))
    queued = [
        place[col.get_note(q.card.note_id).guid] for q in col.sched.get_queued_cards(fetch_limit=9999).cards
    ]
    firsts = list(dict.fromkeys(queued))
    assert len(firsts) == sum(1 for n in seed.notes if n["deck"] == first) > 3
    assert firsts == sorted(firsts)


def test_decks_never_share_note_ids(crowded, tmp_path):
    """Each package numbers its notes in source order in a range of its own, below 2**53. Anki
    gives such notes ids of the import time (their ids lie in the future), so in the collection
    no two notes share one either, and every note of both decks is there once."""
    col, seed, other = crowded
    ids = [package_note_ids(built.apkgs[0], tmp_path / name) for name, built in (("s", seed), ("o", other))]
    for found, built in zip(ids, (seed, other), strict=True):
        in_order = [found[n["guid"]] for n in built.notes]
        assert in_order == sorted(in_order) and len(set(in_order)) == len(in_order)
        assert min(in_order) >= 2**51 and max(in_order) < 2**52
    assert not set(ids[0].values()) & set(ids[1].values())
    guids = [note.guid for note in all_notes(col)]
    assert len(guids) == len(set(guids)) == len(seed.notes) + len(other.notes) + 5
    assert max(col.find_notes("")) < 2**51  # renumbered by the importer, as Anki's own ids are


INLINE_SOURCE = """\
# Networking

## TCP

The handshake takes {{c1::three}} segments: {{c2::SYN, SYN-ACK, ACK::which}}.

Q: What does TIME_WAIT protect against?
A: Late segments of an old connection.
"""


def test_inline_cards_import_with_deckbuilders_note_types(tmp_path, collection):
    """A ``{{c1::…}}`` sentence is a note of the cloze type with a card per number; a ``Q:``/``A:``
    pair a note of the prompt/answer type."""
    source = tmp_path / "net.md"
    source.write_text(INLINE_SOURCE, encoding="utf-8")
    built = build([str(source)], tmp_path / "decks")
    import_apkg(collection, built.apkgs[0])
    by_guid = {note.guid: note for note in all_notes(collection)}
    assert set(by_guid) == {n["guid"] for n in built.notes}
    cloze, question = built.notes
    note = by_guid[cloze["guid"]]
    assert note.note_type()["name"] == MODEL_NAMES["cloze"] == "deckbuilder cloze"
    assert note.note_type()["id"] == CLOZE_MODEL_ID
    assert note["Text"] == cloze["fields"]["Text"]
    assert "{{c2::SYN, SYN-ACK, ACK::which}}" in note["Text"]
    assert sorted(card.ord for card in note.cards()) == [0, 1]
    first, second = sorted(note.cards(), key=lambda card: card.ord)
    assert "[...]</span> segments" in first.question() and ">three<" not in first.question()
    assert "[which]</span>" in second.question() and ">three</span> segments" in second.question()
    qa = by_guid[question["guid"]]
    assert qa.note_type()["name"] == MODEL_NAMES["prompt"]
    assert qa.note_type()["id"] == PROMPT_MODEL_ID
    assert len(qa.cards()) == 1
    assert "Late segments of an old connection." in qa["Answer"]


@pytest.mark.parametrize("heading", ["Targets {{c2::x}}", "Targets {{c1::x", "Targets x}} y"])
def test_cloze_syntax_in_a_heading_never_leaks_into_a_card(tmp_path, collection, heading):
    """A heading above a cloze is its breadcrumb: text, never a deletion of the note."""
    source = tmp_path / "notes.md"
    source.write_text(f"# Deck\n\n## {heading}\n\n- **Latency:** <5% at p99\n", encoding="utf-8")
    built = build([str(source)], tmp_path / "decks")
    import_apkg(collection, built.apkgs[0])
    (nid,) = collection.find_notes("")
    cards = collection.card_ids_of_note(nid)
    assert len(cards) == 1
    question = collection.get_card(cards[0]).question()
    assert heading.replace("{", "").replace("}", "") in question.replace("{", "").replace("}", "").replace(
        "&#123;", ""
    ).replace("&#125;", "")
    assert "No cloze" not in question
