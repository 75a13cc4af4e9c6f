"""The scanner of Anki's cloze syntax: where a run of inline tokens holds ``{{c1::answer}}`` or
``{{c1::answer::hint}}`` deletions, as Anki reads them, and which of them are broken.

It decides nothing about cards: :mod:`.inline` turns what it finds into cloze cards, and the
curation file's ``cloze`` entries use it to read the deletions an author writes there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ..markdown import CLOZE, MATH_DISPLAY, MATH_INLINE, plain, strip
from ..model import Gap, Inline, Origin, Segment

__all__ = ["Found", "has_marks", "origin_of", "scan", "shown_tokens", "tagged"]

_WHERE = "deckbuilder.origin"
"""Token meta key: the source line a token stands on."""
_MATH = (MATH_INLINE, *MATH_DISPLAY)
_MARK = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+|\{\{|\}\}|::")
_OPENER = re.compile(r"\{\{c(\d+)::")
_MATH_OPENER = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+")


def has_marks(tokens: Sequence[Token]) -> bool:
    """Whether a run holds anything of the cloze syntax (outside code): ``{{`` or ``}}`` in its
    text, or a deletion in its math."""
    for tok in tokens:
        if tok.type == "text" and ("{{" in tok.content or "}}" in tok.content):
            return True
        if tok.type in _MATH and _MATH_OPENER.search(tok.content):
            return True
    return False


@dataclass(frozen=True)
class Found:
    """What :func:`scan` found in a run."""

    segments: tuple[Segment, ...] | None
    """The run as shown text and gaps; None when it holds no deletion, or a broken one."""
    problems: tuple[tuple[Origin, str], ...] = ()
    """Broken deletions, each at its line."""
    open: bool = False
    """A deletion is still open at the end of the run (it may close in the next sentence)."""


def scan(tokens: Sequence[Token], where: Origin) -> Found:
    """A run's deletions, as Anki reads them: ``{{cN::`` opens one, the first ``}}`` after it
    closes it, and the first ``::`` inside it starts its hint."""
    return _Scanner(where).run(tokens)


class _Scanner:
    def __init__(self, where: Origin) -> None:
        self.where = where
        self.segments: list[Segment] = []
        self.shown: list[Token] = []
        self.answer: list[Token] | None = None
        """The hidden part's tokens while a deletion is open."""
        self.hint: list[Token] | None = None
        """The hint's tokens once the open deletion's ``::`` was met."""
        self.number = 0
        self.opened: tuple[Origin, str] = (where, "")
        self.depth = 0
        self.gap_depth = 0
        self.braces = 0
        """Plain ``{{`` (no cloze) waiting for their ``}}``."""
        self.crossed = False
        """The open deletion went past the end of the bold, italic or link it started in."""
        self.marked = False
        self.problems: list[tuple[Origin, str]] = []

    def run(self, tokens: Sequence[Token]) -> Found:
        for i, tok in enumerate(tokens):
            if tok.type == "text":
                self.text(tok, tokens[i + 1 :])
                continue
            if tok.type in _MATH:
                self.math(tok)
            elif tok.nesting:
                self.depth += tok.nesting
                if self.answer is not None and self.depth < self.gap_depth:
                    self.crossed = True
            self.put(tok)
        if self.answer is not None:
            self.problems.append(
                (self.opened[0], f"unbalanced cloze: “{self.opened[1]}” has no closing }}}}")
            )
            return Found(None, tuple(self.problems), open=True)
        if self.problems or not self.marked:
            return Found(None, tuple(self.problems))
        self.flush()
        return Found(tuple(self.segments))

    def text(self, tok: Token, after: Sequence[Token]) -> None:
        content, pos = tok.content, 0
        for match in _MARK.finditer(content):
            mark = match.group()
            if mark == "::":
                if self.answer is None or self.hint is not None or self.depth != self.gap_depth:
                    continue
                self.put(_piece(tok, content[pos : match.start()]))
                self.hint = []
            elif mark == "}}":
                self.put(_piece(tok, content[pos : match.start()]))
                if self.answer is not None:
                    self.close(tok)
                elif self.braces:
                    self.braces -= 1
                    self.put(_piece(tok, mark))
                else:
                    self.marked = True
                    if not self.problems:  # else most likely the end of a broken one
                        before = _shorten(plain(self.shown), tail=True)
                        self.problem(tok, f"unbalanced cloze: “{before}}}}}” has no opening {{{{c1::")
                    self.put(_piece(tok, mark))
            elif mark == "{{":
                self.put(_piece(tok, content[pos : match.end()]))
                if self.answer is None:
                    self.braces += 1
            else:
                self.put(_piece(tok, content[pos : match.start()]))
                self.open(tok, match, content, after)
            pos = match.end()
        self.put(_piece(tok, content[pos:]))

    def open(self, tok: Token, match: re.Match[str], content: str, after: Sequence[Token]) -> None:
        self.marked = True
        mark = match.group()
        rest = plain([Token("text", "", 0, content=content[match.end() :]), *after])
        shown = _shorten(mark + rest)
        exact = _OPENER.fullmatch(mark)
        if exact is None:
            self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            self.put(_piece(tok, mark))
        elif int(exact.group(1)) == 0 and self.answer is None:
            self.problem(tok, f"malformed cloze: “{shown}”: deletions are numbered from c1")
            self.start(tok, 0, shown)  # read to its end, so that its ``}}`` is not one too many
        elif self.answer is not None:
            self.problem(
                tok,
                f"malformed cloze: “{shown}” is inside “{self.opened[1]}”; nested deletions are not supported",
            )
            self.put(_piece(tok, mark))
        else:
            self.start(tok, int(exact.group(1)), shown)

    def start(self, tok: Token, number: int, shown: str) -> None:
        self.flush()
        self.answer, self.hint, self.crossed = [], None, False
        self.number = number
        self.gap_depth = self.depth
        self.opened = (origin_of(tok, self.where), shown)

    def close(self, tok: Token) -> None:
        assert self.answer is not None
        if not self.number:
            pass  # {{c0::…}}: already reported
        elif self.crossed or self.depth != self.gap_depth:
            self.problem(
                tok,
                f"malformed cloze: “{self.opened[1]}” crosses the end of bold, italic or a link;"
                " open and close it inside the same one",
            )
        elif not plain(self.answer):
            self.problem(tok, f"malformed cloze: “{self.opened[1]}” hides nothing")
        else:
            hint = plain(self.hint) if self.hint is not None else ""
            inline = Inline(tuple(strip(self.answer)), self.opened[0])
            self.segments.append(Gap(self.number, inline, hint))
        self.answer, self.hint = None, None

    def math(self, tok: Token) -> None:
        """Deletions written inside math: each must be whole, as Anki reads it."""
        covered = [m.span() for m in CLOZE.finditer(tok.content)]
        for match in _MATH_OPENER.finditer(tok.content):
            self.marked = True
            shown = _shorten(tok.content[match.start() :])
            exact = _OPENER.match(tok.content, match.start())
            if exact is None or exact.end() != match.end() or int(exact.group(1)) == 0:
                self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            elif not any(start == match.start() for start, _ in covered):
                self.problem(tok, f"unbalanced cloze: “{shown}” has no closing }}}}")
            elif self.answer is not None:
                self.problem(tok, f"malformed cloze: “{shown}” is inside “{self.opened[1]}”")

    def put(self, tok: Token | None) -> None:
        if tok is None:
            return
        if self.hint is not None:
            self.hint.append(tok)
        elif self.answer is not None:
            self.answer.append(tok)
        else:
            self.shown.append(tok)

    def flush(self) -> None:
        if self.shown:
            self.segments.append(Inline(tuple(self.shown), origin_of(self.shown[0], self.where)))
            self.shown = []

    def problem(self, tok: Token, message: str) -> None:
        self.problems.append((origin_of(tok, self.where), message))


