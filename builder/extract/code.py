"""Kind ``code``: a code block, split into its commented steps.

A block is cut before each comment line that stands at the start of a line (the top level),
blank line before it or not; the comment names the step and the code under it is the answer.
Comments come from the Pygments lexer of the block's language, so ``#`` in Rust attributes or
shell strings is never mistaken for one. A block comment (``/* … */``, ``<!-- … -->``) is kept
whole and named without its markers. No cut: a comment after code on its line, program output
shown as a comment (``#> [2]``, ``// => 3``, ``# Output: …``), a comment right under the code it
speaks of (a blank line after it), a doc comment (``/** … */``, which goes with its item). A
block with no comment takes its cue from the sentence or caption before it, else gives no card.

A block that shows a program's output rather than code gives no card and is listed as
"program output": a console session whose lines are not mostly commands, plain text (or no
language) holding a compiler's errors or ``time``'s report, or under a caption such as
``Output:``. A block of no language holding ``$`` commands is asked as a command.

A step of more than :data:`MOST_LINES` lines is too long to recall on one card: it is cut at its
top-level items, else at blank lines (:mod:`.codeparts`), each part asked by the step's cue and
its signature (``Safe pattern, fn verify(...): Rust code?``). A part still too long gives no
card, and a warning says to cut it with comments; when such parts hold most of the step and what
is left defines no function or class, the step gives no card at all (no header-only remnant).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.lexers.shell import ShellSessionBaseLexer
from pygments.lexers.special import OutputLexer, TextLexer
from pygments.token import Comment, Generic

from ..highlight import LexedLine, kind_name, lexed_lines, lexer_for
from ..locale import Words
from ..model import Card, Code, Origin, Snippet
from . import codeparts
from .scope import Scope, Sink
from .terms import narrates

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
_PROMPT_KIND = str(Generic.Prompt)
_MARKERS = re.compile(r"^\s*(?:<!--+|#+|//+|--|/\*+|\*+|;+|%+|REM\b)\s*|\s*(?:\*+/|-+->)\s*$")
_OUTPUT = re.compile(
    r"\s*(?:#|//|--|;|%)\s*(?:=?>|->|→|(?:output|out|prints?|result|returns?|输出|结果|出力)\s*[:：])",
    re.IGNORECASE,
)
"""A comment that shows what the code above it prints (``#> [2]``, ``// => 3``, ``# Output: 3``)."""
_DOC = re.compile(r"\s*/\*[*!](?!/)")
"""The opening of a doc comment (``/**``, ``/*!``), which documents the item under it."""
_NUMBERING = re.compile(r"^(?:step\s+)?\d+[.):]\s*|^\(?\d+\)\s*", re.IGNORECASE)


def _only_comment(tokens: LexedLine) -> bool:
    """A line that holds a comment and nothing else."""
    words = [kind_name(kind) for kind, value in tokens if value.strip()]
    return bool(words) and all(w.startswith(_COMMENT) and w not in _NOT_COMMENTS for w in words)


def _comment_lines(lines: list[str], lexed: Sequence[LexedLine]) -> set[int]:
    """Indexes of the lines of the comments that cut the block into steps: whole-line comments
    starting at column 0 (a block comment with all its lines) that come before the code they
    name. Not a cut: a doc comment (``/** … */``), which goes with the item under it as an
    attribute does; with code under it, program output shown as a comment (``#> 3``) or a
    comment under the code it speaks of (a blank line after it)."""
    found = _top_comments(lines, lexed)
    runs = _runs(lines, found)
    cuts: set[int] = set()
    for run, below in zip(runs, [*(later[0] for later in runs[1:]), len(lines)], strict=False):
        first, after = run[0], run[-1] + 1
        if _DOC.match(lines[first]):
            continue
        under_code = first > 0 and bool(lines[first - 1].strip()) and first - 1 not in found
        trailing = _OUTPUT.match(lines[first]) is not None or (
            under_code and (after >= len(lines) or not lines[after].strip())
        )
        if trailing and any(lines[n].strip() for n in range(after, below)):
            continue  # code under it: it belongs to the code above
        cuts.update(run)
    return cuts


def _top_comments(lines: list[str], lexed: Sequence[LexedLine]) -> list[int]:
    """Indexes of the whole-line comments starting at column 0, with the lines of a block
    comment that goes on under them."""
    inside = codeparts.inside_comments(lexed)
    found: list[int] = []
    for n, (line, tokens) in enumerate(zip(lines, lexed, strict=False)):
        top = line[:1].strip() and _only_comment(tokens)  # not blank, not indented
        goes_on = inside[n] and found[-1:] == [n - 1] and (not line.strip() or _only_comment(tokens))
        if top or goes_on:
            found.append(n)
    return found


def _runs(lines: list[str], found: list[int]) -> list[list[int]]:
    """The comment lines grouped into runs of lines next to each other; program output shown
    as a comment (``#> 3``) neither joins a run nor is joined by the line after it."""
    runs: list[list[int]] = []
    for n in found:
        output = _OUTPUT.match(lines[n]) is not None
        if runs and runs[-1][-1] == n - 1 and not output and not _OUTPUT.match(lines[n - 1]):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


@dataclass(frozen=True)
class Chunk:
    """One step of a code block."""

    title: str | None
    """Its comment, cleaned of markers and numbering; None when it has none."""
    rows: tuple[int | None, ...]
    """The block's lines it shows, by index (None: a blank line put between two runs)."""
    start: int
    """The index of its first line in the block (for its source line)."""


def chunks(code: Code) -> list[Chunk]:
    """The block's steps, cut before each run of top-level comment lines."""
    lines = code.text.split("\n")
    comments = _comment_lines(lines, lexed_lines(code.lang, code.text))
    starts = sorted(n for n in comments if n == 0 or n - 1 not in comments)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(lines)]

    def trimmed(first: int, last: int) -> list[int | None]:
        rows = list(range(first, last))
        while rows and not lines[rows[0]].strip():
            rows.pop(0)
        while rows and not lines[rows[-1]].strip():
            rows.pop()
        return list(rows)

    parts: list[Chunk] = []
    pending: list[int | None] = []
    for start, end in zip(starts, ends, strict=True):
        head = start
        while head < end and head in comments:
            head += 1
        rows = trimmed(head, end)
        if not rows:
            # A comment with no code under it stays, as code, with the step before (or after) it.
            whole = trimmed(start, end)
            if parts:
                last = parts[-1]
                parts[-1] = Chunk(last.title, (*last.rows, None, *whole), last.start)
            else:
                pending += [*whole, None]
            continue
        title = " ".join(_clean(lines[n]) for n in range(start, head)).strip() or None
        parts.append(Chunk(title, (*pending, *rows), start))
        pending = []
    if not parts:
        return [Chunk(None, tuple(trimmed(0, len(lines))), 0)]
    return parts


