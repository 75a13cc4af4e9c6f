"""``deckbuilder sync --collection`` keeps a learner's collection theirs: what they edit, tag,
add, rename and move in Anki stays across syncs of new releases, and a decks folder or package
changed by hand never reaches outside its own deck."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from support import outcome as run
from support import study

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

FIRST = """\
deck: Networking
tags: [net]
cards:
  - id: tcp
    front: Which transport gives ordered delivery?
    back: TCP
    tags: [transport]
  - id: udp
    front: Which transport is connectionless?
    back: UDP
    tags: [transport, exam]
  - id: ip
    front: Which protocol routes packets?
    back: IP
  - id: arp
    front: What maps an IP address to a MAC address?
    back: ARP
"""
# tcp's answer changed, exam dropped from udp, arp removed, dns added; ip as it was.
SECOND = (
    FIRST.replace("back: TCP\n", "back: TCP, with retransmission\n")
    .replace("tags: [transport, exam]", "tags: [transport]")
    .replace(
        "  - id: arp\n    front: What maps an IP address to a MAC address?\n    back: ARP\n",
        "  - id: dns\n    front: What turns names into addresses?\n    back: DNS\n",
    )
)
# arp is back.
THIRD = SECOND + "  - id: arp\n    front: What maps an IP address to a MAC address?\n    back: ARP\n"
DECK = "Networking"
PROMPT_MODEL = "deckbuilder prompt/answer"

ALPHA = """\
---
deck: Alpha
---
# Alpha

## Facts

- **One:** the first letter
- **Two:** the second letter
"""
BETA = """\
---
deck: Beta
---
# Beta

## Facts

- **Three:** the third letter
- **Four:** the fourth letter
"""

EPOCHS = {"v1": 1_700_000_000, "v2": 1_700_100_000, "v3": 1_700_200_000}


def build(source: Path, decks: Path, files: dict[str, str], epoch: int) -> None:
    source.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (source / name).write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        code, _, stderr = run("build", str(source), "--out", str(decks))
    assert code == 0, stderr


def sync(work: Path, *extra: str) -> tuple[int, str, str]:
    return run("sync", "--decks", str(work / "decks"), "--collection", str(work / "collection.anki2"), *extra)


@contextmanager
def opened(work: Path) -> Iterator[Any]:
    col = Collection(str(work / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def state(work: Path) -> dict:
    """Everything a sync must keep or change, read from the collection on disk."""
    with opened(work) as col:
        names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
        notes = {
            guid: (mid, flds, tags)
            for guid, mid, flds, tags in col.db.all("select guid, mid, flds, tags from notes")
        }
        cards = {
            cid: (guid, names[did], ivl, due, queue, reps)
            for cid, guid, did, ivl, due, queue, reps in col.db.all(
                "select c.id, n.guid, c.did, c.ivl, c.due, c.queue, c.reps from cards c join notes n on n.id = c.nid"
            )
        }
        revlog = col.db.all("select id, cid, ease, ivl from revlog order by id")
        models = sorted(m.name for m in col.models.all_names_and_ids())
        return {
            "notes": notes,
            "cards": cards,
            "revlog": revlog,
            "decks": sorted(names.values()),
            "models": models,
        }


def note_of(col: Any, guid: str) -> Any:
    return col.get_note(col.db.scalar("select id from notes where guid = ?", guid))


def decks_of(col: Any, guid: str) -> list[str]:
    """The deck of each card of the note, by card order."""
    names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
    return [
        names[did]
        for (did,) in col.db.all(
            "select c.did from cards c join notes n on n.id = c.nid where n.guid = ? order by c.ord", guid
        )
    ]


def packaged(package: Path) -> dict[str, list[str]]:
    """The fields of each note a package ships, by GUID."""
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    database = package.with_name(package.name + ".anki2")
    database.write_bytes(data)
    try:
        db = sqlite3.connect(database)
        try:
            return {guid: flds.split("\x1f") for guid, flds in db.execute("select guid, flds from notes")}
        finally:
            db.close()
    finally:
        database.unlink()


def tamper(package: Path, statement: str) -> None:
    """Change the collection inside a package with one SQL statement, and write the zip back."""
    with zipfile.ZipFile(package) as archive:
        members = [(item, archive.read(item)) for item in archive.infolist()]
    database = package.with_name("tampered.anki2")
    database.write_bytes({i.filename: d for i, d in members}["collection.anki2"])
    db = sqlite3.connect(database)
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, data in members:
            archive.writestr(item, database.read_bytes() if item.filename == "collection.anki2" else data)
    database.unlink()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three releases of Networking (each a decks folder), Alpha and Beta in one decks folder,
    and release 1 synced into a collection with a deck of the learner's own and two cards studied."""
    root = tmp_path_factory.mktemp("releases")
    out: dict[str, Any] = {}
    for version, text in (("v1", FIRST), ("v2", SECOND), ("v3", THIRD)):
        build(root / "source", root / "decks", {"net.yaml": text}, EPOCHS[version])
        shutil.copytree(root / "decks", root / version)
        out[version] = root / version
    build(root / "pair-source", root / "pair", {"alpha.md": ALPHA, "beta.md": BETA}, EPOCHS["v1"])
    out["pair"] = root / "pair"
    guids = {}
    for version in ("v1", "v2"):
        manifest = json.loads((out[version] / "networking.manifest.json").read_text(encoding="utf-8"))
        guids |= {n["key"].removeprefix("card:"): n["guid"] for n in manifest["notes"]}
    out["guids"] = guids

    work = root / "base"
    work.mkdir()
    shutil.copytree(out["v1"], work / "decks")
    with opened(work) as col:
        own = col.new_note(col.models.by_name("Basic"))
        own["Front"], own["Back"] = "my own question", "my own answer"
        col.add_note(own, col.decks.id("Mine", create=True))
        out["own"] = own.guid
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    assert f"{DECK} 1.0.0: 4 added" in stdout
    with opened(work) as col:
        study(col, DECK, 2)
    out["base"] = work / "collection.anki2"
    return out


