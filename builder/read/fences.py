"""A code block as the rendered page shows it: its language (a fence's info string's first
word), and a Rust block without the lines rustdoc and mdBook hide."""

from __future__ import annotations

import re

_HIDDEN = re.compile(r"^\s*#(?: |$)(?!\[)")
"""A Rust line rustdoc and mdBook hide (``# use std::fmt;``, a lone ``#``)."""
_RUST = frozenset({"rust", "rs"})


def fence_language(info: str) -> str:
    """A fence's language: the info string's first word, before any comma of rustdoc's
    attributes (``rust,ignore``, ``rust,no_run``) or brace of a Pandoc class."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.split(",", 1)[0].strip("{}.").lower()


def shown_code(lang: str, code: str) -> str:
    """The code a reader of the rendered page sees: a Rust block without its hidden lines."""
    if lang not in _RUST or "#" not in code:
        return code
    return "\n".join(line for line in code.split("\n") if not _HIDDEN.match(line))
