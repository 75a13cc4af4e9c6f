"""The command line: a thin layer over :mod:`builder.build`.

The pipeline's modules (parser, highlighter, packager) are imported by the commands that use
them, so that a build with nothing to do starts and ends quickly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, stamp
from .model import Diagnostic
from .sources import find_sources

if TYPE_CHECKING:
    from .build import Planned
    from .version import Release

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCES = ("source",)


def sources_argument(func: F) -> F:
    """PATHS: source files or folders (default ``source/``), each checked to exist before the
    command starts (see :func:`existing_paths`)."""
    # deckbuilder checks the paths itself, so that every problem is one line naming the file.
    return click.argument("paths", nargs=-1, type=click.Path(readable=False), callback=existing_paths)(func)


def existing_paths(ctx: click.Context, _param: click.Parameter, paths: tuple[str, ...]) -> tuple[str, ...]:
    """Stop (exit 2) with one line on standard error when a path, or the default ``source``
    when none is given, does not exist: before the command does any work."""
    for raw in paths or DEFAULT_SOURCES:
        if not Path(raw).exists():
            click.echo(f"deckbuilder: no such file or folder: {raw}", err=True)
            ctx.exit(2)
    return paths


def _folder_option(flag: str, default: str, help: str) -> Callable[[F], F]:
    """An option naming a folder, with its default shown in --help."""
    return click.option(
        flag,
        flag.lstrip("-"),
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


out_option = _folder_option(
    "--out", "decks", "Decks folder: the .apkg files and each deck's manifest and changelog."
)
"""--out: the decks folder, where the .apkg files and each deck's manifest live."""

drafts_option = _folder_option(
    "--drafts", "drafts", "Drafts folder: <deck>-draft.apkg and <deck>.preview.html, never released."
)
"""--drafts: where drafts go (``build --draft``, ``watch``)."""


def report(diagnostics: Iterable[Diagnostic]) -> None:
    """Print diagnostics, one line each, on standard error."""
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def checked(paths: tuple[str, ...], out: Path, show_progress: bool = False) -> Planned:
    """Plan the decks (through the cache); report every problem, and stop (exit 1) if any is
    an error."""
    from .build import plan
    from .cache import Cache
    from .progress import progress_reporter

    with progress_reporter(force=show_progress) as progress:
        planned = plan(paths or DEFAULT_SOURCES, progress, Cache(), out)
    report(planned.diagnostics)
    if planned.errors:
        raise SystemExit(1)
    return planned


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckbuilder")
def main() -> None:
    """Turn structured Markdown study material into Anki decks of atomic cards."""


