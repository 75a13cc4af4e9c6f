"""Reading a source file's text, with errors that name the file (and line)."""

from __future__ import annotations

import os
from pathlib import Path

from .controls import IN_FIELD
from .errors import SourceError
from .limits import MAX_SOURCE_BYTES, check_size
from .model import Diagnostic, Origin

CONTROL = IN_FIELD
"""Control characters a note field must never hold (see :data:`builder.controls.IN_FIELD`)."""


def read_text(path: Path, shown: str | None = None) -> str:
    """A source file's text; errors name the file (and line for bad UTF-8)."""
    name = shown or str(path)
    try:
        with path.open("rb") as file:
            check_size(os.fstat(file.fileno()).st_size, name)
            head = file.read(8192)
            if b"\0" in head:
                raise SourceError(name, "binary file, not text")
            data = head + file.read(MAX_SOURCE_BYTES + 1 - len(head))
    except OSError as exc:
        raise SourceError(name, f"cannot read file: {exc.strerror or exc}") from None
    check_size(len(data), name)  # a file that grew, or a device that reports no size
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{name}:{line}",
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None


def without_controls(text: str, shown: str) -> tuple[str, list[Diagnostic]]:
    """The text without control characters, and a warning at each line that held one."""
    if not CONTROL.search(text):
        return text, []
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if (hit := CONTROL.search(line)) is not None:
            found.append(
                Diagnostic(
                    Origin(shown, number),
                    "warning",
                    f"control character U+{ord(hit.group()):04X} removed (it cannot stand in a card)",
                )
            )
    return CONTROL.sub("", text), found
