"""Cards written inline in a Markdown source: ``{{c1::…}}`` deletions and ``Q:``/``A:`` pairs.

Sources are small and of other domains (databases, networking, cooking), as in test_card_rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from builder.build import notes_of
from builder.cli import main
from builder.extract import Extraction, extract
from builder.model import Note
from builder.read import read


def cards(tmp_path: Path, text: str, name: str = "notes.md") -> tuple[Extraction, list[Note]]:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    found = extract(read(path, name))
    return found, notes_of("Deck", found.cards)


def errors(found: Extraction) -> list[str]:
    return [str(d) for d in found.diagnostics if d.level == "error"]


def warnings(found: Extraction) -> list[str]:
    return [str(d) for d in found.diagnostics if d.level == "warning"]


# --- Cloze deletions ------------------------------------------------------------------------

PROSE = """
    # Postgres

    ## Vacuum

    Autovacuum starts at a scale factor of **0.2**. A row version is removed once no snapshot
    can see it: {{c1::VACUUM}} marks its space {{c2::reusable::for what}}. `VACUUM FULL` takes an
    **exclusive** lock.
"""


def test_a_sentence_with_a_deletion_is_one_cloze_note_with_a_card_per_number(tmp_path):
    found, notes = cards(tmp_path, PROSE)
    assert not found.diagnostics
    inline = [n for n in notes if "VACUUM marks" in n.answer]
    assert len(inline) == 1
    note = inline[0]
    assert (note.kind, note.model) == ("cloze", "cloze")
    assert note.fields["Text"] == (
        '<div class="crumb">Vacuum</div><div class="ask">A row version is removed once no snapshot can'
        " see it: {{c1::VACUUM}} marks its space {{c2::reusable::for what}}.</div>"
    )
    assert note.sides == (
        "Vacuum — A row version is removed once no snapshot can see it: [...] marks its space reusable.",
        "Vacuum — A row version is removed once no snapshot can see it: VACUUM marks its space [for what].",
    )
    assert (
        note.answer
        == "A row version is removed once no snapshot can see it: VACUUM marks its space reusable."
    )
    assert str(note.origin) == "notes.md:5"
    # Keyed by its first words outside the deletions, under its section.
    assert note.key == "notes/vacuum/cloze:a-row-version-is-removed-once"


def test_the_other_sentences_of_the_paragraph_are_carded_as_before(tmp_path):
    _, notes = cards(tmp_path, PROSE)
    answers = [n.answer for n in notes]
    assert answers == [
        "Autovacuum starts at a scale factor of 0.2.",
        "A row version is removed once no snapshot can see it: VACUUM marks its space reusable.",
        "VACUUM FULL takes an exclusive lock.",
    ]


def test_a_sentence_with_a_deletion_gives_no_generated_card(tmp_path):
    """Its bold phrase and its figure are not gaps: only the hand-written deletion is."""
    _, notes = cards(tmp_path, "## Cache\n\nA **hot key** expires after {{c1::300 s}} by default.\n")
    [note] = notes
    assert note.fields["Text"].endswith(
        "A <strong>hot key</strong> expires after {{c1::300 s}} by default.</div>"
    )
    assert note.sides == ()


def test_list_items_and_labelled_items_are_clozes_of_the_whole_item(tmp_path):
    found, notes = cards(
        tmp_path,
        """
        # Kitchen

        ## Bread

        - **Hydration:** a baguette dough is about {{c1::70%}} water
        - Salt is {{c1::2%}} of the flour {{c2::by weight}}
        - Proof until doubled
        - Bake on a hot stone
        """,
    )
    assert not found.diagnostics
    by_key = {n.key.split("/")[-1]: n for n in notes}
    labelled = by_key["cloze:hydration"]
    assert labelled.kind == "cloze"
    assert (
        "<strong>Hydration:</strong> a baguette dough is about {{c1::70%}} water" in labelled.fields["Text"]
    )
    assert labelled.prompt == "Bread — Hydration: a baguette dough is about [...] water"
    item = by_key["cloze:salt-is-of-the-flour"]
    assert len(item.sides) == 2
    # No fact card for the labelled item, and the other items still make their list cloze.
    assert not any(n.kind == "fact" for n in notes)
    [rest] = [n for n in notes if n.key.split("/")[-1].startswith("list:")]
    assert rest.answer == "- Proof until doubled\n- Bake on a hot stone"


def test_a_nested_item_is_carded_under_its_parent_label(tmp_path):
    _, notes = cards(
        tmp_path,
        """
        ## Storage

        - **Engine:**
          - **Memtable:** flushed at {{c1::64 MB}}
          - Compaction is leveled by default
        """,
    )
    [cloze] = [n for n in notes if "64 MB" in n.answer]
    assert cloze.prompt == "Storage › Engine — Memtable: flushed at [...]"
    assert cloze.key == "notes/storage/engine/cloze:memtable"


def test_a_step_with_a_deletion_stays_in_its_steps(tmp_path):
    _, notes = cards(
        tmp_path,
        "## Release\n\n1. Build the image\n2. Push it with {{c1::`docker push`}}\n3. Deploy\n",
    )
    kinds = {n.kind: n for n in notes}
    assert kinds["steps"].prompt == "Release — the 3 steps, in order?"
    assert "{{c1::<code>docker push</code>}}" in kinds["cloze"].fields["Text"]


def test_a_table_cell_with_a_deletion_is_a_cloze_of_row_column_and_value(tmp_path):
    found, notes = cards(
        tmp_path,
        """
        ## Ports

        | Service | Port | Transport |
        |---|---|---|
        | DNS | {{c1::53}} | UDP, TCP for large answers |
        | NTP | 123 | UDP |
        """,
    )
    assert not found.diagnostics
    [cloze] = [n for n in notes if n.kind == "cloze"]
    assert cloze.prompt == "Ports — DNS: Port: [...]"
    assert cloze.answer == "DNS: Port: 53"
    assert cloze.key == "notes/ports/cloze:dns:port"
    assert str(cloze.origin) == "notes.md:5"
    cells = sorted(n.prompt for n in notes if n.kind == "table-cell")
    assert cells == ["Ports — DNS: Transport?", "Ports — NTP: Port?", "Ports — NTP: Transport?"]


def test_a_deletion_in_a_row_key_or_a_heading_is_a_warning(tmp_path):
    found, notes = cards(
        tmp_path,
        """
        ## Ports of {{c1::DNS}}

        | Service | Port |
        |---|---|
        | {{c1::DNS}} | 53 |
        """,
    )
    assert warnings(found) == [
        "notes.md:1: warning: a cloze deletion in a heading is not carded: “Ports of {{c1::DNS}}”",
        "notes.md:5: warning: a cloze deletion in a row's first cell, its key, is not carded:"
        " “{{c1::DNS}}”; put it in another cell",
    ]
    assert [n.prompt for n in notes] == ["Ports of {{c1::DNS}} — DNS: Port?"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "Bake at {{c1::220 °C until brown.",
            "unbalanced cloze: “{{c1::220 °C until brown. …” has no closing }}",
        ),
        ("Bake at 220 °C}} until brown.", "unbalanced cloze: “Then: Bake at 220 °C}}” has no opening {{c1::"),
        ("Bake at {{c0::220 °C}}.", "malformed cloze: “{{c0::220 °C}}.”: deletions are numbered from c1"),
        ("Bake at {{c1:220 °C}}.", "malformed cloze: “{{c1:220 °C}}.”: write a deletion as {{c1::answer}}"),
        (
            "Bake at {{c1::220 {{c2::°C}} }}.",
            "malformed cloze: “{{c2::°C}} }}.” is inside “{{c1::220 {{c2::°C}} }}.”;"
            " nested deletions are not supported",
        ),
        (
            "Bake **at {{c1::220** °C}}.",
            "malformed cloze: “{{c1::220 °C}}.” crosses the end of bold, italic or a link;"
            " open and close it inside the same one",
        ),
    ],
)
def test_a_broken_deletion_is_an_error_at_its_line_and_no_card(tmp_path, line, message):
    found, notes = cards(tmp_path, f"## Oven\n\nPreheat the stone.\nThen: {line} Serve warm.\n")
    assert errors(found) == [f"notes.md:4: error: {message}"]
    assert [n.answer for n in notes if line.split()[0] in n.answer] == []
    assert any(s.reason.startswith("broken cloze deletion") for s in found.skipped)


def test_an_unbalanced_deletion_stops_the_build(tmp_path, monkeypatch):
    (tmp_path / "notes.md").write_text("# Oven\n\n## Bread\n\nBake at {{c1::x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "notes.md", "--out", "decks"])
    assert result.exit_code == 1
    assert "notes.md:5: error: unbalanced cloze: “{{c1::x” has no closing }}" in result.output
    assert not (tmp_path / "decks").exists() or not list((tmp_path / "decks").glob("*.apkg"))


def test_a_deletion_may_hold_a_full_stop(tmp_path):
    found, notes = cards(
        tmp_path, "## Words\n\nThe motto is {{c1::Festina lente. Make haste slowly}} in Latin.\n"
    )
    assert not found.diagnostics
    [note] = notes
    assert note.prompt == "Words — The motto is [...] in Latin."


def test_code_and_plain_braces_are_no_deletion(tmp_path):
    found, notes = cards(
        tmp_path,
        "## Templates\n\nJinja prints `{{c1::x}}` as is, and {{ name }} is a **variable**.\n",
    )
    assert not found.diagnostics
    [note] = notes
    assert note.fields["Text"].count("{{c") == 1  # the bold phrase, generated
    assert "<code>&#123;&#123;c1::x&#125;&#125;</code>" in note.fields["Text"]


def test_math_in_a_deletion_is_hidden_whole_and_a_deletion_in_math_is_kept(tmp_path):
    found, notes = cards(
        tmp_path,
        r"""
        ## Circles

        The area of a circle is {{c1::$\pi r^{2}$}}.

        Its area is also $\pi r^{ {{c1::2}} }$.
        """,
    )
    assert not found.diagnostics
    area, power = notes
    assert "{{c1::\\(\\pi r^&#123;2&#125;\\)}}" in area.fields["Text"]
    assert area.prompt == "Circles — The area of a circle is [...]."
    assert "\\(\\pi r^&#123; {{c1::2}} &#125;\\)" in power.fields["Text"]
    assert power.prompt == "Circles — Its area is also \\(\\pi r^{ [...] }\\)."
    assert power.answer == "Its area is also \\(\\pi r^{ 2 }\\)."


def test_plain_braces_leave_a_paragraph_as_it_was(tmp_path):
    """A paragraph with ``{{ name }}`` and no deletion is still its section's prose: here the
    answer of a question heading."""
    found, notes = cards(
        tmp_path, "## What does Jinja print for {{ name }}?\n\nThe value of {{ name }}, escaped.\n"
    )
    assert not found.diagnostics
    [note] = notes
    assert (note.kind, note.answer) == ("question", "The value of {{ name }}, escaped.")


# --- Q: / A: pairs --------------------------------------------------------------------------


def questions(notes: list[Note]) -> list[tuple[str, str]]:
    return [(n.prompt, n.answer) for n in notes if n.kind == "question"]


def test_several_pairs_in_a_row_each_have_their_own_answer(tmp_path):
    _, notes = cards(
        tmp_path,
        """
        # DNS

        ## Caching

        Q: How long may a resolver cache an answer?
        A: For the record's TTL,
        in seconds.
        Q: What is cached for a name that does not exist?
        A: The negative answer, for the SOA minimum.

        **Q:** Which port does DNS use?

        **A:** 53, UDP and TCP.
        """,
    )
    assert questions(notes) == [
        ("How long may a resolver cache an answer?", "For the record's TTL, in seconds."),
        ("What is cached for a name that does not exist?", "The negative answer, for the SOA minimum."),
        ("Which port does DNS use?", "53, UDP and TCP."),
    ]
    assert [n.key for n in notes] == [
        "notes/caching/question",
        "notes/caching/question~2",
        "notes/caching/question~3",
    ]


def test_an_answer_followed_by_a_list_or_code_takes_them_in(tmp_path):
    found, notes = cards(
        tmp_path,
        """
        ## Transactions

        Q: What are the ACID properties?
        A:

        - Atomicity
        - Consistency
        - Isolation
        - Durability

        Q: How do you start one in SQL?
        A: With BEGIN:

        ```sql
        BEGIN;
        ```
        """,
    )
    assert questions(notes) == [
        ("What are the ACID properties?", "- Atomicity\n- Consistency\n- Isolation\n- Durability"),
        ("How do you start one in SQL?", "With BEGIN:\nBEGIN;"),
    ]
    assert [n.kind for n in notes] == ["question", "question"]
    assert not found.skipped


def test_a_pair_in_a_list_item_is_a_question(tmp_path):
    _, notes = cards(
        tmp_path,
        """
        ## Concurrency

        - Q: What is MVCC?
          A: Multi-version concurrency control.
        - **Q:** Who wrote the first Postgres?
          **A:** Stonebraker's group at Berkeley.
        - Snapshots are taken per statement
        """,
    )
    assert questions(notes) == [
        ("What is MVCC?", "Multi-version concurrency control."),
        ("Who wrote the first Postgres?", "Stonebraker's group at Berkeley."),
    ]
    assert any(n.kind == "cloze" and "Snapshots" in n.answer for n in notes)


def test_a_pair_nested_in_an_item_is_a_question(tmp_path):
    _, notes = cards(tmp_path, "## Locks\n\n- Row locks\n\n  Q: What takes them?\n  A: UPDATE and DELETE.\n")
    assert ("What takes them?", "UPDATE and DELETE.") in questions(notes)


# --- Identity: rebuilding after an edit keeps the notes ---------------------------------------

SOURCE = """\
# Networking

