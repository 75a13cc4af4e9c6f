"""The words deckbuilder adds to a prompt, in the language of the document (``words_for``),
and that language when the front matter does not give it (``detect``).

The words live in a message catalogue, ``words.yaml`` beside this module: one entry per
language, every message in each. A language deckbuilder does not speak gets English words.
Detection is deterministic and small: the script a text is written in names its language
(Han without kana: Chinese; kana: Japanese; Hangul: Korean; the Arabic script: Persian when
Persian's own letters outnumber Arabic's, else Arabic; Cyrillic: Russian; Greek), and a text
in the Latin script is told by which language's commonest short words it holds most.

A language's words are :mod:`.words`, the catalogue is read in :mod:`.catalogue`, and
detection is :mod:`.detection`.
"""

from __future__ import annotations

from .catalogue import (
    answer_labels,
    before_after_starts,
    frame_words,
    function_words,
    language_code,
    languages,
    question_labels,
    reference_starts,
    words_for,
)
from .detection import detect
from .words import DEFAULT, QUESTION_MARKS, SENTENCE_ENDS, Words, ends_sentence

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
