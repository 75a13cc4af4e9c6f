"""Hard-wrapped documents: a soft line break is a space (nothing between two CJK characters),
a list item keeps its continuation lines, and no card ends where a source line ended.

Each source is written hard-wrapped, as books and READMEs are; the cards must read as if it
were not.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

from builder.markdown import parser
from builder.markdown.tokens import entries, plain

from support import cards_json, run


def _cards(tmp_path: Path, text: str, name: str = "notes.md") -> list[dict[str, Any]]:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return cards_json(str(path))


def _pairs(cards: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(card["kind"], card["prompt"], card["answer"]) for card in cards]


def test_a_wrapped_item_is_whole_and_a_wrapped_paragraph_is_not_glued(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Storage

        ## Types

        - In the old days it was better to use CHAR instead of VARCHAR
          for fixed-width columns, which is no longer true today.
        - Indexes speed up reads
          and slow down writes.

        Containers share the host kernel and
        memory, unlike virtual machines.
        """,
        "storage.md",
    )
    old = "In the old days it was better to use CHAR instead of VARCHAR for fixed-width columns, which is no longer true today."
    # The list is what its heading names: each item, one sentence, is a gap of its own.
    assert _pairs(cards) == [
        (
            "cloze",
            "Types —\n- [...]\n- Indexes speed up reads and slow down writes.",
            f"- {old}\n- Indexes speed up reads and slow down writes.",
        )
    ]
    fields = cards[0]["fields"]["Text"]
    assert "<li>{{c2::Indexes speed up reads and slow down writes.}}</li>" in fields
    assert f"<li>{{{{c1::{old}}}}}</li>" in fields


def test_the_unmarked_wrapped_paragraph_is_skipped_with_its_words_apart(tmp_path):
    path = tmp_path / "storage.md"
    path.write_text("# Storage\n\n## Types\n\nContainers share the host kernel and\nmemory, unlike VMs.\n")
    result = run("cards", str(path), "--skipped")
    assert "Containers share the host kernel and memory, unlike VMs." in result.output


def test_a_wrapped_labelled_fact_carries_its_continuation(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Ops

        ## Outages

        **Cause:** the connection pool was exhausted by a retry storm that
        kept every connection busy for minutes.
        **Fix:** a retry budget
        per client.

        - **Effect:** requests queued behind the pool
          until the load balancer timed them out.
        """,
    )
    assert _pairs(cards) == [
        (
            "fact",
            "Outages — Cause?",
            "the connection pool was exhausted by a retry storm that kept every connection busy for minutes.",
        ),
        ("fact", "Outages — Fix?", "a retry budget per client."),
        (
            "fact",
            "Outages — Effect?",
            "requests queued behind the pool until the load balancer timed them out.",
        ),
    ]
    assert cards[2]["fields"]["Answer"] == (
        "<p>requests queued behind the pool until the load balancer timed them out.</p>"
    )


def test_a_wrapped_paragraph_with_marked_parts_gives_whole_sentences(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Storage

        ## Logs

        A **write-ahead log** records every change before it reaches the data
        files, so a crash loses nothing. Checkpoints run every **5 minutes**
        by default.
        """,
    )
    assert _pairs(cards) == [
        (
            "cloze",
            "Logs — A [...] records every change before it reaches the data files, so a crash loses nothing.",
            "A write-ahead log records every change before it reaches the data files, so a crash loses nothing.",
        ),
        (
            "cloze",
            "Logs — Checkpoints run every [...] by default.",
            "Checkpoints run every 5 minutes by default.",
        ),
    ]


def test_a_sentence_that_ends_at_a_line_end_is_a_sentence_of_its_own(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Storage

        ## Logs

        Vacuum reclaims **dead rows**.
        Autovacuum runs it when **20%** of a table changed.
        """,
    )
    assert [card["answer"] for card in cards] == [
        "Vacuum reclaims dead rows.",
        "Autovacuum runs it when 20% of a table changed.",
    ]


def test_cjk_text_wrapped_mid_sentence_gets_no_space(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # 存储

        ## 日志

        **预写日志**在修改写入数据文件之前先记录每一次
        修改，因此崩溃不会丢失数据。
        """,
    )
    assert _pairs(cards) == [
        (
            "cloze",
            "日志 — [...]在修改写入数据文件之前先记录每一次修改，因此崩溃不会丢失数据。",
            "预写日志在修改写入数据文件之前先记录每一次修改，因此崩溃不会丢失数据。",
        )
    ]


