"""AnkiConnect is a peer sync does not trust (``sync --anki-connect``).

A fake AnkiConnect (a threaded ``http.server`` in this process) answers as the add-on does, and
then, action by action, as it should not: one byte at a time, with a redirect, with more bytes
than sync reads, with well-formed JSON of the wrong shape, nested past any answer's depth. Each
must end in one line of error from ``deckbuilder sync``, exit status 1 and no traceback. A
proxy named in the environment is never asked for this machine's AnkiConnect.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.notetypes import PROMPT_MODEL_ID
from builder.sync import ankiconnect, client, wire

SOURCE = """\
---
deck: Peer Test
---

# Peer test

## Storage

- **Engine:** B-tree pages of 4 KiB
- **Log:** write-ahead, fsync on commit
"""

FIELDS = ["Prompt", "Answer", "Source", "Key", "Extra"]


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """A decks folder holding release 1.0.0 of a small deck."""
    work = tmp_path_factory.mktemp("peer")
    (work / "source").mkdir()
    (work / "source" / "notes.md").write_text(SOURCE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(work)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
        result = CliRunner().invoke(main, ["build", "source", "--out", "decks"])
    assert result.exit_code == 0, result.output
    return work / "decks"


@pytest.fixture(autouse=True)
def _no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests name their own proxies; none from the machine running them."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


# --- The fake AnkiConnect ------------------------------------------------------------------

Serve = Callable[[http.server.BaseHTTPRequestHandler], None]
"""Writes a whole HTTP answer (status, headers, body) to the request."""


def ok(result: object) -> dict[str, object]:
    """An answer as AnkiConnect gives it."""
    return {"result": result, "error": None}


ANSWERS: dict[str, Any] = {
    "version": ok(6),
    "modelNamesAndIds": ok({"Basic": 1, "deckbuilder prompt": PROMPT_MODEL_ID}),
    "modelFieldNames": ok(FIELDS),
    "modelTemplates": ok({"Card 1": {"Front": "{{Prompt}}", "Back": "{{Answer}}"}}),
    "modelStyling": ok({"css": ".card {}"}),
    "findCards": ok([]),
    "findNotes": ok([]),
}
"""What the fake answers each action a sync with nothing held asks (a dry run ends well)."""


@dataclass
class Fake:
    """A fake AnkiConnect: ``answers`` by action, each a reply (also inside ``multi``) or a
    :data:`Serve` writing the whole HTTP answer; the actions it was asked, in order."""

    answers: dict[str, Any]
    asked: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    """The request targets, as a proxy sees them (an absolute URL) or a server does (a path)."""


def _send(handler: http.server.BaseHTTPRequestHandler, body: bytes, status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def fake(**answers: Any) -> Iterator[tuple[str, Fake]]:
    """A fake AnkiConnect on 127.0.0.1 answering as :data:`ANSWERS` and ``answers`` say; its URL."""
    state = Fake({**ANSWERS, **answers})

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            action = request["action"]
            state.asked.append(action)
            state.targets.append(self.path)
            self.close_connection = True
            answer = state.answers.get(action, ok(None))
            try:
                if callable(answer):
                    answer(self, request)
                elif action == "multi" and action not in answers:
                    inner = [self.inner(sub) for sub in request["params"]["actions"]]
                    _send(self, json.dumps(ok(inner)).encode())
                else:
                    _send(self, answer if isinstance(answer, bytes) else json.dumps(answer).encode())
            except (ConnectionError, TimeoutError):  # sync gave up on the answer
                pass

        def inner(self, sub: dict[str, Any]) -> object:
            state.asked.append(sub["action"])
            answer = state.answers.get(sub["action"], ok(None))
            assert not callable(answer) and not isinstance(answer, bytes), "inside multi: a reply"
            return answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def sync(decks: Path, url: str, *options: str) -> Result:
    return CliRunner().invoke(main, ["sync", "--decks", str(decks), "--anki-connect", url, *options])


def refused(result: Result, message: str) -> None:
    """The sync ended in ``message``, one line, exit status 1, and no traceback."""
    assert result.exc_info is not None and result.exc_info[0] is SystemExit, result.exc_info
    assert result.exit_code == 1, result.output
    assert result.stderr == f"deckbuilder: {message}\n"


def test_the_fake_answers_as_ankiconnect_does(decks):
    with fake() as (url, state):
        result = sync(decks, url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert state.asked[:2] == ["version", "modelNamesAndIds"]


# --- A bad URL -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "http://127.0.0.1:99999",
        "http://127.0.0.1:port",
        "http://:8765",
        "ftp://127.0.0.1:8765",
    ],
)
def test_a_bad_url_is_one_line(decks, url):
    refused(sync(decks, url), f"not an AnkiConnect URL: {url} (it looks like http://127.0.0.1:8765)")


def test_a_url_with_a_line_break_is_one_line(decks):
    refused(
        sync(decks, "http://127.0.0.1:8765/\nX-Evil: 1"),
        "not an AnkiConnect URL: 'http://127.0.0.1:8765/\\nX-Evil: 1' (it looks like http://127.0.0.1:8765)",
    )


# --- A total deadline ----------------------------------------------------------------------


def trickle(answer: bytes, every: float = 0.02) -> Serve:
    """An answer written one byte at a time, status line and headers too."""

    def serve(handler: http.server.BaseHTTPRequestHandler, request: object) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(answer)}\r\n\r\n"
        for byte in head.encode() + answer:
            handler.wfile.write(bytes([byte]))
            time.sleep(every)

    return serve


def test_an_answer_one_byte_at_a_time_meets_the_deadline_of_the_first_request(decks, monkeypatch):
    monkeypatch.setattr(ankiconnect, "CHECK_TIMEOUT", 0.5)
    with fake(version=trickle(json.dumps(ok(6)).encode() + b" " * 10_000)) as (url, _):
        start = time.monotonic()
        result = sync(decks, url)
    assert time.monotonic() - start < 3
    refused(result, f"{url} did not answer version within 0.5 s")


def test_an_answer_one_byte_at_a_time_meets_the_deadline_of_every_request(decks, monkeypatch):
    monkeypatch.setattr(client, "TIMEOUT", 0.5)
    answer = json.dumps(ok({"Basic": 1})).encode() + b" " * 10_000
    with fake(modelNamesAndIds=trickle(answer)) as (url, _):
        start = time.monotonic()
        result = sync(decks, url)
    assert time.monotonic() - start < 3
    refused(result, f"{url} did not answer modelNamesAndIds within 0.5 s")


# --- No redirects --------------------------------------------------------------------------


def redirect(location: str, status: int = 302) -> Serve:
    def serve(handler: http.server.BaseHTTPRequestHandler, request: object) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return serve


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_not_followed(decks, status):
    with fake() as (elsewhere, other), fake(version=redirect(elsewhere, status)) as (url, _):
        result = sync(decks, url)
    refused(
        result,
        f"{url} answered version with a redirect (HTTP {status} to {elsewhere}); sync follows no"
        " redirect: give AnkiConnect's own address",
    )
    assert other.asked == []


def test_a_redirect_to_ftp_is_refused(decks):
    with fake(modelNamesAndIds=redirect("ftp://files.example/anki")) as (url, state):
        result = sync(decks, url)
    refused(
        result,
        f"{url} answered modelNamesAndIds with a redirect (HTTP 302 to ftp://files.example/anki);"
        " sync follows no redirect: give AnkiConnect's own address",
    )
    assert state.asked == ["version", "modelNamesAndIds"]


# --- A size cap, read a piece at a time ----------------------------------------------------


def flood(size: int, declared: int | None = None) -> Serve:
    """``size`` bytes of an answer that never ends (its length told or not)."""

    def serve(handler: http.server.BaseHTTPRequestHandler, request: object) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declared is not None:
            handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(b'{"result": [')
        piece = b"1," * (1 << 19)
        for _ in range(size // len(piece)):
            handler.wfile.write(piece)

    return serve


def test_a_flood_is_refused_at_the_cap_and_never_held_whole(decks, monkeypatch):
    monkeypatch.setattr(wire, "MAX_ANSWER", 1 << 20)
    with fake(version=flood(64 << 20)) as (url, _):
        tracemalloc.start()
        try:
            result = sync(decks, url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    refused(result, f"{url} answered version with more than 1 MiB; sync reads no answer that large")
    assert peak < 16 << 20


def test_an_answer_saying_it_is_too_large_is_refused_before_it_is_read(decks):
    with fake(findCards=flood(0, declared=10 << 30)) as (url, _):
        result = sync(decks, url)
    refused(result, f"{url} answered findCards with more than 64 MiB; sync reads no answer that large")


# --- Every answer's shape ------------------------------------------------------------------


def deep(depth: int) -> bytes:
    return b'{"result": ' + b"[" * depth + b"]" * depth + b', "error": null}'


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"version": deep(100_000)}, "(to version: nested too deep)"),
        ({"version": b"[" * 100_000 + b"]" * 100_000}, "(to version: nested too deep)"),
        ({"modelNamesAndIds": deep(500)}, "(modelNamesAndIds gave [[[[...]]]])"),
        ({"version": b"[1, 2]"}, "(to version)"),
        ({"version": b"\xff\xfe{}"}, "(to version)"),
        ({"version": b'{"result": ' + b"1" * 5000 + b', "error": null}'}, "(to version)"),
        ({"version": {"result": 6}}, "(to version)"),
        ({"version": {"result": None, "error": {"code": 1}}}, "(to version)"),
        ({"version": ok("6")}, "(version gave '6')"),
        ({"version": ok(True)}, "(version gave True)"),
        ({"modelNamesAndIds": ok([1, 2])}, "(modelNamesAndIds gave [1, 2])"),
        (
            {"modelNamesAndIds": ok({"deckbuilder prompt": "12"})},
            "(modelNamesAndIds gave {'deckbuilder prompt': '12'})",
        ),
        ({"modelFieldNames": ok([1])}, "(modelFieldNames gave [1])"),
        (
            {"modelTemplates": ok({"Card 1": {"Front": "x"}})},
            "(modelTemplates gave {'Card 1': {'Front': 'x'}})",
        ),
        ({"modelTemplates": ok(["Card 1"])}, "(modelTemplates gave ['Card 1'])"),
        ({"modelStyling": ok({})}, "(modelStyling gave {})"),
        ({"multi": ok([ok([])])}, "(multi gave 1 answers to 3 actions)"),
        ({"multi": ok("three")}, "(multi gave 'three')"),
        ({"multi": ok([1, 2, 3])}, "(to modelFieldNames)"),
        ({"findCards": ok(["1"])}, "(findCards gave ['1'])"),
        ({"findCards": ok({"cards": [1]})}, "(findCards gave {'cards': [1]})"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_one_line(decks, answers, message):
    with fake(**answers) as (url, _):
        result = sync(decks, url)
    refused(result, f"{url} does not answer as AnkiConnect does {message}")


def exported(package: Path) -> Serve:
    """``exportPackage`` writing ``package`` where it is asked to: the release's notes, as an
    export of the learner's collection holding them."""

    def serve(handler: http.server.BaseHTTPRequestHandler, request: Any) -> None:
        shutil.copy(package, request["params"]["path"])
        _send(handler, json.dumps(ok(True)).encode())

    return serve


