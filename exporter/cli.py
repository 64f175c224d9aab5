"""The ``exporter`` command line.

Commands are thin: each parses its options, calls one library function and prints
the result. Library errors (:class:`~exporter.errors.ExporterError`) become a
one-line ``Error:`` in :meth:`ExporterGroup.invoke`, the only place that does so.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

import click

from exporter import __version__, timecode
from exporter.audio import audio_duration
from exporter.batch import Outcome, read_manifest, run_batch
from exporter.chapterfiles import EXPORT_FORMATS
from exporter.errors import ExporterError, UsageError, line_list
from exporter.inspect import speaker_times, to_json, turn_durations
from exporter.model import AlignOptions, Chapter
from exporter.pipeline import (
    ChapterPlan,
    align_episode,
    bundled_sample,
    chapters_for_episode,
    export_chapters,
    make_subtitles,
    run_episode,
    write_episode_chapters,
)
from exporter.readers import FORMAT_NAMES, read_transcript
from exporter.segment import LABEL_MODES, PRESETS
from exporter.writers import SUBTITLE_FORMATS
from exporter.writers.id3 import TaggedChapter, WriteReport, read_chapters, remove_chapters
from exporter.writers.words import render_words

F = TypeVar("F", bound=Callable[..., Any])


class _Warns(Protocol):
    @property
    def warnings(self) -> list[str]: ...


R = TypeVar("R", bound=_Warns)
#: Turns listed one by one in a summary; --json has them all.
LISTED = 20
#: Exit status of a command that finished but whose results a person should check.
REVIEW_STATUS = 3


@dataclass
class App:
    """Settings shared by every command, from the group's options."""

    quiet: bool = False
    verbose: int = 0
    debug: bool = False
    #: Why the results need a person's review: printed last, even with -q, and the
    #: command exits with status 3.
    review: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"Warning: {message}", err=True)

    def info(self, message: str) -> None:
        """A detail shown with ``-v``."""
        if self.verbose and not self.quiet:
            click.echo(message, err=True)


    def progress(self, audio: str | None = None) -> Progress | None:
        """A progress reporter for long work, shown on a terminal unless quiet."""
        if self.quiet or not sys.stderr.isatty():
            return None
        total = None
        if audio is not None:
            try:
                total = audio_duration(audio)
            except ExporterError:
                total = None
        return Progress(total)

    def with_progress(self, audio: str | None, call: Callable[[Progress | None], R]) -> R:
        """``call(progress)``, with a progress bar when there is ``audio`` to work
        on; then its result's warnings."""
        progress = self.progress(audio) if audio else None
        try:
            result = call(progress)
        finally:
            if progress:
                progress.close()
        for warning in result.warnings:
            self.warn(warning)
        self.review.extend(getattr(result, "review", []))
        return result


class Progress:
    """click progress bars on stderr for the stages of alignment."""

    def __init__(self, audio_seconds: float | None) -> None:
        self.audio_seconds = audio_seconds
        self.stage: str | None = None
        self.bar: Any = None
        self.shown = 0

    def __call__(self, stage: str, value: float) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
            label = {"decode": "Decoding audio", "align": "Aligning words"}.get(stage, stage)
            self.bar = click.progressbar(length=1000, label=label, file=sys.stderr)
            self.bar.__enter__()
        fraction = value / self.audio_seconds if stage == "decode" and self.audio_seconds \
            else (value if stage != "decode" else 0.0)
        step = int(min(1.0, fraction) * 1000) - self.shown
        if step > 0:
            self.bar.update(step)
            self.shown += step

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


pass_app = click.make_pass_decorator(App, ensure=True)


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            app = ctx.ensure_object(App)
            setattr(app, name, getattr(app, name) + value if name == "verbose" else True)
    return callback


def _app_options(func: F) -> F:
    """-q, -v and --debug, accepted before the command name and after it alike."""
    func = click.option("--debug", is_flag=True, expose_value=False, is_eager=True,
                        callback=_set_flag("debug"),
                        help="Show a traceback when a command fails.")(func)
    func = click.option("-v", "--verbose", count=True, expose_value=False, is_eager=True,
                        callback=_set_flag("verbose"),
                        help="Print more detail (repeat for more).")(func)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
                        callback=_set_flag("quiet"),
                        help="Print no warnings or progress.")(func)


