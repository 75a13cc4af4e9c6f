"""The README documents every command, and every command and option has help."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"deckbuilder {name}" in README
    assert command.help and "Example:" in command.help
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts} has no help"
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"{opt} of {name} is not in the README"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make decks" in README and "make test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
