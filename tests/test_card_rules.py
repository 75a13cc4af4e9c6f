"""The extraction rules of CARDS.md, one test per rule, on small sources written here.

Each source is a few lines of another domain (databases, networking, cooking, biology) so the
rules are checked for documents of the seed's kind, not for the seed's wording.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

from click.testing import CliRunner

from builder.build import notes_of
from builder.cli import main
from builder.extract import Extraction, extract
from builder.model import Note
from builder.read import read


def cards(tmp_path: Path, text: str, name: str = "notes.md") -> tuple[Extraction, list[Note]]:
    """Extraction and notes of ``text`` written to ``tmp_path/name``, shown as ``name``."""
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    found = extract(read(path, name))
    return found, notes_of("Deck", found.cards)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``dedent(text)`` holding ``needle`` (as ``cards`` writes it)."""
    lines = dedent(text).lstrip().splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def by_prompt(notes: list[Note]) -> dict[str, Note]:
    return {n.prompt: n for n in notes}


def skipped_lines(found: Extraction) -> dict[int, str]:
    """What gave no card, by line (the parts of one line joined)."""
    lines: dict[int, list[str]] = {}
    for s in found.skipped:
        lines.setdefault(s.origin.line, []).append(f"{s.reason}: {s.text}")
    return {line: "\n".join(parts) for line, parts in lines.items()}


TABLES = """
    # Databases

    ## Storage engines

    | Engine | Locking | Best for |
    |---|---|---|
    | InnoDB | row-level | transactions |
    | MyISAM | table-level | read-heavy |

    ## Index choice

    | Aspect | B-tree | Hash <script>x</script> |
    |---|---|---|
    | Range scans | fast | unsupported |

    ## Failover review

    **Question:** Which replica should we promote after the primary dies?

    | Risk | Likelihood | Mitigation |
    |---|---|---|
    | Split brain | High | fence the old primary |
    | Replica lag | P0 | ✓ |
    """


def test_table_gives_one_card_per_cell(tmp_path: Path) -> None:
    found, notes = cards(tmp_path, TABLES)
    cells = by_prompt([n for n in notes if n.kind == "table-cell"])
    # Row-key table: "Row key: Column?" → the one cell, on the row's own line.
    innodb = cells["Storage engines — InnoDB: Locking?"]
    assert innodb.answer == "row-level"
    assert innodb.fields["Answer"] == "<p>row-level</p>"
    assert str(innodb.origin) == f"notes.md:{line_of(TABLES, '| InnoDB |')}"
    assert cells["Storage engines — MyISAM: Best for?"].answer == "read-heavy"
    assert cells["Storage engines — MyISAM: Best for?"].origin.line == line_of(TABLES, "| MyISAM")
    # Options as columns read the same way.
    assert cells["Index choice — Range scans: B-tree?"].answer == "fast"
    # The header is shown as text in HTML, never run.
    hash_cell = cells["Index choice — Range scans: Hash <script>x</script>?"]
    assert "Hash &lt;script&gt;x&lt;/script&gt;?" in hash_cell.fields["Prompt"]
    assert "<script>" not in hash_cell.fields["Prompt"]
    # No card lists a column: every answer is exactly one cell.
    one_cell = {"row-level", "transactions", "table-level", "read-heavy", "fast", "unsupported"}
    one_cell.add("fence the old primary")
    assert {n.answer for n in cells.values()} == one_cell
    assert len(cells) == len(one_cell)
    # Bare ratings inside a scenario give no card, and each one is listed.
    assert not {"High", "P0", "✓"} & {n.answer for n in notes}
    assert cells["Failover review — Split brain: Mitigation?"].answer == "fence the old primary"
    listed = skipped_lines(found)
    assert "P0" in listed.get(line_of(TABLES, "| Replica lag"), ""), listed
    assert "High" in listed.get(line_of(TABLES, "| Split brain"), ""), listed


ORGANELLES = """
    # Biology

    ## Organelles

    - **Mitochondria** produce ATP
    - **Ribosomes** build proteins
    - **Lysosomes** digest waste
    - **Golgi apparatus** packages proteins
    - **Nucleus** stores DNA
    """


