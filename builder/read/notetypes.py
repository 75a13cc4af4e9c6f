"""A team's note types and styles: the YAML files of a source folder's ``notetypes/`` folder, and
the CSS files decks name with ``style:``.

A note type file, ``notetypes/<key>.yaml`` (its key is its file name: letters, digits, ``-``
and ``_``)::

    name: Team vocabulary                # its name in Anki (default: the key)
    fields: [Word, Meaning, Source]
    templates:
      - name: Recognise
        front: "{{Word}}"
        back: "{{FrontSide}}<hr id=answer>{{Meaning}}"
    css: vocab.css                       # a file beside it, or the CSS itself
    cloze: false                         # true: one card per deletion of the first field

Its id in Anki is made from its key, so a later release updates the learner's copy in place
(its fields and templates are its shape: changing them is a major release; its CSS, a minor
one). A deck's cards of a built-in kind use it when the deck's ``note_types`` says so
(``note_types: {prompt: team-qa}``); it must then have the built-in note type's fields.

What is shipped to learners must be safe to import: a template or CSS that could run a script
(``<script>``, an ``on…=`` handler, ``javascript:``, CSS ``expression()``, ``@import``, a
``</style>``) is refused, at its line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..depends import packed_name
from ..errors import SourceError
from ..model import Diagnostic, NoteType, Origin, Template
from ..model.notetype import KEY
from ..text import read_text
from ..yamlload import DECKS_YAML, key_lines, load

KEYS = ("name", "fields", "templates", "css", "cloze")
TEMPLATE_KEYS = ("name", "front", "back")
MAX_TEMPLATES = 20
MAX_TEMPLATE_CHARS = 20_000
"""The most characters a template's two sides may have: a card's layout, not its content
(Anki renders them for every card of every learner, and the preview fills them for each)."""
SPECIAL_FIELDS = frozenset({"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type", "CardID"})
"""What Anki's templates may show besides the note type's fields."""

_UNSAFE_HTML = re.compile(
    r"<\s*/?\s*(?:script|iframe|frame|frameset|object|embed|applet|link|meta|base|form)\b"
    r"|\bon[a-z]+\s*=|\bsrcdoc\s*=|javascript\s*:",
    re.I,
)
_UNSAFE_CSS = re.compile(r"expression\s*\(|javascript\s*:|@import|</\s*style|behavior\s*:|-moz-binding", re.I)
_REFERENCE = re.compile(r"\{\{([^{}]*)\}\}")


def note_type_id(key: str) -> int:
    """A team note type's id in Anki, made from its key: the same key, the same note type."""
    return int(hashlib.sha256(f"deckbuilder note type\0{key}".encode()).hexdigest()[:12], 16)


def derived_id(base: int, variant: str) -> int:
    """The id of a variant (a style, a voice) of a note type: stable for the same variant."""
    return int(hashlib.sha256(f"deckbuilder note type\0{base}\0{variant}".encode()).hexdigest()[:12], 16)


def unsafe_css(css: str) -> str | None:
    """What in ``css`` could run a script or load another file, if anything."""
    found = _UNSAFE_CSS.search(css)
    return found.group(0) if found else None


def read_style(path: Path, shown: str) -> tuple[str, tuple[Path, str]]:
    """A style's CSS, refused (:class:`SourceError` at its line) if it could run a script;
    with the file and the content-hash name of what was read."""
    css = read_text(path, shown)
    _check_css(css, shown, 1)
    return css, _read(path, css)


def _read(path: Path, text: str) -> tuple[Path, str]:
    """A file read, and the content-hash name of its text as read."""
    return path, packed_name(text.encode("utf-8"), path.suffix)


def read_note_types(folder: Path) -> tuple[dict[str, NoteType], list[Diagnostic]]:
    """The note types of ``folder`` (a source folder's ``notetypes/``), by key; a file with a
    problem gives none, and an error at its line."""
    found: dict[str, NoteType] = {}
    problems: list[Diagnostic] = []
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
            continue
        try:
            found[path.stem] = _note_type(path)
        except SourceError as error:
            problems.append(error.diagnostic())
    return found, problems


def read_note_type(folder: Path, key: str) -> NoteType | None:
    """The note type ``key`` of ``folder`` (a source folder's ``notetypes/``); None when it has
    none of that key, or one with a problem (which :func:`read_note_types` reports)."""
    if not KEY.fullmatch(key):
        return None
    for suffix in (".yaml", ".yml"):
        path = folder / f"{key}{suffix}"
        if path.is_file():
            try:
                return _note_type(path)
            except SourceError:
                return None
    return None


