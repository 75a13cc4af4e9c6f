"""A release's ``.apkg``: what it is made from, its bytes (in a pool of processes when there
are several), and the hash of its bytes remembered under a digest of what made it (see
:func:`builder.stamp.known_packages`)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from ..build import PARALLEL_FROM, worker_pool
from ..markup import HTML
from ..package import Made, apkg_bytes, apkg_digest
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


def package(rel: Release) -> bytes:
    """The release's ``.apkg`` bytes."""
    return apkg_bytes(_made_of(rel))


def package_digest(rel: Release) -> str | None:
    """The hash of what the release's ``.apkg`` is made from (see
    :func:`builder.package.apkg_digest`)."""
    return apkg_digest(_made_of(rel))


def remember(rels: Sequence[Release], made: Sequence[bytes]) -> None:
    """Keep the hash of each release's package bytes just made under the digest of what it was
    made from (:func:`builder.stamp.known_packages`): the next build need not make it again to
    check the committed one."""
    known = {}
    for rel, data in zip(rels, made, strict=True):
        digest = package_digest(rel)
        if digest is not None:
            known[digest] = hashlib.sha256(data).hexdigest()
    remember_packages(known)


def draft_package(rel: Release) -> bytes:
    """A draft's ``.apkg`` bytes: the release it would be, described as a draft."""
    base = rel.previous.version if rel.previous else "none"
    drafted = HTML(
        "Draft of version {} (not released; last release {}). Built by deckbuilder."
        " Import it into a test profile, not the one you study in."
    ).format(rel.version, base)
    return apkg_bytes(_made_of(rel)._replace(description=drafted))


def packages_of(rels: Sequence[Release], draft: bool = False) -> list[bytes]:
    """The ``.apkg`` bytes of each release, made in parallel when there are several."""
    make = draft_package if draft else package
    jobs = min(os.cpu_count() or 1, len(rels))
    if len(rels) < PARALLEL_FROM or jobs < 2:
        return [make(rel) for rel in rels]
    with worker_pool(jobs) as pool:
        return list(pool.map(make, rels, chunksize=1))