HOLDING = {
    "findCards": ok([101, 102]),
    "getDecks": ok({"Peer Test": [101, 102]}),
    "areSuspended": ok([False, False]),
}
"""The answers of an Anki holding two cards of deckbuilder's note types."""


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"areSuspended": ok([False])}, "(areSuspended gave 1 answers for 2 cards)"),
        ({"areSuspended": ok("no")}, "(areSuspended gave 'no')"),
        ({"getDecks": ok([[101, 102]])}, "(getDecks gave [[101, 102]])"),
        ({"getDecks": ok({"Peer Test": ["101"]})}, "(getDecks gave {'Peer Test': ['101']})"),
        ({"exportPackage": ok("done")}, "(exportPackage gave 'done')"),
        ({"notesInfo": ok({"noteId": 1})}, "(notesInfo gave {'noteId': 1})"),
        (
            {"notesInfo": ok([{"noteId": 1, "tags": "a b"}])},
            "(notesInfo gave [{'noteId': 1, 'tags': 'a b'}])",
        ),
        ({"notesInfo": ok([{"tags": []}])}, "(notesInfo gave [{'tags': []}])"),
    ],
)
def test_an_answer_about_held_cards_of_the_wrong_shape_is_one_line(decks, answers, message):
    [package] = decks.glob("*.apkg")
    with fake(**{**HOLDING, "exportPackage": exported(package), **answers}) as (url, _):
        result = sync(decks, url)
    refused(result, f"{url} does not answer as AnkiConnect does {message}")


