"""YAML syntax errors as one message: the line, what PyYAML found, and the usual fix.

Card files, front matter and ``decks.yaml`` all report their YAML errors through
:func:`explain`. Where the cause is recognisable from the line, the message ends with a hint
that shows the fix on the author's own text, e.g.::

    mapping values are not allowed here; quote the value: title: "Rust: the hard parts"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

_SPECIAL = "*&!@`%|>[{-?\"'"
"""Characters that make a plain value something else when they start it (or are not allowed
there): aliases, anchors, tags, reserved, block scalars, flow collections, entries, quotes."""

_ENTRY = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*)"
    r"(?:(?P<key>[^\s#\"'\[\]{},&*!|>%@`?:-][^:]*?|-[^\s:][^:]*?):(?:[ \t]+|$))?"
    r"(?P<value>.*?)[ \t]*$"
)
"""A block line: list dashes, then ``key:`` (optional), then the value."""
_COMMENT = re.compile(r"[ \t]+#.*$")
_CLOSERS = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class _Entry:
    """One line of YAML, split into its parts."""

    lead: str
    """Indentation and list dashes."""
    key: str | None
    value: str
    """The value as written (a trailing comment left out)."""
    column: int
    """Where the value starts."""

    def shown(self, value: str) -> str:
        """The line's key (or list dash) with ``value`` in place of its value."""
        dash = "- " if "-" in self.lead else ""
        return f"{dash}{self.key}: {value}" if self.key is not None else f"{dash}{value}"


def explain(exc: yaml.YAMLError, text: str, first_line: int = 1) -> tuple[int, str]:
    """The file line of a YAML error in ``text`` and its message, with a hint when the cause is
    recognisable. ``first_line``: the file line ``text`` starts on (2 for front matter)."""
    lines = text.splitlines()
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n")
        return first_line + line, f"character U+{exc.character:04X} is not allowed"
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    # The end of the text, after its last line break, is shown as its last line.
    line = min(mark.line, max(len(lines) - 1, 0)) if mark is not None else 0
    problem = getattr(exc, "problem", None) or "malformed YAML"
    context = getattr(exc, "context", None) or ""
    hint = _hint(_Error(problem, context, problem_mark, context_mark, lines, first_line))
    return first_line + line, f"{problem}; {hint}" if hint else problem


@dataclass(frozen=True)
class _Error:
    """What PyYAML said about an error, with the text it was about."""

    problem: str
    context: str
    problem_mark: yaml.Mark | None
    context_mark: yaml.Mark | None
    lines: list[str]
    first_line: int
    """The file line the text starts on."""

    @property
    def at(self) -> _Entry | None:
        """The line where the problem is, split into key and value."""
        return _entry(self.lines, self.problem_mark.line if self.problem_mark else None)


def _hint(error: _Error) -> str | None:
    """The usual fix for the error, shown on the author's line where it helps; None if unsure.

    The first rule whose error this is gives the hint (or decides there is none); else a line
    that goes on with the value before it, a value starting with a special character, or a tab
    in the indentation."""
    for applies, hint in _RULES:
        if applies(error):
            return hint(error)
    return _continued(error) or _special_start(error) or _tab_hint(error.lines, error.problem_mark)


def _is_tab(error: _Error) -> bool:
    """A tab where YAML wants spaces."""
    return "found character '\\t'" in error.problem and error.problem_mark is not None


def _tab(error: _Error) -> str:
    """Spaces for a tab: in the indentation, after a key's colon, or anywhere."""
    mark = error.problem_mark
    assert mark is not None
    line = error.lines[mark.line] if mark.line < len(error.lines) else ""
    before = line[: mark.column].rstrip(" \t")
    if not before.strip(" \t-"):
        return "indent with spaces, not tabs"
    at = error.at
    if at is not None and at.key is not None and before.endswith(":"):
        return f"put a space, not a tab, after “{at.key}:”"
    return "use spaces, not tabs"


def _is_escape(error: _Error) -> bool:
    """An unknown escape (a Windows path, a regex) inside double quotes."""
    return "escape" in error.problem and "double-quoted" in error.context and error.at is not None


