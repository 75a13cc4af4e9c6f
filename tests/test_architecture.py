"""The shape ARCHITECTURE.md describes, held by tests: imports point down the stages, with no
circle; a new kind of answer part, or a new card form, is a type error wherever it is not
handled; an output is one value in a registry."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder import outputs
from builder.commands.output import json_line
from builder.extract import walker
from builder.extract.table import read_table
from builder.extract.walker import Titled
from builder.markdown import plain
from builder.model import Answered, Card, Table, Text
from builder.outputs.base import Output
from builder.release.deck import Release
from tests.support import cards_json, run, write

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"

STAGES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "records and tools",
        frozenset(
            {
                "builder",
                "model",
                "errors",
                "markup",
                "names",
                "keys",
                "deep",
                "svg",
                "cachedir",
                "text",
                "limits",
                "atomic",
                "controls",
                "shapes",
                "depends",
                "yamlerrors",
                "yamlload",
                "locale",
                "callbacks",
                "highlight",
                "preview_assets",
                "scaffold",
                "pool",
                "sourceresults",
            }
        ),
    ),
    ("markdown", frozenset({"markdown"})),
    ("configuration and sources", frozenset({"config", "sources"})),
    ("extract", frozenset({"extract", "plaintext"})),
    ("read", frozenset({"media", "read"})),
    (
        "render and identify",
        frozenset(
            {"cache", "notetypes", "render", "identify", "curation", "yamlcards", "notemaking", "sourcecards"}
        ),
    ),
    ("plan and package", frozenset({"build", "reading", "looks", "stamp", "package"})),
    ("release and outputs", frozenset({"release", "outputs"})),
    ("pages", frozenset({"preview", "drafts", "lint"})),
    ("use cases", frozenset({"usecase", "watch", "progress", "sync"})),
    ("commands", frozenset({"commands", "cli", "__main__"})),
)
"""The stages, bottom up, by the top-level module or package of ``builder`` each holds (the
order ARCHITECTURE.md draws): a module imports from its own stage or one below, never above."""


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> set[tuple[str, str]]:
    """Every import of one builder module by another (at the top or inside a function; those
    only a type checker reads are not imports)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts}
    edges = set()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        typing_only = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for child in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only or not isinstance(node, ast.ImportFrom):
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if not target.startswith("builder"):
                continue
            found = next(
                (f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules), target
            )
            while found not in modules and "." in found:
                found = found.rsplit(".", 1)[0]
            if found != name:
                edges.add((name, found))
    return edges


def _stage(module: str) -> int:
    top = module.split(".")[1] if "." in module else "builder"
    return next(n for n, (_, members) in enumerate(STAGES) if top in members)


def test_every_module_has_a_stage():
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or p.is_dir()}
    tops = {t if t != "__init__" else "builder" for t in tops if t not in ("__pycache__", "vendor")}
    staged = set().union(*(members for _, members in STAGES))
    assert tops <= staged, sorted(tops - staged)


def test_imports_point_down_the_stages():
    upward = sorted(
        f"{a} ({STAGES[_stage(a)][0]}) imports {b} ({STAGES[_stage(b)][0]})"
        for a, b in _imports()
        if _stage(b) > _stage(a)
    )
    assert upward == []


def test_no_module_imports_itself_round_a_circle():
    edges = _imports()
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    seen: dict[str, int] = {}  # 1: on the path being walked, 2: done

    def circle(node: str, path: list[str]) -> list[str] | None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in seen and (found := circle(nxt, [*path, nxt])):
                return found
        seen[node] = 2
        return None

    for start in sorted(graph):
        if start not in seen:
            assert circle(start, [start]) is None


MOST_COMPLEX = 20
"""The highest cyclomatic complexity a function may have, as radon counts it (a boolean
operator counts, as a branch does): above it, a function does several things, each of which
wants a name."""


LONGEST_MODULE = 350
"""The most lines a module of ``builder/`` may have: past it, a module does several jobs, each
of which wants a name (and a module)."""


def test_no_module_is_longer_than_the_limit():
    long = sorted(
        f"{path.relative_to(ROOT)} ({lines})"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "vendor" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    )
    assert long == []


def test_no_function_is_more_complex_than_the_limit():
    from radon.complexity import cc_visit

    over = sorted(
        f"{path.relative_to(ROOT)}:{block.lineno} {block.fullname} ({block.complexity})"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "vendor" not in path.parts
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if block.complexity > MOST_COMPLEX
    )
    assert over == []


UNHANDLED = (
    (
        "Part: TypeAlias = Text | Items | Pairs | Blocks | Snippet",
        '@dataclass(frozen=True)\nclass Audio:\n    """An answer part: a sound."""\n\n    name: str\n\n\n',
        " | Audio",
    ),
    (
        "Form: TypeAlias = Answered | Clozed | Written | OwnFields",
        '@dataclass(frozen=True)\nclass Occluded:\n    """A card\'s form: an image, parts of it hidden."""\n\n'
        "    image: str\n\n\n",
        " | Occluded",
    ),
)
"""ARCHITECTURE.md's worked examples of a type added to a union of ``model/cards.py`` and
handled nowhere: the union as written, the record put before it, and what is added to it."""


