"""Markdown: the one parser (:mod:`.parsing`: CommonMark, GFM tables, front matter, math, raw
HTML kept as text) and small helpers over its inline tokens (:mod:`.tokens`). Everything is
imported from here.
"""

from __future__ import annotations

from .parsing import (
    CLOZE,
    MATH_DISPLAY,
    MATH_INLINE,
    cloze_entities,
    cloze_safe_tex,
    inline_tokens,
    odd_dollar_lines,
    parser,
    reads_as_text,
    tex_html,
)
from .tokens import (
    emphasis_only,
    is_link_only,
    lines,
    math_text,
    plain,
    split_label,
    strip,
    text_token,
    title_from_path,
)

__all__ = [
    "CLOZE",
    "MATH_DISPLAY",
    "MATH_INLINE",
    "cloze_entities",
    "cloze_safe_tex",
    "emphasis_only",
    "inline_tokens",
    "is_link_only",
    "lines",
    "math_text",
    "odd_dollar_lines",
    "parser",
    "plain",
    "reads_as_text",
    "split_label",
    "strip",
    "tex_html",
    "text_token",
    "title_from_path",
]
