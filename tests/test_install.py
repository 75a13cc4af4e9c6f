"""Installing deckbuilder: building decks needs its runtime dependencies only, on every Python
it claims (the oldest one is installed into and run here), and the shell completion docs/commands.md
shows works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest and mypy bring tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEST_TOOLS = {"pytest", "mypy", "ruff", "hypothesis", "anki"}
"""What building decks must not install."""

SOURCE = "# Networking\n\n## TCP\n\n- **Handshake:** SYN, SYN-ACK, ACK\n- **Port of HTTPS:** 443\n"


def _name(requirement: str) -> str:
    """The distribution a requirement string names, normalized (``Foo_Bar[x]>=1`` -> ``foo-bar``)."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def test_runtime_dependencies_hold_no_test_tool():
    project = PYPROJECT["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    assert runtime and not runtime & TEST_TOOLS
    extras = project["optional-dependencies"]
    assert {_name(r) for r in extras["sync"]} == {"anki"}
    test = extras["test"]
    assert TEST_TOOLS - {"anki"} <= {_name(r) for r in test}
    assert "deckbuilder[sync]" in test  # and so anki, which the import tests use


def _make_dry_run(target: str) -> list[str]:
    """The commands ``make TARGET`` runs from scratch (``-B``: as in a fresh clone), unrun."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # As typed in a shell, not from inside another make (make test) or with the folders overridden.
    outer = {"PYTHON", "VENV", "BUILD_VENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.splitlines()


def test_make_decks_installs_the_runtime_dependencies_only():
    decks = _make_dry_run("decks")
    installs = [line for line in decks if "pip install" in line and "--upgrade pip" not in line]
    assert installs == [".venv-build/bin/python -m pip install --quiet -e ."], decks
    assert not any("[test]" in line or "[sync]" in line for line in decks), decks
    assert decks[-1].startswith(".venv-build/bin/deckbuilder build"), decks
    # The test venv, another folder, gets the test tools.
    test = _make_dry_run("test")
    assert ".venv/bin/python -m pip install --quiet -e '.[test]'" in test, test


def _version_floor() -> tuple[int, int]:
    """The oldest Python pyproject.toml claims (``requires-python = ">=3.10"``)."""
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)", PYPROJECT["project"]["requires-python"].strip())
    assert match, "requires-python is not of the form >=X.Y"
    return int(match.group(1)), int(match.group(2))


def _interpreter(version: tuple[int, int]) -> str | None:
    """A Python of ``version`` on this machine: $DECKBUILDER_OLDEST_PYTHON, pythonX.Y on the
    PATH, or pyenv's; None when there is none."""
    name = "python{}.{}".format(*version)
    candidates = [os.environ.get("DECKBUILDER_OLDEST_PYTHON"), shutil.which(name)]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += [str(p / "bin" / "python") for p in sorted(pyenv.glob("{}.{}.*".format(*version)))]
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        done = subprocess.run(
            [candidate, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0 and tuple(map(int, done.stdout.split())) == version:
            return candidate
    return None


@pytest.fixture(scope="module")
def oldest_python_install(tmp_path_factory) -> Path:
    """A venv of the oldest Python claimed, into which ``pip install .`` put deckbuilder (a
    copy of this checkout, built as a wheel: what a user installs). Its ``bin`` folder."""
    version = _version_floor()
    python = _interpreter(version)
    if python is None:
        pytest.skip("no Python {}.{} on this machine (set DECKBUILDER_OLDEST_PYTHON)".format(*version))
    base = tmp_path_factory.mktemp("oldest-python")
    project = base / "deckbuilder"
    shutil.copytree(ROOT / "builder", project / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    venv = base / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    done = subprocess.run(
        [*pip, "install", "--quiet", str(project)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_oldest_python_claimed_installs_and_builds(oldest_python_install, tmp_path):
    bin_ = oldest_python_install
    listed = subprocess.run(
        [str(bin_ / "python"), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {_name(p["name"]) for p in json.loads(listed.stdout)}
    assert "deckbuilder" in installed and not installed & TEST_TOOLS, installed
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "net.md").write_text(SOURCE, encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(
        [str(bin_ / "deckbuilder"), "build"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Networking: 2 notes" in done.stdout and "(1.0.0, first release)" in done.stdout, done.stdout
    assert (tmp_path / "decks" / "networking-1.0.0.apkg").stat().st_size > 0
    check = subprocess.run(
        [str(bin_ / "deckbuilder"), "diff", "--check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_installed_package_holds_what_init_writes(oldest_python_install, tmp_path):
    """A real install (a wheel, not this checkout) ships the scaffold's files."""
    done = subprocess.run(
        [str(oldest_python_install / "deckbuilder"), "init", "team"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "team" / ".github" / "workflows" / "decks.yml").is_file()
    assert (tmp_path / "team" / "decks" / "http-caching-1.0.0.apkg").is_file()


def _deckbuilder_script() -> Path:
    script = Path(sys.executable).parent / "deckbuilder"
    if not script.exists():
        pytest.skip("deckbuilder is not installed as a command beside this Python")
    return script


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o nosort -F _deckbuilder_completion deckbuilder"),
        ("zsh", "compdef _deckbuilder_completion deckbuilder"),
        ("fish", "complete --no-files --command deckbuilder"),
    ],
)
def test_shell_completion_as_the_docs_turn_it_on(shell, expected):
    env = {**os.environ, "_DECKBUILDER_COMPLETE": f"{shell}_source"}
    done = subprocess.run([str(_deckbuilder_script())], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and expected in done.stdout, done.stdout + done.stderr
    commands = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert f"_DECKBUILDER_COMPLETE={shell}_source deckbuilder" in commands


def test_completion_completes_the_commands():
    env = {
        **os.environ,
        "_DECKBUILDER_COMPLETE": "bash_complete",
        "COMP_WORDS": "deckbuilder bu",
        "COMP_CWORD": "1",
    }
    done = subprocess.run([str(_deckbuilder_script())], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["plain,build"], done.stdout