class ExporterCommand(click.Command):
    """A command whose option-combination errors are usage errors (exit 2), as
    click's own are, with the command's own usage line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _app_options(self)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(exc.message, ctx) from None


class ExporterGroup(click.Group):
    """A group that reports library errors as ``Error: ...`` with exit status 1."""

    command_class = ExporterCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            value = super().invoke(ctx)
        except ExporterError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        app = ctx.find_object(App)
        if app is not None and app.review:
            click.echo(f"Review needed: {'; '.join(app.review)}", err=True)
            ctx.exit(REVIEW_STATUS)
        return value


ExporterGroup.group_class = ExporterGroup


def input_format_option(func: F) -> F:
    return click.option(
        "--input-format", type=click.Choice(FORMAT_NAMES), default=None,
        help="Transcript format; detected from the content when omitted.")(func)


def replace_option(func: F) -> F:
    return click.option("--force", is_flag=True,
                        help="Replace output files that exporter did not write, or that "
                             "were edited since it did (kept otherwise).")(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print machine-readable JSON instead of a table.")(func)


def alignment_options(func: F) -> F:
    """--jobs, --offset and --trust-timestamps, for every command that aligns: the
    command receives them as one :class:`AlignOptions`, ``options``."""

    @functools.wraps(func)
    def command(*args: Any, jobs: int | None, offset: float | None, trust_timestamps: bool,
                **kwargs: Any) -> Any:
        try:
            options = AlignOptions(jobs, offset, trust_timestamps)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return func(*args, options=options, **kwargs)

    wrapped: Any = command
    wrapped = click.option("--trust-timestamps", is_flag=True,
                           help="Use the transcript's times as they are: look for no "
                                "offset, inserted break or cut.")(wrapped)
    wrapped = click.option("--offset", type=float, default=None,
                           help="Seconds of audio before the transcript's zero (an intro "
                                "added later); found from the audio when not given, so "
                                "--offset 0 says there is none.")(wrapped)
    wrapped = click.option("--jobs", type=click.IntRange(1, 64), default=None,
                           help="Worker processes for alignment (default: one per core); "
                                "the result is the same for any number.")(wrapped)
    return cast(F, wrapped)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=ExporterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
@_app_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Audio-aligned subtitles and ID3 chapter markers for podcast episodes."""
    # Made here, so that the commands' -q/-v/--debug set the same object the
    # group's error handler reads.
    ctx.ensure_object(App)


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@input_format_option
@json_option
@pass_app
def inspect(app: App, transcript: str, input_format: str | None, as_json: bool) -> None:
    """Show what exporter reads from TRANSCRIPT: turns, speakers, chapters, warnings."""
    data = read_transcript(transcript, input_format)
    for warning in data.warnings:
        app.warn(warning)
    if as_json:
        echo_json(to_json(data))
        return
    durations = turn_durations(data)
    click.echo(f"{data.source}: {data.format}, {len(data.turns)} turns, "
               f"{len(data.speakers)} speakers")
    click.echo()
    click.echo(f"{'#':>4}  {'start':8}  {'speaker':<20} {'words':>5}  text")
    for number, turn in enumerate(data.turns, 1):
        first = " ".join(turn.words[:8])
        click.echo(f"{number:>4}  {timecode.format_time(turn.start, fraction=False)}  "
                   f"{turn.speaker[:20]:<20} {len(turn.words):>5}  {first}...")
    click.echo()
    click.echo("Speakers")
    total = sum(durations) or 1.0
    for row in speaker_times(data):
        click.echo(f"  {row.speaker[:30]:<30} {timecode.format_time(row.seconds, fraction=False)}"
                   f"  {100 * row.seconds / total:3.0f}%  {row.turns:>4} turns")
    click.echo()
    if data.chapters:
        click.echo(f"Chapters ({len(data.chapters)})")
        for number, chapter in enumerate(data.chapters, 1):
            start = ("untimed" if chapter.start is None
                     else timecode.format_time(chapter.start, fraction=False))
            click.echo(f"  {number:>3}. {start:<8}  {chapter.title}")
    else:
        click.echo("Chapters: none found")
    if data.unread:
        click.echo(f"Not read as speech: {line_list(data.unread)} (text before the first "
                   "turn, footers)")


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="File to write; the format follows its extension. Repeat for several. "
                   "'-' prints to stdout. Default: TRANSCRIPT's name with .vtt.")
@click.option("--format", "fmt", type=click.Choice(SUBTITLE_FORMATS), default=None,
              help="Subtitle format for every output, whatever its extension.")
