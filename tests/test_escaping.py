"""Hostile text never becomes markup: not in any part of any card kind, a tombstone or the
preview page; and HTML is only ever built one way (:mod:`builder.markup`)."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.curation import drop_entry, rewrite_entry
from builder.extract import extract
from builder.markup import HTML, escape, raw_text_element
from builder.model import DeckPlan, Origin
from builder.preview import curation_name, has_math, preview_page
from builder.read import parse
from builder.release.deck import release
from builder.release.manifest import Tombstone
from builder.release.tombstones import tombstone_note
from builder.render import render, tombstone_fields

from support import notes_from

ROOT = Path(__file__).resolve().parent.parent

# Each is markup, or breaks out of an attribute, an element or Anki's cloze syntax, if it is
# not escaped; the tags and attributes named here are none that deckbuilder writes.
ATTACKS = (
    "<img src=x onerror=alert(1)>",
    "</div><script>alert(1)</script>",
    "<zq zqattr=1>",
    "<svg onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' x='",
    "</textarea></title></style><iframe src=x>",
    "<!--",
    "-->",
    "&",
    "&amp;",
    "&lt;zq&gt;",
    "&#60;zq&#62;",
    "{{",
    "}}",
    "{{c2::zq}}",
    "::",
    '"',
    "'",
    "<",
    ">",
    "<javascript:alert(1)>",
)
# No newline, `|`, `#`, `*`, `[` or backquote: the text stays in the part of the source it
# was put in (a cell, a heading, a label), whatever Markdown reads in it.
HOSTILE = st.lists(
    st.sampled_from(ATTACKS) | st.text(alphabet="ab <>&\"'=/:{}", min_size=1, max_size=6),
    min_size=1,
    max_size=5,
).map(" ".join)

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

# What deckbuilder itself writes, in note fields (markdown-it, Pygments, render) and around
# them on the preview page. Any other tag or attribute came from the text.
FIELD_TAGS = {"div", "span", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
FIELD_TAGS |= {"code", "pre", "strong", "em", "a", "hr"}
FIELD_ATTRS = {"class", "href", "id"}
PAGE_TAGS = FIELD_TAGS | {"html", "head", "meta", "title", "style", "script", "body", "header", "h1"}
PAGE_TAGS |= {"label", "input", "select", "option", "main", "h2", "article", "button", "b"}
PAGE_ATTRS = FIELD_ATTRS | {"lang", "charset", "name", "content", "type", "placeholder", "aria-label"}
PAGE_ATTRS |= {"value", "title", "role", "aria-live", "data-kind", "data-tags", "data-text", "data-guid"}
PAGE_ATTRS |= {"data-key", "data-curation", "data-copy", "data-entry"}


class Parsed(HTMLParser):
    """Every element and attribute of a fragment or page, as a browser would read them, and
    its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.where: list[str] = []
        """Where each element starts: its line, cut around it."""
        self.text: list[str] = []
        self.lines = html.splitlines()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        line, column = self.getpos()
        self.where.append(self.lines[line - 1][max(0, column - 80) : column + 120])

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.handle_starttag("!--", [])

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def joined(self) -> str:
        return "".join(self.text)


def assert_inert(html: str, tags: set[str] = FIELD_TAGS, attrs: set[str] = FIELD_ATTRS) -> Parsed:
    """``html`` holds no element, attribute, comment or link that deckbuilder does not write."""
    parsed = Parsed(html)
    for (tag, found), where in zip(parsed.elements, parsed.where, strict=True):
        assert tag in tags, f"<{tag}> in …{where}…"
        assert set(found) <= attrs, f"<{tag} {' '.join(set(found) - attrs)}> in …{where}…"
        href = found.get("href") or ""
        assert not re.match(r"\s*(javascript|vbscript|data):", href, re.IGNORECASE), where
    return parsed


def source(h: list[str]) -> str:
    """A Markdown source with hostile text in every part a card is made of; ``slotN`` marks
    the Nth part, to find it in the cards."""
    s = [f"slot{n} {text}" for n, text in enumerate(h)]
    tag = json.dumps("".join(h[0].split()) or "x")
    return f"""---
tags: [{tag}]
---
# Notes

## {s[2]}

- **{s[3]}:** {s[4]}
- **Limit {s[5]}:** stays under 50 ms {s[6]}

**Rules:**
- Keep {s[7]} under 5 ms
- Keep {s[8]} over 10 GB

| Name | {s[9]} | {s[10]} |
|---|---|---|
| {s[11]} | {s[12]} | {s[13]} |

| Metric | Before | After | {s[14]} |
|---|---|---|---|
| {s[15]} | 120 ms {s[1]} | 35 ms | {s[16]} |

**{s[17]}:**
```python
print("{s[18]}")
```

1. **Build {s[19]}:** make
2. **Ship:** {s[20]}
3. **Check:** {s[21]}

Q: {s[22]}?
A: {s[23]}

## Prose {s[24]}

The {s[25]} cache holds {{{{c1::{s[26]}::{s[27]}}}}} entries.

- **Formula:** $n < {s[28]}$ for {{{{c1::$m > {s[29]}$}}}}
"""


