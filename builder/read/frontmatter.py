"""The front matter of a Markdown source: a YAML mapping, and the line of each of its keys."""

from __future__ import annotations

from typing import Any

from markdown_it.token import Token

from ..errors import SourceError
from ..yamlload import FRONT_MATTER, key_lines, load

__all__ = ["front_matter"]


def front_matter(token: Token, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter mapping and the line of each of its keys."""
    node, data = load(token.content, path, FRONT_MATTER, first_line=2)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise SourceError(f"{path}:1", "front matter must be a mapping of keys to values")
    return data, key_lines(node, 2)
