"""The ``exporter`` command line.

Commands are thin: each parses its options, calls one library function and prints
the result. Library errors (:class:`~exporter.errors.ExporterError`) become a
one-line ``Error:`` in :meth:`ExporterGroup.invoke`, the only place that does so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from exporter import __version__, timecode
from exporter.errors import ExporterError, UsageError
from exporter.inspect import speaker_times, to_json, turn_durations
from exporter.pipeline import make_subtitles
from exporter.readers import FORMAT_NAMES, read_transcript
from exporter.segment import LABEL_MODES, PRESETS
from exporter.writers import SUBTITLE_FORMATS

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """Settings shared by every command, from the group's options."""

    quiet: bool = False
    verbose: int = 0
    debug: bool = False

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"Warning: {message}", err=True)

    def info(self, message: str) -> None:
        """A detail shown with ``-v``."""
        if self.verbose and not self.quiet:
            click.echo(message, err=True)


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
            return super().invoke(ctx)
        except ExporterError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


ExporterGroup.group_class = ExporterGroup


def input_format_option(func: F) -> F:
    return click.option(
        "--input-format", type=click.Choice(FORMAT_NAMES), default=None,
        help="Transcript format; detected from the content when omitted.")(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print machine-readable JSON instead of a table.")(func)


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


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="File to write; the format follows its extension. Repeat for several. "
                   "'-' prints to stdout. Default: TRANSCRIPT's name with .vtt.")
@click.option("--format", "fmt", type=click.Choice(SUBTITLE_FORMATS), default=None,
              help="Subtitle format for every output, whatever its extension.")
@click.option("--audio", type=click.Path(dir_okay=False),
              help="The episode audio; its length ends the last turn.")
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
@input_format_option
@json_option
@pass_app
def subtitles(app: App, transcript: str, outputs: tuple[str, ...], fmt: str | None,
              audio: str | None, preset: str, max_line_chars: int | None,
              max_lines: int | None, min_duration: float | None, max_duration: float | None,
              max_cps: float | None, speaker_labels: str | None, input_format: str | None,
              as_json: bool) -> None:
    """Write WebVTT and SRT subtitles for TRANSCRIPT that follow a subtitling style guide."""
    style = PRESETS[preset].with_options(
        max_line_chars=max_line_chars, max_lines=max_lines, min_duration=min_duration,
        max_duration=max_duration, max_cps=max_cps, speaker_labels=speaker_labels)
    if not outputs:
        stem = transcript.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        outputs = (f"{stem}.{fmt or 'vtt'}",)
    result = make_subtitles(transcript, outputs, style, fmt=fmt, audio=audio,
                            input_format=input_format)
    for warning in result.warnings:
        app.warn(warning)
    for path, text in result.outputs:
        if path == "-":
            click.echo(text, nl=False)
    written = [path for path, _ in result.outputs if path != "-"]
    if as_json:
        echo_json({"outputs": written, "cues": len(result.cues), "words": len(result.words),
                   "turns": len(result.transcript.turns)})
    elif written and not app.quiet:
        click.echo(f"Wrote {', '.join(written)}: {len(result.cues)} cues from "
                   f"{len(result.words)} words in {len(result.transcript.turns)} turns", err=True)


def main() -> None:
    """Console entry point."""
    cli(prog_name="exporter")


if __name__ == "__main__":  # pragma: no cover
    main()
