"""``sync --anki-connect``: a running Anki brought up to date over AnkiConnect's HTTP protocol.

The server is a real one: anki-connect-server (a headless AnkiConnect over a real collection
through the real ``anki`` library), run by ``tests/ankiconnect_server.py`` from its own virtual
environment, ``.venv-ankiconnect/`` (it needs Python 3.12 or later; made on first use, then kept).

The learner's collection is made with the real ``anki`` library: a note of their own in a deck of
their own, a deckbuilder note of a deck this decks folder does not hold, release 1.0.0 of a
small deck imported by hand and three of its cards studied, one of its notes edited and one of
its cards moved to the learner's deck, and the CSS of a note type changed. Release 1.1.0
changes an answer, adds a note, removes one and puts the cards in subdecks.
"""

from __future__ import annotations

import glob
import http.server
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.notetypes import PROMPT_MODEL_ID, ids
from builder.sync import ankiconnect
from builder.sync.ankiconnect import covering
from builder.sync.release import read_releases

from support import study

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest

ROOT = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = Path(__file__).resolve().parent / "ankiconnect_server.py"
SERVER_VENV = ROOT / ".venv-ankiconnect"
SERVER_PACKAGES = (
    "anki-connect-server==0.5.0",
    "httpx>=0.27,<1",  # anki-connect-server 0.5.0 imports it without asking for it
)
T1, T2 = 1_750_000_000, 1_760_000_000
DECK = "Sync Test"

RELEASE_1 = """\
---
deck: Sync Test
tags: [sync]
---

# Sync test

## Storage

- **Engine:** B-tree pages of 4 KiB
- **Log:** write-ahead, fsync on commit
- **Cache:** LRU of 1000 pages

## Network

- **Protocol:** TCP with TLS 1.3
- **Port:** 5432 by default
"""

RELEASE_2 = """\
---
deck: Sync Test
tags: [sync]
subdecks: true
---

# Sync test

## Storage

- **Engine:** LSM tree with leveled compaction
- **Log:** write-ahead, fsync on commit

## Network

- **Protocol:** TCP with TLS 1.3
- **Port:** 5432 by default
- **Timeout:** 30 seconds idle
"""


# --- The server ----------------------------------------------------------------------------


