"""Kind ``cloze``: statements with parts to recall hidden, one card per part.

- Prose: each sentence that marks something (a bold phrase, a figure with its unit, a displayed
  formula) is a cloze
  note, each marked part a gap; prose with nothing marked gives no card.
- Enumerations: a list becomes one cloze note, each item a gap (its bold phrase, else a limit it
  states, else the whole item when it is short), the other items shown: overlapping clozes, so
  Anki buries the siblings and no card asks for "the N points".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from ..markdown import MATH_DISPLAY, MATH_INLINE, plain, strip, text_token
from ..markdown.tokens import is_cjk
from ..model import Card, ClozeText, Gap, Inline, ListBlock, Paragraph, Segment
from .metric import find_figure, measures
from .scope import Scope, Sink
from .terms import POINTER, defined_term, hideable

WHOLE_ITEM_WORDS = 8
"""Words an item may have to be recalled whole."""
FRAMED_ITEM_WORDS = 30
"""Words an item of a list its heading or caption frames may have to be recalled whole (one
sentence: "Ownership Rules", "Disadvantages: sharding")."""
FRAMED_ITEMS = 10
"""Items a framed list may have for each to be recalled whole (a longer one is a catalogue)."""

_SENTENCE_END = re.compile(
    # After a full stop and a space, a sentence starts with a capital (Latin, Greek, Cyrillic),
    # a figure, a quote, or a letter of a script without capitals (Arabic, Hebrew, Chinese,
    # Japanese, Korean); after a
    # Chinese or Japanese full stop, at once.
    r"(?:(?<=[.!?؟۔])|(?<=[.!?؟۔][)\"”’\]]))\s+(?=[A-Z0-9“\"(\[À-ÖØ-ÞΑ-ΩА-ЯЁ\u0590-\u05ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])|(?<=[。！？])\s*"
)
_ENDED = re.compile(r"(?:[.!?؟۔][)\"”’\]]?\s+|[。！？]\s*)$")
"""Text that ends a sentence, then a line break (or the space it became)."""
_STARTS = re.compile(
    r"[A-Z0-9“\"(\[À-ÖØ-ÞΑ-ΩА-ЯЁ\u0590-\u05ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
"""How a sentence starts (as :data:`_SENTENCE_END` sees it)."""
# A sentence that ends where a code span or emphasis begins ("… rows. `VACUUM FULL` …").
_ENDS_SENTENCE = re.compile(r"[.!?]\s+$")


def sentences(tokens: Sequence[Token]) -> list[list[Token]]:
    """Inline tokens cut into sentences (only at text, never inside code or emphasis)."""
    out: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.type in ("softbreak", "hardbreak"):
            out[-1].append(text_token(" "))
            continue
        depth += tok.nesting
        if tok.type != "text" or depth:
            out[-1].append(tok)
            continue
        ended = "".join(t.content for t in out[-1][-2:] if t.type == "text")
        if out[-1] and _ENDED.search(ended) and _STARTS.match(tok.content):
            out.append([])  # a sentence ended at the line's end: the next line starts another
        pieces = _SENTENCE_END.split(tok.content)
        for n, piece in enumerate(pieces):
            if n:
                out.append([])
            if piece:
                out[-1].append(Token("text", "", 0, content=piece, meta=tok.meta))
        if _ENDS_SENTENCE.search(tok.content) and plain(out[-1]):
            out.append([])
    return [strip(s) for s in out if plain(s)]


def _bold_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(open, close) indexes of the top-level bold spans of a run that are worth hiding (see
    :func:`.terms.hideable`)."""
    spans, start, depth = [], -1, 0
    for i, tok in enumerate(tokens):
        if tok.type == "strong_open":
            if depth == 0:
                start = i
            depth += 1
        elif tok.type == "strong_close" and depth:
            depth -= 1
            if depth == 0 and hideable(tokens, start, i):
                spans.append((start, i))
    return spans


def marked(tokens: Sequence[Token], origin: object, first: int = 1) -> tuple[Segment, ...] | None:
    """A run with its bold phrases and measured figures as gaps, numbered from ``first``;
    None when nothing is marked."""
    assert hasattr(origin, "path")
    opens, cuts, formulas = _marks(tokens)
    if not opens and not cuts and not formulas:
        return None
    gaps = _Gaps(origin, first)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i in opens:
            gaps.gap(tokens[i + 1 : opens[i]])
            i = opens[i] + 1
            continue
        if i in formulas:
            gaps.gap((tok,))
        elif i in cuts:
            pos = 0
            for start, end in cuts[i]:
                gaps.show(text_token(tok.content[pos:start]))
                gaps.gap((text_token(tok.content[start:end]),))
                pos = end
            gaps.show(text_token(tok.content[pos:]))
        else:
            gaps.show(tok)
        i += 1
    return gaps.done()


