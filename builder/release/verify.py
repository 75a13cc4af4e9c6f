"""The decks folder checked against its sources: each committed release is what they build.

Builds are byte-reproducible, and a release with no new version keeps the time its manifest
records, so a deck's package and manifest can be made again and compared with the committed
files. A package edited after the build (a script put into a template, an attribute into a
field), a manifest edited by hand (a note added to ``removed``, a hash changed) or a package no
deck owns is an error naming the file; ``diff`` and ``build`` report them all before anything is
written, and ``build`` never keeps or ships such a file.

A deck with a new version cannot be compared (its last release was built from sources that are
gone): its package is made again from the sources and replaces the committed one.

What a package holds, and how two differ, is read by :mod:`.contents`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..cache import fingerprint as cache_fingerprint
from ..identify import fields_hash
from ..model import Diagnostic, Origin
from ..model.document import one_line
from ..sources import MANIFEST_SUFFIX
from ..stamp import file_hash, known_packages, remember_verified, verified_decks
from .contents import contents_of, package_differences, read_contents
from .deck import Release
from .kept import plan_digest
from .manifest import Manifest
from .packaging import package_digest, packages_of, remember
from .paths import Listing, apkg_path, listing, manifest_path, versioned

DIFFERS = "differs from what its sources build"
"""The start of every message about a committed file that is not what a build makes."""
REBUILD = "rebuild it from the sources: delete it and run deckbuilder build"
"""The fix for a package (a build writes a release's missing package, at its version)."""
RESTORE = "restore it from git (a manifest holds the deck's history, which no build remakes)"
"""The fix for a manifest."""

_SHOWN = 3
"""How many differences an error names."""


@dataclass(frozen=True)
class Checked:
    """What the committed files of a decks folder are, compared with what the sources build."""

    problems: tuple[Diagnostic, ...] = ()
    """An error for each file that is not what the sources build, in what a learner gets."""
    stale: tuple[tuple[Path, str], ...] = ()
    """Packages that give learners what the sources build, but are not its bytes (cards in
    another order after sections moved, another deckbuilder's layout), each with how they
    differ: the next build rewrites them."""


def check(rels: Sequence[Release], out: Path, listed: Listing | None = None) -> Checked:
    """Every committed file of ``out`` that is not what its sources build: the package and the
    manifest of each release with no new version; for a new version, a manifest listing notes
    its last package never held; and packages no deck of the folder owns. ``listed``: the
    folder's files, when the caller listed them already."""
    files = listing(out, listed)
    problems: list[Diagnostic] = []
    stale: list[tuple[Path, str]] = []
    same = []
    vouched = verified_decks()
    digests: dict[Path, str] = {}  # by package: a digest of what its deck's check compares
    for rel in rels:
        if rel.bump is not None:
            problems += _last_release(rel, out)
            continue
        digest = _compared(rel, out, files)
        if digest is not None and digest in vouched:
            continue  # checked before, every input the same: the same outcome
        wrong = _manifest(rel, out)
        problems += wrong
        if not wrong:  # a package is built from its manifest: judged once that is right
            same.append(rel)
            if digest is not None:
                digests[apkg_path(out, rel.plan, rel.version)] = digest
    present = [(rel, apkg_path(out, rel.plan, rel.version)) for rel in same]
    present = [(rel, path) for rel, path in present if path in files and path.is_file()]
    known = known_packages()
    present = [(rel, path) for rel, path in present if not _known(rel, path, known)]
    made = packages_of([rel for rel, _ in present])
    remember(made)
    for (rel, path), packed in zip(present, made, strict=True):
        found = _package(rel, out, path, packed.data)
        if found:  # an error, or how it differs: not what its sources build
            digests.pop(path, None)
        if isinstance(found, Diagnostic):
            problems.append(found)
        elif found:
            stale.append((path, found))
    remember_verified(list(digests.values()))
    problems += _unowned(rels, files)
    return Checked(tuple(problems), tuple(stale))


def vouch(rels: Sequence[Release], out: Path) -> None:
    """Remember releases just checked and written as what their sources build (see
    :func:`check`): the next check of the same plan and the same committed files makes nothing
    again. Only for releases a build has checked and written into ``out``."""
    files = listing(out)
    remember_verified([d for rel in rels if (d := _compared(rel, out, files)) is not None])


def _compared(rel: Release, out: Path, files: Listing) -> str | None:
    """A digest of all that checking an unchanged release compares: the deck as its sources
    plan it (every note by its GUID, key, kind, note type, prompt, the hash of its fields, tags
    and deck, and what it teaches; its media by their content names; its note types), its
    version, and the bytes of its committed manifest and package. None when either file is
    missing (the check says what then)."""
    manifest, package = manifest_path(out, rel.plan), apkg_path(out, rel.plan, rel.version)
    if manifest not in files or package not in files:
        return None
    try:
        held = f"{file_hash(manifest)}\0{file_hash(package)}"
    except OSError:
        return None
    return plan_digest(f"{cache_fingerprint()}\0{rel.version}\0{rel.rekeyed}\0{held}\0", rel.plan)


def _known(rel: Release, path: Path, known: dict[str, str]) -> bool:
    """Whether the committed package has the bytes a package made from the same inputs had
    (builds are reproducible: then it is what its sources build, without making it again)."""
    digest = package_digest(rel)
    if digest is None or digest not in known:
        return False
    try:
        return file_hash(path) == known[digest]
    except OSError:
        return False  # made and compared: the error says why it cannot be read


def _manifest(rel: Release, out: Path) -> list[Diagnostic]:
    """The manifest of an unchanged release, unless it is the text this build would write."""
    path = manifest_path(out, rel.plan)
    if rel.rekeyed or not path.is_file():
        return []  # rewritten by the next build (new keys), or the deck's first release
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # already read once by this build: it says what is wrong
    wanted = _expected(rel.manifest, rel).to_json()
    if text == wanted:
        return []
    have, want = text.splitlines(), wanted.splitlines()
    pairs = enumerate(zip(have, want, strict=False), start=1)
    line = next((n for n, (a, b) in pairs if a != b), min(len(have), len(want)) + 1)
    return [Diagnostic(Origin(str(path), line), "error", f"{DIFFERS}; {RESTORE}")]


def _expected(manifest: Manifest, rel: Release) -> Manifest:
    """The manifest with what a note's fields decide recomputed from the sources: the hash of
    the fields it shipped last, its kind and its note type (none of them can change without a
    new version); and its release time, the one its history gives the current version. A
    note's prompt and what it teaches are left as recorded: an upgrade of deckbuilder may word
    them anew without a release."""
    notes = {n.guid: n for n in rel.plan.notes}
    states = []
    for state in manifest.notes:
        note = notes.get(state.guid)
        if note is None:
            states.append(state)
            continue
        shipped = state.shipped
        if shipped:
            shipped = (*shipped[:-1], fields_hash(tuple(note.fields.values())))
        states.append(state._replace(kind=note.kind, model=note.model, shipped=shipped))
    # The release time is the current version's, as its history records it.
    released = manifest.release_time(manifest.version)
    return replace(manifest, notes=tuple(states), released=released)


def _package(rel: Release, out: Path, path: Path, built: bytes) -> Diagnostic | str:
    """The committed package of an unchanged release compared with the bytes ``built``: ""
    when they are the same; an error when it gives learners something else; else how it
    differs (a build rewrites it)."""
    try:
        if path.stat().st_size == len(built) and path.read_bytes() == built:
            return ""
        with zipfile.ZipFile(io.BytesIO(built)) as made_zip:
            budget = 4 * sum(i.file_size for i in made_zip.infolist()) + (16 << 20)
        committed = read_contents(path, budget)
    except OSError as exc:
        return Diagnostic(Origin(str(path), 0), "error", f"cannot read it: {exc.strerror or exc}")
    made = contents_of(built)
    if committed is None or made is None:
        return _differs(path, ["it is not a package deckbuilder makes"])
    tombstones = {t.guid: t.prompt for t in rel.manifest.removed}
    unshipped = [tombstones[g] for g in made.notes if g not in committed.notes and g in tombstones]
    if unshipped:  # the manifest removes notes the committed package never held: it was edited
        return _unheld(manifest_path(out, rel.plan), path, unshipped)
    content, order = package_differences(committed, made)
    return _differs(path, content) if content else "; ".join(order)


def _last_release(rel: Release, out: Path) -> list[Diagnostic]:
    """The manifest a new version is compared with, unless it lists only notes (current or
    removed) that its package holds: a note added by hand would be shipped on as removed, and
    deleted by ``sync`` from learners' collections. The package is read for its GUIDs only,
    which every release of every deckbuilder writes exactly as its manifest lists them."""
    path = manifest_path(out, rel.plan)
    if rel.previous is None or not path.is_file():
        return []  # a first release, or a deck renamed (its old manifest has another name)
    package = apkg_path(out, rel.plan, rel.previous.version)
    try:
        held = read_contents(package, 64 * package.stat().st_size + (16 << 20)) if package.is_file() else None
    except OSError:
        held = None
    if held is None:
        return []  # no package to compare with: this build writes the new one
    listed = {s.guid: s.prompt for s in rel.previous.notes} | {t.guid: t.prompt for t in rel.previous.removed}
    never = [prompt for guid, prompt in listed.items() if guid not in held.notes]
    return [_unheld(path, package, never)] if never else []


def _unheld(manifest: Path, package: Path, prompts: list[str]) -> Diagnostic:
    """A manifest that lists notes its package never held."""
    shown = ", ".join(f"“{one_line(p)}”" for p in prompts[:_SHOWN])
    more = f" and {len(prompts) - _SHOWN} more" if len(prompts) > _SHOWN else ""
    detail = f"it lists notes its package {package.name} never held: {shown}{more}"
    return Diagnostic(Origin(str(manifest), 0), "error", f"{DIFFERS} ({detail}); {RESTORE}")


def _differs(path: Path, found: list[str]) -> Diagnostic:
    shown = "; ".join(found[:_SHOWN]) + (f"; and {len(found) - _SHOWN} more" if len(found) > _SHOWN else "")
    return Diagnostic(Origin(str(path), 0), "error", f"{DIFFERS} ({shown}); {REBUILD}")


def _unowned(rels: Sequence[Release], files: Listing) -> list[Diagnostic]:
    """A package in the folder of no deck: no release of this build makes it and no manifest
    of the folder has its name. A release would attach it with the others."""
    slugs = {rel.plan.slug for rel in rels}
    slugs |= {p.name[: -len(MANIFEST_SUFFIX)] for p in files.manifests}
    found = []
    for path in files.packages:
        package = versioned(path.name)
        if package is not None and package[0] in slugs:
            continue
        found.append(
            Diagnostic(
                Origin(str(path), 0),
                "error",
                "is the package of no deck (no manifest in this folder names it, no source builds it);"
                " delete it",
            )
        )
    return found