def _piece(tok: Token, content: str) -> Token | None:
    return Token("text", "", 0, content=content, meta=tok.meta) if content else None


def origin_of(tok: Token, default: Origin) -> Origin:
    """The source line a token stands on (:func:`tagged` set it), else ``default``."""
    found = tok.meta.get(_WHERE) if tok.meta else None
    return found if isinstance(found, Origin) else default


def _shorten(text: str, *, tail: bool = False) -> str:
    """At most about 30 characters of ``text`` (its end with ``tail``), cut between words."""
    words = text.split()
    if len(" ".join(words)) <= 30:
        return " ".join(words)
    kept: list[str] = []
    for word in reversed(words) if tail else words:
        if kept and len(" ".join([*kept, word])) > 30:
            break
        kept.append(word)
    return "… " + " ".join(reversed(kept)) if tail else " ".join(kept) + " …"


def shown_tokens(segments: Sequence[Segment]) -> tuple[Token, ...]:
    """A cloze's tokens with every deletion shown (its answer, no marks)."""
    return tuple(t for s in segments for t in (s.inline if isinstance(s, Gap) else s).tokens)


def tagged(lines: Sequence[Inline]) -> list[Token]:
    """The lines as one run, each token knowing its line (copies: the document stays as read)."""
    out: list[Token] = []
    for n, line in enumerate(lines):
        meta = {_WHERE: line.origin}
        if n and out and out[-1].type == "text":
            # The line break ends the text before it: a sentence may end there.
            out[-1] = out[-1].copy(content=out[-1].content + " ")
        elif n:
            out.append(Token("text", "", 0, content=" ", meta=meta))
        out.extend(tok.copy(meta={**tok.meta, **meta}) for tok in line.tokens)
    return out
