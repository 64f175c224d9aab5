"""What every command shares: the settings from -q/-v/--debug, progress bars, error
reporting, and the options that mean the same thing in every command.

This module imports only click and the library's light modules: ``exporter
--version`` and ``--help`` load it and nothing that aligns or tags.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import click

from exporter.errors import ExporterError, UsageError

if TYPE_CHECKING:  # loaded by the commands that use them: --version needs none
    from exporter.model import Alignment

F = TypeVar("F", bound=Callable[..., Any])


class _Warns(Protocol):
    @property
    def warnings(self) -> list[str]: ...


R = TypeVar("R", bound=_Warns)
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

    def turn_details(self, alignment: Alignment | None) -> None:
        """Each turn's start, method and confidence, shown with ``-v``."""
        if not self.verbose or self.quiet:
            return
        from exporter.report import clock

        for turn in alignment.turns if alignment is not None else []:
            self.info(f"turn {turn.index + 1:>3} at {clock(turn.start)}: {turn.method}, "
                      f"confidence {turn.confidence:.0%}")

    def lines(self, lines: list[str], *, err: bool = False) -> None:
        """Print a report's lines (see :mod:`exporter.report`)."""
        for line in lines:
            click.echo(line, err=err)

    def progress(self, audio: str | None = None) -> Progress | None:
        """A progress reporter for long work, shown on a terminal unless quiet."""
        if self.quiet or not sys.stderr.isatty():
            return None
        from exporter.audio import audio_duration  # mutagen: only when there is a bar

        total = None
        if audio is not None:
            try:
                total = audio_duration(audio, exact=False)
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


def app_options(func: F) -> F:
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
        app_options(self)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(exc.message, ctx) from None


class ExporterGroup(click.Group):
    """A group that reports library errors as ``Error: ...`` with exit status 1.

    Its commands may be named as ``"module:attribute"`` in ``lazy``: a command's
    module (and what it imports: the aligner, numpy, mutagen) is loaded only when
    that command runs or help lists it, so ``exporter --version`` starts at once.
    """

    command_class = ExporterCommand

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

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


def command(name: str | None = None) -> Callable[[Callable[..., Any]], click.Command]:
    """``@click.command`` for an exporter command: -q/-v/--debug, usage errors."""
    return click.command(name, cls=ExporterCommand)


def input_format_option(func: F) -> F:
    from exporter.readers import FORMAT_NAMES

    return click.option(
        "--input-format", type=click.Choice(FORMAT_NAMES), default=None,
        help="Transcript format; detected from the content when omitted.")(func)


def force_option(func: F) -> F:
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
            from exporter.model import AlignOptions

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


def style_options(func: F) -> F:
    """--style and the limits it presets, for every command that makes subtitles: the
    command receives them as one checked :class:`~exporter.style.Style`, ``style``."""
    from exporter.style import LABEL_MODES, PRESETS

    @functools.wraps(func)
    def command(*args: Any, preset: str, max_line_chars: int | None, max_lines: int | None,
                min_duration: float | None, max_duration: float | None,
                max_cps: float | None, speaker_labels: str | None, **kwargs: Any) -> Any:
        style = PRESETS[preset].with_options(
            max_line_chars=max_line_chars, max_lines=max_lines, min_duration=min_duration,
            max_duration=max_duration, max_cps=max_cps, speaker_labels=speaker_labels)
        return func(*args, style=style, **kwargs)

    wrapped: Any = command
    for option in reversed([
        click.option("--style", "preset", type=click.Choice(sorted(PRESETS)),
                     default="captions", show_default=True,
                     help="Subtitles: captions: Netflix English rules; transcript: fewer, "
                          "longer cues."),
        click.option("--max-line-chars", type=int,
                     help="Subtitles: characters per line (captions: 42)."),
        click.option("--max-lines", type=int, help="Subtitles: lines per cue (captions: 2)."),
        click.option("--min-duration", type=float,
                     help="Subtitles: shortest cue in seconds (captions: 0.833)."),
        click.option("--max-duration", type=float,
                     help="Subtitles: longest cue in seconds (captions: 7)."),
        click.option("--max-cps", type=float,
                     help="Subtitles: fastest reading speed, characters a second "
                          "(captions: 20)."),
        click.option("--speaker-labels", type=click.Choice(LABEL_MODES), default=None,
                     help="Subtitles: auto: name the speaker at each change when there "
                          "are several; always: on every cue; never."),
    ]):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def tag_options(func: F) -> F:
    """--id3v2-version and --chapter-image, for every command that tags an episode: the
    command receives them as one :class:`~exporter.model.TagOptions`, ``tag``."""

    @functools.wraps(func)
    def command(*args: Any, version: str | None, chapter_image: str | None,
                **kwargs: Any) -> Any:
        from exporter.model import TagOptions

        tag = TagOptions(int(version) if version else None, chapter_image)
        return func(*args, tag=tag, **kwargs)

    wrapped: Any = command
    wrapped = click.option("--chapter-image", type=click.Path(dir_okay=False),
                           help="A PNG or JPEG shown with every chapter (MP3 and "
                                "M4A; Vorbis comments have no place for it).")(wrapped)
    wrapped = click.option("--id3v2-version", "version", type=click.Choice(["3", "4"]),
                           default=None,
                           help="Write ID3v2.3 or 2.4 (default: the version the MP3's tag "
                                "has, 2.3 for an untagged file, or 2.3 when chapters would "
                                "not fit 2.4 safely).")(wrapped)
    return cast(F, wrapped)


def questions_option(func: F) -> F:
    return click.option("--from-questions", is_flag=True,
                        help="Make chapters at the host's questions, titled from the show "
                             "notes' question list when there is one.")(func)


def chapters_file_option(func: F) -> F:
    return click.option("--chapters", "chapters_file", type=click.Path(dir_okay=False),
                        help="Chapter list: timed in any common format, or one title per "
                             "line to be placed from the transcript.")(func)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