def test_enumeration_is_one_cloze_note_with_a_gap_per_item(tmp_path: Path) -> None:
    _, notes = cards(tmp_path, ORGANELLES)
    assert [n.kind for n in notes] == ["cloze"]
    (note,) = notes
    text = note.fields["Text"]
    for n, name in enumerate(["Mitochondria", "Ribosomes", "Lysosomes", "Golgi apparatus", "Nucleus"], 1):
        assert f"<li>{{{{c{n}::{name}}}}} " in text
    assert "{{c6::" not in text
    assert len(note.sides) == 5
    assert note.sides[1].startswith("Organelles —\n- Mitochondria produce ATP\n- [...] build proteins")
    assert not any(re.search(r"\b(which|\d+) (points|items)\b", n.prompt, re.I) for n in notes)


PROSE = """
    # Kitchen

    ## Searing

    Browning relies on the **Maillard reaction**. A steak rests for 5 minutes before slicing.

    ## Folklore

    Grandmothers disagree about salting pasta water. Nobody wins that argument.
    """


def test_prose_clozes_marked_sentences_and_skips_the_rest(tmp_path: Path) -> None:
    found, notes = cards(tmp_path, PROSE)
    assert [n.kind for n in notes] == ["cloze", "cloze"]
    bold, figure = notes
    assert bold.prompt == "Searing — Browning relies on the [...]."
    assert "Browning relies on the {{c1::Maillard reaction}}." in bold.fields["Text"]
    assert figure.prompt == "Searing — A steak rests for [...] before slicing."
    assert "A steak rests for {{c1::5 minutes}} before slicing." in figure.fields["Text"]
    assert "Maillard" not in figure.fields["Text"]
    assert "Grandmothers" in skipped_lines(found)[line_of(PROSE, "Grandmothers")]
    assert not any("key points" in n.prompt.lower() for n in notes)


LABELS = """
    # Operations

    ## Slow checkout incident

    **Stakeholders:** DBA team, SRE on call
    **Option A:** add a covering index → 3% slower writes
    **Data:** replication logs from last week
    **Isolation level:** Read committed
    """


def test_labels_become_facts_clozes_or_nothing(tmp_path: Path) -> None:
    found, notes = cards(tmp_path, LABELS)
    listed = skipped_lines(found)
    assert "Stakeholders" in listed[line_of(LABELS, "Stakeholders")]
    assert "Data" in listed[line_of(LABELS, "**Data:**")]
    assert not any("Stakeholders" in n.prompt or "Data" in n.prompt for n in notes)
    option = next(n for n in notes if "Option A" in n.fields.get("Text", ""))
    assert option.kind == "cloze"
    assert "add a covering index → {{c1::3% slower" in option.fields["Text"]
    assert "[...]" in option.prompt and "3% slower" not in option.prompt
    fact = next(n for n in notes if n.kind == "fact")
    assert fact.prompt.endswith("Isolation level?")
    assert fact.answer == "Read committed"
    assert '<div class="ask">Isolation level?</div>' in fact.fields["Prompt"]
    assert len(notes) == 2


FIGURES = """
    # Caching

    ## Redis rollout

    | Metric | Before | After | Improvement |
    |---|---|---|---|
    | P95 latency | 120 ms | 15 ms | 8× faster |

    ## Session store move

    **Question:** How do we move the session store to Redis?

    ### Success Metrics

    - **Downtime:** under 5 minutes
    - **Error rate:** below 0.1%

    ### Dual writes

    Write to both stores behind a **feature flag**.
    """


def test_before_after_rows_hide_the_after_figure_and_scenario_targets_are_skipped(
    tmp_path: Path,
) -> None:
    found, notes = cards(tmp_path, FIGURES)
    metric = next(n for n in notes if n.kind == "metric")
    assert metric.prompt == "Redis rollout — P95 latency: 120 ms → [...]"
    assert "P95 latency: 120 ms → {{c1::15 ms}}" in metric.fields["Text"]
    assert "8×" not in metric.fields["Text"]
    assert str(metric.origin) == f"notes.md:{line_of(FIGURES, '| P95')}"
    listed = skipped_lines(found)
    assert "Downtime" in listed[line_of(FIGURES, "Downtime")]
    assert "Error rate" in listed[line_of(FIGURES, "Error rate")]
    assert not any("5 minutes" in n.answer or "0.1%" in n.answer for n in notes)


QUESTIONS = """
    # Postgres

    ## Migration plan

    **Question:** How should we move the sessions table
    to a new cluster without losing writes?

    ### Context

    The old cluster runs on **spinning disks**.

    ### Problem Definition

    Sessions are written every second by **the login service**.

    ### Success Metrics

    - **Downtime:** under 5 minutes

    ### Logical replication

    Stream changes with a **publication** and a subscription.

    **Decision:** use logical replication with a short write freeze

    ### Cut-over window

    Switch DNS during the **lowest-traffic hour**.

    ### References

    - [Postgres docs](https://www.postgresql.org/docs/)

    ## Indexes

    ### Q: What is a partial index?

    **Answer:** An index over the rows that match a WHERE clause.
    """


