"""Knowledge written as prose by others: a heading that names a concept, then a paragraph
whose first sentence defines it.

"#### Sharding" / "Sharding distributes data across different databases …" gives one ``fact``
card, "Database › Sharding — what is it?", answered by that sentence alone; the paragraph's
other sentences are read as prose (cloze cards of what they mark), never the defining one
again.

A sentence defines the heading's concept when it starts with it: the title (or the name in
its parentheses, "Relational database management system (RDBMS)"), give or take a leading
article and a plural, followed by the words that say what it is. A heading that asks, a
frame heading ("Overview") and a sentence that asks or introduces something (ends in ``?`` or
``:``) define nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import QUESTION_MARKS
from ..markdown import plain
from ..model import Answered, Block, Card, Inline, Paragraph, Text
from .cloze import joined, sentences
from .cues import clean_title, is_template
from .figures import is_figure
from .scope import Scope, Sink
from .terms import COPULA

__all__ = ["concept_card", "defined", "defining_sentence"]

MOST_TITLE_WORDS = 6
"""Words a heading may have to name a concept (longer ones say something of their own)."""
LEAST_DEFINING_WORDS = 3
"""Words a defining sentence says after the concept's name."""
OPENING_BLOCKS = 2
"""Blocks a section opens with that may define its concept (a quote or a note may come first)."""
MOST_DEFINING_CHARACTERS = 400
"""A longer first sentence is a paragraph's worth, not one definition to recall."""

# Articles a defining sentence may start with, in the languages whose articles come first.
_ARTICLES = re.compile(
    r"^(?:the|an?|el|la|los|las|un|una|le|les|l'|une|der|die|das|ein|eine|o|os|as|um|uma|il|lo|gli)\s+",
    re.IGNORECASE,
)
# A first sentence that says what a thing is not (a caution under the heading) defines nothing.
_NEGATION = re.compile(
    r"^(?:\w+\s+){0,2}(?:not|never|cannot|no|\w+n't|nicht|kein\w*|pas|не|不|没)\b", re.IGNORECASE
)
_MODALS = frozenset({"can", "may", "will", "must", "should", "lets", "helps", "provides", "stores"})
_PARENTHESIS = re.compile(r"\s*[(（]([^()（）]+)[)）]\s*")
_ENDS_ASKING = (*QUESTION_MARKS, ":", "：")


def _fold(text: str) -> str:
    """Text compared case- and width-blind, spaces single."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _names(title: str) -> list[tuple[str, bool]]:
    """What a heading calls its concept, each with whether it is the whole name: the title
    without its parenthesis, the name in it, then the title's first words."""
    shown = clean_title(title)
    whole = _PARENTHESIS.sub(" ", shown).strip()
    names = [(whole, True)]
    names.extend((m.group(1).strip(), True) for m in _PARENTHESIS.finditer(shown))
    words = whole.split()
    # Its first words ("ConfigMap object"), or its last where the head noun comes first
    # ("Objeto ConfigMap"): either needs a sentence saying what it is.
    names.extend((" ".join(words[:n]), False) for n in range(len(words) - 1, 0, -1))
    names.extend((" ".join(words[n:]), False) for n in range(1, len(words)))
    return [(_fold(n), full) for n, full in names if len(n.strip()) >= 2]


def _starts_with_name(sentence: str, name: str) -> int:
    """Characters of ``sentence`` (folded) its concept's name takes at its start, 0 when it does
    not start with it: the name as written, or with a plural ending added or dropped."""
    text = _ARTICLES.sub("", sentence, count=1)
    cut = len(sentence) - len(text)
    forms = {name, name + "s", name + "es"}
    if name.endswith("s"):
        forms.add(name[:-1])
    for form in sorted(forms, key=len, reverse=True):
        if not text.startswith(form):
            continue
        after = text[len(form) : len(form) + 1]
        # The name ends at a word boundary (no boundary between CJK characters).
        if not after or not after.isalnum() or not form[-1:].isascii():
            return cut + len(form)
    return 0


