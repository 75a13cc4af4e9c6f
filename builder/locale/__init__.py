"""The words deckbuilder adds to a prompt, in the language of the document (``words_for``),
and that language when the front matter does not give it (``detect``).

The words live in a message catalogue, ``words.yaml`` beside this module: one entry per
language, every message in each. A language deckbuilder does not speak gets English words.
Detection is deterministic and small: the script a text is written in names its language
(Han without kana: Chinese; kana: Japanese; Hangul: Korean; the Arabic script: Persian when
Persian's own letters outnumber Arabic's, else Arabic; Cyrillic: Russian; Greek), and a text
in the Latin script is told by which language's commonest short words it holds most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "DEFAULT",
    "QUESTION_MARKS",
    "SENTENCE_ENDS",
    "Words",
    "answer_labels",
    "before_after_starts",
    "detect",
    "ends_sentence",
    "frame_words",
    "function_words",
    "language_code",
    "languages",
    "question_labels",
    "reference_starts",
    "words_for",
]

DEFAULT = "en"
"""The language of a document that gives none and whose text tells none."""

QUESTION_MARKS = ("?", "？", "؟", "\u037e", "⸮", "﹖", "՞", "፧", "꘏")
"""Marks that end a question in any language: Latin's, the full-width one of Chinese and
Japanese, the Arabic script's, Greek's own (U+037E), the small and reversed forms, Armenian,
Ethiopic and Vai."""

SENTENCE_ENDS = (".", "!", "。", "！", "．", "۔", "।", *QUESTION_MARKS)
"""Marks that end a sentence in any script: Latin's, the full stops and exclamation marks of
Chinese and Japanese, the Urdu and Devanagari full stops, and every question mark."""


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends as a sentence does, in any script."""
    return text.rstrip().endswith(SENTENCE_ENDS)


_SPACES = " \u00a0\u202f\t"
"""White space a prompt's end may have before its mark (French puts a narrow one there)."""


