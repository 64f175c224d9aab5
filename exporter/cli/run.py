"""``exporter run``: everything to publish for one episode, or for a batch of them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from exporter.cli.app import (
    App,
    alignment_options,
    chapters_file_option,
    command,
    echo_json,
    input_format_option,
    json_option,
    pass_app,
    questions_option,
    style_options,
    tag_options,
)
from exporter.errors import UsageError
from exporter.model import AlignOptions, RunOptions, TagOptions
from exporter.report import batch_json, batch_table, run_json, run_summary
from exporter.style import Style

if TYPE_CHECKING:
    from exporter.batch import Outcome


@command("run")
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
@questions_option
@tag_options
@style_options
@alignment_options
@input_format_option
@json_option
@pass_app
def run(app: App, transcript: str | None, episode: str | None, outdir: str | None,
        chapters_file: str | None, in_place: bool, backup: bool, replace: bool, sample: bool,
        manifest: str | None,
        force: bool, from_questions: bool, tag: TagOptions, style: Style,
        options: AlignOptions, input_format: str | None, as_json: bool) -> None:
    """Make everything to publish for an episode: subtitles, a chapter-tagged MP3,
    Podcasting 2.0 chapters and transcript, word timings and a review page.

    Writes <stem>.vtt, .srt, .mp3, .chapters.json, .transcript.json, .words.json and
    .html into the output folder. The chapters are the transcript's own titles
    (placed where their topics begin), or --chapters FILE, or else the host's
    questions (first, with --from-questions); they move with any offset or break
    found in the audio.
    """
    from exporter.pipeline import bundled_sample, run_episode

    made = RunOptions(style, from_questions, tag)
    given = sum([transcript is not None, sample, manifest is not None])
    if given != 1 or (transcript is not None) != (episode is not None):
        raise UsageError("give TRANSCRIPT and EPISODE, or --sample, or --batch MANIFEST")
    if manifest is not None:
        if chapters_file or in_place or backup or replace or input_format:
            raise UsageError("--chapters, --in-place, --backup, --replace and --input-format "
                             "are per "
                             "episode: give chapters in the manifest; batch runs write "
                             "tagged copies")
        _run_batch(app, manifest, outdir, force, options, made, as_json)
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
        backup=backup, replace=replace, run_options=made))
    app.turn_details(result.aligned.alignment)
    if as_json:
        echo_json(run_json(result))
    elif not app.quiet:
        app.lines(run_summary(result))


def _run_batch(app: App, manifest: str, base: str | None, force: bool,
               options: AlignOptions, made: RunOptions, as_json: bool) -> None:
    from exporter.batch import read_manifest, run_batch

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
                             run_options=made, on_done=done)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        echo_json(batch_json(outcomes))
    else:
        for outcome in outcomes:
            for warning in outcome.warnings:
                app.warn(warning)
        app.lines(batch_table(outcomes))
    if any(o.status == "failed" for o in outcomes):
        click.get_current_context().exit(1)
    to_review = [o.episode.name for o in outcomes if o.status == "review"]
    if to_review:
        app.review.append(f"{len(to_review)} of {len(outcomes)} episodes "
                          f"({', '.join(to_review[:12])}{' ...' if len(to_review) > 12 else ''})")
