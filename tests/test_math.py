"""Math reaches Anki as MathJax, untouched by Markdown, in every kind of card; money stays text."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.markdown import odd_dollar_lines, parser, plain
from builder.read import parse
from builder.render import render
from builder.yamlcards import parse_cards

from support import notes_from

MATH = """\
# Algebra

## Basics

- **Square:** $x^2$
- **Product:** $y_1*y_2$ and $a*b*c$
- **Index:** \\(a_1\\) is the first
- **Less:** $a<b$ when \\[c > d\\]

## Series

How a series adds up:

$$\\sum_i x_i$$

## Shapes

| Shape | Area |
|-------|------|
| circle | $\\pi r^2$ |
"""


def answer_of(notes, prompt: str) -> str:
    return next(n.fields["Answer"] for n in notes if n.prompt == prompt)


def test_inline_math_reaches_the_field_as_mathjax():
    notes = notes_from(MATH)
    assert answer_of(notes, "Basics — Square?") == "<p>\\(x^2\\)</p>"
    # No emphasis between the stars, backslashes kept, TeX escaped as HTML.
    assert answer_of(notes, "Basics — Product?") == "<p>\\(y_1*y_2\\) and \\(a*b*c\\)</p>"
    assert answer_of(notes, "Basics — Index?") == "<p>\\(a_1\\) is the first</p>"
    assert answer_of(notes, "Basics — Less?") == "<p>\\(a&lt;b\\) when \\[c &gt; d\\]</p>"


def test_display_math_on_its_own_lines_is_a_paragraph():
    notes = notes_from(MATH)
    formula = next(n for n in notes if n.prompt.startswith("Series — "))
    assert formula.kind == "cloze"
    assert "{{c1::\\[\\sum_i x_i\\]}}" in formula.fields["Text"].replace("&#123;", "{").replace("&#125;", "}")
    assert formula.answer == "\\[\\sum_i x_i\\]"


def test_display_math_inside_a_paragraph():
    tokens = parser().parse("Sum:\n$$\n\\sum_i x_i\n$$\ndone")
    assert parser().render("Sum:\n$$\n\\sum_i x_i\n$$\ndone") == "<p>Sum:\n\\[\\sum_i x_i\\]\ndone</p>\n"
    assert plain(tokens[1].children) == "Sum: \\[\\sum_i x_i\\] done"
    brackets = "1. Write \\[\n   \\int_0^1 f(x)\\,dx\n   \\]\n2. Apply $F(1)-F(0)$\n"
    assert parser().render(brackets) == (
        "<ol>\n<li>Write \\[\\int_0^1 f(x)\\,dx\\]</li>\n<li>Apply \\(F(1)-F(0)\\)</li>\n</ol>\n"
    )


def test_math_in_a_table_cell():
    notes = notes_from(MATH)
    row = next(n for n in notes if n.kind == "table-cell")
    assert "\\(\\pi r^2\\)" in row.fields["Answer"]
    assert "\\(\\pi r^2\\)" in row.answer


def test_math_in_a_heading_and_a_prompt_keeps_its_backslashes():
    notes = notes_from("# T\n\n## The $\\alpha$ rule\n\n- **Value of $\\beta_1$:** one\n")
    note = notes[0]
    assert note.prompt == "The \\(\\alpha\\) rule — Value of \\(\\beta_1\\)?"
    assert note.fields["Prompt"] == (
        '<div class="crumb">The \\(\\alpha\\) rule</div><div class="ask">Value of \\(\\beta_1\\)?</div>'
    )


@pytest.mark.parametrize(
    "text",
    [
        "handling $500M+ daily volume",
        "300GB vs 800GB → $300/month/node savings",
        "Remediation cost <$50K vs potential $100M loss",
        "6-digit PIN, but $1M brute-force cost, $1B for the other",
        "costs 5$ or 6$ a month",
        "a lone $ sign",
    ],
)
def test_money_is_not_math(text):
    tokens = parser().parseInline(text)[0].children
    assert [t.type for t in tokens] == ["text"]
    assert plain(tokens) == text


def test_a_metric_cloze_keeps_math_whole():
    """A formula beside a hidden figure: its braces cannot end the deletion."""
    notes = notes_from("# T\n\n## Success metrics\n\n- **Error of $\\frac{1}{x^{2}}$:** <3% when $a$ holds\n")
    (note,) = notes
    assert note.model == "cloze"
    text = note.fields["Text"]
    assert "\\(\\frac&#123;1&#125;&#123;x^&#123;2&#125;&#125;\\)" in text
    assert "{{c1::&lt;3%}} when \\(a\\) holds" in text
    assert text.count("}}") == 1


# --- YAML cards ---------------------------------------------------------------------------

CARDS = r"""
cards:
  - id: root
    front: "What is $\\sqrt{2}$?"
    back: "About $\\approx 1.414$, or $$\\sqrt{2} \\approx 1.414$$"
  - id: euler
    cloze: "Euler: {{c1::$e^{i\\pi}+1=0$}}"
  - id: half
    cloze: "Half of one: {{c1::$\\frac{1}{x^{2}}$}}"
  - id: inside
    cloze: "Inside: $x = {{c1::2}}$"