def _python_312() -> str | None:
    """A Python 3.12 or later (anki-connect-server's floor), or None."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [
        os.environ.get("DECKBUILDER_ANKICONNECT_PYTHON"),
        sys.executable,
        *(shutil.which(f"python3.{minor}") for minor in (14, 13, 12)),
        *sorted(glob.glob(str(pyenv / "3.1[2-9]*" / "bin" / "python")), reverse=True),
    ]
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"], capture_output=True
        )
        if probe.returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="session")
def server_python() -> Path:
    """The Python of ``.venv-ankiconnect``, made with anki-connect-server on first use."""
    python = SERVER_VENV / "bin" / "python"
    stamp = SERVER_VENV / "deckbuilder-packages.txt"
    wanted = "\n".join(SERVER_PACKAGES) + "\n"
    if python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return python
    base = _python_312()
    if base is None:
        pytest.skip(
            "the AnkiConnect test server (anki-connect-server) needs Python 3.12 or later, and none"
            " was found (set DECKBUILDER_ANKICONNECT_PYTHON to one)"
        )
    subprocess.run([base, "-m", "venv", "--clear", str(SERVER_VENV)], check=True, capture_output=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *SERVER_PACKAGES],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        message = f"cannot install {' '.join(SERVER_PACKAGES)}: {done.stderr.strip()[-500:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    stamp.write_text(wanted)
    return python


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    request = urllib.request.Request(
        url,
        data=json.dumps({"action": "version", "version": 6}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return json.loads(response.read()) == {"result": 6, "error": None}
    except OSError:
        return False


@contextmanager
def serving(python: Path, collection: Path) -> Iterator[str]:
    """anki-connect-server on a free port over ``collection``; its URL. The collection is
    closed when the block ends."""
    port = free_port()
    env = dict(
        os.environ,
        ANKICONNECT_COLLECTION_PATH=str(collection),
        ANKICONNECT_PORT=str(port),
        ANKICONNECT_BIND="127.0.0.1",
    )
    log = collection.parent / f"server-{port}.log"
    with log.open("wb") as out:
        # In the collection's folder: pydantic-settings would read a .env from the working folder.
        process = subprocess.Popen(
            [str(python), str(SERVER_SCRIPT)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=collection.parent,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the AnkiConnect server did not start:\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- The releases and the learner ----------------------------------------------------------


def build(work: Path, text: str, epoch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "source" / "notes.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = CliRunner().invoke(main, ["build", "source", "--out", "decks"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """Release 1.0.0 (its package, kept aside) and the decks folder at release 1.1.0."""
    work = tmp_path_factory.mktemp("releases")
    (work / "source").mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        build(work, RELEASE_1, T1, monkeypatch)
        first = work / "sync-test-1.0.0.apkg"
        shutil.copy(work / "decks" / first.name, first)
        build(work, RELEASE_2, T2, monkeypatch)
    assert (work / "decks" / "sync-test-1.1.0.apkg").is_file()
    return {"first": first, "decks": work / "decks"}


def first_field(col, text: str):
    [nid] = col.find_notes(f'"Prompt:*{text}*"')
    return col.get_note(nid)


@pytest.fixture
def learner(tmp_path, releases) -> dict[str, object]:
    """The learner's collection (closed), and what it held before any sync."""
    folder = tmp_path / "anki"
    folder.mkdir()
    path = folder / "collection.anki2"
    col = Collection(str(path))
    try:
        basic = col.models.by_name("Basic")
        own = col.new_note(basic)
        own["Front"], own["Back"] = "My own question", "my own answer"
        col.add_note(own, col.decks.id("Mine"))
        request = ImportAnkiPackageRequest(
            package_path=str(releases["first"]), options=ImportAnkiPackageOptions()
        )
        col.import_anki_package(request)
        # A deckbuilder note of a deck this decks folder does not hold.
        stranger = col.new_note(col.models.get(PROMPT_MODEL_ID))
        stranger["Prompt"], stranger["Answer"] = "Another deck — Question?", "its answer"
        col.add_note(stranger, col.decks.id("Other deckbuilder deck"))
        # Three cards studied.
        studied = study(col, DECK, 3)
        # Edited in Anki after its release, moved to the learner's deck, a note type restyled.
        protocol = first_field(col, "Protocol")
        protocol["Answer"] = "TCP, in my own words"
        col.update_note(protocol)
        log = first_field(col, "Log")
        col.set_deck([card.id for card in log.cards()], col.decks.id("Mine"))
        model = col.models.get(PROMPT_MODEL_ID)
        model["css"] += "\n.card { font-size: 30px; }\n"
        col.models.update_dict(model)
        held = {"own": own.id, "stranger": stranger.id, "studied": studied}
    finally:
        col.close()
    return {"path": path, "before": snapshot(path), **held}


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of the collection that a sync could change, read without opening it in Anki."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = ("notes", "cards", "revlog", "notetypes", "fields", "templates", "decks", "deck_config")
        rows = {table: db.execute(f"select * from {table} order by 1").fetchall() for table in tables}
        rows["col"] = db.execute("select crt, mod, scm, usn from col").fetchall()
        return rows
    finally:
        db.close()


def sync(decks: Path, url: str, *options: str) -> Result:
    return CliRunner().invoke(main, ["sync", "--decks", str(decks), "--anki-connect", url, *options])


def row(rows: list[tuple], key: int) -> tuple:
    [found] = [r for r in rows if r[0] == key]
    return found


# --- Tests ---------------------------------------------------------------------------------


