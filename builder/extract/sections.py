"""What the walker (:mod:`.walker`) tells from a section's or a paragraph's text before reading
its blocks: the scope a section's cards stand under (breadcrumb, key, tags), whether a section
holds anything to card (not only navigation, checklists and their captions), and whether a
caption points back to the sentence before it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import keys
from ..markdown import plain
from ..model import ListBlock, Paragraph, Section
from .cues import clean_title
from .lists import is_navigation
from .scope import Scope

EMPTY_BOX = re.compile(r"^\s*(☐|\[ \])")
"""An empty check box opening a line: a to-do list, not knowledge."""


_POINTING = re.compile(
    r"^(?:this|these|that|those|here|so|thus|the following|as follows|it|they|for example|e\.g\.|"
    r"esto|esta|estos|así|por ejemplo|"
    r"ceci|cela|voici|ainsi|dies|das|so|isto|assim|это|так|这|这些|它|以下|如下|これ|次の|이|این|هذا)\b",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(
    r"(?:the following(?: \w+)?|as follows|following ways?|siguientes?|suivante?s?|folgende[nrs]?|seguintes?|"
    r"следующ\w+|以下|如下|下記|次のとおり|다음과 같)\W*$",
    re.IGNORECASE,
)


def points_back(caption: str) -> bool:
    """A caption that says nothing without the sentence before it: it points back ("This
    means:", "For example:", "The application does the following:")."""
    text = caption.rstrip(":： ").strip()
    return bool(_POINTING.match(text) or _FOLLOWING.search(text))


def section_scope(section: Section, parent: Scope) -> Scope:
    """The scope of a section: under its parent's, or (a top section) its own breadcrumb and tag."""
    title = plain(section.title.tokens)
    if parent.top:
        scope = parent.sub(title, section.anchor)
    else:
        scope = replace(parent, top=clean_title(title), key=keys.section(parent.key, section.anchor or title))
        scope = replace(scope, tags=(*scope.tags, f"section::{keys.slug(title, 40)}"))
    if section.anchor:
        scope = replace(scope, key=keys.pinned(parent.key, section.anchor))
    return scope


def has_content(section: Section) -> bool:
    """Whether a section holds anything beyond navigation, checklists and their captions."""
    for block in section.blocks:
        if isinstance(block, ListBlock) and is_navigation(block):
            continue
        if isinstance(block, Paragraph):
            text = [plain(line.tokens) for line in block.lines]
            if all(EMPTY_BOX.match(t) for t in text) or text[-1].endswith((":", "：")):
                continue
        return True
    return False
