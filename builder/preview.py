"""A self-contained HTML page showing every note as a learner will see it, and the tool to
curate it.

Each card side is the note type's template filled with the note's fields, styled by the note
type's own CSS, inside a 390 px wide frame (a phone). Above each note's cards a strip shows its
key, kind and ``path:line``, and two buttons copy the curation entries that drop it or start a
rewrite of it (:func:`builder.curation.drop_entry`, :func:`builder.curation.rewrite_entry`),
to paste into the curation file it names; a rewrite pasted unchanged changes nothing, and a
note whose text no rewrite gives back unchanged is offered none (the strip says so). The entries travel in escaped ``data-`` attributes,
never as script: sources are untrusted. Copying uses the clipboard API, and a selected textarea
with ``execCommand('copy')`` where that API is missing or refuses (a page opened from a file).

A switch puts the cards in Anki's night mode (``nightMode`` on the card, as Anki does) and the
page around them in matching colours; a filter narrows by text (and key), kind and tag. The
sticky toolbar stays short at a phone's width, and whatever is scrolled to stops below it. The
page needs no network and no other file: images are inlined as data URIs, and when a note holds
math (MathJax's ``\\(…\\)`` or ``\\[…\\]``, as Anki shows it) a vendored KaTeX with its fonts
is inlined and typesets it. ``#night`` in the address opens it in night mode.

The page is built as :class:`~builder.markup.HTML`: a deck's title, a key, a path, a tag and
a curation entry are text, escaped as they are put in. What is taken as HTML is named where
it is taken: the note types' templates, the notes' fields (made by :mod:`builder.render`), and
the page's own CSS and scripts, in elements they cannot close.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .curation import drop_entry, rewrite_entry
from .markdown import CLOZE
from .markup import HTML, escape, raw_text_element
from .media import VIDEO_SUFFIXES
from .model import KINDS, MediaFile, Note, NoteType
from .notetypes import builtin, css, of
from .preview_assets import KATEX_CSS, PAGE_CSS, PAGE_SCRIPT, TYPESET, has_math, katex
from .release.deck import Release
from .sources import curation_path, is_curation

__all__ = ["card_sides", "curation_name", "has_math", "katex", "preview_page"]

_SECTION = re.compile(r"\{\{([#^])([^{}]+?)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^{}#^/][^{}]*)\}\}")
_SPEAKER = HTML('<span class="tts" title="read aloud by Anki">🔊</span>')
_TYPED = HTML('<input class="typeans" type="text" disabled placeholder="type the answer">')
_SRC = re.compile(r'src="([^"]+)"')
_SOUND = re.compile(r"\[sound:([^\]\s]+)\]")
_AUDIO = HTML('<audio controls preload="none" src="{}"></audio>')
_VIDEO = HTML('<video controls preload="none" src="{}"></video>')


def _template(text: str) -> HTML:
    """A card template of a note type. Trusted: the built-in ones are constants of
    :mod:`builder.notetypes`, written there as HTML, and a team's were checked when read
    (:mod:`builder.read.notetypes` refuses whatever could run a script)."""
    return HTML(text)


def _fields(note: Note) -> dict[str, HTML]:
    """A note's fields. Trusted: they are what :func:`builder.render.render` made (every text
    in them escaped there), handed on by a build or its cache as the strings Anki stores."""
    return {name: HTML(value) for name, value in note.fields.items()}


def _fill(
    template: HTML, fields: Mapping[str, HTML], cloze: int | None, back: bool, front: HTML | None = None
) -> HTML:
    """Anki's template syntax: fields, ``{{#Field}}…{{/Field}}`` and ``{{^Field}}…{{/Field}}``
    sections, ``{{FrontSide}}`` (``front``), and the ``cloze:``, ``type:``, ``tts …:`` and
    ``text:`` filters (a typed answer shows as a box to type in, a voice as a speaker)."""

    def section(match: re.Match[str]) -> str:
        given = bool(fields.get(match.group(2).strip(), "").strip())
        return match.group(3) if given == (match.group(1) == "#") else ""

    text = _SECTION.sub(section, template)

    def field(match: re.Match[str]) -> HTML:
        *filters, name = (part.strip() for part in match.group(1).split(":"))
        if name == "FrontSide":
            return front or HTML()
        value = fields.get(name, HTML())
        if "cloze" in filters and cloze is not None:
            return _cloze(value, cloze, back)
        if "type" in filters:
            return value if back else _TYPED
        if any(f.startswith("tts") for f in filters):
            return _SPEAKER
        if "text" in filters:
            return escape(re.sub(r"<[^>]*>", "", value))
        return value

    # Still HTML: the template's sections are kept or cut out whole, and fields put in whole.
    return HTML(_FIELD.sub(field, text))


def _cloze(text: HTML, number: int, back: bool) -> HTML:
    def one(match: re.Match[str]) -> HTML:
        # Still HTML: rendering wrote Anki's marks around HTML, and every brace of the text
        # between them as an entity, so what a mark holds (answer, hint) is the field's HTML.
        answer, hint = HTML(match.group(2)), HTML(match.group(3) or "...")
        if int(match.group(1)) != number:
            return answer
        if back:
            return HTML('<span class="cloze">{}</span>').format(answer)
        return HTML('<span class="cloze">[{}]</span>').format(hint)

    return HTML(CLOZE.sub(one, text))


def card_sides(note: Note, note_types: Mapping[str, NoteType] | None = None) -> list[tuple[HTML, HTML]]:
    """(front, back) HTML of each card the note makes, with its note type among ``note_types``
    (a deck's: see :func:`builder.notetypes.of`; default: the built-in ones)."""
    fields = _fields(note)
    note_type = (note_types or builtin())[note.model]
    if note_type.cloze:
        template = note_type.templates[0]
        question, answer = _template(template.front), _template(template.back)
        first = note.fields.get(note_type.fields[0], "")
        numbers = sorted({int(n) for n, _, _ in CLOZE.findall(first)}) or [1]
        sides = []
        for n in numbers:
            front = _fill(question, fields, n, back=False)
            sides.append((front, _fill(answer, fields, n, back=True, front=front)))
        return sides
    sides = []
    for template in note_type.templates:
        front = _fill(_template(template.front), fields, None, back=False)
        sides.append((front, _fill(_template(template.back), fields, None, back=True, front=front)))
    return sides


def _inline_media(html: HTML, media: Mapping[str, str]) -> HTML:
    def inlined(match: re.Match[str]) -> str:
        uri = media.get(match.group(1))
        return match.group(0) if uri is None else HTML('src="{}"').format(uri)

    def played(match: re.Match[str]) -> str:
        uri = media.get(match.group(1))
        if uri is None:
            return match.group(0)
        player = _VIDEO if Path(match.group(1)).suffix.lower() in VIDEO_SUFFIXES else _AUDIO
        return player.format(uri)

    # Still HTML: only a file's packed name is swapped for its data URI, escaped: an image's
    # source, and Anki's [sound:…] for a player, as Anki shows one.
    return HTML(_SOUND.sub(played, _SRC.sub(inlined, html)))


def _data_uri(file: MediaFile) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(file.path.read_bytes()).decode()}"


