"""What makes a prompt a cue, and what is not worth a card: the judgements every extractor
shares, each a small, general vocabulary (no document's own wording).
"""

from __future__ import annotations

import re

from ..locale import frame_words, reference_starts

# Numbering a title may start with: "Q1:", "Q:", "1.", "2)", "Phase 3:", "Step 2 -", "A." …
_NUMBERING = re.compile(
    r"^\s*(?:(?:q|question|phase|step|stage|part|chapter|section|option)\s*[\dA-Za-z]{0,3}\s*[:.)—–-]"
    r"|\d+(?:\.\d+)*[.)]|[A-Z][.)])\s+",
    re.IGNORECASE,
)
# A parenthesis at the end of a title that holds a figure: "(10 minutes)", "(v2)".
_TRAILING_FIGURE = re.compile(r"\s*\([^()]*\d[^()]*\)\s*$")

_STOP = {"and", "of", "the", "for", "vs", "to", "a", "an", "with", "in", "on", "&", "+", "or", "by"}

TEMPLATE_WORDS = frozenset(
    [
        "context",
        "scope",
        "background",
        "overview",
        "summary",
        "introduction",
        "problem",
        "problems",
        "definition",
        "statement",
        "requirements",
        "requirement",
        "breakdown",
        "analysis",
        "approach",
        "plan",
        "planning",
        "implementation",
        "design",
        "architecture",
        "solution",
        "solutions",
        "options",
        "option",
        "comparison",
        "matrix",
        "strategy",
        "strategies",
        "assessment",
        "impact",
        "trade-off",
        "trade-offs",
        "tradeoff",
        "tradeoffs",
        "validation",
        "verification",
        "testing",
        "tests",
        "results",
        "success",
        "metrics",
        "metric",
        "criteria",
        "targets",
        "target",
        "goals",
        "goal",
        "objectives",
        "kpis",
        "constraints",
        "constraint",
        "assumptions",
        "stakeholders",
        "references",
        "reference",
        "sources",
        "further",
        "reading",
        "appendix",
        "notes",
        "checklist",
        "self-verification",
        "recommendation",
        "recommendations",
        "decision",
        "conclusion",
        "conclusions",
        "next",
        "steps",
        "step-by-step",
        "procedure",
        "process",
        "details",
        "discussion",
        "key",
        "takeaways",
        "performance",
        "guarantees",
        "risk",
        "risks",
        "threat",
        "model",
        "mitigation",
        "monitoring",
        "deployment",
        "rollback",
        "diagnosis",
        "optimization",
        "evaluation",
        "example",
        "examples",
        "code",
        "faq",
        "answer",
        "question",
        "indicative",
        "protocol",
        "action",
        "recovery",
        "root",
        "cause",
        "causes",
    ]
)
"""Words of a document's frame: a heading made only of them says where an answer stands, not
what it says ("Problem Definition", "Success Metrics", "Trade-off Analysis"); the other
languages' are the catalogue's (:func:`builder.locale.frame_words`)."""

_TARGET_HEADING = re.compile(
    r"\b(success|criteria|targets?|goals?|kpis?|objectives?|requirements?|constraints?|stakeholders?)\b",
    re.IGNORECASE,
)
_REFERENCE_PHRASE = (
    r"(?:references?|sources?|source\(s\)|bibliography|further reading|see also|links|resources|reading list"
    rf"|{'|'.join(re.escape(start) for start in sorted(reference_starts(), key=len, reverse=True))})"
)
_REFERENCE_HEADING = re.compile(
    # One or several joined ("Source(s) and further reading"), then nothing but what they are
    # about (": sharding", "(external)", "for chapter 3"): "References and Borrowing" is a topic.
    rf"^{_REFERENCE_PHRASE}(?:\s*(?:,|&|/|\band\b|\bund\b|\by\b|\bet\b|\be\b|和|与|及|،|و)\s*{_REFERENCE_PHRASE})*"
    r"\s*(?:$|[:：(（—–-]|\b(?:for|on|about|to)\b)",
    re.IGNORECASE,
)

