"""The media a card shows: every image token found with its line (:func:`images`), and each
attached to the deck (:func:`attach`): a local file packed, a remote one fetched when asked, else
shown as its alt text with a warning at its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from ..extract.clozescan import origin_of
from ..markdown import plain
from ..markdown.dialects import SOUND_TAG
from ..model import (
    Answered,
    Blocks,
    Card,
    Clozed,
    Diagnostic,
    Form,
    Gap,
    Inline,
    Items,
    MediaFile,
    Origin,
    OwnFields,
    Pairs,
    Part,
    Snippet,
    Text,
    Written,
    inline_runs,
    unknown_form,
    unknown_part,
)
from ..sources import CARD_SUFFIXES
from .fetch import Fetch, fetchable
from .kinds import REMOTE, SOUND_SUFFIXES, suffix_of, token_kind
from .local import resolve
from .retarget import retargeted

_SHOWN = 120
"""The most of a remote image's address a warning shows."""


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


def _shown_runs(form: Form) -> Iterator[Inline]:
    """Every inline run a card of this form shows (a cloze's extra before its statement)."""
    if isinstance(form, Answered):
        yield from _inline_runs(form.answer)
    elif isinstance(form, Clozed):
        yield from _inline_runs(form.extra)
        for line in form.cloze.lines:
            yield from (s.inline if isinstance(s, Gap) else s for s in line)
    elif isinstance(form, Written):
        yield from _inline_runs(form.extra)
        yield form.statement
    elif isinstance(form, OwnFields):
        yield from _inline_runs(part for _, part in form.fields)
    else:
        unknown_form(form)


def images(card: Card) -> Iterator[tuple[Token, Origin]]:
    """Every image token a card shows, with the line it stands on."""
    for run in _shown_runs(card.form):
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
            if REMOTE.match(src):
                # A ``[sound:…]`` is fetched only when its address names a sound or a video.
                wanted = fetchable(src) and (not tag or suffix_of(src) in SOUND_SUFFIXES)
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
                    resolved[key] = resolve(src, source, base, tag=tag)
                file_or_problem = resolved[key]
                if isinstance(file_or_problem, MediaFile):
                    names[src] = file_or_problem.name
                    files[file_or_problem.name] = file_or_problem
                    continue
                problem = Diagnostic(origin, "error", file_or_problem)
            if problem not in problems:  # one image may be shown by two cards
                problems.append(problem)
        out.append(retargeted(card, names) if names else card)
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
            if REMOTE.match(src):
                found.setdefault((origin, src), Diagnostic(origin, "warning", _remote(src, tok)))
    return list(found.values())


_OFFLINE = "is remote and decks work offline"


def _remote(src: str, tok: Token) -> str:
    """The warning for a remote image, which a card shows as its alt text."""
    return f"{token_kind(src, tok)} “{_address(src)}” {_OFFLINE}: a card shows {_shown(tok)} in its place"


def _unfetched(src: str, tok: Token, reason: str) -> str:
    """The warning for a remote image a build could not fetch."""
    return (
        f"{token_kind(src, tok)} “{_address(src)}” could not be fetched ({reason}):"
        f" a card shows {_shown(tok)} in its place"
    )


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
