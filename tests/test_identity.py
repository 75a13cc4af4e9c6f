"""Identity across edits and the semver rule, on small sources (no Anki needed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builder.build import notes_of
from builder.errors import SourceError
from builder.extract import extract
from builder.extract.scope import slug
from builder.identify import model_hashes
from builder.model import DeckPlan
from builder.notetypes import of
from builder.read import parse
from builder.release import deck as release_deck
from builder.release.deck import Release, release
from builder.release.manifest import Manifest, load_manifest
from builder.release.report import history_lost
from builder.release.semver import bump_for, bump_version

from support import outcome, write

BASE = """# Deck

## Storage
- **Engine:** RocksDB with one column family per table
- **Capacity:** 2TB per node

## Network
- **Transport:** QUIC between regions
"""


def deck(text: str) -> DeckPlan:
    notes = notes_of("Deck", extract(parse(text, "deck.md")).cards)
    return DeckPlan("Deck", slug("Deck"), tuple(notes), ("deck.md",))


def release_of(text: str, previous: Manifest | None = None, now: int = 1_000) -> Release:
    return release(deck(text), previous, now)


def guids(rel: Release) -> dict[str, str]:
    """Prompt's last part (what is asked) -> GUID."""
    return {n.prompt.split(" — ")[-1]: n.guid for n in rel.plan.notes}


def test_first_release_is_1_0_0_at_the_given_time():
    rel = release_of(BASE, now=1234)
    assert (rel.version, rel.released, rel.bump) == ("1.0.0", 1234, "major")
    assert all("changed::1.0.0" in n.tags for n in rel.notes)


def test_no_change_is_no_release():
    first = release_of(BASE).manifest
    again = release_of(BASE, first, now=99_999)
    assert again.bump is None and again.manifest is first
    assert again.released == first.released


def test_edited_answer_keeps_guid_and_is_a_patch():
    first = release_of(BASE)
    second = release_of(BASE.replace("QUIC between regions", "TCP with TLS 1.3"), first.manifest, 2_000)
    assert guids(second) == guids(first)
    assert (second.version, second.bump, len(second.changed)) == ("1.0.1", "patch", 1)
    assert second.released == 2_000


def test_renamed_label_and_heading_keep_guids():
    first = release_of(BASE)
    text = BASE.replace("**Engine:**", "**Storage engine:**").replace("## Network", "## Networking")
    second = release_of(text, first.manifest)
    old, new = guids(first), guids(second)
    assert new["Storage engine?"] == old["Engine?"]
    assert new["Transport?"] == old["Transport?"]
    assert second.bump == "patch" and not second.added and not second.removed


def test_moved_card_keeps_guid():
    first = release_of(BASE)
    moved = BASE.replace("- **Capacity:** 2TB per node\n", "") + "- **Capacity:** 2TB per node\n"
    second = release_of(moved, first.manifest)
    assert [n.prompt for n in second.plan.notes if n.guid == guids(first)["Capacity?"]] == [
        "Network — Capacity?"
    ]


def test_label_and_answer_changed_at_once_is_a_new_note():
    first = release_of(BASE)
    second = release_of(BASE.replace("**Capacity:** 2TB per node", "**Disk:** 4TB NVMe"), first.manifest)
    assert guids(second)["Disk?"] not in guids(first).values()
    assert second.bump == "minor"
    assert [t.prompt for t in second.removed] == ["Storage — Capacity?"]
    assert [n.prompt for n in second.tombstones] == ["(removed) Storage — Capacity?"]
    assert second.tombstones[0].tags[0] == "removed"


def test_removed_note_comes_back_with_its_guid():
    first = release_of(BASE)
    without = release_of(BASE.replace("- **Capacity:** 2TB per node\n", ""), first.manifest)
    back = release_of(BASE, without.manifest)
    assert guids(back) == guids(first)
    assert not back.tombstones and back.version == "1.2.0"