def test_questions_are_asked_whole_and_answered_by_their_content(tmp_path: Path) -> None:
    found, notes = cards(tmp_path, QUESTIONS)
    asked = [n for n in notes if n.kind == "question"]
    assert len(asked) == 2
    wrapped, heading = asked
    assert wrapped.prompt == "How should we move the sessions table to a new cluster without losing writes?"
    second = f"notes.md:{line_of(QUESTIONS, 'to a new cluster')}"
    assert not any(str(n.origin) == second for n in notes)
    answer = wrapped.fields["Answer"]
    assert "Decision: use logical replication with a short write freeze" in answer
    assert "<li>Logical replication</li><li>Cut-over window</li>" in answer
    for frame in ("Context", "Problem Definition", "Success Metrics", "References"):
        assert frame not in wrapped.answer
    # The decision is not carded again as a fact; it is listed as answered.
    assert not any(
        "Decision" in n.prompt or n.answer.startswith("use logical") for n in notes if n is not wrapped
    )
    assert "answer of the question" in skipped_lines(found)[line_of(QUESTIONS, "**Decision:**")]
    assert heading.prompt == "Indexes — What is a partial index?"
    assert "Q:" not in heading.fields["Prompt"]
    assert heading.answer.startswith("An index over the rows that match a WHERE clause.")
    assert heading.fields["Answer"].startswith("<p>An index over the rows")


CODE = """
    # Tooling

    ## Setup

    ```python
    # open a connection
    conn = sqlite3.connect("app.db")
    # create the users table
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    ```

    ## Fixtures

    ```python
    # load every fixture
    {body}
    ```

    ## Probing

    Check that a host answers:

    ```bash
    ping -c 4 example.org
    ```

    ## Bare

    ```rust
    fn main() {{ println!("hi"); }}
    ```
    """.format(body="\n    ".join(f"rows.append({n})" for n in range(16)))


def test_code_splits_at_comments_and_needs_a_cue(tmp_path: Path) -> None:
    found, notes = cards(tmp_path, CODE)
    code = by_prompt([n for n in notes if n.kind == "code"])
    connect = code["Setup — open a connection: Python code?"]
    assert connect.answer == 'conn = sqlite3.connect("app.db")'
    assert '<div class="highlight">' in connect.fields["Answer"]
    assert "create the users table" not in connect.answer
    table = code["Setup — create the users table: Python code?"]
    assert table.answer.startswith("conn.execute(")
    assert str(table.origin) == f"notes.md:{line_of(CODE, '# create the users table')}"
    # A step of 16 lines: no card, a warning and a skipped entry.
    long_line = line_of(CODE, "# load every fixture")
    assert not any("load every fixture" in n.prompt for n in notes)
    assert any(d.origin.line == long_line and "15" in d.message for d in found.diagnostics)
    assert "load every fixture" in skipped_lines(found)[long_line]
    assert code["Probing — Check that a host answers: command?"].answer == "ping -c 4 example.org"
    assert "fn main" in skipped_lines(found)[line_of(CODE, "fn main")]
    assert len(code) == 3
    bare = re.compile(r"^(?:[^—]+ — )?\w+ code\?$")
    assert not any(bare.match(n.prompt) for n in notes)


DEEP = """
    # Deck

    ## Q3: Networking basics

    ### Layer model

    #### Phase 2: Transport layer (10 minutes)

    - **Slow start threshold:** halves on packet loss
    """


def test_breadcrumb_is_top_section_and_nearest_heading_cleaned(tmp_path: Path) -> None:
    _, notes = cards(tmp_path, DEEP)
    (note,) = notes
    assert note.prompt == "Networking basics › Transport layer — Slow start threshold?"
    assert '<div class="crumb">Networking basics › Transport layer</div>' in note.fields["Prompt"]
    for gone in ("Q3", "Phase 2", "10 minutes", "Layer model", "Deck"):
        assert gone not in note.prompt


