"""The documentation: the README starts where a newcomer starts and links to docs/, the command
reference documents every command and option, every command and option has help, and every
relative link leads to a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
COMMANDS = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")

# A Markdown link or image: [text](target) or ![alt](target), the target up to a space or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"deckbuilder {name}" in COMMANDS
    assert command.help and "Example:" in command.help
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts} has no help"
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in COMMANDS, f"{opt} of {name} is not in docs/commands.md"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make decks" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_is_short():
    lines = README.count("\n")
    assert lines <= 220, f"README.md has {lines} lines; move the detail to docs/"


def test_readme_links_every_page_of_docs():
    for page in DOCS:
        assert f"(docs/{page.name})" in README, f"README.md does not link docs/{page.name}"


def _outside_code(text: str) -> str:
    """The text without its fenced code blocks and code spans, where a link is only text."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_files(page):
    targets = LINK.findall(_outside_code(page.read_text(encoding="utf-8")))
    relative = [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t)]
    assert relative or page.name != "README.md"
    for target in relative:
        assert "#" not in target, f"{page.name}: link {target} has an anchor, which a heading's rename breaks"
        assert (page.parent / target).is_file(), f"{page.name}: link {target} leads to no file"
