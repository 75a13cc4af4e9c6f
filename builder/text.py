"""Reading a source file's text, with errors that name the file (and line)."""

from __future__ import annotations

from pathlib import Path

from .errors import SourceError


def read_text(path: Path, shown: str | None = None) -> str:
    """A source file's text; errors name the file (and line for bad UTF-8)."""
    name = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(name, f"cannot read file: {exc.strerror or exc}") from None
    if b"\0" in data[:8192]:
        raise SourceError(name, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{name}:{line}",
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None