def _escape(error: _Error) -> str:
    """Backslashes doubled, or the value in single quotes."""
    at = error.at
    assert at is not None
    inner = _unquoted(at.value, '"')
    if inner is None:
        return "inside double quotes write \\ as \\\\, or use single quotes"
    return "inside double quotes write \\ as \\\\, or use single quotes: " + at.shown(_single(inner))


def _is_mapping(error: _Error) -> bool:
    """A colon and space inside a plain value."""
    return "mapping values are not allowed here" in error.problem


def _mapping(error: _Error) -> str | None:
    """The value quoted, when the colon is inside a key's value; else a tab may be the cause."""
    at, mark = error.at, error.problem_mark
    if at is not None and at.key is not None and mark is not None and mark.column > at.column:
        return "quote the value: " + at.shown(_quoted(at.value))
    return _tab_hint(error.lines, mark)


def _is_unclosed_quote(error: _Error) -> bool:
    """A quoted value still open at the end of the text."""
    return (
        "quoted scalar" in error.context
        and "end of stream" in error.problem
        and error.context_mark is not None
    )


def _unclosed_quote(error: _Error) -> str:
    """Where the quote that is never closed was opened."""
    mark = error.context_mark
    assert mark is not None
    quote = _char(error.lines, mark) or '"'
    return f"the “{quote}” opened on line {error.first_line + mark.line} is never closed"


_RULES: tuple[tuple[Callable[[_Error], bool], Callable[[_Error], str | None]], ...] = (
    (_is_tab, _tab),
    (_is_escape, _escape),
    (_is_mapping, _mapping),
    (_is_unclosed_quote, _unclosed_quote),
)
"""Errors told apart by PyYAML's message, each with its hint."""


def _continued(error: _Error) -> str | None:
    """A line that is no ``key: value`` right after a plain value: it was meant to go on with it."""
    mark = error.context_mark
    if (
        "simple key" not in error.context
        or "could not find expected ':'" not in error.problem
        or mark is None
    ):
        return None
    previous = _entry(error.lines, mark.line - 1)
    if previous is None or previous.key is None or not previous.value or previous.value[0] in _SPECIAL:
        return None
    return (
        f"line {error.first_line + mark.line} is not key: value; indent it to go on with "
        f"the value of “{previous.key}”"
    )


def _special_start(error: _Error) -> str | None:
    """A value that starts with a special character, where the problem is or where it started:
    close its bracket, or quote it."""
    for mark in (error.problem_mark, error.context_mark):
        entry = _entry(error.lines, mark.line if mark else None)
        if entry is None or mark is None or mark.column < entry.column:
            continue
        opener = entry.value[:1]
        if not opener or opener not in _SPECIAL:
            continue
        if opener in _CLOSERS and entry.value.count(opener) > entry.value.count(_CLOSERS[opener]):
            return (
                f"close the “{opener}” opened on line {error.first_line + mark.line}, "
                "or quote the value: " + entry.shown(_quoted(entry.value))
            )
        # A quoted value with its own quote inside is quoted again, the other way.
        inner = _unquoted(entry.value, opener) if opener in "\"'" else None
        return "quote the value: " + entry.shown(_quoted(entry.value if inner is None else inner))
    return None


def _tab_hint(lines: list[str], mark: yaml.Mark | None) -> str | None:
    """A tab in the indentation of the problem's line is the likely cause."""
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return "indent with spaces, not tabs" if "\t" in indent else None


def _entry(lines: list[str], index: int | None) -> _Entry | None:
    """Line ``index`` (0-based) split into key and value; None past the text."""
    if index is None or not 0 <= index < len(lines):
        return None
    found = _ENTRY.fullmatch(lines[index])
    if found is None:
        return None
    value = found["value"]
    if not value.startswith(("'", '"')):
        value = _COMMENT.sub("", value)
    return _Entry(found["lead"], found["key"].strip() if found["key"] else None, value, found.start("value"))


def _char(lines: list[str], mark: yaml.Mark) -> str | None:
    """The character at ``mark``, if the text has one there."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else None


def _unquoted(value: str, quote: str) -> str | None:
    """The text between the quotes of a value quoted with ``quote`` on one line, else None."""
    if len(value) >= 2 and value[0] == quote and value[-1] == quote:
        return value[1:-1]
    return None


def _quoted(text: str) -> str:
    """``text`` as a YAML quoted scalar, double quotes where nothing needs escaping."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return _single(text)


def _single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
