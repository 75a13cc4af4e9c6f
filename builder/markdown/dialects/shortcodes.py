"""What templates write between ``{{`` and ``}}``: Hugo shortcodes (a paired one on lines of its
own an aside, ``highlight`` a code block, others their text, their image or nothing, an unknown
one noted), a link whose address a shortcode makes, mdBook's ``{{#include}}`` on a line of its
own, and docs-site macros (MDN's ``{{Glossary("CORS")}}``), in a line or a code span."""

from __future__ import annotations

import re

from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from .common import (
    add_inline_note,
    add_note,
    as_text,
    attributes,
    find_once,
    line_text,
    past,
    push_image,
    push_text,
)

INCLUDE = re.compile(r"^\s*\{\{#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}\s*$")
"""A line holding only an mdBook include (groups: kind, path with its part); read by
:mod:`builder.read.includes`, inside a code block or as the block of type ``mdbook_include``."""

_SHORTCODE = re.compile(
    r"\{\{([<%])\s*(/?)\s*([A-Za-z_][\w.-]{0,100})((?:[^\"}]|\"[^\"]{0,1000}\"){0,1000}?)\s*[>%]\}\}"
)
"""A shortcode, its arguments at most a thousand characters (or a long run of ``{{<`` that
never closes would cost a scan of the rest of the text for each)."""
_ARG = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))")
ASIDES = frozenset({"note", "warning", "caution", "tip", "info", "alert", "callout", "danger", "important"})
"""Paired shortcodes read as asides."""
_WRAPPERS = frozenset({"tabs", "tab", "details", "expand", "table", "center"})
"""Paired shortcodes around content they only present: read as what they hold."""
_HEADINGS = {
    "whatsnext": "What's next",
    "prerequisites": "Before you begin",
    "objectives": "Objectives",
    "cleanup": "Cleaning up",
    "synopsis": "Synopsis",
    "options": "Options",
    "seealso": "See also",
    "feedback": "Feedback",
}
"""The headings Kubernetes' ``heading`` shortcode prints, by its key (English; a translated
site prints its own, which the catalogue's reference words cover)."""
_QUOTED = re.compile(r"\"([^\"]*)\"")
_KNOWN = (
    ASIDES | _WRAPPERS | {"heading", "glossary_tooltip", "figure", "comment", "highlight", "ref", "relref"}
)
_DROPPED_BODY = frozenset({"comment"})
"""Paired shortcodes whose content is dropped with them."""


def shortcode_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A paired shortcode on lines of its own: an aside holding what is between its lines."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _SHORTCODE.fullmatch(line_text(state, start).rstrip())
    if match is None or match.group(2):
        return False
    name = match.group(3)
    close = _closing_line(state, start, end, name)
    if close is None:
        return False
    if silent:
        return True
    if name not in _KNOWN:
        add_note(state, start, _unknown(name))
    if name == "highlight":
        # Hugo's code block: ``{{< highlight go "linenos=table" >}}`` and the code's lines.
        token = state.push("fence", "code", 0)
        words = match.group(4).split()
        token.info, token.map, token.markup = (
            (words[0].strip("\"'") if words else ""),
            [start, close + 1],
            "```",
        )
        token.content = state.getLines(start + 1, close, state.blkIndent, True)
    elif name not in _DROPPED_BODY:
        token = state.push("shortcode_open", "div", 1)
        token.info, token.map, token.markup = name, [start, close + 1], match.group()
        old_max = state.lineMax
        state.lineMax = close
        state.md.block.tokenize(state, start + 1, close)
        state.lineMax = old_max
        token = state.push("shortcode_close", "div", -1)
        token.info = name
    state.line = close + 1
    return True


def include_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An mdBook include on a line of its own: one ``mdbook_include`` token (its ``info`` the
    path), which the reader replaces by the file's text."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = INCLUDE.match(line_text(state, start))
    if match is None:
        return False
    if not silent:
        token = state.push("mdbook_include", "", 0)
        token.info, token.map, token.markup = match.group(2), [start, start + 1], match.group(1)
    state.line = start + 1
    return True


def _closing_line(state: StateBlock, start: int, end: int, name: str) -> int | None:
    depth = 0
    for line in range(start + 1, end):
        found = _SHORTCODE.fullmatch(line_text(state, line).rstrip())
        if found is None or found.group(3) != name:
            continue
        if not found.group(2):
            depth += 1
        elif depth == 0:
            return line
        else:
            depth -= 1
    return None


def _unknown(name: str) -> str:
    return f"shortcode “{name}” is not known to deckbuilder: dropped, with what it shows"


_REF_LINK = re.compile(r"\[((?:[^\[\]\n]|\n(?!\n))*)\]\([^()\s{]*\{\{[<%][^}]{0,300}[>%]\}\}[^()\s]*\s*\)")


