"""The source cache: a rebuild reads only what changed; parallel reading changes nothing."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pickle
import re
import zipfile
from pathlib import Path

import pytest

from builder import build, cache, reading, sourceresults, stamp
from builder.build import plan_decks
from builder.cache import Cache
from builder.model import Diagnostic, Origin
from builder.sources import find_sources

from support import cards_json, outcome, png, write

SOURCE = "# Deck {n}\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two ![pic](pic.png)\n"


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "src"
    folder.mkdir()
    for n in range(5):
        (folder / f"d{n}.md").write_text(SOURCE.format(n=n), encoding="utf-8")
    (folder / "pic.png").write_bytes(b"\x89PNG first")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def reads(monkeypatch):
    """The sources actually parsed (not taken from the cache)."""
    seen: list[str] = []
    real = reading._load

    def counting(source, *rest):
        seen.append(source.path.name)
        return real(source, *rest)

    monkeypatch.setattr(reading, "_load", counting)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 10**6)  # in-process, so the counter sees it
    return seen


def notes(planned):
    return [n for deck in planned.decks for n in deck.notes]


def test_unchanged_sources_are_not_read_again(corpus, reads, tmp_path):
    store = Cache(tmp_path / "cache")
    first = plan_decks(["src"], cache=store)
    assert sorted(reads) == [f"d{n}.md" for n in range(5)]
    reads.clear()
    again = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert reads == []
    assert notes(again) == notes(first)
    assert again.diagnostics == first.diagnostics


def test_a_changed_source_is_read_again_alone(corpus, reads, tmp_path):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    (corpus / "d3.md").write_text(SOURCE.format(n=3).replace("one", "uno"), encoding="utf-8")
    changed = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert reads == ["d3.md"]
    assert "uno" in {n.answer for n in notes(changed)}


def test_one_changed_source_among_cached_ones_is_read_by_a_worker_meanwhile(corpus, tmp_path, monkeypatch):
    """With enough cached results to take apart, the edited source is read in one worker while
    this process takes them apart; the plan is the one reading everything here gives."""
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    (corpus / "d3.md").write_text(SOURCE.format(n=3).replace("one", "uno"), encoding="utf-8")
    pools: list[int] = []
    real = reading.worker_pool
    monkeypatch.setattr(reading, "worker_pool", lambda jobs: pools.append(jobs) or real(jobs))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 4)  # 4 cached results, 1 source to read
    told: list[str] = []
    meanwhile = plan_decks(["src"], lambda done, total, shown: told.append(shown), Cache(tmp_path / "cache"))
    assert pools == [1]
    assert sorted(told) == sorted(str(Path("src") / f"d{n}.md") for n in range(5))
    monkeypatch.setattr(reading, "PARALLEL_FROM", 10**6)
    here = plan_decks(["src"])
    assert "uno" in {n.answer for n in notes(meanwhile)}
    assert notes(meanwhile) == notes(here)
    assert [d.name for d in meanwhile.decks] == [d.name for d in here.decks]
    assert meanwhile.diagnostics == here.diagnostics
    pools.clear()
    (corpus / "d3.md").write_text(SOURCE.format(n=3).replace("one", "eins"), encoding="utf-8")
    monkeypatch.setattr(reading, "PARALLEL_FROM", 5)  # 4 cached results: too few to pay for a worker
    again = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert pools == [] and "eins" in {n.answer for n in notes(again)}
    (corpus / "d3.md").write_text(SOURCE.format(n=3).replace("one", "un"), encoding="utf-8")
    monkeypatch.setattr(reading, "PARALLEL_FROM", 4)
    monkeypatch.setattr(reading, "pool_context", lambda: multiprocessing.get_context("spawn"))
    spawned = plan_decks(["src"], cache=Cache(tmp_path / "cache"))  # a new interpreter: not worth it
    assert pools == [] and "un" in {n.answer for n in notes(spawned)}


def test_a_changed_image_is_read_again(corpus, reads, tmp_path):
    first = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    (corpus / "pic.png").write_bytes(b"\x89PNG second")
    second = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert sorted(reads) == [f"d{n}.md" for n in range(5)]
    assert {f.name for d in first.decks for f in d.media} != {f.name for d in second.decks for f in d.media}


def test_another_deckbuilder_does_not_trust_the_cache(corpus, reads, tmp_path, monkeypatch):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    monkeypatch.setattr(cache, "fingerprint", lambda: "another-version")
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert len(reads) == 5


def test_a_broken_cache_entry_is_a_miss_in_use_and_an_error_in_tests(corpus, reads, tmp_path):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text("{broken", encoding="utf-8")
    reads.clear()
    result = plan_decks(["src"], cache=Cache(tmp_path / "cache", strict=False))
    assert len(reads) == 5 and len(notes(result)) == 10
    for entry in (tmp_path / "cache").glob("*.json"):
        kept = json.loads(entry.read_text(encoding="utf-8"))
        kept["result"]["notes"] = [{"kind": "question"}]
        entry.write_text(json.dumps(kept), encoding="utf-8")
    with pytest.raises(cache.BadEntry):
        plan_decks(["src"], cache=Cache(tmp_path / "cache"))  # strict: the tests set DECKBUILDER_CACHE_STRICT


class _Payload:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickled_entry_is_never_run(corpus, reads, tmp_path, caplog):
    store = tmp_path / "cache"
    plan_decks(["src"], cache=Cache(store))
    marker = tmp_path / "ran"
    entries = [*store.glob("*.json")]
    assert len(entries) == 5

    def poison():
        for entry in entries:
            entry.write_bytes(pickle.dumps(_Payload(marker)))

    poison()
    reads.clear()
    with caplog.at_level(logging.DEBUG, logger="builder.cache"):
        result = plan_decks(["src"], cache=Cache(store, strict=False))
    assert len(reads) == 5 and len(notes(result)) == 10
    assert "cannot be used" in caplog.text
    poison()  # the build above kept good entries again
    with pytest.raises(cache.BadEntry):
        plan_decks(["src"], cache=Cache(store, strict=True))
    assert not marker.exists()


def test_an_entry_of_another_format_is_a_miss_even_in_strict_mode(corpus, reads, tmp_path):
    store = tmp_path / "cache"
    plan_decks(["src"], cache=Cache(store))
    for entry in store.glob("*.json"):
        entry.write_text('{"format": 1, "what": "an older deckbuilder"}', encoding="utf-8")
    reads.clear()
    plan_decks(["src"], cache=Cache(store, strict=True))
    assert len(reads) == 5


def test_a_result_reads_back_as_it_was_kept(tmp_path):
    """Notes, images, problems and what was skipped: the cache keeps them field by field."""
    source = tmp_path / "d.md"
    source.write_text("# D\n\n## S\n\n- **A:** one ![p](p.png)\n- **B:**\n\nSome prose.\n", encoding="utf-8")
    (tmp_path / "p.png").write_bytes(b"\x89PNG")
    [found] = find_sources([str(source)])[0]
    result = build.read_source(found)
    assert result.notes and result.media and result.skipped
    assert sourceresults.result_from(json.loads(json.dumps(sourceresults.result_data(result)))) == result
    store = Cache(tmp_path / "cache")
    key = store.key(found.path, found.context)
    store.put(found.shown, key, result)  # no get() needed first
    assert Cache(tmp_path / "cache").get(found.shown, key) == result
    assert Cache(tmp_path / "cache").get(found.shown, "another key") is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda note: note.pop(),  # one member short
        lambda note: note.__setitem__(1, 7),  # a key that is not text
        lambda note: note.__setitem__(3, "trivia"),  # a kind deckbuilder has not
        lambda note: note.__setitem__(7, [["Prompt"]]),  # a field that is not a pair
        lambda note: note.__setitem__(8, ["ok", 3]),  # a tag that is not text
        lambda note: note.__setitem__(9, ["d.md", "3"]),  # a line that is not a number
    ],
    ids=["short", "key", "kind", "field", "tag", "line"],
)
def test_a_note_entry_of_another_shape_is_refused(tmp_path, tamper):
    """A note is kept as a list of its members in order (:data:`builder.sourceresults.NOTE_FIELDS`):
    each is checked as it is read back."""
    source = tmp_path / "d.md"
    source.write_text("# D\n\n## S\n\n- **A:** one\n", encoding="utf-8")
    [found] = find_sources([str(source)])[0]
    data = json.loads(json.dumps(sourceresults.result_data(build.read_source(found))))
    assert len(data["notes"][0]) == len(sourceresults.NOTE_FIELDS)
    tamper(data["notes"][0])
    with pytest.raises(cache.BadEntry):
        sourceresults.result_from(data)


def test_a_tampered_stamp_is_no_shortcut(tmp_path, monkeypatch):
    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "cache"))
    warned = (Diagnostic(Origin("src/a.md", 3), "warning", "w"),)
    found = (stamp.Unchanged("A", "1.0.0", "decks/a-1.0.0.apkg", (("fact", 2),)),)
    kept = stamp.Stamp("in", ((tmp_path / "p.png", "abc.png"),), "decks", warned, found)
    stamp.save(["src"], tmp_path / "decks", kept)
    assert stamp.load(["src"], tmp_path / "decks") == kept
    [place] = (tmp_path / "cache").glob("stamp-*.json")
    place.write_bytes(pickle.dumps(_Payload(tmp_path / "ran")))
    assert stamp.load(["src"], tmp_path / "decks", strict=False) is None
    with pytest.raises(cache.BadEntry):
        stamp.load(["src"], tmp_path / "decks", strict=True)
    assert not (tmp_path / "ran").exists()


def test_parallel_reading_gives_the_same_plan(corpus, monkeypatch):
    monkeypatch.setattr(reading, "PARALLEL_FROM", 10**6)
    serial = plan_decks(["src"])
    monkeypatch.setattr(reading, "PARALLEL_FROM", 2)
    parallel = plan_decks(["src"])
    assert notes(parallel) == notes(serial)
    assert [d.name for d in parallel.decks] == [d.name for d in serial.decks]


def test_a_build_with_nothing_to_do_reads_nothing(corpus, monkeypatch, tmp_path):
    """The second build finds the stamp of the first: same report, no source parsed."""
    from click.testing import CliRunner

    from builder import cli

    runner = CliRunner()
    first = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
    assert first.exit_code == 0, first.output

    def no_planning(*args, **kwargs):
        raise AssertionError("planned although nothing changed")

    monkeypatch.setattr(build, "plan_decks", no_planning)  # the use case imports it when it plans
    again = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout.replace("first release", "unchanged")
    assert again.stderr == first.stderr

    # Any change to a source, an image or the decks folder means a real build again.
    for touch in (
        lambda: (corpus / "d1.md").write_text(SOURCE.format(n=1) + "- **Gamma:** three\n", encoding="utf-8"),
        lambda: (corpus / "pic.png").write_bytes(b"\x89PNG other"),
        lambda: next((tmp_path / "decks").glob("*.apkg")).unlink(),
    ):
        touch()
        result = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
        assert result.exception is not None and "planned although nothing changed" in str(result.exception)


def test_a_source_with_errors_is_read_again(tmp_path, monkeypatch):
    """A missing image is an error; once the image exists, the next build sees it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "d.md").write_text("# D\n\n## S\n- **Pic:** ![d](d.png)\n", encoding="utf-8")
    first = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert [d.message for d in first.errors] == ["image “d.png” not found"]
    (tmp_path / "src" / "d.png").write_bytes(b"\\x89PNG")
    assert plan_decks(["src"], cache=Cache(tmp_path / "cache")).errors == []


