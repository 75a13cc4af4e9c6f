"""The words of one language as prompts use them (:class:`Words`: its question mark, its
colon, its messages, its digits and plural forms), and the marks that end a question or a
sentence in any script."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
