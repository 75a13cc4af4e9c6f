"""A term defined in its sentence: the words around an italic (or, at the start, a code) term
that say the sentence defines it.

"*Ownership* is a set of rules …", "We call the action of creating a reference *borrowing*.",
"This is known as a *double free* error." each give a cloze on the term; an italic word that
only stresses ("it is *not* valid") gives none. The vocabularies are small and cover the
languages whose words they are; a sentence in another language is read only by its marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import function_words
from ..markdown import plain, strip
from ..markdown.tokens import is_cjk
from ..model import Gap, Inline, Segment

__all__ = ["COPULA", "POINTER", "STRESSED", "defined_term", "hideable", "narrates"]

MOST_TERM_WORDS = 4
"""Words an italic term may have (a longer italic run is a quotation or a title)."""

LEAST_WORDS_AFTER = 3
"""Words a sentence that starts with its term says about it."""

COPULA = re.compile(
    # Words of scripts with spaces end at a word's end; Chinese, Japanese and Korean ones do not.
    r"^(?:(?:is|are|refers? to|means|describes|es|son|est|sont|ist|sind|é|são|является|это|است)(?:\b|(?=\W)|$)"
    r"|是|指|とは|は|란|는|은)",
    re.IGNORECASE,
)
"""Words that say what the thing named just before them is."""

_ARTICLE = r"(?:the|an?|el|la|los|las|un|una|le|les|une|der|die|das|ein|eine|o|os|as|um|uma)"
_NAMED_BEFORE = re.compile(
    rf"\b(?:called|known as|termed|named|referred to as|llamad[oa]s?|conocid[oa]s? como|appelée?s?|nommée?s?"
    rf"|genannt|chamad[oa]s?|conhecid[oa]s? como|называ\w+)\s+(?:{_ARTICLE}\s+)?$",
    re.IGNORECASE,
)
"""Words right before a term that say the sentence names it ("is known as a *double free*")."""
_NAMED_BEFORE_CJK = re.compile(r"(?:称为|叫做|被称作|所谓的?|いわゆる|이른바)\s*$")
"""The same in Chinese, Japanese and Korean, written without a space before the term."""
_NAMED_AFTER = re.compile(
    r"^\s*(?:\w{0,6}?)(?:として知られ|と呼ばれ|と呼ぶ|といいます|と言います|라고\s*(?:부르|한다))"
)
"""Words right after a term that say the sentence names it, as Japanese and Korean put them
("*二重解放*エラーとして知られ")."""
_CALLS = re.compile(r"\b(?:we|you|one|people)\s+call\b", re.IGNORECASE)
"""A sentence that names what it ends with ("We call the action … *borrowing*.")."""
_LEADING_ARTICLE = re.compile(rf"^\s*{_ARTICLE}\s*$", re.IGNORECASE)
_ENDS = re.compile(r"^[\s.!?。]*$")


STRESSED = frozenset(
    [
        "not",
        "never",
        "no",
        "always",
        "only",
        "both",
        "all",
        "any",
        "must",
        "very",
        "really",
        "just",
        "also",
        "even",
        "still",
        "first",
        "then",
        "typically",
        "usually",
        "often",
        "and",
        "or",
        "but",
        # a translator's note's label
        "訳注",
        "译注",
    ]
)
"""Words bold or italics stress rather than name ("will **not**", "*Typically*"): never a gap."""


def hideable(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether the emphasis between ``start`` and ``end`` names something worth a gap: not a
    function word or a stressed one, not a single letter, not part of a word
    ("**s**ubstitution": the letters around it are glued to it; Chinese and Japanese, written
    without spaces, excepted)."""
    inner = plain(tokens[start + 1 : end]).strip()
    if (len(inner) < 2 and not inner.isdigit()) or inner.lower() in STRESSED | function_words():
        return False
    before = tokens[start - 1].content[-1:] if start and tokens[start - 1].type == "text" else ""
    after = tokens[end + 1].content[:1] if end + 1 < len(tokens) and tokens[end + 1].type == "text" else ""
    glued = (before.isalnum() and not is_cjk(before) and not is_cjk(inner[:1])) or (
        after.isalnum() and not is_cjk(after) and not is_cjk(inner[-1:])
    )
    return not glued


