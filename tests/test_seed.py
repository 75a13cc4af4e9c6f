"""The seed document, read as a learner would: everything of value reaches a card."""

from __future__ import annotations

from collections.abc import Iterator

from builder.extract import Extraction
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
    return {n.origin.line for n in notes}


def accounted(extraction: Extraction, notes: list[Note]) -> set[int]:
    """Lines that reached a card or are listed, with a reason, as giving none."""
    return lines_with_cards(notes) | {s.origin.line for s in extraction.skipped}


def test_every_table_row_reaches_a_card_or_is_listed(seed_document, seed_extraction, seed_notes):
    lines = accounted(seed_extraction, seed_notes)
    rows = [
        origin.line
        for s in sections(seed_document)
        for b in walk(s.blocks)
        if isinstance(b, Table)
        for origin in b.row_origins
    ]
    assert len(rows) == 38 + 5  # 38 table rows, 5 before/after rows
    assert [r for r in rows if r not in lines] == []
    assert len([r for r in rows if r in lines_with_cards(seed_notes)]) == 43


def test_every_labelled_fact_reaches_a_card_or_is_listed(seed_document, seed_extraction, seed_notes):
    lines = accounted(seed_extraction, seed_notes)
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


def test_every_question_list_and_code_block_reaches_a_card_or_is_listed(
    seed_document, seed_extraction, seed_notes
):
    lines = accounted(seed_extraction, seed_notes)
    numbered = [
        b.origin.line
        for s in sections(seed_document)
        for b in walk(s.blocks)
        if isinstance(b, ListBlock) and b.ordered
    ]
    assert numbered and all(line in lines for line in numbered)
    code_blocks = [b for s in sections(seed_document) for b in walk(s.blocks) if isinstance(b, Code)]
    assert len(code_blocks) == 16  # 32 fence lines
    for block in code_blocks:
        last = block.origin.line + block.text.count("\n") + 1
        assert any(block.origin.line <= line <= last for line in lines), block.origin
    questions = [n for n in seed_notes if n.kind == "question"]
    listed = [s for s in seed_extraction.skipped if s.reason.startswith("question")]
    assert len(questions) + len(listed) == 10


def test_prompts_are_unique_short_and_cued(seed_notes):
    assert len({n.guid for n in seed_notes}) == len(seed_notes)
    answers: dict[str, str] = {}
    for n in seed_notes:
        assert n.prompt.strip() and n.answer.strip(), n.key
        assert answers.setdefault(n.prompt, n.answer) == n.answer, n.prompt
        assert "key points" not in n.prompt and "which " not in n.prompt, n.prompt
        if n.kind != "question":
            crumb = n.prompt.split(" — ")[0]
            assert crumb.count(" › ") <= 1, n.prompt  # the top section and the nearest heading
            assert not crumb.startswith("Q"), n.prompt  # no "Q1:" numbering
            assert "minutes)" not in crumb, n.prompt
    seen: set[str] = set()
    for n in seed_notes:
        assert n.answer not in seen or len(n.answer) < 20, n.prompt  # nothing carded twice
        seen.add(n.answer)


def test_no_table_card_asks_several_columns_and_no_code_is_long(seed_notes):
    for n in seed_notes:
        if n.kind == "table-cell":
            assert "," not in n.prompt.split(" — ")[-1].split(":")[-1], n.prompt
            assert "\n" not in n.answer, n.prompt
        if n.kind == "code":
            assert len([line for line in n.answer.splitlines() if line.strip()]) <= 15, n.prompt
            assert not n.prompt.endswith(" — Rust code?"), n.prompt


def find(notes: list[Note], kind: str, *parts: str) -> Note:
    found = [n for n in notes if n.kind == kind and all(p in n.prompt for p in parts)]
    assert len(found) == 1, (kind, parts, [n.prompt for n in found])
    return found[0]


def test_catalogue_examples(seed_notes):
    question = find(seed_notes, "question", "RSS memory growing from 4GB to 32GB")
    assert question.answer.splitlines() == [
        "1. Reproduction & Baseline",
        "2. Rust-Specific Analysis",
        "3. Blockchain Domain Root Causes",
    ]
    root = find(seed_notes, "fact", "Solana Transaction Parallelization Conflict", "Root cause?")
    assert root.answer.startswith("Solana's Sealevel parallelizes by AccountKey locks")
    dhat = find(seed_notes, "fact", "Tool Selection Matrix — DHAT?")
    assert dhat.answer == "For detailed heap analysis of Arc<MempoolTransaction>"
    fix = find(
        seed_notes, "table-cell", "Blockchain Domain Root Causes", "Unbounded Mempool: Fix Complexity?"
    )
    assert fix.answer == "Low: Add TTL + priority eviction"
    assert fix.prompt.startswith(
        "High-TPS Ethereum Client Memory Leak Diagnosis › Blockchain Domain Root Causes"
    )
    update = find(seed_notes, "table-cell", "Update Cost: Flat DB + Verkle?")
    assert update.answer == "O(1) (witness update)"
    memory = find(seed_notes, "table-cell", "Tokio vs async-std", "Memory: async-std?")
    assert memory.fields["Answer"] == "<p>2MB/thread</p>"
    p99 = find(seed_notes, "metric", "P99 Latency:")
    assert p99.fields["Text"].count("{{c1::8μs}}") == 1
    assert "6.25×" not in p99.fields["Text"] and "6.25×" in p99.fields["Extra"]
    steps = find(seed_notes, "steps", "Verification Protocol")
    assert steps.answer.splitlines() == ["1. Unit", "2. Fuzz", "3. Audit", "4. Canary"]
    baseline = find(seed_notes, "code", "Reproduction & Baseline", "memory baseline")
    assert baseline.answer.startswith("heaptrack ./target/release/reth")
    assert "highlight" in baseline.fields["Answer"]
    decision = find(seed_notes, "question", "L2 sequencer storing 1B historical transactions")
    assert decision.answer.startswith("Decision: Use Roaring Bitmap for existence")
    assert not [n for n in seed_notes if n.kind == "fact" and n.answer.startswith("Use Roaring Bitmap")]


def test_scenario_bookkeeping_and_targets_are_listed_not_carded(seed_extraction, seed_notes):
    assert not [n for n in seed_notes if "Stakeholders" in n.prompt or "Success" in n.prompt]
    reasons = {s.origin.line: s.reason for s in seed_extraction.skipped}
    assert "bookkeeping" in reasons[29]  # Stakeholders
    assert "target" in reasons[104]  # Primary: Retry rate <3% at 70,000 TPS


def test_pipes_inside_code_spans_keep_the_row_whole(seed_notes):
    row = find(seed_notes, "table-cell", "Fee-Priority Reorder: Implementation?")
    assert row.answer == "txs.sort_by(|a,b| b.fee.cmp(&a.fee))"
    gain = find(seed_notes, "table-cell", "Fee-Priority Reorder: TPS Gain?")
    assert gain.answer == "+3,000 TPS"


def test_navigation_and_checklists_give_no_card(seed_notes):
    assert not [n for n in seed_notes if "Table of Contents" in n.prompt]
    assert not [n for n in seed_notes if "Checklist" in n.prompt or "☐" in n.answer]
