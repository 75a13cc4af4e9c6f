"""The two note types every deck uses, with fixed ids so that a rebuilt deck updates them.

``deckbuilder prompt/answer`` (fields Prompt, Answer, Source) for every kind but ``metric``;
``deckbuilder cloze`` (fields Text, Extra, Source) for metrics. The ids below are constants:
changing one makes Anki treat the note type, and every note of it, as new.
"""

from __future__ import annotations

from functools import cache

import genanki
from pygments.formatters import HtmlFormatter

PROMPT_MODEL_ID = 1_607_390_001
CLOZE_MODEL_ID = 1_607_390_002

PROMPT_FIELDS = ("Prompt", "Answer", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Source")

# Field and template ids are fixed too, so that Anki matches them across releases.
_FIELD_IDS = {
    "prompt": (1_607_390_101, 1_607_390_102, 1_607_390_103),
    "cloze": (1_607_390_201, 1_607_390_202, 1_607_390_203),
}
_TEMPLATE_IDS = {"prompt": 1_607_390_111, "cloze": 1_607_390_211}

LIGHT_CODE_STYLE = "friendly"
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


def prompt_model() -> genanki.Model:
    """The prompt/answer note type."""
    return genanki.Model(
        PROMPT_MODEL_ID,
        "deckbuilder prompt/answer",
        fields=_fields(PROMPT_FIELDS, _FIELD_IDS["prompt"]),
        templates=[
            {
                "name": "Card 1",
                "id": _TEMPLATE_IDS["prompt"],
                "qfmt": '<div class="prompt">{{Prompt}}</div>',
                "afmt": (
                    '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n'
                    '<div class="answer">{{Answer}}</div>\n'
                    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
                ),
            }
        ],
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


MODELS = {"prompt": prompt_model, "cloze": cloze_model}