@click.option("--audio", type=click.Path(dir_okay=False),
              help="The episode audio: every word is aligned to it.")
@alignment_options
@click.option("--style", "preset", type=click.Choice(sorted(PRESETS)), default="captions",
              show_default=True,
              help="captions: Netflix English rules; transcript: fewer, longer cues.")
@click.option("--max-line-chars", type=int, help="Characters per line (captions: 42).")
@click.option("--max-lines", type=int, help="Lines per cue (captions: 2).")
@click.option("--min-duration", type=float, help="Shortest cue in seconds (captions: 0.833).")
@click.option("--max-duration", type=float, help="Longest cue in seconds (captions: 7).")
@click.option("--max-cps", type=float, help="Fastest reading speed, characters a second "
                                            "(captions: 20).")
@click.option("--speaker-labels", type=click.Choice(LABEL_MODES), default=None,
              help="auto: name the speaker at each change when there are several; "
                   "always: on every cue; never.")
@replace_option
@input_format_option
@json_option
@pass_app
def subtitles(app: App, transcript: str, outputs: tuple[str, ...], fmt: str | None,
              audio: str | None, options: AlignOptions, preset: str,
              max_line_chars: int | None,
              max_lines: int | None, min_duration: float | None, max_duration: float | None,
              max_cps: float | None, speaker_labels: str | None, force: bool,
              input_format: str | None, as_json: bool) -> None:
    """Write WebVTT and SRT subtitles for TRANSCRIPT that follow a subtitling style guide."""
    style = PRESETS[preset].with_options(
        max_line_chars=max_line_chars, max_lines=max_lines, min_duration=min_duration,
        max_duration=max_duration, max_cps=max_cps, speaker_labels=speaker_labels)
    if not outputs:
        stem = transcript.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        outputs = (f"{stem}.{fmt or 'vtt'}",)
    result = app.with_progress(audio, lambda progress: make_subtitles(
        transcript, outputs, style, fmt=fmt, audio=audio, input_format=input_format,
        options=options, progress=progress, force=force))
    for path, text in result.outputs:
        if path == "-":
            click.echo(text, nl=False)
    written = [path for path, _ in result.outputs if path != "-"]
    if as_json:
        echo_json({"outputs": written, "cues": len(result.cues), "words": len(result.words),
                   "turns": len(result.transcript.turns), "review": result.review})
    elif written and not app.quiet:
        click.echo(f"Wrote {', '.join(written)}: {len(result.cues)} cues from "
                   f"{len(result.words)} words in {len(result.transcript.turns)} turns", err=True)


