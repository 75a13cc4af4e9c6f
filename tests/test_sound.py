"""Sound and video in a source: ``![](clip.wav)``, ``<audio>``/``<video>`` and Anki's own
``[sound:clip.wav]`` are checked and packed under content-hash names, as images are, and the
card plays Anki's ``[sound:<hash>.wav]``: built into a real ``.apkg`` and imported into Anki."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import wave
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from builder.markdown import parser
from builder.media import forget_fetched, sound_problem

from support import cards_json, import_apkg, outcome

EPOCH = 1_700_000_000


def wav() -> bytes:
    """A tenth of a second of silence, a valid WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(8000)
        file.writeframes(b"\0\0" * 800)
    return out.getvalue()


CLIP = wav()
OGG = b"OggS\x00\x02" + b"\x00" * 58
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32


def hashed(data: bytes, suffix: str) -> str:
    return hashlib.sha256(data).hexdigest()[:20] + suffix


SOURCE = """\
# French

## Greetings

- **Hello:** ![bonjour](sounds/hello.wav)
- **Goodbye:** [sound:sounds/bye.ogg]
- **Thanks:** <audio controls><source src="sounds/bye.ogg"><source src="sounds/hello.wav">Your browser plays nothing.</audio>
- **Wave:** <video src="wave.mp4" controls></video>
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    Path("src/sounds").mkdir(parents=True)
    Path("src/sounds/hello.wav").write_bytes(CLIP)
    Path("src/sounds/bye.ogg").write_bytes(OGG)
    Path("src/wave.mp4").write_bytes(MP4)
    return tmp_path


def write(text: str) -> None:
    Path("src/french.md").write_text(text, encoding="utf-8")


def answers() -> dict[str, str]:
    return {card["prompt"]: card["fields"]["Answer"] for card in cards_json("src")}


def test_sounds_and_videos_are_packed_and_anki_plays_them(workdir, tmp_path):
    from anki.collection import Collection

    write(SOURCE)
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 0, err
    [apkg] = Path("decks").glob("*.apkg")
    with zipfile.ZipFile(apkg) as package:
        names = json.loads(package.read("media"))
        packed = {name: package.read(number) for number, name in names.items()}
    assert packed == {hashed(CLIP, ".wav"): CLIP, hashed(OGG, ".ogg"): OGG, hashed(MP4, ".mp4"): MP4}

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        import_apkg(col, apkg)
        fields = {}
        played = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            note = card.note()
            fields[note["Prompt"]] = note["Answer"]
            played[note["Prompt"]] = [tag.filename for tag in card.answer_av_tags()]
        media = Path(col.media.dir())
        for name, data in packed.items():
            assert (media / name).read_bytes() == data
    finally:
        col.close()
    by_word = {re.sub(r".*>(\w+)\?</div>$", r"\1", prompt): answer for prompt, answer in fields.items()}
    assert by_word == {
        "Hello": f"<p>[sound:{hashed(CLIP, '.wav')}]</p>",
        "Goodbye": f"<p>[sound:{hashed(OGG, '.ogg')}]</p>",
        # The first source plays; the others are the same sound in other formats.
        "Thanks": f"<p>[sound:{hashed(OGG, '.ogg')}]</p>",
        "Wave": f"<p>[sound:{hashed(MP4, '.mp4')}]</p>",
    }
    assert sorted(played.values()) == sorted(
        [[hashed(CLIP, ".wav")], [hashed(OGG, ".ogg")], [hashed(OGG, ".ogg")], [hashed(MP4, ".mp4")]]
    )


def test_the_same_sources_build_the_same_bytes(workdir):
    write(SOURCE)
    packages = []
    for out in ("one", "two"):
        status, _, err = outcome("build", "src", "--out", out)
        assert status == 0, err
        [apkg] = Path(out).glob("*.apkg")
        packages.append(apkg.read_bytes())
    assert packages[0] == packages[1]


def test_cards_json_shows_the_sound_and_the_plain_answer_its_name(workdir):
    write(SOURCE)
    [hello, bye, *_] = cards_json("src")
    assert hello["fields"]["Answer"] == f"<p>[sound:{hashed(CLIP, '.wav')}]</p>"
    assert (hello["answer"], bye["answer"]) == ("bonjour", "bye.ogg")


@pytest.mark.parametrize(
    ("line", "files", "error"),
    [
        pytest.param("[sound:gone.mp3]", {}, "sound “gone.mp3” not found", id="missing"),
        pytest.param(
            "![](../outside.wav)",
            {"outside.wav": CLIP},
            "sound “../outside.wav” is outside the source folder src/",
            id="outside",
        ),
        pytest.param(
            '<audio src="fake.mp3"></audio>',
            {"src/fake.mp3": b"<html>not found</html>"},
            "sound “fake.mp3” is not an MP3 file (judged by its first bytes)",
            id="fake-mp3",
        ),
        pytest.param(
            "<video src='clip.webm'></video>",
            {"src/clip.webm": OGG},
            "video “clip.webm” is not a WebM file (judged by its first bytes)",
            id="fake-webm",
        ),
        pytest.param(
            "[sound:sounds/hello.png]",
            {"src/sounds/hello.png": b"\x89PNG\r\n\x1a\n"},
            "“sounds/hello.png” is not a sound (.mp3, .ogg, .oga, .opus, .wav, .m4a, .flac, .aac)"
            " or a video (.mp4, .webm, .ogv, .mov)",
            id="not-a-sound",
        ),
    ],
)
def test_a_sound_that_cannot_be_packed_is_one_error_at_its_line(workdir, line, files, error):
    for name, data in files.items():
        Path(name).write_bytes(data)
    write(f"# French\n\n## Greetings\n\n- **Hello:** bonjour\n- **Goodbye:** {line}\n")
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 1
    assert err.splitlines() == [f"src/french.md:6: error: {error}"]
    assert not Path("decks").exists() or not list(Path("decks").glob("*.apkg"))


def test_a_sound_or_video_over_its_limit_is_one_line_and_not_read(workdir):
    for name, size in (("src/long.wav", 11), ("src/long.mp4", 51)):
        with Path(name).open("wb") as big:
            big.truncate(size * 1024 * 1024)  # sparse: no disk
    write("# French\n\n## Greetings\n\n- **Song:** ![](long.wav)\n- **Film:** ![](long.mp4)\n")
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 1
    assert err.splitlines() == [
        "src/french.md:5: error: sound “long.wav” is 11.0 MB, more than the 10 MB a sound may be; make it smaller",
        "src/french.md:6: error: video “long.mp4” is 51.0 MB, more than the 50 MB a video may be; make it smaller",
    ]


def test_html_of_a_media_element_is_never_kept(workdir):
    write(
        "# French\n\n## Greetings\n\n"
        '- **Hello:** <audio src="sounds/hello.wav" onplay="alert(1)"></audio>\n'
        "- **Goodbye:** <audio controls>\n  <source src='sounds/bye.ogg' type='audio/ogg'>\n  Update your browser.\n  </audio>\n"
    )
    found = answers()
    # An on… attribute: the tag is the text it is, escaped, and nothing is packed.
    assert found["Greetings — Hello?"] == (
        "<p>&lt;audio src=&quot;sounds/hello.wav&quot; onplay=&quot;alert(1)&quot;&gt;&lt;/audio&gt;</p>"
    )
    assert "<audio" not in found["Greetings — Goodbye?"] and "Update" not in found["Greetings — Goodbye?"]
    assert f"[sound:{hashed(OGG, '.ogg')}]" in found["Greetings — Goodbye?"]


def test_a_media_element_is_one_image_token_and_lines_after_it_count():
    tokens = parser().parse("a <video>\n<source src='x.mp4'>\n</video> b ![](y.png)\n")
    children = tokens[1].children or []
    images = [(t.attrs["src"], t.content) for t in children if t.type == "image"]
    assert images == [("x.mp4", "x.mp4"), ("y.png", "")]
    assert [t.type for t in children].count("softbreak") == 2


def test_the_first_bytes_must_be_the_format_the_suffix_names():
    assert sound_problem(CLIP, ".wav") is None
    assert sound_problem(b"ID3\x04\x00", ".mp3") is None
    assert sound_problem(b"\xff\xfb\x90\x00", ".mp3") is None
    assert sound_problem(b"\xff\xf1\x50\x80", ".aac") is None
    assert sound_problem(b"fLaC\x00", ".flac") is None
    assert sound_problem(MP4, ".m4a") is None
    assert sound_problem(b"\x00\x00\x00\x08wide", ".mov") is None
    assert sound_problem(b"\x1a\x45\xdf\xa3\x9f", ".webm") is None
    assert sound_problem(OGG, ".opus") is None
    assert sound_problem(OGG, ".mp3") == "is not an MP3 file (judged by its first bytes)"
    assert sound_problem(CLIP, ".ogv") == "is not an Ogg file (judged by its first bytes)"


# --- Remote sounds ------------------------------------------------------------------------


class Sounds(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        body = {"/bye.ogg": OGG, "/page.mp3": b"<html></html>"}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    forget_fetched()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Sounds)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        forget_fetched()


def test_a_remote_sound_is_its_alt_text_unless_fetched(workdir, server):
    write(
        f"# French\n\n## Greetings\n\n- **Goodbye:** [sound:{server}/bye.ogg]\n- **Page:** ![page]({server}/page.mp3)\n"
    )
    status, _, err = outcome("build", "src", "--out", "decks")
    assert status == 0, err
    assert err.splitlines() == [
        f"src/french.md:5: warning: sound “{server}/bye.ogg” is remote and decks work offline:"
        " a card shows its alt text “bye.ogg” in its place",
        f"src/french.md:6: warning: sound “{server}/page.mp3” is remote and decks work offline:"
        " a card shows its alt text “page” in its place",
    ]
    status, _, err = outcome("build", "src", "--out", "fetched", "--fetch-images")
    assert status == 0, err
    assert err.splitlines() == [
        f"src/french.md:6: warning: sound “{server}/page.mp3” could not be fetched (it is not an MP3 file"
        " (judged by its first bytes)): a card shows its alt text “page” in its place",
    ]
    [apkg] = Path("fetched").glob("*.apkg")
    with zipfile.ZipFile(apkg) as package:
        names = json.loads(package.read("media"))
        assert {name: package.read(number) for number, name in names.items()} == {hashed(OGG, ".ogg"): OGG}


def test_the_preview_plays_the_sound_as_anki_would(workdir):
    write(SOURCE)
    done = outcome("preview", "src", "--out", "page.html")
    assert done[0] == 0, done
    page = Path("page.html").read_text(encoding="utf-8")
    assert '<audio controls preload="none" src="data:audio/' in page
    assert f"[sound:{hashed(CLIP, '.wav')}]" not in page


def test_a_text_of_many_source_tags_is_read_in_linear_time():
    """``<source`` 20,000 times with no ``>``: each try stops at the next tag (it took 113 s)."""
    from builder.markdown.dialects.html import _SOURCE

    assert _SOURCE.search("<source " * 20_000) is None
    assert _SOURCE.search('<source src="' + "a" * 200_000) is None
    assert _SOURCE.search('<source src="x.ogg" type="audio/ogg">').group(1) == ' src="x.ogg" type="audio/ogg"'
