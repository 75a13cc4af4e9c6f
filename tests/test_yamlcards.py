"""Hand-written YAML cards: what loads, what each mistake is called, and what is refused."""

from __future__ import annotations

from textwrap import dedent

import pytest

from builder.errors import SourceError
from builder.model import Answered, Blocks, ListBlock, Paragraph, Table, Written
from builder.render import render
from builder.yamlcards import CardFile, load_cards, parse_cards

EXAMPLE = """\
deck: Rust Web3 Interview::Extras     # optional, else the caller names it from the file name
tags: [rust]                         # optional, added to every card
cards:
  - id: tokio-runtime                # required, unique: the note's identity
    front: Which async runtime do most Rust Web3 crates assume?
    back: "**Tokio**"                # Markdown, rendered like Markdown sources
    tags: [async]
  - id: sealevel-locks
    cloze: Sealevel schedules transactions by {{c1::account}} locks
  - id: mpt-vs-verkle
    front: Proof size, Merkle Patricia Trie vs Verkle?
    back: about 3 KB against about 200 B
    reverse: true                    # also asks back -> front
"""


def load(text: str) -> tuple[CardFile, list[str]]:
    loaded, problems = parse_cards(dedent(text), "cards.yaml")
    return loaded, [str(p) for p in problems]


def card_of(loaded: CardFile, key: str):
    return next(card for card in loaded.cards if card.key == key)


# --- What loads ---------------------------------------------------------------------------


def test_example_gives_three_notes_one_of_them_reversible():
    loaded, problems = load(EXAMPLE)
    assert problems == []
    assert (loaded.path, loaded.deck, loaded.tags) == ("cards.yaml", "Rust Web3 Interview::Extras", ("rust",))
    assert [(c.kind, c.key, c.tags, str(c.origin)) for c in loaded.cards] == [
        ("fact", "card:tokio-runtime", ("rust", "async"), "cards.yaml:4"),
        ("cloze", "card:sealevel-locks", ("rust",), "cards.yaml:8"),
        ("fact", "card:mpt-vs-verkle", ("rust",), "cards.yaml:10"),
    ]
    assert all(c.crumbs == () for c in loaded.cards)
    assert [type(c.form) for c in loaded.cards] == [Answered, Written, Answered]
    assert [c.form.way for c in loaded.cards if isinstance(c.form, Answered)] == ["forward", "both"]


def test_fact_card_renders_its_back_as_markdown():
    loaded, _ = load(EXAMPLE)
    card = card_of(loaded, "card:tokio-runtime")
    assert card.ask == "Which async runtime do most Rust Web3 crates assume?"
    rendered = render(card)
    assert rendered.model == "prompt"
    assert rendered.prompt == "Which async runtime do most Rust Web3 crates assume?"
    assert "<strong>Tokio</strong>" in rendered.fields["Answer"]
    assert rendered.answer == "Tokio"


def test_cloze_card_keeps_its_deletion_and_hides_it_in_the_prompt():
    loaded, _ = load(EXAMPLE)
    card = card_of(loaded, "card:sealevel-locks")
    assert card.ask == ""
    assert isinstance(card.form, Written) and str(card.form.statement.origin) == "cards.yaml:9"
    rendered = render(card)
    assert rendered.model == "cloze"
    assert "{{c1::account}}" in rendered.fields["Text"]
    assert rendered.prompt == "Sealevel schedules transactions by [...] locks"
    assert rendered.answer == "Sealevel schedules transactions by account locks"


def test_reverse_is_one_note_of_the_reverse_note_type():
    """One note whose note type gives a second card asking back -> front (Anki buries siblings)."""
    loaded, _ = load(EXAMPLE)
    card = card_of(loaded, "card:mpt-vs-verkle")
    assert card.ask == "Proof size, Merkle Patricia Trie vs Verkle?"
    rendered = render(card)
    assert rendered.model == "reverse"
    assert rendered.fields == {
        "Prompt": '<div class="ask">Proof size, Merkle Patricia Trie vs Verkle?</div>',
        "Answer": "<p>about 3 KB against about 200 B</p>",
        "Source": "cards.yaml",
    }
    assert (rendered.prompt, rendered.answer) == (
        "Proof size, Merkle Patricia Trie vs Verkle?",
        "about 3 KB against about 200 B",
    )


