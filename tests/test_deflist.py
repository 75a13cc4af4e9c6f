"""Definition lists (``Term`` then ``: definition``): one card per term, asked the way a
labelled fact is, its definitions the answer."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

from support import cards_json, run


def _cards(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "notes.md"
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return cards_json(str(path))


def _pairs(cards: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(card["kind"], card["prompt"], card["answer"]) for card in cards]


def test_each_term_is_one_fact_card(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Kubernetes

        ## Objects

        Pod
        : The smallest deployable unit, one or more containers
          sharing a network namespace.

        Service
        : A stable address in front of a set of pods.
        : Load-balances across them

        Node
        : A worker machine
        : runs the kubelet
        """,
    )
    assert _pairs(cards) == [
        (
            "fact",
            "Objects — Pod?",
            "The smallest deployable unit, one or more containers sharing a network namespace.",
        ),
        (
            "fact",
            "Objects — Service?",
            "A stable address in front of a set of pods. Load-balances across them",
        ),
        ("fact", "Objects — Node?", "A worker machine; runs the kubelet"),
    ]
    assert [card["key"] for card in cards] == [
        "notes/objects/fact:pod",
        "notes/objects/fact:service",
        "notes/objects/fact:node",
    ]
    assert [card["source"].rsplit(":", 1)[1] for card in cards] == ["5", "9", "13"]


def test_a_definition_keeps_its_nested_list(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Notes

        ## Kubelet

        Node
        : A worker machine.

          - runs the kubelet
          - runs a container runtime
        """,
    )
    assert _pairs(cards) == [
        ("fact", "Kubelet — Node?", "A worker machine.\n- runs the kubelet\n- runs a container runtime"),
    ]


def test_a_term_is_asked_as_a_label_is(tmp_path):
    """The same cue rules as ``**Label:** value``: a vague term asks nothing on its own."""
    defined = _cards(tmp_path, "# N\n\n## S\n\nTTL\n: Time to live, in seconds.\n")
    labelled = _cards(tmp_path, "# N\n\n## S\n\n**TTL:** Time to live, in seconds.\n")
    assert len(defined) == 1
    assert [(c["key"], c["prompt"], c["answer"]) for c in defined] == [
        (c["key"], c["prompt"], c["answer"]) for c in labelled
    ]


def test_colon_lines_not_under_a_term_keep_their_meaning(tmp_path):
    text = "# N\n\n## S\n\n: a colon line alone\n\nA sentence here.\n: a line after it\n"
    assert _cards(tmp_path, text) == []
    path = tmp_path / "notes.md"
    skipped = run("cards", str(path), "--skipped").stdout
    assert "a sentence, not a term, before a “:” line: A sentence here." in skipped
    assert ": a colon line alone" in skipped
