"""The library functions behind ``subtitles`` and ``run``: each joins read -> align
-> cut -> write. Alignment is in :mod:`exporter.alignment`, chapters in
:mod:`exporter.chapterplan`; their functions are imported here too, so that
``exporter.pipeline`` stays the one place a library user looks.
"""

from __future__ import annotations

import os
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from exporter.align import estimate_words
from exporter.alignment import (
    AlignResult,
    align_episode,
    confidence_warning,
    needs_audio,
    review_reasons,
    spoken_words,
    transcript_of,
)
from exporter.chapterfiles.podcast_json import PodcastJsonChapters
from exporter.chapterplan import (
    ChapterPlan,
    ChapterWrite,
    chapters_for_episode,
    export_chapters,
    follow_audio,
    plan_chapters,
    plan_for_run,
    planning_length,
    turn_shift,
    write_episode_chapters,
)
from exporter.chapters import Placement, check_id3_count
from exporter.errors import UsageError
from exporter.fsutil import Staging, atomic_write, refuse_inputs, refuse_read_only
from exporter.model import LOW_CONFIDENCE, AlignOptions, Chapter, Cue, RunOptions, Transcript, Word
from exporter.ownership import note_written, refuse_foreign
from exporter.readers import read_transcript
from exporter.segment import segment
from exporter.sniff import audio_format, describe
from exporter.style import CAPTIONS, Style
from exporter.writers import SubtitleWriter, subtitle_writer
from exporter.writers.id3 import read_image
from exporter.writers.review import page_data, render_review
from exporter.writers.tags import (
    TAGGABLE,
    can_tag,
    check_episode,
    remove_chapters,
    write_chapters,
    writer_for,
)
from exporter.writers.words import render_words

__all__ = [
    "LOW_CONFIDENCE", "RUN_OUTPUTS", "AlignResult", "ChapterPlan", "ChapterWrite",
    "RunResult", "SubtitleResult", "align_episode", "bundled_sample",
    "chapters_for_episode", "confidence_warning", "default_outdir", "export_chapters",
    "follow_audio", "make_subtitles", "plan_chapters", "review_reasons", "run_episode",
    "run_outputs", "turn_shift", "write_episode_chapters",
]


@dataclass
class SubtitleResult:
    """What :func:`make_subtitles` did."""

    transcript: Transcript
    words: list[Word]
    cues: list[Cue]
    outputs: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Why the timing should be checked (see :attr:`AlignResult.review`).
    review: list[str] = field(default_factory=list)


def make_subtitles(transcript: str | os.PathLike[str],
                   outputs: Sequence[str | os.PathLike[str]],
                   style: Style = CAPTIONS, *, fmt: str | None = None,
                   audio: str | os.PathLike[str] | None = None,
                   input_format: str | None = None, options: AlignOptions | None = None,
                   progress: Callable[[str, float], None] | None = None,
                   force: bool = False) -> SubtitleResult:
    """Read a transcript, time its words, cut cues and write each output.

    :param outputs: files to write; the format follows each one's extension unless
        ``fmt`` is given. ``"-"`` renders without writing (the caller prints it).
    :param audio: the episode: every word is aligned to it. Without it, words are
        timed from the transcript's timestamps alone.
    :param force: replace an output that exporter did not write, or that was edited
        since it did (otherwise refused before any work, see :mod:`exporter.ownership`).
    :raises UsageError: for an output whose format is unknown, before any work.
    :raises InputError: for an unusable transcript.
    :raises AudioError: for audio that cannot be decoded.
    :raises OutputError: for an output that is one of the inputs (before any work),
        or that cannot be written (nothing partial is left).
    """
    writers: list[tuple[str, SubtitleWriter]] = [
        (os.fspath(out), subtitle_writer(out, fmt)) for out in outputs]
    style.check()
    refuse_inputs(outputs, {"transcript": transcript, "audio": audio})
    refuse_foreign(outputs, force)
    duration: float | None = None
    if audio is not None:
        aligned = align_episode(transcript, audio, options=options,
                                input_format=input_format, progress=progress)
        words = spoken_words(aligned, audio)
        data, warnings = aligned.transcript, aligned.warnings
        duration = aligned.alignment.duration
        review = aligned.review
    else:
        data = read_transcript(transcript, input_format)
        needs_audio(data)
        warnings, review = list(data.warnings), []
        words = estimate_words(data)
    cues = segment(words, style, end_of_audio=duration)
    result = SubtitleResult(data, words, cues, warnings=warnings, review=review)
    labels = style.speaker_labels != "never"
    for path, writer in writers:
        text = writer.render(cues, Path(os.fspath(transcript)).name, labels)
        if path != "-":
            atomic_write(path, text)
        result.outputs.append((path, text))
    note_written(path for path, _ in result.outputs)
    return result


