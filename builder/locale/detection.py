"""A text's language when its front matter does not give it (:func:`detect`): the script it is
written in names it, and a text in the Latin script is told by which language's commonest
short words it holds most."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .catalogue import catalogue
from .words import DEFAULT

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
_OTHER_SCRIPTS = re.compile(
    "["
    + "".join(p.pattern.rstrip("+")[1:-1] for p in (_HAN, _KANA, _HANGUL, _ARABIC, _CYRILLIC, _GREEK))
    + "]"
)
"""A letter of any script but the Latin one: a text without one is counted in one pass."""
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
    if _OTHER_SCRIPTS.search(text) is None:  # Latin letters only, or none
        words = _LATIN.findall(text)
        return _latin_language(words) if words else DEFAULT
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
    for code, entry in catalogue().items():
        if not entry.function:
            continue
        found = sum(1 for w in lowered if w in entry.function)
        if found > most:
            best, most = code, found
    return best