def _marks(tokens: Sequence[Token]) -> tuple[dict[int, int], dict[int, list[tuple[int, int]]], set[int]]:
    """What a run marks: its top-level bold spans (open index → close index), the measured
    figures outside them (token index → character spans) and the formulas it teaches."""
    bold = _bold_spans(tokens)
    inside = {i for start, end in bold for i in range(start, end + 1)}
    cuts: dict[int, list[tuple[int, int]]] = {}
    for index, start, end in measures(tokens):
        if index not in inside:
            cuts.setdefault(index, []).append((start, end))
    formulas = {i for i, tok in enumerate(tokens) if tok.type in MATH_DISPLAY and i not in inside}
    if not bold and not cuts and not formulas:
        # A sentence that marks nothing else: its formulas are what it teaches.
        formulas = {i for i, tok in enumerate(tokens) if tok.type == MATH_INLINE}
    return dict(bold), cuts, formulas


class _Gaps:
    """A run's segments as they are made: shown text between gaps numbered in order."""

    def __init__(self, origin: object, first: int) -> None:
        self.origin = origin
        self.number = first
        self.segments: list[Segment] = []
        self.shown: list[Token] = []

    def show(self, tok: Token) -> None:
        """Keep a token shown."""
        self.shown.append(tok)

    def gap(self, tokens: Sequence[Token]) -> None:
        """Hide ``tokens`` as the next gap."""
        self.flush()
        self.segments.append(Gap(self.number, Inline(tuple(tokens), self.origin)))  # type: ignore[arg-type]
        self.number += 1

    def flush(self) -> None:
        """End the shown text before a gap."""
        if self.shown:
            self.segments.append(Inline(tuple(self.shown), self.origin))  # type: ignore[arg-type]
            self.shown = []

    def done(self) -> tuple[Segment, ...]:
        """All segments, the shown text after the last gap included."""
        self.flush()
        return tuple(self.segments)


def joined(runs: Iterable[Sequence[Token]]) -> list[Token]:
    """Runs of inline tokens (a paragraph's lines, sentences) as one, a space between each."""
    tokens: list[Token] = []
    for n, run in enumerate(runs):
        if n:
            tokens.append(text_token(" "))
        tokens.extend(run)
    return tokens


def prose_clozes(paragraph: Paragraph, scope: Scope, sink: Sink) -> None:
    """One cloze note per sentence of ``paragraph`` that marks something."""
    tokens = joined(line.tokens for line in paragraph.lines)
    made = 0
    # What the page and the section are about: never the gap of a rule's own.
    topic = sink.topic | {word.lower() for crumb in scope.crumbs for word in (crumb, *crumb.split())}
    for sentence in sentences(tokens):
        segments = marked(sentence, paragraph.origin)
        if segments is None:
            segments = defined_term(sentence, paragraph.origin, topic | sink.hidden)
            sink.hidden.update(
                plain(s.inline.tokens).strip().lower() for s in segments or () if isinstance(s, Gap)
            )
        if segments is None:
            continue
        if not _cues(segments):
            sink.skip(
                paragraph.origin, "the whole sentence is marked: nothing is left to cue it", plain(sentence)
            )
            continue
        first = next(s for s in segments if isinstance(s, Gap))
        key = scope.card("cloze", plain(first.inline.tokens)[:40])
        sink.add(scope.cloze("cloze", key, paragraph.origin, ClozeText((segments,))))
        made += 1
    if not made:
        sink.skip(paragraph.origin, "prose with nothing marked (bold what to remember)", plain(tokens))


LEAST_CUE_WIDTH = 12
"""Characters (a Chinese or Japanese one counting two) a cloze shows besides its gaps below
which a gap three times as long hides the whole statement: "Remember: [...]." cues nothing."""


def _width(text: str) -> int:
    return sum(2 if is_cjk(ch) else 1 for ch in text if ch.isalnum())


def _cues(segments: Sequence[Segment]) -> bool:
    """Whether what a cloze shows besides its gaps can cue what they hide: not a few words
    before a gap that holds the whole statement ("记住：[...]。", "In short, [...].")."""
    shown = _width("".join(plain(s.tokens) for s in segments if isinstance(s, Inline)))
    hidden = _width("".join(plain(s.inline.tokens) for s in segments if isinstance(s, Gap)))
    # (A formula alone, shown nothing, is cued by where it stands.)
    return not shown or shown >= LEAST_CUE_WIDTH or hidden < 3 * shown