def _spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(open, close) indexes of the top-level italic spans of a run."""
    spans: list[tuple[int, int]] = []
    start, depth = -1, 0
    for i, tok in enumerate(tokens):
        if tok.type == "em_open":
            start, depth = (i, depth + 1) if depth == 0 else (start, depth + 1)
        elif tok.type == "em_close" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans


def _is_term(tokens: Sequence[Token], start: int, end: int) -> bool:
    """An italic run that can be a term: a few words of text, nothing nested, not a word only
    stressed (see :func:`hideable`)."""
    term = tokens[start + 1 : end]
    text = plain(term)
    return (
        all(t.type in ("text", "code_inline") for t in term)
        and 0 < len(text.split()) <= MOST_TERM_WORDS
        and hideable(tokens, start, end)
    )


def _defines(before: str, after: str) -> bool:
    """Whether the words around a term say the sentence defines it."""
    if not before.strip() or _LEADING_ARTICLE.match(before):
        # The sentence starts with the term: what it says next is what the term is or does.
        return len(after.split()) >= LEAST_WORDS_AFTER and not _ENDS.match(after)
    if _NAMED_BEFORE.search(before) or _NAMED_BEFORE_CJK.search(before) or _NAMED_AFTER.match(after):
        return True
    return bool(_CALLS.search(before)) and bool(_ENDS.match(after))


def defined_term(
    tokens: Sequence[Token], origin: object, topic: frozenset[str] = frozenset()
) -> tuple[Segment, ...] | None:
    """A sentence with the term it defines as its one gap, None when it defines none. A name of
    the ``topic`` (what the page or section is about, lower-cased) is never the gap: the
    learner would recall the page's subject, not what the sentence says of it."""
    toks = strip(tokens)
    for start, end in _spans(toks):
        if plain(toks[start + 1 : end]).strip().lower() in topic:
            continue
        if _is_term(toks, start, end) and _defines(
            plain(toks[:start]) + " " if start else "", plain(toks[end + 1 :])
        ):
            return _gap(toks, start, end, origin)
    if toks and toks[0].type == "code_inline" and COPULA.match(plain(toks[1:]).strip()):
        # "`Vec<T>` is a growable array": a name in code that the sentence says what it is.
        return (Gap(1, Inline((toks[0],), origin)), Inline(tuple(toks[1:]), origin))  # type: ignore[arg-type]
    text = plain(toks).strip().replace("\u2019", "'")  # typographic apostrophes: "Let’s"
    if (
        text.endswith((":", "："))
        or _ILLUSTRATES.match(text)
        or _NARRATES.search(text)
        or POINTER.match(text)
    ):
        return None  # what introduces, illustrates or sets aside teaches nothing on its own
    return _named_plainly(toks, origin, topic) or _code_named(toks, origin, topic)


POINTER = re.compile(
    r"^(?:first,?\s+)?(?:see|please see|please consult|consult|refer to|check out|ver|consulte|véase|"
    r"voir|siehe|veja|см\.|参见|请参阅|详见|参考)\b",
    re.IGNORECASE,
)
"""How a paragraph that only points elsewhere starts ("See the guide's section on …")."""


_ILLUSTRATES = re.compile(
    r"^(?:[(（]|for (?:example|instance)\b|e\.g\.|i\.e\.|say\b|imagine\b|consider\b|por ejemplo|"
    r"par exemple|zum beispiel|por exemplo|например|例如|比如|たとえば|例えば|예를 들어|مثلاً|على سبيل المثال)",
    re.IGNORECASE,
)
"""How a sentence that only illustrates, or sets something aside, starts."""
_NARRATES = re.compile(
    r"\b(?:we|we'll|we've|we're|let's|let us|our|notice|as shown|this example|the (?:code|example|listing|"
    r"figure|output) (?:above|below)|figures? \d|listings? \d|vamos|veamos|nous|wir)\b|我们|私たち|ابتدا",
    re.IGNORECASE,
)
"""Words of a sentence that walks through an example rather than stating a fact ("When we print
the value, it will be …", "Figure 4-1: …")."""


