"""Markdown dialects are read, never leaked: HTML comments, Hugo shortcodes, mdBook includes,
admonitions and callouts, HTML images and line breaks, Obsidian's wikilinks, embeds,
highlights and comments, links to anchors and site paths. Each source here is small and
written for the test, in the dialect it tries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.build import read_source
from builder.model import Note, SourceResult
from builder.sources import Source

from support import notes_from

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)

LEAKS = re.compile(r"<!--|-->|\{\{[<%#]|[<%]\}\}|!!!|:::|\[!\w+\]|\[\[|\]\]|==|%%|style=|&lt;|align=")
"""Markup of a dialect, as it would show if it leaked into a card."""


def built(tmp_path: Path, text: str, name: str = "notes.md", **files: bytes | str) -> SourceResult:
    """What a build makes of ``text`` saved as ``name`` in a folder holding ``files``."""
    for rel, data in files.items():
        target = tmp_path / rel.replace("__", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    source = tmp_path / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    return read_source(Source(source, tmp_path))


def shown(notes: list[Note]) -> list[str]:
    """Every text a learner reads on the notes: prompts, answers and fields."""
    return [text for n in notes for text in (n.prompt, n.answer, *n.fields.values())]


def assert_clean(notes: list[Note]) -> None:
    for text in shown(notes):
        assert not LEAKS.search(text), text


def answers(notes: list[Note]) -> list[str]:
    return [n.answer for n in notes]


# --- HTML comments --------------------------------------------------------------------------


def test_html_comments_never_reach_a_card() -> None:
    notes = notes_from(
        "# Storage\n\n<!-- a note to the editors,\nover two lines -->\n\n"
        "A **write-ahead log** records every change <!-- TODO: cite --> before the data files.\n\n"
        "- **Checkpoint** <!-- inline --> flushes pages\n"
        "<!-- a comment that ends a paragraph -->\n"
    )
    assert_clean(notes)
    assert "A write-ahead log records every change before the data files." in answers(notes)
    assert not any("TODO" in text or "editors" in text for text in shown(notes))


def test_a_comment_in_code_stays_code() -> None:
    notes = notes_from("# Pages\n\n**Template:**\n\n```html\n<!-- header -->\n<h1>Title</h1>\n```\n")
    assert any("header: HTML code?" in n.prompt for n in notes)


# --- Hugo shortcodes ------------------------------------------------------------------------


HUGO = """# Pods

## Static Pods

{{< note >}}
The spec of a **static Pod** cannot refer to other API objects.
{{< /note >}}

{{% warning %}}
A **static Pod** is always bound to one kubelet.
{{% /warning %}}

A {{< glossary_tooltip text="Service" term_id="service" >}} **exposes** a set of Pods.

{{< feature-state for_k8s_version="v1.19" state="stable" >}}

