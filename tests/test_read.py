"""Reading: the section tree comes from markdown-it's tokens, with a line for every node."""

from __future__ import annotations

import pytest

from builder.errors import SourceError
from builder.markdown import plain
from builder.model import Code, ListBlock, Paragraph, Table
from builder.read import parse, read


def test_hash_inside_code_is_not_a_heading():
    doc = parse("# Title\n\n## Real\n\n```bash\n# not a heading\necho hi\n```\n", "x.md")
    assert [plain(s.title.tokens) for s in doc.sections] == ["Real"]
    code = doc.sections[0].blocks[0]
    assert isinstance(code, Code) and code.lang == "bash" and code.origin.line == 5


def test_two_space_nested_lists_stay_nested():
    doc = parse("## S\n- **Parent:**\n  - **Child A:** one\n  - **Child B:** two\n- **Next:** x\n", "x.md")
    outer = doc.sections[0].blocks[0]
    assert isinstance(outer, ListBlock) and len(outer.items) == 2
    inner = outer.items[0].blocks[1]
    assert isinstance(inner, ListBlock)
    assert [i.origin.line for i in inner.items] == [3, 4]


def test_section_tree_and_lines():
    text = "# Doc\n\nintro\n\n## A\n\n### A1\n\ntext\n\n## B\n"
    doc = parse(text, "notes/x.md")
    assert doc.title == "Doc"
    assert isinstance(doc.preamble[0], Paragraph)
    a, b = doc.sections
    assert (str(a.origin), str(a.children[0].origin), str(b.origin)) == (
        "notes/x.md:5",
        "notes/x.md:7",
        "notes/x.md:11",
    )


def test_title_falls_back_to_front_matter_then_file_name():
    assert parse("---\ntitle: From front matter\n---\n## A\n", "x.md").title == "From front matter"
    assert parse("## A\n## B\n", "dir/my_notes-file.md").title == "my notes file"


def test_heading_attributes_pin_and_skip():
    doc = parse("## Terms {#raft-terms}\n## Scratch {.skip}\n## Plain {braces}\n", "x.md")
    terms, scratch, other = doc.sections
    assert (terms.anchor, plain(terms.title.tokens), terms.skip) == ("raft-terms", "Terms", False)
    assert scratch.skip and plain(scratch.title.tokens) == "Scratch"
    assert plain(other.title.tokens) == "Plain {braces}" and other.anchor is None


def test_tables_with_alignment_escaped_pipes_and_empty_cells():
    doc = parse("## T\n| a | b |\n|:--|--:|\n| x \\| y | |\n| z |\n", "x.md")
    table = doc.sections[0].blocks[0]
    assert isinstance(table, Table)
    assert [[plain(c.tokens) for c in row] for row in table.rows] == [["x | y", ""], ["z", ""]]
    assert [o.line for o in table.row_origins] == [4, 5]


def test_pipe_in_code_span_keeps_the_row_and_warns():
    doc = parse("## T\n| k | code | note |\n|---|---|---|\n| a | `x || y` | n |\n", "x.md")
    table = doc.sections[0].blocks[0]
    assert isinstance(table, Table)
    assert [plain(c.tokens) for c in table.rows[0]] == ["a", "x || y", "n"]
    assert [str(d) for d in doc.diagnostics] == [
        "x.md:4: warning: table cell has `|` inside a code span; escape it as `\\|`"
    ]


def test_checkbox_items_are_marked():
    doc = parse("## L\n- [ ] todo\n- [x] done\n", "x.md")
    items = doc.sections[0].blocks[0].items
    assert [i.checkbox for i in items] == ["empty", "checked"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"# T\n\nok\n\xff\n",
            "bad.md:4: error: invalid UTF-8 (byte 0xff); save the file as UTF-8",
        ),
        (b"\x00\x01binary", "bad.md: error: binary file, not text"),
        (
            b"---\ntitle: [unclosed\n---\n# T\n",
            "bad.md:2: error: front matter: invalid YAML: expected ',' or ']', but got '<stream end>';"
            ' close the “[” opened on line 2, or quote the value: title: "[unclosed"',
        ),
        (
            b"---\n- a list\n---\n# T\n",
            "bad.md:1: error: front matter must be a mapping of keys to values",
        ),
    ],
)
def test_bad_sources_name_file_and_line(tmp_path, data, message):
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        read(path, "bad.md")
    assert caught.value.message == message
