"""Remote media (``--fetch-images``, ``fetch_images: true``): an ``http``/``https`` image, sound
or video fetched once a run, checked, and kept in the cache folder (``images/``) under the hash
of its bytes, where the packed deck reads it from.

A fetch is bounded by :data:`~builder.limits.FETCH_TIMEOUT` and
:data:`~builder.limits.MAX_REMOTE_IMAGE_BYTES`, and follows redirects over HTTP and HTTPS only;
what cannot be had is a reason, never an exception, for the card to show its alt text.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..cachedir import default_folder
from ..depends import packed_name, packed_name_of
from ..limits import FETCH_TIMEOUT, MAX_REMOTE_IMAGE_BYTES
from ..model import MediaFile
from ..svg import svg_problem
from .kinds import image_type, kind_of, sound_problem, suffix_of
from .local import forget_names

if TYPE_CHECKING:
    import urllib.request


@dataclass(frozen=True)
class Fetch:
    """How a build fetches remote images (``--fetch-images``, ``fetch_images: true``)."""

    timeout: float = FETCH_TIMEOUT
    """Seconds one image may take, from asking to its last byte."""
    limit: int = MAX_REMOTE_IMAGE_BYTES
    """The most bytes one image may have."""

    def get(self, url: str) -> MediaFile | str:
        """The packed file of the image at ``url``, or why it cannot be had: fetched once a
        run (:func:`forget_fetched` starts a run), kept in the cache folder."""
        key = (url, self)
        if key not in _FETCHED:
            _FETCHED[key] = _fetched(url, self)
        return _FETCHED[key]


_FETCHED: dict[tuple[str, Fetch], MediaFile | str] = {}
"""What this run fetched, by address: the same image is asked for once."""


def forget_fetched() -> None:
    """Start a run: remote images are fetched again (they may have changed since the last), and
    source folders are listed again for media found by name."""
    _FETCHED.clear()
    forget_names()


def fetchable(src: str) -> bool:
    """Whether a build that fetches images asks for this one: an ``http`` or ``https`` address."""
    return urlsplit(src).scheme.lower() in ("http", "https")


def _fetched(url: str, fetch: Fetch) -> MediaFile | str:
    """The packed file of a remote image, sound or video (by the suffix of its address's
    path), or why it cannot be had."""
    suffix = suffix_of(url)
    what = kind_of(suffix)
    data = _download(url, fetch, what)
    if isinstance(data, str):
        return data
    if what != "image":
        if (problem := sound_problem(data, suffix)) is not None:
            return f"it {problem}"
        return _kept(packed_name(data, suffix), data)
    kind = image_type(data)
    if kind is None:
        return "it is not a PNG, JPEG, GIF, WebP or SVG image"
    if kind == ".svg" and (problem := svg_problem(data)) is not None:
        return f"the SVG {problem}"
    return _kept(packed_name(data, kind), data)


def _kept(name: str, data: bytes) -> MediaFile | str:
    try:
        return MediaFile(name, _keep(name, data))
    except OSError as exc:
        return f"it cannot be kept in the cache folder: {exc.strerror or exc}"


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks HTTP and HTTPS only: a redirect to ``file:`` or ``ftp:`` fails."""
    import urllib.request

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _download(url: str, fetch: Fetch, what: str = "image") -> bytes | str:
    """The bytes at ``url`` (a remote ``what``), or why they could not be had."""
    import urllib.error  # only when something is fetched: they bring HTTP and TLS
    import urllib.request
    from http.client import HTTPException

    from .. import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"deckbuilder/{__version__}"})
    deadline = time.monotonic() + fetch.timeout
    too_large = f"it is larger than the {fetch.limit // 1024 // 1024} MB a remote {what} may be"
    slow = f"no answer within {fetch.timeout:g} s"
    try:
        with _opener().open(request, timeout=fetch.timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > fetch.limit:
                return too_large
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > fetch.limit:
                    return too_large
                if time.monotonic() > deadline:
                    return slow
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        return f"the server answered {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return slow
        return str(exc.reason)
    except TimeoutError:
        return slow
    except (OSError, HTTPException, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return b"".join(chunks)


def _keep(name: str, data: bytes) -> Path:
    """Where the fetched image ``name`` is kept (written once, whole, under its content hash)."""
    folder = default_folder() / "images"
    target = folder / name
    if packed_name_of(target) == name:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".fetch-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