def _attribute(text: str) -> HTML:
    """``text`` as an attribute value that reads back exactly (a carriage return too, which
    the HTML parser would otherwise turn into a line feed)."""
    return escape(text).replace("\r", HTML("&#13;"))


def curation_name(note: Note) -> str:
    """The name of the curation file a note's entries go into: its source's."""
    path = Path(note.origin.path)
    return path.name if is_curation(path) else curation_path(path).name


def _strip(note: Note) -> HTML:
    """The note's key, kind and source, and the buttons that copy its curation entries. A
    note no rewrite gives back unchanged (it has no draft: its text, see
    :mod:`builder.curation.drafts`, or a team's note type) is offered no rewrite entry: its button holds none and
    copies nothing (clicked, it says why), and the strip says so."""
    curation = curation_name(note)
    buttons = HTML().join(
        HTML(
            '<button type="button" data-copy="{what}" data-entry="{entry}" title="{title}">copy {what}</button>'
        ).format(
            what=what,
            entry=_attribute(entry),
            title=f"Copy the curation entry that {what}s this note" if entry else NO_REWRITE,
        )
        for what, entry in (("drop", drop_entry(note)), ("rewrite", rewrite_entry(note)))
    )
    by_hand = "" if note.draft else f"; {NO_REWRITE}"
    return HTML(
        '<div class="strip" data-curation="{attribute}">'
        '<code class="key">{key}</code>'
        '<span class="meta">{kind} · {origin}</span>'
        '<span class="actions">{buttons}</span><span class="hint">paste into {curation}{by_hand}</span>'
        '<div class="status" role="status" aria-live="polite"></div></div>'
    ).format(
        attribute=_attribute(curation),
        key=note.key,
        kind=note.kind,
        origin=str(note.origin),
        buttons=buttons,
        curation=curation,
        by_hand=by_hand,
    )


NO_REWRITE = "no rewrite entry: no curation rewrite gives this note back as it is; change it in its source"
"""What the strip of a note that has no draft says, and its rewrite button (which holds no
entry) when clicked."""


