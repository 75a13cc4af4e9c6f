"""``deckbuilder pull``: a learner's edits made in Anki, brought back into the sources.

A note the learner edited (its fields equal no version a release shipped) becomes a rewrite in
its source's curation file (``notes.curation.yaml`` beside ``notes.md``), with ``was:`` the
generated card's fingerprint, as the preview's "copy rewrite" button writes it; the field the
learner changed is turned back into Markdown, the other one is the card's own. Keys the file
curates already are left alone, so pulling twice adds nothing. The next build releases the
edit, and the learner's note is no longer an edit of theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from ..atomic import Staging
from ..callbacks import Echo
from ..curation.drafts import rewrite_text
from ..curation.load import load_curation
from ..identify import fields_hash
from ..keys import document as document_key
from ..model import Note
from ..sources import curation_path
from .plan import HeldNote
from .release import WantedDeck, WantedNote


@dataclass(frozen=True)
class Pulled:
    """One learner's edit written as a rewrite."""

    file: Path
    key: str


def edited(note: WantedNote, mine: HeldNote, names: Sequence[str]) -> dict[str, str]:
    """The release's fields the learner changed, with their text (empty when not an edit)."""
    theirs = dict(zip(names, mine.fields, strict=False))
    current = tuple(theirs.get(name, "") for name in note.field_names)
    if current == note.fields or fields_hash(current) in note.shipped:
        return {}
    return {
        name: theirs.get(name, "")
        for name, value in zip(note.field_names, note.fields, strict=True)
        if theirs.get(name, "") != value
    }


def pull(
    wanted: Sequence[WantedDeck],
    built: Mapping[str, Note],
    held: Mapping[str, HeldNote],
    held_names: Mapping[int, Sequence[str]],
    echo: Echo,
) -> list[Pulled]:
    """Write each learner's edit of a note ``built`` (the sources' notes, by GUID) into the
    curation file of its source; the entries written."""
    entries: dict[Path, list[tuple[str, str]]] = {}
    for deck in wanted:
        for note in deck.notes:
            mine = held.get(note.guid)
            source = built.get(note.guid)
            if mine is None or mine.model_id != note.model_id or source is None:
                continue
            changed = edited(note, mine, held_names.get(mine.model_id, note.field_names))
            if not changed:
                continue
            entry = _rewrite(source, changed, echo)
            if entry is not None:
                entries.setdefault(Path(source.origin.path), []).append(entry)
    done = []
    with Staging() as staging:
        for origin, found in sorted(entries.items()):
            done += _write_rewrites(staging, origin, found, echo)
    return done


def _rewrite(source: Note, changed: Mapping[str, str], echo: Echo) -> tuple[str, str] | None:
    """The rewrite of ``source`` that gives back the learner's edit ``changed`` (field name ->
    its text): the note's key and the curation entry; None when no rewrite can."""
    if source.draft is None:
        raise ValueError(f"{source.key}: the note was built without its rewrite draft")
    if not source.draft:  # no rewrite gives it back (a card of a team's note type, …)
        echo(
            f"{source.origin}: your edit of {source.key} cannot be written as a rewrite; edit the card there"
        )
        return None
    draft = dict(source.draft)
    if "cloze" in draft:
        draft["cloze"] = markdown(changed.get("Text", "")) or draft["cloze"]
    else:
        if "Prompt" in changed:
            draft["prompt"] = markdown(changed["Prompt"], skip="crumb")
        if "Answer" in changed:
            draft["answer"] = markdown(changed["Answer"])
    return (source.key, rewrite_text(source.key, draft, source.generated))


def _write_rewrites(staging: Staging, origin: Path, found: list[tuple[str, str]], echo: Echo) -> list[Pulled]:
    """Add the rewrites ``found`` (key, entry) to the curation file of the source ``origin``,
    but those of keys it curates already; the entries written."""
    file = curation_path(origin)
    text = file.read_text(encoding="utf-8") if file.is_file() else ""
    curation = load_curation(origin, str(origin))
    document = document_key(origin.stem)
    have = {e.key for e in curation.under(document).entries} if curation else set()
    new = [(key, entry) for key, entry in found if key not in have]
    for key, _ in found:
        if key in have:
            echo(f"{file}: {key} is curated already; left as it is")
    if not new:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(entry for _, entry in new)
    staging.write_text(file, text)
    done = []
    for key, _ in new:
        echo(f"{file}: your edit of {key} written as a rewrite")
        done.append(Pulled(file, key))
    return done


class _Markdown(HTMLParser):
    """A note field's HTML as Markdown: paragraphs, line breaks, lists, bold, italics, code."""

    MARKS: ClassVar[dict[str, str]] = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}

    def __init__(self, skip: str) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = skip
        self.skipping = 0
        self.lists: list[tuple[bool, int]] = []
        self.pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or (self.skip and self.skip in classes):
            self.skipping += tag not in ("br", "img", "hr")
            return
        if tag in ("p", "div") and self.out and not self.pre:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("ul", "ol"):
            self.lists.append((tag == "ol", 0))
        elif tag == "li" and self.lists:
            ordered, count = self.lists[-1]
            self.lists[-1] = (ordered, count + 1)
            self.out.append("\n" + "  " * (len(self.lists) - 1) + (f"{count + 1}. " if ordered else "- "))
        elif tag == "pre":
            self.pre = True
            self.out.append("\n\n```\n")
        elif tag in self.MARKS and not self.pre:
            self.out.append(self.MARKS[tag])

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre = False
            self.out.append("\n```\n\n")
        elif tag in self.MARKS and not self.pre:
            self.out.append(self.MARKS[tag])

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data if self.pre else " ".join(data.split(" ")))


def markdown(html: str, skip: str = "") -> str:
    """A field's HTML as Markdown; elements of class ``skip`` (the breadcrumb) left out."""
    parser = _Markdown(skip)
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    lines = [line.rstrip() for line in text.split("\n")]
    out = "\n".join(lines).strip()
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out
