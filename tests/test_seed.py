"""The seed document, read as a learner would: everything of value reaches a card."""

from __future__ import annotations

from collections.abc import Iterator

from builder.markdown import plain, split_label
from builder.model import Block, Code, Document, ListBlock, Note, Paragraph, Section, Table


def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item.blocks)


def sections(doc: Document) -> Iterator[Section]:
    stack = list(doc.sections)
    while stack:
        section = stack.pop(0)
        yield section
        stack[:0] = section.children


def lines_with_cards(notes: list[Note]) -> set[int]:
    return {int(n.source.rsplit(":", 1)[1]) for n in notes}


def test_every_table_row_reaches_a_card(seed_document, seed_notes):
    lines = lines_with_cards(seed_notes)
    rows = [
        origin.line
        for s in sections(seed_document)
        for b in walk(s.blocks)
        if isinstance(b, Table)
        for origin in b.row_origins
    ]
    assert len(rows) == 38 + 5  # 38 table rows, 5 before/after rows
    assert [r for r in rows if r not in lines] == []


def test_every_labelled_fact_reaches_a_card(seed_document, seed_notes):
    lines = lines_with_cards(seed_notes)
    labelled = []
    for s in sections(seed_document):
        for b in walk(s.blocks):
            if isinstance(b, Paragraph):
                for line in b.lines:
                    lab = split_label(line.tokens)
                    if lab and plain(lab[1]) and lab[0] not in ("Question", "Answer"):
                        labelled.append(line.origin.line)
    assert len(labelled) == 93  # grep: 103 bold-label lines with a value, less 10 questions
    assert [line for line in labelled if line not in lines] == []


def test_every_question_numbered_list_and_code_block_reaches_a_card(seed_document, seed_notes):
    by_kind: dict[str, set[int]] = {}
    for n in seed_notes:
        by_kind.setdefault(n.kind, set()).add(int(n.source.rsplit(":", 1)[1]))
    numbered = [
        b.origin.line
        for s in sections(seed_document)
        for b in walk(s.blocks)
        if isinstance(b, ListBlock) and b.ordered
    ]
    assert numbered and all(line in by_kind["steps"] for line in numbered)
    code_blocks = [b for s in sections(seed_document) for b in walk(s.blocks) if isinstance(b, Code)]
    assert len(code_blocks) == 16  # 32 fence lines
    for block in code_blocks:
        last = block.origin.line + block.text.count("\n") + 1
        assert any(block.origin.line <= line <= last for line in by_kind["code"]), block.origin
    assert len([n for n in seed_notes if n.kind == "question"]) == 10


def test_prompts_are_unique_and_complete(seed_notes):
    assert len({n.guid for n in seed_notes}) == len(seed_notes)
    answers: dict[str, str] = {}
    for n in seed_notes:
        assert n.prompt.strip() and n.answer.strip(), n.key
        assert answers.setdefault(n.prompt, n.answer) == n.answer, n.prompt
    for n in seed_notes:
        if n.kind != "question":
            # Every prompt carries its context: the breadcrumb of the sections above it.
            assert n.prompt.startswith("Q"), n.prompt
            assert " — " in n.prompt, n.prompt


def find(notes: list[Note], kind: str, *parts: str) -> Note:
    found = [n for n in notes if n.kind == kind and all(p in n.prompt for p in parts)]
    assert len(found) == 1, (kind, parts, [n.prompt for n in found])
    return found[0]


def test_catalogue_examples(seed_notes):
    question = find(seed_notes, "question", "RSS memory growing from 4GB to 32GB")
    assert question.answer.splitlines() == [
        "1. Context & Scope",
        "2. Phase 1: Reproduction & Baseline (5 minutes)",
        "3. Phase 2: Rust-Specific Analysis (15 minutes)",
        "4. Phase 3: Blockchain Domain Root Causes (10 minutes)",
        "5. Phase 4: Validation & Trade-offs",
    ]
    constraints = find(seed_notes, "fact", "Q1:", "Context & Scope", "Constraints?")
    assert constraints.answer == (
        "Production-like environment; cannot attach debugger; must minimize test interruption"
    )
    tools = find(seed_notes, "list", "Q1:", "Tool Selection Matrix: which 4 items?")
    assert tools.answer.splitlines() == [
        "- tokio-console",
        "- perf + flamegraph",
        "- Miri",
        "- DHAT",
    ]
    dhat = find(seed_notes, "fact", "Tool Selection Matrix — DHAT?")
    assert dhat.answer == "For detailed heap analysis of Arc<MempoolTransaction>"
    memory = find(seed_notes, "table-row", "Tokio vs async-std", "Memory:")
    assert memory.prompt.endswith("Memory: Tokio, async-std, Recommendation?")
    assert memory.answer.splitlines() == [
        "Tokio: 8KB/task stack",
        "async-std: 2MB/thread",
        "Recommendation: Tokio (lower per-task)",
    ]
    proof = find(seed_notes, "table-row", "Option Comparison Matrix", "Proof Size:")
    assert "Roaring Bitmap: N/A (membership only)" in proof.answer
    p99 = find(seed_notes, "metric", "Q9:", "P99 Latency:")
    assert p99.fields["Text"].count("{{c1::8μs}}") == 1
    assert "50μs → [...]" in p99.prompt and "6.25×" in p99.prompt
    retry = find(seed_notes, "metric", "Q2:", "Primary:")
    assert "Retry rate {{c1::&lt;3%}} at 70,000 TPS sustained load" in retry.fields["Text"]
    steps = find(seed_notes, "steps", "Q8:", "Verification Protocol")
    assert steps.answer.splitlines() == ["1. Unit", "2. Fuzz", "3. Audit", "4. Canary"]
    baseline = find(seed_notes, "code", "Q1:", "memory baseline")
    assert baseline.answer.startswith("heaptrack ./target/release/reth")
    assert "highlight" in baseline.fields["Answer"]


def test_pipes_inside_code_spans_keep_the_row_whole(seed_notes):
    row = find(seed_notes, "table-row", "Fee-Priority Reorder")
    assert row.answer.splitlines() == [
        "Implementation: txs.sort_by(|a,b| b.fee.cmp(&a.fee))",
        "TPS Gain: +3,000 TPS",
        "Trade-off: Minor fairness reduction for low-fee txs",
    ]


def test_navigation_and_checklists_give_no_card(seed_notes):
    assert not [n for n in seed_notes if "Table of Contents" in n.prompt]
    assert not [n for n in seed_notes if "Checklist" in n.prompt or "☐" in n.answer]
