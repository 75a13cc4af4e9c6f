"""Finding sources: files and folders named on the command line, and the ``decks.yaml``
that says which deck each listed source goes to.

Kept apart from the pipeline so that a build with nothing to do (see :mod:`builder.stamp`)
can find its sources without loading the parser and the packager.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import DECKS_FILE, Group, read_decks_file
from .errors import SourceError
from .limits import read_bounded
from .model import Diagnostic, Origin

MARKDOWN_SUFFIXES = (".md", ".markdown")
CARD_SUFFIXES = (".yaml", ".yml")
NOTE_TYPES = "notetypes"
"""The folder of a source folder that holds a team's note types (see
:mod:`builder.read.notetypes`): YAML, but never cards."""
MANIFEST_SUFFIX = ".manifest.json"
"""A folder holding a deck manifest is a decks folder: never searched for sources."""
CURATION_SUFFIX = ".curation.yaml"
"""A curation file is named after its source's stem (see :mod:`builder.curation`)."""


def _digest(path: Path) -> str:
    """A short hash of a file's bytes; ``-`` when it cannot be read (or is too large)."""
    try:
        data = read_bounded(path)
    except OSError:
        data = None
    return "-" if data is None else hashlib.sha256(data).hexdigest()[:16]


def curation_path(source: Path) -> Path:
    """The curation file of ``source``: beside it, named after its stem."""
    return source.with_name(source.stem + CURATION_SUFFIX)


def is_curation(path: Path) -> bool:
    """Whether ``path`` is a curation file (never a source of its own)."""
    return path.name.lower().endswith(CURATION_SUFFIX)


@dataclass(frozen=True)
class Source:
    """A source file to read."""

    path: Path
    """The file."""
    root: Path
    """The folder it was found in (or its own folder): images must stay inside it."""
    group: Group | None = None
    """The ``decks.yaml`` deck that lists it, if any."""

    @property
    def shown(self) -> str:
        return str(self.path)

    @property
    def context(self) -> str:
        """What besides its text decides what the source gives (for the cache): its folder,
        its ``decks.yaml`` group, its curation file and, for a card file, the team's note
        types (its cards' fields follow theirs)."""
        curated = _digest(curation_path(self.path))
        context = f"{self.root}|{self.group.config if self.group else None}|{curated}"
        if self.path.suffix.lower() in CARD_SUFFIXES:
            folder = self.root / NOTE_TYPES
            kinds = sorted(folder.glob("*.y*ml")) if folder.is_dir() else []
            context += "|" + ",".join(f"{p.name}:{_digest(p)}" for p in kinds)
        return context


@dataclass(frozen=True)
class Found:
    """What :func:`find_all` found."""

    sources: tuple[Source, ...]
    """The source files, in order."""
    problems: tuple[Diagnostic, ...]
    """What stops a source being read (a missing path, a bad ``decks.yaml``, a curation file
    two sources share)."""
    orphans: tuple[Path, ...]
    """Curation files in a searched folder with no source of their name beside them: their
    source was renamed, moved or deleted (see :mod:`builder.curation.orphans`)."""


def context(source: Source, fetch: object | None) -> str:
    """What besides its text decides what a source gives (:attr:`Source.context`), with
    whether this build fetches remote images (``fetch``: a :class:`builder.media.Fetch`)."""
    return source.context if fetch is None else f"{source.context}|{fetch}"


def find_sources(paths: Iterable[str], out: Path | None = None) -> tuple[list[Source], list[Diagnostic]]:
    """Source files named by ``paths`` (files, or folders searched recursively), in order,
    and the problems found on the way (a curation file without its source among them)."""
    found = find_all(paths, out)
    return list(found.sources), [*found.problems, *map(orphan_warning, found.orphans)]


