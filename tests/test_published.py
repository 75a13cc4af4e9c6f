"""Documents as published build: docs-site pages (Hugo, Docusaurus, MkDocs, VuePress, Jekyll),
READMEs and vault notes, with their generator's front matter and their remote images.

Front matter belongs to the site generator first: its keys are left alone, deckbuilder reads
what it can use (title, tags, categories, language), and only a key close to one of
deckbuilder's own is taken for a misspelling. A remote image is never fetched and never stops
a build: the card shows its alt text, and a warning names the image's line.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from builder import progress
from builder.config import FRONT_MATTER_KEYS, GROUP_KEYS, DeckConfig, read_config
from builder.read import parse

from support import cards_json, errors, run, write

EPOCH = 1_700_000_000


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test in its own folder, with a fixed release time and no progress lines."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(progress, "QUIET_SECONDS", math.inf)
    return tmp_path


def built(*args: str) -> list[str]:
    """Build ``args`` into ``decks/``; it must succeed. Its problem lines (warnings)."""
    result = run("build", *args, "--out", "decks")
    assert result.exit_code == 0, result.output
    assert list(Path("decks").glob("*.apkg")), result.output
    return [line for line in errors(result).splitlines() if ": warning: " in line or ": error: " in line]


def failed(*args: str) -> list[str]:
    """Build ``args``; it must fail, writing nothing. Its error lines."""
    result = run("build", *args, "--out", "decks")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not Path("decks").exists()
    return [line for line in errors(result).splitlines() if ": error: " in line]


def config_of(text: str, path: str = "page.md") -> tuple[DeckConfig, list[str]]:
    """The configuration a source's front matter gives, and its problems as lines."""
    document = parse(text, path)
    config, problems = read_config(
        document.meta, document.meta_lines, path, FRONT_MATTER_KEYS, "front matter"
    )
    return config, [str(p) for p in problems]


# --- Front matter of the generators ---------------------------------------------------------

HUGO = """\
---
title: "Configure Pods"
linkTitle: Pods
content_type: concept
weight: 20
date: 2024-01-02T10:00:00Z
draft: false
categories: ["Getting started", "Kubernetes"]
tags: web dev, k8s
aliases: [/docs/old-pods/]
toc: true
math: true
lang: en-US
---

## Terms

- **Pod:** the smallest deployable unit
"""

DOCUSAURUS = """\
---
id: intro
sidebar_position: 2
sidebar_label: 'Intro'
slug: /
title: Introduction
description: What the tool is for.
keywords: [tool, docs]
hide_title: true
tags:
  - label: Getting started
    permalink: /getting-started
  - intro
---

# Introduction

## Terms

- **Widget:** a thing that does one job
"""

MKDOCS = """\
---
description: How the cache works
hide:
  - navigation
  - toc
status: new
tags:
  - Cache
  - Set up
---

# Cache

## Terms

- **Hit:** a read the cache answers
"""

VUEPRESS = """\
---
lang: pt-BR
title: Guia
description: Um guia
sidebarDepth: 2
category: [Guias]
tag: [vue, início rápido]
---

## Termos

- **Componente:** uma peça da interface
"""

JEKYLL = """\
---
layout: post
title: Notes on caching
permalink: /notes/caching/
categories: systems caching
published: true
---

## Terms

- **Miss:** a read the cache cannot answer
"""


def tags(notes: list[dict]) -> set[str]:
    """The tags every note has, less the ones deckbuilder adds itself."""
    common = set.intersection(*(set(n["tags"]) for n in notes))
    return {t for t in common if not t.startswith(("kind::", "section::", "changed::"))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(HUGO, {"web_dev", "k8s", "Getting_started", "Kubernetes"}, id="hugo"),
        pytest.param(DOCUSAURUS, {"Getting_started", "intro"}, id="docusaurus"),
        pytest.param(MKDOCS, {"Cache", "Set_up"}, id="mkdocs"),
        pytest.param(VUEPRESS, {"Guias", "vue", "início_rápido"}, id="vuepress"),
        pytest.param(JEKYLL, {"systems", "caching"}, id="jekyll"),
    ],
)
def test_a_generators_page_builds_with_its_tags(text, expected):
    write({"docs/page.md": text})
    assert built("docs") == []
    notes = cards_json("docs")
    assert notes
    assert tags(notes) == expected


def test_a_generators_title_names_the_deck():
    write({"docs/page.md": HUGO})
    built("docs")
    assert {n["deck"] for n in cards_json("docs")} == {"Configure Pods"}


