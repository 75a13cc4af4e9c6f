"""Kind ``code``: a code block, split into its commented steps.

A block is cut before each comment that stands at the start of a line, at the top level, and
opens a paragraph of the block (first line, or after a blank line); the comment names the
step and the code under it is the answer. Comments come from the Pygments lexer of the
block's language, so ``#`` in Rust attributes or shell strings is never mistaken for one.
"""

from __future__ import annotations

import re

from pygments.lexer import Lexer
from pygments.token import Comment

from ..highlight import lexer_for
from ..model import Card, Code, Snippet
from .scope import Scope, Sink, slug

SHELLS = {
    "bash",
    "sh",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "powershell",
    "ps1",
    "fish",
    "bat",
}
_COMMENT = str(Comment)
_NOT_COMMENTS = {str(Comment.Hashbang), str(Comment.Preproc)}
_MARKERS = re.compile(r"^\s*(?:#+|//+|--|/\*+|\*+|;+|%+|REM\b)\s*|\s*\*+/\s*$")
_NUMBERING = re.compile(r"^(?:step\s+)?\d+[.):]\s*|^\(?\d+\)\s*", re.IGNORECASE)


def _comment_lines(text: str, lexer: Lexer | None) -> set[int]:
    """Indexes of the lines that hold only a comment, starting at column 0."""
    if lexer is None:
        return set()
    spans: dict[int, list[bool]] = {}
    line = 0
    for kind, value in lexer.get_tokens(text):
        for n, part in enumerate(value.split("\n")):
            if n:
                line += 1
            if not part.strip():
                continue
            is_comment = str(kind).startswith(_COMMENT) and str(kind) not in _NOT_COMMENTS
            spans.setdefault(line, []).append(is_comment)
    lines = text.split("\n")
    return {
        n
        for n, flags in spans.items()
        if all(flags) and n < len(lines) and lines[n][:1] not in (" ", "\t", "")
    }


def chunks(code: Code) -> list[tuple[str | None, str, int]]:
    """The block's steps: (title from its comment or None, code, line offset)."""
    lines = code.text.split("\n")
    comments = _comment_lines(code.text, lexer_for(code.lang))
    starts = sorted(n for n in comments if n == 0 or not lines[n - 1].strip())
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    raw: list[tuple[str | None, str, int]] = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        body = lines[start:end]
        head = 0
        while head < len(body) and start + head in comments:
            head += 1
        title = " ".join(_clean(line) for line in body[:head]).strip() or None
        raw.append((title, "\n".join(body[head:]).strip("\n"), start))
    # A comment with no code under it is kept, as code, with the step before it (or after it).
    parts: list[tuple[str | None, str, int]] = []
    pending = ""
    for title, text, start in raw:
        if not text.strip():
            comment = _block_of(lines, start, starts)
            if parts:
                prev_title, prev_text, prev_start = parts[-1]
                parts[-1] = (prev_title, f"{prev_text}\n\n{comment}", prev_start)
            else:
                pending += comment + "\n\n"
            continue
        parts.append((title, pending + text, start))
        pending = ""
    if not parts:
        return [(None, code.text.strip("\n"), 0)]
    return parts


def _block_of(lines: list[str], start: int, starts: list[int]) -> str:
    later = [n for n in starts if n > start]
    end = later[0] if later else len(lines)
    return "\n".join(lines[start:end]).strip("\n")


def _clean(comment: str) -> str:
    text = _MARKERS.sub("", comment).strip()
    return _NUMBERING.sub("", text).strip()


def noun(lang: str) -> str:
    """What the prompt calls the answer: a command for shells, else ``<Language> code``."""
    if lang in SHELLS:
        return "command"
    lexer = lexer_for(lang)
    return f"{lexer.name} code" if lexer is not None else "code"


def read_code(code: Code, scope: Scope, sink: Sink) -> None:
    """One ``code`` card per commented step of the block."""
    if not code.text.strip():
        return
    what = noun(code.lang)
    parts = chunks(code)
    for n, (title, text, offset) in enumerate(parts, start=1):
        ask = f"{title}: {what}?" if title else f"{what[0].upper()}{what[1:]}?"
        key = slug(title) if title else (str(n) if len(parts) > 1 else "block")
        sink.add(
            Card(
                kind="code",
                key=f"{scope.key}/code:{key}",
                crumbs=scope.crumbs,
                ask=ask,
                answer=(Snippet(code.lang, text),),
                origin=type(code.origin)(code.origin.path, code.origin.line + 1 + offset),
                tags=scope.tags,
            )
        )