BOOKKEEPING = re.compile(
    r"^(stakeholders?|owners?|team|teams|timeline|eta|budget|status|assignees?|contacts?|audience"
    r"|success criteria|success metrics?|primary|secondary|tertiary|constraints?)$",
    re.IGNORECASE,
)
"""Labels of a scenario's own bookkeeping: who, when, and the targets it sets itself."""

_BOOKKEEPING_COLUMN = re.compile(
    r"^(timeline|eta|owner|owners|status|effort|priority|due|deadline|assignee)$", re.IGNORECASE
)

_VAGUE = re.compile(
    r"^((option|alternative|approach|variant|choice|case|scenario|example)\s*[\w]{0,3}|other|misc"
    r"|notes?|details?|info|general|data|result|results|summary|key points?|points?|items?|misc)$",
    re.IGNORECASE,
)
"""Labels that ask nothing on their own ("Option A?", "Data?", "Notes?")."""

_SHORTHAND = {"root": "root cause", "impl": "implementation", "deps": "dependencies"}
"""Labels written short for a longer cue."""

_RATING = re.compile(
    r"^(?:very\s+)?(low|medium|med|high|critical|severe|minor|major|moderate|none|n/?a|yes|no|p[0-4]"
    r"|[✓✔✗✘✅❌⚠️-]+|good|poor|fair|excellent|ok|tbd|required|optional)$",
    re.IGNORECASE,
)


def clean_title(title: str) -> str:
    """A title as a breadcrumb shows it: without its numbering or a timing in parentheses."""
    text = _TRAILING_FIGURE.sub("", title).strip()
    stripped = _NUMBERING.sub("", text, count=1).strip()
    return (stripped or text).rstrip(":：").strip()


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w&+][\w&+'-]*", text.lower()) if w not in _STOP]


_COLON = re.compile("[:：]")
"""What parts ``Generic: Specific`` (a full-width colon in Chinese and Japanese)."""

_FRAMES = TEMPLATE_WORDS | frozenset(w for frame in frame_words() for w in _words(frame))
"""Every language's frame words, as :func:`_words` cuts a title."""


def specific_part(title: str) -> str:
    """The part of ``Generic: Specific`` that names something ("Sharded OrderBook")."""
    text = clean_title(title)
    head, *rest = _COLON.split(text, maxsplit=1)
    tail = rest[0] if rest else ""
    if tail.strip() and all(w in _FRAMES for w in _words(head)):
        return tail.strip()
    return text


def is_template(title: str) -> bool:
    """A heading made only of frame words: it carries no content of its own."""
    words = _words(specific_part(title))
    return not words or all(w in _FRAMES for w in words)


def is_target_heading(title: str) -> bool:
    """A heading over a scenario's targets and givens (success criteria, requirements …)."""
    return bool(_TARGET_HEADING.search(title))


def is_reference_heading(title: str) -> bool:
    """A heading over references or links: where to read more, not what to know."""
    return bool(_REFERENCE_HEADING.match(clean_title(title)))


def is_bookkeeping(label: str) -> bool:
    return bool(BOOKKEEPING.match(label.strip()))


def is_bookkeeping_column(header: str) -> bool:
    return bool(_BOOKKEEPING_COLUMN.match(header.strip()))


def cue(label: str) -> str | None:
    """The label as a cue (a shorthand written out), or None when it asks nothing on its own."""
    name = label.strip()
    if name.lower() in _SHORTHAND:
        full = _SHORTHAND[name.lower()]
        return full[:1].upper() + full[1:] if name[:1].isupper() else full
    if _VAGUE.match(name):
        return None
    return name


def is_rating(text: str) -> bool:
    """A bare rating (High, P0, ✓): one with a reason ("High (public API)") is not bare."""
    bare = text.strip(" *_.!")
    return bool(_RATING.match(bare))
