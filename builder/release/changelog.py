"""The changelog: a deck's release history in Markdown, written from its manifest."""

from __future__ import annotations

import time

from .manifest import Manifest, ReleaseRecord
from .semver import FIRST_VERSION


def changelog(manifest: Manifest) -> str:
    """The deck's changelog in Markdown, newest release first."""
    lines = [f"# Changelog: {manifest.deck}", ""]
    for record in manifest.history:
        lines += _section(record)
    return "\n".join(lines).rstrip("\n") + "\n"


def _section(record: ReleaseRecord) -> list[str]:
    """One release's part of the changelog."""
    day = time.strftime("%Y-%m-%d", time.gmtime(record.released))
    lines = [f"## {record.version} ({day})", ""]
    if record.version == FIRST_VERSION and not (record.changed or record.removed or record.added):
        return [*lines, "First release.", ""]
    if record.why:
        lines += [f"Why: {_md_escape(record.why)}", ""]
    for title, prompts in (
        ("Added", record.added),
        ("Changed", record.changed),
        ("Removed", record.removed),
    ):
        if prompts:
            lines += [
                f"### {title}",
                "",
                *(f"- {_md_escape(' / '.join(p.splitlines()))}" for p in prompts),
                "",
            ]
    if not (record.added or record.changed or record.removed):
        lines += ["Note types changed (templates or styling); no note content changed.", ""]
    return lines


def _md_escape(text: str) -> str:
    """Prompt text safe to show as a Markdown list item."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)