#: What ``run`` writes, by suffix after the episode's stem.
RUN_OUTPUTS = (".vtt", ".srt", ".mp3", ".chapters.json", ".transcript.json", ".words.json",
               ".html")


@dataclass
class RunResult:
    """What :func:`run_episode` wrote and found.

    :param outputs: the files written, in :data:`RUN_OUTPUTS` order.
    :param episode: the MP3 carrying the chapters (the copy, or the original with
        ``in_place``).
    :param chapters: the chapters in the audio's time (moved with any offset or
        insertion the alignment found).
    """

    outdir: Path
    outputs: list[Path]
    episode: Path
    aligned: AlignResult
    cues: list[Cue]
    chapters: list[Chapter]
    placements: list[Placement | None]
    warnings: list[str]
    seconds: float
    #: Why there is no tagged copy (the episode's container cannot carry chapters).
    untagged: str | None = None

    @property
    def review(self) -> list[str]:
        return self.aligned.review


def tagged_suffix(episode: str | os.PathLike[str]) -> str | None:
    """The suffix of ``run``'s tagged copy of ``episode``: its own container's (``.mp3``
    in :data:`RUN_OUTPUTS` stands for it), or None when chapters cannot be written
    into it (a WAV file, say)."""
    fmt = audio_format(episode)
    if fmt in (None, "mp3"):
        return ".mp3"  # what is not audio at all is refused by the MP3 checks
    return (Path(episode).suffix.lower() or f".{fmt}") if can_tag(episode) else None


def run_outputs(episode: str | os.PathLike[str], outdir: str | os.PathLike[str] | None = None,
                in_place: bool = False) -> list[Path]:
    """The files :func:`run_episode` writes for an episode."""
    stem = Path(episode).stem
    folder = Path(outdir) if outdir is not None else default_outdir(episode)
    copy = None if in_place else tagged_suffix(episode)
    return [folder / f"{stem}{copy if suffix == '.mp3' else suffix}" for suffix in RUN_OUTPUTS
            if suffix != ".mp3" or copy is not None]


def default_outdir(episode: str | os.PathLike[str]) -> Path:
    """``./<episode stem>-export``."""
    return Path(f"{Path(episode).stem}-export")