@main.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a team's deck repository in DIR (default: the current folder).

    Writes an example source into source/, a GitHub Actions workflow that checks every pull
    request and attaches the decks to every tag's release, a .gitignore and a README for the
    team, then builds the first release into decks/. FOLDER is created if missing; it must be
    empty otherwise (a .git folder aside): nothing is ever overwritten.

    Example: deckbuilder init study-decks
    """
    from . import scaffold
    from .build import changelog_path, manifest_path, releases, write

    refusal = "init writes only into an empty folder or a new one"
    if folder.exists() and not folder.is_dir():
        click.echo(f"deckbuilder: {folder} is a file; {refusal}", err=True)
        raise SystemExit(2)
    taken = scaffold.occupant(folder)
    if taken is not None:
        click.echo(f"deckbuilder: {folder} already has {taken}; {refusal}", err=True)
        raise SystemExit(2)
    for path in scaffold.write(folder):
        click.echo(f"wrote {path}")
    out = folder / scaffold.DECKS
    for rel, target, written in write(releases(checked((str(folder / scaffold.SOURCES),), out), out), out):
        click.echo(f"{rel.plan.name}: {_summary(rel)} -> {target} ({_state(rel, written)})")
        click.echo(f"wrote {manifest_path(out, rel.plan)}\nwrote {changelog_path(out, rel.plan)}")
    workflow = folder / scaffold.FILES[1][0]
    click.echo(
        f"next: set DECKBUILDER in {workflow} to where CI installs deckbuilder from, then commit it all"
    )


@main.command()
@sources_argument
@out_option
@click.option(
    "--preview", "with_preview", is_flag=True, help="Also write <deck>.preview.html beside each deck."
)
@click.option(
    "--progress",
    "show_progress",
    is_flag=True,
    help="Off a terminal, print a line per source from the start (by default after 1 s).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Write drafts (.apkg and preview per deck) to the drafts folder instead of releasing:"
    " no version is taken and nothing in the decks folder changes.",
)
@drafts_option
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a release that would replace a note by a new one (losing its review history).",
)
def build(
    paths: tuple[str, ...],
    out: Path,
    with_preview: bool,
    show_progress: bool,
    draft: bool,
    drafts: Path,
    strict: bool,
) -> None:
    """Build one versioned .apkg deck per source document (or decks.yaml deck).

    A deck whose content changed gets a new version (see the README for the rule), its
    manifest and changelog are updated; a deck with no change is left as it is. Problems are
    reported as path:line: error|warning: message; any error stops the build before anything
    is written. With --draft, nothing is released: see what the release would change first.

    Example: deckbuilder build source/ --out decks/
    """
    targets = paths or DEFAULT_SOURCES
    if draft:
        from .build import releases, write_drafts
        from .report import draft as drafted
        from .report import history_lost

        rels = releases(checked(paths, out, show_progress), out)
        report(d for rel in rels for d in history_lost(rel))
        for rel, target in write_drafts(rels, drafts):
            click.echo(drafted(rel, target))
        return
    sources, problems = find_sources(targets, out)
    found = [(s.path, s.context) for s in sources]
    last = None if with_preview or problems or strict else stamp.load(targets, out)
    if last is not None and last.holds(found, out):
        # Nothing changed since the last build: say what it said, do nothing.
        for line in last.errors:
            click.echo(line, err=True)
        for line in last.output:
            click.echo(line)
        return
    before = stamp.inputs(found)
    from .build import releases, write
    from .report import history_lost

    planned = checked(paths, out, show_progress)
    rels = releases(planned, out)
    lost = [d for rel in rels for d in history_lost(rel)]
    report(lost)
    if strict and lost:
        click.echo(
            "build stopped (--strict): a release would lose review history; nothing was written", err=True
        )
        raise SystemExit(1)
    steady = []
    for rel, target, written in write(rels, out):
        click.echo(f"{rel.plan.name}: {_summary(rel)} -> {target} ({_state(rel, written)})")
        steady.append(f"{rel.plan.name}: {_summary(rel)} -> {target} ({rel.version}, unchanged)")
    after = stamp.decks(out)
    if before is not None and after is not None:
        media = tuple((f.path, f.name) for rel in rels for f in rel.plan.media)
        errors = tuple(str(d) for d in planned.diagnostics)
        stamp.save(targets, out, stamp.Stamp(before, media, after, errors, tuple(steady)))
    if with_preview:
        from .atomic import Staging
        from .preview import preview_page

        with Staging() as staging:
            for rel in rels:
                page = out / f"{rel.plan.slug}.preview.html"
                staging.write_text(page, preview_page([rel], f"{rel.plan.name} {rel.version}"))
                click.echo(f"{rel.plan.name}: preview -> {page}")


@main.command()
@sources_argument
@out_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per note, one per line.")
@click.option(
    "--skipped",
    is_flag=True,
    help="List what gave no card instead, as path:line: reason: text (table rows, facts, prose, code …).",
)
@click.option(
    "--removed", is_flag=True, help="Also show the removed notes a release still ships (tagged removed)."
)
def cards(paths: tuple[str, ...], out: Path, as_json: bool, skipped: bool, removed: bool) -> None:
    """Show the notes a build would write, in deck order.

    Example: deckbuilder cards source/rust-web3-interview.md --json
    """
    from .build import releases

    planned = checked(paths, out)
    if skipped:
        for part in planned.skipped:
            click.echo(str(part))
        return
    for rel in releases(planned, out):
        for note in rel.shipped() if removed else rel.notes:
            if as_json:
                click.echo(json.dumps(note.as_json(), ensure_ascii=False))
            else:
                answer = note.answer.replace("\n", "\n    ")
                click.echo(f"[{note.kind}] {note.prompt}\n    {answer}")


@main.command()
@sources_argument
@out_option
@click.option("--check", is_flag=True, help="Exit with status 1 when any deck is out of date.")
def diff(paths: tuple[str, ...], out: Path, check: bool) -> None:
    """Show what the next build would change: notes added, changed and removed.

    Example: deckbuilder diff --check
    """
    from .build import apkg_path, releases
    from .report import changes, history_lost

    stale = False
    rels = releases(checked(paths, out), out)
    report(d for rel in rels for d in history_lost(rel))
    for rel in rels:
        if rel.bump is None:
            target = apkg_path(out, rel.plan, rel.version)
            if rel.rekeyed:
                stale = True
                click.echo(f"{rel.plan.name}: {rel.version}, notes have new keys for the manifest to record")
            elif target.exists():
                click.echo(f"{rel.plan.name}: {rel.version}, up to date")
            else:
                stale = True
                click.echo(f"{rel.plan.name}: {rel.version}, {target} is missing")
            continue
        stale = True
        before = rel.previous.version if rel.previous else "none"
        click.echo(f"{rel.plan.name}: {before} -> {rel.version} ({rel.bump})")
        for line in changes(rel):
            click.echo(line)
        if rel.previous is None:
            click.echo(f"  + {len(rel.plan.notes)} notes (first release)")
    if check and stale:
        raise SystemExit(1)


@main.command()
@sources_argument
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("preview.html"),
    show_default=True,
    help="The HTML page to write.",
)
@click.option(
    "--decks",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Decks folder whose manifests give the notes their versions and GUIDs.",
)
def preview(paths: tuple[str, ...], target: Path, out: Path) -> None:
    """Write one self-contained HTML page showing every card, front and back, as on a phone.

    The page uses the note types' own templates and CSS in 390 px frames, with a night-mode
    switch and filters by text, kind and tag. Open it with #night at the end of its address to
    start in night mode. Each note shows its key and kind, and buttons that copy the curation
    entry that drops it or starts its rewrite, for the source's .curation.yaml file.

    Example: deckbuilder preview source/ --out preview.html
    """
    from .atomic import Staging
    from .build import releases
    from .preview import preview_page

    rels = releases(checked(paths, out), out)
    with Staging() as staging:
        staging.write_text(target, preview_page(rels, _title(rels)))
    click.echo(f"{sum(len(r.plan.notes) for r in rels)} notes -> {target}")


@main.command()
@sources_argument
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too.")
def lint(paths: tuple[str, ...], strict: bool) -> None:
    """Check sources: every problem as path:line: warning|error: message, sorted.

    Errors (exit 1): unreadable or malformed sources, missing or remote images, duplicate ids.
    Warnings: ambiguous prompts, long answers, code too wide for a phone, sections that gave
    no card.

    Example: deckbuilder lint source/ --strict
    """
    from .build import plan
    from .lint import lint as lint_notes
    from .progress import progress_reporter

    with progress_reporter() as progress:
        planned = plan(paths or DEFAULT_SOURCES, progress)
    found = sorted((*planned.diagnostics, *lint_notes(planned)), key=lambda d: (d.origin, d.message))
    report(found)
    if any(d.level == "error" for d in found) or (strict and found):
        raise SystemExit(1)


@main.command(name="watch")
@sources_argument
@out_option
@drafts_option
def watch_command(paths: tuple[str, ...], out: Path, drafts: Path) -> None:
    """Draft the decks on every save of a source and print what a release would change.

    Each save rewrites the drafts (as build --draft does); nothing is released and the decks
    folder is not touched. After a bad edit the problems are printed and the watch goes on.
    Stop it with Ctrl-C, then release once with deckbuilder build.

    Example: deckbuilder watch source/
    """
    from .watch import watch  # watchfiles is only needed here

    try:
        watch(paths or DEFAULT_SOURCES, out, lambda line: click.echo(line), drafts=drafts)
    except KeyboardInterrupt:
        click.echo("stopped; nothing was released: run deckbuilder build to release the drafts' content")


@main.command()
@click.option(
    "--decks",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Decks folder whose current releases are synced.",
)
@click.option(
    "--collection",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A collection file (collection.anki2 in an Anki profile folder), with Anki closed.",
)
@click.option(
    "--anki-connect",
    "anki_connect",
    is_flag=False,
    flag_value="http://127.0.0.1:8765",
    default=None,
    metavar="[URL]",
    help="A running Anki desktop through AnkiConnect (default URL http://127.0.0.1:8765).",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option(
    "--suspend-removed",
    is_flag=True,
    help="Suspend the notes removed from the source instead of deleting them.",
)
@click.option("--no-backup", is_flag=True, help="With --collection: take no backup first.")
@click.option(
    "--backup-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --collection: where the backup goes (default: backups/ beside the collection).",
)
def sync(
    out: Path,
    collection: Path | None,
    anki_connect: str | None,
    dry_run: bool,
    suspend_removed: bool,
    no_backup: bool,
    backup_dir: Path | None,
) -> None:
    r"""Bring a learner's Anki up to date with the current release of each deck.

    New notes are added, changed ones updated in place, cards moved to their deck, note types
    updated; notes removed from the source are deleted (or suspended). Reviews and scheduling
    are untouched, and only deckbuilder's own notes are ever changed. A second sync changes
    nothing.

    Example: deckbuilder sync --collection ~/.local/share/Anki2/User\ 1/collection.anki2
    """
    from .errors import DeckbuilderError, SourceError
    from .progress import progress_reporter

    if (collection is None) == (anki_connect is None):
        click.echo("deckbuilder: sync needs one of --collection PATH or --anki-connect [URL]", err=True)
        raise SystemExit(2)
    echo = click.echo
    try:
        if collection is not None:
            from .sync import sync_collection

            backups = None if no_backup else (backup_dir or collection.parent / "backups")
            with progress_reporter() as progress:
                sync_collection(
                    out,
                    collection,
                    echo,
                    dry_run=dry_run,
                    suspend=suspend_removed,
                    backups=backups,
                    progress=progress,
                )
        else:
            from .sync import sync_anki_connect

            assert anki_connect is not None
            with progress_reporter() as progress:
                sync_anki_connect(
                    out,
                    anki_connect,
                    echo,
                    dry_run=dry_run,
                    suspend=suspend_removed,
                    progress=progress,
                )
    except SourceError as error:
        click.echo(error.format_message(), err=True)
        raise SystemExit(1) from None
    except DeckbuilderError as error:
        click.echo(f"deckbuilder: {error.format_message()}", err=True)
        raise SystemExit(1) from None


def _title(rels: list[Release]) -> str:
    if len(rels) == 1:
        return f"{rels[0].plan.name} {rels[0].version}"
    return f"{len(rels)} decks"


def _summary(rel: Release) -> str:
    counts = ", ".join(f"{kind} {n}" for kind, n in rel.plan.counts().items())
    return f"{len(rel.plan.notes)} notes ({counts})"


def _state(rel: Release, written: bool) -> str:
    if rel.bump is None:
        return f"{rel.version}, unchanged" + (", rewritten" if written else "")
    if rel.previous is None:
        return f"{rel.version}, first release"
    parts = [f"{len(rel.added)} added", f"{len(rel.changed)} changed", f"{len(rel.removed)} removed"]
    return f"{rel.previous.version} -> {rel.version}, {rel.bump}: {', '.join(parts)}"