def test_an_error_over_several_lines_is_one_line(decks):
    with fake(version={"result": None, "error": "collection\nis not\r\n\tavailable\x1b[2J"}) as (url, _):
        result = sync(decks, url)
    refused(result, "AnkiConnect version failed: collection is not available [2J")


def test_an_export_that_is_not_ankis_is_one_line(decks, tmp_path):
    package = tmp_path / "export.apkg"
    package.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    with fake(**HOLDING, exportPackage=exported(package)) as (url, _):
        result = sync(decks, url)
    assert result.exc_info is not None and result.exc_info[0] is SystemExit, result.exc_info
    assert result.exit_code == 1
    assert result.stderr.startswith("deckbuilder: Anki's export ")
    assert result.stderr.endswith(" holds no collection\n")
    assert result.stderr.count("\n") == 1


# --- No proxy for this machine -------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_proxy_in_the_environment_is_never_asked_for_this_machine(decks, monkeypatch, host):
    with (
        fake(version={"result": None, "error": "the proxy answered"}) as (proxy, asked),
        fake(version={"result": None, "error": "AnkiConnect answered"}) as (url, _),
    ):
        monkeypatch.setenv("http_proxy", proxy)
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("https_proxy", proxy)
        result = sync(decks, url.replace("127.0.0.1", host))
    refused(result, "AnkiConnect version failed: AnkiConnect answered")
    assert asked.asked == []


