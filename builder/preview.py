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
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path

from .curation import drop_entry, rewrite_entry
from .markdown import CLOZE
from .model import KINDS, MediaFile, Note
from .notetypes import MODELS, cloze_model, css
from .release.deck import Release
from .sources import curation_path, is_curation

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


_PAGE_CSS = """
html, body { margin: 0; padding: 0; }
/* Whatever is scrolled to (a link, scrollIntoView) stops below the sticky toolbar; the script
   sets the toolbar's measured height, this is the fallback. */
html { scroll-padding-top: 7rem; }
body.page {
  --p-bg: #eef0f3; --p-bar: #f6f8fa; --p-fg: #1f2328; --p-muted: #57606a; --p-panel: #ffffff;
  --p-field: #ffffff; --p-button: #ffffff; --p-line: #8c959f; --p-accent: #0b5cad;
  color-scheme: light; background: var(--p-bg); color: var(--p-fg);
  font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
}
body.page.night {
  --p-bg: #0d0e10; --p-bar: #16181c; --p-fg: #e6edf3; --p-muted: #9da5ae; --p-panel: #1c1d20;
  --p-field: #1c1d20; --p-button: #2a2d33; --p-line: #5b636d; --p-accent: #6cb6ff;
  color-scheme: dark;
}
.toolbar { position: sticky; top: 0; z-index: 2; display: flex; flex-direction: column; gap: 4px;
  padding: 6px 10px; background: var(--p-bar); border-bottom: 1px solid var(--p-line); }
.toolbar .row { display: flex; align-items: center; gap: 6px; min-width: 0; }
.toolbar h1 { flex: 1 1 auto; min-width: 0; font-size: 15px; margin: 0; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.toolbar label { flex: none; font-size: 14px; white-space: nowrap; }
.toolbar input[type=search], .toolbar select { font: inherit; font-size: 14px; min-width: 0;
  color: var(--p-fg); background: var(--p-field); border: 1px solid var(--p-line); border-radius: 4px;
  padding: 2px 4px; }
.toolbar input[type=search] { flex: 1 1 7em; }
.toolbar select { flex: 0 1 8.5em; }
.toolbar input::placeholder { color: var(--p-muted); opacity: 1; }
.counts { font-size: 12px; color: var(--p-muted); }
.counts b { color: var(--p-fg); }
.counts span { margin-right: 8px; white-space: nowrap; }
.deck-title { font-size: 15px; margin: 16px 10px 4px; }
.note { display: flex; flex-wrap: wrap; gap: 8px; padding: 8px 10px; }
.note[hidden] { display: none; }
.note + .note { border-top: 1px solid #9995; }
.strip { flex: 1 1 100%; min-width: 0; display: flex; flex-wrap: wrap; align-items: center;
  gap: 4px 8px; font-size: 12px; line-height: 1.4; }
.strip .key { flex: 1 1 100%; min-width: 0; overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.strip .meta { flex: 1 1 100%; }
.strip .meta, .strip .hint { color: var(--p-muted); overflow-wrap: anywhere; min-width: 0; }
.strip .actions { display: flex; gap: 6px; flex: none; }
.strip button { font: inherit; color: var(--p-fg); background: var(--p-button);
  border: 1px solid var(--p-line); border-radius: 4px; padding: 1px 8px; cursor: pointer; }
.strip button:hover { border-color: var(--p-accent); }
.strip button:focus-visible { outline: 2px solid var(--p-accent); outline-offset: 1px; }
.strip .status { flex: 1 1 100%; min-width: 0; }
.strip .status:empty { display: none; }
.strip .status pre { margin: 2px 0 0; padding: 4px 6px; max-height: 12em; overflow: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; font: 11px/1.4 ui-monospace, Menlo, Consolas, monospace;
  color: var(--p-fg); background: var(--p-panel); border: 1px solid var(--p-line); border-radius: 4px; }
.frame { box-sizing: border-box; width: 390px; max-width: 100%; border: 1px solid #9995;
  border-radius: 10px; overflow: hidden; background: var(--p-panel); }
.frame > .side { font-size: 11px; padding: 2px 8px; color: var(--p-muted); font-family: monospace; }
.frame .card { min-height: 60px; }
@media (max-width: 420px) {
  .note { padding: 6px 0; }
  .strip { padding: 0 10px; }
  .frame { border-radius: 0; border-left: 0; border-right: 0; }
}
"""