def _clean(comment: str) -> str:
    text = _MARKERS.sub("", comment).strip()
    return _NUMBERING.sub("", text).strip().rstrip(".:;,")


def noun(lang: str, words: Words) -> str:
    """What the prompt calls the answer, in the document's language: a command for shells,
    else ``<Language> code``."""
    if lang in SHELLS:
        return words.command()
    lexer = lexer_for(lang)
    if lexer is None or isinstance(lexer, (TextLexer, OutputLexer)):
        return words.code(None)  # plain text names no language ("Text only code")
    return words.code(lexer.name)


MOST_LINES = 15
"""Lines of code one card may ask for."""

_PROMPT = re.compile(r"^\s*(?:\$|PS(?: [^>]*)?>)\s")
"""A shell prompt in a block with no language: the line is a command."""
_OUTPUT_LINE = re.compile(
    r"^(?:error|warning)(?:\[\w+\])?: |^\s*--> \S+:\d+|^\S+:\d+:\d+: (?:error|warning)"
    r"|^Traceback \(most recent call last\)|^Exception in thread |^(?:real|user|sys)\s+\d+m[\d.]+s$"
)
"""A line only a program writes: a compiler's error (``error[E0382]: …``, `` --> src/main.rs:5:28``),
a traceback, ``time``'s report (``real 0m1.2s``)."""
_OUTPUT_CAPTION = re.compile(
    r"(?:\b(?:output|outputs|prints|result)(?:\s+is)?|输出|输出结果|运行结果|执行结果|结果|出力|実行結果|結果)"
    r"(?:如下|为|は)?\s*[:：]?\s*$",
    re.IGNORECASE,
)
"""A caption that announces a program's output (``Output:``, ``输出：``, ``运行结果：``)."""


def _session(lexer: object) -> bool:
    return isinstance(lexer, ShellSessionBaseLexer)


