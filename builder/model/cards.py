"""The records ``extract`` makes of a document: card kinds, answer parts, generated clozes and
their gaps, the forms a card takes, :class:`Card`, and what gave no card (:class:`Skipped`) or
had a problem (:class:`Diagnostic`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, NoReturn, TypeAlias, get_args

from .document import Block, Inline, Origin

Kind: TypeAlias = Literal["question", "fact", "table-cell", "metric", "cloze", "steps", "code"]
"""A card kind (``cloze`` also for hand-written cloze cards)."""
KINDS: tuple[Kind, ...] = get_args(Kind)
"""Card kinds, in the catalogue's order."""
Way: TypeAlias = Literal["forward", "both", "typed"]
"""How a prompt/answer card is asked: ``forward`` (the prompt asks, the answer is shown),
``both`` (also the answer asks and the prompt is shown: a second card of the same note) or
``typed`` (the learner types the answer, and Anki shows what differs)."""
WAYS: tuple[Way, ...] = get_args(Way)
"""The ways a card is asked."""
SOURCE_FIELD = "Source"
"""The field a note type's notes have filled with the card's file (its source), when it has
one: never a card's own text."""
_CLOZE_NUMBER = re.compile(r"\{\{c([1-9][0-9]*)::")


@dataclass(frozen=True)
class Text:
    """An answer part: one inline run shown as a paragraph."""

    inline: Inline


@dataclass(frozen=True)
class Items:
    """An answer part: a list of inline runs, each possibly followed by nested blocks."""

    entries: tuple[tuple[Inline, tuple[Block, ...]], ...]
    ordered: bool


@dataclass(frozen=True)
class Pairs:
    """An answer part: ``Header: value`` lines (a table row)."""

    pairs: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True)
