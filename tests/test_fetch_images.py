"""Remote images fetched on demand (``--fetch-images``, ``fetch_images: true``): tried against a
real HTTP server in a thread, built into a real ``.apkg`` and imported into Anki."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from builder.build import read_source
from builder.limits import MAX_REMOTE_IMAGE_BYTES
from builder.media import Fetch, image_type
from builder.sources import Source

from support import import_apkg, outcome, png

PICTURE = png()
NAME = hashlib.sha256(PICTURE).hexdigest()[:20] + ".png"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
EVIL_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SLOW = 3.0
"""Seconds the slow endpoint waits before it answers."""


class Images(BaseHTTPRequestHandler):
    """The server's pages: every kind of remote image a build meets."""

    asked: ClassVar[Counter[str]] = Counter()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        Images.asked[self.path] += 1
        if self.path == "/pic.png":
            self._send(PICTURE, "image/png")
        elif self.path == "/logo.svg":
            self._send(SVG, "image/svg+xml")
        elif self.path == "/evil.svg":
            self._send(EVIL_SVG, "image/svg+xml")
        elif self.path == "/big.png":  # says its size: refused before a byte is read
            self._send(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_REMOTE_IMAGE_BYTES, "image/png")
        elif self.path == "/endless.png":  # says nothing of its size: the read stops at the limit
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            try:
                self.wfile.write(b"\x89PNG\r\n\x1a\n")
                for _ in range(MAX_REMOTE_IMAGE_BYTES // 65536 + 2):
                    self.wfile.write(b"\x00" * 65536)
            except OSError:
                pass
            self.close_connection = True
        elif self.path == "/slow.png":
            time.sleep(SLOW)
            self._send(PICTURE, "image/png")
        elif self.path == "/page.png":
            self._send(b"<!doctype html><p>Not found, but politely</p>", "image/png")
        elif self.path == "/to-file.png":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        else:
            self.send_error(404, "Not Found")

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up
            self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The address of a local HTTP server serving :class:`Images`."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Images)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    Images.asked.clear()
    return tmp_path


def source(url: str, extra: str = "") -> str:
    return (
        "# Pics\n"
        "\n"
        "## Design\n"
        "\n"
        f"- **Architecture:** ![arch]({url}/pic.png)\n"  # line 5
        f"- **Same picture:** see ![again]({url}/pic.png)\n"  # line 6
        f"- **Gone:** ![gone picture]({url}/missing.png)\n"  # line 7
        f"{extra}"
    )


def media_of(apkg: Path) -> dict[str, bytes]:
    """The media files a package holds, by name."""
    with zipfile.ZipFile(apkg) as zf:
        names = json.loads(zf.read("media"))
        return {name: zf.read(number) for number, name in names.items()}


def test_fetched_image_is_packed_and_reaches_anki(workdir, server, tmp_path):
    from anki.collection import Collection

    Path("src").mkdir()
    Path("src/pics.md").write_text(source(server), encoding="utf-8")
    status, _, err = outcome("build", "src", "--out", "decks", "--fetch-images")
    assert status == 0, err
    assert err.splitlines() == [
        f"src/pics.md:7: warning: image “{server}/missing.png” could not be fetched (the server"
        " answered 404 Not Found): a card shows its alt text “gone picture” in its place"
    ]
    assert Images.asked["/pic.png"] == 1  # two cards, one download
    [apkg] = Path("decks").glob("*.apkg")
    assert media_of(apkg) == {NAME: PICTURE}

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        import_apkg(col, apkg)
        answers = [col.get_note(nid)["Answer"] for nid in col.find_notes("")]
        assert f'<img src="{NAME}" alt="arch" />' in " ".join(answers)
        assert "gone picture" in " ".join(answers)
        assert (Path(col.media.dir()) / NAME).read_bytes() == PICTURE
    finally:
        col.close()


def test_without_the_option_a_remote_image_stays_its_alt_text(workdir, server):
    Path("src").mkdir()
    Path("src/pics.md").write_text(source(server), encoding="utf-8")
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 0, err
    assert f"src/pics.md:5: warning: image “{server}/pic.png” is remote and decks work offline" in err
    assert Images.asked == Counter()
    [apkg] = Path("decks").glob("*.apkg")
    with zipfile.ZipFile(apkg) as zf:
        assert json.loads(zf.read("media")) == {}


def test_decks_yaml_asks_for_it_and_a_rebuild_gives_the_same_package(workdir, server):
    Path("src").mkdir()
    Path("src/pics.md").write_text(source(server), encoding="utf-8")
    Path("src/decks.yaml").write_text(
        "decks:\n  - deck: Pictures\n    sources: [pics.md]\n    fetch_images: true\n", encoding="utf-8"
    )
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 0, err
    assert "missing.png” could not be fetched" in err and "is remote and decks work offline" not in err
    [apkg] = Path("decks").glob("*.apkg")
    first = apkg.read_bytes()
    assert media_of(apkg) == {NAME: PICTURE}
    # The same address gives the same file name, and a rebuild finds nothing out of date.
    status, out, err = outcome("diff", "src", "--out", "decks", "--check")
    assert status == 0, out + err
    assert apkg.read_bytes() == first


def test_front_matter_asks_for_it(workdir, server):
    Path("src").mkdir()
    Path("src/pics.md").write_text("---\nfetch_images: true\n---\n" + source(server), encoding="utf-8")
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 0, err
    [apkg] = Path("decks").glob("*.apkg")
    assert media_of(apkg) == {NAME: PICTURE}


def test_fetch_images_is_true_or_false(workdir):
    Path("src").mkdir()
    Path("src/pics.md").write_text(
        "---\nfetch_images: sometimes\n---\n# Pics\n\n- **A:** b\n", encoding="utf-8"
    )
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 1
    assert "src/pics.md:2: error: “fetch_images” must be true or false" in err


@pytest.mark.parametrize("command", ["cards", "preview", "diff"])
def test_every_building_command_takes_the_option(workdir, server, command):
    Path("src").mkdir()
    Path("src/pics.md").write_text(source(server), encoding="utf-8")
    status, out, err = outcome(command, "src", "--fetch-images", *(["--json"] if command == "cards" else []))
    assert status == 0, err
    assert Images.asked["/pic.png"] == 1
    if command == "cards":
        first = json.loads(out.splitlines()[0])
        assert first["fields"]["Answer"] == f'<p><img src="{NAME}" alt="arch" /></p>'
    elif command == "preview":
        inlined = base64.b64encode(PICTURE).decode()
        assert f"data:image/png;base64,{inlined}" in Path("preview.html").read_text(encoding="utf-8")


def answers(path: str, fetch: Fetch) -> tuple[list[str], list[str]]:
    """The answers and problems of one source read with ``fetch``."""
    result = read_source(Source(Path(path), Path(".")), fetch)
    return [note.fields["Answer"] for note in result.notes], [str(p) for p in result.problems]


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        pytest.param("big.png", "it is larger than the 5 MB a remote image may be", id="too-large"),
        pytest.param("endless.png", "it is larger than the 5 MB a remote image may be", id="no-length"),
        pytest.param("page.png", "it is not a PNG, JPEG, GIF, WebP or SVG image", id="not-an-image"),
        pytest.param("missing.png", "the server answered 404 Not Found", id="404"),
        pytest.param(
            "evil.svg",
            "the SVG holds a script (<script>); decks show pictures, never run them: remove it",
            id="svg-script",
        ),
        pytest.param("to-file.png", None, id="redirect-to-file"),
    ],
)
def test_an_image_that_cannot_be_had_is_a_warning_at_its_line(workdir, server, page, reason):
    Path("pics.md").write_text(
        f"# Pics\n\n- **Picture:** ![the picture]({server}/{page})\n", encoding="utf-8"
    )
    shown, problems = answers("pics.md", Fetch())
    assert shown == ["<p>the picture</p>"]
    [problem] = problems
    assert problem.startswith(f"pics.md:3: warning: image “{server}/{page}” could not be fetched (")
    assert problem.endswith("): a card shows its alt text “the picture” in its place")
    if reason is not None:
        assert f"({reason})" in problem


