"""A self-contained HTML page showing every note as a learner will see it, and the tool to
curate it.

Each card side is the note type's template filled with the note's fields, styled by the note
type's own CSS, inside a 390 px wide frame (a phone). Above each note's cards a strip shows its
key, kind and ``path:line``, and two buttons copy the curation entries that drop it or start a
rewrite of it (:func:`builder.curation.drop_entry`, :func:`builder.curation.rewrite_entry`),
to paste into the curation file it names. The entries travel in escaped ``data-`` attributes,
never as script: sources are untrusted. Copying uses the clipboard API, and a selected textarea
with ``execCommand('copy')`` where that API is missing or refuses (a page opened from a file).

A switch puts the cards in Anki's night mode (``nightMode`` on the card, as Anki does) and the
page around them in matching colours; a filter narrows by text (and key), kind and tag. The
sticky toolbar stays short at a phone's width, and whatever is scrolled to stops below it. The
page needs no network and no other file: images are inlined as data URIs, and when a note holds
math (MathJax's ``\\(…\\)`` or ``\\[…\\]``, as Anki shows it) a vendored KaTeX with its fonts
is inlined and typesets it. ``#night`` in the address opens it in night mode.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from .curation import drop_entry, rewrite_entry
from .markdown import CLOZE
from .model import KINDS, MediaFile, Note
from .notetypes import MODELS, cloze_model, css
from .preview_assets import KATEX_CSS, PAGE_CSS, PAGE_SCRIPT, TYPESET, has_math, katex
from .release.deck import Release
from .sources import curation_path, is_curation

__all__ = ["card_sides", "curation_name", "has_math", "katex", "preview_page"]

_SECTION = re.compile(r"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{(?:(cloze):)?(\w+)\}\}")


def _fill(template: str, fields: dict[str, str], cloze: int | None, back: bool) -> str:
    """Anki's template syntax, as far as deckbuilder's note types use it."""
    text = _SECTION.sub(lambda m: m.group(2) if fields.get(m.group(1), "").strip() else "", template)

    def field(match: re.Match[str]) -> str:
        value = fields.get(match.group(2), "")
        if match.group(1) and cloze is not None:
            return _cloze(value, cloze, back)
        return value

    return _FIELD.sub(field, text)


def _cloze(text: str, number: int, back: bool) -> str:
    def one(match: re.Match[str]) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if back:
            return f'<span class="cloze">{match.group(2)}</span>'
        return f'<span class="cloze">[{match.group(3) or "..."}]</span>'

    return CLOZE.sub(one, text)


def card_sides(note: Note) -> list[tuple[str, str]]:
    """(front, back) HTML of each card the note makes."""
    if note.model == "cloze":
        template = cloze_model().templates[0]
        numbers = sorted({int(n) for n, _, _ in CLOZE.findall(note.fields.get("Text", ""))}) or [1]
        return [
            (
                _fill(template["qfmt"], note.fields, n, back=False),
                _fill(template["afmt"], note.fields, n, back=True),
            )
            for n in numbers
        ]
    return [
        (_fill(template["qfmt"], note.fields, None, False), _fill(template["afmt"], note.fields, None, True))
        for template in MODELS[note.model]().templates
    ]


def _inline_media(html: str, media: dict[str, str]) -> str:
    return re.sub(r'src="([^"]+)"', lambda m: f'src="{media.get(m.group(1), m.group(1))}"', html)


def _data_uri(file: MediaFile) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(file.path.read_bytes()).decode()}"


def _attribute(text: str) -> str:
    """``text`` as an attribute value that reads back exactly (a carriage return too, which
    the HTML parser would otherwise turn into a line feed)."""
    return escape(text, quote=True).replace("\r", "&#13;")


def curation_name(note: Note) -> str:
    """The name of the curation file a note's entries go into: its source's."""
    path = Path(note.origin.path)
    return path.name if is_curation(path) else curation_path(path).name


def _strip(note: Note) -> str:
    """The note's key, kind and source, and the buttons that copy its curation entries."""
    curation = curation_name(note)
    buttons = "".join(
        f'<button type="button" data-copy="{what}" data-entry="{_attribute(entry)}"'
        f' title="Copy the curation entry that {what}s this note">copy {what}</button>'
        for what, entry in (("drop", drop_entry(note)), ("rewrite", rewrite_entry(note)))
    )
    return (
        f'<div class="strip" data-curation="{_attribute(curation)}">'
        f'<code class="key">{escape(note.key)}</code>'
        f'<span class="meta">{escape(note.kind)} · {escape(str(note.origin))}</span>'
        f'<span class="actions">{buttons}</span><span class="hint">paste into {escape(curation)}</span>'
        '<div class="status" role="status" aria-live="polite"></div></div>'
    )