def test_key_match_wins_over_content_match():
    first = release_of(BASE)
    # Engine's answer moves under a new label while a new Engine fact appears: identity is
    # structural, so the Engine note is updated and the moved answer is a new note.
    text = BASE.replace("**Engine:**", "**Storage engine:**").replace(
        "- **Capacity:**", "- **Engine:** LMDB for the index\n- **Capacity:**"
    )
    second = release_of(text, first.manifest)
    new = guids(second)
    assert new["Engine?"] == guids(first)["Engine?"]
    assert new["Storage engine?"] not in guids(first).values()


def test_new_key_never_takes_a_guid_in_use():
    first = release_of(BASE)
    renamed = release_of(BASE.replace("**Engine:**", "**Storage engine:**"), first.manifest)
    # The old key comes back as a new fact: its derived GUID is the renamed note's.
    text = BASE.replace("**Engine:**", "**Storage engine:**").replace(
        "- **Capacity:**", "- **Engine:** LMDB for the index\n- **Capacity:**"
    )
    third = release_of(text, renamed.manifest)
    new = guids(third)
    assert new["Storage engine?"] == guids(first)["Engine?"]
    assert new["Engine?"] != new["Storage engine?"]
    assert len(set(new.values())) == len(new)


def test_note_type_changes_bump_major_or_minor(monkeypatch):
    first = release_of(BASE)
    real = model_hashes(of(()), ())
    css_only = {k: {**v, "css": "other"} for k, v in real.items()}
    monkeypatch.setattr(release_deck, "model_hashes", lambda types, used: css_only)
    styled = release_of(BASE, first.manifest)
    assert (styled.bump, styled.version) == ("minor", "1.1.0")
    assert styled.model_times()["prompt"] == styled.released
    shape = {k: {**v, "shape": "other"} for k, v in real.items()}
    monkeypatch.setattr(release_deck, "model_hashes", lambda types, used: shape)
    assert release_of(BASE, first.manifest).version == "2.0.0"


def test_release_time_moves_forward_even_with_an_old_epoch():
    first = release_of(BASE, now=5_000)
    second = release_of(BASE + "- **Extra:** x\n", first.manifest, now=10)
    assert second.released == 5_001


def test_note_times_are_when_each_note_last_changed():
    first = release_of(BASE, now=1_000)
    second = release_of(BASE.replace("2TB", "3TB"), first.manifest, now=2_000)
    times = second.note_times()
    by_prompt = {n.prompt.split(" — ")[-1]: times[n.guid] for n in second.plan.notes}
    assert by_prompt == {"Engine?": 1_000, "Capacity?": 2_000, "Transport?": 1_000}


def test_manifest_round_trips_through_its_file(tmp_path):
    rel = release_of(BASE.replace("- **Capacity:** 2TB per node\n", ""), release_of(BASE).manifest)
    path = tmp_path / "deck.manifest.json"
    path.write_text(rel.manifest.to_json(), encoding="utf-8")
    assert load_manifest(path) == rel.manifest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "manifest is not valid JSON"),
        ('{"deck": "x"}', "manifest is malformed"),
    ],
)
def test_broken_manifest_is_a_one_line_error(tmp_path, text, message):
    path = tmp_path / "deck.manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_manifest(path)
    assert message in caught.value.message and str(path) in caught.value.message


def test_new_keys_are_recorded_without_a_new_version():
    """Pinning a heading changes keys, not content: same version, and the next edit still
    finds its note."""
    first = release_of(BASE)
    pinned = release_of(BASE.replace("## Storage", "## Storage {#disks}"), first.manifest)
    assert pinned.bump is None and pinned.rekeyed
    assert {s.key for s in pinned.manifest.notes} != {s.key for s in first.manifest.notes}
    edited = release_of(
        BASE.replace("## Storage", "## Storage {#disks}").replace("2TB per node", "4TB per node"),
        pinned.manifest,
    )
    assert (edited.bump, len(edited.changed), edited.removed) == ("patch", 1, ())
    assert guids(edited) == guids(first)


