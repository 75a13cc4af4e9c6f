"""What a media file is: an image, a sound or a video, by the suffix of its name, and whether
its first bytes are the format that suffix names.

A deck packs only what Anki shows or plays: the suffixes are listed here
(:data:`IMAGE_SUFFIXES`, :data:`SOUND_SUFFIXES`, :data:`MEDIA_SUFFIXES`), and so are the first
bytes each image type (:func:`image_type`) and each sound or video format
(:func:`sound_problem`) begins with.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from ..markdown.dialects import SOUND_TAG

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
"""What Anki shows as an image."""
AUDIO_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac", ".aac")
"""Sounds a card plays with ``[sound:…]``."""
VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov")
"""Videos a card plays with ``[sound:…]`` (Anki plays video files the way it plays sounds)."""
SOUND_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES
"""What a card plays; with :data:`IMAGE_SUFFIXES`, all that is packed from the source tree."""
MEDIA_SUFFIXES = IMAGE_SUFFIXES + SOUND_SUFFIXES
"""Every file a deck packs from the source tree."""
REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
"""An address with a scheme (``https:``, ``data:``) or a host (``//``): a remote file."""


def suffix_of(src: str) -> str:
    """The suffix of the file a reference names, in lower case (a remote one's by its path)."""
    path = urlsplit(src).path if REMOTE.match(src) else src
    return PurePosixPath(unquote(path)).suffix.lower()


def kind_of(suffix: str, tag: bool = False) -> str:
    """What a file of this suffix is, as messages name it: ``image``, ``sound`` or ``video``
    (a ``[sound:…]`` reference is a sound, whatever its suffix)."""
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return "sound" if tag or suffix in AUDIO_SUFFIXES else "image"


def token_kind(src: str, tok: Token) -> str:
    """What the file of a media token (its ``src``) is, as :func:`kind_of` names it."""
    return kind_of(suffix_of(src), bool((tok.meta or {}).get(SOUND_TAG)))


def plays(tok: Token) -> bool:
    """Whether an image token is a sound or a video (its suffix, or a ``[sound:…]``): a card
    plays it rather than shows it."""
    return token_kind(str(tok.attrs.get("src", "")), tok) != "image"


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]", re.DOTALL)


def image_type(data: bytes) -> str | None:
    """The suffix of the image type ``data`` is (from its first bytes); None if it is none
    that a deck packs."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if _SVG_START.match(data[:4096]):
        return ".svg"
    return None


def _mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame's sync (eleven bits set)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _aac(data: bytes) -> bool:
    """An ID3 tag, or an ADTS frame's sync (twelve bits set, layer 0)."""
    return data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0)


def _ogg(data: bytes) -> bool:
    return data.startswith(b"OggS")


def _wav(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def _flac(data: bytes) -> bool:
    return data.startswith((b"fLaC", b"ID3"))


def _mpeg4(data: bytes) -> bool:
    """An ISO media file: its first box is ``ftyp``."""
    return data[4:8] == b"ftyp"


def _quicktime(data: bytes) -> bool:
    """A QuickTime movie: ``ftyp`` first, or (an older one) the movie, its data or padding."""
    return data[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def _webm(data: bytes) -> bool:
    """A Matroska (EBML) header."""
    return data.startswith(b"\x1a\x45\xdf\xa3")


_FORMATS = {
    ".mp3": ("an MP3", _mp3),
    ".aac": ("an AAC", _aac),
    ".ogg": ("an Ogg", _ogg),
    ".oga": ("an Ogg", _ogg),
    ".opus": ("an Ogg Opus", _ogg),
    ".ogv": ("an Ogg", _ogg),
    ".wav": ("a WAV", _wav),
    ".flac": ("a FLAC", _flac),
    ".m4a": ("an MPEG-4", _mpeg4),
    ".mp4": ("an MPEG-4", _mpeg4),
    ".mov": ("a QuickTime", _quicktime),
    ".webm": ("a WebM", _webm),
}
"""What each sound or video suffix promises, and how its first bytes show it."""


def sound_problem(data: bytes, suffix: str) -> str | None:
    """Why a sound or video with this suffix cannot be packed (a phrase to follow its name),
    or None: its first bytes must be the format its suffix names."""
    name, starts = _FORMATS[suffix.lower()]
    if starts(data):
        return None
    return f"is not {name} file (judged by its first bytes)"
