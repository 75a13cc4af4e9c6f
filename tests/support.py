"""Helpers shared by tests."""

from __future__ import annotations

from builder.build import notes_of
from builder.extract import extract
from builder.model import Note
from builder.read import parse


def notes_from(text: str, path: str = "notes.md") -> list[Note]:
    """Notes of a small source written in a test."""
    return notes_of("Test", extract(parse(text, path)).cards)