def _predicate(said: str) -> bool:
    """Whether what follows a concept's whole name starts saying what it does: in English a
    verb ("distributes", "generally allows"; a word ending in ``s``, or a modal) or an
    aside first ("(or functional partitioning)", ", also known as"); in other languages, the
    words that say what it is (``是``, ``es``, ``است``), which a verb's ending cannot tell."""
    if not said.isascii():
        return bool(COPULA.match(said))
    words = said.split()
    if len(words) > 1 and words[0].endswith("ly"):
        words = words[1:]  # an adverb first: "generally allows"
    word = words[0]
    return word[:1] in "(,—–" or (word.endswith("s") and not word.endswith("ss")) or word in _MODALS


_SEVERAL = re.compile(r"\s(?:and|or|vs\.?|versus|&|y|et|und|e|и|و)\s|[,、，和与及]", re.IGNORECASE)
"""What joins two names in a heading ("References and Borrowing"): it names no one concept."""


def names_concept(title: str) -> bool:
    """Whether a heading can name a concept: a short title naming one thing, that neither asks
    nor frames."""
    shown = clean_title(title)
    return (
        bool(shown)
        and not _SEVERAL.search(_PARENTHESIS.sub(" ", shown))
        and not shown.endswith(_ENDS_ASKING)
        and len(shown.split()) <= MOST_TITLE_WORDS
        and not is_template(shown)
    )


def defining_sentence(title: str, paragraph: Paragraph) -> tuple[list[Token], list[Token]] | None:
    """The paragraph's first sentence when it defines the heading's concept, and the sentences
    after it; None when it does not."""
    if not names_concept(title):
        return None
    found = sentences(joined(line.tokens for line in paragraph.lines))
    if not found:
        return None
    first = plain(found[0])
    if first.endswith(_ENDS_ASKING) or len(first) > MOST_DEFINING_CHARACTERS:
        return None
    folded = _fold(first)
    for name, whole in _names(title):
        taken = _starts_with_name(folded, name)
        said = folded[taken:].strip()
        if not taken or len(said.split()) < LEAST_DEFINING_WORDS - (0 if folded.isascii() else 2):
            continue
        if _NEGATION.match(said) or not (COPULA.match(said) or (whole and _predicate(said))):
            continue
        rest = joined(found[1:])
        return found[0], rest
    return None


def concept_card(sentence: Sequence[Token], paragraph: Paragraph, ask: str, scope: Scope) -> Card:
    """The ``fact`` card asking what the section's concept is, answered by its defining sentence."""
    return Card(
        kind="fact",
        key=scope.card("fact", "definition"),
        crumbs=scope.crumbs,
        ask=ask,
        form=Answered((Text(Inline(tuple(sentence), paragraph.origin)),)),
        origin=paragraph.origin,
        tags=scope.tags,
    )


def defined(
    title: str, prose: Sequence[Paragraph], blocks: Sequence[Block], scope: Scope, sink: Sink
) -> list[Paragraph]:
    """Card the concept a section's heading names, when one of the first things its ``blocks``
    say (figures aside; a quote or a note may come first) is a paragraph defining it; return the
    section's ``prose`` left to read (the defining sentence taken out). A paragraph further down
    that starts with the name says something about it, not what it is."""
    said = [b for b in blocks if not (isinstance(b, Paragraph) and is_figure(b))][:OPENING_BLOCKS]
    opening = {b.origin for b in said if isinstance(b, Paragraph)}
    left = list(prose)
    for n, para in enumerate(left):
        if para.origin not in opening:
            continue
        found = defining_sentence(title, para)
        if found is None:
            continue
        sentence, rest = found
        sink.add(concept_card(sentence, para, sink.words.what_is_it(), scope))
        if rest:
            left[n] = Paragraph((Inline(tuple(rest), para.origin),), para.origin)
        else:
            del left[n]
        break
    return left