def learner(tmp_path: Path, built: dict[str, Any], version: str = "v1") -> Path:
    """A learner's collection holding release 1, and the decks folder of ``version``."""
    shutil.copyfile(built["base"], tmp_path / "collection.anki2")
    shutil.copytree(built[version], tmp_path / "decks")
    return tmp_path


def release(work: Path, built: dict[str, Any], version: str) -> None:
    """The decks folder brought to ``version``, as a learner fetching it would get it."""
    shutil.rmtree(work / "decks")
    shutil.copytree(built[version], work / "decks")


def lines(stdout: str) -> list[str]:
    return stdout.splitlines()


# 1. Field edits


def test_a_field_edit_stays_and_is_reported_where_the_release_changed_the_note(tmp_path, built):
    work, guids = learner(tmp_path, built), built["guids"]
    with opened(work) as col:
        for key in ("ip", "tcp"):
            note = note_of(col, guids[key])
            note["Answer"] += "<br>Mnemonic: think of a queue"
            col.update_note(note)
    release(work, built, "v2")
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    assert "  kept your edit: Which transport gives ordered delivery?" in lines(stdout)
    with opened(work) as col:
        assert note_of(col, guids["ip"])["Answer"] == "<p>IP</p><br>Mnemonic: think of a queue"
        tcp = note_of(col, guids["tcp"])
        assert tcp["Answer"] == "<p>TCP</p><br>Mnemonic: think of a queue"
        assert "changed::1.1.0" in tcp.tags  # the release's tags still land on it

    code, stdout, stderr = sync(work, "--no-backup", "--overwrite-edits")
    assert code == 0, stderr
    shipped = packaged(work / "decks" / "networking-1.1.0.apkg")
    with opened(work) as col:
        assert (
            note_of(col, guids["tcp"])["Answer"]
            == shipped[guids["tcp"]][1]
            == "<p>TCP, with retransmission</p>"
        )
    assert sync(work, "--no-backup")[1] == f"{DECK} 1.1.0: up to date\n"


# 2. Tags


