"""A release's ``.apkg``: what it is made from, its bytes (in a pool of processes when there
are several), and the hash of its bytes remembered under a digest of what made it (see
:func:`builder.stamp.known_packages`)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..build import PARALLEL_FROM
from ..markup import HTML
from ..package import Made, apkg_bytes, apkg_digest
from ..pool import map_in_workers
from ..stamp import remember_packages
from .deck import Release


def description(rel: Release) -> HTML:
    """The deck's description in Anki (HTML): its version, release date and sources."""
    day = time.strftime("%Y-%m-%d", time.gmtime(rel.released))
    if not rel.plan.sources:
        return HTML(
            "Version {}, released {}. Retired: every note of this deck is removed (tagged removed)."
        ).format(rel.version, day)
    sources = HTML(", ").join(Path(s).name for s in rel.plan.sources)
    return HTML("Version {}, released {}. Built by deckbuilder from {}.").format(rel.version, day, sources)


def _made_of(rel: Release) -> Made:
    """What the release's ``.apkg`` is made from."""
    return Made(
        rel.plan.name,
        description(rel),
        rel.shipped(),
        rel.released,
        rel.note_times(),
        rel.model_times(),
        rel.plan.media,
        rel.plan.note_types,
    )


class Packed(NamedTuple):
    """A release's ``.apkg``: its bytes and the digest of what made them (see
    :func:`builder.package.apkg_digest`; None when a media file could not be read)."""

    data: bytes
    digest: str | None


def package(rel: Release) -> Packed:
    """The release's ``.apkg``, made once with the digest of what made it."""
    made = _made_of(rel)
    return Packed(apkg_bytes(made), apkg_digest(made))


def package_digest(rel: Release) -> str | None:
    """The hash of what the release's ``.apkg`` is made from (see
    :func:`builder.package.apkg_digest`)."""
    return apkg_digest(_made_of(rel))


def remember(made: Sequence[Packed]) -> None:
    """Keep the hash of each package just made under the digest of what it was made from
    (:func:`builder.stamp.known_packages`): the next build need not make it again to check
    the committed one."""
    remember_packages({p.digest: hashlib.sha256(p.data).hexdigest() for p in made if p.digest is not None})


def draft_package(rel: Release) -> Packed:
    """A draft's ``.apkg`` bytes: the release it would be, described as a draft."""
    base = rel.previous.version if rel.previous else "none"
    drafted = HTML(
        "Draft of version {} (not released; last release {}). Built by deckbuilder."
        " Import it into a test profile, not the one you study in."
    ).format(rel.version, base)
    return Packed(apkg_bytes(_made_of(rel)._replace(description=drafted)), None)


def packages_of(rels: Sequence[Release], draft: bool = False) -> list[Packed]:
    """The ``.apkg`` of each release, made in parallel when there are several (a draft's
    has no digest: it is not what a release holds)."""
    make = draft_package if draft else package
    jobs = min(os.cpu_count() or 1, len(rels))
    if len(rels) < PARALLEL_FROM or jobs < 2:
        return [make(rel) for rel in rels]
    return map_in_workers(make, rels, jobs)
