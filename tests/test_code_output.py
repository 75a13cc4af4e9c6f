"""What of a code block is never a cue or a cut: program output shown as a comment, a comment
under the code it speaks of, the middle of a block comment, a doc comment; and blocks that show
a program's output rather than code to recall."""

from __future__ import annotations

from pathlib import Path

from builder.build import read_source
from builder.sources import Source
from tests.test_code_parts import code_cards, extracted


def test_output_comments_are_never_a_cue(tmp_path: Path) -> None:
    """``#> …`` shows what the print above it wrote: it stays with that code, cuts nothing."""
    code = code_cards(
        extracted(
            tmp_path,
            """
            # Models

            ## Parsing

            A model parses its fields:

            ```python
            print(Point(x="1"))
            #> x=1
            print(Point(x=2))
            ```
            """,
        )
    )
    assert code == {
        "A model parses its fields: Python code?": ('print(Point(x="1"))\n#> x=1\nprint(Point(x=2))')
    }


def test_a_comment_under_the_code_it_speaks_of_is_no_cut(tmp_path: Path) -> None:
    """A comment right under code, a blank line after it, speaks of the code above it."""
    code = code_cards(
        extracted(
            tmp_path,
            """
            # Borrowing

            ## Scopes

            Borrows end at their last use:

            ```rust
            let r1 = &s;
            println!("{r1}");
            // r1 is not used after this point

            let r2 = &mut s;
            ```
            """,
        )
    )
    assert list(code) == ["Borrows end at their last use: Rust code?"]
    assert code["Borrows end at their last use: Rust code?"].endswith("let r2 = &mut s;")


def test_a_block_comment_is_kept_whole_as_the_cue(tmp_path: Path) -> None:
    """A ``/* … */`` over two lines names the step whole; an HTML comment is a cue without its
    markers."""
    code = code_cards(
        extracted(
            tmp_path,
            """
            # Dialogs

            ## Styles

            ```css
            /* The state before opening,
               after the open rule */
            @starting-style {
              dialog { opacity: 0; }
            }
            ```

            ## Anchors

            ```html
            <!-- Heading to link to -->
            <h2 id="below">Below</h2>
            ```
            """,
        )
    )
    assert code == {
        "The state before opening after the open rule: CSS code?": (
            "@starting-style {\n  dialog { opacity: 0; }\n}"
        ),
        "Heading to link to: HTML code?": '<h2 id="below">Below</h2>',
    }


def test_a_doc_comment_goes_with_its_item(tmp_path: Path) -> None:
    """A ``/** … */`` documents the class under it: no step starts inside it, no part either."""
    body = "\n".join(f"        System.out.println({n});" for n in range(14))
    found = extracted(
        tmp_path,
        """
        # Methods

        ## Varargs

        An example:

        ```java
        /**
         * Read more on our site
         *
         * @author Someone
         */
        public class Varargs {

            public static void print(String... args) {
        {body}
            }

            public static void main(String[] args) {
                print("a", "b");
            }
        }
        ```
        """.replace("{body}", body),
    )
    code = code_cards(found)
    assert code
    for ask, text in code.items():
        assert not text.startswith(" *"), ask
        assert "Read more" not in ask and "@author" not in ask
    first = next(iter(code.values()))
    assert first.startswith("/**\n * Read more on our site")


def test_plain_text_names_no_language(tmp_path: Path) -> None:
    """Pygments calls its plain text lexer "Text only": a prompt says just "code"."""
    code = code_cards(
        extracted(
            tmp_path,
            """
            # Errors

            ## Borrowed values

            The message holds the key:

            ```text
            this function's return type contains a borrowed value
            ```
            """,
        )
    )
    assert list(code) == ["The message holds the key: code?"]


def output_of(tmp_path: Path, lang: str, body: str, caption: str = "Run it:") -> list[str]:
    """The code cards' prompts of one block, after ``caption``; a block skipped as program
    output gives ``["program output"]``."""
    found = extracted(
        tmp_path,
        f"""
        # Build

        ## Running

        {caption}

        ```{lang}
        {{body}}
        ```
        """.replace("{body}", body.replace("\n", "\n        ")),
    )
    skipped = [s.reason for s in found.skipped if s.reason == "program output"]
    return skipped or list(code_cards(found))


def test_compiler_errors_in_plain_text_are_output(tmp_path: Path) -> None:
    errors = "error[E0382]: use of moved value: `s1`\n --> src/main.rs:5:28\n  |\n5 |     s1\n  |     ^^"
    assert output_of(tmp_path, "text", errors) == ["program output"]
    assert output_of(tmp_path, "", errors) == ["program output"]


def test_a_session_mostly_output_is_output_mostly_commands_a_command(tmp_path: Path) -> None:
    run = "$ cargo run\n   Compiling shop v0.1.0\n    Finished dev\n     Running `target/debug/shop`"
    assert output_of(tmp_path, "console", run) == ["program output"]
    timed = "$ time rg -U x big.txt\n1:x\n\nreal    0m1.803s\nuser    0m1.748s\nsys     0m0.054s"
    assert output_of(tmp_path, "", timed) == ["program output"]
    setup = "$ mkdir -p out\n$ rg --generate complete-zsh > out/_rg"
    assert output_of(tmp_path, "console", setup) == ["Run it: command?"]
    assert output_of(tmp_path, "", setup) == ["Run it: command?"]


def test_a_caption_announcing_output_makes_plain_text_output(tmp_path: Path) -> None:
    assert output_of(tmp_path, "", "xixi\n3\nhaha", caption="运行结果：") == ["program output"]
    assert output_of(tmp_path, "", "xixi\n3\nhaha", caption="Output:") == ["program output"]
    # Code in a language is never output, whatever its caption says.
    assert output_of(tmp_path, "python", "print(3)", caption="Output:") == ["Output: Python code?"]


def test_no_card_for_the_remnant_of_a_step_too_long(tmp_path: Path) -> None:
    """When most of a step is too long to recall, what is left (a manifest's header keys, the
    tail of a form) gives no card: the step is skipped whole, with a warning."""
    env = [f"        - name: VAR_{n}\n          value: v{n}" for n in range(10)]
    fields = [f'    <input name="f{n}">' for n in range(16)]
    text = "\n".join(
        [
            "# Pods\n\n## Config\n\nA Pod reading its config:\n\n```yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo",
            "spec:\n  containers:\n    - name: demo\n      env:",
            *env,
            "```\n\n## Forms\n\n```html\n<!-- A dialog holding a form -->",
            '<dialog id="fav">\n  <form>',
            *fields,
            "  </form>\n</dialog>\n<p>\n  <button>Show</button>\n</p>\n```",
        ]
    )
    found = extracted(tmp_path, text)
    assert code_cards(found) == {}
    assert [d.message.split(" has ")[0] for d in found.diagnostics] == [
        "code step “A Pod reading its config”",
        "code step “A dialog holding a form”",
    ]


def test_code_a_sentence_walks_through_is_an_example_not_a_card(tmp_path: Path) -> None:
    source = tmp_path / "book.md"
    source.write_text(
        "# Rust\n\n## Moves\n\nNow let’s look at the String version:\n\n```rust\nlet s2 = s1;\n```\n\n"
        "A String is moved on assignment:\n\n```rust\nlet s3 = s2;\n```\n",
        encoding="utf-8",
    )
    result = read_source(Source(source, tmp_path))
    assert [n.prompt for n in result.notes] == ["Moves — A String is moved on assignment: Rust code?"]
    assert any(s.reason.startswith("example code") for s in result.skipped)
