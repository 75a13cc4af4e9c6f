"""Curation files left behind: a source renamed or moved without its curation file.

``notes.md`` renamed to ``ideas.md`` (or moved to ``a/notes.md``) leaves ``notes.curation.yaml``
with no source beside it, and the source would be built uncurated: dropped cards back,
rewrites gone. Such a file's entries are compared with the cards every source gives now, each
key read under that source's name (as :meth:`.Curation.under` reads them): when at least half
of them are the cards of one source, that source is the one it curated, and the build stops
with an error naming both files and the command that puts the curation file back beside its
source. A curation file whose entries curate no source (its source was deleted) only warns.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from ..errors import SourceError
from ..keys import document
from ..model import Diagnostic, Origin, SourceResult
from ..sources import CURATION_SUFFIX, Source, curation_path, orphan_warning
from ..text import read_text
from .load import Curation, parse_curation


def orphaned(orphans: Sequence[Path], read: Sequence[tuple[Source, SourceResult]]) -> list[Diagnostic]:
    """A problem for each curation file without its source beside it: an error when its
    entries curate a source that is now elsewhere (``read``: every source, with what it
    gave), else a warning."""
    return [_orphan(path, read) for path in orphans]


def _orphan(path: Path, read: Sequence[tuple[Source, SourceResult]]) -> Diagnostic:
    shown = str(path)
    try:
        curation = parse_curation(read_text(path, shown), shown)
    except SourceError:  # not read as anyone's curation: the warning says where it belongs
        return orphan_warning(path)
    owner = _owner(curation, path, read)
    if owner is None:
        return orphan_warning(path)
    target = curation_path(owner.path)
    named = str(Path(owner.shown).with_name(target.name))
    why = (
        f"no source is named “{path.name.removesuffix(CURATION_SUFFIX)}” beside this curation file"
        f" any more, and its entries are the cards of {owner.shown} (renamed or moved),"
    )
    if target.is_file():
        return Diagnostic(
            Origin(shown, 0),
            "error",
            f"{why} which has a curation file of its own: move the entries into {named} and delete this file",
        )
    return Diagnostic(
        Origin(shown, 0),
        "error",
        f"{why} which would be built uncurated: rename it with its source:"
        f" git mv {shlex.quote(shown)} {shlex.quote(named)}",
    )


def _owner(curation: Curation, path: Path, read: Sequence[tuple[Source, SourceResult]]) -> Source | None:
    """The source whose cards most of the curation's entries are, read under its name; on a
    tie, one of the curation file's name."""
    best: tuple[int, bool] = (0, False)
    owner = None
    for source, result in read:
        if result.deck is None:
            continue
        have = {n.key for n in result.notes} | {s.key for s in result.skipped if s.key}
        try:
            entries = curation.under(document(source.path.stem)).entries
        except SourceError:  # two entries that are one key under this name: not its curation
            continue
        found = sum(1 for entry in entries if entry.key in have)
        score = (found, source.path.stem == path.name.removesuffix(CURATION_SUFFIX))
        if found and found * 2 >= len(entries) and score > best:
            best, owner = score, source
    return owner
