"""The preview's "Copy rewrite" entry round-trips: pasted unchanged into the source's curation
file, it changes no field of any note, for every card of every golden fixture, the seed, and a
source of hostile text (Markdown metacharacters, money and math, HTML-like text, cloze-like
braces, right-to-left and CJK text, emoji). Images keep the path the author wrote and math the
delimiters the reader accepts; what is text stays text.

Each source is built once as it is and once with every note's entry appended to its curation
file, and the notes are compared by GUID.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from builder.build import read_source
from builder.curation import rewrite_entry
from builder.model import Note
from builder.sources import Source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SEED = ROOT / "source" / "rust-web3-interview.md"
SOURCES = [*sorted(FIXTURES.glob("*.md")), SEED]

HOSTILE = (
    "***",
    "---",
    "___",
    "* * *",
    "*",
    "**",
    "_",
    "1. not a list",
    "2) not a list either",
    "> not a quote",
    "# not a heading",
    "#hashtag at the start",
    "- not an item",
    "+ plus",
    "*stars* around a word",
    "_under_ scores",
    "a * b * c",
    "snake_case_name and __dunder__ and a_b_c*d*e",
    r"\*escaped\* stars and \_escaped\_ underscores",
    r"back\\slash, \\n and a lone \ in the middle",
    "`code` and ``double `tick` code`` and `` ` ``",
    "a ` lone backtick",
    "<b>bold</b> is a tag written as text",
    "<script>alert(1)</script>",
    "a < b > c & d",
    "&amp; &lt; &#123; &copy; entities",
    r"\&amp; written escaped",
    "$5 and $6",
    "costs $300/month, or 5$",
    r"\(2^{31}-1\)",
    "$x^2$ as inline dollars",
    "$$E = mc^2$$",
    r"\[a \over b\]",
    r"money \$x\$ escaped",
    "{{c1::not a cloze}} in a plain card",
    "{{ .Title }} is a template",
    "[[wikilink]] and [[target|shown]]",
    "[a link](https://example.com/a_b) and <https://example.com/auto>",
    "[not a link] and [^1] and [x]: y",
    "http://bare.example.com/path_with_underscores",
    "| a pipe | in text |",
    "~~struck~~ and ~single~ tildes",
    "emoji 🎉👍🏽 and a family 👨\u200d👩\u200d👧",
    "مرحبا بالعالم and שלום",
    "中文テキスト 한국어 mixed",
    "100% * 2 = 200%",
    "C# and F# and #",
    "**Label:** a label in an answer",
    "Q: a question inside an answer",
    "[ ] an unchecked box and [x] a checked one",
    "\"double\" and 'single' quotes -- and ... dots",
    "trailing backslash \\",
    "1\\. escaped number",
    "<!-- a comment --> before text",
    "{{< shortcode >}} and {% raw %}",
    "!!! note not an admonition",
    "a\u200fRLM and a\u200bzero width",
    "a\u2028line separator, a\u2029paragraph separator and a\x85next line",
    "[link with `code` and *em*](https://example.com)",
    "***bold italic*** and **_mixed_**",
    "<span>an unclosed tag",
    "x<sup>2</sup> and H~2~O",
)
"""Answers written as source Markdown (what each means as Markdown is what must survive)."""

HOSTILE_PROMPTS = (
    "What does `***` mean",
    r"What is \*this\*",
    "Why is 2 * 3 * 4 not emphasis",
    "What does <b> do",
    "What costs $5 and $6",
    r"What is \(2^{31}-1\)",
    "What is {{c1::this}}",
    "What is a_b_c",
    "What is &amp;",
    r"What is \\ and \`",
    "What is [x] or [[y]]",
    "What is # or |",
    "What is 中文 or مرحبا",
)

HOSTILE_BLOCKS = (
    "- **Pipe:** a | b\n- **Stars:** ***\n- **Money:** $5 and $6\n- **Math:** $a^2$ and \\(b\\)\n",
    "| Term | Means |\n|---|---|\n| `a\\|b` | a \\| b |\n| *x* | <y> & $5 |\n| \\(x\\) | {{c1::z}} |\n",
    "- first ***\n- second `code`\n  - nested > quote\n  - 1. number\n- third {{c1::brace}}\n",
    "1. one *a*\n2. two <b>\n3. three $5\n",
    "> A quote with *em* and \\(m\\)\n\n| Key | Value |\n|:---|---:|\n| `a\\|b` | x \\| y |\n| \\[a\\] | 1. x |\n",
    "- **Sound:** hear [sound:clip.mp3] now\n- **Clip:** hear ![a clip](clip.mp3) now\n",
    '- **Shards:** ![the *shards*](images/shards.png "a title") and text\n- **Other:** two\n',
)
"""Sections whose cards come from lists and tables."""

CLOZES = (
    "The limit is {{c1::\\(2^{31}-1\\)}} items.",
    "A {{c1::`***`}} is a rule, {{c2::$5}} is money.",
    "Stars * and _ stay {{c1::text}} here.",
    "An image {{c1::![shards](images/shards.png)}} hides.",
    "Angles <b> stay {{c1::text::a hint <i>}}.",
    "A hint {{c1::x::a\\*b\\*c and $}} stays text.",
    "Costs {{c1::$5}} and {{c2::\\(x\\)::a $ hint}} and {{c3::`a|b`}}.",
)


def hostile_source() -> str:
    out = ["# Hostile\n"]
    for n, answer in enumerate(HOSTILE, start=1):
        out.append(f"## Answer {n}\n\nQ: What is answer {n}?\nA: {answer}\n")
    for n, prompt in enumerate(HOSTILE_PROMPTS, start=1):
        out.append(f"## Prompt {n}\n\nQ: {prompt}?\nA: answer {n}\n")
    for n, block in enumerate(HOSTILE_BLOCKS, start=1):
        out.append(f"## Block {n}\n\n{block}")
    for n, cloze in enumerate(CLOZES, start=1):
        out.append(f"## Cloze {n}\n\n{cloze}\n")
    return "\n".join(out)


def round_trip(source: Path, root: Path) -> tuple[list[Note], list[Note], list[str]]:
    """The notes of ``source`` before and after every note's copied rewrite is appended to its
    curation file, with what the build said about that file."""
    read = Source(source, root)
    before = read_source(read)
    assert not [p for p in before.problems if p.level == "error"], before.problems
    curation = source.with_suffix(".curation.yaml")
    pasted = "".join(rewrite_entry(note) for note in before.notes)
    with curation.open("a", encoding="utf-8") as file:
        file.write(pasted)
    # YAML an author can read: one entry a note that has a draft.
    assert len(yaml.safe_load(pasted) or {}) == sum(1 for note in before.notes if note.draft)
    after = read_source(read)
    said = [str(p) for p in after.problems if curation.name in str(p.origin)]
    return list(before.notes), list(after.notes), said


def changed(before: list[Note], after: list[Note]) -> list[str]:
    """The notes whose fields differ, each with its draft and fields before and after."""
    now = {note.guid: note for note in after}
    out = []
    for note in before:
        again = now.get(note.guid)
        if again is None or again.fields != note.fields:
            out.append(
                f"{note.key}: {note.draft!r}\n  {note.fields!r}\n  {again.fields if again else None!r}"
            )
    return out


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures and the seed, copied with their images, and the hostile source."""
    folder = tmp_path_factory.mktemp("copy-rewrite") / "fixtures"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("*.cards.yaml"))
    shutil.copy(SEED, folder / SEED.name)
    (folder / "hostile.md").write_text(hostile_source(), encoding="utf-8")
    (folder / "clip.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00 a sound")
    return folder


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_every_cards_copied_rewrite_changes_nothing(tree: Path, source: Path) -> None:
    before, after, said = round_trip(tree / source.name, tree)
    assert before
    assert [note.key for note in before if not note.draft] == []
    assert said == []
    assert changed(before, after) == []
    assert [n.guid for n in after] == [n.guid for n in before]


