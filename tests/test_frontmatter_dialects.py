"""Front matter as the generators and note apps write it: Hugo's TOML between ``+++`` lines,
Logseq's ``key:: value`` page properties, keys in any case (``Title``, ``Tags``), Obsidian's
nested tags (``area/topic`` is Anki's ``area::topic``). Real files, built and read back."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pytest

from builder import progress
from builder.config import FRONT_MATTER_KEYS, DeckConfig, read_config
from builder.markdown import parser
from builder.read import parse

from support import cards_json, errors, run


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test in its own folder, with a fixed release time."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(progress, "QUIET_SECONDS", math.inf)
    return tmp_path


def test_the_build_parser_reads_toml_front_matter():
    tokens = parser().parse('+++\ntitle = "x"\n+++\n')
    assert tokens[0].type == "front_matter"


def write(name: str, text: str) -> None:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def config_of(text: str, path: str = "page.md") -> tuple[DeckConfig, str, list[str]]:
    """The configuration, title and problems a source's front matter gives."""
    document = parse(text, path)
    config, problems = read_config(
        document.meta, document.meta_lines, path, FRONT_MATTER_KEYS, "front matter"
    )
    return config, document.title, [str(p) for p in problems]


HUGO = """\
+++
title = "Kubernetes basics"
date = 2024-01-05T10:00:00Z
draft = false
weight = 10
tags = ["k8s", "Getting started"]
categories = ["ops"]
lang = "en"

[params]
author = "Ann"
+++

## Terms

- **Pod:** the smallest unit Kubernetes schedules
"""


def test_hugo_toml_front_matter_names_the_deck_and_tags_its_cards():
    write("docs/k8s.md", HUGO)
    result = run("build", "docs", "--out", "decks")
    assert result.exit_code == 0, result.output
    assert errors(result) == ""
    [apkg] = Path("decks").glob("*.apkg")
    assert apkg.name == "kubernetes-basics-1.0.0.apkg"
    [note] = cards_json("docs")
    assert note["deck"] == "Kubernetes basics"
    assert {"k8s", "Getting_started", "ops"} <= set(note["tags"])
    # The TOML is no card and no text of one.
    assert "+++" not in json.dumps(note) and "weight" not in json.dumps(note)
    with zipfile.ZipFile(apkg) as zf:
        assert "collection.anki2" in zf.namelist()


def test_toml_keys_have_their_lines_and_misspellings_are_named():
    config, title, problems = config_of('+++\ntitle = "T"\ntgas = ["a"]\nsubdecks = "yes"\n+++\n# X\n')
    assert title == "T"
    assert problems == [
        "page.md:3: error: unknown front matter key “tgas”: did you mean “tags”?",
        "page.md:4: error: “subdecks” must be true or false",
    ]
    assert config.subdecks is False


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        pytest.param('title = "open\ntags = []\n', 2, "Illegal character", id="unclosed-string"),
        pytest.param('title = "a"\ntitle = "b"\n', 3, "Cannot overwrite a value", id="duplicate-key"),
        pytest.param('title = "a"\ntags = [\n', 4, "", id="end-of-document"),
    ],
)
def test_a_toml_error_is_one_line_at_its_place(toml, line, message):
    write("docs/bad.md", f"+++\n{toml}+++\n\n# Bad\n\n- **A:** b\n")
    result = run("build", "docs", "--out", "decks")
    assert result.exit_code == 1
    [problem] = errors(result).splitlines()
    assert problem.startswith(f"docs/bad.md:{line}: error: front matter: invalid TOML: {message}")
    assert "(at " not in problem
    assert not Path("decks").exists()


def test_an_unclosed_toml_fence_is_text():
    document = parse('+++\ntitle = "T"\n\n# Heading\n', "page.md")
    assert document.meta == {} and document.title == "page"
    assert "+++" in str(document.preamble)


def test_toml_front_matter_may_be_empty():
    config, title, problems = config_of("+++\n+++\n# Only\n")
    assert (config, title, problems) == (DeckConfig(), "Only", [])


@pytest.mark.parametrize(
    "front",
    [
        "---\nTitle: Networking\nTags: [tcp, Getting started]\nLang: en\n---\n",
        '+++\nTitle = "Networking"\nTags = ["tcp", "Getting started"]\nLanguage = "en"\n+++\n',
        "---\nTITLE: Networking\nTAGS: tcp, Getting started\nLANG: en\n---\n",
    ],
)
def test_generators_keys_are_read_whatever_their_case(front):
    config, title, problems = config_of(front + "# Heading\n\n- **A:** b\n")
    assert problems == []
    assert title == "Networking"
    assert config.tags == ("tcp", "Getting_started")
    assert config.language == "en"


def test_deckbuilders_own_keys_keep_their_case():
    _, _, problems = config_of("---\nSubdecks: true\n---\n# X\n")
    assert problems == ["page.md:2: error: unknown front matter key “Subdecks”: did you mean “subdecks”?"]


def test_a_key_given_in_two_cases_is_read_once_and_the_other_named():
    _, title, problems = config_of("---\ntitle: Mine\nTitle: Theirs\n---\n# X\n")
    assert title == "Mine"
    assert problems == ["page.md:3: error: unknown front matter key “Title”: did you mean “title”?"]


OBSIDIAN = """\
---
tags:
  - networking/tcp
  - "#networking/udp"
  - plain
---

# Transport

- **Port:** a number naming a socket's service
"""


def test_obsidian_nested_tags_become_anki_hierarchical_tags():
    write("vault/transport.md", OBSIDIAN)
    result = run("build", "vault", "--out", "decks")
    assert result.exit_code == 0, result.output
    [note] = cards_json("vault")
    assert {"networking::tcp", "networking::udp", "plain"} <= set(note["tags"])


@pytest.mark.parametrize(("tag", "kept"), [("/lead", "/lead"), ("trail/", "trail/"), ("a//b", "a//b")])
def test_a_tag_with_an_empty_part_is_kept(tag, kept):
    config, _, _ = config_of(f"---\ntags: ['{tag}']\n---\n# X\n")
    assert config.tags == (kept,)


LOGSEQ = """\
title:: Consensus
tags:: raft, [[distributed systems]]
alias:: agreement
public:: true

- **Quorum:** a majority of the cluster's nodes
"""


def test_logseq_page_properties_are_front_matter():
    write("graph/pages/consensus.md", LOGSEQ)
    result = run("build", "graph", "--out", "decks")
    assert result.exit_code == 0, result.output
    assert errors(result) == ""
    [note] = cards_json("graph")
    assert note["deck"] == "Consensus"
    assert {"raft", "distributed_systems"} <= set(note["tags"])
    assert "title::" not in json.dumps(note) and "agreement" not in json.dumps(note)
    assert note["fields"]["Source"] == "pages/consensus.md"


def test_logseq_property_lines_have_their_lines():
    _, title, problems = config_of("title:: T\nsubdecks:: yes\n\n# X\n")
    assert title == "T"
    assert problems == ["page.md:2: error: “subdecks” must be true or false"]


@pytest.mark.parametrize(
    "text",
    [
        "Use std::vector for this.\n\n- **A:** b\n",
        "Rust::std is no property\n",
        "Raft:: a consensus algorithm\nQuorum:: a majority\n",
        "# Title\n\ntitle:: not at the top\n",
        "    title:: indented is code\n",
    ],
)
def test_what_is_no_page_property_stays_text(text):
    document = parse(text, "page.md")
    assert document.meta == {}