def preview_page(releases: Sequence[Release], title: str = "deckbuilder preview") -> str:
    """One page showing every note of ``releases`` (removed notes are left out)."""
    notes = [(rel, note) for rel in releases for note in rel.notes]
    media = {f.name: _data_uri(f) for rel in releases for f in rel.plan.media}
    math_css, math_script = katex() if has_math([n for _, n in notes]) else ("", "")
    parts = [*_head(title, math_css), *_toolbar(title, [n for _, n in notes])]
    current = None
    for rel, note in notes:
        if rel is not current:
            current = rel
            parts.append(f'<h2 class="deck-title">{escape(rel.plan.name)} · {escape(rel.version)}</h2>')
        parts += _note(note, media)
    parts += ["</main>", f"<script>{PAGE_SCRIPT}</script>"]
    if math_script:
        parts.append(f"<script>{math_script}\n{TYPESET}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _head(title: str, math_css: str) -> list[str]:
    """The page's head, up to the body's start: the note types' CSS, the page's, KaTeX's."""
    return [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{css()}</style>",
        f"<style>{PAGE_CSS}</style>",
        *([f"<style>{math_css}\n{KATEX_CSS}</style>"] if math_css else []),
        '</head><body class="page">',
    ]


def _toolbar(title: str, notes: Sequence[Note]) -> list[str]:
    """The sticky toolbar (the title, the night switch, the filters, the counts), then the start
    of the notes' ``<main>``."""
    counts = {kind: sum(1 for n in notes if n.kind == kind) for kind in KINDS}
    tags = sorted({tag for n in notes for tag in n.tags})
    return [
        '<header class="toolbar">',
        f'<div class="row"><h1 title="{escape(title)}">{escape(title)}</h1>',
        # Not id="night": the address's #night would scroll the page to the switch.
        '<label><input id="night-mode" type="checkbox"> night</label></div>',
        '<div class="row">',
        '<input id="filter" type="search" placeholder="Filter text" aria-label="Filter by text">',
        '<select id="kind" aria-label="Filter by kind"><option value="">all kinds</option>',
        *(f'<option value="{k}">{k} ({n})</option>' for k, n in counts.items() if n),
        "</select>",
        '<select id="tag" aria-label="Filter by tag"><option value="">all tags</option>',
        *(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags),
        "</select></div>",
        '<div class="counts">',
        f'<span><b id="shown">{len(notes)}</b> of {len(notes)} notes</span>',
        *(f'<span class="count" data-kind="{k}">{k} {n}</span>' for k, n in counts.items() if n),
        "</div></header><main>",
    ]


def _note(note: Note, media: dict[str, str]) -> list[str]:
    """One note: its strip, then a frame for each side of each of its cards."""
    searchable = escape(f"{note.key}\n{note.prompt}\n{note.answer}".lower(), quote=True)
    parts = [
        f'<article class="note" data-kind="{note.kind}" data-tags="{escape(" ".join(note.tags))}"'
        f' data-text="{searchable}" data-guid="{escape(note.guid)}" data-key="{escape(note.key)}">',
        _strip(note),
    ]
    for n, (front, back) in enumerate(card_sides(note), start=1):
        label = f"card {n} · " if n > 1 else ""
        for side, html in (("front", front), ("back", back)):
            parts.append(
                f'<div class="frame"><div class="side">{label}{side}</div>'
                f'<div class="card {side}">{_inline_media(html, media)}</div></div>'
            )
    parts.append("</article>")
    return parts