_NAMED_PLAINLY = re.compile(
    r"\b(?:called|known as|termed|referred to as)\s+(?:an?\s+|the\s+)?"
    r"(?P<term>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2}?)(?=\s*[,.;:)]|\s+(?:and|or|that|which|because)\b)",
)
"""A term named without emphasis: "a higher-level abstraction, called a controller, that …"."""


def _named_plainly(
    toks: Sequence[Token], origin: object, topic: frozenset[str]
) -> tuple[Segment, ...] | None:
    """A sentence naming a term in plain words ("is called a controller,"), the term its gap."""
    for i, tok in enumerate(toks):
        if tok.type != "text":
            continue
        match = _NAMED_PLAINLY.search(tok.content)
        if match is None or match.group("term").lower() in STRESSED | function_words() | topic:
            continue
        start, end = match.span("term")
        return (
            Inline((*toks[:i], Token("text", "", 0, content=tok.content[:start])), origin),  # type: ignore[arg-type]
            Gap(1, Inline((Token("text", "", 0, content=tok.content[start:end]),), origin)),  # type: ignore[arg-type]
            Inline((Token("text", "", 0, content=tok.content[end:]), *toks[i + 1 :]), origin),  # type: ignore[arg-type]
        )
    return None


def _gap(toks: Sequence[Token], start: int, end: int, origin: object) -> tuple[Segment, ...]:
    """The sentence with the italic run between ``start`` and ``end`` hidden."""
    return (
        Inline(tuple(toks[:start]), origin),  # type: ignore[arg-type]
        Gap(1, Inline(tuple(toks[start + 1 : end]), origin)),  # type: ignore[arg-type]
        Inline(tuple(toks[end + 1 :]), origin),  # type: ignore[arg-type]
    )


LEAST_SENTENCE_WORDS = 6
"""Words a sentence needs for the code it names to be worth a gap (a shorter one is a caption)."""
MOST_CODE_CHARACTERS = 40
"""Characters a name in code may have to be recalled (a longer span is an example)."""


def _code_named(toks: Sequence[Token], origin: object, topic: frozenset[str]) -> tuple[Segment, ...] | None:
    """A sentence of documentation that names a field, a flag or a command in code ("The spec
    of a Pod has a `restartPolicy` field …"): the longest such name (the most specific; the
    last of equals: "Unlike objects with a `spec`, a ConfigMap has a `data` section") is the
    gap."""
    text = plain(toks)
    if max(len(text.split()), sum(is_cjk(ch) for ch in text) // 2) < LEAST_SENTENCE_WORDS:
        return None  # (Chinese and Japanese write no spaces: two characters make about a word)
    names = [
        i
        for i, tok in enumerate(toks)
        if tok.type == "code_inline"
        and 1 < len(tok.content.strip()) <= MOST_CODE_CHARACTERS
        and tok.content.strip().lower() not in topic
    ]
    if not names:
        return None
    i = max(names, key=lambda n: (len(toks[n].content.strip()), n))
    return (
        Inline(tuple(toks[:i]), origin),  # type: ignore[arg-type]
        Gap(1, Inline((toks[i],), origin)),  # type: ignore[arg-type]
        Inline(tuple(toks[i + 1 :]), origin),  # type: ignore[arg-type]
    )


_WALKS_THROUGH = re.compile(
    r"^(?:here's|here is|here are|now\b|next\b|let's|let us|consider|check out|try\b|this code|the following code|"
    r"as always|for (?:example|instance)|e\.g\.)",
    re.IGNORECASE,
)


def narrates(sentence: str) -> bool:
    """Whether a sentence walks the reader through an example ("Now let's look at the String
    version:", "Consider this code, for example:") rather than naming what follows it."""
    text = sentence.strip().replace("\u2019", "'")
    return bool(_WALKS_THROUGH.match(text) or _NARRATES.search(text) or _ILLUSTRATES.match(text))
