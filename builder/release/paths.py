"""The files of a decks folder and of the drafts folder: their names, and the folder listed once."""

from __future__ import annotations

from pathlib import Path

from ..model import DeckPlan
from ..sources import MANIFEST_SUFFIX
from .semver import is_version

DRAFTS = Path("drafts")
"""Where drafts go unless told otherwise."""


class Listing:
    """The files of a decks folder, listed once: a build looks each deck's files up here
    rather than listing the folder again for every deck (which costs decks × files)."""

    def __init__(self, out: Path) -> None:
        self.folder = out
        self.paths: tuple[Path, ...] = tuple(sorted(out.iterdir())) if out.is_dir() else ()
        """Every entry of the folder, sorted."""
        self.names = frozenset(p.name for p in self.paths)
        self.manifests = tuple(p for p in self.paths if p.name.endswith(MANIFEST_SUFFIX))
        """The manifests, sorted (as ``out.glob("*.manifest.json")`` finds them)."""
        self.packages = tuple(p for p in self.paths if p.name.endswith(".apkg"))
        """Every ``.apkg``, sorted."""
        self._versions: dict[str, list[Path]] = {}
        self._temporary: dict[str, list[Path]] = {}
        for path in self.paths:
            name = path.name
            if (package := versioned(name)) is not None:
                self._versions.setdefault(package[0], []).append(path)
            if name.startswith(".") and name.endswith(".tmp"):
                # ``.<slug>-…tmp`` or ``.<slug>.…tmp``: filed under every slug it may start with.
                for end, char in enumerate(name):
                    if end > 1 and char in "-.":
                        self._temporary.setdefault(name[1:end], []).append(path)

    def __contains__(self, path: Path) -> bool:
        """Whether ``path`` (a file of this folder) was there when it was listed."""
        return path.parent == self.folder and path.name in self.names

    def versions(self, deck: str) -> list[Path]:
        """The deck's versioned packages, ``<slug>-<x.y.z>.apkg``, sorted."""
        return self._versions.get(deck, [])

    def temporary(self, deck: str) -> list[Path]:
        """Temporary files of the deck a killed build left, ``.<slug>-…tmp`` or ``.<slug>.…tmp``."""
        return self._temporary.get(deck, [])


def listing(out: Path, listed: Listing | None = None) -> Listing:
    """``listed`` when it lists ``out``, else ``out`` listed now."""
    return listed if listed is not None and listed.folder == out else Listing(out)


CHANGELOG_SUFFIX = ".changelog.md"
DRAFT_SUFFIX = "-draft.apkg"
PREVIEW_SUFFIX = ".preview.html"


def package_name(slug: str, version: str) -> str:
    """The file name of a deck's package of one version: ``<slug>-<x.y.z>.apkg``."""
    return f"{slug}-{version}.apkg"


def versioned(name: str) -> tuple[str, str] | None:
    """The deck's slug and the version a package's file name gives (:func:`package_name`
    read back); None for a name of another shape."""
    if not name.endswith(".apkg"):
        return None
    slug, _, version = name[: -len(".apkg")].rpartition("-")
    return (slug, version) if is_version(version) else None


def manifest_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}{MANIFEST_SUFFIX}"


def changelog_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}{CHANGELOG_SUFFIX}"


def apkg_path(out: Path, deck: DeckPlan, version: str) -> Path:
    return out / package_name(deck.slug, version)


def draft_path(folder: Path, deck: DeckPlan) -> Path:
    return folder / f"{deck.slug}{DRAFT_SUFFIX}"


def preview_path(folder: Path, deck: DeckPlan | str) -> Path:
    """A deck's preview page (by its plan or its slug), in the drafts folder or
    (``build --preview``) the decks folder."""
    return folder / f"{deck if isinstance(deck, str) else deck.slug}{PREVIEW_SUFFIX}"