@pytest.mark.parametrize(
    ("front", "language"),
    [
        pytest.param("lang: en-US", "en-US", id="lang"),
        pytest.param("language: fr", "fr", id="language"),
        pytest.param("lang: de\nlanguage: fr", "de", id="lang-first"),
        pytest.param("title: x", None, id="none"),
        pytest.param("lang: 3", None, id="not-text"),
    ],
)
def test_the_language_is_kept_in_the_configuration(front, language):
    config, problems = config_of(f"---\n{front}\n---\n# X\n")
    assert problems == []
    assert config.language == language
    assert config.under(DeckConfig(deck="Group")).language == language


def test_the_language_words_the_prompt_and_changes_no_identity():
    write(
        {
            "a/page.md": "---\nlang: fr\n---\n## Terms\n\n- **Pod:** a unit\n",
            "b/page.md": "## Terms\n\n- **Pod:** a unit\n",
        }
    )
    [french], [english] = cards_json("a"), cards_json("b")
    assert french["guid"] == english["guid"] and french["key"] == english["key"]
    assert (french["prompt"], english["prompt"]) == ("Terms — Pod\u202f?", "Terms — Pod?")
    assert french["answer"] == english["answer"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("[systems, raft]", ("systems", "raft"), id="list"),
        pytest.param("rust", ("rust",), id="one"),
        pytest.param("web dev, k8s", ("web_dev", "k8s"), id="comma-text"),
        pytest.param("systems caching", ("systems", "caching"), id="space-text"),
        pytest.param(
            "[Getting started, '#rust', 2024]", ("Getting_started", "rust", "2024"), id="spaces-hash-number"
        ),
        pytest.param("[a, a, '']", ("a",), id="repeated-empty"),
        pytest.param("", (), id="empty"),
    ],
)
def test_tags_as_generators_write_them(value, expected):
    config, problems = config_of(f"---\ntags: {value}\n---\n# X\n")
    assert problems == []
    assert config.tags == expected


def test_tags_that_are_no_tags_are_an_error():
    _, problems = config_of("---\ntitle: X\ntags: {a: 1}\n---\n# X\n")
    assert problems == [
        "page.md:3: error: “tags” must be a list of tags or a text of them, separated by commas"
    ]


def test_an_empty_title_or_tags_from_a_note_template_is_none():
    config, problems = config_of("---\ntitle:\ntags:\n---\n# From the heading\n")
    assert problems == []
    assert config.tags == ()
    assert parse("---\ntitle:\n---\n# From the heading\n", "x.md").title == "From the heading"


def test_a_generators_own_key_that_holds_no_tags_is_left_alone():
    config, problems = config_of("---\ntags: [a]\ncategories: {x: 1}\n---\n# X\n")
    assert problems == []
    assert config.tags == ("a",)


# --- Misspellings of deckbuilder's keys -------------------------------------------------------

MISSPELT = """\
---
tittle: Notes
weight: 3
tgas: [a]
subdeck: true
exlude: [code]
Subdecks: true
---

## Terms

- **Pod:** a unit
"""


def test_a_key_close_to_deckbuilders_is_an_error_naming_it():
    write({"docs/page.md": MISSPELT})
    assert failed("docs") == [
        "docs/page.md:2: error: unknown front matter key “tittle”: did you mean “title”?",
        "docs/page.md:4: error: unknown front matter key “tgas”: did you mean “tags”?",
        "docs/page.md:5: error: unknown front matter key “subdeck”: did you mean “subdecks”?",
        "docs/page.md:6: error: unknown front matter key “exlude”: did you mean “exclude”?",
        "docs/page.md:7: error: unknown front matter key “Subdecks”: did you mean “subdecks”?",
    ]


@pytest.mark.parametrize(
    "key",
    ["subtitle", "tag", "desc", "nav_exclude", "images", "status", "site", "style", "hide_title", "excerpt"],
)
def test_a_generators_key_near_deckbuilders_is_no_misspelling(key):
    _, problems = config_of(f"---\n{key}: x\n---\n# X\n")
    assert problems == []


def test_decks_yaml_still_refuses_an_unknown_key():
    """decks.yaml is deckbuilder's own file: every key in it must be one of its keys."""
    lines = {"deck": 1, "weight": 2, "tgas": 3}
    data = {"deck": "D", "weight": 1, "tgas": ["a"]}
    _, problems = read_config(data, lines, "decks.yaml", GROUP_KEYS, "deck")
    assert [str(p) for p in problems] == [
        f"decks.yaml:2: error: unknown deck key “weight” (known: {', '.join(GROUP_KEYS)})",
        "decks.yaml:3: error: unknown deck key “tgas”: did you mean “tags”?",
    ]


# --- Remote images ----------------------------------------------------------------------------

README = """\
# Tool

[![build](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com) [![license](https://img.shields.io/badge/license-MIT-blue.svg)](LICENSE)

Tool turns things into other things.

## Install

- **Linux:** run the installer
- **Screen:** ![the first screen](https://example.com/shot.png)
- **Logo:** ![](https://example.com/logo.png)
"""

