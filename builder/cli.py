"""The command line: a thin layer over the build use case, :func:`builder.usecase.run`.

The pipeline's modules (parser, highlighter, packager) are imported by the commands that use
them, so that a build with nothing to do starts and ends quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .model import Diagnostic

if TYPE_CHECKING:
    from .lint import Finding
    from .release.deck import Release

from .commands.building import built, report
from .commands.options import (
    DEFAULT_SOURCES,
    decks_option,
    drafts_option,
    fetch_images_option,
    out_option,
    sources_argument,
)
from .commands.output import Escaping, json_line, say, say_lines


def code_width_option(func: Any) -> Any:
    """--code-width: the widest code line lint accepts (see :data:`builder.lint.CODE_WIDTH`)."""
    from .lint import CODE_WIDTH

    return click.option(
        "--code-width",
        type=click.IntRange(min=1),
        default=CODE_WIDTH,
        show_default=True,
        metavar="COLUMNS",
        help="Warn about code lines wider than this: a phone's code box scrolls sideways, so the"
        " default is the width code is written to; set 40 to keep every line on a phone's screen.",
    )(func)


@click.group(cls=Escaping, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckbuilder")
def main() -> None:
    """Turn structured Markdown study material into Anki decks of atomic cards."""


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
@fetch_images_option
@code_width_option
def build(
    paths: tuple[str, ...],
    out: Path,
    with_preview: bool,
    show_progress: bool,
    draft: bool,
    drafts: Path,
    strict: bool,
    fetch_images: bool,
    code_width: int,
) -> None:
    """Build one versioned .apkg deck per source document (or decks.yaml deck).

    A deck whose content changed gets a new version (see the README for the rule), its
    manifest and changelog are updated; a deck with no change is left as it is. Problems are
    reported as path:line: error|warning: message, lint's warnings included; any error stops
    the build before anything is written. With --draft, nothing is released: see what
    the release would change first.

    Example: deckbuilder build source/ --out decks/
    """
    from .release.report import unchanged_line
    from .usecase import Request

    request = Request(
        goal="drafts" if draft else "release",
        drafts=drafts,
        strict=strict,
        previews=with_preview,
        remember=True,
        fetch_images=fetch_images,
        code_width=code_width,
    )
    result = built(paths, out, request, show_progress)
    if result.repeated is not None:
        # Nothing changed since the last build: say what it said, do nothing.
        report(result.repeated.warnings)
        say_lines(unchanged_line(deck) for deck in result.repeated.unchanged)
        return
    from .release.report import draft as drafted
    from .release.report import dropped, released
    from .release.retire import retired, said
    from .stamp import Unchanged

    if result.refused:
        say("build stopped (--strict): a release would lose review history; nothing was written", err=True)
        raise SystemExit(1)
    for rel, target in result.drafts:
        say_lines(drafted(rel, target))
    for gone in result.dropped:
        say(dropped(gone))
    for deck in result.outcome():
        if isinstance(deck, Unchanged):
            say(unchanged_line(deck))
            continue
        rel, target, written = deck
        say((said if retired(rel) else released)(rel, target, written))
    for rel, page in result.previews:
        say(f"{rel.plan.name}: preview -> {page}")


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
@fetch_images_option
def cards(
    paths: tuple[str, ...], out: Path, as_json: bool, skipped: bool, removed: bool, fetch_images: bool
) -> None:
    """Show the notes a build would write, in deck order.

    Example: deckbuilder cards source/rust-web3-interview.md --json
    """
    from .usecase import Request

    request = Request(goal="plan" if skipped else "compare", warn_lost=False, fetch_images=fetch_images)
    result = built(paths, out, request)
    for part in result.plan.skipped if skipped and result.plan else ():
        say(str(part))
    for rel in result.releases:
        for note in rel.shipped() if removed else rel.notes:
            if as_json:
                click.echo(json_line(note.as_json()))
            else:
                # A prompt of several lines (a list's cloze) is shown as it reads, each line escaped.
                say_lines(
                    [
                        f"[{note.kind}] {line}" if n == 0 else line
                        for n, line in enumerate(note.prompt.split("\n"))
                    ]
                )
                say_lines(f"    {line}" for line in note.answer.split("\n"))


@main.command()
@sources_argument
@out_option
@click.option("--check", is_flag=True, help="Exit with status 1 when any deck is out of date.")
@fetch_images_option
def diff(paths: tuple[str, ...], out: Path, check: bool, fetch_images: bool) -> None:
    """Show what the next build would change: notes added, changed and removed.

    Each deck with no new version is built again and compared with the committed files: a
    package or manifest that is not what its sources build is an error (exit 1), as in build.

    Example: deckbuilder diff --check
    """
    from .release.paths import Listing, apkg_path
    from .release.report import pending
    from .release.retire import pending as pending_retired
    from .release.retire import retired
    from .release.write import leftovers

    stale = False
    from .usecase import Request

    result = built(paths, out, Request(verify=True, fetch_images=fetch_images))
    rewrite = dict(result.stale)
    listed = Listing(out)  # listed once for every deck's leftovers
    for rel in result.releases:
        target = apkg_path(out, rel.plan, rel.version)
        wording = pending_retired if retired(rel) else pending
        lines, out_of_date = wording(rel, target)
        if target in rewrite:
            how = rewrite[target]
            lines = [
                f"{rel.plan.name}: {rel.version}, {target} is not what its sources build ({how}); build rewrites it"
            ]
            out_of_date = True
        older = [
            f"{rel.plan.name}: {old} is not its release {rel.version}; build deletes it"
            for old in leftovers(rel, out, listed)
        ]
        stale = stale or out_of_date or bool(older)
        say_lines((*lines, *older))
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
@decks_option("Decks folder whose manifests give the notes their versions and GUIDs.")
@fetch_images_option
def preview(paths: tuple[str, ...], target: Path, decks: Path, fetch_images: bool) -> None:
    """Write one self-contained HTML page showing every card, front and back, as on a phone.

    The page uses the note types' own templates and CSS in 390 px frames, with a night-mode
    switch and filters by text, kind and tag. Open it with #night at the end of its address to
    start in night mode. Each note shows its key and kind, and buttons that copy the curation
    entry that drops it or starts its rewrite, for the source's .curation.yaml file.

    Example: deckbuilder preview source/ --out preview.html
    """
    from .atomic import Staging
    from .preview import preview_page
    from .release.retire import retired
    from .usecase import Request

    result = built(paths, decks, Request(warn_lost=False, rewrite_drafts=True, fetch_images=fetch_images))
    rels = [rel for rel in result.releases if not retired(rel)]
    with Staging() as staging:
        staging.write_text(target, preview_page(rels, _title(rels)))
    say(f"{sum(len(r.plan.notes) for r in rels)} notes -> {target}")


@main.command()
@sources_argument
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 on warnings too (notes never fail): what a team fails a pull request for.",
)
@code_width_option
def lint(paths: tuple[str, ...], strict: bool, code_width: int) -> None:
    """Check sources: every problem as path:line: error|warning|note: message, sorted.

    Errors (exit 1): unreadable or malformed sources, missing images or ones outside the source
    folder, duplicate ids. Warnings (exit 1 with --strict): remote images, ambiguous prompts,
    sections that gave no card, stale curation entries, duplicated cards, code lines wider than
    --code-width. Notes (advice, never exit 1): answers over the budget. build prints the same
    errors and warnings.

    Example: deckbuilder lint source/ --strict --code-width 60
    """
    from .build import plan_decks
    from .lint import fails
    from .lint import lint as lint_notes
    from .progress import progress_reporter

    with progress_reporter() as progress:
        planned = plan_decks(paths or DEFAULT_SOURCES, progress, rewrite_drafts=False)
    said: list[Diagnostic | Finding] = [*planned.diagnostics, *lint_notes(planned, code_width)]
    found = sorted(said, key=lambda d: (d.origin, d.message))
    report(found)
    if any(fails(d, strict) for d in found):
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
        watch(paths or DEFAULT_SOURCES, out, say, drafts=drafts)
    except KeyboardInterrupt:
        say("stopped; nothing was released: run deckbuilder build to release the drafts' content")


def _title(rels: list[Release]) -> str:
    if len(rels) == 1:
        return f"{rels[0].plan.name} {rels[0].version}"
    return f"{len(rels)} decks"


def _add_commands() -> None:
    from .commands.export import export
    from .commands.init import init
    from .commands.sync import pull, sync

    main.add_command(export)
    main.add_command(init)
    main.add_command(sync)
    main.add_command(pull)


_add_commands()