def preview_page(releases: Sequence[Release], title: str = "deckbuilder preview") -> HTML:
    """One page showing every note of ``releases`` (removed notes are left out)."""
    notes = [(rel, note) for rel in releases for note in rel.notes]
    media = {f.name: _data_uri(f) for rel in releases for f in rel.plan.media}
    math_css, math_script = katex() if has_math([n for _, n in notes]) else ("", "")
    types = {rel.plan.name: of(rel.plan.note_types) for rel in releases}
    used = {(rel.plan.name, note.model) for rel, note in notes}
    own = {t.id: t for rel in releases for t in rel.plan.note_types if (rel.plan.name, t.key) in used}
    parts = [*_head(title, math_css, own.values()), *_toolbar(title, [n for _, n in notes])]
    current = None
    for rel, note in notes:
        if rel is not current:
            current = rel
            parts.append(HTML('<h2 class="deck-title">{} · {}</h2>').format(rel.plan.name, rel.version))
        parts += _note(note, media, types[rel.plan.name])
    parts += [HTML("</main>"), raw_text_element("script", PAGE_SCRIPT)]
    if math_script:
        parts.append(raw_text_element("script", f"{math_script}\n{TYPESET}"))
    parts.append(HTML("</body></html>"))
    return HTML("\n").join(parts) + HTML("\n")


def _head(title: str, math_css: str, own: Iterable[NoteType] = ()) -> list[HTML]:
    """The page's head, up to the body's start: the note types' CSS (a deck's own note types'
    each in a ``@scope`` of the cards of its notes, as Anki gives each note type its own), the
    page's, KaTeX's."""
    return [
        HTML("<!doctype html>"),
        HTML('<html lang="en"><head><meta charset="utf-8">'),
        HTML('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        HTML("<title>{}</title>").format(title),
        raw_text_element("style", css()),
        *(raw_text_element("style", f"@scope (.{_scope(t)}) {{\n{t.css}\n}}") for t in own),
        raw_text_element("style", PAGE_CSS),
        *([raw_text_element("style", f"{math_css}\n{KATEX_CSS}")] if math_css else []),
        HTML('</head><body class="page">'),
    ]


def _toolbar(title: str, notes: Sequence[Note]) -> list[HTML]:
    """The sticky toolbar (the title, the night switch, the filters, the counts), then the start
    of the notes' ``<main>``."""
    counts = {kind: sum(1 for n in notes if n.kind == kind) for kind in KINDS}
    tags = sorted({tag for n in notes for tag in n.tags})
    return [
        HTML('<header class="toolbar">'),
        HTML('<div class="row"><h1 title="{0}">{0}</h1>').format(title),
        # Not id="night": the address's #night would scroll the page to the switch.
        HTML('<label><input id="night-mode" type="checkbox"> night</label></div>'),
        HTML('<div class="row">'),
        HTML('<input id="filter" type="search" placeholder="Filter text" aria-label="Filter by text">'),
        HTML('<select id="kind" aria-label="Filter by kind"><option value="">all kinds</option>'),
        *(HTML('<option value="{0}">{0} ({1})</option>').format(k, n) for k, n in counts.items() if n),
        HTML("</select>"),
        HTML('<select id="tag" aria-label="Filter by tag"><option value="">all tags</option>'),
        *(HTML('<option value="{0}">{0}</option>').format(t) for t in tags),
        HTML("</select></div>"),
        HTML('<div class="counts">'),
        HTML('<span><b id="shown">{0}</b> of {0} notes</span>').format(len(notes)),
        *(
            HTML('<span class="count" data-kind="{0}">{0} {1}</span>').format(k, n)
            for k, n in counts.items()
            if n
        ),
        HTML("</div></header><main>"),
    ]


def _scope(note_type: NoteType) -> str:
    """The class of the cards of a deck's own note type, which its CSS is scoped to."""
    return f"note-type-{note_type.id}"


def _note(
    note: Note, media: Mapping[str, str], note_types: Mapping[str, NoteType] | None = None
) -> list[HTML]:
    """One note: its strip, then a frame for each side of each of its cards."""
    note_type = (note_types or builtin())[note.model]
    scope = "" if note_type == builtin().get(note.model) else f" {_scope(note_type)}"
    parts = [
        HTML(
            '<article class="note" data-kind="{}" data-tags="{}" data-text="{}" data-guid="{}" data-key="{}">'
        ).format(
            note.kind,
            " ".join(note.tags),
            f"{note.key}\n{note.prompt}\n{note.answer}".lower(),
            note.guid,
            note.key,
        ),
        _strip(note),
    ]
    for n, (front, back) in enumerate(card_sides(note, note_types), start=1):
        label = f"card {n} · " if n > 1 else ""
        for side, html in (("front", front), ("back", back)):
            parts.append(
                HTML(
                    '<div class="frame"><div class="side">{label}{side}</div>'
                    '<div class="card {side}{scope}">{html}</div></div>'
                ).format(label=label, side=side, scope=scope, html=_inline_media(html, media))
            )
    parts.append(HTML("</article>"))
    return parts