def test_an_edited_included_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "cache"))
    """A source whose cards come from a file it includes is neither cached nor stamped: the
    cache key and the no-change stamp hash the source alone."""
    monkeypatch.chdir(tmp_path)
    Path("book").mkdir()
    Path("book/listing.rs").write_text("fn first() {}\n", encoding="utf-8")
    Path("book/ch1.md").write_text(
        "# Book\n\n## Functions\n\nA function that does nothing:\n\n```rust\n{{#include listing.rs}}\n```\n",
        encoding="utf-8",
    )
    assert outcome("build", "book", "--out", "decks")[0] == 0
    Path("book/listing.rs").write_text("fn second() {}\n", encoding="utf-8")
    code, stdout, stderr = outcome("build", "book", "--out", "decks")
    assert code == 0, stderr
    assert "1 changed" in stdout, stdout
    assert "fn second" in outcome("cards", "book", "--json")[1]


def _packed_images(apkg: Path) -> dict[str, bytes]:
    """The images a package carries, by the name its notes show them under."""
    with zipfile.ZipFile(apkg) as archive:
        names = json.loads(archive.read("media"))
        return {name: archive.read(number) for number, name in names.items()}


def test_an_edited_image_alone_is_built_again(tmp_path, monkeypatch):
    """Only an image's bytes changed, no source: the build is not taken for one with nothing
    to do. The new release carries the new image, and the shortcut holds again after it."""
    monkeypatch.chdir(tmp_path)
    write({"src/d.md": "# D\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two ![pic](pic.png)\n"})
    Path("src/pic.png").write_bytes(png(2, 1))
    code, first, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    assert outcome("build", "src", "--out", "decks")[1] == first.replace("first release", "unchanged")

    Path("src/pic.png").write_bytes(png(3, 1))
    code, stdout, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    assert (
        stdout
        == "D: 2 notes (fact 2) -> decks/d-1.0.1.apkg (1.0.0 -> 1.0.1, patch: 0 added, 1 changed, 0 removed)\n"
    )
    [(name, data)] = _packed_images(tmp_path / "decks" / "d-1.0.1.apkg").items()
    assert data == png(3, 1)
    [beta] = [n for n in cards_json("src", "--out", "decks") if n["prompt"].endswith("Beta?")]
    assert f'src="{name}"' in beta["fields"]["Answer"]

    again = outcome("build", "src", "--out", "decks")
    assert again == (
        0,
        stdout.replace("1.0.0 -> 1.0.1, patch: 0 added, 1 changed, 0 removed", "1.0.1, unchanged"),
        "",
    )