def find_all(paths: Iterable[str], out: Path | None = None) -> Found:
    """Source files named by ``paths`` (files, or folders searched recursively), in order.

    A folder's ``decks.yaml`` (or the one beside a named file) says which deck each listed
    source goes to; it is not itself a source. Nothing inside the decks folder ``out`` is a
    source (its changelogs are Markdown too).
    """
    decks = out.resolve() if out is not None else None
    found: dict[Path, Source] = {}
    problems: list[Diagnostic] = []
    orphans: list[Path] = []
    group_files: dict[Path, dict[Path, Group]] = {}
    for raw in paths:
        named = _named(Path(raw), raw, out, decks, problems)
        if named is None:
            continue
        root, files = named
        orphans += (o for o in _orphans(root, files, Path(raw).is_dir()) if o not in orphans)
        decks_file = root / DECKS_FILE
        if decks_file not in group_files:
            group_files[decks_file] = _groups(decks_file, problems)
        groups = group_files[decks_file]
        for file in _contained(files, root, problems):
            found.setdefault(file, Source(file, root, groups.get(file.resolve())))
    shared = _shared(found)
    problems += shared.values()
    # Sources that share a curation file are not read: it would only add noise to the error.
    sources = tuple(s for s in found.values() if curation_path(s.path) not in shared)
    return Found(sources, tuple(problems), tuple(orphans))


def _named(
    path: Path, raw: str, out: Path | None, decks: Path | None, problems: list[Diagnostic]
) -> tuple[Path, list[Path]] | None:
    """The folder a path given on the command line is read from, and its source files; None
    (and a problem) when it gives none."""
    if not path.exists():
        problems.append(Diagnostic(Origin(raw, 0), "error", "no such file or folder"))
        return None
    folder = path if path.is_dir() else path.parent
    if decks is not None and folder.resolve().is_relative_to(decks):
        problems.append(Diagnostic(Origin(raw, 0), "error", _inside_decks(path, out)))
        return None
    if not path.is_dir():
        return path.parent, [path]
    return path, _folder_sources(path, decks, problems)


def _folder_sources(path: Path, decks: Path | None, problems: list[Diagnostic]) -> list[Path]:
    """The source files of a folder, searched recursively: not hidden, not a decks folder's,
    not ``decks.yaml``, a curation file or a note type (in the folder's ``notetypes/``)."""
    released = _decks_folders(path, decks, problems)
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)
        and p.is_file()
        and p.name != DECKS_FILE
        and not is_curation(p)
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and p.relative_to(path).parts[0] != NOTE_TYPES
        and not (decks is not None and p.resolve().is_relative_to(decks))
        and not any(folder in released for folder in p.parents)
    ]
    return files


def _contained(files: list[Path], root: Path, problems: list[Diagnostic]) -> list[Path]:
    """The files that resolve inside ``root``, with their curation files; a link pointing
    outside it (or nowhere: a loop) is an error, and a source whose curation file is such a
    link is not read."""
    inside = root.resolve()
    kept = []
    for file in files:
        curation = curation_path(file)
        if not _inside(file, inside):
            problems.append(_outside(file, root, "sources, like images"))
        elif curation.is_symlink() and not _inside(curation, inside):
            problems.append(
                _outside(curation, root, "curation files, like sources and images")
                if curation.exists()
                else Diagnostic(
                    Origin(str(curation), 0),
                    "error",
                    "is a link that leads nowhere (a loop, or a missing file); make it the file itself",
                )
            )
        else:
            kept.append(file)
    return kept


def _inside(path: Path, inside: Path) -> bool:
    """Whether ``path``, its links followed, is inside the folder ``inside``; a loop of links
    is not."""
    try:
        return path.resolve().is_relative_to(inside)
    except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, OSError after
        return False


def _outside(path: Path, root: Path, which: str) -> Diagnostic:
    return Diagnostic(
        Origin(str(path), 0),
        "error",
        f"is a link to a file outside the source folder {root.name or root}/;"
        f" {which}, must be inside the folder they are found in: copy it in",
    )


def _inside_decks(path: Path, out: Path | None) -> str:
    """Why ``path``, the decks folder or in it, cannot be a source."""
    where = "is" if path.resolve() == (out or path).resolve() else "is inside"
    return f"{where} the decks folder (--out {out}): decks are written there, never read; name another --out"