def card_file(h: list[str]) -> str:
    """A card file with hostile text in every field of each kind of hand-written card."""
    s = [json.dumps(f"slot{n} {text}") for n, text in enumerate(h)]
    return f"""cards:
  - id: one
    front: {s[1]}
    back: {s[2]}
    reverse: true
  - id: two
    cloze: {json.dumps(f"slot3 {h[3]} is {{{{c1::slot4 {h[4]}::slot5 {h[5]}}}}}")}
"""


SLOTS = 30


def _clean(text: str) -> bool:
    """Text that no part reads as syntax of its own (cloze marks, a hint, a label's colon):
    each part then shows its own ``slotN``."""
    return not re.search(r"\{\{|\}\}|:|&", text)


TAGS = [a for a in ATTACKS if "<" in a and _clean(a)]


def _parts(h: str) -> list[str]:
    # The text in every part, after a tag that is live unless escaped (a different one in
    # each part): a part that escapes nothing fails, whatever text it is given.
    return [f"{TAGS[n % len(TAGS)]} {h}" for n in range(SLOTS)]


def _shown(notes) -> str:
    return " ".join(Parsed(value).joined() for n in notes for value in n.fields.values())


@SETTINGS
@given(HOSTILE)
@example("<img src=x onerror=alert(1)>")
@example("</div><script>alert(1)</script>")
@example("\" onmouseover='alert(1)' <zq zqattr=1>")
def test_no_part_of_any_card_becomes_markup(h):
    parts = _parts(h)
    notes = notes_from(source(parts), "notes.md")
    for note in notes:
        for value in note.fields.values():
            assert_inert(value)
    hand = notes_from(card_file(parts), "cards.yaml")
    for note in hand:
        for value in note.fields.values():
            assert_inert(value)
    if _clean(h):
        # Cloze marks, hints and colons in the text make other cards, or none: the text
        # still never becomes markup, but this holds only for other text. (Long steps make
        # a cloze, long labels too.)
        assert {"fact", "metric", "cloze", "table-cell", "code", "question"} <= {n.kind for n in notes}
        assert {n.model for n in hand} == {"reverse", "cloze"}
        shown = _shown(notes)
        # Each part reached a card: a heading, a label and its value, items, a table's header
        # and cells, a before/after table's other column, a code caption and code, steps, a
        # question and its answer, a cloze's prose, answer and hint, math.
        missing = [n for n in range(1, SLOTS) if f"slot{n} " not in shown]
        assert missing == [], missing
        assert all(f"slot{n} " in _shown(hand) for n in range(1, 6))


@SETTINGS
@given(HOSTILE)
@example("<img src=x onerror=alert(1)>")
def test_the_extra_column_of_a_before_after_table_is_text(h):
    text = f"## Speed\n| Metric | Before | After | {h} |\n|---|---|---|---|\n| spawn | 120 ms | 35 ms | x |\n"
    (card,) = [c for c in extract(parse(text, "notes.md")).cards if c.kind == "metric"]
    (pairs,) = card.form.extra
    ((head, _),) = pairs.pairs
    fields = render(card).fields
    parsed = assert_inert(fields["Extra"])
    # The column's header as Markdown reads it (entities decoded), shown as that text.
    assert parsed.joined() == f"{head}: x"
    assert type(fields["Extra"]) is HTML


@SETTINGS
@given(HOSTILE, HOSTILE, HOSTILE)
@example("<img src=x onerror=alert(1)>", "</div><script>alert(1)</script>", "\" onmouseover='x'")
def test_no_string_of_the_preview_becomes_markup(title, deck, h):
    notes = notes_from(source(_parts(h)), "notes.md")
    # Keys, paths and tags as no source makes them: hostile through and through.
    notes = [
        replace(
            n,
            key=f"{n.key}/{h}",
            origin=Origin(f"{h.replace('/', '')} {n.origin.path}", 3),
            tags=(*n.tags, "".join(h.split())),
        )
        for n in notes
    ]
    rel = release(DeckPlan(deck, "deck", tuple(notes), ("notes.md",)), None, now=1)
    rel = replace(rel, manifest=replace(rel.manifest, version=f"1.0.0 {h}"))
    page = preview_page([rel], title)
    parsed = assert_inert(page, PAGE_TAGS, PAGE_ATTRS)
    assert len(parsed.all("script")) == (2 if has_math(rel.notes) else 1)
    assert [a["title"] for a in parsed.all("h1")] == [title]
    assert f"{deck} · 1.0.0 {h}" in parsed.joined()
    articles = parsed.all("article")
    assert [a["data-key"] for a in articles] == [n.key for n in rel.notes]
    assert [a["data-tags"] for a in articles] == [" ".join(n.tags) for n in rel.notes]
    strips = parsed.all("div")
    assert [a["data-curation"] for a in strips if "data-curation" in a] == [
        curation_name(n) for n in rel.notes
    ]
    entries = [a["data-entry"] for a in parsed.all("button")]
    assert entries == [e for n in rel.notes for e in (drop_entry(n), rewrite_entry(n))]
    for note in rel.notes:
        assert f"{note.kind} · {note.origin}" in parsed.joined()


