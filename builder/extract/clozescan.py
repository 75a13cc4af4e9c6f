"""The scanner of Anki's cloze syntax: where a run of inline tokens holds ``{{c1::answer}}`` or
``{{c1::answer::hint}}`` deletions, as Anki reads them, and which of them are broken.

It decides nothing about cards: :mod:`.inline` turns what it finds into cloze cards, and YAML
cards and the curation file's ``cloze`` entries use it to read the deletions an author writes
there. So the limits hold the same everywhere: a number above
:data:`~builder.limits.MAX_CLOZE_NUMBER`, more than :data:`~builder.limits.MAX_DELETIONS`
deletions in one run, or a deletion inside another is an error, and the scan stops at the
first of the last two. A scan reads its run once: its cost grows with the run's length, never
with its square.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ..limits import MAX_CLOZE_NUMBER, MAX_DELETIONS
from ..markdown import MATH_DISPLAY, MATH_INLINE, plain, strip
from ..model import Gap, Inline, Origin, Segment

__all__ = ["Found", "has_marks", "holds_whole", "origin_of", "scan", "shown_tokens", "tagged"]

_WHERE = "deckbuilder.origin"
"""Token meta key: the source line a token stands on."""
_MATH = (MATH_INLINE, *MATH_DISPLAY)
_MARK = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+|\{\{|\}\}|::")
_OPENER = re.compile(r"\{\{c(\d+)::")
_MATH_OPENER = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+")
_WHOLE_OPENER = re.compile(r"\{\{c[1-9][0-9]*::")
"""Where :data:`builder.markdown.CLOZE` can match: it does when a ``}}`` follows."""
_SHOWN = 200
"""Characters after a deletion's opening read to show it in a message (a few words are shown)."""
_TOO_HIGH = "deletions are numbered from c1 to c{}: a note has a card for each number"


def _number(digits: str) -> int | None:
    """A deletion's number, None when it is above :data:`MAX_CLOZE_NUMBER` (read without
    converting thousands of digits)."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(MAX_CLOZE_NUMBER)) or int(digits) > MAX_CLOZE_NUMBER:
        return None
    return int(digits)


def holds_whole(text: str) -> bool:
    """Whether ``text`` holds a deletion as :data:`builder.markdown.CLOZE` reads it (an opening
    ``{{cN::`` with a ``}}`` after it), in one pass: where a search with the pattern itself
    would read to the end from every unclosed opening."""
    opener = _WHOLE_OPENER.search(text)
    return opener is not None and text.find("}}", opener.end()) >= 0


def _whole_starts(text: str) -> set[int]:
    """Where :data:`builder.markdown.CLOZE`'s matches start in ``text`` (as ``finditer`` finds
    them, one after another), in one pass."""
    starts: set[int] = set()
    pos = 0
    while (opener := _WHOLE_OPENER.search(text, pos)) is not None:
        close = text.find("}}", opener.end())
        if close < 0:
            break
        starts.add(opener.start())
        pos = close + 2
    return starts


class _Stop(Exception):
    """The scan ends here: too many deletions, or one inside another (already reported)."""


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
        self.count = 0
        """Deletions opened so far (whole or broken, in math too)."""

    def run(self, tokens: Sequence[Token]) -> Found:
        try:
            self.read(tokens)
        except _Stop:
            return Found(None, tuple(self.problems))
        if self.answer is not None:
            self.problems.append(
                (self.opened[0], f"unbalanced cloze: “{self.opened[1]}” has no closing }}}}")
            )
            return Found(None, tuple(self.problems), open=True)
        if self.problems or not self.marked:
            return Found(None, tuple(self.problems))
        self.flush()
        return Found(tuple(self.segments))

    def read(self, tokens: Sequence[Token]) -> None:
        for i, tok in enumerate(tokens):
            if tok.type == "text":
                self.text(tok, tokens[i + 1 : i + 51])
                continue
            if tok.type in _MATH:
                self.math(tok)
            elif tok.nesting:
                self.depth += tok.nesting
                if self.answer is not None and self.depth < self.gap_depth:
                    self.crossed = True
            self.put(tok)

    def counted(self, tok: Token) -> None:
        """One more deletion opened: past :data:`MAX_DELETIONS`, an error and the scan's end."""
        self.count += 1
        if self.count > MAX_DELETIONS:
            self.problem(
                tok,
                f"too many cloze deletions: more than {MAX_DELETIONS} in one sentence, line or cell;"
                " split it",
            )
            raise _Stop

    def text(self, tok: Token, after: Sequence[Token]) -> None:
        """A text token's marks; ``after``: the next few tokens, to show a deletion's words."""
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
        self.counted(tok)
        mark = match.group()
        shown = _shorten(mark + _following(content[match.end() :], after))
        exact = _OPENER.fullmatch(mark)
        number = _number(exact.group(1)) if exact is not None else None
        if exact is None:
            self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            self.put(_piece(tok, mark))
        elif self.answer is not None:
            self.problem(
                tok,
                f"malformed cloze: “{shown}” is inside “{self.opened[1]}”; nested deletions are not supported",
            )
            raise _Stop  # one inside another is enough: the rest may nest thousands deep
        elif number is None:
            self.problem(tok, f"malformed cloze: “{shown}”: {_TOO_HIGH.format(MAX_CLOZE_NUMBER)}")
            self.start(tok, 0, shown)  # read to its end, so that its ``}}`` is not one too many
        elif number == 0:
            self.problem(tok, f"malformed cloze: “{shown}”: deletions are numbered from c1")
            self.start(tok, 0, shown)  # read to its end, so that its ``}}`` is not one too many
        else:
            self.start(tok, number, shown)

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
        covered = _whole_starts(tok.content)
        for match in _MATH_OPENER.finditer(tok.content):
            self.marked = True
            self.counted(tok)
            shown = _shorten(tok.content[match.start() : match.start() + _SHOWN])
            exact = _OPENER.match(tok.content, match.start())
            number = _number(exact.group(1)) if exact is not None else 0
            if exact is None or exact.end() != match.end() or number == 0:
                self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            elif number is None:
                self.problem(tok, f"malformed cloze: “{shown}”: {_TOO_HIGH.format(MAX_CLOZE_NUMBER)}")
            elif match.start() not in covered:
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


def _following(text: str, after: Sequence[Token]) -> str:
    """The plain text after a deletion's opening, enough of it to show (what follows in its
    token, then in the tokens after it): reading all of it for each deletion would cost the
    square of the run's length."""
    taken = [Token("text", "", 0, content=text[:_SHOWN])]
    size = len(text)
    for tok in after:
        if size >= _SHOWN:
            break
        taken.append(tok)
        size += len(tok.content)
    return plain(taken)


def _shorten(text: str, *, tail: bool = False) -> str:
    """At most about 30 characters of ``text`` (its end with ``tail``), cut between words (a
    longer single word cut short)."""
    words = text.split()
    if len(" ".join(words)) <= 30:
        return " ".join(words)
    if len(words[-1 if tail else 0]) > 30:
        word = words[-1 if tail else 0]
        return "… " + word[-30:] if tail else word[:30] + "…"
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
