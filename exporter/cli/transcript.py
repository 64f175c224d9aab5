"""``exporter inspect``, ``subtitles`` and ``align``: the commands about a transcript
and its words."""

from __future__ import annotations

import click

from exporter.cli.app import (
    App,
    alignment_options,
    command,
    echo_json,
    force_option,
    input_format_option,
    json_option,
    pass_app,
    style_options,
)
from exporter.model import AlignOptions
from exporter.report import method_counts
from exporter.style import Style
from exporter.writers import SUBTITLE_FORMATS


@command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@input_format_option
@json_option
@pass_app
def inspect(app: App, transcript: str, input_format: str | None, as_json: bool) -> None:
    """Show what exporter reads from TRANSCRIPT: turns, speakers, chapters, warnings."""
    from exporter.inspect import report, to_json
    from exporter.readers import read_transcript

    data = read_transcript(transcript, input_format)
    for warning in data.warnings:
        app.warn(warning)
    if as_json:
        echo_json(to_json(data))
    else:
        app.lines(report(data))


@command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="File to write; the format follows its extension. Repeat for several. "
                   "'-' prints to stdout. Default: TRANSCRIPT's name with .vtt.")
@click.option("--format", "fmt", type=click.Choice(SUBTITLE_FORMATS), default=None,
              help="Subtitle format for every output, whatever its extension.")
@click.option("--audio", type=click.Path(dir_okay=False),
              help="The episode audio: every word is aligned to it.")
@alignment_options
@style_options
@force_option
@input_format_option
@json_option
@pass_app
def subtitles(app: App, transcript: str, outputs: tuple[str, ...], fmt: str | None,
              audio: str | None, options: AlignOptions, style: Style, force: bool,
              input_format: str | None, as_json: bool) -> None:
    """Write WebVTT and SRT subtitles for TRANSCRIPT that follow a subtitling style guide."""
    from exporter.pipeline import make_subtitles

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


@command("align")
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.argument("episode", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the word timings here as JSON (default: stdout).")
@alignment_options
@force_option
@input_format_option
@pass_app
def align_command(app: App, transcript: str, episode: str, output: str | None,
                  options: AlignOptions, force: bool, input_format: str | None) -> None:
    """Align every word of TRANSCRIPT to EPISODE and write the word timings."""
    from exporter.pipeline import align_episode
    from exporter.writers.words import render_words

    to_file = output if output and output != "-" else None
    result = app.with_progress(episode, lambda progress: align_episode(
        transcript, episode, options=options, input_format=input_format, progress=progress,
        output=to_file, force=force))
    alignment = result.alignment
    app.turn_details(alignment)
    if to_file:
        if not app.quiet:
            click.echo(f"Wrote {output}: {len(alignment.words)} words "
                       f"({method_counts([w.method for w in alignment.words])}), "
                       f"{len(alignment.turns)} turns", err=True)
    else:
        click.echo(render_words(alignment), nl=False)
