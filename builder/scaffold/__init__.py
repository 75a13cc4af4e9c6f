"""A team's deck repository, as ``deckbuilder init`` lays it out: an example source, the
GitHub Actions workflow that checks pull requests (no release in them), releases main and
publishes tags, a ``.gitignore`` and a README for the team. The files are this package's data; ``examples/github-workflow.yml`` in
deckbuilder's own repository is the same workflow."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FILES = (
    ("source/http-caching.md", "http-caching.md"),
    (".github/workflows/decks.yml", "workflow.yml"),
    (".gitignore", "gitignore"),
    ("README.md", "README.md"),
)
"""Each file written (relative to the repository) and the package data it is copied from."""

SOURCES = "source"
DECKS = "decks"
IGNORED = frozenset({".git"})
"""What a folder may hold and still count as empty: a fresh ``git init`` or clone."""


def template(name: str) -> str:
    """The text of one of this package's files."""
    return (files(__name__) / name).read_text(encoding="utf-8")


def occupant(folder: Path) -> str | None:
    """The first entry of ``folder`` (``source/`` for a folder) that makes it not empty, if any."""
    if not folder.is_dir():
        return None
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name not in IGNORED:
            return entry.name + ("/" if entry.is_dir() else "")
    return None


def write(folder: Path) -> list[Path]:
    """Write the repository's files into ``folder`` (created if missing); the files written."""
    written = []
    for target, name in FILES:
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(template(name))
        written.append(path)
    (folder / DECKS).mkdir(exist_ok=True)
    return written
