"""mdBook's includes: ``{{#include path}}``, ``{{#rustdoc_include path:anchor}}`` and
``{{#playground path}}`` inside a code block (or on a line of their own) are the file's text.

A path is read relative to the including file and never outside the source folder (the rule
images follow, :mod:`builder.media`). After the path may come a part of the file: ``:5:10``,
``:5:``, ``::10`` or ``:5`` (lines, counted from 1), or ``:name``, the lines between the
``ANCHOR: name`` and ``ANCHOR_END: name`` markers. Marker lines never reach a card. A file
that cannot be included is a warning at the directive's line, and the directive gives nothing.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..markdown.dialects import INCLUDE
from ..model import Diagnostic, Origin
from ..text import read_text

__all__ = ["Includes", "Problem", "language_of"]

_ANCHOR = re.compile(r"ANCHOR(?:_END)?:\s*([\w-]+)")
_RANGE = re.compile(r"^(\d*):(\d*)$")
_LANGUAGES = {
    ".rs": "rust",
    ".py": "python",
    ".toml": "toml",
    ".js": "javascript",
    ".ts": "typescript",
    ".go": "go",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".sh": "bash",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".txt": "text",
}


def language_of(path: str) -> str:
    """The code language a file's suffix names ('' when none is known)."""
    return _LANGUAGES.get(Path(path.split(":", 1)[0]).suffix.lower(), "")


@dataclass(frozen=True)
class Includes:
    """Where a source's includes are read from."""

    file: Path | None
    """The including file (None for text that has no file: nothing can be included)."""
    root: Path | None
    """The source folder no include may leave (the including file's folder when None)."""
    seen: frozenset[Path] = frozenset()
    """The Markdown files being included around this one (none may include itself)."""

    def expand(self, code: str, path: str, first: int) -> tuple[str, list[Diagnostic]]:
        """``code`` with each directive line replaced by what it includes; ``first`` is the
        line of ``path`` the code's first line stands on."""
        if "{{#" not in code:
            return code, []
        out: list[str] = []
        problems: list[Diagnostic] = []
        for n, line in enumerate(code.split("\n")):
            match = INCLUDE.match(line)
            if match is None:
                out.append(line)
                continue
            text = self.text(match.group(2))
            if isinstance(text, str):
                out.extend(text.split("\n"))
            else:
                problems.append(Diagnostic(Origin(path, first + n), "warning", text.message))
        return "\n".join(out), problems

    def text(self, spec: str) -> str | Problem:
        """What ``spec`` (``path``, ``path:part``) includes, or why nothing."""
        name, _, part = spec.partition(":")
        if self.file is None:
            return Problem(f"include “{spec}” cannot be read: the text has no file")
        relative = Path(name)
        if relative.is_absolute():
            return Problem(f"include “{name}” has an absolute path; give it relative to the source")
        base = (self.root or self.file.parent).resolve()
        target = (self.file.parent / relative).resolve()
        if not target.is_relative_to(base):
            return Problem(f"include “{name}” is outside the source folder {base.name}/")
        if not target.is_file():
            return Problem(f"include “{name}” not found")
        try:
            whole = read_text(target, name)
        except SourceError as error:
            return Problem(f"include “{name}” cannot be read: {error.detail}")
        except (OSError, UnicodeDecodeError) as error:
            return Problem(f"include “{name}” cannot be read: {error}")
        lines = whole.rstrip("\n").split("\n")
        chosen = _part(lines, part)
        if chosen is None:
            return Problem(f"include “{spec}”: no ANCHOR: {part} in {name}")
        kept = "\n".join(line for line in chosen if not _ANCHOR.search(line))
        # A part of a file (an anchor's lines inside a function) is shown as mdBook shows it:
        # its common indentation taken off.
        return (textwrap.dedent(kept) if part else kept).strip("\n")


@dataclass(frozen=True)
class Problem:
    """Why an include gives nothing."""

    message: str


def _part(lines: list[str], part: str) -> list[str] | None:
    """The lines ``part`` names: all of them, a range, a single line or an anchor's."""
    if not part:
        return lines
    if part.isdigit():
        return lines[int(part) - 1 : int(part)]
    span = _RANGE.match(part)
    if span is not None:
        start = int(span.group(1) or 1)
        end = int(span.group(2)) if span.group(2) else len(lines)
        return lines[start - 1 : end]
    inside: list[str] | None = None
    for line in lines:
        marker = _ANCHOR.search(line)
        if marker is not None and marker.group(1) == part:
            if "ANCHOR_END" in marker.group(0):
                return inside or []
            inside = []
        elif inside is not None:
            inside.append(line)
    return inside
