"""Release edges the other tests pass by: a cloze gap edited to exactly the likeness that
keeps its card, and a decks folder whose committed files were changed after the build."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from builder.build import notes_of
from builder.extract import extract
from builder.extract.scope import slug
from builder.model import DeckPlan
from builder.read import parse
from builder.release.deck import Release, release
from builder.release.gaps import deletions
from builder.release.replaced import SIMILAR

from support import outcome, png, write

LOGS = "# Storage\n\n## Logs\n\nThe pair is {text}.\n"


def released(*texts: str) -> list[Release]:
    out: list[Release] = []
    for day, text in enumerate(texts):
        notes = notes_of("Storage", extract(parse(LOGS.format(text=text), "storage.md")).cards)
        plan = DeckPlan("Storage", slug("Storage"), tuple(notes), ("storage.md",))
        out.append(release(plan, out[-1].manifest if out else None, 1_000 + day * 86_400))
    return out


def gaps(rel: Release) -> dict[str, int]:
    [note] = rel.plan.notes
    found = deletions(note.fields["Text"])
    assert found is not None
    return {d.hides: d.number for d in found}


def test_a_gap_edited_to_exactly_the_likeness_needed_keeps_its_card():
    """Moved and edited at once (so not kept by its place): ``abcde`` → ``abcxy`` is 0.6 alike,
    exactly :data:`SIMILAR`, and keeps its number; ``abxyz`` (0.4) is a new gap."""
    assert SIMILAR == 0.6
    _, edited = released("{{c1::alpha}} then {{c2::abcde}}", "{{c1::abcxy}} then {{c2::alpha}}")
    assert gaps(edited) == {"abcxy": 2, "alpha": 1}
    assert not edited.gaps
    _, other = released("{{c1::alpha}} then {{c2::abcde}}", "{{c1::abxyz}} then {{c2::alpha}}")
    assert gaps(other) == {"abxyz": 3, "alpha": 1}
    [change] = other.gaps.values()
    assert (change.added, change.removed) == (("abxyz",), ("abcde",))


def test_a_package_whose_image_was_swapped_is_an_error(tmp_path, monkeypatch):
    """The committed package holds another image under the packed name: a learner would get a
    picture no source shows. ``diff`` and ``build`` name the package and its media."""
    monkeypatch.chdir(tmp_path)
    write({"src/d.md": "# D\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two ![pic](pic.png)\n"})
    Path("src/pic.png").write_bytes(png(2, 1))
    assert outcome("build", "src", "--out", "decks")[0] == 0
    package = tmp_path / "decks" / "d-1.0.0.apkg"
    with zipfile.ZipFile(package) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    assert png(2, 1) in [data for _, data in members]
    with zipfile.ZipFile(package, "w") as archive:
        for info, data in members:
            archive.writestr(info, png(3, 1) if data == png(2, 1) else data)
    error = (
        "decks/d-1.0.0.apkg: error: differs from what its sources build (its media);"
        " rebuild it from the sources: delete it and run deckbuilder build\n"
    )
    assert outcome("diff", "src", "--out", "decks") == (1, "", error)
    assert outcome("build", "src", "--out", "decks") == (1, "", error)


def test_a_package_named_without_a_version_belongs_to_no_deck(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write({"src/d.md": "# D\n\n## Part\n\n- **Alpha:** one\n"})
    assert outcome("build", "src", "--out", "decks")[0] == 0
    shutil.copy(tmp_path / "decks" / "d-1.0.0.apkg", tmp_path / "decks" / "d-latest.apkg")
    code, _, stderr = outcome("build", "src", "--out", "decks")
    assert code == 1
    assert stderr == (
        "decks/d-latest.apkg: error: is the package of no deck (no manifest in this folder names it,"
        " no source builds it); delete it\n"
    )