class Blocks:
    """An answer part: blocks rendered as they stand (nested bullets, paragraphs)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Snippet:
    """An answer part: code, highlighted."""

    lang: str
    text: str
    lines: tuple[tuple[tuple[Any, str], ...], ...] = ()
    """The code already lexed by Pygments, line by line (empty: lex ``text`` when rendering)."""


Part: TypeAlias = Text | Items | Pairs | Blocks | Snippet
"""Every kind of answer part. Each stage that reads parts (HTML in :mod:`builder.render`,
plain text in :mod:`builder.plaintext`, a curation draft in :mod:`builder.curation.drafts`,
images in :mod:`builder.media`, a typed answer's check in :mod:`builder.extract.question`)
handles every one and ends in :func:`unknown_part`: a part type added here and missed by one
of them is a type error there."""


def unknown_part(part: NoReturn) -> NoReturn:
    """The end of a dispatch over :data:`Part`: mypy proves it is never reached (each part
    type was handled before); reached anyway, it says which."""
    raise TypeError(f"no handling for the answer part {type(part).__name__}")


@dataclass(frozen=True)
class Gap:
    """A part of a cloze statement that one of the note's cards hides."""

    number: int
    """Its cloze number: card ``number`` of the note hides it (1-based)."""
    inline: Inline
    """What is hidden, as inline Markdown."""
    hint: str = ""
    """Shown in place of the hidden part (``{{c1::answer::hint}}``); '' for ``[...]``."""


Segment: TypeAlias = Inline | Gap
"""A piece of a cloze line: shown text, or a gap."""


@dataclass(frozen=True)
class ClozeText:
    """A generated cloze: lines of shown text and gaps, one card per gap number."""

    lines: tuple[tuple[Segment, ...], ...]
    """The statement's lines (one for a sentence, one per item for a list)."""
    listed: bool = False
    """True when the lines are the items of a list (shown as bullets)."""
    intro: str = ""
    """Plain text shown before the lines (a list's caption)."""
    ordered: bool = False
    """For a list: numbered (steps) rather than bullets."""

    @property
    def numbers(self) -> tuple[int, ...]:
        """The cloze numbers its deletions use, in order, each once: the note has one card per
        number (a deletion written inside math counts too)."""
        numbers = {s.number for line in self.lines for s in line if isinstance(s, Gap)}
        for line in self.lines:
            for segment in line:
                if isinstance(segment, Inline):
                    for tok in segment.tokens:
                        if tok.type.startswith("math"):
                            numbers.update(int(n) for n in _CLOZE_NUMBER.findall(tok.content))
        return tuple(sorted(numbers))

    @property
    def gaps(self) -> int:
        """Its highest cloze number (0 when it has none)."""
        return max(self.numbers, default=0)


@dataclass(frozen=True)
class Skipped:
    """A part of a source that gave no card, and why: ``deckbuilder cards --skipped``."""

    origin: Origin
    reason: str
    """Why it gave no card, a few words (``scenario bookkeeping``, ``no cue``, …)."""
    text: str
    """The part's text, as a reader would recognise it (shortened)."""
    key: str = ""
    """The key of the card it would give, which a curation file can ``restore`` ('' when it
    would give none)."""

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 100 else self.text[:99].rstrip() + "…"
        return f"{self.origin}: {self.reason}: {text}" + (f" [{self.key}]" if self.key else "")


def breadcrumb(crumbs: Iterable[str]) -> str:
    """A card's context as one line: section titles joined by ``›`` ('' when none)."""
    return " › ".join(crumbs)


@dataclass(frozen=True)
class Answered:
    """A prompt/answer card's form: its ``ask`` asks, its parts answer."""

    answer: tuple[Part, ...]
    """The answer's parts."""
    way: Way = "forward"
    """How it is asked (see :data:`Way`): which note type it uses."""


@dataclass(frozen=True)
class Clozed:
    """A cloze card's form, its statement read into shown text and gaps: every cloze a document
    gives (kinds ``metric`` and ``cloze``, a ``{{c1::…}}`` written in Markdown too), and every
    cloze a curation file rewrites."""

    cloze: ClozeText
    """The statement and its gaps."""
    extra: tuple[Part, ...] = ()
    """Context shown under its answer."""


@dataclass(frozen=True)
class Written:
    """A hand-written cloze card's form (a card file's ``cloze:``): its statement as written."""

    statement: Inline
    """Inline Markdown holding Anki's ``{{c1::…}}`` marks."""
    extra: tuple[Part, ...] = ()
    """Context shown under its answer."""


@dataclass(frozen=True)
class OwnFields:
    """The form of a card of a team's note type (a card file's ``note_type:``): the note type and
    the card's fields (its ``ask`` is the first one's text)."""

    note_type: str
    """The note type's key (:data:`builder.model.notetype.KEY`)."""
    fields: tuple[tuple[str, Blocks], ...]
    """Each field's name and what it shows, in the note type's order: all of its fields (the
    ones the card leaves out empty), or only those the card gives when its note type could not
    be read, which the plan then reports."""


Form: TypeAlias = Answered | Clozed | Written | OwnFields
"""Every form a card takes. Each place that reads a card's form (its fields in
:mod:`builder.render`, its plain text in :mod:`builder.plaintext`, a rewrite and its draft in
:mod:`builder.curation`, its images in :mod:`builder.media`, a figure and an ambiguous prompt
in :mod:`builder.extract`) handles every one and ends in :func:`unknown_form`: a form added
here and missed by one of them is a type error there."""


def unknown_form(form: NoReturn) -> NoReturn:
    """The end of a dispatch over :data:`Form`: mypy proves it is never reached (each form was
    handled before); reached anyway, it says which."""
    raise TypeError(f"no handling for the card form {type(form).__name__}")


@dataclass(frozen=True)
class Card:
    """One atomic card, before rendering."""

    kind: Kind
    """One of :data:`KINDS`."""
    key: str
    """Structural identity inside the deck: section path, kind, label or row."""
    crumbs: tuple[str, ...]
    """The breadcrumb that gives the prompt its context (section titles, table title)."""
    ask: str
    """What the prompt asks, in plain text (after the breadcrumb); '' for a cloze card."""
    form: Form
    """What it shows and how (see :data:`Form`): answer parts, a cloze, or fields of its own."""
    origin: Origin
    """Where the card's content starts."""
    tags: tuple[str, ...] = ()
    """Tags beyond the kind's (section tags)."""
    top: str = ""
    """The title of the top section the card stands in ('' outside any): its subdeck."""
    generated: str = ""
    """For a card rewritten by a curation file: the hash of the generated card it replaces
    (:func:`builder.curation.fingerprint`)."""

    @property
    def prompt(self) -> str:
        """The plain-text prompt: breadcrumb, then what is asked."""
        crumb = breadcrumb(self.crumbs)
        if not crumb:
            return self.ask
        if not self.ask:
            return crumb
        return f"{crumb} — {self.ask}"