_DEFAULT = re.compile(r"\bdefaults?\s*(?:to|is|=|:|of)?\s*([\w.%-]+)", re.IGNORECASE)


def _default(tokens: Sequence[Token]) -> tuple[int, int, int] | None:
    """The value a line gives as a default ("defaults to 100", "default: off")."""
    for i, tok in enumerate(tokens):
        if tok.type == "text" and (match := _DEFAULT.search(tok.content)) and match.group(1):
            return i, match.start(1), match.end(1)
    return None


def _item_gap(
    tokens: Sequence[Token], number: int, origin: object, *, framed: bool = False
) -> tuple[Segment, ...] | None:
    """An item's line with its one gap: its bold phrase, else a limit, a default or a measured
    figure it states, else the item itself when it is short, else the last command or setting
    (code span) it names, else (in a ``framed`` list) the item itself when it is one sentence;
    None when it has none of these."""
    toks = strip(tokens)
    if POINTER.match(plain(toks)):
        return None  # "See the section on replication": where to read, not what to know
    bold = _bold_spans(toks)
    if bold:
        start, end = bold[0]
        return (
            Inline(tuple(toks[:start]), origin),  # type: ignore[arg-type]
            Gap(number, Inline(tuple(toks[start + 1 : end]), origin)),  # type: ignore[arg-type]
            Inline(tuple(toks[end + 1 :]), origin),  # type: ignore[arg-type]
        )
    where = find_figure(toks, compared_only=True) or _default(toks) or next(iter(measures(toks)), None)
    if where is not None:
        index, start, end = where
        tok = toks[index]
        return (
            Inline((*toks[:index], text_token(tok.content[:start])), origin),  # type: ignore[arg-type]
            Gap(number, Inline((text_token(tok.content[start:end].strip()),), origin)),  # type: ignore[arg-type]
            Inline((text_token(tok.content[end:]), *toks[index + 1 :]), origin),  # type: ignore[arg-type]
        )
    if len(plain(toks).split()) <= WHOLE_ITEM_WORDS:
        return (Gap(number, Inline(tuple(toks), origin)),)  # type: ignore[arg-type]
    codes = [i for i, tok in enumerate(toks) if tok.type == "code_inline"]
    if codes:
        # A longer item that names a command or a setting: the last one is what it teaches.
        at = codes[-1]
        return (
            Inline(tuple(toks[:at]), origin),  # type: ignore[arg-type]
            Gap(number, Inline((toks[at],), origin)),  # type: ignore[arg-type]
            Inline(tuple(toks[at + 1 :]), origin),  # type: ignore[arg-type]
        )
    if framed and len(plain(toks).split()) <= FRAMED_ITEM_WORDS and len(sentences(toks)) == 1:
        return (Gap(number, Inline(tuple(toks), origin)),)  # type: ignore[arg-type]
    return None


MOST_LIST_ITEMS = 100
"""Items a list may have to be one cloze note (each prompt shows them all): a longer one is a
catalogue to look up, and its note's numbers would run towards the deck's limit (``c500``)."""


def item_cloze(
    block: ListBlock, intro: str, scope: Scope, sink: Sink, *, framed: bool = False
) -> Card | None:
    """One cloze note for the items of ``block``, each item a gap; None when no item has a
    part short enough to recall, or the list is too long to be one note (then listed, its
    nested blocks still read). ``framed``: the list is what its heading or caption names, so
    a short list's items are recalled whole up to a sentence each."""
    if len(block.items) > MOST_LIST_ITEMS:
        for item in block.items:
            for nested in item.blocks[1:]:
                sink.walk([nested], scope)
        return None
    lines: list[tuple[Segment, ...]] = []
    number = 1
    whole = framed and len(block.items) <= FRAMED_ITEMS
    for item in block.items:
        head = item.head
        if head is None:
            continue
        line = _item_gap(head.tokens, number, head.origin, framed=whole)
        if line is None:
            lines.append((Inline(tuple(strip(head.tokens)), head.origin),))
        else:
            lines.append(line)
            number += 1
        for nested in item.blocks[1:]:
            sink.walk([nested], scope)
    if number == 1:
        return None
    first = next(s for line in lines for s in line if isinstance(s, Gap))
    text = ClozeText(
        tuple(lines), listed=True, intro=intro if intro not in scope.crumbs else "", ordered=block.ordered
    )
    return scope.cloze(
        "cloze", scope.card("list", intro or plain(first.inline.tokens)[:40]), block.origin, text
    )
