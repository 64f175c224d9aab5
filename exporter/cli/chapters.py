"""``exporter chapters``: preview, write, show, remove and export chapters."""

from __future__ import annotations

import click

from exporter.chapterfiles import EXPORT_FORMATS
from exporter.cli.app import (
    App,
    ExporterGroup,
    F,
    alignment_options,
    chapters_file_option,
    echo_json,
    force_option,
    input_format_option,
    json_option,
    pass_app,
    questions_option,
    tag_options,
)
from exporter.errors import UsageError
from exporter.model import AlignOptions, TagOptions, WriteReport
from exporter.report import chapter_table, chapters_json


def transcript_option(func: F) -> F:
    return click.option("--transcript", type=click.Path(dir_okay=False),
                        help="Transcript whose chapter titles are placed (or that places "
                             "the titles of --chapters).")(func)


def audio_option(func: F) -> F:
    return click.option("--audio", type=click.Path(dir_okay=False),
                        help="The episode: the transcript is aligned to it, so the chapters "
                             "are where 'run' puts them, and its length ends the last "
                             "one.")(func)


def safety_options(func: F) -> F:
    func = click.option("--dry-run", is_flag=True,
                        help="Show what would change; write nothing.")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False),
                        help="Write a tagged copy here; EPISODE stays as it is.")(func)
    func = click.option("--force", is_flag=True,
                        help="Rewrite EPISODE even when it is read-only, and replace an "
                             "--output file that exporter did not write.")(func)
    return click.option("--backup", is_flag=True,
                        help="Keep the original as EPISODE.bak.")(func)


@click.group(cls=ExporterGroup)
def chapters() -> None:
    """Preview, write, show, remove and export chapters."""


@chapters.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@audio_option
@chapters_file_option
@questions_option
@alignment_options
@input_format_option
@json_option
@pass_app
def preview(app: App, transcript: str, audio: str | None, chapters_file: str | None,
            from_questions: bool, options: AlignOptions, input_format: str | None,
            as_json: bool) -> None:
    """Show the chapters for TRANSCRIPT, with the words each inferred one opens with.

    TRANSCRIPT may also be a timed chapter list, shown as it is (moved by --offset,
    ended by --audio).
    """
    from exporter.chapterplan import chapters_for_episode

    plan = app.with_progress(audio, lambda progress: chapters_for_episode(
        transcript, audio, chapters_file=chapters_file, from_questions=from_questions,
        options=options, input_format=input_format, progress=progress))
    app.turn_details(plan.aligned.alignment if plan.aligned else None)
    if as_json:
        echo_json(chapters_json(plan.chapters))
        return
    notes = [f"\"{p.anchor}\" (turn {p.turn + 1})" if p and p.turn is not None else ""
             for p in plan.placements]
    app.lines(chapter_table(plan.chapters, notes, "opens with") if any(notes)
              else chapter_table(plan.chapters))


def _report_write(app: App, report: WriteReport, as_json: bool, dry_run: bool) -> None:
    for note in report.notes:
        app.warn(note)
    if as_json:
        echo_json({**chapters_json([t.chapter for t in report.after]),
                   "file": report.target, "changed": report.changed,
                   "written": report.written, "backup": report.backup})
        return
    if dry_run:
        click.echo(f"Would write {len(report.after)} chapters to {report.target} "
                   f"(now {len(report.before)}):")
        app.lines(chapter_table([t.chapter for t in report.after]))
        if not report.changed:
            click.echo("No change: the file already has exactly these chapters.")
        return
    if not app.quiet:
        state = "wrote" if report.written else "unchanged, already had"
        click.echo(f"{report.target}: {state} {len(report.after)} chapters"
                   + (f" (backup: {report.backup})" if report.backup else ""), err=True)


@chapters.command()
@click.argument("episode", type=click.Path(dir_okay=False))
@transcript_option
@chapters_file_option
@questions_option
@safety_options
@click.option("--replace", is_flag=True,
              help="Replace chapters EPISODE already has that differ from the new ones "
                   "(kept otherwise: they may be hand-made, with links and images).")