@dataclass(frozen=True)
class Words:
    """The words of one language, as prompts use them."""

    language: str
    """The language's code (``en``, ``zh``)."""
    name: str
    """Its own name for itself."""
    direction: str
    """``rtl`` for a language written right to left (Persian, Arabic), else ``ltr``."""
    opening: str
    """What opens a question ('¿' in Spanish, '' elsewhere)."""
    mark: str
    """What closes one (with the space French writes before it)."""
    marks: tuple[str, ...]
    """Every mark that ends a question in this language."""
    messages: Mapping[str, str]
    """The single messages (``colon``, ``comma``, ``code``, ``code_plain``, ``command``, ``what_is_it``,
    ``step``, ``row``, ``column``)."""
    steps_forms: Mapping[str, str]
    """The ``steps`` message by plural form (``other`` alone when the noun does not agree)."""
    plural: str
    """The plural rule (:func:`_plural_form`)."""
    digits: str
    """The ten digits numbers are written with ('' for 0-9)."""

    def number(self, n: int) -> str:
        """``n`` in this language's digits."""
        text = str(n)
        return text.translate(str.maketrans("0123456789", self.digits)) if self.digits else text

    def ask(self, text: str) -> str:
        """``text`` asked: closed by the language's question mark (and opened, in Spanish)."""
        opening = "" if not self.opening or text.startswith(self.opening) else self.opening
        return f"{opening}{text}{self.mark}"

    @property
    def colon(self) -> str:
        """What stands between a name and what is asked of it (``": "``, Chinese ``"："``)."""
        return self.messages["colon"]

    @property
    def comma(self) -> str:
        """What parts the items of a list in a prompt (``", "``, Chinese ``"，"``)."""
        return self.messages["comma"]

    def pair(self, *parts: str) -> str:
        """``parts`` told apart by the colon, the empty ones left out: ``Row: Column``."""
        return self.colon.join(part for part in parts if part)

    def ends_question(self, text: str) -> bool:
        """Whether ``text`` ends with a question mark of any script (Greek's ``;`` in Greek)."""
        return text.rstrip(_SPACES).endswith(self.marks)

    def unasked(self, text: str) -> str:
        """``text`` without the question marks and spaces at its end (nor a '¿' opening it)."""
        bare = text
        while bare and (bare[-1] in _SPACES or bare.endswith(self.marks)):
            bare = bare[:-1]
        if self.opening and bare != text and bare.startswith(self.opening):
            bare = bare[len(self.opening) :]
        return bare

    def code(self, lexer: str | None) -> str:
        """What a prompt calls a code block's answer: ``Rust code``, or ``code`` when the
        block's language is not known."""
        return self.messages["code"].format(lexer=lexer) if lexer else self.messages["code_plain"]

    def command(self) -> str:
        """What a prompt calls a shell block's answer."""
        return self.messages["command"]

    def what_is_it(self) -> str:
        """The prompt asking what the concept the breadcrumb names is, its question mark included."""
        return self.ask(self.messages["what_is_it"])

    def steps_in_order(self, n: int) -> str:
        """The prompt of ``n`` steps asked in order, its question mark included."""
        forms = self.steps_forms
        form = _plural_form(self.plural, n)
        text = forms.get(form) or forms["other"]
        return self.ask(text.format(n=self.number(n)))

    def step(self, n: int) -> str:
        """The title of the ``n``-th step when it has no words of its own."""
        return self.messages["step"].format(n=self.number(n))

    def part(self, n: int, total: int) -> str:
        """The name of the ``n``-th of ``total`` parts a code block is cut into."""
        return self.messages["part"].format(n=self.number(n), total=self.number(total))

    def row(self, n: int) -> str:
        """The name of the ``n``-th row when its first cell is empty."""
        return self.messages["row"].format(n=self.number(n))

    def column(self, n: int) -> str:
        """The name of the ``n``-th column when its header is empty."""
        return self.messages["column"].format(n=self.number(n))


def _plural_form(rule: str, n: int) -> str:
    """The plural form (CLDR's names) a noun takes after ``n`` under ``rule``."""
    if rule == "one-other":
        return "one" if n == 1 else "other"
    if rule == "east-slavic":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if rule == "arabic":
        if n in (0, 1, 2):
            return ("zero", "one", "two")[n]
        if 3 <= n % 100 <= 10:
            return "few"
        return "many" if 11 <= n % 100 <= 99 else "other"
    return "other"


# --- The catalogue ------------------------------------------------------------------------

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
def _catalogue() -> Mapping[str, _Entry]:
    """``words.yaml``, read and checked once."""
    text = resources.files(__name__).joinpath("words.yaml").read_text(encoding="utf-8")
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
    return tuple(_catalogue())


_ALIASES = {"jp": "ja", "kr": "ko", "cn": "zh", "gr": "el"}
"""Country codes written for a language's."""


def language_code(tag: str | None) -> str | None:
    """The catalogue's code of a language tag as front matter writes it (``pt-BR``, ``zh_CN``,
    ``zh-Hans``, ``EN``), or None when deckbuilder does not speak it."""
    if not tag:
        return None
    primary = re.split(r"[-_.@\s]", tag.strip().lower(), maxsplit=1)[0]
    primary = _ALIASES.get(primary, primary)
    return primary if primary in _catalogue() else None


def words_for(language: str | None) -> Words:
    """The words of ``language`` (a code or a tag); English's when deckbuilder does not speak it."""
    return _catalogue()[language_code(language) or DEFAULT].words


def function_words() -> frozenset[str]:
    """Every language's commonest short words (``the``, ``y``, ``de``), lower-cased: words no
    cloze hides."""
    return frozenset().union(*(entry.function for entry in _catalogue().values()))