def test_cjk_next_to_latin_and_korean_keep_the_space():
    def joined(text: str) -> list[str]:
        tokens = parser().parseInline(text)[0].children or []
        return [plain(line) for _, line in entries(tokens)]

    assert joined("日志使用\nWAL 记录") == ["日志使用 WAL 记录"]
    assert joined("로그는\n먼저 기록된다") == ["로그는 먼저 기록된다"]
    assert joined("ログは\n先に書く") == ["ログは先に書く"]


def test_a_title_line_starts_a_paragraph_and_an_emphasised_line_inside_one_continues_it():
    def joined(text: str) -> list[str]:
        tokens = parser().parseInline(text)[0].children or []
        return [plain(line) for _, line in entries(tokens)]

    assert joined("**Defaults**\nKeepalive is 60 s.") == ["Defaults", "Keepalive is 60 s."]
    assert joined("> [!NOTE]\nIndexes slow\nwrites.".removeprefix("> ")) == [
        "[!NOTE]",
        "Indexes slow writes.",
    ]
    assert joined("This pattern is called\n*resource acquisition is initialization*\nin C++.") == [
        "This pattern is called resource acquisition is initialization in C++."
    ]


def test_plain_text_reads_a_soft_break_as_a_space_or_nothing_between_cjk():
    def text(source: str) -> str:
        return plain(parser().parseInline(source)[0].children or [])

    assert (
        text("Containers share the host kernel and\nmemory.")
        == "Containers share the host kernel and memory."
    )
    assert text("**预写日志**在修改之前先记录每一次\n修改。") == "预写日志在修改之前先记录每一次修改。"
    assert text("日志使用\nWAL") == "日志使用 WAL"


def test_a_wrapped_numbered_step_is_named_whole(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Deploy

        ## Release

        1. Build the image
           with the release tag.
        2. Push it.
        3. Roll out
           the new pods.
        """,
    )
    assert _pairs(cards) == [
        (
            "steps",
            "Release — the 3 steps, in order?",
            "1. Build the image with the release tag.\n2. Push it.\n3. Roll out the new pods.",
        )
    ]


def test_a_wrapped_answer_to_a_q_line_is_whole(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Databases

        ## Indexes

        Q: Why do indexes slow
        down writes?
        A: Every insert must also update each index,
        which costs extra page writes.

        ## Covering indexes

        - Q: What does a covering index
          hold?
          A: Every column the query
          reads.
        """,
    )
    assert _pairs(cards) == [
        (
            "question",
            "Why do indexes slow down writes?",
            "Every insert must also update each index, which costs extra page writes.",
        ),
        ("question", "What does a covering index hold?", "Every column the query reads."),
    ]


def test_labelled_lines_stay_apart_and_a_title_line_stays_a_caption(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Network

        ## Ports

        **SSH:** 22
        **HTTPS:** 443

        **Defaults**
        - Keepalive is **60 s**.
        - Timeout is **30 s**.
        """,
    )
    assert _pairs(cards) == [
        ("fact", "Ports — SSH?", "22"),
        ("fact", "Ports — HTTPS?", "443"),
        (
            "cloze",
            "Ports › Defaults —\n- Keepalive is [...].\n- Timeout is 30 s.",
            "- Keepalive is 60 s.\n- Timeout is 30 s.",
        ),
    ]


def test_a_broken_deletion_in_a_wrapped_paragraph_is_reported_at_its_own_line(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Oven\n\n## Bread\n\nPreheat the stone.\nThen bake at {{c1::220 °C until brown.\n")
    result = run("cards", str(path), "--json")
    assert "notes.md:6: error: unbalanced cloze" in result.output
