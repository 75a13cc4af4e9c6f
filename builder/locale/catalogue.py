"""The message catalogue, ``words.yaml`` beside this module, read and checked once: each
language's :class:`~.words.Words` and the words extractors look for in every language (function
words, frame words, labels, the starts of reference headings and before/after columns)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .words import DEFAULT, QUESTION_MARKS, Words

_MESSAGES = ("colon", "comma", "code", "code_plain", "command", "what_is_it", "step", "part", "row", "column")
_PLURALS = ("none", "one-other", "east-slavic", "arabic")


@dataclass(frozen=True)
class _Entry:
    words: Words
    function: frozenset[str]
    frames: frozenset[str]
    references: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    question_labels: frozenset[str]
    answer_labels: frozenset[str]


@cache
def catalogue() -> Mapping[str, _Entry]:
    """``words.yaml``, read and checked once."""
    text = resources.files(__name__.rpartition(".")[0]).joinpath("words.yaml").read_text(encoding="utf-8")
    # libyaml's loader when there is one: it reads the same data several times faster.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {code: _entry(code, entry) for code, entry in data.items()}


def _entry(code: str, entry: Mapping[str, Any]) -> _Entry:
    missing = [m for m in (*_MESSAGES, "name", "question", "steps") if not entry.get(m)]
    if missing:
        raise ValueError(f"words.yaml: {code} has no {', '.join(missing)}")
    steps = entry["steps"]
    forms = {"other": steps} if isinstance(steps, str) else dict(steps)
    plural = entry.get("plural", "none")
    if plural not in _PLURALS or ("other" not in forms and "many" not in forms):
        raise ValueError(f"words.yaml: {code} has no plural rule {plural!r} or no “other” steps")
    forms.setdefault("other", forms.get("many", ""))
    question = entry["question"]
    words = Words(
        language=code,
        name=entry["name"],
        direction=entry.get("direction", "ltr"),
        opening=question.get("open", ""),
        mark=question["close"],
        marks=(*QUESTION_MARKS, *question.get("also", ())),
        messages={m: str(entry[m]) for m in _MESSAGES},
        steps_forms=forms,
        plural=plural,
        digits=entry.get("digits", ""),
    )
    return _Entry(
        words,
        frozenset(entry.get("function", ())),
        frozenset(str(f).lower() for f in entry.get("frames", ())),
        tuple(str(r).lower() for r in entry.get("references", ())),
        tuple(str(b).lower() for b in entry.get("before", ())),
        tuple(str(a).lower() for a in entry.get("after", ())),
        frozenset(str(q).lower() for q in entry.get("question_labels", ())),
        frozenset(str(a).lower() for a in entry.get("answer_labels", ())),
    )


def languages() -> tuple[str, ...]:
    """The languages deckbuilder speaks, in the catalogue's order."""
    return tuple(catalogue())


_ALIASES = {"jp": "ja", "kr": "ko", "cn": "zh", "gr": "el"}
"""Country codes written for a language's."""


def language_code(tag: str | None) -> str | None:
    """The catalogue's code of a language tag as front matter writes it (``pt-BR``, ``zh_CN``,
    ``zh-Hans``, ``EN``), or None when deckbuilder does not speak it."""
    if not tag:
        return None
    primary = re.split(r"[-_.@\s]", tag.strip().lower(), maxsplit=1)[0]
    primary = _ALIASES.get(primary, primary)
    return primary if primary in catalogue() else None


def words_for(language: str | None) -> Words:
    """The words of ``language`` (a code or a tag); English's when deckbuilder does not speak it."""
    return catalogue()[language_code(language) or DEFAULT].words


def function_words() -> frozenset[str]:
    """Every language's commonest short words (``the``, ``y``, ``de``), lower-cased: words no
    cloze hides."""
    return frozenset().union(*(entry.function for entry in catalogue().values()))


def frame_words() -> frozenset[str]:
    """Every language's frame words (``Overview``, ``背景``), lower-cased."""
    return frozenset().union(*(entry.frames for entry in catalogue().values()))


def reference_starts() -> tuple[str, ...]:
    """How a heading over references starts, in every language, lower-cased."""
    return tuple(start for entry in catalogue().values() for start in entry.references)


def question_labels() -> frozenset[str]:
    """The labels of a question (``Question:``, ``Q:``, ``问题：``), in every language, lower-cased."""
    return frozenset().union(*(entry.question_labels for entry in catalogue().values()))


def answer_labels() -> frozenset[str]:
    """The labels of an answer (``Answer:``, ``A:``, ``答案：``), in every language, lower-cased."""
    return frozenset().union(*(entry.answer_labels for entry in catalogue().values()))


def before_after_starts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How the headers of a before/after table's two columns start, in every language."""
    entries = catalogue().values()
    return (
        tuple(start for entry in entries for start in entry.before),
        tuple(start for entry in entries for start in entry.after),
    )