def test_sync_brings_anki_up_to_date_and_a_second_sync_changes_nothing(server_python, releases, learner):
    decks = releases["decks"]
    [release] = read_releases(decks)
    with serving(server_python, learner["path"]) as url:
        result = sync(decks, url)
    assert result.exit_code == 0, result.output
    # Engine's answer; every note's tags (changed::1.1.0); Protocol, edited in Anki, kept as the
    # learner edited it; Log, moved to the learner's deck, stays there.
    assert result.stdout == (
        f"{DECK} 1.1.0: 1 added, 4 changed, 3 moved, 1 deleted, 1 note type updated;"
        " 1 note kept as you edited it\n  kept your edit: Network Protocol?\n"
    )

    col = Collection(str(learner["path"]))
    try:
        ours = [col.get_note(nid) for nid in col.find_notes(" OR ".join(f"mid:{m}" for m in ids().values()))]
        by_guid = {note.guid: note for note in ours}
        assert set(by_guid) == {n.guid for n in release.notes} | {col.get_note(learner["stranger"]).guid}
        assert not set(by_guid) & {r.guid for r in release.removed}
        for wanted in release.notes:
            note = by_guid[wanted.guid]
            if not wanted.prompt.endswith("Protocol?"):
                assert tuple(note.fields) == wanted.fields, wanted.prompt
            assert sorted(note.tags) == sorted(wanted.tags), wanted.prompt
            homes = {col.decks.name(card.did) for card in note.cards()}
            assert homes == ({"Mine"} if wanted.prompt.endswith("Log?") else {wanted.deck}), wanted.prompt
        assert {n.deck for n in release.notes} == {f"{DECK}::Storage", f"{DECK}::Network"}
        assert "LSM tree" in first_field(col, "Engine")["Answer"]
        assert first_field(col, "Protocol")["Answer"] == "TCP, in my own words"
        assert col.models.get(PROMPT_MODEL_ID)["css"] == release.models[PROMPT_MODEL_ID]["css"]
        for cid, state in learner["studied"].items():
            if col.db.scalar("select count() from cards where id = ?", cid):
                card = col.get_card(cid)
                assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == state
    finally:
        col.close()

    before, after = learner["before"], snapshot(learner["path"])
    assert after["revlog"] == before["revlog"]
    for table, key in (("notes", learner["own"]), ("notes", learner["stranger"])):
        assert row(after[table], key) == row(before[table], key)
    for nid in (learner["own"], learner["stranger"]):
        assert [c for c in after["cards"] if c[1] == nid] == [c for c in before["cards"] if c[1] == nid]
    studied = set(learner["studied"])
    # The studied cards that remain kept their scheduling: columns past the deck (did) unchanged
    # but for the modification time and sync counter.
    moved = {c[0]: c for c in after["cards"] if c[0] in studied}
    for card in before["cards"]:
        if card[0] in moved:
            assert card[6:] == moved[card[0]][6:] and card[3] == moved[card[0]][3]

    with serving(server_python, learner["path"]) as url:
        again = sync(decks, url)
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        f"{DECK} 1.1.0: up to date; 1 note kept as you edited it\n  kept your edit: Network Protocol?\n"
    )
    assert snapshot(learner["path"]) == after


def test_dry_run_prints_every_change_and_changes_nothing(server_python, releases, learner):
    decks = releases["decks"]
    with serving(server_python, learner["path"]) as url:
        result = sync(decks, url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{DECK} 1.1.0: 1 added, 4 changed, 3 moved, 1 deleted, 1 note type updated;"
        " 1 note kept as you edited it",
        "  + Network — Timeout?",
        "  ~ Storage Engine?",
        "  ~ Storage Log?",
        "  ~ Network Protocol?",
        "  ~ Network Port?",
        f"  > Storage Engine? (to {DECK}::Storage)",
        f"  > Network Protocol? (to {DECK}::Network)",
        f"  > Network Port? (to {DECK}::Network)",
        "  - Storage Cache? (deleted)",
        "  kept your edit: Network Protocol?",
        "dry run: nothing was changed",
    ]
    assert snapshot(learner["path"]) == learner["before"]


def test_suspend_removed_keeps_the_removed_note_suspended(server_python, releases, learner):
    decks = releases["decks"]
    with serving(server_python, learner["path"]) as url:
        result = sync(decks, url, "--suspend-removed")
        again = sync(decks, url, "--suspend-removed")
    assert result.exit_code == 0, result.output
    kept = " 1 note kept as you edited it"
    assert result.stdout == (
        f"{DECK} 1.1.0: 1 added, 4 changed, 3 moved, 1 suspended, 1 note type updated;{kept}\n"
        "  kept your edit: Network Protocol?\n"
    )
    assert again.stdout == f"{DECK} 1.1.0: up to date;{kept}\n  kept your edit: Network Protocol?\n"
    [release] = read_releases(decks)
    col = Collection(str(learner["path"]))
    try:
        [cache] = [col.get_note(nid) for nid in col.find_notes('"Prompt:*Cache*"')]
        assert cache.guid in {r.guid for r in release.removed}
        assert [card.queue for card in cache.cards()] == [-1]
        assert "deckbuilder::suspended" in cache.tags
        assert col.note_count() == len(release.notes) + 3  # the removed one, the learner's, the stranger
    finally:
        col.close()


