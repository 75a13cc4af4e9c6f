"""Hostile text and odd paths through the real command line (issue 19, items 3 and 4).

A message must be one line that nothing in it can rewrite: a key, path, deck name or any text
from a source, manifest or curation file holding a terminal escape, a carriage return, a newline
or a bidi override is shown with those written as visible escapes. Odd paths (symbolic link
loops, dangling links, a path under a file, a folder that cannot be written) give one line,
never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import queue
import threading
import time
from pathlib import Path

import pytest
import watchfiles

from builder import progress, scaffold
from builder.model import one_line
from builder.watch import _watched, loops, rebuild, watch

from support import outcome, write

EPOCH = 1_700_000_000
GOOD = "# Good\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n"
REFUSAL = "init writes only into an empty folder or a new one"

HOSTILE = "x\x1b]0;PWNED\x07\x1b[2K\rFAKE OK\n\x9b31m\u2028\u202e\u2066"
"""A key that would retitle the terminal, wipe the line, write 'FAKE OK' over it, forge a second
line, colour the rest through a C1 CSI and reverse it with bidi overrides."""
SHOWN = "x\\x1b]0;PWNED\\x07\\x1b[2K\\rFAKE OK\\n\\x9b31m\\u2028\\u202e\\u2066"


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(progress, "QUIET_SECONDS", math.inf)
    return tmp_path


def safe(text: str) -> None:
    """Nothing in ``text`` a terminal or log would act on: every line is plain."""
    for line in text.splitlines():
        assert one_line(line) == line, repr(line)
    assert "Traceback" not in text


# --- Escaping at output -------------------------------------------------------------------------


def test_one_line_writes_every_control_and_override_as_its_escape():
    assert one_line(HOSTILE) == SHOWN
    assert one_line("plain, é, 中文, \\x1b") == "plain, é, 中文, \\x1b"


def test_a_curation_key_cannot_rewrite_the_warning_that_quotes_it():
    # Before: the key reached stderr raw: the terminal was retitled and "FAKE OK" overwrote the line.
    write({"good/good.md": GOOD, "good/good.curation.yaml": json.dumps({HOSTILE: "drop"})})
    code, out, err = outcome("build", "good", "--out", "decks")
    assert code == 0
    safe(out + err)
    assert err.splitlines() == [
        f"good/good.curation.yaml:1: warning: no card has the key “{SHOWN}” any more (its heading,"
        " label or row was renamed, or the part was removed); update the key or remove the entry"
    ]


def test_a_curation_key_in_an_error_is_escaped():
    text = f"{json.dumps(HOSTILE)}: drop\n{json.dumps(HOSTILE)}: restore\n"
    write({"good/good.md": GOOD, "good/good.curation.yaml": text})
    code, out, err = outcome("build", "good", "--out", "decks")
    assert code == 1
    safe(out + err)
    assert err.splitlines() == [
        f"good/good.curation.yaml:2: error: “{SHOWN}” is curated twice (first at line 1)"
    ]


@pytest.mark.parametrize("command", [("build", "--draft"), ("diff",), ("build",)])
def test_a_deck_name_from_a_source_is_escaped_in_summaries_and_dry_runs(command):
    # Sources lose their control characters as they are read, but a bidi override stays in the
    # title: before, it reached the summary raw and reversed the rest of the line.
    write({"good/good.md": "# Bad \u202eKO TAF\n\n## Part\n\n- **Alpha:** one\n"})
    code, out, err = outcome(*command, "good", "--out", "decks")
    assert code == 0, err
    safe(out + err)
    assert out.splitlines()[0].startswith("Bad \\u202eKO TAF: ")


def test_a_prompt_and_answer_are_escaped_in_cards():
    write({"good/good.md": "# Good\n\n## Part\n\n- **Al\u202epha:** one\u2066two\n"})
    code, out, err = outcome("cards", "good", "--out", "decks")
    assert code == 0, err
    safe(out + err)
    assert out.splitlines() == ["[fact] Part — Al\\u202epha?", "    one\\u2066two"]


def test_json_lines_escape_c1_and_bidi_and_read_back_the_same():
    write({"good/good.md": "# Good\n\n## Part\n\n- **Al\u2066pha\u202e:** one\n"})
    code, out, err = outcome("cards", "good", "--json")
    assert code == 0, err
    safe(out)
    (note,) = [json.loads(line) for line in out.splitlines()]
    assert "Al\u2066pha\u202e" in note["prompt"]


def test_a_path_or_option_in_a_usage_error_is_escaped():
    code, out, err = outcome("build", "no\x1b]0;T\x07\rsuch")
    assert code == 2
    safe(out + err)
    assert err.splitlines() == ["deckbuilder: no such file or folder: no\\x1b]0;T\\x07\\rsuch"]
    code, out, err = outcome("build", "--x\x1b]0;T\x07\rFAKE")
    assert code == 2
    safe(out + err)
    assert err.splitlines()[-1] == "Error: No such option '--x\\x1b]0;T\\x07\\rFAKE'."


# --- init on odd targets: one line each, nothing written ----------------------------------------


def odd_targets() -> dict[str, str]:
    """Each odd target init is given, made in the working folder, and the line it must print."""
    Path("afile").write_text("x", encoding="utf-8")
    Path("dangling").symlink_to("nowhere")
    Path("loop").symlink_to("loop")
    return {
        "dangling": f"deckbuilder: dangling is a symbolic link to nowhere, which does not exist; {REFUSAL}",
        "loop": f"deckbuilder: loop is a loop of symbolic links; {REFUSAL}",
        "loop/repo": f"deckbuilder: loop/repo is under loop, which is a loop of symbolic links; {REFUSAL}",
        "afile": f"deckbuilder: afile is a file; {REFUSAL}",
        "afile/repo": f"deckbuilder: afile/repo is under afile, which is a file; {REFUSAL}",
    }


def test_init_gives_one_line_for_each_odd_target():
    # Before: a dangling link raised FileExistsError, a loop OSError (ELOOP), a path under a
    # file NotADirectoryError, each as a traceback.
    for target, line in odd_targets().items():
        code, out, err = outcome("init", target)
        assert (code, out, err.splitlines()) == (2, "", [line]), target
    assert sorted(p.name for p in Path(".").iterdir()) == ["afile", "dangling", "loop"]


def test_init_refuses_a_folder_it_may_not_write_into(monkeypatch):
    Path("ro").mkdir()
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != Path("ro"))
    code, out, err = outcome("init", "ro/repo")
    assert (code, out, err.splitlines()) == (
        2,
        "",
        [f"deckbuilder: ro/repo is under ro, which is a folder deckbuilder may not write into; {REFUSAL}"],
    )
    assert list(Path("ro").iterdir()) == []


def test_init_says_in_one_line_what_it_could_not_write(monkeypatch):
    # A read-only parent the access check cannot see (root, a read-only mount): the first file
    # that cannot be written stops init with one line.
    def refuse(folder: Path) -> list[Path]:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / "source"))

    monkeypatch.setattr(scaffold, "write", refuse)
    code, out, err = outcome("init", "repo\x1b]0;T\x07")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "deckbuilder: cannot write repo\\x1b]0;T\\x07/source: Permission denied; init stopped there"
    ]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_init_under_a_read_only_folder():
    Path("ro").mkdir()
    Path("ro").chmod(0o555)
    try:
        code, out, err = outcome("init", "ro/repo")
    finally:
        Path("ro").chmod(0o755)
    assert (code, out, err.splitlines()) == (
        2,
        "",
        [f"deckbuilder: ro/repo is under ro, which is a folder deckbuilder may not write into; {REFUSAL}"],
    )


# --- watch and symbolic link loops --------------------------------------------------------------


def test_watch_finds_the_loops_in_its_folders_without_going_round():
    write({"src/good.md": GOOD})
    Path("src/a.md").symlink_to("b.md")
    Path("src/b.md").symlink_to("a.md")
    Path("src/sub").mkdir()
    Path("src/sub/self.md").symlink_to("self.md")
    Path("src/sub/up").symlink_to("..")  # a cycle of folders, not a loop: never followed
    assert loops(["src"]) == ["src/a.md", "src/b.md", "src/sub/self.md"]


def test_a_loop_saved_while_watching_is_skipped_and_said_once():
    # Before: the filter resolved the path, and Python's RuntimeError("Symlink loop") ended watch.
    write({"src/good.md": GOOD})
    Path("src/loop.md").symlink_to("loop.md")
    said: list[str] = []
    keep = _watched(Path("decks"), Path("drafts"), said.append)
    loop = str(Path("src/loop.md").absolute())
    assert not keep(watchfiles.Change.added, loop)
    assert not keep(watchfiles.Change.modified, loop)
    assert keep(watchfiles.Change.modified, str(Path("src/good.md").absolute()))
    assert said == [f"skipped {loop}: a loop of symbolic links"]


def test_watch_survives_loops_and_says_it_skipped_them():
    write({"src/good.md": GOOD})
    Path("src/loop.md").symlink_to("loop.md")
    lines: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    worker = threading.Thread(
        target=watch, args=(["src"], Path("decks"), lines.put, stop, Path("drafts")), daemon=True
    )
    worker.start()
    seen = [lines.get(timeout=20) for _ in range(3)]
    assert seen == [
        "Good: draft of 1.0.0 (first release), 2 notes -> drafts/good-draft.apkg",
        "skipped src/loop.md: a loop of symbolic links",
        "watching src; drafts in drafts, nothing released (Ctrl-C to stop)",
    ]
    time.sleep(0.5)
    Path("src/later.md").symlink_to("later.md")
    Path("src/good.md").write_text(GOOD + "- **Gamma:** three\n", encoding="utf-8")
    deadline, more = time.monotonic() + 20, []
    while not any("3 notes" in line for line in more) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            more.append(lines.get(timeout=0.2))
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert f"skipped {Path('src/later.md').absolute()}: a loop of symbolic links" in more
    assert "Good: draft of 1.0.0 (first release), 3 notes -> drafts/good-draft.apkg" in more


# --- Curation files stay inside the source folder -----------------------------------------------


def test_a_curation_file_linked_outside_the_source_folder_is_an_error():
    # Before: the linked file was read, and its entries dropped cards, though a source or an
    # image linked the same way is refused.
    write({"src/good.md": GOOD, "secret.yaml": "good/part/fact:alpha: drop\n"})
    Path("src/good.curation.yaml").symlink_to("../secret.yaml")
    for paths in (["src"], ["src/good.md"]):
        code, out, err = outcome("build", *paths, "--out", "decks")
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            "src/good.curation.yaml: error: is a link to a file outside the source folder src/;"
            " curation files, like sources and images, must be inside the folder they are found in:"
            " copy it in"
        ]
    assert not Path("decks").exists()


def test_a_curation_file_linked_inside_the_source_folder_is_read():
    write({"src/good.md": GOOD, "src/curated/good.yml": "good/part/fact:alpha: drop\n"})
    Path("src/good.curation.yaml").symlink_to("curated/good.yml")
    code, out, err = outcome("cards", "src/good.md")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["[fact] Part — Beta?", "    two"]


def test_a_curation_file_that_is_a_loop_of_links_is_an_error():
    write({"src/good.md": GOOD})
    Path("src/good.curation.yaml").symlink_to("good.curation.yaml")
    code, out, err = outcome("build", "src", "--out", "decks")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "src/good.curation.yaml: error: is a link that leads nowhere (a loop, or a missing file);"
        " make it the file itself"
    ]


# --- Manifest GUIDs are checked like every other field ------------------------------------------


@pytest.mark.parametrize(
    ("where", "guid"),
    [
        ("notes", ""),
        ("notes", "\x1b]0;x\x07\rFAKE OK"),
        ("notes", "A" * 100_000),
        ("notes", "two words"),
        ("notes", 7),
        ("removed", "\u202eOK"),
    ],
)
def test_a_manifest_guid_that_anki_would_not_write_is_refused(where, guid):
    # Before: any text was taken as a GUID and shipped in the next release.
    write({"good/good.md": GOOD})
    assert outcome("build", "good", "--out", "decks")[0] == 0
    if where == "removed":
        write({"good/good.md": GOOD.replace("- **Beta:** two\n", "")})
        assert outcome("build", "good", "--out", "decks")[0] == 0
    manifest = Path("decks/good.manifest.json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data[where][0]["guid"] = guid
    manifest.write_text(json.dumps(data), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in Path("decks").iterdir()}
    write({"good/good.md": GOOD + "- **Gamma:** three\n"})
    what = "a note's guid" if where == "notes" else "a removed note's guid"
    for command in ("build", "diff"):
        code, out, err = outcome(command, "good", "--out", "decks")
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            f"decks/good.manifest.json: error: manifest is malformed ({what} is not a GUID); restore it from git"
        ]
    assert {p.name: p.read_bytes() for p in Path("decks").iterdir()} == before


# --- Drafts of decks that are gone --------------------------------------------------------------


def test_a_draft_build_removes_the_drafts_of_decks_that_are_gone():
    # Before: other-draft.apkg and other.preview.html stayed in drafts/ after other.md was deleted.
    write(
        {"src/good.md": GOOD, "src/other.md": GOOD.replace("# Good", "# Other"), "drafts/notes.txt": "mine"}
    )
    assert outcome("build", "--draft", "src", "--out", "decks")[0] == 0
    Path("src/other.md").unlink()
    code, out, err = outcome("build", "--draft", "src", "--out", "decks")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Good: draft of 1.0.0 (first release), 2 notes -> drafts/good-draft.apkg",
        "removed drafts/other-draft.apkg and its preview: no source gives its deck any more",
    ]
    assert sorted(p.name for p in Path("drafts").iterdir()) == [
        "good-draft.apkg",
        "good.preview.html",
        "notes.txt",
    ]


def test_a_draft_build_of_named_files_leaves_the_other_drafts():
    write({"src/good.md": GOOD, "src/other.md": GOOD.replace("# Good", "# Other")})
    assert outcome("build", "--draft", "src", "--out", "decks")[0] == 0
    code, out, _ = outcome("build", "--draft", "src/good.md", "--out", "decks")
    assert code == 0 and "removed" not in out
    assert len(list(Path("drafts").iterdir())) == 4


def test_a_failed_draft_build_removes_nothing():
    write({"src/good.md": GOOD, "src/other.md": GOOD.replace("# Good", "# Other")})
    assert outcome("build", "--draft", "src", "--out", "decks")[0] == 0
    Path("src/other.md").unlink()
    write({"src/good.curation.yaml": "- not a mapping\n"})
    assert outcome("build", "--draft", "src", "--out", "decks")[0] == 1
    assert len(list(Path("drafts").iterdir())) == 4


def test_watch_says_which_drafts_it_removed():
    write({"src/good.md": GOOD, "src/other.md": GOOD.replace("# Good", "# Other")})
    assert outcome("build", "--draft", "src", "--out", "decks")[0] == 0
    Path("src/other.md").unlink()
    said: list[str] = []
    assert rebuild(["src"], Path("decks"), said.append, Path("drafts"))
    assert said[-1] == "removed drafts/other-draft.apkg and its preview: no source gives its deck any more"


def test_a_domain_error_raised_by_a_command_is_escaped(monkeypatch):
    from builder import usecase
    from builder.errors import SourceError

    def refuse(*args: object, **kwargs: object) -> None:
        raise SourceError(f"src/{HOSTILE}.md:3", f"“{HOSTILE}” cannot be read")

    monkeypatch.setattr(usecase, "run", refuse)
    write({"src/good.md": GOOD})
    code, out, err = outcome("build", "src", "--out", "decks")
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"src/{SHOWN}.md:3: error: “{SHOWN}” cannot be read"]


def test_an_unknown_command_is_escaped():
    code, out, err = outcome("bu\x1b]0;T\x07\rild")
    assert code == 2
    safe(out + err)
    assert err.splitlines()[-1] == "Error: No such command 'bu\\x1b]0;T\\x07\\rild'."
