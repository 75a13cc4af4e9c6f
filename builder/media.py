"""Images and sounds: ``![alt](path)`` relative to its source is packed into the deck.

Each image is stored under a content-hash name (so a changed picture is a changed note, and
two sources sharing one picture share one file) and the card's ``<img>`` points at that name.
Decks must work offline and stay inside the source tree: a missing file or a path leaving the
source folder (``../../x``, absolute paths) is an error naming ``file:line``. A remote image
(``https://…``, a published page's badges and screenshots) is not fetched unless asked: the card
shows its alt text in its place (nothing when it has none), with a warning at the image's line.

Sound and video (:data:`SOUND_SUFFIXES`) come the same way: ``![alt](clip.mp3)``, ``<audio>``
and ``<video>`` (:mod:`builder.markdown.dialects` reads them as images) and Anki's own
``[sound:clip.mp3]`` (a token marked :data:`~builder.markdown.dialects.SOUND_TAG`). They are
checked and packed as images are, within :data:`~builder.limits.MAX_SOUND_BYTES` (video:
:data:`~builder.limits.MAX_VIDEO_BYTES`) and only when their first bytes are the format their
suffix names (:func:`sound_problem`); the card shows Anki's ``[sound:<hash>.mp3]``, which Anki
plays, audio and video alike (:func:`offline`).

Asked (``--fetch-images``, or ``fetch_images: true`` in ``decks.yaml`` or the front matter), a
build fetches each ``http``/``https`` image a card shows (:class:`Fetch`), once a run, and packs
it like a local one, under the hash of its bytes: within :data:`~builder.limits.FETCH_TIMEOUT`
and :data:`~builder.limits.MAX_REMOTE_IMAGE_BYTES`, and only when its bytes are a PNG, JPEG,
GIF, WebP or an SVG without scripts. An image that cannot be fetched is a warning at its line,
and its card shows its alt text: the build goes on. Fetched images are kept in the cache folder
(``images/``), where the packed deck reads them from.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from http.client import HTTPException
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from .cachedir import default_folder
from .depends import packed_name, packed_name_of
from .extract.clozescan import origin_of
from .limits import FETCH_TIMEOUT, MAX_IMAGE_BYTES, MAX_REMOTE_IMAGE_BYTES, MAX_SOUND_BYTES, MAX_VIDEO_BYTES
from .markdown import plain, text_token
from .markdown.dialects import SOUND_TAG
from .model import (
    Block,
    Blocks,
    Card,
    Diagnostic,
    Gap,
    Inline,
    Items,
    ListBlock,
    MediaFile,
    Origin,
    Other,
    Pairs,
    Paragraph,
    Part,
    Segment,
    Snippet,
    Table,
    Text,
    inline_runs,
    unknown_part,
)
from .sources import CARD_SUFFIXES
from .svg import svg_problem

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
"""What Anki shows as an image."""
AUDIO_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac", ".aac")
"""Sounds a card plays with ``[sound:…]``."""
VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov")
"""Videos a card plays with ``[sound:…]`` (Anki plays video files the way it plays sounds)."""
SOUND_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES
"""What a card plays; with :data:`IMAGE_SUFFIXES`, all that is packed from the source tree."""
MEDIA_SUFFIXES = IMAGE_SUFFIXES + SOUND_SUFFIXES
"""Every file a deck packs from the source tree."""
_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_SHOWN = 120
"""The most of a remote image's address a warning shows."""
SOURCE_PATH = "deckbuilder.source_path"
"""Key of an image token's ``meta``: the path its author wrote, kept where :func:`attach` points
the token at the name it is packed under (a rewrite's draft writes the image by it)."""


def _inline_runs(parts: Iterable[Part]) -> Iterator[Inline]:
    for part in parts:
        if isinstance(part, Text):
            yield part.inline
        elif isinstance(part, Items):
            for head, rest in part.entries:
                yield head
                yield from inline_runs(rest)
        elif isinstance(part, Pairs):
            yield from (value for _, value in part.pairs)
        elif isinstance(part, Blocks):
            yield from inline_runs(part.blocks)
        elif not isinstance(part, Snippet):  # code shows no image
            unknown_part(part)