"""


@pytest.fixture(scope="module")
def yaml_notes():
    loaded, problems = parse_cards(dedent(CARDS), "cards.yaml")
    assert problems == []
    return {card.key: render(card) for card in loaded.cards}


def test_math_in_a_yaml_card(yaml_notes):
    shown = yaml_notes["card:root"]
    assert shown.fields["Prompt"] == '<div class="ask">What is \\(\\sqrt{2}\\)?</div>'
    assert shown.fields["Answer"] == "<p>About \\(\\approx 1.414\\), or \\[\\sqrt{2} \\approx 1.414\\]</p>"


def test_math_in_a_yaml_cloze(yaml_notes):
    assert yaml_notes["card:euler"].fields["Text"] == (
        '<div class="ask">Euler: {{c1::\\(e^&#123;i\\pi&#125;+1=0\\)}}</div>'
    )
    assert yaml_notes["card:euler"].answer == "Euler: \\(e^{i\\pi}+1=0\\)"
    half = yaml_notes["card:half"].fields["Text"]
    assert (
        half
        == '<div class="ask">Half of one: {{c1::\\(\\frac&#123;1&#125;&#123;x^&#123;2&#125;&#125;\\)}}</div>'
    )


def test_a_cloze_inside_math_keeps_its_marks(yaml_notes):
    assert yaml_notes["card:inside"].fields["Text"] == '<div class="ask">Inside: \\(x = {{c1::2}}\\)</div>'


# --- Unbalanced dollars -------------------------------------------------------------------


def test_odd_dollar_lines():
    assert odd_dollar_lines("$x$ and $y$") == []
    assert odd_dollar_lines("costs $5 and $x$") == []
    assert odd_dollar_lines("`$` in code and \\$ escaped") == []
    assert odd_dollar_lines("$a +\nb$") == []
    assert odd_dollar_lines("fine\nthe $x is open") == [1]


def test_an_unbalanced_dollar_is_a_warning():
    document = parse("# T\n\n## S\n\n- **Cost:** $5 per item\n- **Open:** the $x is open\n\n`$` ok\n", "d.md")
    assert [str(d) for d in document.diagnostics] == [
        "d.md:6: warning: unbalanced $: close the math with another $, or write a dollar sign as \\$"
    ]


def test_an_unbalanced_dollar_in_a_yaml_front_is_a_warning():
    text = "cards:\n  - id: a\n    front: what is $x?\n    back: it\n"
    _, problems = parse_cards(text, "cards.yaml")
    assert [str(p) for p in problems] == [
        "cards.yaml:3: warning: card “a”: unbalanced $ in its front: close the math with another $,"
        " or write a dollar sign as \\$"
    ]


def test_lint_reports_an_unbalanced_dollar(tmp_path: Path):
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\n## Part\n\n- **Price:** $20\n- **Mass:** $m = 2$\n- **Open:** $y\n")
    result = CliRunner().invoke(main, ["lint", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{source}:7: warning: unbalanced $: close the math with another $, or write a dollar sign as \\$"
    ]


# --- The real consumer --------------------------------------------------------------------


def test_math_survives_an_import_into_anki(tmp_path: Path):
    """Built, imported by the Anki library and rendered: the MathJax delimiters and TeX are
    intact, and a formula with ``}}`` inside a cloze deletion is hidden and shown whole."""
    collection = pytest.importorskip("anki.collection")
    (tmp_path / "algebra.md").write_text(MATH, encoding="utf-8")
    (tmp_path / "cards.yaml").write_text(dedent(CARDS), encoding="utf-8")
    out = tmp_path / "decks"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "algebra.md"), str(tmp_path / "cards.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    col = collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        for apkg in sorted(out.glob("*.apkg")):
            request = collection.ImportAnkiPackageRequest(
                package_path=str(apkg), options=collection.ImportAnkiPackageOptions(with_scheduling=False)
            )
            col.import_anki_package(request)
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        answers = [note["Answer"] for note in notes if "Answer" in note]
        assert "<p>\\(x^2\\)</p>" in answers
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        product = next(card for card in cards if "y_1" in card.answer())
        assert "\\(y_1*y_2\\) and \\(a*b*c\\)" in product.answer()
        half = next(card for card in cards if "Half of one" in card.question())
        tex = "\\(\\frac&#123;1&#125;&#123;x^&#123;2&#125;&#125;\\)"
        assert "Half of one: <span" in half.question() and "[...]</span>" in half.question()
        assert tex not in half.question()
        assert f'<span class="cloze" data-ordinal="1">{tex}</span>' in half.answer()
    finally:
        col.close()