def test_markdown_in_front_becomes_plain_text_in_the_prompt():
    loaded, _ = load("""\
        cards:
          - id: x
            front: What does `Arc<T>` **share**?
            back: ownership
    """)
    assert loaded.cards[0].ask == "What does Arc<T> share?"
    assert render(loaded.cards[0]).fields["Prompt"] == '<div class="ask">What does Arc&lt;T&gt; share?</div>'


def test_script_in_a_back_is_escaped():
    loaded, _ = load("""\
        cards:
          - id: x
            front: q
            back: <script>alert(1)</script> and <b>bold</b>
    """)
    answer = render(loaded.cards[0]).fields["Answer"]
    assert "<script>" not in answer and "<b>" not in answer
    # A script is shown as the text it is; an inline tag goes, its text kept.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and bold" in answer


def test_back_blocks_name_their_lines_in_the_yaml_file():
    loaded, problems = load("""\
        cards:
          - id: x
            front: q
            back: |
              First paragraph.

              - one
              - two

              | a | b |
              |---|---|
              | 1 | 2 |
    """)
    assert problems == []
    form = loaded.cards[0].form
    assert isinstance(form, Answered)
    (part,) = form.answer
    assert isinstance(part, Blocks)
    assert [(type(b), b.origin.line) for b in part.blocks] == [(Paragraph, 5), (ListBlock, 7), (Table, 10)]


def test_back_starting_with_a_rule_is_not_front_matter():
    loaded, problems = load("""\
        cards:
          - id: x
            front: q
            back: |
              ---
              after the rule
    """)
    assert problems == []
    assert render(loaded.cards[0]).answer == "after the rule"


def test_headings_in_a_back_are_kept_as_text_with_a_warning():
    loaded, problems = load("""\
        cards:
          - id: x
            front: q
            back: |
              # Big
              text
    """)
    assert problems == ["cards.yaml:5: warning: back of card “x” has headings; they are shown as text"]
    assert render(loaded.cards[0]).fields["Answer"] == "<p>Big</p><p>text</p>"


def test_numbers_are_text_as_written():
    loaded, problems = load("""\
        cards:
          - id: 42
            front: 3.10
            back: 0x1F
    """)
    assert problems == []
    (card,) = loaded.cards
    assert (card.key, card.ask, render(card).answer) == ("card:42", "3.10", "0x1F")


def test_without_deck_or_tags_the_caller_decides():
    loaded, problems = load("cards:\n  - {id: a, cloze: '{{c1::x}} y'}\n")
    assert problems == []
    assert (loaded.deck, loaded.tags, loaded.cards[0].tags) == (None, (), ())


def test_tags_are_not_repeated():
    loaded, _ = load("tags: [rust, web3]\ncards:\n  - {id: a, cloze: '{{c1::x}}', tags: [web3, async]}\n")
    assert loaded.cards[0].tags == ("rust", "web3", "async")


def test_a_bad_card_is_skipped_and_the_others_load():
    loaded, problems = load("""\
        cards:
          - id: good
            cloze: "{{c1::yes}}"
          - id: bad
            front: only a front
          - id: also-good
            front: q
            back: a
    """)
    assert problems == ["cards.yaml:4: error: card “bad” has a front but no back"]
    assert [c.key for c in loaded.cards] == ["card:good", "card:also-good"]


def test_load_cards_reads_the_file(tmp_path):
    path = tmp_path / "extras.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    loaded, problems = load_cards(path, "extras.yaml")
    assert problems == [] and len(loaded.cards) == 3 and loaded.path == "extras.yaml"


def test_load_cards_refuses_a_binary_file(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"cards: []\0\1\2")
    with pytest.raises(SourceError) as caught:
        load_cards(path, "x.yaml")
    assert caught.value.format_message() == "x.yaml: error: binary file, not text"


# --- Each mistake, by its message ---------------------------------------------------------