def images(card: Card) -> Iterator[tuple[Token, Origin]]:
    """Every image token a card shows, with the line it stands on."""
    runs = list(_inline_runs((*card.answer, *card.extra)))
    if card.cloze is not None:
        for line in card.cloze.lines:
            runs += [s.inline if isinstance(s, Gap) else s for s in line]
    if card.statement is not None:
        runs.append(card.statement)
    for run in runs:
        yield from _images(run.tokens, run.origin)


def _images(tokens: Iterable[Token], origin: Origin) -> Iterator[tuple[Token, Origin]]:
    """The image tokens of a run starting at ``origin``, each with its own line: the line a
    token was tagged with when lines were joined (:func:`~builder.extract.clozescan.tagged`),
    else the run's line plus the line breaks before it."""
    line = origin
    for tok in tokens:
        line = origin_of(tok, line)
        if tok.type in ("softbreak", "hardbreak"):
            line = Origin(line.path, line.line + 1)
        elif tok.type == "image":
            yield tok, line
        elif tok.children:
            for image, where in _images(tok.children, line):
                yield image, where
                line = where


def attach(
    cards: Iterable[Card], source: Path, root: Path, fetch: Fetch | None = None
) -> tuple[list[Card], list[MediaFile], list[Diagnostic]]:
    """The cards with every image pointed at its packed name (new cards: the given ones are
    left as they are), the files to pack, and the images that cannot be packed.

    A remote image becomes its alt text, unless ``fetch`` is given and it can be fetched. A
    Markdown source's remote images were reported as it was read (:func:`remote_images`, every
    one, shown by a card or not); a card file's are reported here, and so is every remote image
    a build that fetches could not fetch (it drops the read stage's warnings: :func:`fetching`).
    """
    warned = fetch is not None or source.suffix.lower() in CARD_SUFFIXES
    resolved: dict[str, MediaFile | str] = {}
    files: dict[str, MediaFile] = {}
    problems: list[Diagnostic] = []
    base = root.resolve()
    out = []
    for card in cards:
        names: dict[str, str | None] = {}
        for tok, origin in images(card):
            src = str(tok.attrs.get("src", ""))
            tag = bool((tok.meta or {}).get(SOUND_TAG))
            if _REMOTE.match(src):
                # A ``[sound:…]`` is fetched only when its address names a sound or a video.
                wanted = fetchable(src) and (not tag or _suffix(src) in SOUND_SUFFIXES)
                got = fetch.get(src) if fetch is not None and wanted else None
                if isinstance(got, MediaFile):
                    names[src] = got.name
                    files[got.name] = got
                    continue
                names[src] = None
                if not warned:
                    continue
                message = _remote(src, tok) if got is None else _unfetched(src, tok, got)
                problem = Diagnostic(origin, "warning", message)
            else:
                key = f"{tag}:{src}"
                if key not in resolved:
                    resolved[key] = _resolve(src, source, base, tag=tag)
                file_or_problem = resolved[key]
                if isinstance(file_or_problem, MediaFile):
                    names[src] = file_or_problem.name
                    files[file_or_problem.name] = file_or_problem
                    continue
                problem = Diagnostic(origin, "error", file_or_problem)
            if problem not in problems:  # one image may be shown by two cards
                problems.append(problem)
        out.append(_retargeted(card, names) if names else card)
    return out, sorted(files.values(), key=lambda f: f.name), problems


def remote_images(tokens: Iterable[Token], path: str) -> list[Diagnostic]:
    """A warning for every remote image of a parsed document (markdown-it's block tokens), at
    its own line, whether or not a card shows it (one that does shows its alt text: see
    :func:`attach`)."""
    found: dict[tuple[Origin, str], Diagnostic] = {}
    for block in tokens:
        if block.type != "inline" or not block.map:
            continue
        for tok, origin in _images(block.children or (), Origin(path, block.map[0] + 1)):
            src = str(tok.attrs.get("src", ""))
            if _REMOTE.match(src):
                found.setdefault((origin, src), Diagnostic(origin, "warning", _remote(src, tok)))
    return list(found.values())