def test_the_learners_tags_and_ankis_marked_and_leech_stay_and_a_dropped_tag_goes(tmp_path, built):
    work, guids = learner(tmp_path, built), built["guids"]
    with opened(work) as col:
        ids = {
            key: col.db.scalar("select id from notes where guid = ?", guids[key])
            for key in ("tcp", "udp", "ip")
        }
        col.tags.bulk_add([ids["udp"], ids["tcp"]], "my::revision")
        col.tags.bulk_add([ids["tcp"]], "marked")
        col.tags.bulk_add([ids["ip"]], "leech")
    release(work, built, "v2")
    code, _, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    with opened(work) as col:
        tags = {key: set(note_of(col, guids[key]).tags) for key in ("tcp", "udp", "ip")}
    assert {"my::revision", "marked", "net", "transport", "changed::1.1.0"} <= tags["tcp"]
    assert {"my::revision", "net", "transport"} <= tags["udp"]
    assert "exam" not in tags["udp"]
    assert {"leech", "net"} <= tags["ip"]
    assert sync(work, "--no-backup")[1] == f"{DECK} 1.1.0: up to date\n"


# 3. A field the learner added to the note type


def test_a_field_the_learner_added_to_the_note_type_keeps_its_value_and_the_release_lands(tmp_path, built):
    work, guids = learner(tmp_path, built), built["guids"]
    with opened(work) as col:
        model = col.models.by_name(PROMPT_MODEL)
        col.models.add_field(model, col.models.new_field("Mnemonic"))
        col.models.update_dict(model)
        note = note_of(col, guids["tcp"])
        note["Mnemonic"] = "Total order, like a queue"
        col.update_note(note)
    release(work, built, "v2")
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, (stdout, stderr)
    with opened(work) as col:
        tcp = note_of(col, guids["tcp"])
        assert tcp["Answer"] == "<p>TCP, with retransmission</p>"
        assert tcp["Mnemonic"] == "Total order, like a queue"
        assert col.db.scalar("select count() from notes where guid = ?", guids["arp"]) == 0
        dns = note_of(col, guids["dns"])
        assert dns.note_type()["name"] == PROMPT_MODEL and dns["Mnemonic"] == ""
        names = [m.name for m in col.models.all_names_and_ids()]
    assert not [name for name in names if name.endswith("+")], names
    assert names.count(PROMPT_MODEL) == 1
    code, stdout, _ = sync(work, "--no-backup")
    assert code == 0 and stdout == f"{DECK} 1.1.0: up to date\n"


# 4. The learner's deck layout


def test_a_renamed_deck_with_its_own_options_is_followed_and_reset_decks_restores_the_release(
    tmp_path, built
):
    work, guids = learner(tmp_path, built), built["guids"]
    with opened(work) as col:
        col.decks.rename(col.decks.id_for_name(DECK), "School::Networking")
        preset = col.decks.add_config_returning_id("My pace")
        col.decks.set_config_id_for_deck_dict(col.decks.by_name("School::Networking"), preset)
        udp = col.db.list(
            "select c.id from cards c join notes n on n.id = c.nid where n.guid = ?", guids["udp"]
        )
        col.set_deck(udp, col.decks.id("Mine"))
    before = state(work)
    release(work, built, "v2")
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    after = state(work)
    with opened(work) as col:
        assert decks_of(col, guids["dns"]) == ["School::Networking"]
        assert decks_of(col, guids["tcp"]) == decks_of(col, guids["ip"]) == ["School::Networking"]
        assert decks_of(col, guids["udp"]) == ["Mine"]
        assert col.decks.by_name("School::Networking")["conf"] == preset
        assert col.decks.get_config(preset)["name"] == "My pace"
    assert DECK.casefold() not in {name.casefold() for name in after["decks"]}, after["decks"]
    # The cards that were there keep their schedule and history.
    for cid, card in before["cards"].items():
        if card[0] in {guids["tcp"], guids["udp"], guids["ip"]}:
            assert after["cards"][cid] == card
    assert after["revlog"] == before["revlog"]
    assert sync(work, "--no-backup")[1] == f"{DECK} 1.1.0: up to date\n"

    code, stdout, stderr = sync(work, "--no-backup", "--reset-decks")
    assert code == 0, stderr
    assert stdout == f"{DECK} 1.1.0: 0 added, 0 changed, 4 moved, 0 deleted\n"
    with opened(work) as col:
        for key in ("tcp", "udp", "ip", "dns"):
            assert decks_of(col, guids[key]) == [DECK], key
        assert decks_of(col, built["own"]) == ["Mine"]