A **DaemonSet** ensures a copy of a Pod on each node {{< link text="see" url="[the docs](/docs/)" >}}.
"""


def test_hugo_shortcodes_keep_their_content(tmp_path: Path) -> None:
    result = built(tmp_path, HUGO)
    notes = list(result.notes)
    assert_clean(notes)
    assert answers(notes) == [
        "The spec of a static Pod cannot refer to other API objects.",
        "A static Pod is always bound to one kubelet.",
        "A Service exposes a set of Pods.",
        "A DaemonSet ensures a copy of a Pod on each node.",
    ]


def test_an_unknown_shortcode_is_named(tmp_path: Path) -> None:
    result = built(tmp_path, HUGO)
    messages = [(p.origin.line, p.message) for p in result.problems]
    assert messages == [
        (15, "shortcode “feature-state” is not known to deckbuilder: dropped, with what it shows"),
        (17, "shortcode “link” is not known to deckbuilder: dropped, with what it shows"),
    ]
    assert all(p.level == "warning" for p in result.problems)


def test_docs_site_macros_are_their_text() -> None:
    """MDN's macros: a glossary term or reference is its text, an element its tag in code, a
    sidebar, badge or compatibility table nothing; a cloze is never taken for one."""
    notes = notes_from(
        "# CORS\n\n{{HTTPSidebar}}\n\n## Headers\n\n"
        '- **Preflight:** an {{HTTPMethod("OPTIONS")}} request with {{HTTPHeader("Origin")}} '
        'before the {{Glossary("CORS", "cross-origin")}} call {{Deprecated_Inline}}\n'
        '- **Progress:** the {{HTMLElement("progress")}} element shows {{domxref("Element.ariaValueNow")}}\n\n'
        "## Cloze\n\nA {{c1::preflight}} asks first.\n\n{{Compat}}\n"
    )
    assert answers(notes)[:2] == [
        "an OPTIONS request with Origin before the cross-origin call",
        "the <progress> element shows Element.ariaValueNow",
    ]
    assert "<code>&lt;progress&gt;</code>" in notes[1].fields["Answer"]
    assert notes[2].fields["Text"].endswith("A {{c1::preflight}} asks first.</div>")
    assert not any("{{" in text and "c1::" not in text for text in shown(notes))


def test_a_shortcode_holding_a_link_is_no_broken_cloze(tmp_path: Path) -> None:
    # The sentence cut at "docs. Then" left ">}}" alone in the next one: an unopened cloze.
    text = '# A\n\nRead {{< link text="See the docs. Then [more](https://x.io)" >}} about **caching**.\n'
    result = built(tmp_path, text)
    assert not any("cloze" in p.message for p in result.problems)
    assert answers(list(result.notes)) == ["Read about caching."]


def test_a_hugo_figure_is_its_image_and_caption(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        '# Nodes\n\n**Architecture:**\n\n- {{< figure src="images/arch.png" caption="The control plane" >}}\n',
        **{"images/arch.png": PNG},
    )
    notes = list(result.notes)
    assert not result.problems
    assert_clean(notes)
    assert [f.path.name for f in result.media] == ["arch.png"]
    html = " ".join(shown(notes))
    assert '<img src="' in html and "The control plane" in html


def test_a_comment_shortcode_drops_what_it_holds() -> None:
    notes = notes_from("# A\n\n{{< comment >}}\nA **draft** sentence.\n{{< /comment >}}\n\nA **kept** one.\n")
    assert answers(notes) == ["A kept one."]


# --- Admonitions and callouts ---------------------------------------------------------------


def test_admonitions_of_every_dialect_are_read_as_asides() -> None:
    notes = notes_from(
        "# Jobs\n\n"
        '!!! note "Completion"\n    A **Job** runs its Pods to completion.\n\n'
        "??? tip\n    A **CronJob** starts Jobs on a schedule.\n\n"
        "> [!WARNING]\n> A **Job** with no backoff limit retries six times.\n\n"
        "> [!TIP] Remember\n> **TTL** cleans up finished Jobs.\n\n"
        ":::note\nA **suspended** Job starts no Pods.\n:::\n\n"
        "::: danger Careful\nDeleting a Job **deletes its Pods**.\n:::\n"
    )
    assert_clean(notes)
    assert answers(notes) == [
        "A Job runs its Pods to completion.",
        "A CronJob starts Jobs on a schedule.",
        "A Job with no backoff limit retries six times.",
        "TTL cleans up finished Jobs.",
        "A suspended Job starts no Pods.",
        "Deleting a Job deletes its Pods.",
    ]
    assert not any(word in " ".join(shown(notes)) for word in ("Completion", "Remember", "Careful"))


def test_a_quote_without_a_callout_is_read_as_before() -> None:
    notes = notes_from("# A\n\n> A **quote** is read in place.\n")
    assert answers(notes) == ["A quote is read in place."]


# --- HTML images and breaks -----------------------------------------------------------------


def test_html_images_are_markdown_images(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        "# Logo\n\n**Logos:**\n\n"
        '- <p align="center"><img src="logo.png" alt="The logo" width="200" style="border: 0"></p>\n'
        "- <figure><img src='logo.png'/><figcaption>Small</figcaption></figure>\n"
        "- ![The logo](logo.png)\n",
        **{"logo.png": PNG},
    )
    notes = list(result.notes)
    assert not result.problems
    assert_clean(notes)
    html = " ".join(shown(notes))
    assert "width" not in html and "style" not in html and "figure" not in html
    assert html.count("<img") >= 3
    assert len(result.media) == 1


def test_a_br_is_a_line_break() -> None:
    notes = notes_from("# A\n\n**Parts:**\n\n- **Head**<br>and tail\n- Body<br/>\n")
    assert_clean(notes)
    assert "br" not in " ".join(n.answer for n in notes)


# --- Obsidian ---------------------------------------------------------------------------------


def test_obsidian_links_embeds_highlights_and_comments(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        "# Vault\n\n"
        "A [[Raft|consensus protocol]] elects a **leader** per term. %%check the paper%%\n\n"
        "The ==leader== replicates the [[Log]] to followers.\n\n"
        "%%\na comment\nover lines\n%%\n\n"
        "**Diagram:**\n\n- ![[raft.png]]\n\n"
        "Compare `a == b` and a == b == c with no **highlight**.\n",
        **{"raft.png": PNG},
    )
    notes = list(result.notes)
    assert not result.problems
    assert_clean([n for n in notes if "a == b" not in n.answer])
    assert answers(notes)[:2] == [
        "A consensus protocol elects a leader per term.",
        "The leader replicates the Log to followers.",
    ]
    assert "<strong>" in "".join(notes[1].fields.values()) or "{{c1::leader}}" in "".join(
        notes[1].fields.values()
    )
    assert not any("comment" in text or "paper" in text for text in shown(notes))
    assert len(result.media) == 1


# --- Links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("href", ["#install", "/docs/setup/", "../guide/x.md", "setup.md#part"])
def test_a_link_into_the_site_is_its_text(href: str) -> None:
    notes = notes_from(f"# A\n\nThe [**installer**]({href}) sets up the node.\n")
    assert answers(notes) == ["The installer sets up the node."]
    assert "href" not in " ".join(shown(notes))


def test_a_full_link_stays_a_link() -> None:
    notes = notes_from("# A\n\nThe [**installer**](https://example.org/i) sets up the node.\n")
    assert '<a href="https://example.org/i">' in " ".join(shown(notes))


def test_an_html_image_with_a_script_stays_text() -> None:
    notes = notes_from('# A\n\n**Payload:**\n\n- <img src="x.png" onerror="alert(1)"> **here**\n')
    assert "&lt;img" in " ".join(n.fields.get("Text", "") + n.fields.get("Answer", "") for n in notes)


# --- mdBook includes --------------------------------------------------------------------------

LISTING = """use std::fmt;