_OFFLINE = "is remote and decks work offline"


def _remote(src: str, tok: Token) -> str:
    """The warning for a remote image, which a card shows as its alt text."""
    return f"{_what(src, tok)} “{_address(src)}” {_OFFLINE}: a card shows {_shown(tok)} in its place"


def _unfetched(src: str, tok: Token, reason: str) -> str:
    """The warning for a remote image a build could not fetch."""
    return (
        f"{_what(src, tok)} “{_address(src)}” could not be fetched ({reason}):"
        f" a card shows {_shown(tok)} in its place"
    )


def _suffix(src: str) -> str:
    """The suffix of the file a reference names, in lower case (a remote one's by its path)."""
    path = urlsplit(src).path if _REMOTE.match(src) else src
    return PurePosixPath(unquote(path)).suffix.lower()


def _kind(suffix: str, tag: bool = False) -> str:
    """What a file of this suffix is, as messages name it: ``image``, ``sound`` or ``video``
    (a ``[sound:…]`` reference is a sound, whatever its suffix)."""
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return "sound" if tag or suffix in AUDIO_SUFFIXES else "image"


def _what(src: str, tok: Token) -> str:
    return _kind(_suffix(src), bool((tok.meta or {}).get(SOUND_TAG)))


def plays(tok: Token) -> bool:
    """Whether an image token is a sound or a video (its suffix, or a ``[sound:…]``): a card
    plays it rather than shows it."""
    return _what(str(tok.attrs.get("src", "")), tok) != "image"


def _address(src: str) -> str:
    address = unquote(src)
    if len(address) > _SHOWN:  # a data: URI holds the whole picture
        address = address[: _SHOWN - 1] + "…"
    return address


def _shown(tok: Token) -> str:
    alt = plain(tok.children or ())
    return f"its alt text “{alt}”" if alt else "nothing (it has no alt text)"


