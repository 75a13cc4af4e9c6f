"""What an SVG image may hold: a picture, never a script.

An SVG is a document: ``<script>``, ``on…=`` event attributes, ``javascript:`` links and
``<foreignObject>`` (HTML inside the picture) run in whatever shows it. Anki shows packed
images in its webview, so an SVG holding any of them is refused, never packed. A DOCTYPE with
declarations of its own (an internal subset) or an entity is refused too: entities can expand a
small file into gigabytes. The bare DOCTYPE that naming the SVG 1.1 DTD, as Graphviz and
Inkscape write it, declares nothing and is read (the DTD is never fetched). The file is read
with expat, event by event (no tree is built), and nothing is fetched.
"""

from __future__ import annotations

import re
from xml.parsers import expat

_ACTIVE_ELEMENTS = {"script": "<script>", "foreignobject": "<foreignObject>", "handler": "<handler>"}
_SPACE = re.compile(r"[\x00-\x20]+")
_SCRIPT = "holds a script ({}); decks show pictures, never run them: remove it"


class _Refused(Exception):
    pass


def svg_problem(data: bytes) -> str | None:
    """Why the SVG ``data`` cannot be packed (a phrase to follow the image's name), or None."""

    def doctype(*_: object) -> None:
        raise _Refused("holds a DOCTYPE (its entities can expand without bound): remove it")

    def declaring(_name: str, _system: str | None, _public: str | None, subset: int) -> None:
        if subset:
            doctype()

    def element(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local.lower() in _ACTIVE_ELEMENTS:
            raise _Refused(_SCRIPT.format(_ACTIVE_ELEMENTS[local.lower()]))
        for key, value in attributes.items():
            attribute = key.rpartition(" ")[2]
            if attribute.lower().startswith("on"):
                raise _Refused(_SCRIPT.format(f"an {attribute}= attribute"))
            if "javascript:" in _SPACE.sub("", value).lower():
                raise _Refused(_SCRIPT.format(f"a javascript: value in {attribute}="))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = declaring
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = element
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        return str(refused)
    except expat.ExpatError as exc:
        return f"is not well-formed SVG ({expat.ErrorString(exc.code)} at its line {exc.lineno})"
    return None