# 5. A removal written into a manifest by hand


BRIEF_ENTRY = ("guid", "key", "kind", "model", "prompt")
"""What a removed entry needs: copied from a current note of another deck."""
FULL_ENTRY = (*BRIEF_ENTRY, "shipped")
"""The same with the hashes of what that note shipped: the removal looks like one of its own."""


OF_BETA = "not deleted: it is a note of “Beta”, though Alpha's manifest lists it as removed"
NOT_MADE = "not deleted: Alpha did not make this note, though its manifest lists it as removed"


@pytest.mark.parametrize(
    ("victims", "copied", "names", "beta_here", "reason"),
    [
        (1, BRIEF_ENTRY, (), True, OF_BETA),
        (1, FULL_ENTRY, (), True, OF_BETA),
        (1, FULL_ENTRY, ("Beta",), True, OF_BETA),
        (2, FULL_ENTRY, ("Beta",), True, OF_BETA),
        # Beta released from another decks folder: only Alpha's manifest speaks of it.
        (1, BRIEF_ENTRY, (), False, NOT_MADE),
        (2, FULL_ENTRY, ("Beta",), False, NOT_MADE),
    ],
    ids=[
        "entry",
        "entry-with-hashes",
        "and-a-former-name",
        "every-note-and-a-former-name",
        "beta-elsewhere",
        "beta-elsewhere-every-note-and-a-former-name",
    ],
)
def test_a_forged_removal_never_deletes_another_decks_note(
    tmp_path, built, victims, copied, names, beta_here, reason
):
    """Alpha's manifest, edited by hand, lists notes of Beta as removed (and, in the last two
    cases, calls Beta one of Alpha's former names): Beta's notes and their reviews stay."""
    work = tmp_path
    shutil.copytree(built["pair"], work / "decks")
    Collection(str(work / "collection.anki2")).close()
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    with opened(work) as col:
        study(col, "Beta", 2)
    before = state(work)
    alpha_path = work / "decks" / "alpha.manifest.json"
    alpha = json.loads(alpha_path.read_text(encoding="utf-8"))
    beta = json.loads((work / "decks" / "beta.manifest.json").read_text(encoding="utf-8"))
    forged = beta["notes"][:victims]
    for victim in forged:
        alpha["removed"].append({k: victim[k] for k in copied} | {"removed": alpha["version"]})
    if names:
        alpha["names"] = list(names)
    alpha_path.write_text(json.dumps(alpha, ensure_ascii=False, indent=2), encoding="utf-8")
    if not beta_here:
        for path in (work / "decks").glob("beta*"):
            path.unlink()

    code, stdout, stderr = sync(work, "--no-backup")
    after = state(work)
    assert {v["guid"] for v in forged} <= set(after["notes"]), stdout + stderr
    assert after == before
    assert code == 1
    # Each note is named by the learner's own text (its breadcrumb, then its prompt), with why
    # it was not deleted.
    for text in ("Facts Three?", "Facts Four?")[:victims]:
        said = [line for line in lines(stdout) if line.startswith(f"  ! {text}: not deleted")]
        assert (said == [f"  ! {text}: {reason}"]) if reason else (len(said) == 1), stdout
    assert ("Beta 1.0.0: up to date" in lines(stdout)) == beta_here
    assert stderr.startswith("deckbuilder: not everything could be synced: Alpha: Facts Three?: not deleted")
    assert stderr.count("\n") == 1


# 6. A package changed after it was built


