"""A cloze note's gaps are identities: each keeps its number (its card, with its review history)
across releases that remove, insert, reorder or edit items; a removed gap's number is never
given again, and the release says which gaps it added and removed (a minor release)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from anki.collection import Collection

from builder.build import notes_of
from builder.errors import SourceError
from builder.extract import extract
from builder.extract.scope import slug
from builder.model import DeckPlan, Note
from builder.read import parse
from builder.release.changelog import changelog
from builder.release.deck import Release, release
from builder.release.gaps import deletions
from builder.release.manifest import GapState, Manifest, load_manifest
from builder.release.report import pending, released

from support import import_apkg, outcome, study


def listed(*items: str, intro: str = "Rules of thumb:") -> str:
    """A source whose one note is a list cloze: each item a gap."""
    return "# Storage\n\n## Rules of thumb\n\n" + intro + "\n\n" + "".join(f"- {i}\n" for i in items)


HAND = "# Storage\n\n## Logs\n\n{text}\n"
"""A source whose one note is a hand-written cloze."""

A, B, C, D, E = (
    "Keep the log on its own disk",
    "Vacuum tables that see many deletes",
    "Index the columns you filter on",
    "Batch small writes into transactions",
    "Monitor replication lag closely",
)
F = "Prefer prepared statements everywhere"


def plan(text: str) -> DeckPlan:
    notes = notes_of("Storage", extract(parse(text, "storage.md")).cards)
    return DeckPlan("Storage", slug("Storage"), tuple(notes), ("storage.md",))


def released_as(text: str, previous: Manifest | None = None, now: int = 1_000) -> Release:
    return release(plan(text), previous, now)


def only_cloze(rel: Release) -> Note:
    [note] = [n for n in rel.plan.notes if n.model == "cloze"]
    return note


def numbers(note: Note) -> dict[str, int]:
    """What each gap of a list cloze hides -> its number."""
    found = deletions(note.fields["Text"])
    assert found is not None
    return {d.hides: d.number for d in found}


def releases(*texts: str) -> list[Release]:
    """Each text released over the one before, a day apart."""
    out: list[Release] = []
    for day, text in enumerate(texts):
        out.append(released_as(text, out[-1].manifest if out else None, now=1_000 + day * 86_400))
    return out


# --- Numbers ------------------------------------------------------------------------------


def test_first_release_numbers_gaps_in_order_and_records_them():
    [rel] = releases(listed(A, B, C))
    note = only_cloze(rel)
    assert numbers(note) == {A: 1, B: 2, C: 3}
    [state] = rel.manifest.notes
    assert [(g.number, g.text) for g in state.gaps] == [(1, A), (2, B), (3, C)]
    assert state.top == 0 and state.numbers() == {1, 2, 3} and state.last_gap() == 3


def test_removing_the_first_item_keeps_every_other_items_number():
    _, second = releases(listed(A, B, C, D), listed(B, C, D))
    assert numbers(only_cloze(second)) == {B: 2, C: 3, D: 4}
    [state] = second.manifest.notes
    assert state.numbers() == {2, 3, 4}
    assert state.top == 0  # 4 is still in use
    assert second.bump == "minor"
    assert second.gaps[state.guid].removed == (A,) and second.gaps[state.guid].added == ()


def test_inserted_and_reordered_items_keep_their_numbers_and_a_new_one_takes_the_next():
    _, rel = releases(listed(A, B, C, D, E), listed(B, C, F, E, D))
    note = only_cloze(rel)
    assert numbers(note) == {B: 2, C: 3, F: 6, E: 5, D: 4}
    # The numbers stand in the order of the text; the cards' prompts in the order of the cards.
    text = note.fields["Text"]
    assert [m.group(1) for m in re.finditer(r"\{\{c(\d+)::", text)] == ["2", "3", "6", "5", "4"]
    assert len(note.sides) == 5
    assert [_shown_items(side) for side in note.sides] == [
        {C, F, E, D},  # card 2 hides B
        {B, F, E, D},  # card 3 hides C
        {B, C, F, E},  # card 4 hides D
        {B, C, F, D},  # card 5 hides E
        {B, C, E, D},  # card 6 hides F
    ]


def _shown_items(side: str) -> set[str]:
    return {line[2:] for line in side.splitlines()[1:] if line != "- [...]"}


def test_a_removed_number_is_never_given_again():
    _, second, third = releases(listed(A, B, C), listed(A, B), listed(A, B, D))
    [after_removal] = second.manifest.notes
    assert after_removal.numbers() == {1, 2} and after_removal.top == 3
    assert numbers(only_cloze(third)) == {A: 1, B: 2, D: 4}
    [state] = third.manifest.notes
    assert state.top == 0 and state.last_gap() == 4


def test_the_top_number_is_kept_while_unused():
    rels = releases(listed(A, B, C), listed(A, B), listed(A, B), listed(B, A))
    assert rels[2].bump is None  # nothing changed: the same numbers again
    assert rels[3].bump == "patch"  # reordered only: no card added or removed
    [state] = rels[3].manifest.notes
    assert [(g.number, g.text) for g in state.gaps] == [(2, B), (1, A)] and state.top == 3


def test_reordering_items_is_a_patch_and_moves_no_number():
    _, rel = releases(listed(A, B, C), listed(C, A, B))
    assert numbers(only_cloze(rel)) == {C: 3, A: 1, B: 2}
    assert rel.bump == "patch" and rel.gaps == {}
    assert [n.prompt for n in rel.changed] == [only_cloze(rel).prompt]


def test_an_edited_item_keeps_its_number():
    edited = "Vacuum the tables that see many deletes"
    _, rel = releases(listed(A, B, C), listed(A, edited, C))
    assert numbers(only_cloze(rel)) == {A: 1, edited: 2, C: 3}
    assert rel.bump == "patch" and rel.gaps == {}


def test_an_item_rewritten_where_it_stands_keeps_its_number():
    """Between the same two kept items, one item gone and one come is that item edited (as
    for notes between fixed points), however different its words."""
    _, rel = releases(listed(A, B, C, D), listed(A, F, C, D))
    assert numbers(only_cloze(rel)) == {A: 1, F: 2, C: 3, D: 4}
    assert rel.bump == "patch" and rel.gaps == {}


def test_an_answer_edited_in_place_keeps_its_card():
    text = "The handshake takes {{c1::three}} segments: {{c2::SYN, SYN-ACK, ACK}}."
    _, rel = releases(HAND.format(text=text), HAND.format(text=text.replace("three", "3")))
    assert numbers(only_cloze(rel)) == {"3": 1, "SYN, SYN-ACK, ACK": 2}
    assert rel.bump == "patch"


def test_an_item_removed_and_another_added_elsewhere_are_a_removed_and_a_new_gap():
    _, rel = releases(listed(A, B, C), listed(B, C, F))
    assert numbers(only_cloze(rel)) == {B: 2, C: 3, F: 4}
    [state] = rel.manifest.notes
    assert (rel.gaps[state.guid].removed, rel.gaps[state.guid].added) == ((A,), (F,))


def test_where_items_were_reordered_an_unlike_new_item_is_new():
    _, rel = releases(listed(A, B, C), listed(C, B, F))
    assert numbers(only_cloze(rel)) == {C: 3, B: 2, F: 4}
    assert rel.bump == "minor"


def test_where_more_items_come_than_went_none_is_taken_for_edited():
    _, rel = releases(listed(A, B, C), listed(A, E, F, C))
    assert numbers(only_cloze(rel)) == {A: 1, E: 4, F: 5, C: 3}


def test_of_two_alike_old_items_an_edit_takes_neither():
    """When an edited item is as alike to two removed ones, which it continues is not guessed."""
    one, two = "Index the columns you filter on", "Index the columns you filter by"
    _, rel = releases(listed(A, one, two), listed(A, "Index the columns you filter"))
    assert numbers(only_cloze(rel)) == {A: 1, "Index the columns you filter": 4}


def test_of_several_gaps_hiding_the_same_text_none_is_guessed():
    """Two items hide "log"; the first goes: which old card the other continues is not guessed."""
    rels = releases(
        listed("Keep the **log** on its own disk", "Rotate the **log** weekly", C),
        listed("Rotate the **log** weekly", C),
    )
    assert numbers(only_cloze(rels[0])) == {"log": 2, C: 3}  # the same text twice: 1 and 2
    assert numbers(only_cloze(rels[1])) == {"log": 4, C: 3}
    [state] = rels[1].manifest.notes
    assert (rels[1].gaps[state.guid].removed, rels[1].gaps[state.guid].added) == (("log", "log"), ("log",))


def test_gaps_hiding_the_same_text_keep_their_numbers_while_as_many_remain():
    rels = releases(
        listed("Keep the **log** on its own disk", "Rotate the **log** weekly", C),
        listed("Keep the **log** on its own disk", "Rotate the **log** weekly"),
    )
    found = deletions(only_cloze(rels[1]).fields["Text"])
    assert found is not None and [d.number for d in found] == [1, 2]


def test_nothing_changed_after_a_renumbering_is_no_release():
    rels = releases(listed(A, B, C, D), listed(D, B, F), listed(D, B, F))
    assert rels[2].bump is None and rels[2].manifest is rels[1].manifest
    assert only_cloze(rels[2]).fields == only_cloze(rels[1]).fields


def test_digest_and_shipped_hash_follow_the_numbers_learners_get():
    from builder.identify import content_hash, fields_hash

    _, rel = releases(listed(A, B, C), listed(B, C))
    note = only_cloze(rel)
    [state] = rel.manifest.notes
    assert note.digest == content_hash(note.model, note.fields, note.tags, note.deck) == state.digest
    assert state.shipped[-1] == fields_hash(tuple(note.fields.values()))


# --- Hand-written clozes ------------------------------------------------------------------


def test_a_hand_written_number_with_several_deletions_and_a_hint_moves_as_one():
    """Renumbering a hand-written cloze in the source moves no card: each number's group of
    deletions (with its hint) keeps the number it had."""
    before = "The {{c1::write-ahead log}} is written before the {{c2::data files}}, and {{c1::fsync::call}} makes it durable."
    after = "The {{c2::write-ahead log}} is written before the {{c1::data files}}, and {{c2::fsync::call}} makes it durable."
    first, second = releases(HAND.format(text=before), HAND.format(text=after))
    assert only_cloze(second).fields == only_cloze(first).fields
    assert second.bump is None
    [state] = first.manifest.notes
    assert [(g.number, g.text) for g in state.gaps] == [(1, "write-ahead log … fsync"), (2, "data files")]


def test_a_hand_written_group_that_loses_a_deletion_keeps_its_number():
    before = "The {{c1::write-ahead log}} is written before the {{c2::data files}}, and {{c1::fsync::call}} makes it durable."
    after = (
        "The {{c2::write-ahead log}} is written before the {{c1::data files}}, and fsync makes it durable."
    )
    _, second = releases(HAND.format(text=before), HAND.format(text=after))
    text = only_cloze(second).fields["Text"]
    assert "{{c1::write-ahead log}}" in text and "{{c2::data files}}" in text
    assert second.bump == "patch" and second.gaps == {}


def test_a_hand_written_deletion_removed_retires_its_number():
    before = (
        "The log records every change before {{c1::the pages}}, {{c2::the index}} and {{c3::checkpoints}}."
    )
    after = "The log records every change before {{c1::the pages}} and {{c3::checkpoints}}."
    first, rel = releases(HAND.format(text=before), HAND.format(text=after))
    assert only_cloze(rel).guid == only_cloze(first).guid
    assert numbers(only_cloze(rel)) == {"the pages": 1, "checkpoints": 3}
    [state] = rel.manifest.notes
    assert rel.gaps[state.guid].removed == ("the index",) and rel.bump == "minor"


# --- What the release says ----------------------------------------------------------------


def test_diff_build_and_changelog_name_the_gaps_added_and_removed(tmp_path):
    _, rel = releases(listed(A, B, C), listed(B, C, F))
    lines, stale = pending(rel, tmp_path / "storage-1.1.0.apkg")
    assert stale and lines[0] == "Storage: 1.0.0 -> 1.1.0 (minor)"
    assert lines[-1].endswith(f"- {F} (gap removed: “{A}”; gap added: “{F}”)")
    assert lines[1].startswith("  ~ Rules of thumb —")
    summary = released(rel, tmp_path / "storage-1.1.0.apkg", True)
    assert summary.endswith(
        "(1.0.0 -> 1.1.0, minor: 0 added, 1 changed, 0 removed, 1 gap removed, 1 gap added)"
    )
    log = changelog(rel.manifest)
    assert f"- {F} (gap removed: “{A}”; gap added: “{F}”)" in log.replace("\\", "")
    assert "### Changed" in log


def test_several_gaps_are_counted_and_listed():
    _, rel = releases(listed(A, B, C, D), listed(C, D, E, F))
    [line] = [n for n in rel.manifest.history[0].changed]
    assert line.endswith(f" (gaps removed: “{A}”, “{B}”; gaps added: “{E}”, “{F}”)")
    assert rel.gap_totals() == (2, 2)


# --- The manifest ---------------------------------------------------------------------------


def test_manifest_writes_and_reads_the_gaps(tmp_path):
    *_, rel = releases(listed(A, B, C), listed(B, C))
    path = tmp_path / "storage.manifest.json"
    path.write_text(rel.manifest.to_json(), encoding="utf-8")
    [entry] = json.loads(path.read_text())["notes"]
    assert entry["gaps"] == [[2, entry["gaps"][0][1], B], [3, entry["gaps"][1][1], C]]
    assert "top" not in entry  # 3 is still in use
    loaded = load_manifest(path)
    assert loaded == rel.manifest
    assert loaded is not None and loaded.notes[0].gaps[0] == GapState(2, entry["gaps"][0][1], B)


def test_manifest_writes_the_top_number_only_when_above_the_gaps(tmp_path):
    _, rel = releases(listed(A, B, C), listed(A, B))
    [entry] = json.loads(rel.manifest.to_json())["notes"]
    assert entry["top"] == 3
    first = json.loads(releases(listed(A, B))[0].manifest.to_json())["notes"][0]
    assert "top" not in first


def test_a_manifest_without_gaps_still_loads_and_its_notes_are_numbered_as_before(tmp_path):
    [old] = releases(listed(A, B, C))
    data = json.loads(old.manifest.to_json())
    for note in data["notes"]:
        del note["gaps"]
    path = tmp_path / "storage.manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_manifest(path)
    assert loaded is not None and loaded.notes[0].gaps == ()
    assert released_as(listed(A, B, C), loaded, now=2_000).bump is None
    rel = released_as(listed(B, C), loaded, now=2_000)
    assert numbers(only_cloze(rel)) == {B: 1, C: 2}  # as the rules number them, and from now on recorded
    assert rel.bump == "patch" and rel.gaps == {}
    [state] = rel.manifest.notes
    assert state.numbers() == {1, 2}


@pytest.mark.parametrize(
    "gaps",
    [
        "nope",
        [[1, "0123456789abcdef"]],
        [[0, "0123456789abcdef", "x"]],
        [[True, "0123456789abcdef", "x"]],
        [[1, "not a hash", "x"]],
        [[1, "0123456789abcdef", 5]],
        [[1, "0123456789abcdef", "x"], [1, "fedcba9876543210", "y"]],
    ],
)
def test_malformed_gaps_are_refused(tmp_path, gaps):
    [rel] = releases(listed(A, B))
    data = json.loads(rel.manifest.to_json())
    data["notes"][0]["gaps"] = gaps
    path = tmp_path / "storage.manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match="manifest is malformed"):
        load_manifest(path)


def test_a_removed_cloze_note_that_comes_back_keeps_its_numbers():
    gone = "# Storage\n\n## Other\n\n- **Engine:** RocksDB\n"
    back = listed(B, C) + "\n## Other\n\n- **Engine:** RocksDB\n"
    rels = releases(listed(A, B, C) + "\n## Other\n\n- **Engine:** RocksDB\n", back, gone, back)
    [tomb] = rels[2].manifest.removed
    assert {g.number for g in tomb.gaps} == {2, 3}
    assert numbers(only_cloze(rels[3])) == {B: 2, C: 3}
    assert only_cloze(rels[3]).guid == only_cloze(rels[1]).guid
    assert rels[3].added == (only_cloze(rels[3]),) and rels[3].gaps == {}


# --- In a real Anki collection --------------------------------------------------------------


class _Hidden(HTMLParser):
    """The text of the cloze a card's answer shows (``<span class="cloze">``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif tag == "span" and ("class", "cloze") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def hidden_by(card) -> str:
    parser = _Hidden()
    parser.feed(card.answer())
    return " ".join("".join(parser.text).split())