@pytest.fixture(scope="module")
def unhandled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What mypy says of a copy of ``builder`` holding both of :data:`UNHANDLED` (one run for
    the two tests that read it)."""
    root = tmp_path_factory.mktemp("unhandled")
    copy = root / "builder"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    cards = copy / "model" / "cards.py"
    text = cards.read_text(encoding="utf-8")
    for union, record, added in UNHANDLED:
        assert union in text
        text = text.replace(union, f"{record}{union}{added}")
    cards.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "builder"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def _flagged(report: str, name: str) -> list[str]:
    """The modules mypy finds a ``name`` unhandled in, once a place."""
    return sorted(
        line.split(":", 1)[0] for line in report.splitlines() if f'has incompatible type "{name}"' in line
    )


MYPY = pytest.mark.skipif(
    shutil.which("mypy") is None and not (ROOT / ".venv" / "bin" / "mypy").exists(), reason="no mypy"
)


@MYPY
def test_a_new_kind_of_answer_part_is_a_type_error_where_it_is_not_handled(unhandled):
    """ARCHITECTURE.md's worked example: a part type added to ``Part`` and handled nowhere is
    named by mypy at each of the five places that read parts."""
    assert _flagged(unhandled, "Audio") == [
        "builder/curation/drafts.py",
        "builder/extract/question.py",
        "builder/media/found.py",
        "builder/plaintext.py",
        "builder/render.py",
    ], unhandled


@MYPY
def test_a_new_card_form_is_a_type_error_where_it_is_not_handled(unhandled):
    """ARCHITECTURE.md's worked example: a card form added to ``Form`` and handled nowhere is
    named by mypy at each place that reads a card's form (plain text twice: its prompt and
    its answer)."""
    assert _flagged(unhandled, "Occluded") == [
        "builder/curation/apply.py",
        "builder/curation/drafts.py",
        "builder/extract/figures.py",
        "builder/extract/settle.py",
        "builder/media/found.py",
        "builder/media/retarget.py",
        "builder/plaintext.py",
        "builder/plaintext.py",
        "builder/render.py",
    ], unhandled


class Jsonl(Output):
    """ARCHITECTURE.md's worked example of an output: each current note as one JSON line."""

    name = "jsonl"
    suffix = ".jsonl"

    def data(self, rel: Release) -> bytes:
        return "".join(json_line(note.as_json()) + "\n" for note in rel.notes).encode()


def test_a_new_output_is_one_value_in_the_registry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(outputs.OUTPUTS, "jsonl", Jsonl())
    write({"source/a.md": "# A\n\n## S\n- **Port:** 53\n- **Transport:** UDP\n"})
    result = run("export", "source", "--format", "jsonl", "--out", "out")
    assert result.exit_code == 0, result.output
    lines = Path("out/a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [line.split('"prompt": ')[1].split('",')[0] for line in lines] == ['"S — Port?', '"S — Transport?']


def glossary(block: Table, where: Titled) -> bool:
    """ARCHITECTURE.md's worked example of a card kind's extractor: a table headed ``Term``
    gives one card a row, asking the term's meaning (its cards of kind ``fact``)."""
    if plain(block.header[0].tokens).strip().lower() != "term":
        return False
    for row, origin in zip(block.rows, block.row_origins, strict=True):
        term = plain(row[0].tokens)
        where.sink.add(
            Card(
                kind="fact",
                key=where.scope.card("fact", term),
                crumbs=where.scope.crumbs,
                ask=f"{term}: meaning?",
                form=Answered((Text(row[1]),)),
                origin=origin,
                top=where.scope.top,
            )
        )
    return True


def test_a_new_kind_of_card_is_one_more_extractor_in_the_chain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def terms_first(block: Table, where: Titled) -> None:
        if not glossary(block, where):
            read_table(block, where.scope, where.sink)

    monkeypatch.setattr(walker, "BLOCK_EXTRACTORS", [(Table, terms_first), *walker.BLOCK_EXTRACTORS])
    write(
        {
            "source/a.md": "# A\n\n## Words\n\n| Term | Definition |\n|---|---|\n| idempotent | same result when repeated |\n"
            "| commutative | order does not matter |\n\n## Ports\n\n| Service | Port |\n|---|---|\n| DNS | 53 |\n"
        }
    )
    notes = {n["prompt"]: n["answer"] for n in cards_json("source")}
    assert notes["Words — idempotent: meaning?"] == "same result when repeated"
    assert notes["Words — commutative: meaning?"] == "order does not matter"
    assert any(
        "DNS" in prompt and answer == "53" for prompt, answer in notes.items()
    )  # other tables as before