REMOTE = "is remote and decks work offline: a card shows"


def test_a_readme_with_badges_builds_and_warns_at_each_image():
    write({"repo/README.md": README})
    assert built("repo") == [
        f"repo/README.md:3: warning: image “https://img.shields.io/badge/build-passing-green.svg” {REMOTE}"
        " its alt text “build” in its place",
        f"repo/README.md:3: warning: image “https://img.shields.io/badge/license-MIT-blue.svg” {REMOTE}"
        " its alt text “license” in its place",
        f"repo/README.md:10: warning: image “https://example.com/shot.png” {REMOTE}"
        " its alt text “the first screen” in its place",
        f"repo/README.md:11: warning: image “https://example.com/logo.png” {REMOTE}"
        " nothing (it has no alt text) in its place",
    ]
    answers = {n["prompt"]: (n["answer"], n["fields"]["Answer"]) for n in cards_json("repo")}
    assert answers["Install — Screen?"] == ("the first screen", "<p>the first screen</p>")
    assert "Install — Logo?" not in answers or "<img" not in answers["Install — Logo?"][1]


def test_a_remote_image_in_a_table_a_heading_and_a_question_is_reported_at_its_line():
    write(
        {
            "docs/page.md": (
                "# Page\n"  # 1
                "\n"  # 2
                "## Shots ![icon](https://e.com/h.png)\n"  # 3
                "\n"  # 4
                "| Name | Picture |\n"  # 5
                "|---|---|\n"  # 6
                "| ![a](https://e.com/a.png) | one ![b](https://e.com/b.png) |\n"  # 7
                "| two | three |\n"  # 8
                "\n"  # 9
                "Q: What is ![q](https://e.com/q.png) here?\n"  # 10
                "A: An answer ![r](https://e.com/r.png).\n"  # 11
            )
        }
    )
    warnings = built("docs")
    assert [line.split(" is remote")[0] for line in warnings] == [
        "docs/page.md:3: warning: image “https://e.com/h.png”",
        "docs/page.md:7: warning: image “https://e.com/a.png”",
        "docs/page.md:7: warning: image “https://e.com/b.png”",
        "docs/page.md:10: warning: image “https://e.com/q.png”",
        "docs/page.md:11: warning: image “https://e.com/r.png”",
    ]
    for note in cards_json("docs"):
        assert "<img" not in "".join(note["fields"].values()), note["prompt"]


def test_a_remote_image_on_a_wrapped_line_or_nested_is_reported_at_its_line():
    write(
        {
            "docs/page.md": (
                "## Widgets\n"  # 1
                "\n"  # 2
                "A *widget* is a thing that\n"  # 3
                "spans ![w](https://e.com/w.png) lines.\n"  # 4
                "\n"  # 5
                "> A quote\n"  # 6
                "> with ![x](https://e.com/x.png)\n"  # 7
                "\n"  # 8
                "- **Outer:** one\n"  # 9
                "  - **Inner:** two\n"  # 10
                "    and ![y](https://e.com/y.png)\n"  # 11
            )
        }
    )
    assert [line.split(" is remote")[0] for line in built("docs")] == [
        "docs/page.md:4: warning: image “https://e.com/w.png”",
        "docs/page.md:7: warning: image “https://e.com/x.png”",
        "docs/page.md:11: warning: image “https://e.com/y.png”",
    ]


def test_a_remote_image_in_a_card_file_is_a_warning():
    write(
        {"src/cards.yaml": "cards:\n  - id: a\n    front: Q?\n    back: See ![shot](https://e.com/s.png)\n"}
    )
    assert built("src") == [
        f"src/cards.yaml:4: warning: image “https://e.com/s.png” {REMOTE} its alt text “shot” in its place"
    ]
    [note] = cards_json("src")
    assert note["fields"]["Answer"] == "<p>See shot</p>"


def test_a_data_uri_is_shown_short():
    data = "data:image/png;base64," + "A" * 500
    write({"docs/page.md": f"## S\n\n- **Dot:** ![dot]({data})\n"})
    [warning] = built("docs")
    shown = data[:119] + "…"
    assert warning == f"docs/page.md:3: warning: image “{shown}” {REMOTE} its alt text “dot” in its place"


def test_a_remote_image_is_never_an_img_even_unpacked():
    """Rendering a card whose images were not packed still fetches nothing."""
    from builder.extract import extract
    from builder.render import render

    [card] = extract(parse("## S\n\n- **Shot:** see ![it](https://e.com/x.png)\n", "x.md")).cards
    assert render(card).fields["Answer"] == "<p>see it</p>"


def test_a_local_image_problem_is_still_an_error():
    write({"docs/page.md": "## S\n\n- **Shot:** ![it](missing.png)\n"})
    assert failed("docs") == ["docs/page.md:3: error: image “missing.png” not found"]