def run_episode(transcript: str | os.PathLike[str], episode: str | os.PathLike[str],
                outdir: str | os.PathLike[str] | None = None, *,
                chapters_file: str | os.PathLike[str] | None = None, in_place: bool = False,
                options: AlignOptions | None = None, input_format: str | None = None,
                progress: Callable[[str, float], None] | None = None,
                force: bool = False, backup: bool = False,
                replace: bool = False, run_options: RunOptions | None = None) -> RunResult:
    """Everything a producer publishes for one episode, written into ``outdir``:
    aligned subtitles (VTT, SRT, Podcasting 2.0 JSON transcript), the episode with
    ID3 chapters, the chapters as Podcasting 2.0 JSON, the word timings and the
    review page (see :data:`RUN_OUTPUTS`).

    Outputs are built in a hidden folder inside ``outdir`` and moved into place
    only when all of them are ready.

    :param outdir: default ``./<episode stem>-export``; made when missing.
    :param chapters_file: chapter titles (timed, or untimed to be placed); by
        default the transcript's own titles, else its questions.
    :param in_place: tag ``episode`` itself (atomically) instead of writing a copy.
    :param force: replace outputs exporter did not write, or that were edited since
        (otherwise refused before any work); with ``in_place``, tag ``episode`` even
        when it is read-only.
    :param backup: with ``in_place``, keep the original as ``NAME.mp3.bak``.
    :param replace: with ``in_place``, replace chapters ``episode`` already has that
        differ from the new ones (refused otherwise, and nothing is written).
    :param run_options: the subtitle style, chapters from questions, the ID3 version
        and chapter image (see :class:`~exporter.model.RunOptions`).
    :raises InputError: for an unusable transcript or chapter list.
    :raises AudioError: when ``episode`` is not a whole MP3.
    :raises OutputError: when an output would be written over an input (before any
        work), or ``outdir`` cannot be written; nothing is left in it.
    """
    began = time.perf_counter()
    made = run_options or RunOptions()
    episode = Path(episode)
    folder = Path(outdir) if outdir is not None else default_outdir(episode)
    refuse_inputs(run_outputs(episode, folder, in_place),
                  {"transcript": transcript, "episode": episode, "chapter list": chapters_file,
                   "chapter image": made.tag.image},
                  "give another folder with -o, or --in-place to tag the episode itself")
    refuse_foreign(run_outputs(episode, folder, in_place), force)
    if made.tag.image is not None:
        read_image(made.tag.image)  # a wrong image fails now, not after the alignment
    data = transcript_of(transcript, input_format)
    copy_suffix = tagged_suffix(episode)
    untagged = None
    if copy_suffix is not None:
        check_episode(episode)  # a damaged file fails here, before the long work
    elif in_place:
        writer_for(episode)  # says why it cannot be tagged, before the long work
    else:
        untagged = (f"{episode} is {describe(audio_format(episode) or '')}, which cannot "
                    "carry chapters that players read; they are in the .chapters.json "
                    f"(convert it to {TAGGABLE} and use 'chapters write' to tag it)")
    if in_place and not force:
        refuse_read_only(episode)  # now, not after the long work
    staging = Staging(folder)
    try:
        aligned = align_episode(data, episode, options=options, progress=progress)
        data, alignment = aligned.transcript, aligned.alignment
        warnings = aligned.warnings
        words = spoken_words(aligned, episode)
        cues = segment(words, made.style, end_of_audio=alignment.duration)
        plan = plan_for_run(data, chapters_file, planning_length(data, alignment), warnings,
                            from_questions=made.from_questions)
        source = os.fspath(chapters_file or data.source)
        if plan:
            plan = follow_audio(plan, turn_shift(data, alignment), alignment.duration, source,
                                warnings)
        chapters = plan.chapters if plan else []
        if in_place and audio_format(episode) == "mp3":
            check_id3_count(chapters, source)
        warnings.extend(w for w in (plan.warnings if plan else []) if w not in warnings)

        stem, name = episode.stem, Path(data.source).name
        vtt = subtitle_writer("x.vtt").render(cues, name)
        staging.write(f"{stem}.vtt", vtt)
        staging.write(f"{stem}.srt", subtitle_writer("x.srt").render(cues, name))
        staging.write(f"{stem}.transcript.json",
                      subtitle_writer("x.json").render(cues, name))
        staging.write(f"{stem}.chapters.json",
                      PodcastJsonChapters().render(chapters, file_name=episode.name))
        staging.write(f"{stem}.words.json", render_words(alignment, aligned.review))
        if in_place or copy_suffix is None:
            tagged = episode
            audio_link = os.path.relpath(episode.resolve(), folder.resolve())
        else:
            tagged = folder / f"{stem}{copy_suffix}"
            audio_link = tagged.name
            staged = staging.file(tagged.name)
            if chapters:
                report = write_chapters(episode, chapters, output=staged, tag=made.tag)
                warnings.extend(f"{tagged}: {note}" for note in report.notes)
            else:
                remove_chapters(episode, output=staged)
        data_for_page = page_data(
            words, cues, chapters, speakers=[t.speaker for t in data.turns],
            starts=[t.start for t in data.turns], duration=alignment.duration,
            audio=urllib.parse.quote(Path(audio_link).as_posix()), alignment=alignment,
            name=stem)
        staging.write(f"{stem}.html", render_review(stem, data_for_page, vtt))
        if in_place and chapters:
            # Last: the master changes only once everything else is ready.
            report = write_chapters(episode, chapters, force=force, backup=backup,
                                    replace=replace, tag=made.tag)
            warnings.extend(f"{episode}: {note}" for note in report.notes)
        written = staging.publish()
        note_written(written)
    except BaseException:
        staging.discard()
        raise
    order = {suffix: i for i, suffix in enumerate(RUN_OUTPUTS)}
    order[copy_suffix or ".mp3"] = order[".mp3"]
    written.sort(key=lambda p: order.get(p.name[len(stem):], len(order)))
    return RunResult(folder, written, tagged, aligned, cues, chapters,
                     plan.placements if plan else [], warnings,
                     time.perf_counter() - began, untagged)


def bundled_sample() -> tuple[Path, Path]:
    """The bundled sample's transcript and MP3, which ship inside the package (so
    ``run --sample`` works from an installed wheel as from a checkout).

    :raises UsageError: when this installation has lost them.
    """
    folder = Path(str(files("exporter") / "samples"))
    transcript, audio = folder / "sample-episode.txt", folder / "sample-episode.mp3"
    if not (transcript.is_file() and audio.is_file()):
        raise UsageError(f"the bundled sample is not here ({folder}); reinstall exporter")
    return transcript, audio
