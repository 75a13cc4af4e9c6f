"""The note types decks use, with fixed ids so that a rebuilt deck updates them.

``deckbuilder prompt/answer`` (fields Prompt, Answer, Source) for every kind but ``metric``;
``deckbuilder cloze`` (fields Text, Extra, Source) for metrics and hand-written clozes;
``deckbuilder prompt/answer+reverse`` (the same fields) for hand-written cards with
``reverse: true``: one note, two cards (front -> back, back -> front), so Anki buries the sibling.
The ids below are constants: changing one makes Anki treat the note type, and every note of it,
as new.

Why a third note type rather than an optional reverse template on ``prompt/answer``: Anki's
``.apkg`` import (checked with the real ``anki`` library, see ``tests/test_anki_import.py``)
refuses to update any note whose note type's fields or templates differ from the learner's copy
("conflicting"): adding a template to ``prompt/answer`` would freeze every note of every deck at
its old content. A new note type changes no existing note; only reversible notes use it.
"""

from __future__ import annotations

from functools import cache

import genanki
from pygments.formatters import HtmlFormatter

PROMPT_MODEL_ID = 1_607_390_001
CLOZE_MODEL_ID = 1_607_390_002
REVERSE_MODEL_ID = 1_607_390_003

PROMPT_FIELDS = ("Prompt", "Answer", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Source")

# Field and template ids are fixed too, so that Anki matches them across releases.
_FIELD_IDS = {
    "prompt": (1_607_390_101, 1_607_390_102, 1_607_390_103),
    "cloze": (1_607_390_201, 1_607_390_202, 1_607_390_203),
    "reverse": (1_607_390_301, 1_607_390_302, 1_607_390_303),
}
_TEMPLATE_IDS = {"prompt": 1_607_390_111, "cloze": 1_607_390_211}
_REVERSE_TEMPLATE_IDS = (1_607_390_311, 1_607_390_312)

LIGHT_CODE_STYLE = "xcode"
NIGHT_CODE_STYLE = "monokai"

_BASE_CSS = """\
.card {
  --fg: #1f2328; --bg: #fdfdfc; --muted: #656d76; --line: #d0d7de;
  --code-bg: #f3f4f6; --accent: #0b5cad; --cloze: #0b5cad;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 18px;
  line-height: 1.45;
  text-align: left;
  color: var(--fg);
  background: var(--bg);
  margin: 0;
  padding: 12px;
  overflow-wrap: anywhere;
}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card {
  --fg: #e6edf3; --bg: #1c1d20; --muted: #9198a1; --line: #3d444d;
  --code-bg: #2a2d33; --accent: #6cb6ff; --cloze: #6cb6ff;
}
.card * { box-sizing: border-box; max-width: 100%; }
.crumb { font-size: 0.75em; color: var(--muted); margin-bottom: 0.35em; }
.ask { font-weight: 600; }
hr#answer { border: 0; border-top: 1px solid var(--line); margin: 0.9em 0; }
.answer p { margin: 0.35em 0; }
.answer ul, .answer ol { padding-left: 1.3em; margin: 0.35em 0; }
.answer li { margin: 0.15em 0; }
ul.pairs { list-style: none; padding-left: 0; }
ul.pairs .key { font-weight: 600; }
code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.88em;
  background: var(--code-bg);
  border-radius: 4px;
  padding: 0 0.2em;
}
.highlight {
  display: block;
  overflow-x: auto;
  -webkit-overflow-scrolling: touch;
  border: 1px solid var(--line);
  border-radius: 6px;
  margin: 0.5em 0;
}
.highlight pre {
  margin: 0;
  padding: 0.6em 0.75em;
  font-size: 0.78em;
  line-height: 1.4;
  white-space: pre;
  overflow-wrap: normal;
  max-width: none;
}
.highlight code { background: none; padding: 0; font-size: 1em; max-width: none; }
/* Each paragraph takes the direction of its own words (Persian, Arabic right to left), as
   dir="auto" would; code is always read left to right. */
.prompt, .answer, .extra, .prompt p, .answer p, .prompt li, .answer li { unicode-bidi: plaintext; }
.highlight, code { direction: ltr; unicode-bidi: isolate; text-align: left; }
.table { display: block; overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5em 0; }
.table table { border-collapse: collapse; font-size: 0.85em; max-width: none; }
.table th, .table td { border: 1px solid var(--line); padding: 0.3em 0.5em; vertical-align: top; }
.cloze { font-weight: 700; color: var(--cloze); }
/* A wide displayed formula (MathJax) scrolls in its own box, as code and tables do. */
mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; }
.extra { margin-top: 0.8em; font-size: 0.9em; }
.source { margin-top: 1.2em; font-size: 0.7em; color: var(--muted); }
img { height: auto; }
"""


@cache
def css() -> str:
    """The note types' CSS: layout, light and night colours, and code highlighting classes."""
    light = HtmlFormatter(style=LIGHT_CODE_STYLE).get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    night = HtmlFormatter(style=NIGHT_CODE_STYLE).get_style_defs(  # type: ignore[no-untyped-call]
        [".nightMode .highlight", ".night_mode .highlight"]
    )
    return "\n".join((_BASE_CSS, "/* code, light */", light, "/* code, night */", night)) + "\n"


def _fields(names: tuple[str, ...], ids: tuple[int, ...]) -> list[dict[str, object]]:
    return [{"name": name, "id": fid} for name, fid in zip(names, ids, strict=True)]


_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
_FORWARD = {
    "name": "Card 1",
    "qfmt": '<div class="prompt">{{Prompt}}</div>',
    "afmt": (
        '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n'
        f'<div class="answer">{{{{Answer}}}}</div>\n{_SOURCE}'
    ),
}
_BACKWARD = {
    "name": "Card 2",
    "qfmt": '<div class="prompt"><div class="answer">{{Answer}}</div></div>',
    "afmt": (
        '<div class="prompt"><div class="answer">{{Answer}}</div></div>\n<hr id="answer">\n'
        f'<div class="answer">{{{{Prompt}}}}</div>\n{_SOURCE}'
    ),
}
"""The reverse card: the answer asks, the prompt answers."""


def prompt_model() -> genanki.Model:
    """The prompt/answer note type."""
    return genanki.Model(
        PROMPT_MODEL_ID,
        "deckbuilder prompt/answer",
        fields=_fields(PROMPT_FIELDS, _FIELD_IDS["prompt"]),
        templates=[{**_FORWARD, "id": _TEMPLATE_IDS["prompt"]}],
        css=css(),
        sort_field_index=0,
    )


def reverse_model() -> genanki.Model:
    """The prompt/answer note type with a reverse card: one note, two sibling cards."""
    forward, backward = _REVERSE_TEMPLATE_IDS
    return genanki.Model(
        REVERSE_MODEL_ID,
        "deckbuilder prompt/answer+reverse",
        fields=_fields(PROMPT_FIELDS, _FIELD_IDS["reverse"]),
        templates=[{**_FORWARD, "id": forward}, {**_BACKWARD, "id": backward}],
        css=css(),
        sort_field_index=0,
    )


def cloze_model() -> genanki.Model:
    """The cloze note type: metrics, and hand-written cloze cards."""
    return genanki.Model(
        CLOZE_MODEL_ID,
        "deckbuilder cloze",
        fields=_fields(CLOZE_FIELDS, _FIELD_IDS["cloze"]),
        templates=[
            {
                "name": "Cloze",
                "id": _TEMPLATE_IDS["cloze"],
                "qfmt": '<div class="prompt">{{cloze:Text}}</div>',
                "afmt": (
                    '<div class="prompt">{{cloze:Text}}</div>\n'
                    '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}\n'
                    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
                ),
            }
        ],
        css=css(),
        model_type=genanki.Model.CLOZE,
        sort_field_index=0,
    )


MODELS = {"prompt": prompt_model, "cloze": cloze_model, "reverse": reverse_model}
"""Each note type by the name notes and manifests know it by (``Note.model``)."""
MODEL_IDS = {"prompt": PROMPT_MODEL_ID, "cloze": CLOZE_MODEL_ID, "reverse": REVERSE_MODEL_ID}