def test_a_slow_server_is_given_up_on(workdir, server):
    Path("pics.md").write_text(f"# Pics\n\n- **Picture:** ![slow]({server}/slow.png)\n", encoding="utf-8")
    started = time.monotonic()
    shown, problems = answers("pics.md", Fetch(timeout=0.5))
    assert time.monotonic() - started < SLOW - 1
    assert shown == ["<p>slow</p>"]
    assert problems == [
        f"pics.md:3: warning: image “{server}/slow.png” could not be fetched (no answer within 0.5 s):"
        " a card shows its alt text “slow” in its place"
    ]


def test_a_safe_svg_is_packed(workdir, server):
    Path("pics.md").write_text(f"# Pics\n\n- **Logo:** ![logo]({server}/logo.svg)\n", encoding="utf-8")
    result = read_source(Source(Path("pics.md"), Path(".")), Fetch())
    assert result.problems == ()
    [file] = result.media
    assert file.name == hashlib.sha256(SVG).hexdigest()[:20] + ".svg"
    assert file.path.read_bytes() == SVG


def test_only_http_and_https_are_fetched(workdir, server):
    Path("pics.md").write_text(
        "# Pics\n\n- **Picture:** ![ftp](ftp://127.0.0.1/x.png)\n- **Inline:** ![dot](data:image/png;base64,iVBORw0KGgo=)\n",
        encoding="utf-8",
    )
    shown, problems = answers("pics.md", Fetch())
    assert shown == ["<p>ftp</p>", "<p>dot</p>"]
    assert [p.split(": a card")[0] for p in problems] == [
        "pics.md:3: warning: image “ftp://127.0.0.1/x.png” is remote and decks work offline",
        "pics.md:4: warning: image “data:image/png;base64,iVBORw0KGgo=” is remote and decks work offline",
    ]
    assert Images.asked == Counter()


@pytest.mark.parametrize(
    ("data", "suffix"),
    [
        (PICTURE, ".png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, ".jpg"),
        (b"GIF89a" + b"\x00" * 16, ".gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ".webp"),
        (SVG, ".svg"),
        (b"\xef\xbb\xbf  <!-- made by hand -->\n<svg xmlns='http://www.w3.org/2000/svg'/>", ".svg"),
        (b"<html><svg></svg></html>", None),
        (b"", None),
        (b"%PDF-1.7", None),
    ],
)
def test_image_type_is_read_from_the_bytes(data, suffix):
    assert image_type(data) == suffix