def _decks_folders(folder: Path, out: Path | None, problems: list[Diagnostic]) -> set[Path]:
    """The folders under ``folder`` that hold a deck manifest: decks folders, whose changelogs
    are Markdown but never sources. A warning for each but ``out`` (already left out)."""
    found = set()
    for manifest in sorted(folder.rglob("*" + MANIFEST_SUFFIX)):
        if manifest.is_file() and manifest.parent not in found:
            found.add(manifest.parent)
            if out is None or manifest.parent.resolve() != out:
                problems.append(
                    Diagnostic(
                        Origin(str(manifest.parent), 0),
                        "warning",
                        f"holds deck manifests ({manifest.name}): a decks folder, not read for sources",
                    )
                )
    return found


def _orphans(folder: Path, sources: list[Path], searched: bool) -> list[Path]:
    """The curation files whose source is not beside them (renamed, moved or deleted): in
    ``folder`` and below when it was ``searched`` for ``sources``, else (a named file's folder)
    in it alone."""
    if searched:
        curated = {curation_path(source) for source in sources}
        found = folder.rglob("*" + CURATION_SUFFIX)
    else:
        beside = [p for p in folder.iterdir() if p.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)]
        curated = {curation_path(p) for p in beside if p.is_file() and not is_curation(p)}
        found = folder.glob("*" + CURATION_SUFFIX)
    return [
        path
        for path in sorted(found)
        if path.is_file()
        and path not in curated
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def orphan_warning(path: Path) -> Diagnostic:
    """The warning for a curation file whose source is not beside it and whose entries curate
    no other source: they apply to nothing."""
    return Diagnostic(
        Origin(str(path), 0),
        "warning",
        f"no source is named “{path.name[: -len(CURATION_SUFFIX)]}” beside this curation file;"
        " rename it with its source (notes.md is curated by notes.curation.yaml)",
    )


def _shared(found: dict[Path, Source]) -> dict[Path, Diagnostic]:
    """An error for each curation file that two sources beside it would share: ``foo.md`` and
    ``foo.yaml`` (or ``foo.markdown``, ``foo.yml``) are both curated by ``foo.curation.yaml``,
    which curates one source. Only a curation file that exists is ambiguous."""
    problems = {}
    seen: set[Path] = set()
    for source in found.values():
        curation = curation_path(source.path)
        if curation in seen or not curation.is_file():
            continue
        seen.add(curation)
        names = sorted(
            p.name
            for p in curation.parent.iterdir()
            if p.stem == source.path.stem
            and p.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)
            and p.is_file()
            and p.name != DECKS_FILE
        )
        if len(names) > 1:
            listed = " and ".join(", ".join(names).rsplit(", ", 1))
            which = ("both", "one of them") if len(names) == 2 else ("all of them", "all but one of them")
            problems[curation] = Diagnostic(
                Origin(str(curation), 0),
                "error",
                f"{listed} share the name “{source.path.stem}”, so this file would curate {which[0]},"
                f" and a curation file curates one source: rename {which[1]}"
                " (its entries go in the curation file of its new name)",
            )
    return problems


def _groups(decks_file: Path, problems: list[Diagnostic]) -> dict[Path, Group]:
    """Which ``decks.yaml`` group each listed file belongs to."""
    if not decks_file.is_file():
        return {}
    try:
        groups, found = read_decks_file(decks_file, str(decks_file))
    except SourceError as error:
        problems.append(error.diagnostic())
        return {}
    problems.extend(found)
    owner: dict[Path, Group] = {}
    for group in groups:
        for file in group.sources:
            other = owner.setdefault(file.resolve(), group)
            if other is not group:
                problems.append(
                    Diagnostic(
                        group.origin,
                        "error",
                        f"“{file.name}” is listed in two decks (“{other.config.deck}” and “{group.config.deck}”)",
                    )
                )
    return owner