def _commands(lines: list[str], lexed: Sequence[LexedLine], session: bool) -> list[bool]:
    """For each line, whether it is a command typed at a prompt (or goes on with one)."""
    found: list[bool] = []
    for n, (line, tokens) in enumerate(zip(lines, lexed, strict=False)):
        if session:
            typed = any(kind_name(kind).startswith(_PROMPT_KIND) for kind, _ in tokens[:2])
        else:
            typed = _PROMPT.match(line) is not None
        goes_on = n > 0 and found[-1] and lines[n - 1].rstrip().endswith(("\\", "`", "^", "|"))
        found.append(typed or goes_on)
    return found


def program_output(code: Code, lexed: Sequence[LexedLine], caption: str | None) -> bool:
    """A block that shows what a program wrote rather than code to recall: a console session
    whose lines are not mostly commands, or a block of plain text (or no language) holding a
    compiler's errors, ``time``'s report, or under a caption announcing output."""
    lexer = lexer_for(code.lang)
    session = _session(lexer)
    if not (session or lexer is None or isinstance(lexer, (TextLexer, OutputLexer))):
        return False
    lines = code.text.split("\n")
    filled = [n for n, line in enumerate(lines) if line.strip()]
    typed = _commands(lines, lexed, session)
    commands = sum(1 for n in filled if typed[n])
    if commands:
        return commands * 2 <= len(filled)
    if session:
        return bool(filled)  # output alone, no command
    if any(_OUTPUT_LINE.search(lines[n]) for n in filled):
        return True
    return caption is not None and _OUTPUT_CAPTION.search(caption.strip()) is not None


def read_code(code: Code, scope: Scope, sink: Sink, caption: str | None = None) -> None:
    """One ``code`` card per commented step of the block; ``caption``: the sentence or bold
    title just before it, the cue of a step that has no comment."""
    if not code.text.strip():
        sink.skip(code.origin, "empty code block", "")
        return
    lines = code.text.split("\n")
    lexed = lexed_lines(code.lang, code.text)
    if program_output(code, lexed, caption):
        sink.skip(code.origin, "program output", next(line for line in lines if line.strip()))
        return
    # A block of no language whose lines are commands typed at a prompt is asked as a command.
    typed = not code.lang.strip() and any(_commands(lines, lexed, False))
    for n, chunk in enumerate(chunks(code), start=1):
        title = chunk.title or (caption if n == 1 else None)
        # A caption that asks for an untitled step is not repeated in the breadcrumb.
        crumbs = scope.crumbs if chunk.title or not caption else scope.crumbs[:1]
        origin = Origin(code.origin.path, code.origin.line + 1 + chunk.start)
        if not title:
            first = next((lines[r] for r in chunk.rows if r is not None and lines[r].strip()), "")
            sink.skip(origin, "code with no comment or sentence before it to ask by", first.strip())
            continue
        step = _Step(code, scope, sink, lines, lexed, title, crumbs, chunk.title or "block", typed)
        _read_step(step, chunk, origin)


def _read_step(step: _Step, chunk: Chunk, origin: Origin) -> None:
    """The cards of one step that has a cue: one for the whole step when it fits, else one per
    part it is cut into; none for an example the sentence before it walks through, nor for a
    step too long whose parts that fit are only a remnant."""
    lines, sink, title = step.lines, step.sink, step.title
    if not chunk.title and narrates(title):
        # "Now let's look at the String version:": an example walked through, not named.
        card = step.card(chunk.rows, origin, (), ())
        sink.skip(
            origin, "example code: the sentence before it walks through it, naming nothing", title, card
        )
        return
    size = sum(1 for row in chunk.rows if row is not None and lines[row].strip())
    if size <= MOST_LINES:
        sink.add(step.card(chunk.rows, origin, (), ()))
        return
    parts = codeparts.cut(lines, step.lexed, [r for r in chunk.rows if r is not None], MOST_LINES)
    if _remnant(parts, lines, step.lexed, size):
        card = step.card(chunk.rows, origin, (), ())
        sink.skip(origin, f"code step of {size} lines, over {MOST_LINES} to recall", title, card)
        sink.warn(
            origin,
            f"code step “{title}” has {size} lines, too many to recall on one card (at most"
            f" {MOST_LINES}); cut it with a comment line before each part",
        )
        return
    for part in parts:
        step.part(part)


