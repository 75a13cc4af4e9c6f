"""The front matter of a Markdown source: a YAML mapping, and the line of each of its keys."""

from __future__ import annotations

from typing import Any

import yaml
from markdown_it.token import Token

from ..config import key_lines, no_aliases
from ..errors import SourceError
from ..model import Origin
from ..yamlerrors import TextLoader, explain

__all__ = ["front_matter"]


def front_matter(token: Token, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter mapping and the line of each of its keys."""
    no_aliases(token.content, path, first_line=2)
    try:
        node = yaml.compose(token.content, Loader=yaml.SafeLoader)
        data = yaml.load(token.content, Loader=TextLoader)
    except yaml.YAMLError as exc:
        line, message = explain(exc, token.content, first_line=2)
        raise SourceError(Origin(path, line), f"front matter: invalid YAML: {message}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise SourceError(f"{path}:1", "front matter must be a mapping of keys to values")
    return data, key_lines(node, 2)