## TCP

The handshake takes {{c1::three}} segments: {{c2::SYN, SYN-ACK, ACK}}.

- **Window:** the receiver advertises it in {{c1::bytes}}

Q: What does TIME_WAIT protect against?
A: Late segments of an old connection.
"""

EDITED = (
    SOURCE.replace("{{c1::three}}", "{{c1::3}}")
    .replace("{{c1::bytes}}", "{{c1::octets}}")
    .replace("Late segments of an old connection.", "Delayed duplicates of a closed connection.")
)


def manifest(folder: Path) -> dict:
    [path] = folder.glob("*.manifest.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_rebuilding_after_editing_the_answers_keeps_every_guid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source").mkdir()
    source = tmp_path / "source" / "net.md"
    source.write_text(SOURCE, encoding="utf-8")
    runner = CliRunner()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    assert runner.invoke(main, ["build", "source", "--out", "decks"]).exit_code == 0
    first = manifest(tmp_path / "decks")
    source.write_text(EDITED, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    result = runner.invoke(main, ["build", "source", "--out", "decks"])
    assert result.exit_code == 0, result.output
    second = manifest(tmp_path / "decks")
    assert {n["key"]: n["guid"] for n in second["notes"]} == {n["key"]: n["guid"] for n in first["notes"]}
    assert len(first["notes"]) == 3
    assert (first["version"], second["version"]) == ("1.0.0", "1.0.1")
    shown = runner.invoke(main, ["cards", "source", "--out", "decks", "--json"])
    answers = [json.loads(line)["answer"] for line in shown.stdout.splitlines()]
    assert answers == [
        "The handshake takes 3 segments: SYN, SYN-ACK, ACK.",
        "Window: the receiver advertises it in octets",
        "Delayed duplicates of a closed connection.",
    ]