def test_hostile_text_round_trips(tree: Path) -> None:
    before, after, said = round_trip(tree / "hostile.md", tree)
    assert len(before) >= len(HOSTILE) + len(HOSTILE_PROMPTS) + len(CLOZES)
    assert [note.key for note in before if not note.draft] == []
    assert said == []
    assert changed(before, after) == []


HOSTILE_YAML = r"""
cards:
  - id: front-back
    front: 'What is *this*, `***` and <b>?'
    back: '**Tokio**, $5 and $6, \(2^{31}-1\), *** and {{c1::x}}'
  - id: statement
    cloze: 'Sealevel locks by {{c1::account::a $ hint}} and {{c2::`a|b`}}, $5 and *em*'
  - id: blocks
    front: 'Math \(x\) in front?'
    back: |
      - a
      - b

      1. c

      | k | v |
      |---|---|
      | `a\|b` | x |

      ```rust
      fn x() {}
      ```
"""


def test_a_card_files_copied_rewrites_change_nothing(tree: Path) -> None:
    (tree / "extras.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    before, after, said = round_trip(tree / "extras.yaml", tree)
    assert [note.key for note in before if note.draft] == ["card:front-back", "card:statement", "card:blocks"]
    assert said == []
    assert changed(before, after) == []


def test_an_image_is_copied_by_the_path_its_author_wrote(tree: Path) -> None:
    """Not the name it is packed under: pasted unchanged, that name is no file. A sound too,
    and Anki's ``[sound:…]`` stays one."""
    written = {"design-guide.md": "](images/shards.png)", "obsidian-vault.md": "](raft-states.png)"}
    for name, path in written.items():
        notes = read_source(Source(tree / name, tree)).notes
        (draft,) = [dict(n.draft) for n in notes if "<img" in str(n.fields)]
        assert path in draft["answer"], draft
    answers = {
        n.key.rsplit(":", 1)[-1]: dict(n.draft).get("answer")
        for n in read_source(Source(tree / "hostile.md", tree)).notes
    }
    assert answers["shards"] == '![the shards](images/shards.png "a title") and text'
    assert answers["clip"] == "hear ![a clip](clip.mp3) now"
    assert answers["sound"] == "hear [sound:clip.mp3] now"


def test_math_is_copied_in_the_delimiters_the_reader_reads_as_math(tree: Path) -> None:
    notes = read_source(Source(tree / "hostile.md", tree)).notes
    drafts = {n.key: dict(n.draft) for n in notes}

    def answer(written: str) -> str:
        return drafts[f"hostile/answer-{HOSTILE.index(written) + 1}/question"]["answer"]

    assert answer(r"\(2^{31}-1\)") == r"\(2^{31}-1\)"  # as dollars it would be money
    assert answer("$$E = mc^2$$") == r"\[E = mc^2\]"
    assert answer("$5 and $6") == "$5 and $6"
    assert answer("***") == r"\*\*\*"  # a rule would be an empty answer
    assert drafts["hostile/prompt-6/question"]["prompt"] == r"What is \(2^{31}-1\)?"


LOSSY = """\
# Deck

## Footnote

Q: What is marked?
A: this[^1], as a footnote says

[^1]: a rewrite has no footnotes

## Highlight

Q: What is highlighted?
A: 9==#x==

## Plain

Q: What is *plain*?
A: ==this== and ***that***
"""

LOSSY_YAML = """\
cards:
  - id: hint
    cloze: "Locks by {{c1::account::a *marked* hint}}"
"""


def test_a_card_no_rewrite_gives_back_is_offered_none():
    """A footnote's mark, or a highlight that ``**`` cannot say where it stands: no draft, no
    rewrite entry, and the preview's strip offers only the drop and says why."""
    from builder.preview import NO_REWRITE, _strip

    from support import notes_from

    notes = {note.key.rsplit("/", 2)[1]: note for note in notes_from(LOSSY)}
    assert notes["footnote"].draft == notes["highlight"].draft == ()
    assert dict(notes["plain"].draft) == {"prompt": r"What is plain?", "answer": "**this** and ***that***"}
    for name in ("footnote", "highlight"):
        strip = str(_strip(notes[name]))
        assert rewrite_entry(notes[name]) == ""
        assert 'data-copy="drop"' in strip
        assert f'data-copy="rewrite" data-entry="" title="{NO_REWRITE}"' in strip
        assert f"paste into notes.curation.yaml; {NO_REWRITE}" in strip
    assert 'data-copy="rewrite" data-entry="notes/plain/question:' in str(_strip(notes["plain"]))
    # A rewrite's hint is text: a YAML card's hint with markup cannot be given back.
    (hint,) = notes_from(LOSSY_YAML, "cards.yaml")
    assert "<em>marked</em>" in hint.fields["Text"]
    assert hint.draft == ()


METACHARACTERS = "\\`*_{}[]()<>#+-.!|~$&=%^:;\"' \t1aé中🎉"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(METACHARACTERS), min_size=1, max_size=24))
def test_any_text_is_written_so_that_it_reads_back_as_text(text):
    """Text in a card, whatever Markdown or a dialect would make of it, is written so that a
    paragraph of it reads back as that text, nothing else (a line, a list item, a cell)."""
    from builder.curation.drafts import inline_markdown
    from builder.markdown import text_token
    from builder.model import Paragraph
    from builder.read import snippet_blocks

    text = " ".join(text.split())
    assume(text)
    written = inline_markdown([text_token(text)])
    blocks, _, problems = snippet_blocks(written, "x.curation.yaml", 1)
    assert problems == []
    assert [type(b) for b in blocks] == [Paragraph]
    (line,) = blocks[0].lines
    assert [(t.type, t.content) for t in line.tokens if t.content] == [("text", text)]
