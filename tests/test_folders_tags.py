"""A vault or a docs tree as a deck: folders as subdecks and tags, inline ``#tags``, and a
Source field that links back to the passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import cards_json, import_apkg, outcome, png, run, write


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


VAULT = {
    "vault/decks.yaml": "decks:\n  - deck: Vault\n    sources: ['**/*.md']\n    folders: [subdecks, tags]\n",
    "vault/top.md": "# Top\n\n## A\n- **Alpha:** one\n",
    "vault/net/dns.md": "# DNS\n\n## Ports\n- **DNS port:** 53\n",
    "vault/net/web/http.md": "# HTTP\n\n## Ports\n- **HTTP port:** 80\n",
}


def by_prompt(*args: str) -> dict[str, dict]:
    return {n["prompt"].split("— ")[-1]: n for n in cards_json(*args)}


def test_folders_become_subdecks_and_hierarchical_tags(tmp_path):
    write(VAULT)
    notes = by_prompt("vault")
    assert notes["DNS port?"]["deck"] == "Vault::net"
    assert notes["HTTP port?"]["deck"] == "Vault::net::web"
    assert notes["Alpha?"]["deck"] == "Vault"
    assert "net::web" in notes["HTTP port?"]["tags"] and "net" in notes["DNS port?"]["tags"]
    assert not any(t.startswith("net") for t in notes["Alpha?"]["tags"])
    assert run("build", "vault", "--out", "decks").exit_code == 0
    from anki.collection import Collection

    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, next(Path("decks").glob("vault-*.apkg")))
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"Vault", "Vault::net", "Vault::net::web"} <= names
        (nid,) = col.find_notes('"deck:Vault::net::web"')
        assert "net::web" in col.get_note(nid).tags
    finally:
        col.close()


def test_moving_a_file_to_another_folder_keeps_its_notes():
    write(VAULT)
    before = {n["guid"] for n in cards_json("vault")}
    Path("vault/net/web/http.md").rename("vault/net/http.md")
    after = by_prompt("vault")
    assert after["HTTP port?"]["deck"] == "Vault::net"
    assert {n["guid"] for n in after.values()} == before


def test_a_folder_name_with_spaces_is_one_tag():
    write({**VAULT, "vault/Getting started/intro.md": "# Intro\n\n## S\n- **Key:** value\n"})
    notes = by_prompt("vault")
    assert "Getting_started" in notes["Key?"]["tags"] and "Getting" not in notes["Key?"]["tags"]
    assert notes["Key?"]["deck"] == "Vault::Getting started"


def test_folders_as_tags_only_keep_one_deck():
    write({**VAULT, "vault/decks.yaml": VAULT["vault/decks.yaml"].replace("[subdecks, tags]", "tags")})
    notes = by_prompt("vault")
    assert {n["deck"] for n in notes.values()} == {"Vault"}
    assert "net::web" in notes["HTTP port?"]["tags"]


INLINE = """\
# Networking

#networking

## DNS

- **Port:** 53 #protocol/dns
- **Transport:** UDP, TCP for large answers

| Record | Meaning |
|---|---|
| A | an IPv4 address #caching |
| AAAA | an IPv6 address |

## Code