def _remnant(
    parts: Sequence[codeparts.Part | codeparts.TooLong],
    lines: list[str],
    lexed: Sequence[LexedLine],
    size: int,
) -> bool:
    """Whether what fits of a step is only the remnant of a cut: most of its lines are in parts
    too long to recall and the parts left define nothing of their own (a manifest's header keys,
    the tail of a form), so they hold no item the step's cue asks for. Such a step gives no card
    at all."""
    kept = [part for part in parts if isinstance(part, codeparts.Part)]
    if any(codeparts.holds_definition(lines, lexed, part.rows) for part in kept):
        return False
    too_long = sum(
        1 for part in parts if isinstance(part, codeparts.TooLong) for row in part.rows if lines[row].strip()
    )
    return too_long * 2 > size


def _dedented(shown: list[tuple[str, LexedLine]]) -> list[tuple[str, LexedLine]]:
    """The lines without the leading spaces they all share, in their text and their tokens."""
    widths = [len(line) - len(line.lstrip()) for line, _ in shown if line.strip()]
    cut = min(widths, default=0)
    if not cut:
        return shown
    out: list[tuple[str, LexedLine]] = []
    for line, tokens in shown:
        left = cut if line.strip() else 0
        kept = []
        for kind, value in tokens:
            taken = min(left, len(value) - len(value.lstrip()))
            left -= taken
            if value[taken:]:
                kept.append((kind, value[taken:]))
        out.append((line[cut:] if line.strip() else line, tuple(kept)))
    return out


@dataclass(frozen=True)
class _Step:
    """One step of a block, with what its cards share: the cue, the crumbs, the key's name."""

    code: Code
    scope: Scope
    sink: Sink
    lines: list[str]
    lexed: Sequence[LexedLine]
    title: str
    crumbs: tuple[str, ...]
    name: str
    typed: bool = False
    """A block of no language holding commands typed at a prompt (``$ rg -P …``)."""

    def card(
        self,
        rows: Sequence[int | None],
        origin: Origin,
        cue: Sequence[str],
        key: Sequence[str],
        *,
        dedent: bool = False,
    ) -> Card:
        """The step's card showing ``rows``, asked by the step's title and ``cue``, its key told
        apart by ``key``; ``dedent``: without the indentation its lines share (a method cut
        from its class)."""
        shown = [(self.lines[row], self.lexed[row]) if row is not None else ("", ()) for row in rows]
        if dedent:
            shown = _dedented(shown)
        text = "\n".join(line for line, _ in shown)
        tokens = tuple(line for _, line in shown)
        words = self.sink.words
        return Card(
            kind="code",
            key=self.scope.card("code", self.name, *key),
            crumbs=self.crumbs,
            ask=words.ask(
                words.pair(
                    words.comma.join((self.title, *cue)),
                    words.command() if self.typed else noun(self.code.lang, words),
                )
            ),
            answer=(Snippet(self.code.lang, text, tokens),),
            origin=origin,
            tags=self.scope.tags,
        )

    def part(self, part: codeparts.Part | codeparts.TooLong) -> None:
        """A card for one part of a step too long for one; a warning for a part still too long."""
        origin = Origin(self.code.origin.path, self.code.origin.line + 1 + part.rows[0])
        named = " › ".join(name for name in part.names if name)
        cue, key = [named] if named else [], [named] if named else []
        if isinstance(part, codeparts.Part) and part.place is not None:
            n, total = part.place
            first = part.rows[0]
            commented = _only_comment(self.lexed[first]) and not _OUTPUT.match(self.lines[first])
            lead = _clean(self.lines[first]) if commented else ""
            named_part = self.sink.words.part(n, total)
            cue.append(f"{named_part} ({lead})" if lead and n > 1 else named_part)
            key.append(str(n))
        card = self.card(part.rows, origin, cue, key, dedent=True)
        if isinstance(part, codeparts.Part):
            self.sink.add(card)
            return
        size = sum(1 for row in part.rows if self.lines[row].strip())
        what = ", ".join((self.title, *cue))
        self.sink.skip(origin, f"code step of {size} lines, over {MOST_LINES} to recall", what, card)
        self.sink.warn(
            origin,
            f"code “{what}” has {size} lines, too many to recall on one card (at most"
            f" {MOST_LINES}), and no item or blank line to cut it at; cut it with a comment line"
            " before each part",
        )