@SETTINGS
@given(HOSTILE, HOSTILE)
@example("<img src=x onerror=alert(1)>", "</div><script>alert(1)</script>")
def test_a_tombstone_is_text(prompt, version):
    for model in ("prompt", "reverse", "cloze"):
        fields = tombstone_fields(model, prompt, version, f"removed{''.join(version.split())}")
        for value in fields.values():
            assert_inert(value)
        shown = " ".join(Parsed(v).joined() for v in fields.values())
        assert prompt in shown and f"Removed in version {version}" in shown
        tomb = Tombstone("guid", "key", "fact", model, prompt, version)
        for value in tombstone_note(tomb, "Deck").fields.values():
            assert type(value) is str
            assert_inert(value)


def test_released_notes_and_their_tombstones_are_text():
    h = "<img src=x onerror=alert(1)> </div><script>alert(1)</script>"
    notes = notes_from(source(_parts(h)), "notes.md")
    first = release(DeckPlan("Deck", "deck", tuple(notes), ("notes.md",)), None, now=1)
    later = release(DeckPlan("Deck", "deck", (), ("notes.md",)), first.manifest, now=2)
    assert len(later.tombstones) == len(notes)
    for note in later.tombstones:
        for value in note.fields.values():
            assert_inert(value)
    assert "slot2 " in " ".join(n.prompt for n in later.tombstones)


# --- The one mechanism --------------------------------------------------------------------


def test_text_put_into_html_is_escaped_and_html_is_not():
    assert HTML("<p>{}</p>").format("<b>") == "<p>&lt;b&gt;</p>"
    assert HTML("<p>{}</p>").format(HTML("<b>")) == "<p><b></p>"
    assert HTML("<br>").join(["'", HTML("<i>")]) == "&#x27;<br><i>"
    assert HTML("<p>") + '"' == "<p>&quot;" and '"' + HTML("<p>") == "&quot;<p>"
    # As html.escape does, so notes keep the bytes they had.
    assert escape("<'\"&>") == "&lt;&#x27;&quot;&amp;&gt;"
    assert escape(escape("<")) == "&lt;"
    assert type(HTML("<p>{}</p>").format("x")) is HTML


def test_a_script_or_style_cannot_be_closed_by_what_it_holds():
    assert raw_text_element("script", "if (a < b) {}") == "<script>if (a < b) {}</script>"
    for text in ("x</script><img src=x onerror=alert(1)>", "</STYLE>", "<!-- x"):
        try:
            raw_text_element("style", text)
        except ValueError:
            continue
        raise AssertionError(text)


# Every place that takes a string as HTML without escaping it, each with its reason beside it:
# markdown-it's and Pygments' output, cloze marks made safe, the note types' templates, the
# notes' fields and what is cut from them in the preview, scripts and styles.
TRUSTED = {
    ("builder/render.py", "inline_html"),
    ("builder/render.py", "_cloze_safe"),
    ("builder/highlight.py", "code_html"),
    ("builder/preview.py", "_template"),
    ("builder/preview.py", "_fields"),
    ("builder/preview.py", "_fill"),
    ("builder/preview.py", "one"),
    ("builder/preview.py", "_cloze"),
    ("builder/preview.py", "_inline_media"),
    ("builder/markup.py", "raw_text_element"),
}
# Escaping by hand, still to be moved to builder.markup.
HAND_ESCAPED: set[str] = set()


def _modules():
    for path in sorted((ROOT / "builder").rglob("*.py")):
        if "vendor" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _functions(tree):
    """Each node with the name of the function it is in."""
    stack = [(tree, "")]
    while stack:
        node, name = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            yield child, inner
            stack.append((child, inner))


def test_html_is_taken_as_it_is_only_where_it_says_why():
    taken = set()
    for path, tree in _modules():
        for node, function in _functions(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name == "Markup":
                assert path == "builder/markup.py", f"{path}: Markup() outside builder.markup"
            if name == "HTML" and node.args:
                literal = isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                if not literal:
                    taken.add((path, function))
    assert taken - TRUSTED == set(), "HTML() of a string that is not a literal: escape it, or say why not"
    assert TRUSTED - taken == set(), "no longer trusted: take it out of TRUSTED"


def _escapes_by_hand(node: ast.AST) -> bool:
    """``from html import escape``, or ``html.escape``."""
    if isinstance(node, ast.ImportFrom):
        return node.module == "html" and any(alias.name == "escape" for alias in node.names)
    return (
        isinstance(node, ast.Attribute) and node.attr == "escape" and getattr(node.value, "id", "") == "html"
    )


def test_nothing_escapes_by_hand():
    found = {path for path, tree in _modules() for node, _ in _functions(tree) if _escapes_by_hand(node)}
    assert found - {"builder/markup.py"} <= HAND_ESCAPED, found