def test_inserting_a_repeated_label_does_not_shift_the_others():
    text = "# Deck\n\n## Habits\n- **Tip:** alpha\n- **Tip:** beta\n"
    first = release_of(text)
    by_answer = {n.answer: n.guid for n in first.plan.notes}
    second = release_of(
        text.replace("- **Tip:** alpha", "- **Tip:** gamma\n- **Tip:** alpha"), first.manifest
    )
    after = {n.answer: n.guid for n in second.plan.notes}
    assert after["alpha"] == by_answer["alpha"] and after["beta"] == by_answer["beta"]
    assert after["gamma"] not in by_answer.values()
    assert (second.bump, len(second.added), len(second.removed)) == ("minor", 1, 0)


def test_a_note_type_new_to_deckbuilder_changes_no_existing_release():
    """A manifest written before a note type existed loads, and its deck stays at its version."""
    first = release_of(BASE)
    older = replace(first.manifest, models={k: v for k, v in first.manifest.models.items() if k != "reverse"})
    again = release_of(BASE, older)
    assert again.bump is None and again.version == "1.0.0"
    edited = release_of(BASE.replace("2TB", "4TB"), older)
    assert (edited.bump, edited.version) == ("patch", "1.0.1")
    assert edited.manifest.models["reverse"]["changed"] == "1.0.1"


def test_a_guid_never_moves_to_another_note_type():
    """Anki would skip such a note as conflicting: it is a new note, the old one a tombstone."""
    first = release_of(BASE)
    plan = deck(BASE)
    engine = next(n for n in plan.notes if n.prompt.endswith("Engine?"))
    reversible = replace(
        plan, notes=tuple(replace(n, model="reverse") if n is engine else n for n in plan.notes)
    )
    second = release(reversible, first.manifest, 2_000)
    new = next(n for n in second.plan.notes if n.key == engine.key)
    assert new.guid != engine.guid and new.model == "reverse"
    assert [t.guid for t in second.removed] == [engine.guid]
    assert second.bump == "minor"
    back = release(plan, second.manifest, 3_000)
    assert next(n for n in back.plan.notes if n.key == engine.key).guid == engine.guid
    assert [t.guid for t in back.removed] == [new.guid]


def test_a_note_whose_key_and_answer_change_together_is_named_as_replaced():
    first = release_of(BASE)
    edited = BASE.replace("## Storage", "## Storage engines").replace("RocksDB", "LevelDB")
    second = release_of(edited, first.manifest, 2_000)
    assert [(n.prompt, old.prompt) for n, old in second.replaced] == [
        ("Storage engines — Engine?", "Storage — Engine?")
    ]
    # Renamed alone, the note is found again by what it teaches: nothing is replaced.
    renamed = release_of(BASE.replace("## Storage", "## Storage engines"), first.manifest, 2_000)
    assert renamed.replaced == () and renamed.added == ()


def test_an_unrelated_card_added_beside_a_removed_one_is_no_replacement():
    first = release_of(BASE)
    edited = BASE.replace("- **Capacity:** 2TB per node\n", "- **Replication:** three copies per region\n")
    second = release_of(edited, first.manifest, 2_000)
    assert len(second.added) == 1 and len(second.removed) == 1
    assert second.replaced == ()


TIPS = "# Deck\n\n## Habits\n- **Tip:** always set timeouts\n"


def test_a_repeated_label_inserted_before_an_edited_one_takes_no_history():
    """Which of two new tips continues the one edited is not known: neither takes its GUID."""
    first = release_of(TIPS)
    (timeouts,) = first.plan.notes
    edited = TIPS.replace(
        "- **Tip:** always set timeouts",
        "- **Tip:** prefer bounded channels\n- **Tip:** always set timeouts on calls",
    )
    second = release_of(edited, first.manifest, 2_000)
    assert timeouts.guid not in {n.guid for n in second.plan.notes}
    assert [t.guid for t in second.removed] == [timeouts.guid]
    assert [(u.note.answer, [o.guid for o in u.olds]) for u in second.unsure] == [
        ("prefer bounded channels", [timeouts.guid]),
        ("always set timeouts on calls", [timeouts.guid]),
    ]
    (warning, _) = history_lost(second)
    assert str(warning).startswith("deck.md:4: warning: could not tell which note “Habits — Tip?” continues")
    # Inserted alone, or edited alone, the tip keeps its GUID, and nothing is in doubt.
    for text in (edited.replace(" on calls", ""), TIPS.replace("timeouts", "timeouts on calls")):
        kept = release_of(text, first.manifest, 2_000)
        assert {n.answer: n.guid for n in kept.plan.notes}[text.splitlines()[-1][11:]] == timeouts.guid
        assert kept.unsure == () and history_lost(kept) == []