def test_a_decks_folder_changed_after_a_build_is_built_again(tmp_path, monkeypatch):
    """Nothing but the decks folder changed: a package deleted is written again, and a
    manifest edited by hand is an error, never taken for a build with nothing to do."""
    monkeypatch.chdir(tmp_path)
    write({"src/d.md": "# D\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n"})
    assert outcome("build", "src", "--out", "decks")[0] == 0
    package = tmp_path / "decks" / "d-1.0.0.apkg"
    built = package.read_bytes()
    package.unlink()
    code, _, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    assert package.read_bytes() == built

    manifest = tmp_path / "decks" / "d.manifest.json"
    text = manifest.read_text(encoding="utf-8")
    edited = re.sub(r'"shipped": \["[0-9a-f]+"\]', '"shipped": ["0000000000000000"]', text, count=1)
    assert edited != text
    manifest.write_text(edited, encoding="utf-8")
    code, _, stderr = outcome("build", "src", "--out", "decks")
    assert code == 1
    assert "decks/d.manifest.json" in stderr and "differs from what its sources build" in stderr, stderr


def test_rewrite_drafts_are_made_only_when_asked_and_a_cached_entry_without_them_is_read_again(
    corpus, reads, tmp_path
):
    """A build makes no rewrite drafts (only preview pages and ``pull`` use them); a preview
    after it reads the sources again to get them, and a build after that uses its entries."""
    store = Cache(tmp_path / "cache")
    built = plan_decks(["src"], cache=store, rewrite_drafts=False)
    assert notes(built) and all(n.draft is None for n in notes(built))
    reads.clear()
    shown = plan_decks(["src"], cache=store, rewrite_drafts=True)
    assert sorted(reads) == [f"d{n}.md" for n in range(5)]
    assert dict(notes(shown)[0].draft or ()) == {"prompt": "Alpha?", "answer": "one"}
    fresh = plan_decks(["src"], rewrite_drafts=True)
    assert [n.draft for n in notes(shown)] == [n.draft for n in notes(fresh)]
    reads.clear()
    again = plan_decks(["src"], cache=store, rewrite_drafts=False)
    assert reads == []
    assert [n.draft for n in notes(again)] == [n.draft for n in notes(fresh)]
    # The rest of a note is the same with or without its draft.
    assert [n.fields for n in notes(built)] == [n.fields for n in notes(again)]


def test_a_preview_of_notes_built_without_their_drafts_is_refused_not_silently_bare(corpus):
    from builder.curation import rewrite_entry

    (note, *_) = notes(plan_decks(["src"], rewrite_drafts=False))
    with pytest.raises(ValueError, match="without its rewrite draft"):
        rewrite_entry(note)