MIXED = """
    # Mixed

    ## Cache

    | Layer | Latency |
    |---|---|
    | L1 | 1 ns |
    |  | 4 ns |

    - **Eviction:** least recently used
    - **Owner:** platform team

    Plain words with no marks at all.

    A cache miss costs about **100 ns** of stall.

    - warm the cache
    - flush on deploy

    ```python
    # read a key
    value = cache.get("k")
    ```

    ```python
    print("no cue")
    ```

    ## Sizing

    **Question:** How large should the buffer pool be?

    **Answer:** About 70% of RAM.

    - **Eviction:** clock sweep
    - **Eviction:** second chance
    """


def test_every_part_is_carded_or_listed_by_cards_skipped(tmp_path: Path, monkeypatch) -> None:
    found, notes = cards(tmp_path, MIXED, "mix.md")
    sources = {n.origin.line for n in notes}
    listed = set(skipped_lines(found))
    parts = ["| L1", "|  | 4 ns", "**Eviction:** least", "**Owner:**", "Plain words", "cache miss"]
    parts += ["- warm the cache", "**Question:**", "**Eviction:** clock", "**Eviction:** second"]
    for needle in parts:
        assert line_of(MIXED, needle) in sources | listed, needle
    lines = dedent(MIXED).lstrip().splitlines()
    fences = [n for n, line in enumerate(lines, 1) if line.startswith("```")]
    for start, end in zip(fences[::2], fences[1::2], strict=True):
        assert (sources | listed) & set(range(start + 1, end)), f"code block at line {start}"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["cards", "mix.md", "--skipped"])
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    assert printed and all(re.match(r"^mix\.md:\d+: [^:]+.*: \S", line) for line in printed)
    assert [int(line.split(":")[1]) for line in printed] == [s.origin.line for s in found.skipped]
    assert f"mix.md:{line_of(MIXED, 'Plain words')}: " in result.stdout
    assert result.stdout.rstrip().endswith('print("no cue")')
    assert "Plain words with no marks at all." in result.stdout


def test_golden_keys(tmp_path: Path) -> None:
    _, notes = cards(tmp_path, MIXED + FIGURES.replace("# Caching\n", ""), "mix.md")
    assert [n.key for n in notes if n.kind != "cloze"] == [
        "mix/cache/cell:l1:latency",
        "mix/cache/fact:eviction",
        "mix/cache/code:read-a-key",
        "mix/sizing/question",
        "mix/sizing/fact:eviction",
        "mix/sizing/fact:eviction~2",
        "mix/redis-rollout/metric:p95-latency",
    ]


def test_plain_q_and_a_lines_make_a_question_card(tmp_path):
    """``Q:`` and ``A:`` lines without bold are a question and its answer."""
    src = tmp_path / "dns.md"
    src.write_text(
        "# DNS\n\n## Caching\n\nQ: How long may a resolver cache an answer?\n"
        "A: For the record's TTL, in seconds.\n",
        encoding="utf-8",
    )
    [note] = notes_of("Deck", extract(read(src, "dns.md")).cards)
    assert note.kind == "question"
    assert note.prompt == "How long may a resolver cache an answer?"
    assert note.answer == "For the record's TTL, in seconds."


def test_long_steps_hide_the_command_they_name(tmp_path):
    """Steps too long to recall whole become one cloze, each step hiding its last command."""
    src = tmp_path / "git.md"
    src.write_text(
        "# Git\n\n## Undo a pushed commit\n\n"
        "1. Find the commit you want to undo in the history with `git log --oneline`.\n"
        "2. Make a new commit that reverses it with `git revert SHA` instead of rewriting history.\n"
        "3. Push the new commit to the shared branch with `git push`.\n",
        encoding="utf-8",
    )
    [note] = notes_of("Deck", extract(read(src, "git.md")).cards)
    assert note.kind == "cloze"
    text = note.fields["Text"]
    assert "<ol>" in text
    assert "{{c1::<code>git log --oneline</code>}}" in text
    assert "{{c2::<code>git revert SHA</code>}}" in text
    assert "{{c3::<code>git push</code>}}" in text


def test_a_sentence_ends_before_a_code_span(tmp_path):
    """A full stop before a code span ends the sentence: two sentences, two cloze notes."""
    src = tmp_path / "pg.md"
    src.write_text(
        "# PG\n\n## Vacuum\n\nAutovacuum starts at a scale factor of **0.2** by default. "
        "`VACUUM FULL` takes an **exclusive** lock.\n",
        encoding="utf-8",
    )
    notes = notes_of("Deck", extract(read(src, "pg.md")).cards)
    assert [n.answer for n in notes] == [
        "Autovacuum starts at a scale factor of 0.2 by default.",
        "VACUUM FULL takes an exclusive lock.",
    ]