def test_edits_between_matched_repeats_keep_their_places():
    """Repeats matched by what they teach place the others: each edited one, between the same
    neighbours, keeps its GUID; a gap with more new than old repeats is in doubt."""
    text = "# Deck\n\n## Habits\n- **Tip:** a1\n- **Tip:** b1\n- **Tip:** c1\n- **Tip:** d1\n"
    first = release_of(text)
    old = [n.guid for n in first.plan.notes]
    second = release_of(text.replace("a1", "a2").replace("c1", "c2"), first.manifest, 2_000)
    assert [n.guid for n in second.plan.notes] == old and second.unsure == ()
    third = release_of(text.replace("- **Tip:** c1", "- **Tip:** x\n- **Tip:** c2"), first.manifest, 2_000)
    assert [n.guid for n in third.plan.notes][:2] == old[:2] and third.plan.notes[-1].guid == old[3]
    assert [u.note.answer for u in third.unsure] == ["x", "c2"]
    assert [t.guid for t in third.removed] == [old[2]]


def test_renamed_heading_with_reordered_same_answers_keeps_each_history():
    """Two cards that teach the same thing, reordered under a renamed heading: each keeps its
    own GUID, told apart by its label."""
    text = "# Deck\n\n## Storage\n- **Engine:** RocksDB\n- **Store:** RocksDB\n"
    first = release_of(text)
    moved = "# Deck\n\n## Storage layer\n- **Store:** RocksDB\n- **Engine:** RocksDB\n"
    second = release_of(moved, first.manifest, 2_000)
    assert guids(second) == guids(first)
    assert second.added == () and second.unsure == ()


def test_same_answers_that_cannot_be_told_apart_take_no_history():
    """Two renamed labels that teach the same thing: neither is known to continue either old
    card, so both are new, in doubt, rather than one taking the other's history."""
    text = "# Deck\n\n## Storage\n- **Engine:** RocksDB\n- **Store:** RocksDB\n"
    first = release_of(text)
    renamed = text.replace("**Engine:**", "**Backend:**").replace("**Store:**", "**Database:**")
    second = release_of(renamed, first.manifest, 2_000)
    assert not set(guids(second).values()) & set(guids(first).values())
    assert sorted(u.note.prompt for u in second.unsure) == ["Storage — Backend?", "Storage — Database?"]
    assert len(second.removed) == 2