def build(folder: Path, epoch: int, monkeypatch) -> Path:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    code, out, err = outcome("build", "source", "--out", "decks")
    assert code == 0, out + err
    [apkg] = sorted((folder / "decks").glob("*.apkg"))
    return apkg


def cards_of(col: Collection) -> dict[int, tuple[int, str, tuple[int, ...]]]:
    """Every card: its ord, what it hides ('' when empty), and its schedule and reviews."""
    out = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        out[cid] = (card.ord, hidden_by(card), (card.ivl, card.due, card.type, card.queue, card.reps))
    return out


def test_each_items_card_keeps_its_history_in_anki(tmp_path, monkeypatch):
    """Release 1 has five items, studied; release 2 removes the first, inserts one, and swaps
    two. Imported over release 1, every remaining item's card still hides that item with its
    reviews; the inserted item is a new card; the removed item's card is Anki's only empty one."""
    (tmp_path / "source").mkdir()
    source = tmp_path / "source" / "storage.md"
    source.write_text(listed(A, B, C, D, E), encoding="utf-8")
    first = build(tmp_path, 1_750_000_000, monkeypatch)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, first)
        for ease in (4, 3, 4, 3, 4):  # each card its own history
            study(col, "Storage", 1, ease=ease)
        before = cards_of(col)
        assert sorted(hidden for _, hidden, _ in before.values()) == sorted([A, B, C, D, E])
        assert all(state[-1] == 1 for _, _, state in before.values())

        source.write_text(listed(B, C, F, E, D), encoding="utf-8")
        _, out, _ = outcome("diff", "source", "--out", "decks")
        assert f"(gap removed: “{A}”; gap added: “{F}”)" in out and "(minor)" in out
        second = build(tmp_path, 1_760_000_000, monkeypatch)
        log = import_apkg(col, second)
        assert len(log.updated) == 1 and not log.conflicting
        after = cards_of(col)
        [nid] = col.find_notes("")
        assert col.get_note(nid)["Text"].count("{{c") == 5

        for cid, (ord_, hidden, state) in before.items():
            if hidden == A:
                assert after[cid][1] == ""  # its card is empty now: its history went nowhere
            else:
                assert after[cid] == (ord_, hidden, state), hidden
        [new] = [cid for cid in after if cid not in before]
        assert after[new][0] == 5 and after[new][1] == F and after[new][2][-1] == 0
        [empty] = col.get_empty_cards().notes
        assert list(empty.card_ids) == [cid for cid, (_, hidden, _) in before.items() if hidden == A]
    finally:
        col.close()


def test_a_release_with_retired_numbers_imports_into_a_new_collection(tmp_path, monkeypatch):
    """Numbers 2 to 5 only (1 was removed): Anki makes exactly those cards (ords 1 to 4), none empty."""
    (tmp_path / "source").mkdir()
    source = tmp_path / "source" / "storage.md"
    source.write_text(listed(A, B, C, D), encoding="utf-8")
    build(tmp_path, 1_750_000_000, monkeypatch)
    source.write_text(listed(D, B, F, C), encoding="utf-8")
    second = build(tmp_path, 1_760_000_000, monkeypatch)
    col = Collection(str(tmp_path / "fresh.anki2"))
    try:
        import_apkg(col, second)
        cards = cards_of(col)
        assert sorted((o, h) for o, h, _ in cards.values()) == [(1, B), (2, C), (3, D), (4, F)]
        assert not col.get_empty_cards().notes
    finally:
        col.close()
