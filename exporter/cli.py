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
from exporter.errors import ExporterError
from exporter.inspect import speaker_times, to_json, turn_durations
from exporter.readers import FORMAT_NAMES, read_transcript

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


class ExporterGroup(click.Group):
    """A group that reports library errors as ``Error: ...`` with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExporterError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


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
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings or progress.")
@click.option("-v", "--verbose", count=True, help="Print more detail (repeat for more).")
@click.option("--debug", is_flag=True, help="Show a traceback when a command fails.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int, debug: bool) -> None:
    """Audio-aligned subtitles and ID3 chapter markers for podcast episodes."""
    ctx.obj = App(quiet=quiet, verbose=verbose, debug=debug)


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


def main() -> None:
    """Console entry point."""
    cli(prog_name="exporter")


if __name__ == "__main__":  # pragma: no cover
    main()