@pytest.mark.parametrize(
    "statement",
    [
        "update col set models = replace(models, '{{Prompt}}', '{{Prompt}}<script>alert(1)</script>')",
        "update notes set flds = replace(flds, 'DNS', 'DNS<img src=x onerror=alert(1)>')",
    ],
    ids=["script-in-template", "attribute-in-field"],
)
def test_a_tampered_package_is_refused_naming_it_and_nothing_changes(tmp_path, built, statement):
    work = learner(tmp_path, built)
    release(work, built, "v2")
    package = work / "decks" / "networking-1.1.0.apkg"
    tamper(package, statement)
    with zipfile.ZipFile(package) as archive:
        assert b"alert(1)" in archive.read("collection.anki2")
    before = (work / "collection.anki2").read_bytes()
    code, stdout, stderr = sync(work)
    assert code == 1 and stdout == ""
    assert stderr.startswith(f"{package}: error: ") and stderr.count("\n") == 1, stderr
    assert "sync refuses it" in stderr
    assert (work / "collection.anki2").read_bytes() == before
    assert not (work / "backups").exists()


# 7. Suspended when removed, back when it comes back


def test_a_removed_note_suspended_is_unsuspended_when_it_comes_back(tmp_path, built):
    work, arp = learner(tmp_path, built), built["guids"]["arp"]
    release(work, built, "v2")
    code, stdout, stderr = sync(work, "--no-backup", "--suspend-removed")
    assert code == 0, stderr
    assert "1 suspended" in stdout
    with opened(work) as col:
        note = note_of(col, arp)
        assert "deckbuilder::suspended" in note.tags
        assert [card.queue for card in note.cards()] == [-1]
    release(work, built, "v3")
    code, stdout, stderr = sync(work, "--no-backup", "--suspend-removed")
    assert code == 0, stderr
    assert "1 unsuspended" in stdout.splitlines()[0], stdout
    with opened(work) as col:
        note = note_of(col, arp)
        assert "deckbuilder::suspended" not in note.tags
        assert [card.queue for card in note.cards()] == [0]
    assert sync(work, "--no-backup")[1] == f"{DECK} 1.2.0: up to date\n"


def test_a_dry_run_names_the_note_coming_back(tmp_path, built):
    work, arp = learner(tmp_path, built), built["guids"]["arp"]
    release(work, built, "v2")
    assert sync(work, "--no-backup", "--suspend-removed")[0] == 0
    release(work, built, "v3")
    code, stdout, _ = sync(work, "--dry-run")
    assert code == 0
    assert "  ^ What maps an IP address to a MAC address? (back in the deck: unsuspended)" in lines(stdout)
    with opened(work) as col:
        assert [card.queue for card in note_of(col, arp).cards()] == [-1]


# 8. A note of another note type holding a release's GUID


def test_a_note_of_another_type_holding_a_guid_is_a_conflict_never_up_to_date(tmp_path, built):
    work = tmp_path
    shutil.copytree(built["v1"], work / "decks")
    taken = built["guids"]["tcp"]
    with opened(work) as col:
        basic = col.new_note(col.models.by_name("Basic"))
        basic["Front"], basic["Back"] = "a note of mine", "with a GUID of the release"
        col.add_note(basic, col.decks.id("Mine", create=True))
        col.db.execute("update notes set guid = ? where id = ?", taken, basic.id)
    with opened(work) as col:
        assert note_of(col, taken)["Front"] == "a note of mine"
    reason = "a “Basic” note holds this note's GUID; left alone"

    code, stdout, stderr = sync(work, "--dry-run")
    assert f"  ! Which transport gives ordered delivery?: {reason}" in lines(stdout), stdout
    assert "up to date" not in stdout.replace("not up to date", "")
    dry_run_code = code

    for _ in range(2):
        code, stdout, stderr = sync(work, "--no-backup")
        assert code == 1
        assert f"  ! Which transport gives ordered delivery?: {reason}" in lines(stdout), stdout
        assert "up to date" not in stdout.replace("not up to date", "")
        assert (
            stderr
            == f"deckbuilder: not everything could be synced: {DECK}: Which transport gives ordered delivery?: {reason}\n"
        )
    assert stdout.startswith(f"{DECK} 1.0.0: not up to date; 1 could not be synced\n")
    with opened(work) as col:
        note = note_of(col, taken)
        assert note.note_type()["name"] == "Basic" and note["Front"] == "a note of mine"
    # A dry run reports the conflict the way a real run does: with a failing exit status.
    assert dry_run_code != 0, "the dry run exited 0 although a note could not be synced"