def test_a_proxy_in_the_environment_is_asked_for_another_host(decks, monkeypatch):
    with fake(version={"result": None, "error": "answered through the proxy"}) as (proxy, asked):
        monkeypatch.setenv("http_proxy", proxy)
        result = sync(decks, "http://anki.example.invalid:8765")
    refused(result, "AnkiConnect version failed: answered through the proxy")
    assert asked.targets == ["http://anki.example.invalid:8765/"]


def test_no_proxy_names_a_host_the_proxy_is_not_asked_for(decks, monkeypatch):
    with fake(version=ok(6)) as (proxy, asked):
        monkeypatch.setenv("http_proxy", proxy)
        monkeypatch.setenv("no_proxy", "example.invalid")
        result = sync(decks, "http://anki.example.invalid:8765")
    refused(result, "nothing answers at http://anki.example.invalid:8765 (is Anki running with AnkiConnect?)")
    assert asked.asked == []


def test_what_a_proxy_answers_is_checked_too(decks, monkeypatch):
    with fake(version=ok(6), modelNamesAndIds=ok("all of them")) as (proxy, _):
        monkeypatch.setenv("http_proxy", proxy)
        result = sync(decks, "http://anki.example.invalid:8765")
    refused(
        result,
        "http://anki.example.invalid:8765 does not answer as AnkiConnect does (modelNamesAndIds gave 'all of them')",
    )


def test_a_proxy_that_is_no_http_proxy_is_one_line(decks, monkeypatch):
    monkeypatch.setenv("http_proxy", "socks5://127.0.0.1:1080")
    refused(
        sync(decks, "http://anki.example.invalid:8765"),
        "the http_proxy socks5://127.0.0.1:1080 is no HTTP proxy sync can use"
        " (no_proxy=anki.example.invalid reaches AnkiConnect without it)",
    )


def test_a_password_in_the_url_never_reaches_a_message(decks):
    with fake(version=ok("6")) as (url, _):
        secret = url.replace("http://", "http://learner:hunter2@")
        result = sync(decks, secret)
    refused(
        result,
        f"{url.replace('http://', 'http://learner:***@')} does not answer as AnkiConnect does (version gave '6')",
    )
    assert "hunter2" not in result.output
