"""Versions follow semver:

- **major** when a note type's fields or templates change (learners' cards change shape); a
  note type the previous release did not record (one added to deckbuilder later, such as
  ``reverse``) is new to the deck, not a change: no note of the deck used it;
- **minor** when notes are added or removed, or a cloze note gains or loses a gap (a card: a
  removed gap's card is deleted, a new gap's card is new to learners), or a note type's CSS
  (the deck's style) changed: every card looks different, and the note type is updated in place;
- **patch** when only content changed (a note's fields or tags);
- no new version, and nothing rewritten, when nothing changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .manifest import Manifest

FIRST_VERSION = "1.0.0"

VERSION = re.compile(r"\d{1,9}\.\d{1,9}\.\d{1,9}")
"""A version as deckbuilder writes it: ``major.minor.patch``, each a number of up to 9 digits."""


def is_version(text: str) -> bool:
    """Whether ``text`` is a version (:data:`VERSION`): in a manifest, a changelog, a package's
    file name."""
    return VERSION.fullmatch(text) is not None


Bump = Literal["major", "minor", "patch"]


def bump_for(
    previous: Manifest | None,
    models: dict[str, dict[str, str]],
    added: Sequence[object],
    gone: Sequence[object],
    changed: Sequence[object],
    gaps: Sequence[object] = (),
) -> Bump | None:
    """How the version moves from ``previous`` given the note types' hashes now (``models``),
    the notes added, removed and changed, and the cloze notes whose gaps were added or removed
    (``gaps``); None when nothing changed."""
    if previous is None:
        return "major"
    # A note type the previous release did not know held none of its notes: nothing to change.
    known = {name: h for name, h in models.items() if name in previous.models}
    if any(previous.models[name].get("shape") != h["shape"] for name, h in known.items()):
        return "major"
    # A new style is a change a learner sees on every card: minor, as new cards are.
    if (
        added
        or gone
        or gaps
        or any(previous.models[name].get("css") != h["css"] for name, h in known.items())
    ):
        return "minor"
    if changed:
        return "patch"
    return None


def bump_version(version: str, bump: Bump) -> str:
    """The next semver version."""
    major, minor, patch = (int(p) for p in version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