# 9. Which decks a sync takes


def test_a_first_sync_into_an_empty_collection_takes_every_deck_and_says_which(tmp_path, built):
    shutil.copytree(built["pair"], tmp_path / "decks")
    Collection(str(tmp_path / "collection.anki2")).close()
    code, stdout, stderr = sync(tmp_path, "--no-backup")
    assert code == 0, stderr
    assert lines(stdout)[0] == "first sync: taking every deck of the decks folder (Alpha, Beta)"
    assert "Alpha 1.0.0: 2 added" in stdout and "Beta 1.0.0: 2 added" in stdout
    assert {"Alpha", "Beta"} <= set(state(tmp_path)["decks"])


def test_a_deck_added_to_the_decks_folder_is_synced_only_when_named(tmp_path, built):
    work = tmp_path
    (work / "decks").mkdir()
    for path in built["pair"].glob("alpha*"):
        shutil.copy(path, work / "decks")
    Collection(str(work / "collection.anki2")).close()
    code, stdout, _ = sync(work, "--no-backup")
    assert code == 0 and lines(stdout)[0] == "first sync: taking every deck of the decks folder (Alpha)"

    for path in built["pair"].glob("beta*"):
        shutil.copy(path, work / "decks")
    code, stdout, stderr = sync(work, "--no-backup")
    assert code == 0, stderr
    assert (
        stdout
        == "Beta: not in this collection, not synced (--deck “Beta” adds it)\nAlpha 1.0.0: up to date\n"
    )
    assert "Beta" not in state(work)["decks"]

    code, stdout, stderr = sync(work, "--no-backup", "--deck", "b*")
    assert code == 0, stderr
    assert stdout.startswith("Beta 1.0.0: 2 added") and "Alpha" not in stdout
    code, stdout, _ = sync(work, "--no-backup")
    assert code == 0 and stdout == "Alpha 1.0.0: up to date\nBeta 1.0.0: up to date\n"


@pytest.mark.parametrize(
    ("chosen", "synced"),
    [(("Alpha",), {"Alpha"}), (("?ETA",), {"Beta"}), (("alpha", "Beta"), {"Alpha", "Beta"})],
)
def test_deck_chooses_the_decks_by_name_or_glob(tmp_path, built, chosen, synced):
    shutil.copytree(built["pair"], tmp_path / "decks")
    Collection(str(tmp_path / "collection.anki2")).close()
    code, stdout, stderr = sync(
        tmp_path, "--no-backup", *(arg for name in chosen for arg in ("--deck", name))
    )
    assert code == 0, stderr
    assert "first sync" not in stdout
    assert {line.split(" ")[0] for line in lines(stdout)} == synced
    assert {"Alpha", "Beta"} & set(state(tmp_path)["decks"]) == synced


def test_deck_naming_no_deck_is_one_line(tmp_path, built):
    shutil.copytree(built["pair"], tmp_path / "decks")
    Collection(str(tmp_path / "collection.anki2")).close()
    before = (tmp_path / "collection.anki2").read_bytes()
    code, stdout, stderr = sync(tmp_path, "--deck", "Gamma")
    assert code == 1 and stdout == ""
    assert stderr == f"{tmp_path / 'decks'}: error: no released deck here is named 'Gamma'\n"
    assert (tmp_path / "collection.anki2").read_bytes() == before


# 10. Safety: backups, files that are not collections, read-only collections


def test_a_backup_folder_under_a_file_stops_the_sync(tmp_path, built):
    work = learner(tmp_path, built)
    release(work, built, "v2")
    before = state(work)
    (work / "afile").write_text("not a folder", encoding="utf-8")
    target = work / "afile" / "backups"
    code, stdout, stderr = sync(work, "--backup-dir", str(target))
    assert code == 1 and "backup:" not in stdout
    assert stderr == f"deckbuilder: cannot write a backup to {target}: Not a directory; nothing was synced\n"
    assert state(work) == before