_SCRIPT = """
(function () {
  var notes = Array.prototype.slice.call(document.querySelectorAll('.note'));
  var text = document.getElementById('filter'), kind = document.getElementById('kind'),
      tag = document.getElementById('tag'), night = document.getElementById('night-mode'),
      shown = document.getElementById('shown'), bar = document.querySelector('.toolbar');
  function apply() {
    var q = text.value.trim().toLowerCase(), k = kind.value, t = tag.value, n = 0;
    notes.forEach(function (note) {
      var ok = (!q || note.getAttribute('data-text').indexOf(q) >= 0) &&
               (!k || note.getAttribute('data-kind') === k) &&
               (!t || (' ' + note.getAttribute('data-tags') + ' ').indexOf(' ' + t + ' ') >= 0);
      note.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n;
  }
  function setNight(on) {
    document.body.classList.toggle('night', on);
    document.querySelectorAll('.card').forEach(function (card) {
      card.classList.toggle('nightMode', on);
      card.classList.toggle('night_mode', on);
    });
  }
  // What is scrolled to stops below the toolbar, however high it wraps.
  function pad() {
    document.documentElement.style.scrollPaddingTop = (bar.getBoundingClientRect().height + 4) + 'px';
  }
  // Copying: the clipboard API where the page may use it, else a selected textarea and
  // execCommand (a page opened from a file, an unfocused window, an older browser).
  function fallback(value) {
    var area = document.createElement('textarea'), ok = false, focused = document.activeElement;
    area.value = value;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.top = '0';
    area.style.left = '-9999px';
    document.body.appendChild(area);
    area.focus();
    area.select();
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (focused && focused.focus) { focused.focus({preventScroll: true}); }
    return ok;
  }
  function copy(value) {
    var clipboard = navigator.clipboard;
    if (clipboard && typeof clipboard.writeText === 'function') {
      try {
        return Promise.resolve(clipboard.writeText(value)).then(
          function () { return true; }, function () { return fallback(value); });
      } catch (e) { /* fall through */ }
    }
    return Promise.resolve(fallback(value));
  }
  function said(button, ok) {
    var strip = button.closest('.strip'), status = strip.querySelector('.status');
    var file = strip.getAttribute('data-curation'), what = button.getAttribute('data-copy');
    var line = document.createElement('span'), block = document.createElement('pre');
    line.textContent = ok ? 'copied the ' + what + ' entry: paste it into ' + file
                          : 'could not copy: select the ' + what + ' entry below and copy it into ' + file;
    block.textContent = button.getAttribute('data-entry');
    status.textContent = '';
    status.appendChild(line);
    status.appendChild(block);
  }
  document.querySelector('main').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-entry]');
    if (!button) { return; }
    copy(button.getAttribute('data-entry')).then(function (ok) { said(button, ok); });
  });
  text.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  tag.addEventListener('change', apply);
  night.addEventListener('change', function () { setNight(night.checked); });
  window.addEventListener('resize', pad);
  if (window.ResizeObserver) { new ResizeObserver(pad).observe(bar); }
  if (location.hash === '#night') { night.checked = true; setNight(true); }
  pad();
  apply();
})();
"""


_MATH = re.compile(r"\\[(\[]")
_FONT = re.compile(r"url\(fonts/([\w-]+)\.woff2\) format\(\"woff2\"\)(?:,url\([^)]*\) format\(\"[a-z]+\"\))*")
_TYPESET = r"""
renderMathInElement(document.querySelector('main'), {
  delimiters: [{left: '\\(', right: '\\)', display: false}, {left: '\\[', right: '\\]', display: true}],
  throwOnError: false
});
"""
_KATEX_CSS = ".katex-display { overflow-x: auto; overflow-y: hidden; }"


def has_math(notes: Sequence[Note]) -> bool:
    """Whether any field of ``notes`` holds MathJax math."""
    return any(_MATH.search(value) for note in notes for value in note.fields.values())


@cache
def katex() -> tuple[str, str]:
    """The vendored KaTeX's CSS (its fonts as data URIs) and script (with auto-render)."""
    folder = files("builder") / "vendor" / "katex"

    def font(match: re.Match[str]) -> str:
        data = (folder / "fonts" / f"{match.group(1)}.woff2").read_bytes()
        return f'url(data:font/woff2;base64,{base64.b64encode(data).decode()}) format("woff2")'

    css = _FONT.sub(font, folder.joinpath("katex.min.css").read_text(encoding="utf-8"))
    script = "\n".join(
        folder.joinpath(name).read_text(encoding="utf-8") for name in ("katex.min.js", "auto-render.min.js")
    )
    return css, script


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
    counts = {kind: sum(1 for _, n in notes if n.kind == kind) for kind in KINDS}
    tags = sorted({tag for _, n in notes for tag in n.tags})
    media = {f.name: _data_uri(f) for rel in releases for f in rel.plan.media}
    math_css, math_script = katex() if has_math([n for _, n in notes]) else ("", "")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{css()}</style>",
        f"<style>{_PAGE_CSS}</style>",
        *([f"<style>{math_css}\n{_KATEX_CSS}</style>"] if math_css else []),
        '</head><body class="page">',
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
    current = None
    for rel, note in notes:
        if rel is not current:
            current = rel
            parts.append(f'<h2 class="deck-title">{escape(rel.plan.name)} · {escape(rel.version)}</h2>')
        searchable = escape(f"{note.key}\n{note.prompt}\n{note.answer}".lower(), quote=True)
        parts.append(
            f'<article class="note" data-kind="{note.kind}" data-tags="{escape(" ".join(note.tags))}"'
            f' data-text="{searchable}" data-guid="{escape(note.guid)}" data-key="{escape(note.key)}">'
        )
        parts.append(_strip(note))
        for n, (front, back) in enumerate(card_sides(note), start=1):
            label = f"card {n} · " if n > 1 else ""
            for side, html in (("front", front), ("back", back)):
                parts.append(
                    f'<div class="frame"><div class="side">{label}{side}</div>'
                    f'<div class="card {side}">{_inline_media(html, media)}</div></div>'
                )
        parts.append("</article>")
    parts += ["</main>", f"<script>{_SCRIPT}</script>"]
    if math_script:
        parts.append(f"<script>{math_script}\n{_TYPESET}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