- **Comment:** `#not-a-tag` in code, [#nor-this](https://example.com/#frag), C# is a language, issue #12
"""


def test_inline_tags_tag_their_block_and_a_tags_only_paragraph_its_section():
    write({"source/net.md": INLINE})
    notes = cards_json("source")
    port = next(n for n in notes if n["prompt"].endswith("Port?"))
    assert {"networking", "protocol::dns"} <= set(port["tags"])
    assert "#" not in port["answer"] and port["answer"] == "53"
    transport = next(n for n in notes if n["prompt"].endswith("Transport?"))
    assert "networking" in transport["tags"] and "protocol::dns" not in transport["tags"]
    comment = next(n for n in notes if n["prompt"].endswith("Comment?"))
    assert not {"not-a-tag", "nor-this", "frag", "12"} & set(comment["tags"])
    assert "#not-a-tag" in comment["answer"] and "C# is a language, issue #12" in comment["answer"]
    cached = [n for n in notes if "caching" in n["tags"]]
    assert cached and all("#caching" not in n["answer"] + n["prompt"] for n in cached)
    assert not any("caching" in n["tags"] for n in notes if "IPv6" in n["answer"] + n["prompt"])


def test_a_tag_inside_a_sentence_keeps_its_word():
    write({"source/a.md": "# A\n\n## S\n\n- **Scheduler:** the #kubernetes scheduler places pods\n"})
    (note,) = cards_json("source")
    assert note["answer"] == "the kubernetes scheduler places pods"
    assert "kubernetes" in note["tags"]


def test_a_source_link_opens_the_passage():
    link = "https://github.com/team/notes/blob/main/{path}#L{line}"
    write({"source/a.md": f"---\nsource_link: {link}\n---\n# A\n\n## S\n\n- **Port:** 53\n"})
    (note,) = cards_json("source")
    assert note["fields"]["Source"] == (
        '<a href="https://github.com/team/notes/blob/main/source/a.md#L8">a.md:8</a>'
    )


def test_without_a_source_link_the_source_stays_its_path():
    write({"source/a.md": "# A\n\n## S\n\n- **Port:** 53\n"})
    (note,) = cards_json("source")
    assert note["fields"]["Source"] == "a.md"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)//{path}", "“source_link” must start with one of http:, https:"),
        ("https://x/{file}", "“source_link” may hold only {path}, {name} and {line}"),
    ],
)
def test_a_source_link_that_is_no_safe_link_is_refused(value, message):
    write({"source/a.md": f"---\nsource_link: '{value}'\n---\n# A\n\n## S\n- **K:** v\n"})
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert err.startswith(f"source/a.md:2: error: {message}"), err


def test_a_list_of_tags_is_content_and_keeps_its_words():
    """A note about tags lists them as examples: the items stay (as words), only a paragraph of
    tags alone is the note's own tags."""
    write(
        {
            "source/a.md": "# A\n\n## Format\n\nTo join words, use one of these formats:\n\n"
            "- #camelCase\n- #snake_case\n- #kebab-case\n"
        }
    )
    notes = cards_json("source")
    listed = next(n for n in notes if "camelCase" in n["answer"])
    assert (
        "snake_case" in listed["answer"] and "kebab-case" in listed["answer"] and "#" not in listed["answer"]
    )


def test_a_vault_finds_its_attachments_by_name_as_the_note_app_does():
    """Obsidian writes ``![[shot.png]]`` for a file anywhere in the vault, or a path from the
    vault's top; a ``#fragment`` after a file's name is for the page."""
    write(
        {
            "vault/notes/a.md": "# A\n\n## Pictures\n\n- **Screen:** ![[shot.png#interface|The screen]]\n"
            "- **Again:** ![The screen](shot.png#interface)\n- **From the top:** ![An icon](Attachments/icons/i.png)\n",
        }
    )
    Path("vault/Attachments/icons").mkdir(parents=True)
    Path("vault/Attachments/shot.png").write_bytes(png())
    Path("vault/Attachments/icons/i.png").write_bytes(png(3, 1))
    notes = cards_json("vault")
    assert len(notes) == 3 and all("<img" in n["fields"]["Answer"] for n in notes)


def test_a_name_two_attachments_share_is_one_error_naming_them():
    write({"vault/a.md": "# A\n\n## S\n\n- **Screen:** ![[shot.png|The screen]]\n"})
    for folder in ("vault/x", "vault/y"):
        Path(folder).mkdir(parents=True)
        Path(folder, "shot.png").write_bytes(png())
    code, _, err = outcome("build", "vault", "--out", "decks")
    assert code == 1
    assert err.startswith(
        "vault/a.md:5: error: image “shot.png” not found beside the source, and several files have"
        " that name (x/shot.png, y/shot.png); give its path"
    ), err


def test_a_line_of_many_hash_words_is_read_in_one_pass():
    """A hostile line (60,000 ``#a`` words, then a character that is no tag) is read at once,
    not tried from each of its words."""
    write({"source/a.md": "# A\n\n## S\n\n- **Key:** value" + " #a" * 60_000 + " !\n"})
    (note,) = cards_json("source")
    assert note["answer"].startswith("value a a") and "a" in note["tags"]


def test_many_tagged_sections_are_read_in_time_linear_in_them():
    """2,000 sections, each with a paragraph of tags and a fact: each card takes its own
    section's tags and the document's, found by its line, not by trying every section."""
    body = "".join(f"## S{n}\n\n#topic{n}\n\n- **Key {n}:** value\n\n" for n in range(2000))
    write({"source/a.md": "# A\n\n#everything\n\n" + body})
    notes = cards_json("source")
    assert len(notes) == 2000
    for n in (0, 999, 1999):
        tags = next(x["tags"] for x in notes if x["prompt"].endswith(f"Key {n}?"))
        assert f"topic{n}" in tags and "everything" in tags and f"topic{n + 1}" not in tags
