"""Rendering edge cases: what Anki's syntax could misread, and code that starts blank."""

from __future__ import annotations

from support import notes_from


def test_a_hidden_figure_cannot_break_the_cloze():
    # Outside code, ``}}`` and ``{{c2::`` would be a hand-written deletion (or an error); in a code
    # span they are text, and hidden in a generated gap they must stay text for Anki too.
    notes = notes_from(
        "## Speed\n| Call | Before | After |\n|---|---|---|\n| spawn | `a::b` | x::y `}} {{c2::z}}` |\n"
    )
    text = next(n for n in notes if n.kind == "metric").fields["Text"]
    assert text.count("{{c") == 1 and "c2::" not in text
    hidden = text.split("{{c1::", 1)[1].split("}}", 1)[0]
    assert "::" not in hidden and "x&#58;&#58;y" in hidden and "&#125;&#125;" in hidden


def test_code_starting_with_blank_lines_shows_the_same_lines_in_both_forms():
    notes = notes_from("## S\nTwo names:\n```python\n\n\nx = 1\ny = 2\n```\n")
    code = next(n for n in notes if n.kind == "code")
    assert code.answer == "x = 1\ny = 2"
    html = code.fields["Answer"]
    assert html.index('<span class="n">x</span>') < html.index('<span class="n">y</span>')


def test_a_tombstone_prompt_never_reads_as_cloze_syntax():
    from builder.render import tombstone_fields

    fields = tombstone_fields("cloze", "Rust — Vec::new() is {{c2::x}} [...]", "1.2.0", "removed")
    text = fields["Text"]
    assert text.count("{{") == 1 and text.count("}}") == 1 and text.count("::") == 1
    assert "{{c1::Rust — Vec&#58;&#58;new() is &#123;&#123;c2&#58;&#58;x&#125;&#125; [...]}}" in text