@cli.command("align")
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.argument("episode", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the word timings here as JSON (default: stdout).")
@alignment_options
@replace_option
@input_format_option
@pass_app
def align_command(app: App, transcript: str, episode: str, output: str | None,
                  options: AlignOptions, force: bool, input_format: str | None) -> None:
    """Align every word of TRANSCRIPT to EPISODE and write the word timings."""
    to_file = output if output and output != "-" else None
    result = app.with_progress(episode, lambda progress: align_episode(
        transcript, episode, options=options, input_format=input_format, progress=progress,
        output=to_file, force=force))
    alignment = result.alignment
    for turn in alignment.turns:
        app.info(f"turn {turn.index + 1:>3} at {_clock(turn.start)}: {turn.method}, "
                 f"confidence {turn.confidence:.0%}")
    if to_file:
        if not app.quiet:
            methods = Counter(w.method for w in alignment.words)
            click.echo(f"Wrote {output}: {len(alignment.words)} words "
                       f"({', '.join(f'{n} {m}' for m, n in sorted(methods.items()))}), "
                       f"{len(alignment.turns)} turns", err=True)
    else:
        click.echo(render_words(alignment), nl=False)


def chapters_json(chapters: list[Chapter]) -> dict[str, Any]:
    """The JSON shape shared by ``chapters preview`` and ``chapters show``."""
    return {"chapters": [{"start": c.start, "end": c.end, "title": c.title, "url": c.url}
                         for c in chapters]}


def _clock(seconds: float | None) -> str:
    return timecode.format_time(seconds or 0.0, fraction=False)


def echo_chapter_table(chapters: list[Chapter], notes: list[str] | None = None,
                       note_heading: str = "") -> None:
    width = max([len(c.title) for c in chapters] + [5])
    head = f"{'#':>3}  {'start':8}  {'end':8}  {'length':8}  {'title':<{width}}"
    click.echo((head + (f"  {note_heading}" if note_heading else "")).rstrip())
    for number, chapter in enumerate(chapters, 1):
        # An open last chapter (no audio to end it) shows no end and no length.
        end, length = ((_clock(chapter.end), _clock(chapter.end - (chapter.start or 0.0)))
                       if chapter.end is not None else ("", ""))
        line = (f"{number:>3}  {_clock(chapter.start)}  {end:8}  {length:8}  "
                f"{chapter.title:<{width}}")
        if notes:
            line += f"  {notes[number - 1]}"
        click.echo(line.rstrip())


def transcript_option(func: F) -> F:
    return click.option("--transcript", type=click.Path(dir_okay=False),
                        help="Transcript whose chapter titles are placed (or that places "
                             "the titles of --chapters).")(func)


def chapters_file_option(func: F) -> F:
    return click.option("--chapters", "chapters_file", type=click.Path(dir_okay=False),
                        help="Chapter list: timed in any common format, or one title per "
                             "line to be placed from the transcript.")(func)


def questions_option(func: F) -> F:
    return click.option("--from-questions", is_flag=True,
                        help="Make chapters at the host's questions, titled from the show "
                             "notes' question list when there is one.")(func)


def safety_options(func: F) -> F:
    func = click.option("--dry-run", is_flag=True,
                        help="Show what would change; write nothing.")(func)
    func = click.option("--output", type=click.Path(dir_okay=False),
                        help="Write a tagged copy here; EPISODE stays as it is.")(func)
    func = click.option("--force", is_flag=True,
                        help="Rewrite EPISODE even when it is read-only, and replace an "
                             "--output file that exporter did not write.")(func)
    return click.option("--backup", is_flag=True,
                        help="Keep the original as EPISODE.bak.")(func)


@cli.group()
def chapters() -> None:
    """Preview, write, show, remove and export chapters."""


@chapters.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option("--audio", type=click.Path(dir_okay=False),
              help="The episode: the transcript is aligned to it, so the chapters are "
                   "where 'run' puts them, and its length ends the last one.")
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
    plan = app.with_progress(audio, lambda progress: chapters_for_episode(
        transcript, audio, chapters_file=chapters_file, from_questions=from_questions,
        options=options, input_format=input_format, progress=progress))
    if as_json:
        echo_json(chapters_json(plan.chapters))
        return
    notes = [f"\"{p.anchor}\" (turn {p.turn + 1})" if p and p.turn is not None else ""
             for p in plan.placements]
    if any(notes):
        echo_chapter_table(plan.chapters, notes, "opens with")
    else:
        echo_chapter_table(plan.chapters)


def _warn_all(app: App, plan: ChapterPlan) -> None:
    for warning in plan.warnings:
        app.warn(warning)


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
        echo_chapter_table([t.chapter for t in report.after])
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
@click.option("--id3v2-version", "version", type=click.Choice(["3", "4"]), default=None,
              help="Write ID3v2.3 or 2.4 (default: the version EPISODE's tag has, 2.3 for "
                   "an untagged file, or 2.3 when chapters would not fit 2.4 safely).")
@click.option("--chapter-image", type=click.Path(dir_okay=False),
              help="A PNG or JPEG shown with every chapter.")
@alignment_options
@input_format_option
@json_option
@pass_app
def write(app: App, episode: str, transcript: str | None, chapters_file: str | None,
          from_questions: bool, backup: bool, force: bool, output: str | None,
          dry_run: bool, replace: bool, version: str | None, chapter_image: str | None,
          options: AlignOptions, input_format: str | None, as_json: bool) -> None:
    """Write chapters into EPISODE's ID3 tag (CHAP and CTOC frames), safely.

    With --transcript, the transcript is aligned to EPISODE first, so the chapters
    are where 'run' puts them (unless --trust-timestamps)."""
    if transcript is None and chapters_file is None:
        raise UsageError("give --transcript or --chapters")
    done = app.with_progress(episode if transcript else None,
                             lambda progress: write_episode_chapters(
        episode, transcript=transcript, chapters_file=chapters_file,
        from_questions=from_questions, version=int(version) if version else None,
        image=chapter_image,
        output=output, backup=backup, dry_run=dry_run, input_format=input_format,
        force=force, replace=replace, options=options, progress=progress))
    _report_write(app, done.report, as_json, dry_run)


@chapters.command()
@click.argument("episode", type=click.Path(dir_okay=False))
@json_option
def show(episode: str, as_json: bool) -> None:
    """Show the chapters in EPISODE as a player sees them (table-of-contents order)."""
    tagged: list[TaggedChapter] = read_chapters(episode)
    if as_json:
        echo_json(chapters_json([t.chapter for t in tagged]))
        return
    if not tagged:
        click.echo(f"{episode}: no chapters")
        return
    notes = [" ".join(filter(None, [t.element_id, t.chapter.url or "",
                                    "image" if t.has_image else ""])) for t in tagged]
    echo_chapter_table([t.chapter for t in tagged], notes, "id, url, image")


@chapters.command()
@click.argument("episode", type=click.Path(dir_okay=False))
@safety_options
@json_option
@pass_app
def remove(app: App, episode: str, backup: bool, force: bool, output: str | None,
           dry_run: bool, as_json: bool) -> None:
    """Take all chapters out of EPISODE; every other tag stays."""
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
@click.option("--audio", type=click.Path(dir_okay=False),
              help="The episode; its length ends the last chapter.")
@replace_option
@input_format_option
@pass_app
def export(app: App, source: str, fmt: str, output: str | None, transcript: str | None,
           audio: str | None, force: bool, input_format: str | None) -> None:
    """Export chapters from SOURCE (a tagged MP3, a chapter file or a transcript)."""
    to_file = output if output and output != "-" else None
    text, plan = export_chapters(source, fmt, transcript=transcript, audio=audio,
                                 input_format=input_format, output=to_file, force=force)
    _warn_all(app, plan)
    if to_file:
        if not app.quiet:
            click.echo(f"Wrote {len(plan.chapters)} chapters to {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command("run")
@click.argument("transcript", required=False, type=click.Path(dir_okay=False))
@click.argument("episode", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--outdir", type=click.Path(file_okay=False),
              help="Folder for the outputs (default: ./<episode stem>-export; with "
                   "--batch, the folder the episodes' folders go in).")
@chapters_file_option
@click.option("--in-place", is_flag=True,
              help="Tag EPISODE itself (atomically, other tags kept) instead of writing a "
                   "tagged copy into the output folder.")
@click.option("--backup", is_flag=True,
              help="With --in-place: keep the original as EPISODE.bak.")
@click.option("--replace", is_flag=True,
              help="With --in-place: replace chapters EPISODE already has that differ "
                   "from the new ones (kept otherwise).")
@click.option("--sample", is_flag=True, help="Run on the bundled sample episode.")
@click.option("--batch", "manifest", type=click.Path(),
              help="Run every episode of a CSV manifest (transcript,audio[,chapters]"
                   "[,outdir]) or of a folder of X.txt/X.mp3 pairs.")
@click.option("--force", is_flag=True,
              help="Replace outputs that exporter did not write, or that were edited since "
                   "it did; with --batch, also redo episodes that are up to date; with "
                   "--in-place, tag EPISODE even when it is read-only.")
@alignment_options
@input_format_option
@json_option
@pass_app
def run(app: App, transcript: str | None, episode: str | None, outdir: str | None,
        chapters_file: str | None, in_place: bool, backup: bool, replace: bool, sample: bool,
        manifest: str | None,
        force: bool, options: AlignOptions, input_format: str | None, as_json: bool) -> None:
    """Make everything to publish for an episode: subtitles, a chapter-tagged MP3,
    Podcasting 2.0 chapters and transcript, word timings and a review page.

    Writes <stem>.vtt, .srt, .mp3, .chapters.json, .transcript.json, .words.json and
    .html into the output folder. The chapters are the transcript's own titles
    (placed where their topics begin), or --chapters FILE, or else the host's
    questions; they move with any offset or break found in the audio.
    """
    given = sum([transcript is not None, sample, manifest is not None])
    if given != 1 or (transcript is not None) != (episode is not None):
        raise UsageError("give TRANSCRIPT and EPISODE, or --sample, or --batch MANIFEST")
    if manifest is not None:
        if chapters_file or in_place or backup or replace or input_format:
            raise UsageError("--chapters, --in-place, --backup, --replace and --input-format "
                             "are per "
                             "episode: give chapters in the manifest; batch runs write "
                             "tagged copies")
        _run_batch(app, manifest, outdir, force, options, as_json)
        return
    if (backup or replace) and not in_place:
        raise UsageError("--backup and --replace go with --in-place (without it, EPISODE is "
                         "not changed)")
    if sample:
        transcript_path, episode_path = bundled_sample()
        transcript, episode = str(transcript_path), str(episode_path)
    assert transcript is not None and episode is not None
    result = app.with_progress(episode, lambda progress: run_episode(
        transcript, episode, outdir, chapters_file=chapters_file, in_place=in_place,
        options=options, input_format=input_format, progress=progress, force=force,
        backup=backup, replace=replace))
    alignment = result.aligned.alignment
    low = result.aligned.low_confidence()
    if as_json:
        echo_json({
            "outdir": str(result.outdir), "outputs": [str(p) for p in result.outputs],
            "episode": str(result.episode), **chapters_json(result.chapters),
            "offset": alignment.offset,
            "insertions": [{"turn": t, "seconds": s} for t, s in alignment.insertions],
            "low_confidence": [{"turn": t.index + 1, "confidence": t.confidence}
                               for t in low],
            "cues": len(result.cues), "words": len(alignment.words),
            "seconds": round(result.seconds, 2), "warnings": result.warnings,
            "review": result.review})
        return
    if app.quiet:
        return
    click.echo(f"Wrote {len(result.outputs)} files to {result.outdir}{os.sep}")
    for path in result.outputs:
        click.echo(f"  {path.name}")
    if result.episode not in result.outputs:
        click.echo(f"Tagged {result.episode} in place")
    click.echo("")
    if result.chapters:
        echo_chapter_table(result.chapters)
    else:
        click.echo("No chapters.")
    click.echo("")
    methods = Counter(w.method for w in alignment.words)
    click.echo(f"Alignment: {len(alignment.words)} words in {len(alignment.turns)} turns ("
               + ", ".join(f"{n} {m}" for m, n in sorted(methods.items())) + ")")
    if alignment.offset:
        click.echo(f"  transcript times moved by {alignment.offset:+.1f} s")
    for turn, seconds in alignment.insertions:
        click.echo(f"  {seconds:.1f} s of audio inserted before turn {turn + 1}")
    for t in low[:LISTED]:
        click.echo(f"  low confidence: turn {t.index + 1} at {_clock(t.start)} "
                   f"({t.confidence:.0%}, {t.method})")
    if len(low) > LISTED:
        click.echo(f"  ... and {len(low) - LISTED} more turns with low confidence "
                   "(--json lists them all)")
    realtime = alignment.duration / result.seconds if result.seconds else 0.0
    click.echo(f"Done in {result.seconds:.1f} s ({_clock(alignment.duration)} of audio, "
               f"{realtime:.0f}x realtime)")


def _run_batch(app: App, manifest: str, base: str | None, force: bool,
               options: AlignOptions, as_json: bool) -> None:
    episodes = read_manifest(manifest, base)
    bar: Any = None
    if not app.quiet and sys.stderr.isatty():
        bar = click.progressbar(length=len(episodes), label="Episodes", file=sys.stderr,
                                show_pos=True)
        bar.__enter__()

    def done(outcome: Outcome) -> None:
        if bar is not None:
            bar.update(1)

    try:
        outcomes = run_batch(episodes, jobs=options.jobs, force=force, options=options,
                             on_done=done)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        echo_json({"episodes": [
            {"transcript": str(o.episode.transcript), "audio": str(o.episode.audio),
             "outdir": str(o.episode.folder), "status": o.status, "message": o.message,
             "seconds": round(o.seconds, 2), "outputs": o.outputs, "warnings": o.warnings}
            for o in outcomes]})
    else:
        for outcome in outcomes:
            for warning in outcome.warnings:
                app.warn(warning)
        width = max(len(o.episode.name) for o in outcomes)
        click.echo(f"{'status':8}  {'time':>7}  {'episode':<{width}}  detail")
        for o in outcomes:
            click.echo(f"{o.status:8}  {o.seconds:6.1f}s  {o.episode.name:<{width}}  {o.message}")
        counts = Counter(o.status for o in outcomes)
        click.echo(", ".join(f"{counts[s]} {s}" for s in ("done", "review", "skipped",
                                                            "failed")))
    to_review = [o.episode.name for o in outcomes if o.status == "review"]
    if failed:
        click.get_current_context().exit(1)
    if to_review:
        app.review.append(f"{len(to_review)} of {len(outcomes)} episodes "
                          f"({', '.join(to_review[:12])}{' ...' if len(to_review) > 12 else ''})")


def main() -> None:
    """Console entry point."""
    cli(prog_name="exporter")


if __name__ == "__main__":  # pragma: no cover
    main()