def frame_words() -> frozenset[str]:
    """Every language's frame words (``Overview``, ``背景``), lower-cased."""
    return frozenset().union(*(entry.frames for entry in _catalogue().values()))


def reference_starts() -> tuple[str, ...]:
    """How a heading over references starts, in every language, lower-cased."""
    return tuple(start for entry in _catalogue().values() for start in entry.references)


def question_labels() -> frozenset[str]:
    """The labels of a question (``Question:``, ``Q:``, ``问题：``), in every language, lower-cased."""
    return frozenset().union(*(entry.question_labels for entry in _catalogue().values()))


def answer_labels() -> frozenset[str]:
    """The labels of an answer (``Answer:``, ``A:``, ``答案：``), in every language, lower-cased."""
    return frozenset().union(*(entry.answer_labels for entry in _catalogue().values()))


def before_after_starts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How the headers of a before/after table's two columns start, in every language."""
    entries = _catalogue().values()
    return (
        tuple(start for entry in entries for start in entry.before),
        tuple(start for entry in entries for start in entry.after),
    )


# --- Detection ----------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+")
SAMPLE = 100_000
"""Characters of a text detection reads: enough to tell any language, few enough to stay quick."""
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]+")
_PERSIAN = "پچژگیک"
"""Letters Persian writes and Arabic does not (ی and ک are Persian's forms of ي and ك)."""
_ARABIC_ONLY = "يكةى"
"""Letters Arabic writes where Persian writes its own (and the tāʾ marbūṭa, rare in Persian)."""


def detect(texts: str | Iterable[str]) -> str:
    """The language ``texts`` are written in (prose only: leave code out), as a catalogue code.

    Each script's words are counted (two Han or kana characters making a word), and the script
    with most names the language; a text in the Latin script is told by its function words.
    Nothing found: English.
    """
    text = texts if isinstance(texts, str) else _sample(texts)
    text = unicodedata.normalize("NFC", _URL.sub(" ", text[:SAMPLE]))
    han, kana = len(_HAN.findall(text)), len(_KANA.findall(text))
    arabic = _ARABIC.findall(text)
    latin = _LATIN.findall(text)
    counts = {
        "cjk": (han + kana) / 2,
        "ko": len(_HANGUL.findall(text)),
        "arabic": len(arabic),
        "ru": len(_CYRILLIC.findall(text)),
        "el": len(_GREEK.findall(text)),
        "latin": len(latin),
    }
    script = max(counts, key=lambda s: (counts[s], s == "latin"))
    if not counts[script]:
        return DEFAULT
    if script == "cjk":
        return "ja" if kana and kana >= 0.1 * (han + kana) else "zh"
    if script == "arabic":
        letters = "".join(arabic)
        persian = sum(letters.count(c) for c in _PERSIAN)
        return "fa" if persian > sum(letters.count(c) for c in _ARABIC_ONLY) else "ar"
    if script == "latin":
        return _latin_language(latin)
    return script


def _sample(texts: Iterable[str]) -> str:
    """The first :data:`SAMPLE` characters of ``texts``, one a line."""
    taken: list[str] = []
    size = 0
    for text in texts:
        taken.append(text)
        size += len(text) + 1
        if size >= SAMPLE:
            break
    return "\n".join(taken)


LEAST_FUNCTION_WORDS = 2
"""Function words a text in the Latin script must hold to be told from English: a few words
of markup and names ("Tag: <script>… y") say nothing of their language."""


def _latin_language(words: list[str]) -> str:
    """The Latin-script language whose function words ``words`` hold most (English on a tie,
    or when none holds :data:`LEAST_FUNCTION_WORDS`)."""
    lowered = [w.lower() for w in words]
    best, most = DEFAULT, LEAST_FUNCTION_WORDS - 1
    for code, entry in _catalogue().items():
        if not entry.function:
            continue
        found = sum(1 for w in lowered if w in entry.function)
        if found > most:
            best, most = code, found
    return best