def ref_link(state: StateInline, silent: bool) -> bool:
    """A link whose address a Hugo shortcode makes (``[text]({{< ref "x.md" >}})``,
    ``[PodStatus](/docs/api/{{< param "version" >}}/#status)``): a page of the same site, its text."""
    if state.src[state.pos] != "[":
        return False
    match = _REF_LINK.match(state.src, state.pos)
    if match is None:
        return False
    return as_text(state, match, silent)


def shortcode_inline(state: StateInline, silent: bool) -> bool:
    """A shortcode inside a line: its text, its image, or nothing."""
    if not state.src.startswith(("{{<", "{{%"), state.pos):
        return False
    end = find_once(state, "}}", state.pos + 3)
    if end == -1 or end - state.pos > 2000:
        return False
    match = _SHORTCODE.match(state.src, state.pos, end + 2)
    if match is None:
        return False
    if not silent:
        name, args = match.group(3), attributes(match.group(4), _ARG)
        if name == "glossary_tooltip":
            push_text(state, args.get("text") or args.get("term_id", ""))
        elif name == "heading":
            # Kubernetes' translated headings: `{{% heading "whatsnext" %}}` is "What's next".
            quoted = _QUOTED.search(match.group(4) or "")
            key = quoted.group(1) if quoted else ""
            push_text(state, _HEADINGS.get(key.lower(), key.replace("_", " ").capitalize()))
        elif name == "figure" and args.get("src"):
            push_image(state, args["src"], args.get("alt") or args.get("caption") or args.get("title", ""))
            caption = args.get("caption") or args.get("title")
            if caption:
                push_text(state, f" {caption}")
        else:
            if name not in _KNOWN:
                add_inline_note(state, _unknown(name))
            state.pos = past(state, match.end())
            return True
    state.pos = match.end()
    return True


_MACRO = re.compile(
    r"\{\{\s*([A-Za-z][\w-]{0,60})\s*(?:\(((?:[^()\"']|\"[^\"]*\"|'[^']*'){0,1000})\))?\s*\}\}"
)
"""A docs-site macro (MDN's KumaScript, Jinja-like wikis): ``{{Glossary("CORS")}}``,
``{{HTMLElement("div")}}``, ``{{Compat}}``."""
_UNESCAPE = re.compile(r"\\([\\{}_()\[\]*])")
r"""A Markdown escape a converter wrote into a macro (``\{{``, ``\_``)."""
_MACRO_ARG = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_MACRO_TAG = frozenset({"htmlelement", "htmlattr"})
"""Macros that name an HTML element or attribute: shown as ``<div>``."""
_MACRO_DROPPED = re.compile(
    r"(sidebar|_header|inline|badge|banner|compat|specifications|embed\w*|previous\w*|next|"
    r"interactiveexample|livesample\w*|seecompattable|quicklinks\w*|listsubpages\w*|toc)$",
    re.IGNORECASE,
)
"""Macros that present a page (sidebars, badges, compatibility tables, live samples): dropped."""


def macro_inline(state: StateInline, silent: bool) -> bool:
    """``{{Name("arg", "text")}}``: its text (the last argument of two, else the first), a
    macro naming an element as ``<name>`` in code, one that presents the page dropped."""
    src, pos = state.src, state.pos
    if src.startswith("\\{", pos):
        # Escaped by a converter (``\{{Deprecated\_Inline\}}``): the macro it stands for.
        end = src.find("}}", pos)
        raw = src[pos : end + 2] if 0 < end - pos < 2000 else ""
        src, pos = _UNESCAPE.sub(r"\1", raw), 0
        if not raw:
            return False
    if not src.startswith("{{", pos) or src.startswith(("{{<", "{{%", "{{#"), pos):
        return False
    match = _MACRO.match(src, pos)
    if match is None or (match.group(2) is None and not _MACRO_DROPPED.search(match.group(1))):
        return False  # ``{{word}}`` with no arguments is a template's placeholder: text
    if not silent:
        name = match.group(1).lower()
        args = [a if a is not None else b for a, b in _MACRO_ARG.findall(match.group(2) or "")]
        if args and not _MACRO_DROPPED.search(name):
            shown = args[1] if len(args) >= 2 and args[1] and name not in _MACRO_TAG else args[0]
            if name in _MACRO_TAG:
                state.push("code_inline", "code", 0).content = f"<{shown}>"
            else:
                push_text(state, shown)
    state.pos = match.end() if src is state.src else state.pos + len(raw)
    return True


def macros_in_code(state: StateCore) -> None:
    """A code span holding only a docs-site macro (`` `{{httpheader("X")}}` ``): the code the
    macro names (``X``)."""
    for block in state.tokens:
        for tok in block.children or ():
            if tok.type != "code_inline" or "{{" not in tok.content:
                continue
            match = _MACRO.fullmatch(tok.content.strip())
            args = _MACRO_ARG.findall(match.group(2) or "") if match else []
            if args:
                shown = [a if a is not None else b for a, b in args]
                tok.content = f"<{shown[0]}>" if match and match.group(1).lower() in _MACRO_TAG else shown[0]