@pytest.mark.parametrize(
    ("version", "bump", "after"),
    [
        ("1.0.1", "minor", "1.1.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("0.9.9", "minor", "0.10.0"),
        ("9.9.9", "patch", "9.9.10"),
    ],
)
def test_a_bump_moves_one_part_and_resets_those_after_it(version, bump, after):
    assert bump_version(version, bump) == after


def test_versions_through_a_deck_s_life():
    """Each kind of edit, from a version whose every part is set: a minor or major release
    never keeps the patch number of the one before."""
    first = release_of(BASE)
    patched = release_of(BASE.replace("2TB", "3TB"), first.manifest, 2_000)
    added = release_of(BASE.replace("2TB", "3TB") + "- **Extra:** x\n", patched.manifest, 3_000)
    edited = release_of(BASE.replace("2TB", "4TB") + "- **Extra:** x\n", added.manifest, 4_000)
    removed = release_of(BASE.replace("2TB", "4TB"), edited.manifest, 5_000)
    steps = [(r.bump, r.version) for r in (first, patched, added, edited, removed)]
    assert steps == [
        ("major", "1.0.0"),
        ("patch", "1.0.1"),
        ("minor", "1.1.0"),
        ("patch", "1.1.1"),
        ("minor", "1.2.0"),
    ]
    assert [h.version for h in removed.manifest.history] == ["1.2.0", "1.1.1", "1.1.0", "1.0.1", "1.0.0"]
    # Learners see the release each note last changed in.
    tags = {n.prompt.split(" — ")[-1]: n.tags[-1] for n in removed.notes}
    assert tags == {
        "Engine?": "changed::1.0.0",
        "Capacity?": "changed::1.1.1",
        "Transport?": "changed::1.0.0",
    }
    assert [t.removed for t in removed.manifest.removed] == ["1.2.0"]


def test_the_bump_for_each_kind_of_change():
    first = release_of(BASE).manifest
    models = dict(first.models)
    shape = {k: {**v, "shape": "other"} for k, v in models.items()}
    css = {k: {**v, "css": "other"} for k, v in models.items()}
    assert bump_for(None, models, (), (), ()) == "major"
    assert bump_for(first, models, (), (), ()) is None
    assert bump_for(first, models, (), (), ("edited",)) == "patch"
    assert bump_for(first, models, ("new",), (), ("edited",)) == "minor"
    assert bump_for(first, models, (), ("gone",), ()) == "minor"
    assert bump_for(first, models, (), (), (), ("gap",)) == "minor"
    assert bump_for(first, css, (), (), ("edited",)) == "minor"
    assert bump_for(first, shape, ("new",), ("gone",), ("edited",)) == "major"


def test_a_built_minor_release_after_a_patch_is_packaged_as_x_y_0(tmp_path, monkeypatch):
    """The real build: the package and manifest a learner gets are named by the next version."""
    monkeypatch.chdir(tmp_path)
    write({"src/deck.md": BASE})
    assert outcome("build", "src", "--out", "decks")[0] == 0
    write({"src/deck.md": BASE.replace("2TB", "3TB")})
    code, stdout, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    assert (
        stdout
        == "Deck: 3 notes (fact 3) -> decks/deck-1.0.1.apkg (1.0.0 -> 1.0.1, patch: 0 added, 1 changed, 0 removed)\n"
    )
    write({"src/deck.md": BASE.replace("2TB", "3TB") + "- **Extra:** x\n"})
    code, stdout, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    assert (
        stdout
        == "Deck: 4 notes (fact 4) -> decks/deck-1.1.0.apkg (1.0.1 -> 1.1.0, minor: 1 added, 0 changed, 0 removed)\n"
    )
    assert (tmp_path / "decks" / "deck-1.1.0.apkg").is_file()
    assert not (tmp_path / "decks" / "deck-1.1.1.apkg").exists()
    assert load_manifest(tmp_path / "decks" / "deck.manifest.json").version == "1.1.0"


def test_a_key_back_under_another_note_type_never_takes_its_tombstone_s_guid():
    """A removed card comes back as a reverse card: its tombstone's GUID stays the tombstone's
    (Anki would skip a note of another note type under it), and every shipped GUID is one note's."""
    plan = deck(BASE)
    engine = next(n for n in plan.notes if n.prompt.endswith("Engine?"))
    first = release(plan, None, 1_000)
    removed = release_of(
        BASE.replace("- **Engine:** RocksDB with one column family per table\n", ""), first.manifest, 2_000
    )
    assert [t.guid for t in removed.removed] == [engine.guid]
    reversible = replace(
        plan, notes=tuple(replace(n, model="reverse") if n is engine else n for n in plan.notes)
    )
    back = release(reversible, removed.manifest, 3_000)
    new = next(n for n in back.plan.notes if n.key == engine.key)
    assert new.guid != engine.guid and new.model == "reverse"
    assert [t.guid for t in back.tombstones] == [engine.guid]
    shipped = [n.guid for n in back.shipped()]
    assert len(set(shipped)) == len(shipped) == 4
