"""What a source's cards depend on besides its text, as the cache and the no-change stamp know
it, without the pipeline: a media file by the content-hash name it is packed under, and whether
a source includes other files (which neither hashes, so neither is used for it)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

INCLUDES = re.compile(rb"\{\{#(?:include|rustdoc_include|playground)\s")
"""Whether a source's bytes may include another file (an mdBook include)."""


def includes_files(data: bytes) -> bool:
    """Whether a source (its bytes) holds an mdBook include directive."""
    return INCLUDES.search(data) is not None


def packed_name(data: bytes, suffix: str) -> str:
    """The name a media file with this content and suffix is packed under: a content hash."""
    return f"{hashlib.sha256(data).hexdigest()[:20]}{suffix.lower()}"


def packed_name_of(path: Path) -> str | None:
    """The name the media file at ``path`` would be packed under now; None if it cannot be read."""
    try:
        return packed_name(path.read_bytes(), path.suffix)
    except OSError:
        return None