def fetching(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``problems`` without the warnings :func:`remote_images` gave as the source was read: a
    build that fetches images says itself which ones it could not fetch (:func:`attach`)."""
    return [
        p
        for p in problems
        if not (
            p.level == "warning"
            and p.message.startswith(("image “", "sound “", "video “"))
            and _OFFLINE in p.message
        )
    ]


# --- Remote images (``--fetch-images``) ------------------------------------------------------

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]", re.DOTALL)


@dataclass(frozen=True)
class Fetch:
    """How a build fetches remote images (``--fetch-images``, ``fetch_images: true``)."""

    timeout: float = FETCH_TIMEOUT
    """Seconds one image may take, from asking to its last byte."""
    limit: int = MAX_REMOTE_IMAGE_BYTES
    """The most bytes one image may have."""

    def get(self, url: str) -> MediaFile | str:
        """The packed file of the image at ``url``, or why it cannot be had: fetched once a
        run (:func:`forget_fetched` starts a run), kept in the cache folder."""
        key = (url, self)
        if key not in _FETCHED:
            _FETCHED[key] = _fetched(url, self)
        return _FETCHED[key]


_FETCHED: dict[tuple[str, Fetch], MediaFile | str] = {}
"""What this run fetched, by address: the same image is asked for once."""


def forget_fetched() -> None:
    """Start a run: remote images are fetched again (they may have changed since the last), and
    source folders are listed again for media found by name."""
    _FETCHED.clear()
    _NAMES.clear()


def fetchable(src: str) -> bool:
    """Whether a build that fetches images asks for this one: an ``http`` or ``https`` address."""
    return urlsplit(src).scheme.lower() in ("http", "https")


def _fetched(url: str, fetch: Fetch) -> MediaFile | str:
    """The packed file of a remote image, sound or video (by the suffix of its address's
    path), or why it cannot be had."""
    suffix = _suffix(url)
    what = _kind(suffix)
    data = _download(url, fetch, what)
    if isinstance(data, str):
        return data
    if what != "image":
        if (problem := sound_problem(data, suffix)) is not None:
            return f"it {problem}"
        return _kept(packed_name(data, suffix), data)
    kind = image_type(data)
    if kind is None:
        return "it is not a PNG, JPEG, GIF, WebP or SVG image"
    if kind == ".svg" and (problem := svg_problem(data)) is not None:
        return f"the SVG {problem}"
    return _kept(packed_name(data, kind), data)


def _kept(name: str, data: bytes) -> MediaFile | str:
    try:
        return MediaFile(name, _keep(name, data))
    except OSError as exc:
        return f"it cannot be kept in the cache folder: {exc.strerror or exc}"


def image_type(data: bytes) -> str | None:
    """The suffix of the image type ``data`` is (from its first bytes); None if it is none
    that a deck packs."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if _SVG_START.match(data[:4096]):
        return ".svg"
    return None


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks HTTP and HTTPS only: a redirect to ``file:`` or ``ftp:`` fails."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _download(url: str, fetch: Fetch, what: str = "image") -> bytes | str:
    """The bytes at ``url`` (a remote ``what``), or why they could not be had."""
    from . import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"deckbuilder/{__version__}"})
    deadline = time.monotonic() + fetch.timeout
    too_large = f"it is larger than the {fetch.limit // 1024 // 1024} MB a remote {what} may be"
    slow = f"no answer within {fetch.timeout:g} s"
    try:
        with _opener().open(request, timeout=fetch.timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > fetch.limit:
                return too_large
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > fetch.limit:
                    return too_large
                if time.monotonic() > deadline:
                    return slow
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        return f"the server answered {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return slow
        return str(exc.reason)
    except TimeoutError:
        return slow
    except (OSError, HTTPException, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return b"".join(chunks)


def _keep(name: str, data: bytes) -> Path:
    """Where the fetched image ``name`` is kept (written once, whole, under its content hash)."""
    folder = default_folder() / "images"
    target = folder / name
    if packed_name_of(target) == name:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".fetch-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _retargeted(card: Card, names: Mapping[str, str | None]) -> Card:
    """``card`` with copies of its image tokens pointing at ``names[src]``; an image whose
    name is None (a remote one) becomes its alt text (nothing when it has none)."""

    def tokens(run: Sequence[Token]) -> tuple[Token, ...]:
        out = []
        for tok in run:
            src = str(tok.attrs.get("src", ""))
            if tok.type == "image" and src in names and names[src] is None:
                out += _alt(tok)
                continue
            changes: dict[str, Any] = {}
            if tok.children:
                changes["children"] = list(tokens(tok.children))
            if tok.type == "image" and src in names:
                changes["attrs"] = {**tok.attrs, "src": names[src]}
                changes["meta"] = {**(tok.meta or {}), SOURCE_PATH: src}
            out.append(tok.copy(**changes) if changes else tok)
        return tuple(out)

    def inline(run: Inline) -> Inline:
        return replace(run, tokens=tokens(run.tokens))

    def segment(piece: Segment) -> Segment:
        return replace(piece, inline=inline(piece.inline)) if isinstance(piece, Gap) else inline(piece)

    def block(item: Block) -> Block:
        if isinstance(item, Paragraph):
            return replace(item, lines=tuple(inline(line) for line in item.lines))
        if isinstance(item, ListBlock):
            return replace(item, items=tuple(replace(i, blocks=blocks(i.blocks)) for i in item.items))
        if isinstance(item, Table):
            header = tuple(inline(cell) for cell in item.header)
            return replace(
                item, header=header, rows=tuple(tuple(inline(c) for c in row) for row in item.rows)
            )
        if isinstance(item, Other):
            return replace(item, tokens=tokens(item.tokens))
        return item

    def blocks(items: Iterable[Block]) -> tuple[Block, ...]:
        return tuple(block(item) for item in items)

    def part(piece: Part) -> Part:
        if isinstance(piece, Text):
            return Text(inline(piece.inline))
        if isinstance(piece, Items):
            return replace(piece, entries=tuple((inline(head), blocks(rest)) for head, rest in piece.entries))
        if isinstance(piece, Pairs):
            return Pairs(tuple((head, inline(value)) for head, value in piece.pairs))
        if isinstance(piece, Blocks):
            return Blocks(blocks(piece.blocks))
        return piece

    cloze = card.cloze
    return replace(
        card,
        answer=tuple(part(p) for p in card.answer),
        extra=tuple(part(p) for p in card.extra),
        cloze=None
        if cloze is None
        else replace(cloze, lines=tuple(tuple(segment(s) for s in line) for line in cloze.lines)),
        statement=None if card.statement is None else inline(card.statement),
    )


def _alt(image: Token) -> list[Token]:
    """What a card shows in place of an image it cannot show: its alt text, or nothing."""
    alt = plain(image.children or ())
    return [text_token(alt)] if alt else []


def offline(tokens: Sequence[Token]) -> list[Token]:
    """Inline tokens with every remote image in them as its alt text: a card never fetches
    anything (:func:`attach` has already done so for a built card's images). A sound or a
    video is Anki's ``[sound:name]``, by the name it is packed under (:func:`attach`)."""
    out: list[Token] = []
    for tok in tokens:
        if tok.type == "image" and _REMOTE.match(str(tok.attrs.get("src", ""))):
            out += _alt(tok)
        elif tok.type == "image" and plays(tok):
            out.append(text_token(f"[sound:{unquote(str(tok.attrs.get('src', '')))}]"))
        elif tok.children and any(t.type == "image" for t in tok.children):
            out.append(tok.copy(children=offline(tok.children)))
        else:
            out.append(tok)
    return out


_LIMITS = {"image": MAX_IMAGE_BYTES, "sound": MAX_SOUND_BYTES, "video": MAX_VIDEO_BYTES}
"""The most bytes a file of each kind may have."""
_ARTICLES = {"image": "an image", "sound": "a sound", "video": "a video"}


_NAMES: dict[Path, dict[str, list[Path]]] = {}
"""Each source folder's media files by name, listed once a run (see :func:`forget_fetched`)."""


def _elsewhere(relative: Path, base: Path) -> Path | str:
    """A media file a note app finds where the source's folder has none (Obsidian, Logseq):
    the path from the source folder's top, else the one file of that name anywhere in it;
    what is wrong when there is none, or several."""
    from_top = (base / relative).resolve()
    if from_top.is_relative_to(base) and from_top.is_file():
        return from_top
    if len(relative.parts) != 1:
        return "not found"
    if base not in _NAMES:
        names: dict[str, list[Path]] = {}
        for path in sorted(base.rglob("*")):
            parts = path.relative_to(base).parts
            if path.suffix.lower() in MEDIA_SUFFIXES and not any(p.startswith(".") for p in parts):
                names.setdefault(path.name, []).append(path)
        _NAMES[base] = names
    found = [
        p for p in _NAMES[base].get(relative.name, []) if p.resolve().is_relative_to(base) and p.is_file()
    ]
    if not found:
        return "not found"
    if len(found) > 1:
        where = ", ".join(str(p.relative_to(base)) for p in found[:3])
        return f"not found beside the source, and several files have that name ({where}); give its path"
    return found[0].resolve()


def _resolve(src: str, source: Path, base: Path, *, tag: bool = False) -> MediaFile | str:
    """The packed file for an image reference (a sound's or a video's too, and a ``[sound:…]``
    with ``tag``), or what is wrong with it."""
    shown = unquote(src)
    if not src:
        return f"{'sound' if tag else 'image'} has no path"
    if any(ord(char) < 32 for char in shown):
        what = "sound" if tag else "image"
        return f"{what} path “{shown.encode('unicode_escape').decode()}” holds a control character"
    relative = Path(shown)
    bare = Path(re.split(r"[?#]", shown, maxsplit=1)[0])
    if relative.suffix.lower() not in MEDIA_SUFFIXES and bare.suffix.lower() in MEDIA_SUFFIXES:
        relative = bare  # ``shot.png#interface``: what follows is for the page, not the file
    what = _kind(relative.suffix.lower(), tag)
    wrong = _wrong_path(relative, shown, what, tag)
    if wrong is not None:
        return wrong
    target = (source.parent / relative).resolve()
    if not target.is_relative_to(base):
        return f"{what} “{shown}” is outside the source folder {base.name}/"
    if not target.is_file():
        found = _elsewhere(relative, base)
        if isinstance(found, str):
            return f"{what} “{shown}” {found}"
        target = found
    return _packed(target, shown, what, relative.suffix.lower())


def _wrong_path(relative: Path, shown: str, what: str, tag: bool) -> str | None:
    """What keeps a media path from being packed before its file is looked for: an absolute
    path, a suffix of no image, sound or video, a hidden folder or file; None when nothing."""
    suffix = relative.suffix.lower()
    if relative.is_absolute():
        return f"{what} “{shown}” has an absolute path; give it relative to the source"
    if tag and suffix not in SOUND_SUFFIXES:
        return (
            f"“{shown}” is not a sound ({', '.join(AUDIO_SUFFIXES)}) or a video ({', '.join(VIDEO_SUFFIXES)})"
        )
    if suffix not in MEDIA_SUFFIXES:
        return (
            f"“{shown}” is not an image ({', '.join(IMAGE_SUFFIXES)}), a sound"
            f" ({', '.join(AUDIO_SUFFIXES)}) or a video ({', '.join(VIDEO_SUFFIXES)})"
        )
    if any(part.startswith(".") and part not in (".", "..") for part in relative.parts):
        return f"{what} “{shown}” is in a hidden folder or file"
    return None


def _packed(target: Path, shown: str, what: str, suffix: str) -> MediaFile | str:
    """The media file ``target`` packed under its content-hash name, once its size and its
    first bytes are what its kind (and the ``suffix`` it is named with) allow; else what is
    wrong."""
    limit = _LIMITS[what]
    try:
        if (size := target.stat().st_size) > limit:
            return (
                f"{what} “{shown}” is {size / 1024 / 1024:.1f} MB, more than the"
                f" {limit // 1024 // 1024} MB {_ARTICLES[what]} may be; make it smaller"
            )
        data = target.read_bytes()
    except OSError as exc:
        return f"{what} “{shown}” cannot be read: {exc.strerror or exc}"
    if suffix == ".svg" and (problem := svg_problem(data)) is not None:
        return f"image “{shown}” {problem}"
    if what != "image" and (problem := sound_problem(data, suffix)) is not None:
        return f"{what} “{shown}” {problem}"
    return MediaFile(packed_name(data, target.suffix), target)


def _mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame's sync (eleven bits set)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _aac(data: bytes) -> bool:
    """An ID3 tag, or an ADTS frame's sync (twelve bits set, layer 0)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0)


def _ogg(data: bytes) -> bool:
    return data.startswith(b"OggS")


def _wav(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def _flac(data: bytes) -> bool:
    return data.startswith((b"fLaC", b"ID3"))


def _mpeg4(data: bytes) -> bool:
    """An ISO media file: its first box is ``ftyp``."""
    return data[4:8] == b"ftyp"


def _quicktime(data: bytes) -> bool:
    """A QuickTime movie: ``ftyp`` first, or (an older one) the movie, its data or padding."""
    return data[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def _webm(data: bytes) -> bool:
    """A Matroska (EBML) header."""
    return data.startswith(b"\x1a\x45\xdf\xa3")


_FORMATS = {
    ".mp3": ("an MP3", _mp3),
    ".aac": ("an AAC", _aac),
    ".ogg": ("an Ogg", _ogg),
    ".oga": ("an Ogg", _ogg),
    ".opus": ("an Ogg Opus", _ogg),
    ".ogv": ("an Ogg", _ogg),
    ".wav": ("a WAV", _wav),
    ".flac": ("a FLAC", _flac),
    ".m4a": ("an MPEG-4", _mpeg4),
    ".mp4": ("an MPEG-4", _mpeg4),
    ".mov": ("a QuickTime", _quicktime),
    ".webm": ("a WebM", _webm),
}
"""What each sound or video suffix promises, and how its first bytes show it."""


def sound_problem(data: bytes, suffix: str) -> str | None:
    """Why a sound or video with this suffix cannot be packed (a phrase to follow its name),
    or None: its first bytes must be the format its suffix names."""
    name, starts = _FORMATS[suffix.lower()]
    if starts(data):
        return None
    return f"is not {name} file (judged by its first bytes)"