def test_a_read_only_backup_folder_stops_the_sync(tmp_path, built):
    work = learner(tmp_path, built)
    release(work, built, "v2")
    before = state(work)
    target = work / "backups"
    target.mkdir()
    target.chmod(0o500)
    try:
        if os.access(target, os.W_OK):
            pytest.skip("this user can write to a read-only folder (root)")
        code, _, stderr = sync(work, "--backup-dir", str(target))
    finally:
        target.chmod(0o700)
    assert code == 1
    assert (
        stderr == f"deckbuilder: cannot write a backup to {target}: Permission denied; nothing was synced\n"
    )
    assert state(work) == before
    assert list(target.iterdir()) == []


def test_a_file_that_is_not_a_collection_is_refused_untouched(tmp_path, built):
    shutil.copytree(built["v1"], tmp_path / "decks")
    db = sqlite3.connect(tmp_path / "collection.anki2")
    db.execute("create table shopping (item text)")
    db.execute("insert into shopping values ('milk')")
    db.commit()
    db.close()
    before = (tmp_path / "collection.anki2").read_bytes()
    for extra in ((), ("--dry-run",)):
        code, stdout, stderr = sync(tmp_path, *extra)
        assert code == 1 and stdout == ""
        assert (
            stderr
            == f"deckbuilder: {tmp_path / 'collection.anki2'} is not an Anki collection (it has no notes and cards tables)\n"
        )
    assert (tmp_path / "collection.anki2").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection.anki2", "decks"]


def test_a_read_only_collection_is_refused_and_a_dry_run_reads_it(tmp_path, built, monkeypatch):
    work = learner(tmp_path, built)
    release(work, built, "v2")
    path = work / "collection.anki2"
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):
            # Root writes to a read-only file: the file system's answer, as another user gets it.
            real = os.access
            monkeypatch.setattr(
                os,
                "access",
                lambda p, mode, **kw: False if Path(p) == path and mode == os.W_OK else real(p, mode, **kw),
            )
        code, stdout, stderr = sync(work)
        assert code == 1 and stdout == ""
        assert stderr == f"deckbuilder: {path} is read-only: sync cannot change it (--dry-run can read it)\n"
        code, stdout, stderr = sync(work, "--dry-run")
        assert code == 0, stderr
        assert stdout.startswith(f"{DECK} 1.1.0: 1 added, ") and stdout.endswith(
            "dry run: nothing was changed\n"
        )
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


# 11. Names Anki normalises


@pytest.mark.parametrize(
    "deck",
    ["Net  works::::Core\\t", "Cafe\\u0301"],
    ids=["spaces-blank-part-tab", "nfd"],
)
def test_names_anki_normalises_are_up_to_date_after_one_sync(tmp_path, deck):
    # YAML's double quotes make \t a tab and \u0301 a combining accent (NFD text).
    source = f'---\ndeck: "{deck}"\ntags: ["exam\\tprep", "Cafe\\u0301"]\n---\n# Notes\n\n## Basics\n\n- **One:** the first fact\n- **Two:** the second fact\n'
    build(tmp_path / "source", tmp_path / "decks", {"notes.md": source}, EPOCHS["v1"])
    Collection(str(tmp_path / "collection.anki2")).close()
    code, stdout, stderr = sync(tmp_path, "--no-backup")
    assert code == 0, stderr
    once = state(tmp_path)
    code, stdout, stderr = sync(tmp_path, "--no-backup")
    assert code == 0, stderr
    assert len(lines(stdout)) == 1 and stdout.endswith(" 1.0.0: up to date\n"), stdout
    assert state(tmp_path) == once
    # The cards are in one deck, the one the sync names; no tag holds a tab or NFD text.
    name = stdout[: -len(" 1.0.0: up to date\n")]
    assert {deck for _, deck, *_ in once["cards"].values()} == {name}
    assert [n for n in once["decks"] if n.casefold() == name.casefold()] == [name]
    for _, _, tags in once["notes"].values():
        assert "\t" not in tags and tags == unicodedata.normalize("NFC", tags)
        assert "Café" in tags.split()
