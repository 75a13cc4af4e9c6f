"""``deckbuilder init``: a team's deck repository that passes its own checks from the start, and
the GitHub Actions workflow it ships, whose commands are run here as CI would run them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from builder import scaffold

from support import errors, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "github-workflow.yml"
WRITTEN = ("source/http-caching.md", ".github/workflows/decks.yml", ".gitignore", "README.md")
REFUSAL = "init writes only into an empty folder or a new one"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository made by ``deckbuilder init``, the current folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "study-decks"
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(folder)
    return folder


def test_init_writes_the_repository_and_its_first_release(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "new" / "study-decks"  # created, parents too
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [f"wrote {folder / name}" for name in WRITTEN]
    assert re.fullmatch(
        rf"HTTP caching: 19 notes \(.*\) -> {re.escape(str(folder))}/decks/http-caching-1\.0\.0\.apkg \(1\.0\.0, first release\)",
        lines[4],
    ), lines[4]
    assert lines[5:7] == [
        f"wrote {folder}/decks/http-caching.manifest.json",
        f"wrote {folder}/decks/http-caching.changelog.md",
    ]
    assert lines[7].startswith(f"next: set DECKBUILDER in {folder}/.github/workflows/decks.yml")
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert on_disk == sorted(
        [
            *WRITTEN,
            "decks/http-caching-1.0.0.apkg",
            "decks/http-caching.manifest.json",
            "decks/http-caching.changelog.md",
        ]
    )
    gitignore = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"drafts/", ".venv/"} <= set(gitignore)


def test_the_readme_shows_what_init_prints(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n\$ deckbuilder init (\S+)\n(.*?)```", readme, re.S)
    assert shown
    monkeypatch.chdir(tmp_path)
    result = run("init", shown.group(1))
    assert result.exit_code == 0, result.output
    assert result.stdout == shown.group(2)


def test_the_new_repository_passes_its_checks_at_once(repo):
    build = run("build")
    assert build.exit_code == 0, build.output
    assert build.stdout.strip().endswith("-> decks/http-caching-1.0.0.apkg (1.0.0, unchanged)"), build.stdout
    assert sorted(p.name for p in (repo / "decks").iterdir()) == [
        "http-caching-1.0.0.apkg",
        "http-caching.changelog.md",
        "http-caching.manifest.json",
    ]
    check = run("diff", "--check")
    assert check.exit_code == 0 and check.stdout == "HTTP caching: 1.0.0, up to date\n", check.output
    lint = run("lint", "--strict")
    assert lint.exit_code == 0 and lint.output == "", lint.output
    skipped = run("cards", "--skipped")  # only the introduction, which is not worth a card
    assert [line.split(": ")[1] for line in skipped.stdout.splitlines()] == [
        "prose with nothing marked (bold what to remember)"
    ]


def test_the_example_source_makes_one_card_of_each_fact(repo):
    result = run("cards", "--json")
    assert result.exit_code == 0, result.output
    prompts = [yaml.safe_load(line)["prompt"] for line in result.stdout.splitlines()]
    assert "Cache-Control directives — no-store?" in prompts
    assert "Choosing a policy — HTML page: Cache-Control?" in prompts
    assert "Checking from the shell — Revalidate with the ETag you got: command?" in prompts
    assert (
        "Freshness — A [...] response must be revalidated with the origin before a cache reuses it."
        in prompts
    )
    assert len(prompts) == len(set(prompts)) == 19


def test_the_team_readme_curation_example_applies_cleanly(repo):
    """The drop and the rewrite the team's README shows are valid entries of the example's
    curation file, with the right fingerprint."""
    readme = (repo / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert block
    (repo / "source" / "http-caching.curation.yaml").write_text(block.group(1), encoding="utf-8")
    lint = run("lint", "--strict")
    assert lint.exit_code == 0 and lint.output == "", lint.output
    result = run("cards")
    assert "s-maxage" not in result.stdout
    assert "Revalidation — What does the origin answer when a revalidation's validator still matches?" in (
        result.stdout
    )


@pytest.mark.parametrize("existing", ["source/notes.md", "README.md", "notes.txt"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path, existing):
    target = tmp_path / existing
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("mine\n", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    result = run("init", str(tmp_path))
    assert result.exit_code == 2
    shown = existing.split("/")[0] + ("/" if "/" in existing else "")
    assert errors(result) == f"deckbuilder: {tmp_path} already has {shown}; {REFUSAL}\n"
    assert "wrote" not in result.output
    assert sorted(tmp_path.rglob("*")) == before
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_init_refuses_a_file_and_accepts_a_fresh_git_clone(tmp_path, monkeypatch):
    (tmp_path / "notes").write_text("mine\n", encoding="utf-8")
    result = run("init", str(tmp_path / "notes"))
    assert (
        result.exit_code == 2
        and errors(result) == f"deckbuilder: {tmp_path / 'notes'} is a file; {REFUSAL}\n"
    )
    clone = tmp_path / "clone"
    (clone / ".git").mkdir(parents=True)
    monkeypatch.chdir(clone)
    result = run("init")  # the current folder
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "wrote source/http-caching.md"
    assert (clone / "decks" / "http-caching-1.0.0.apkg").exists()


# The workflow.


def test_the_example_workflow_is_the_one_init_writes(repo):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text == scaffold.template("workflow.yml")
    assert text == (repo / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8")


def _workflow() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _jobs() -> tuple[dict, dict, dict]:
    """The pull-request job, the job that releases main and the tag job."""
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"] == {"branches": ["main"], "tags": ["v*"]}
    jobs = workflow["jobs"]
    assert set(jobs) == {"check", "release", "publish"}
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["release"]["if"] == "github.ref == 'refs/heads/main'"
    assert jobs["publish"]["if"] == "startsWith(github.ref, 'refs/tags/v')"
    return jobs["check"], jobs["release"], jobs["publish"]


def _commands(job: dict) -> list[str]:
    """The job's shell commands, but the one that installs deckbuilder (checked here: from
    $DECKBUILDER, no extra)."""
    runs = [step["run"] for step in job["steps"] if "run" in step]
    installs = [command for command in runs if "pip install" in command]
    assert installs == ['python -m pip install "$DECKBUILDER"']
    assert "[" not in _workflow()["env"]["DECKBUILDER"]  # runtime only
    return [command for command in runs if command not in installs]


def _run_job(job: dict, repo: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run the job's commands as CI would, each with ``bash -e``, with this test's deckbuilder
    first on the PATH; stop at the first that fails."""
    here = Path(sys.executable).parent
    if not (here / "deckbuilder").exists():
        pytest.skip("deckbuilder is not installed as a command beside this Python")
    env = {**os.environ, "PATH": f"{here}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert shutil.which("deckbuilder", path=env["PATH"]) == str(here / "deckbuilder")
    done = []
    for command in _commands(job):
        done.append(
            subprocess.run(
                ["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True, check=False
            )
        )
        if done[-1].returncode != 0:
            break
    return done


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def pushed(repo: Path) -> Path:
    """The repository made by ``init``, committed on main and pushed to a bare repository, its
    origin (as GitHub would hold it): the bare repository."""
    origin = repo.parent / "origin.git"
    _git(repo.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Start the decks")
    _git(repo, "remote", "add", "origin", str(origin))
    _git(repo, "push", "-q", "origin", "main")
    return origin


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _passes(job: dict, repo: Path) -> list[subprocess.CompletedProcess[str]]:
    done = _run_job(job, repo)
    for each in done:
        assert each.returncode == 0, each.args[-1] + each.stdout + each.stderr
    return done


def test_the_workflow_passes_on_the_new_repository(repo):
    check, release, publish = _jobs()
    commands = [c.split()[:2] for c in _commands(check)]
    assert commands == [["deckbuilder", "lint"], ["deckbuilder", "diff"], ["deckbuilder", "build"]]
    assert "--check" not in " ".join(_commands(check))  # a pull request needs no release
    decks = _state(repo / "decks")
    lint, diff, _ = _passes(check, repo)
    assert (lint.stdout, lint.stderr) == ("", "")
    assert diff.stdout == "HTTP caching: 1.0.0, up to date\n"
    assert _state(repo / "decks") == decks  # a pull request's check writes nothing there
    assert sorted(p.name for p in (repo / "drafts").iterdir()) == [
        "http-caching-draft.apkg",
        "http-caching.preview.html",
    ]
    upload = check["steps"][-1]
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["with"]["path"] == "drafts/"
    assert check["permissions"] == {"contents": "read"}
    *_, built = _passes(publish, repo)
    assert "(1.0.0, unchanged)" in built.stdout
    attach = publish["steps"][-1]
    assert attach["uses"] == "softprops/action-gh-release@v2"
    assert attach["with"]["files"].split() == ["decks/*.apkg", "decks/*.changelog.md"]
    assert _state(repo / "decks") == decks
    # Every action is pinned by its major version.
    uses = [step["uses"] for job in (check, release, publish) for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", u) for u in uses), uses


def test_a_pull_request_needs_no_release_and_main_makes_it(repo, pushed):
    check, release, publish = _jobs()
    decks = _state(repo / "decks")
    source = repo / "source" / "http-caching.md"
    text = source.read_text(encoding="utf-8")
    edited = text.replace("never a shared cache", "never a CDN or a proxy")
    assert edited != text
    source.write_text(edited, encoding="utf-8")
    # The pull request: its sources only. Its check passes and shows what the release will be.
    _, diff, drafts = _passes(check, repo)
    assert diff.stdout.splitlines()[:2] == [
        "HTTP caching: 1.0.0 -> 1.0.1 (patch)",
        "  ~ Cache-Control directives — private?",
    ]
    assert "1.0.1" in drafts.stdout
    assert _state(repo / "decks") == decks
    # A tag on it stops before building: nothing is published that decks/ did not record.
    (stopped,) = _run_job(publish, repo)
    assert stopped.returncode == 1
    assert _state(repo / "decks") == decks
    # Merged into main: the release job builds it and pushes it, as a commit of decks/ alone.
    _git(repo, "commit", "-q", "-m", "Say who may store it", "--", "source")
    _git(repo, "push", "-q", "origin", "main")
    assert release["permissions"] == {"contents": "write"}
    assert release["concurrency"] == {"group": "decks-release", "cancel-in-progress": False}
    assert release["steps"][0]["with"] == {"ref": "main"}  # after the release commits of earlier runs
    _passes(release, repo)
    log = _git(pushed, "log", "--format=%an <%ae>|%s", "main").splitlines()
    assert log[0] == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|Release the decks"
    )
    assert len(log) == 3
    changed = _git(pushed, "show", "--format=", "--name-status", "main").split("\n")
    assert sorted(line for line in changed if line) == [
        "A\tdecks/http-caching-1.0.1.apkg",
        "D\tdecks/http-caching-1.0.0.apkg",
        "M\tdecks/http-caching.changelog.md",
        "M\tdecks/http-caching.manifest.json",
    ]
    # Run again on the same main, it has nothing to commit; a tag on it publishes 1.0.1.
    *_, again = _passes(release, repo)
    assert again.stdout == "decks/ is up to date\n"
    assert len(_git(pushed, "log", "--format=%s", "main").splitlines()) == 3
    *_, built = _passes(publish, repo)
    assert "(1.0.1, unchanged)" in built.stdout