ERRORS = {
    "unknown top-level key": (
        "deks: Oops\ncards: []\n",
        ["cards.yaml:1: error: unknown key “deks” (known: cards, deck, tags)"],
    ),
    "cards missing": (
        "deck: D\n",
        ["cards.yaml:1: error: “cards” must be a list of cards"],
    ),
    "cards not a list": (
        "deck: D\ncards:\n  id: x\n",
        ["cards.yaml:2: error: “cards” must be a list of cards"],
    ),
    "card not a mapping": (
        "cards:\n  - just text\n",
        ["cards.yaml:2: error: a card must be a mapping with an id"],
    ),
    "no id": (
        "cards:\n  - front: q\n    back: a\n",
        ["cards.yaml:2: error: card has no id (an id is the note's identity)"],
    ),
    "empty id": (
        "cards:\n  - id:\n    front: q\n    back: a\n",
        ["cards.yaml:2: error: card has no id (an id is the note's identity)"],
    ),
    "bad id": (
        "cards:\n  - id: two words\n    front: q\n    back: a\n",
        ["cards.yaml:2: error: card id “two words” may hold only letters, digits and . _ : -"],
    ),
    "id not text": (
        "cards:\n  - id: [a]\n    front: q\n    back: a\n",
        ["cards.yaml:2: error: card id must be text"],
    ),
    "unknown card key": (
        "cards:\n  - id: x\n    front: q\n    back: a\n    hint: h\n",
        [
            "cards.yaml:5: error: unknown key “hint” in card “x” (known: back, cloze, fields, front, id, note_type, reverse, tags, type_in)"
        ],
    ),
    "front without back": (
        "cards:\n  - id: a\n    cloze: '{{c1::a}}'\n  - id: x\n    front: q\n",
        ["cards.yaml:4: error: card “x” has a front but no back"],
    ),
    "back without front": (
        "cards:\n  - id: x\n    back: a\n",
        ["cards.yaml:2: error: card “x” has a back but no front"],
    ),
    "neither": (
        "cards:\n  - id: x\n    tags: [t]\n",
        ["cards.yaml:2: error: card “x” needs front and back, or cloze"],
    ),
    "cloze and front": (
        "cards:\n  - id: x\n    front: q\n    cloze: '{{c1::a}}'\n",
        ["cards.yaml:2: error: card “x” has both cloze and front/back"],
    ),
    "cloze without deletion": (
        "cards:\n  - id: x\n    cloze: nothing hidden {{c::here}}\n",
        ["cards.yaml:3: error: cloze card “x” has no {{c1::…}} deletion"],
    ),
    "file tags not a list": (
        "tags: rust\ncards: []\n",
        ["cards.yaml:1: error: tags must be a list of words without spaces"],
    ),
    "card tag with a space": (
        "cards:\n  - id: x\n    cloze: '{{c1::a}}'\n    tags: [ok, not ok]\n",
        ["cards.yaml:4: error: tags must be a list of words without spaces"],
    ),
    "card tag not text": (
        "cards:\n  - id: x\n    cloze: '{{c1::a}}'\n    tags: [{a: b}]\n",
        ["cards.yaml:4: error: tags must be a list of words without spaces"],
    ),
    "empty front": (
        "cards:\n  - id: x\n    front: '  '\n    back: a\n",
        ["cards.yaml:3: error: card “x” has an empty front"],
    ),
    "empty back": (
        "cards:\n  - id: x\n    front: q\n    back:\n",
        ["cards.yaml:4: error: card “x” has an empty back"],
    ),
    "empty cloze": (
        "cards:\n  - id: x\n    cloze: ''\n",
        ["cards.yaml:3: error: card “x” has an empty cloze"],
    ),
    "back of only a rule": (
        "cards:\n  - id: x\n    front: q\n    back: '***'\n",
        ["cards.yaml:2: error: card “x” has an empty back"],
    ),
    "duplicate key in a card": (
        "cards:\n  - id: x\n    front: q\n    back: a\n    back: b\n",
        ["cards.yaml:5: error: duplicate key “back”"],
    ),
    "duplicate top-level key": (
        "cards: []\ncards: []\n",
        ["cards.yaml:2: error: duplicate key “cards”"],
    ),
    "front not text": (
        "cards:\n  - id: x\n    front: [a, b]\n    back: a\n",
        ["cards.yaml:3: error: card “x”: front must be text"],
    ),
    "back a boolean": (
        "cards:\n  - id: x\n    front: q\n    back: yes\n",
        ["cards.yaml:4: error: card “x”: back must be text"],
    ),
    "reverse not a boolean": (
        "cards:\n  - id: x\n    front: q\n    back: a\n    reverse: sometimes\n",
        ["cards.yaml:5: error: card “x”: reverse must be true or false"],
    ),
    "reversible card whose front shows nothing": (
        "cards:\n  - id: x\n    front: '[]()'\n    back: a\n    reverse: true\n",
        ["cards.yaml:2: error: card “x” has an empty front"],
    ),
    "deck not text": (
        "deck: [a]\ncards: []\n",
        ["cards.yaml:1: error: “deck” must be text"],
    ),
    "several problems in one card": (
        "cards:\n  - id: x\n    front: q\n    hint: h\n    tags: [a b]\n",
        [
            "cards.yaml:2: error: card “x” has a front but no back",
            "cards.yaml:4: error: unknown key “hint” in card “x” (known: back, cloze, fields, front, id, note_type, reverse, tags, type_in)",
            "cards.yaml:5: error: tags must be a list of words without spaces",
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), ERRORS.values(), ids=ERRORS.keys())
def test_each_problem_is_named_at_its_line(text, expected):
    loaded, problems = load(text)
    assert problems == expected
    assert all(c.key != "card:x" for c in loaded.cards)


def test_duplicate_id_keeps_the_first_card():
    loaded, problems = load("cards:\n  - id: x\n    cloze: '{{c1::a}}'\n  - id: x\n    cloze: '{{c1::b}}'\n")
    assert problems == ["cards.yaml:4: error: duplicate card id “x” (first at line 2)"]
    assert [str(c.origin) for c in loaded.cards] == ["cards.yaml:2"]


def test_reverse_on_a_cloze_card_is_a_warning():
    loaded, problems = load("cards:\n  - id: x\n    cloze: '{{c1::a}}'\n    reverse: true\n")
    assert problems == ["cards.yaml:4: warning: card “x”: reverse does nothing on a cloze card"]
    assert [c.key for c in loaded.cards] == ["card:x"]


# --- What is refused ----------------------------------------------------------------------


def refused(text: str) -> str:
    with pytest.raises(SourceError) as caught:
        parse_cards(text, "cards.yaml")
    return caught.value.format_message()


def test_alias_bomb_is_refused_before_it_expands():
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(laughs) + "\ncards: []\n"
    message = refused(text)
    assert message == "cards.yaml:1: error: YAML aliases are not allowed in card files"


def test_an_alias_alone_is_refused_at_its_line():
    text = "cards:\n  - id: a\n    front: q\n    back: a\n  - *first\n"
    assert refused(text) == "cards.yaml:5: error: YAML aliases are not allowed in card files"


def test_yaml_syntax_error_names_its_line():
    text = "cards:\n  - id: a\n    front: q: r\n"
    assert (
        refused(text)
        == 'cards.yaml:3: error: invalid YAML: mapping values are not allowed here; quote the value: front: "q: r"'
    )


def test_control_character_is_refused_at_its_line():
    assert refused("cards:\n  - id: a\x07\n") == (
        "cards.yaml:2: error: invalid YAML: character U+0007 is not allowed"
    )


def test_several_documents_are_refused():
    text = "cards: []\n---\ncards: []\n"
    assert refused(text) == "cards.yaml:2: error: invalid YAML: a card file is one document, not several"


def test_runaway_nesting_is_refused():
    assert refused("cards: " + "[" * 1000 + "]" * 1000 + "\n") == (
        "cards.yaml:1: error: YAML nested more than 32 levels deep"
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- id: x\n  cloze: '{{c1::a}}'\n", "just text\n"])
def test_top_level_must_be_a_mapping(text):
    assert refused(text) == "cards.yaml:1: error: a card file is a mapping with a “cards” list"


@pytest.mark.parametrize(
    ("cloze", "problem"),
    [
        ("x {{c1::a}} {{c2::y", "unbalanced cloze: “{{c2::y” has no closing }}"),
        ("x {{c1::a}} y}}", "}}"),
    ],
)
def test_an_unbalanced_hand_written_cloze_is_an_error_at_its_line(cloze, problem):
    card_file, problems = parse_cards(f"cards:\n  - id: a\n    cloze: '{cloze}'\n", "cards.yaml")
    assert card_file.cards == ()
    assert [str(p) for p in problems if problem in str(p)] == [str(problems[0])]
    assert str(problems[0]).startswith("cards.yaml:3: error: cloze card “a”: ")