@tag_options
@alignment_options
@input_format_option
@json_option
@pass_app
def write(app: App, episode: str, transcript: str | None, chapters_file: str | None,
          from_questions: bool, backup: bool, force: bool, output: str | None,
          dry_run: bool, replace: bool, tag: TagOptions,
          options: AlignOptions, input_format: str | None, as_json: bool) -> None:
    """Write chapters into EPISODE (MP3, M4A, FLAC, Opus or Ogg Vorbis), safely.

    With --transcript, the transcript is aligned to EPISODE first, so the chapters
    are where 'run' puts them (unless --trust-timestamps)."""
    from exporter.chapterplan import write_episode_chapters

    if transcript is None and chapters_file is None:
        raise UsageError("give --transcript or --chapters")
    done = app.with_progress(episode if transcript else None,
                             lambda progress: write_episode_chapters(
        episode, transcript=transcript, chapters_file=chapters_file,
        from_questions=from_questions, tag=tag, output=output, backup=backup,
        dry_run=dry_run, input_format=input_format, force=force, replace=replace,
        options=options, progress=progress))
    app.turn_details(done.plan.aligned.alignment if done.plan.aligned else None)
    _report_write(app, done.report, as_json, dry_run)


@chapters.command()
@click.argument("episode", type=click.Path(dir_okay=False))
@json_option
def show(episode: str, as_json: bool) -> None:
    """Show the chapters in EPISODE as a player sees them (table-of-contents order)."""
    from exporter.writers.tags import read_chapters

    tagged = read_chapters(episode)
    if as_json:
        echo_json(chapters_json([t.chapter for t in tagged]))
        return
    if not tagged:
        click.echo(f"{episode}: no chapters")
        return
    notes = [" ".join(filter(None, [t.element_id, t.chapter.url or "",
                                    "image" if t.has_image else ""])) for t in tagged]
    for line in chapter_table([t.chapter for t in tagged], notes, "id, url, image"):
        click.echo(line)


@chapters.command()
@click.argument("episode", type=click.Path(dir_okay=False))
@safety_options
@json_option
@pass_app
def remove(app: App, episode: str, backup: bool, force: bool, output: str | None,
           dry_run: bool, as_json: bool) -> None:
    """Take all chapters out of EPISODE; every other tag stays."""
    from exporter.writers.tags import remove_chapters

    report = remove_chapters(episode, output=output, backup=backup, dry_run=dry_run,
                             force=force)
    if as_json:
        echo_json({"file": report.target, "removed": len(report.before),
                   "changed": report.changed, "written": report.written})
    elif dry_run:
        click.echo(f"Would remove {len(report.before)} chapters from {report.target}")
    elif not app.quiet:
        click.echo(f"{report.target}: removed {len(report.before)} chapters", err=True)


@chapters.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="The chapter format to write.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="File to write (default: stdout).")
@transcript_option
@audio_option
@alignment_options
@force_option
@input_format_option
@pass_app
def export(app: App, source: str, fmt: str, output: str | None, transcript: str | None,
           audio: str | None, options: AlignOptions, force: bool,
           input_format: str | None) -> None:
    """Export chapters from SOURCE (a tagged MP3, a chapter file or a transcript)."""
    from exporter.chapterplan import export_chapters

    to_file = output if output and output != "-" else None
    # A bar only when there is alignment to wait for.
    aligning = audio if transcript or not source.lower().endswith(".mp3") else None
    done = app.with_progress(aligning, lambda progress: export_chapters(
        source, fmt, transcript=transcript, audio=audio, input_format=input_format,
        output=to_file, force=force, options=options, progress=progress))
    if to_file:
        if not app.quiet:
            click.echo(f"Wrote {len(done.plan.chapters)} chapters to {output}", err=True)
    else:
        click.echo(done.text, nl=False)
