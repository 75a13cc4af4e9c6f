"""What the preview page carries besides its notes: its own CSS and script, and the vendored
KaTeX (CSS with its fonts inlined, script with auto-render) for a page whose notes hold math.

:mod:`builder.preview` builds the page; :func:`has_math` and :func:`katex` are also there.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from .model import Note

PAGE_CSS = """
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
.strip button[data-entry=""] { border-style: dashed; cursor: not-allowed; }
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

PAGE_SCRIPT = """
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
    if (!button.getAttribute('data-entry')) {
      // A note no rewrite gives back unchanged: nothing to copy, and why.
      var status = button.closest('.strip').querySelector('.status'), line = document.createElement('span');
      line.textContent = button.getAttribute('title');
      status.textContent = '';
      status.appendChild(line);
      return;
    }
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
TYPESET = r"""
renderMathInElement(document.querySelector('main'), {
  delimiters: [{left: '\\(', right: '\\)', display: false}, {left: '\\[', right: '\\]', display: true}],
  throwOnError: false
});
"""
KATEX_CSS = ".katex-display { overflow-x: auto; overflow-y: hidden; }"


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