def _note_type(path: Path) -> NoteType:
    shown = str(path)
    if not KEY.fullmatch(path.stem):
        raise SourceError(Origin(shown, 1), "a note type's file name may hold only a-z, 0-9, - and _")
    text = read_text(path, shown)
    node, data = load(text, shown, DECKS_YAML)
    if not isinstance(data, dict):
        raise SourceError(Origin(shown, 1), "a note type file is a mapping: name, fields, templates, css")
    lines = key_lines(node, 1)

    def at(key: str) -> Origin:
        return Origin(shown, lines.get(key, 1))

    for key in data:
        if key not in KEYS:
            raise SourceError(at(str(key)), f"unknown note type key “{key}” (known: {', '.join(KEYS)})")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip() or any(ord(c) < 32 for c in name):
        raise SourceError(at("name"), "“name” must be one line of text")
    fields = data.get("fields")
    if (
        not isinstance(fields, list)
        or not fields
        or not all(isinstance(f, str) and f.strip() for f in fields)
    ):
        raise SourceError(at("fields"), "“fields” must be a list of field names")
    names = tuple(f.strip() for f in fields)
    if len(set(names)) != len(names) or any(_bad_field(f) for f in names):
        raise SourceError(at("fields"), 'field names must differ and hold no {, }, :, " or #')
    cloze = data.get("cloze", False)
    if not isinstance(cloze, bool):
        raise SourceError(at("cloze"), "“cloze” must be true or false")
    templates = _templates(data.get("templates"), names, at("templates"), cloze)
    css, files = _css(data.get("css", ""), path, at("css"))
    files = (_read(path, text), *files)
    return NoteType(
        key=path.stem,
        name=name.strip(),
        id=note_type_id(path.stem),
        fields=names,
        templates=templates,
        css=css,
        cloze=cloze,
        files=files,
    )


def _bad_field(name: str) -> bool:
    return any(c in name for c in '{}:"#') or name.startswith(("^", "/"))


def _templates(value: Any, fields: tuple[str, ...], origin: Origin, cloze: bool) -> tuple[Template, ...]:
    if not isinstance(value, list) or not value:
        raise SourceError(origin, "“templates” must be a list of cards, each with name, front and back")
    if cloze and len(value) != 1:
        raise SourceError(origin, "a cloze note type has one template")
    out = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or any(k not in TEMPLATE_KEYS for k in item):
            raise SourceError(origin, f"template {n}: give name, front and back")
        front, back = item.get("front"), item.get("back")
        name = item.get("name", f"Card {n}")
        if not all(isinstance(v, str) and v.strip() for v in (front, back, name)):
            raise SourceError(origin, f"template {n}: name, front and back must be text")
        assert isinstance(front, str) and isinstance(back, str) and isinstance(name, str)
        if len(front) + len(back) > MAX_TEMPLATE_CHARS or len(value) > MAX_TEMPLATES:
            raise SourceError(
                origin,
                f"a note type has at most {MAX_TEMPLATES} templates of {MAX_TEMPLATE_CHARS:,} characters",
            )
        for side in (front, back):
            _check_template(side, fields, origin, n)
        if not any(_field_of(ref) in fields for ref in _REFERENCE.findall(front)):
            raise SourceError(origin, f"template {n}: its front shows no field")
        out.append(Template(name.strip(), front, back))
    if len({t.name for t in out}) != len(out):
        raise SourceError(origin, "two templates have one name")
    return tuple(out)


def _field_of(reference: str) -> str:
    """The field a template reference shows: ``{{#Extra}}`` → ``Extra``, ``{{cloze:Text}}`` →
    ``Text``, ``{{tts en_US:Front}}`` → ``Front``."""
    inner = reference.strip().lstrip("#^/").strip()
    return inner.rsplit(":", 1)[-1].strip()


def _check_template(side: str, fields: tuple[str, ...], origin: Origin, n: int) -> None:
    unsafe = _UNSAFE_HTML.search(side)
    if unsafe:
        raise SourceError(
            origin, f"template {n}: “{unsafe.group(0)}” could run a script on a learner's device"
        )
    for reference in _REFERENCE.findall(side):
        field = _field_of(reference)
        if (
            field
            and not reference.strip().startswith("!")
            and field not in fields
            and field not in SPECIAL_FIELDS
        ):
            raise SourceError(origin, f"template {n} shows “{field}”, which is not one of the fields")


def _css(value: Any, path: Path, origin: Origin) -> tuple[str, tuple[tuple[Path, str], ...]]:
    """The note type's CSS: a ``.css`` file beside its YAML, or the CSS itself."""
    if not isinstance(value, str):
        raise SourceError(origin, "“css” must be a .css file's name or the CSS itself")
    if value.strip().lower().endswith(".css") and "\n" not in value.strip():
        file = path.parent / value.strip()
        if not file.resolve().is_relative_to(path.parent.resolve()):
            raise SourceError(origin, "a note type's CSS file must be inside its notetypes folder")
        css = read_text(file, str(file))
        _check_css(css, str(file), 1)
        return css, (_read(file, css),)
    _check_css(value, origin.path, origin.line)
    return value, ()


def _check_css(css: str, shown: str, first_line: int) -> None:
    found = _UNSAFE_CSS.search(css)
    if found:
        line = first_line + css.count("\n", 0, found.start())
        raise SourceError(
            Origin(shown, line), f"“{found.group(0)}” in CSS could run a script or load a file; remove it"
        )