def test_nothing_answering_is_one_line(tmp_path, releases):
    url = f"http://127.0.0.1:{free_port()}"
    result = sync(releases["decks"], url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"deckbuilder: nothing answers at {url} (is Anki running with AnkiConnect?)\n"


def test_default_url_is_ankiconnects():
    flag = next(p for p in main.commands["sync"].params if p.name == "anki_connect")
    assert flag.flag_value == "http://127.0.0.1:8765"


@contextmanager
def stub_server(body: bytes, status: int = 200, delay: float = 0) -> Iterator[str]:
    """A server answering every POST with ``body`` (after ``delay`` seconds): AnkiConnect in
    trouble, or something else."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            except ConnectionError:  # the client gave up waiting
                pass

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [200, 500])
def test_an_ankiconnect_error_is_one_line_naming_the_action(releases, status):
    reply = json.dumps({"result": None, "error": "collection is not available"}).encode()
    with stub_server(reply, status) as url:
        result = sync(releases["decks"], url)
    assert result.exit_code == 1
    assert result.stderr == "deckbuilder: AnkiConnect version failed: collection is not available\n"


def test_a_server_that_is_not_ankiconnect_is_one_line(releases):
    with stub_server(b"<html>hello</html>") as url:
        result = sync(releases["decks"], url)
    assert result.exit_code == 1
    assert result.stderr == f"deckbuilder: {url} does not answer as AnkiConnect does (to version)\n"


def test_a_server_that_does_not_answer_is_one_line(releases, monkeypatch):
    monkeypatch.setattr(ankiconnect, "CHECK_TIMEOUT", 0.5)
    with stub_server(b"{}", delay=3) as url:
        result = sync(releases["decks"], url)
    assert result.exit_code == 1
    assert result.stderr == f"deckbuilder: {url} did not answer version within 0.5 s\n"


def test_a_url_that_is_no_url_is_one_line(releases):
    result = sync(releases["decks"], "localhost:8765")
    assert result.exit_code == 1
    assert result.stderr == (
        "deckbuilder: not an AnkiConnect URL: localhost:8765 (it looks like http://127.0.0.1:8765)\n"
    )


def test_decks_are_exported_once_with_their_subdecks():
    assert covering(["A::B", "A", "C::D::E", "C::D", "F", "AB"]) == ["A", "AB", "C::D", "F"]


def test_the_learners_own_changes_survive_a_sync_and_pull_brings_their_edit_back(
    server_python, releases, tmp_path
):
    """Over AnkiConnect as with a collection file: after release 1.0.0 the learner tags notes
    (their own tag, marked, leech), adds a field to the note type, nests the deck under a parent
    of theirs with an options preset, edits a note and moves a card. Release 1.1.0 is synced."""
    work = tmp_path / "work"
    shutil.copytree(releases["decks"].parent, work, ignore=shutil.ignore_patterns("*.apkg.first"))
    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    col = Collection(str(path))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(releases["first"]), options=ImportAnkiPackageOptions())
        )
        engine, port, log = (first_field(col, text) for text in ("Engine", "Port", "Log"))
        engine.tags += ["my::revision", "marked", "leech"]
        col.update_note(engine)
        model = col.models.get(PROMPT_MODEL_ID)
        col.models.add_field(model, col.models.new_field("Mnemonic"))
        col.models.update_dict(model)
        engine = col.get_note(engine.id)
        engine["Mnemonic"] = "LSM: Log-Structured Merge"
        col.update_note(engine)
        port = col.get_note(port.id)
        port["Answer"] += "<br>5432: the year Postgres was not born"
        col.update_note(port)
        col.set_deck([card.id for card in log.cards()], col.decks.id("Mine"))
        deck = col.decks.by_name(DECK)
        deck["name"] = f"School::{DECK}"
        col.decks.save(deck)
        preset = col.decks.add_config_returning_id("My pace")
        deck = col.decks.by_name(f"School::{DECK}")
        deck["conf"] = preset
        col.decks.save(deck)
    finally:
        col.close()

    with serving(server_python, path) as url:
        result = sync(work / "decks", url)
        again = sync(work / "decks", url)
        pulled = CliRunner().invoke(
            main, ["pull", str(work / "source"), "--decks", str(work / "decks"), "--anki-connect", url]
        )
    assert result.exit_code == 0, result.output
    assert "kept your edit: Network Port?" in result.stdout
    assert again.exit_code == 0 and again.stdout.startswith(f"{DECK} 1.1.0: up to date"), again.output
    assert pulled.exit_code == 0, pulled.output
    curation = (work / "source" / "notes.curation.yaml").read_text(encoding="utf-8")
    assert "5432: the year Postgres was not born" in curation and "was: " in curation

    col = Collection(str(path))
    try:
        engine = first_field(col, "Engine")
        assert "LSM tree" in engine["Answer"]  # the release's change landed
        assert engine["Mnemonic"] == "LSM: Log-Structured Merge"
        assert {"my::revision", "marked", "leech"} <= set(engine.tags)
        assert "5432: the year Postgres was not born" in first_field(col, "Port")["Answer"]
        names = [m.name for m in col.models.all_names_and_ids()]
        assert not [n for n in names if n.endswith("+")], names
        # The release's subdecks under the learner's place of the deck, with their preset kept.
        timeout = first_field(col, "Timeout")
        assert {col.decks.name(c.did) for c in timeout.cards()} == {f"School::{DECK}::Network"}
        assert col.decks.by_name(f"School::{DECK}")["conf"] == preset
        assert {col.decks.name(c.did) for c in first_field(col, "Log").cards()} == {"Mine"}
        assert not [d.name for d in col.decks.all_names_and_ids() if d.name.startswith(DECK)]
    finally:
        col.close()


def test_a_team_style_and_note_type_sync_through_anki_connect(server_python, tmp_path, monkeypatch):
    """A deck with a style of its own and a team's note type: the first sync adds them, a
    changed CSS file restyles them in place, and the learner's reviews stay."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "source"
    (source / "notetypes").mkdir(parents=True)
    (source / "team.css").write_text(".card { font-family: Georgia, serif; }\n", encoding="utf-8")
    (source / "notetypes" / "team-qa.yaml").write_text(
        "name: Team Q&A\nfields: [Prompt, Answer, Source]\ntemplates:\n  - name: Card 1\n"
        "    front: '<div class=\"q\">{{Prompt}}</div>'\n    back: '{{FrontSide}}<hr id=\"answer\">{{Answer}}'\n"
        "css: '.q { color: navy; }'\n",
        encoding="utf-8",
    )
    (source / "a.md").write_text(
        "---\nstyle: team.css\n---\n# Styled\n\n## S\n- **Port:** 53\n", encoding="utf-8"
    )
    (source / "b.md").write_text(
        "---\nnote_types: {prompt: team-qa}\n---\n# Team\n\n## S\n- **Port:** 80\n", encoding="utf-8"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    assert CliRunner().invoke(main, ["build", "source", "--out", "decks"]).exit_code == 0
    collection = tmp_path / "learner.anki2"
    Collection(str(collection)).close()
    with serving(server_python, collection) as url:
        result = sync(tmp_path / "decks", url)
    assert result.exit_code == 0, result.output
    col = Collection(str(collection))
    try:
        assert col.models.by_name("Team Q&A") is not None
        studied = study(col, "Styled", 1, ease=4)
    finally:
        col.close()
    (source / "team.css").write_text(".card { font-family: Palatino, serif; }\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T2))
    assert CliRunner().invoke(main, ["build", "source", "--out", "decks"]).exit_code == 0
    with serving(server_python, collection) as url:
        result = sync(tmp_path / "decks", url)
    assert result.exit_code == 0, result.output
    assert "Styled 1.1.0: 0 added, 0 changed, 0 moved, 0 deleted" in result.stdout
    col = Collection(str(collection))
    try:
        css = col.models.by_name("deckbuilder prompt/answer (team)")["css"]
        assert "Palatino" in css and "Georgia" not in css
        for cid, state in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == state
    finally:
        col.close()
