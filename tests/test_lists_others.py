"""Lists as others write them: MDN's definition lists written as nested bullets, link lists
that only point elsewhere, numbered lists that are not procedures."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

from support import cards_json, run


def _cards(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "notes.md"
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return cards_json(str(path))


def _skipped(tmp_path: Path) -> str:
    result = run("cards", str(tmp_path / "notes.md"), "--skipped")
    assert result.exit_code == 0, result.output
    return result.stdout


def _pairs(cards: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(card["kind"], card["prompt"], card["answer"]) for card in cards]


def test_a_term_with_colon_items_nested_under_it_is_a_definition(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Anchor

        ## Attributes

        - `download`
          - : Makes the browser treat the linked URL as a download.
        - [`href`](https://example.com/href)
          - : The URL that the hyperlink points to.

            Links are not restricted to HTTP URLs.
        - **ping**
          - : A space-separated list of URLs to notify.
        """,
    )
    assert _pairs(cards) == [
        ("fact", "Attributes — download?", "Makes the browser treat the linked URL as a download."),
        (
            "fact",
            "Attributes — href?",
            "The URL that the hyperlink points to.\nLinks are not restricted to HTTP URLs.",
        ),
        ("fact", "Attributes — ping?", "A space-separated list of URLs to notify."),
    ]


def test_other_items_of_a_definition_list_stay_a_list(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Anchor

        ## Attributes

        - `href`
          - : The URL that the hyperlink points to.
        - `ping`
          - : A space-separated list of URLs to notify.
        - Global attributes apply as well
        - Event handlers apply as well
        """,
    )
    kinds = [(card["kind"], card["prompt"]) for card in cards]
    assert kinds[:2] == [("fact", "Attributes — href?"), ("fact", "Attributes — ping?")]
    assert [card["kind"] for card in cards[2:]] == ["cloze"]
    assert ": The URL" not in " ".join(card["answer"] + card["prompt"] for card in cards)


def test_a_nested_list_without_colons_is_no_definition(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Tools

        ## Linters

        - ruff
          - fast
          - written in Rust
        - pylint
          - thorough
        """,
    )
    assert "fact" not in [card["kind"] for card in cards]


def test_a_list_of_links_each_with_a_short_description_is_navigation(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # ConfigMaps

        ## More

        - Read about [Secrets](https://example.com/secret).
        - Read [Configure a Pod to Use a ConfigMap](https://example.com/pod).
        - Read [The Twelve-Factor App](https://12factor.net/) to understand why code and config are kept apart.

        ## Sources

        - What is the difference between JDK and JRE?：<https://stackoverflow.com/questions/1906445>
        - Oracle vs OpenJDK：<https://www.educba.com/oracle-vs-openjdk/>
        """,
    )
    assert cards == []
    skipped = _skipped(tmp_path)
    assert "navigation (links): Read about Secrets." in skipped


def test_a_list_that_only_mentions_links_is_knowledge(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Validators

        ## Validation info

        A validator may take an extra argument, giving:

        * [already validated data](#validation-data)
        * [user defined context](#validation-context)
        * the current [validation mode](#modes): either `'python'` or `'json'`
        * the current field name, if using a [field validator](#field-validators)
        """,
    )
    assert [card["kind"] for card in cards] == ["cloze"]


def test_headings_that_only_list_further_pages_give_no_card(tmp_path):
    for heading in ("What's next", "Next steps", "Siguientes pasos", "¿Qué sigue?", "参考", "次のステップ"):
        cards = _cards(
            tmp_path,
            f"""
            # Pods

            ## {heading}

            - Learn how pods are scheduled on the nodes of a cluster
            - Learn how a pod's containers are restarted after a crash
            """,
        )
        assert cards == [], heading


def test_a_numbered_list_of_named_parts_is_no_procedure(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Java

        ## JDK and JRE

        The JRE is made of two parts:

        1. **JVM**: the Java virtual machine.
        2. **Class library**: the standard classes every program may use.
        """,
    )
    assert [card["kind"] for card in cards] == ["fact", "fact"]
    assert [card["prompt"] for card in cards] == [
        "JDK and JRE › The JRE is made of two parts — JVM?",
        "JDK and JRE › The JRE is made of two parts — Class library?",
    ]


def test_a_numbered_list_under_a_procedural_title_is_asked_in_order(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # Release

        ## Validation steps

        1. **Correctness**: property tests on a million random orders.
        2. **Canary**: five percent of the traffic for a day.
        """,
    )
    assert _pairs(cards)[0] == (
        "steps",
        "Validation steps — the 2 steps, in order?",
        "1. Correctness\n2. Canary",
    )


def test_numbered_actions_are_steps_and_long_cjk_ones_a_cloze(tmp_path):
    cards = _cards(
        tmp_path,
        """
        # 方法

        ## 重写

        1. 方法名、参数列表必须相同，子类方法返回值类型应比父类方法返回值类型更小或相等。
        2. 如果父类方法访问修饰符为 private 则子类就不能重写该方法。
        3. 构造方法无法被重写
        """,
    )
    assert [card["kind"] for card in cards] == ["cloze"]
    actions = _cards(
        tmp_path,
        """
        # Backups

        ## Restore

        1. Stop the writer
        2. Copy the snapshot back
        """,
    )
    assert [card["kind"] for card in actions] == ["steps"]
