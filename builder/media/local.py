"""Media in the source tree: an image, a sound or a video a source names by its path, found,
checked and packed under its content-hash name.

A path is relative to its source and stays inside the source folder; a file the source's folder
lacks is looked for as note apps do (:func:`resolve`). A file is packed within its kind's size
limit, and only when its first bytes are what its suffix names (:mod:`.kinds`); an SVG only
without scripts (:func:`builder.svg.svg_problem`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..depends import packed_name
from ..limits import MAX_IMAGE_BYTES, MAX_SOUND_BYTES, MAX_VIDEO_BYTES
from ..model import MediaFile
from ..svg import svg_problem
from .kinds import (
    AUDIO_SUFFIXES,
    IMAGE_SUFFIXES,
    MEDIA_SUFFIXES,
    SOUND_SUFFIXES,
    VIDEO_SUFFIXES,
    kind_of,
    sound_problem,
)

_LIMITS = {"image": MAX_IMAGE_BYTES, "sound": MAX_SOUND_BYTES, "video": MAX_VIDEO_BYTES}
"""The most bytes a file of each kind may have."""
_ARTICLES = {"image": "an image", "sound": "a sound", "video": "a video"}


_NAMES: dict[Path, dict[str, list[Path]]] = {}
"""Each source folder's media files by name, listed once a run (see :func:`forget_names`)."""


def forget_names() -> None:
    """List source folders again for media found by name (a new run: see
    :func:`~builder.media.fetch.forget_fetched`)."""
    _NAMES.clear()


def _elsewhere(relative: Path, base: Path) -> Path | str:
    """A media file a note app finds where the source's folder has none (Obsidian, Logseq):
    the path from the source folder's top, else the one file of that name anywhere in it;
    what is wrong when there is none, or several."""
    from_top = (base / relative).resolve()
    if from_top.is_relative_to(base) and from_top.is_file():
        return from_top
    if len(relative.parts) != 1:
        return "not found"
    if base not in _NAMES:
        names: dict[str, list[Path]] = {}
        for path in sorted(base.rglob("*")):
            parts = path.relative_to(base).parts
            if path.suffix.lower() in MEDIA_SUFFIXES and not any(p.startswith(".") for p in parts):
                names.setdefault(path.name, []).append(path)
        _NAMES[base] = names
    found = [
        p for p in _NAMES[base].get(relative.name, []) if p.resolve().is_relative_to(base) and p.is_file()
    ]
    if not found:
        return "not found"
    if len(found) > 1:
        where = ", ".join(str(p.relative_to(base)) for p in found[:3])
        return f"not found beside the source, and several files have that name ({where}); give its path"
    return found[0].resolve()


def resolve(src: str, source: Path, base: Path, *, tag: bool = False) -> MediaFile | str:
    """The packed file for an image reference (a sound's or a video's too, and a ``[sound:…]``
    with ``tag``), or what is wrong with it."""
    shown = unquote(src)
    if not src:
        return f"{'sound' if tag else 'image'} has no path"
    if any(ord(char) < 32 for char in shown):
        what = "sound" if tag else "image"
        return f"{what} path “{shown.encode('unicode_escape').decode()}” holds a control character"
    relative = Path(shown)
    bare = Path(re.split(r"[?#]", shown, maxsplit=1)[0])
    if relative.suffix.lower() not in MEDIA_SUFFIXES and bare.suffix.lower() in MEDIA_SUFFIXES:
        relative = bare  # ``shot.png#interface``: what follows is for the page, not the file
    what = kind_of(relative.suffix.lower(), tag)
    wrong = _wrong_path(relative, shown, what, tag)
    if wrong is not None:
        return wrong
    target = (source.parent / relative).resolve()
    if not target.is_relative_to(base):
        return f"{what} “{shown}” is outside the source folder {base.name}/"
    if not target.is_file():
        found = _elsewhere(relative, base)
        if isinstance(found, str):
            return f"{what} “{shown}” {found}"
        target = found
    return _packed(target, shown, what, relative.suffix.lower())


def _wrong_path(relative: Path, shown: str, what: str, tag: bool) -> str | None:
    """What keeps a media path from being packed before its file is looked for: an absolute
    path, a suffix of no image, sound or video, a hidden folder or file; None when nothing."""
    suffix = relative.suffix.lower()
    if relative.is_absolute():
        return f"{what} “{shown}” has an absolute path; give it relative to the source"
    if tag and suffix not in SOUND_SUFFIXES:
        return (
            f"“{shown}” is not a sound ({', '.join(AUDIO_SUFFIXES)}) or a video ({', '.join(VIDEO_SUFFIXES)})"
        )
    if suffix not in MEDIA_SUFFIXES:
        return (
            f"“{shown}” is not an image ({', '.join(IMAGE_SUFFIXES)}), a sound"
            f" ({', '.join(AUDIO_SUFFIXES)}) or a video ({', '.join(VIDEO_SUFFIXES)})"
        )
    if any(part.startswith(".") and part not in (".", "..") for part in relative.parts):
        return f"{what} “{shown}” is in a hidden folder or file"
    return None


def _packed(target: Path, shown: str, what: str, suffix: str) -> MediaFile | str:
    """The media file ``target`` packed under its content-hash name, once its size and its
    first bytes are what its kind (and the ``suffix`` it is named with) allow; else what is
    wrong."""
    limit = _LIMITS[what]
    try:
        if (size := target.stat().st_size) > limit:
            return (
                f"{what} “{shown}” is {size / 1024 / 1024:.1f} MB, more than the"
                f" {limit // 1024 // 1024} MB {_ARTICLES[what]} may be; make it smaller"
            )
        data = target.read_bytes()
    except OSError as exc:
        return f"{what} “{shown}” cannot be read: {exc.strerror or exc}"
    if suffix == ".svg" and (problem := svg_problem(data)) is not None:
        return f"image “{shown}” {problem}"
    if what != "image" and (problem := sound_problem(data, suffix)) is not None:
        return f"{what} “{shown}” {problem}"
    return MediaFile(packed_name(data, target.suffix), target)
