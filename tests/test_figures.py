"""An image in a paragraph of its own illustrates the text around it: it is shown on the card
of the text before it (else the section's first card), packed into the deck, and a missing
file is an error at its line."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from textwrap import dedent

from support import cards_json, errors, run

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

SOURCE = """
    # Storage

    ## Sharding

    ![Shards on three nodes](shards.png)

    Sharding distributes data across databases so that each holds a subset.

    ## Replication

    - **Leader:** takes every write

    <p align="center">
      <img src="leader.png">
      <br/>
      <i>Source: a talk on replication</i>
    </p>

    The leader ships its log to **followers**.

    ## Pictures only

    ![Nothing to illustrate](shards.png)
"""


def _line_of(text: str) -> int:
    lines = dedent(SOURCE).lstrip().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def _write(tmp_path: Path, text: str = SOURCE) -> Path:
    (tmp_path / "shards.png").write_bytes(PNG)
    (tmp_path / "leader.png").write_bytes(PNG + b"\0")
    path = tmp_path / "storage.md"
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_figure_goes_to_the_card_it_illustrates(tmp_path: Path) -> None:
    path = _write(tmp_path)
    cards = {card["prompt"]: card for card in cards_json(str(path))}
    # Before any text of its section: the section's first card shows it.
    sharding = cards["Sharding — what is it?"]["fields"]["Answer"]
    assert sharding.startswith("<p>Sharding distributes") and 'alt="Shards on three nodes"' in sharding
    # After a fact: that card shows it (a caption that only credits its source left out);
    # the cloze after it does not.
    leader = cards["Replication — Leader?"]["fields"]["Answer"]
    assert "<img" in leader and "Source:" not in leader
    assert "<img" not in cards["Replication — The leader ships its log to [...]."]["fields"]["Extra"]
    skipped = run("cards", str(path), "--skipped").stdout
    where = _line_of("![Nothing to illustrate]")
    assert (
        f"storage.md:{where}: image with no prose card of its section to illustrate: Nothing to illustrate"
        in skipped
    )
    assert "prose with nothing marked" not in skipped


def test_a_figure_is_packed_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path)
    out = tmp_path / "decks"
    assert run("build", str(path), "--out", str(out)).exit_code == 0
    [apkg] = out.glob("*.apkg")
    with zipfile.ZipFile(apkg) as package:
        packed = json.loads(package.read("media"))
        assert len(packed) == 2
        assert {package.read(number) for number in packed} == {PNG, PNG + b"\0"}
    (tmp_path / "leader.png").unlink()
    result = run("build", str(path), "--out", str(out))
    assert result.exit_code != 0
    img = _line_of('<p align="center">')  # the figure's paragraph
    assert f"{path}:{img}: error: image “leader.png” not found" in errors(result)


def test_a_figure_after_code_illustrates_the_prose_not_the_code(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        # Rust

        ## Assignment

        A **move** transfers ownership to the new variable. Moving a string:

        ```rust
        let s2 = s1;
        ```

        ![s1 and s2 pointing to one heap buffer](shards.png)
        """,
    )
    cards = {card["kind"]: card for card in cards_json(str(path))}
    assert "<img" in cards["cloze"]["fields"]["Extra"]
    assert "<img" not in cards["code"]["fields"]["Answer"]
