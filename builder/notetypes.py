"""The note types decks use, with fixed ids so that a rebuilt deck updates them.

``deckbuilder prompt/answer`` (fields Prompt, Answer, Source) for every kind but ``metric``;
``deckbuilder cloze`` (fields Text, Extra, Source) for metrics and hand-written clozes;
``deckbuilder prompt/answer+reverse`` (the same fields) for hand-written cards with
``reverse: true``: one note, two cards (front -> back, back -> front), so Anki buries the sibling;
``deckbuilder type-in`` (the same fields) for cards whose answer the learner types (Anki's
``{{type:Answer}}``).
The ids below are constants: changing one makes Anki treat the note type, and every note of it,
as new.

Why a third note type rather than an optional reverse template on ``prompt/answer``: Anki's
``.apkg`` import (checked with the real ``anki`` library, see ``tests/test_anki_import.py``)
refuses to update any note whose note type's fields or templates differ from the learner's copy
("conflicting"): adding a template to ``prompt/answer`` would freeze every note of every deck at
its old content. A new note type changes no existing note; only reversible notes use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path

import genanki
from pygments.formatters import HtmlFormatter

from .model.notetype import Look, NoteType, Template
from .read.notetypes import derived_id

PROMPT_MODEL_ID = 1_607_390_001
CLOZE_MODEL_ID = 1_607_390_002
REVERSE_MODEL_ID = 1_607_390_003
TYPEIN_MODEL_ID = 1_607_390_004

PROMPT_FIELDS = ("Prompt", "Answer", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Source")

# Field and template ids are fixed too, so that Anki matches them across releases.
_FIELD_IDS = {
    "prompt": (1_607_390_101, 1_607_390_102, 1_607_390_103),
    "cloze": (1_607_390_201, 1_607_390_202, 1_607_390_203),
    "reverse": (1_607_390_301, 1_607_390_302, 1_607_390_303),
    "typein": (1_607_390_401, 1_607_390_402, 1_607_390_403),
}
_TEMPLATE_IDS = {"prompt": 1_607_390_111, "cloze": 1_607_390_211, "typein": 1_607_390_411}
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


_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
_FORWARD_FRONT = '<div class="prompt">{{Prompt}}</div>'
_FORWARD_BACK = (
    '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n'
    f'<div class="answer">{{{{Answer}}}}</div>\n{_SOURCE}'
)
_BACKWARD_FRONT = '<div class="prompt"><div class="answer">{{Answer}}</div></div>'
_BACKWARD_BACK = (
    '<div class="prompt"><div class="answer">{{Answer}}</div></div>\n<hr id="answer">\n'
    f'<div class="answer">{{{{Prompt}}}}</div>\n{_SOURCE}'
)
"""The reverse card: the answer asks, the prompt answers."""
_TYPED_FRONT = '<div class="prompt">{{Prompt}}</div>\n{{type:Answer}}'
_TYPED_BACK = (
    '<div class="prompt">{{Prompt}}</div>\n<hr id="answer">\n{{type:Answer}}\n'
    f'<div class="answer">{{{{Answer}}}}</div>\n{_SOURCE}'
)
"""The type-in card: the learner types the answer, and Anki shows what differs."""
_CLOZE_FRONT = '<div class="prompt">{{cloze:Text}}</div>'
_CLOZE_BACK = (
    '<div class="prompt">{{cloze:Text}}</div>\n'
    '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}\n'
    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
)


@cache
def builtin() -> dict[str, NoteType]:
    """The built-in note types, by the key notes and manifests know them by (``Note.model``)."""
    style = css()
    return {
        "prompt": NoteType(
            "prompt",
            "deckbuilder prompt/answer",
            PROMPT_MODEL_ID,
            PROMPT_FIELDS,
            (Template("Card 1", _FORWARD_FRONT, _FORWARD_BACK, _TEMPLATE_IDS["prompt"]),),
            style,
            field_ids=_FIELD_IDS["prompt"],
        ),
        "cloze": NoteType(
            "cloze",
            "deckbuilder cloze",
            CLOZE_MODEL_ID,
            CLOZE_FIELDS,
            (Template("Cloze", _CLOZE_FRONT, _CLOZE_BACK, _TEMPLATE_IDS["cloze"]),),
            style,
            cloze=True,
            field_ids=_FIELD_IDS["cloze"],
        ),
        "reverse": NoteType(
            "reverse",
            "deckbuilder prompt/answer+reverse",
            REVERSE_MODEL_ID,
            PROMPT_FIELDS,
            (
                Template("Card 1", _FORWARD_FRONT, _FORWARD_BACK, _REVERSE_TEMPLATE_IDS[0]),
                Template("Card 2", _BACKWARD_FRONT, _BACKWARD_BACK, _REVERSE_TEMPLATE_IDS[1]),
            ),
            style,
            field_ids=_FIELD_IDS["reverse"],
        ),
        "typein": NoteType(
            "typein",
            "deckbuilder type-in",
            TYPEIN_MODEL_ID,
            PROMPT_FIELDS,
            (Template("Card 1", _TYPED_FRONT, _TYPED_BACK, _TEMPLATE_IDS["typein"]),),
            style,
            field_ids=_FIELD_IDS["typein"],
        ),
    }


RECORDED = ("prompt", "cloze", "reverse")
"""The built-in note types every manifest records, whether or not the deck's notes use them
(as every release has); any other only when its notes use it."""


def model(note_type: NoteType) -> genanki.Model:
    """The note type as genanki writes it: a new one each time (writing a package adds to its
    fields and templates)."""
    return genanki.Model(
        note_type.id,
        note_type.name,
        fields=fields_of(note_type),
        templates=templates_of(note_type),
        css=note_type.css,
        model_type=genanki.Model.CLOZE if note_type.cloze else genanki.Model.FRONT_BACK,
        sort_field_index=0,
    )


def fields_of(note_type: NoteType) -> list[dict[str, object]]:
    """The note type's fields as genanki and Anki's JSON give them."""
    return [
        {"name": name, **({"id": note_type.field_ids[i]} if note_type.field_ids else {})}
        for i, name in enumerate(note_type.fields)
    ]


def templates_of(note_type: NoteType) -> list[dict[str, object]]:
    """The note type's card templates as genanki and Anki's JSON give them, the keys in the
    order every release has written them (a cloze template's id second): the same note type
    is the same bytes."""
    out: list[dict[str, object]] = []
    for t in note_type.templates:
        ident = {"id": t.id} if t.id is not None else {}
        sides = {"qfmt": t.front, "afmt": t.back}
        out.append(
            {"name": t.name, **ident, **sides} if note_type.cloze else {"name": t.name, **sides, **ident}
        )
    return out


def ids() -> dict[str, int]:
    """Each built-in note type's id, by its key."""
    return {key: t.id for key, t in builtin().items()}


def of(note_types: tuple[NoteType, ...]) -> dict[str, NoteType]:
    """The note types a deck's notes may use, by key: a deck's own (:attr:`DeckPlan.note_types`:
    a style's, a team's) over the built-in ones."""
    return {**builtin(), **{t.key: t for t in note_types}}


def recorded_ids(models: Mapping[str, Mapping[str, str]]) -> dict[int, str]:
    """The ids of the note types a manifest records (:attr:`Manifest.models`), with their keys:
    the id it records (a style's, a team's), else the built-in one of the key."""
    known = ids()
    found = {}
    for key, state in models.items():
        mid = state.get("id") or known.get(key)
        if mid is not None:
            found[int(mid)] = key
    return found


def resolve(
    look: Look, style: tuple[str, tuple[Path, str]] | None, team: Mapping[str, NoteType]
) -> tuple[NoteType, ...]:
    """A deck's own note types (:attr:`builder.model.DeckPlan.note_types`) from how its sources
    ask its cards to look: ``style``, the deck's CSS file and its text (added after the
    built-in style, or in its place with ``replace``; with the file it was read from and its
    hash, see :func:`builder.read.notetypes.read_style`); ``tts``, a voice reading each prompt;
    ``note_types``, a team's note type (of ``team``, by key) in place of a built-in one, with
    its fields. Each variant of a built-in note type is a note type of its own, with an id made
    from what varies: a deck with another style never changes the note types of decks without
    it, and a changed CSS file updates the learner's copy in place. ``ValueError`` says what is
    wrong."""
    out: dict[str, NoteType] = {}
    for key, base in builtin().items():
        variant = base
        if style is not None:
            css, read = style
            name = read[0].stem
            variant = replace(
                variant,
                name=f"{variant.name} ({name})",
                id=derived_id(variant.id, f"style\0{name}"),
                css=css if look.replace else f"{variant.css}\n/* {name} */\n{css}",
                files=(read,),
            )
        if look.tts is not None:
            variant = replace(
                variant,
                name=f"{variant.name} (tts {look.tts})",
                id=derived_id(variant.id, f"tts\0{look.tts}"),
                templates=_spoken(variant, look.tts),
            )
        if variant is not base:
            out[key] = variant
    for key, chosen in look.note_types:
        built = builtin().get(key)
        if built is None:
            raise ValueError(f"“note_types”: “{key}” is not a built-in note type ({', '.join(builtin())})")
        theirs = team.get(chosen)
        if theirs is None:
            known = ", ".join(sorted(team)) or "none"
            raise ValueError(f"“note_types”: no note type “{chosen}” in notetypes/ (there: {known})")
        if theirs.fields != built.fields or theirs.cloze != built.cloze:
            raise ValueError(
                f"note type “{chosen}” cannot stand for “{key}”: it needs the fields {', '.join(built.fields)}"
                + (" and to be a cloze note type" if built.cloze else "")
            )
        out[key] = replace(theirs, key=key)
    if len({t.id for t in out.values()}) != len(out):
        raise ValueError("“note_types” names one note type for two kinds of card")
    return tuple(out[key] for key in sorted(out))


def _spoken(note_type: NoteType, language: str) -> tuple[Template, ...]:
    """The note type's templates with Anki's text-to-speech reading the question's first field
    on the front of its first card (the cloze text with its gap, for a cloze)."""
    first = note_type.fields[0]
    voice = f"{{{{tts {language}:cloze:{first}}}}}" if note_type.cloze else f"{{{{tts {language}:{first}}}}}"
    head, *rest = note_type.templates
    return (replace(head, front=f"{head.front}\n{voice}"), *rest)