// ANCHOR: here
fn main() {
    let s = String::from("hi");
}
// ANCHOR_END: here

fn other() {}

fn inner() {
    // ANCHOR: body
    let x = 5;
    let y = x;
    // ANCHOR_END: body
}
"""


def included(tmp_path: Path, directive: str) -> tuple[list[str], list[str]]:
    """The code a build shows for a fence holding ``directive``, and its warnings."""
    text = f"# Book\n\n**Listing:**\n\n```rust\n{directive}\n```\n"
    result = built(tmp_path, text, "src/ch.md", **{"src/listing.rs": LISTING, "secret.rs": "fn x() {}\n"})
    return [n.answer for n in result.notes], [f"{p.origin.line}: {p.message}" for p in result.problems]


@pytest.mark.parametrize(
    ("directive", "code"),
    [
        (
            "{{#include listing.rs}}",
            "".join(line for line in LISTING.splitlines(keepends=True) if "ANCHOR" not in line),
        ),
        ("{{#rustdoc_include listing.rs:here}}", 'fn main() {\n    let s = String::from("hi");\n}'),
        ("{{#include listing.rs:4:6}}", 'fn main() {\n    let s = String::from("hi");\n}'),
        ("{{#include listing.rs:9:9}}", "fn other() {}"),
        # An anchor's lines inside a function lose their common indentation, as mdBook shows them.
        ("{{#rustdoc_include listing.rs:body}}", "let x = 5;\nlet y = x;"),
        ("{{#include listing.rs::1}}", "use std::fmt;"),
        ("{{#include listing.rs:1}}", "use std::fmt;"),
    ],
)
def test_an_include_is_the_code_it_names(tmp_path: Path, directive: str, code: str) -> None:
    answers_, problems = included(tmp_path, directive)
    assert problems == []
    assert answers_ == [code.strip("\n")]


@pytest.mark.parametrize(
    ("directive", "problem"),
    [
        ("{{#include gone.rs}}", "6: include “gone.rs” not found"),
        # The source folder is the one the build searched (here the test's own folder).
        (
            "{{#include ../../outside.rs}}",
            "6: include “../../outside.rs” is outside the source folder {root}/",
        ),
        (
            "{{#include /etc/hostname}}",
            "6: include “/etc/hostname” has an absolute path; give it relative to the source",
        ),
        (
            "{{#include listing.rs:nowhere}}",
            "6: include “listing.rs:nowhere”: no ANCHOR: nowhere in listing.rs",
        ),
    ],
)
def test_an_include_that_cannot_be_read_is_a_warning_and_no_card(
    tmp_path: Path, directive: str, problem: str
) -> None:
    answers_, problems = included(tmp_path, directive)
    assert answers_ == []
    assert problems == [problem.format(root=tmp_path.name)]


def test_an_include_reads_inside_the_source_folder(tmp_path: Path) -> None:
    (tmp_path / "listings").mkdir()
    (tmp_path / "listings" / "a.rs").write_text("fn a() {}\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "ch.md"
    source.write_text("# B\n\n**A:**\n\n```rust\n{{#include ../listings/a.rs}}\n```\n", encoding="utf-8")
    from builder.extract import extract
    from builder.read import read

    inside = read(source, "src/ch.md", tmp_path)
    assert [c.form.answer[0].text for c in extract(inside).cards] == ["fn a() {}"]  # type: ignore[union-attr]
    alone = read(source, "src/ch.md")
    assert [d.message for d in alone.diagnostics] == [
        "include “../listings/a.rs” is outside the source folder src/"
    ]


def test_an_include_on_its_own_line(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        "# Book\n\n## Part\n\n{{#include part.md}}\n\n{{#include part.md}}\n",
        **{"part.md": "A **borrow** never outlives its owner.\n"},
    )
    assert [n.answer for n in result.notes] == ["A borrow never outlives its owner."]
    assert [n.origin.line for n in result.notes] == [1]
    assert all(n.origin.path.endswith("part.md") for n in result.notes)


# --- Material for MkDocs ----------------------------------------------------------------------


def test_mkdocs_tabs_attribute_lists_icons_and_styles_never_reach_a_card() -> None:
    notes = notes_from(
        "# Setup\n\n"
        '=== "pip"\n\n    A **wheel** installs without a build step.\n\n'
        '=== "conda"\n\n    A **channel** is where conda finds packages.\n\n'
        ":octicons-tag-24: A **tag**{: .new } marks a release.\n\n"
        "<style>\n  .md-typeset { color: red; }\n</style>\n"
    )
    assert_clean(notes)
    assert answers(notes) == [
        "A wheel installs without a build step.",
        "A channel is where conda finds packages.",
        "A tag marks a release.",
    ]
    assert not any("color" in text or "octicons" in text for text in shown(notes))


def test_a_heading_anchor_of_deckbuilder_is_not_an_attribute_list() -> None:
    notes = notes_from("# A\n\n## Logs {#logs}\n\nA **log** is append-only.\n")
    assert [n.key for n in notes] == ["notes/logs/cloze:log"]


def test_hugo_highlight_is_a_code_block_and_tabs_are_read_through(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        "# Go\n\n**Print a line:**\n\n"
        '{{< highlight go "linenos=table" >}}\nfmt.Println("hi")\n{{< /highlight >}}\n\n'
        '{{< tabs name="install" >}}\n{{% tab name="Linux" %}}\nA **package** is installed with apt.\n'
        "{{% /tab %}}\n{{< /tabs >}}\n",
    )
    notes = list(result.notes)
    assert not result.problems
    assert_clean(notes)
    assert [(n.kind, n.answer) for n in notes] == [
        ("code", 'fmt.Println("hi")'),
        ("cloze", "A package is installed with apt."),
    ]


def test_obsidian_sizes_block_ids_and_note_embeds(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        "# Vault\n\n**Pictures:**\n\n- ![[flower.png|80]]\n- ![A **flower**|100x80](flower.png)\n"
        "- ![[flower.png#interface]]\n\n"
        "A **quorum** is a majority of the voters. ^quorum-def\n\n"
        "![[Another note#Part]]\n\nThe **square** of x is x ^2\n",
        **{"flower.png": PNG},
    )
    notes = list(result.notes)
    assert not result.problems
    assert_clean(notes)
    text = " ".join(shown(notes))
    assert (
        "|80" not in text and "100x80" not in text and "quorum-def" not in text and "#interface" not in text
    )
    assert "Another note" not in text
    assert "A quorum is a majority of the voters." in answers(notes)
    assert "The square of x is x ^2" in answers(notes)


def test_cards_keep_their_lines_after_what_a_dialect_drops() -> None:
    notes = notes_from(
        "# A\n\n<!--\none\ntwo\n-->\n\n{{< note >}}\nA **note** line.\n{{< /note >}}\n\n"
        "- **First** item\n<!-- between -->\n- **Second** item\n\n"
        "> [!NOTE]\n> A **quote** line, $5 and $x$.\n"
    )
    assert [(n.answer, n.origin.line) for n in notes][:1] == [("A note line.", 9)]
    assert notes[-1].origin.line == 17
    assert all("between" not in text for text in shown(notes))


def test_html_wrappers_and_inline_tags_go_their_text_kept() -> None:
    notes = notes_from(
        '# A\n\n<div align="center">\n<h2>Title</h2>\n</div>\n\n'
        "A **lease** expires unless it is <b>renewed</b>.\n\n"
        '<img src="https://x.io/b.svg?style=flat&color="blue"/>\n\n<br/>\n\n'
        "<table><tr><td>A **cell** holds text</td></tr></table>\n"
    )
    assert answers(notes) == ["A lease expires unless it is renewed.", "A cell holds text"]
    assert "&lt;b" not in notes[0].fields["Text"]
    assert not any(re.search(r"div|h2|table|td|style=", n.prompt + n.answer) for n in notes)
    assert not any(re.search(r"&lt;(div|h2|table|td)|style=", text) for text in shown(notes))


def test_a_lone_closing_b_stays_text() -> None:
    notes = notes_from("# A\n\n**Payload:**\n\n- <b onmouseover=alert(3)>k</b> **here**\n")
    assert "&lt;/b&gt;" in " ".join(n.fields.get("Answer", "") + n.fields.get("Text", "") for n in notes)


def test_a_hugo_ref_link_is_its_text(tmp_path: Path) -> None:
    result = built(
        tmp_path,
        '# A\n\nA [**Pod**]({{< ref "docs/pods.md" >}}) runs containers ([see]({{< relref "x" >}})).\n',
    )
    assert not result.problems
    assert answers(list(result.notes)) == ["A Pod runs containers (see)."]


def test_a_rust_listing_shows_what_the_book_shows() -> None:
    """mdBook's ``<Listing caption>`` titles its code; ``rust,ignore`` is Rust; the lines
    rustdoc hides (``# use …``) are not part of the answer, attributes are."""
    notes = notes_from(
        "# Ownership\n\n## Moves\n\n"
        '<Listing number="4-2" caption="Assigning the integer value of x to y">\n\n'
        "```rust,ignore\n# use std::fmt;\n#[derive(Debug)]\nstruct P;\n#\nfn main() {\n    let y = 5;\n}\n```\n\n"
        "</Listing>\n"
    )
    [note] = notes
    assert note.prompt == "Moves — Assigning the integer value of x to y: Rust code?"
    assert note.answer == "#[derive(Debug)]\nstruct P;\nfn main() {\n    let y = 5;\n}"


def test_a_footnote_mark_shows_nothing_and_its_text_is_listed_as_an_aside(tmp_path: Path) -> None:
    source = tmp_path / "raft.md"
    source.write_text(
        "# Notes\n\n## Raft\n\nA **leader** sends heartbeats[^beat] to followers.\n\n"
        "[^beat]: Empty AppendEntries calls.\n",
        encoding="utf-8",
    )
    result = read_source(Source(source, tmp_path))
    [note] = result.notes
    assert note.prompt == "Raft — A [...] sends heartbeats to followers."
    assert "^" not in note.fields["Text"] and "beat]" not in note.fields["Text"]
    assert [(s.origin.line, s.reason, s.text) for s in result.skipped] == [
        (7, "footnote: an aside to the line that marks it", "Empty AppendEntries calls.")
    ]


def test_mkdocs_attribute_lines_and_unresolved_references_are_their_text() -> None:
    """``{#id}`` on a line of its own goes; ``[text][api.name]`` with no definition on the page
    (MkDocs autorefs) is its text; a defined reference stays a link; a heading's pin stays."""
    notes = notes_from(
        "# Validators\n\n## Kinds {#kinds}\n\n"
        "- **After validators:** run after [Pydantic][pydantic.main]'s own validation\n"
        "{#field-after-validator}\n"
        "- **Before validators:** run before it, see the [docs][site]\n\n"
        "[site]: https://docs.pydantic.dev\n"
    )
    assert answers(notes) == ["run after Pydantic's own validation", "run before it, see the docs"]
    assert 'href="https://docs.pydantic.dev"' in notes[1].fields["Answer"]
    assert (notes[0].key, notes[0].prompt) == (
        "notes/kinds/fact:after-validators",
        "Kinds — After validators?",
    )


def test_a_macro_a_converter_escaped_is_still_its_text() -> None:
    notes = notes_from(
        "# A\n\n## Attributes\n\n"
        '- **charset:** \\{{Deprecated\\_Inline\\}} the \\{{Glossary("character encoding")\\}} of the page,'
        ' see \\{{HTMLElement("meta")\\}}\n'
    )
    assert answers(notes) == ["the character encoding of the page, see <meta>"]


def test_a_macro_in_code_and_a_reference_naming_itself_are_text() -> None:
    notes = notes_from(
        "# A\n\n## Errors\n\n"
        '- **Header:** sent as `{{httpheader("Attribution-Reporting-Eligible")}}` by the browser\n'
        "- **Exception:** [ValueError][] is the most common one raised\n"
    )
    assert answers(notes) == [
        "sent as Attribution-Reporting-Eligible by the browser",
        "ValueError is the most common one raised",
    ]


def test_kubernetes_heading_shortcodes_are_their_headings() -> None:
    notes = notes_from(
        '# Pods\n\n## {{< heading "prerequisites" >}}\n\nYou need a running **cluster**.\n\n'
        '## {{% heading "whatsnext" %}}\n\n- Read about [Secrets](/docs/secret/).\n'
    )
    assert [n.prompt for n in notes] == ["Before you begin — You need a running [...]."]
