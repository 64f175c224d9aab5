"""Chapters for an episode: planned from titles, questions or a chapter list in the
transcript's clock, then moved into the audio's by its alignment.

Every command that makes chapters comes here, so that ``run``, ``chapters write``
and ``chapters preview`` put them in the same places.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from exporter.alignment import (
    AlignResult,
    align_episode,
    needs_audio,
    source_path,
    transcript_of,
)
from exporter.audio import audio_duration
from exporter.chapterfiles import export_format, list_warnings, read_chapter_file
from exporter.chapters import Placement, check_id3_count, episode_end, finish, place_titles
from exporter.chapters import from_questions as from_questions_of
from exporter.errors import InputError, UsageError
from exporter.fsutil import atomic_write, refuse_inputs, refuse_read_only
from exporter.model import (
    Alignment,
    AlignOptions,
    Chapter,
    TagOptions,
    Transcript,
    WriteReport,
)
from exporter.ownership import note_written, refuse_foreign
from exporter.sniff import audio_format, is_chapter_list
from exporter.writers.id3 import read_image
from exporter.writers.tags import check_episode, read_chapters, write_chapters


@dataclass
class ChapterPlan:
    """Finished chapters and how each was found.

    :param placements: for chapters placed from the transcript, why they are where
        they are (anchor text); ``None`` for chapters whose times were given.
    """

    chapters: list[Chapter]
    placements: list[Placement | None]
    warnings: list[str] = field(default_factory=list)
    #: The alignment that moved the chapters into the audio's clock, if one did.
    aligned: AlignResult | None = None
    #: Whether the times were given in the audio's clock (a list naming its audio
    #: file), so that an alignment must not move them.
    audio_clock: bool = False

    @property
    def review(self) -> list[str]:
        return self.aligned.review if self.aligned is not None else []


def chapters_for_episode(transcript: str | os.PathLike[str] | Transcript | None,
                         audio: str | os.PathLike[str] | None, *,
                         chapters_file: str | os.PathLike[str] | None = None,
                         from_questions: bool = False, options: AlignOptions | None = None,
                         input_format: str | None = None,
                         progress: Callable[[str, float], None] | None = None,
                         aligned: AlignResult | None = None) -> ChapterPlan:
    """The chapters a transcript (or chapter list) gives, in the clock of the audio.

    With a transcript and audio, the transcript is aligned to the audio first (as
    :func:`run_episode` does), so that chapters move with an offset, inserted break
    or cut found there, and the audio's decoded length ends the last one. With
    ``options.trust_timestamps``, or without one of the two, the times are taken as
    they are (moved by ``options.offset`` when that is given).

    :param aligned: the transcript's alignment to ``audio``, when it is already made
        (it is not made again, and ``options`` are not used).
    """
    options = options or AlignOptions()
    if aligned is not None:
        transcript = aligned.transcript
    if chapters_file is None and is_chapter_list(transcript):
        assert transcript is not None and not isinstance(transcript, Transcript)
        transcript, chapters_file = None, transcript
    if transcript is not None and audio is not None and options.trust_timestamps:
        # No times to trust: an untimed transcript is placed from the audio anyway.
        transcript = transcript_of(transcript, input_format)
        if transcript.untimed:
            options = replace(options, trust_timestamps=False)
    if aligned is None and (transcript is None or audio is None or options.trust_timestamps):
        duration = audio_duration(audio) if audio is not None else None
        plan = plan_chapters(transcript, chapters_file=chapters_file,
                             from_questions=from_questions, duration=duration,
                             input_format=input_format)
        if options.offset and duration is not None and not plan.audio_clock:
            offset = options.offset
            source = os.fspath(chapters_file or (source_path(transcript) if transcript else "")
                               or "")
            plan = follow_audio(plan, lambda _: offset, duration, source, plan.warnings)
        return plan
    if aligned is None:
        assert transcript is not None and audio is not None
        aligned = align_episode(transcript, audio, options=options,
                                input_format=input_format, progress=progress)
    data, alignment = aligned.transcript, aligned.alignment
    plan = plan_chapters(data, chapters_file=chapters_file, from_questions=from_questions,
                         duration=planning_length(data, alignment))
    if plan.audio_clock:
        # Timed against the audio (the review page's, or run's own): as they are.
        plan = plan_chapters(data, chapters_file=chapters_file, duration=alignment.duration)
        warnings = [*aligned.warnings, *(w for w in plan.warnings if w not in aligned.warnings)]
        return ChapterPlan(plan.chapters, plan.placements, warnings, aligned, audio_clock=True)
    warnings = [*aligned.warnings, *(w for w in plan.warnings if w not in aligned.warnings)]
    source = os.fspath(chapters_file or data.source)
    plan = follow_audio(plan, turn_shift(data, alignment), alignment.duration, source,
                        warnings)
    return ChapterPlan(plan.chapters, plan.placements, warnings, aligned)


def planning_length(data: Transcript, alignment: Alignment) -> float:
    """How long the episode is in the transcript's clock, where chapters are planned
    before :func:`follow_audio` moves them into the audio's (and leaves out, with a
    warning, those past its end: the outro may have been trimmed)."""
    return max(alignment.duration, episode_end(data))


def plan_chapters(transcript: str | os.PathLike[str] | Transcript | None = None, *,
                  chapters_file: str | os.PathLike[str] | None = None,
                  from_questions: bool = False, duration: float | None = None,
                  input_format: str | None = None) -> ChapterPlan:
    """Chapters from a chapter file, the transcript's own titles, or its questions.

    Untimed titles are placed from the transcript; the last chapter ends at
    ``duration`` (the audio's length) or at the transcript's estimated end.

    :raises InputError: when there are no titles, untimed titles but no transcript,
        or chapters that break a rule (see :func:`exporter.chapters.finish`).
    """
    data = transcript_of(transcript, input_format) if transcript is not None else None
    if data is not None:
        needs_audio(data)
    warnings = list(data.warnings) if data else []
    placements: list[Placement | None]
    source = os.fspath(chapters_file or (data.source if data else ""))
    listed_end: float | None = None
    if chapters_file is not None:
        found = read_chapter_file(chapters_file)
        warnings += list_warnings(found, source)
        given = list(found.chapters)
        if given[0].start is not None:
            chapters, placements = given, [None] * len(given)
            last = max(c.start or 0.0 for c in given)
            ends = [e for e in (found.end, *(c.end for c in given)) if e is not None]
            listed_end = max(ends) if ends and max(ends) > last else None
        elif data is None:
            raise InputError("these chapter titles have no times; give the transcript "
                             "(--transcript) to place them", chapters_file)
        else:
            found_places = place_titles(data, [c.title for c in given])
            chapters, placements = [p.chapter for p in found_places], list(found_places)
    elif data is None:
        raise UsageError("give a transcript or a chapter file")
    elif from_questions:
        found_places = from_questions_of(data)
        chapters, placements = [p.chapter for p in found_places], list(found_places)
    elif data.chapters:
        found_places = place_titles(data, [c.title for c in data.chapters])
        chapters, placements = [p.chapter for p in found_places], list(found_places)
    else:
        raise InputError("no chapter titles found after the transcript; give --chapters "
                         "FILE or --from-questions", source)
    if duration is None:
        duration = episode_end(data) if data is not None else listed_end
        if duration is None:
            warnings.append(f"{source}: nothing gives the last chapter's end (give --audio); "
                            "it is left open")
    finished = finish(chapters, duration, source)
    order = sorted(range(len(chapters)), key=lambda i: chapters[i].start or 0.0)
    return ChapterPlan(finished, [placements[i] for i in order], warnings,
                       audio_clock=chapters_file is not None and found.audio is not None)


def write_episode_chapters(episode: str | os.PathLike[str], *,
                           transcript: str | os.PathLike[str] | None = None,
                           chapters_file: str | os.PathLike[str] | None = None,
                           from_questions: bool = False, tag: TagOptions | None = None,
                           output: str | os.PathLike[str] | None = None,
                           backup: bool = False, dry_run: bool = False,
                           input_format: str | None = None,
                           force: bool = False, replace: bool = False,
                           options: AlignOptions | None = None,
                           progress: Callable[[str, float], None] | None = None
                           ) -> ChapterWrite:
    """Plan chapters for an episode and write them into its ID3 tag.

    With a transcript, it is aligned to the episode first, so the chapters are
    where :func:`run_episode` puts them (see :func:`chapters_for_episode`).

    :raises AudioError: when the episode is not a whole MP3 (checked first).
    :raises InputError: as :func:`plan_chapters`.
    :raises OutputError: when the result cannot be written, an output is one of the
        inputs, or the episode is read-only (without ``force``); the episode is
        unchanged.
    """
    tag = tag or TagOptions()
    if output is not None:
        refuse_inputs([output], {"transcript": transcript, "chapter list": chapters_file,
                                 "chapter image": tag.image})
        refuse_foreign([output], force)
    elif not dry_run and not force:
        refuse_read_only(episode)  # now, not after the alignment
    if tag.image is not None:
        read_image(tag.image)  # likewise
    duration = check_episode(episode)
    if transcript is None:
        # Nothing to align: the chapter list's times are the episode's.
        plan = plan_chapters(None, chapters_file=chapters_file, duration=duration)
    else:
        plan = chapters_for_episode(transcript, episode, chapters_file=chapters_file,
                                    from_questions=from_questions, options=options,
                                    input_format=input_format, progress=progress)
    if audio_format(episode) == "mp3":  # Vorbis comments number up to 1000 (their writer)
        check_id3_count(plan.chapters, os.fspath(chapters_file or transcript or episode))
    report = write_chapters(episode, plan.chapters, tag=tag, output=output, backup=backup,
                            dry_run=dry_run, force=force, replace=replace)
    if output is not None and report.written:
        note_written([output])
    return ChapterWrite(plan, report)


@dataclass
class PlannedResult:
    """A result made from a :class:`ChapterPlan`, whose warnings and reasons for
    review are the plan's."""

    plan: ChapterPlan

    @property
    def warnings(self) -> list[str]:
        return self.plan.warnings

    @property
    def review(self) -> list[str]:
        return self.plan.review


@dataclass
class ChapterWrite(PlannedResult):
    """What :func:`write_episode_chapters` planned and wrote."""

    report: WriteReport


def export_chapters(source: str | os.PathLike[str], fmt: str, *,
                    transcript: str | os.PathLike[str] | None = None,
                    audio: str | os.PathLike[str] | None = None,
                    input_format: str | None = None,
                    output: str | os.PathLike[str] | None = None,
                    force: bool = False, options: AlignOptions | None = None,
                    progress: Callable[[str, float], None] | None = None
                    ) -> ChapterExport:
    """Chapters from a tagged MP3, a chapter file or a transcript, in ``fmt``, written
    to ``output`` when one is given (``"-"`` or None: only returned).

    With a transcript and ``audio``, the chapters are where :func:`run_episode`
    puts them (see :func:`chapters_for_episode`).

    :raises UsageError: for an unknown format.
    :raises InputError: when SOURCE holds no usable chapters.
    :raises OutputError: for an output that is one of the inputs (before any work),
        or that cannot be written.
    """
    writer = export_format(fmt)
    if output is not None:
        refuse_inputs([output], {"source": source, "transcript": transcript, "audio": audio})
        refuse_foreign([output], force)
    if audio_format(source) is not None:
        tagged = read_chapters(source)
        if not tagged:
            raise InputError("the file has no chapters", source)
        plan = ChapterPlan([t.chapter for t in tagged], [None] * len(tagged))
    elif is_chapter_list(source):
        plan = chapters_for_episode(transcript, audio, chapters_file=source, options=options,
                                    input_format=input_format, progress=progress)
    else:
        plan = chapters_for_episode(source, audio, options=options,
                                    input_format=input_format, progress=progress)
    if writer.needs_end and plan.chapters and plan.chapters[-1].end is None:
        raise UsageError(f"{writer.description} needs the last chapter's end, and nothing "
                         "gives it; give the episode with --audio")
    text = writer.render(plan.chapters)
    if output is not None and os.fspath(output) != "-":
        atomic_write(output, text)
        note_written([output])
    return ChapterExport(plan, text)


@dataclass
class ChapterExport(PlannedResult):
    """What :func:`export_chapters` rendered, and the chapters it came from."""

    text: str


def follow_audio(plan: ChapterPlan, shift: Callable[[float], float], duration: float,
                 source: str, warnings: list[str]) -> ChapterPlan:
    """The plan's chapters, timed in the transcript's clock, moved into the audio's:
    each later than 0:00 by ``shift(start)`` (see :func:`turn_shift`).

    The first chapter stays at 0:00. A chapter that would start after the audio
    ends is left out, with a warning in ``warnings``, and so is its placement.
    """
    moved: list[Chapter] = []
    placements: list[Placement | None] = []
    for chapter, placement in zip(plan.chapters, plan.placements, strict=True):
        start = chapter.start or 0.0
        if start > 0:
            start = max(0.0, start + shift(start))
        if moved and start >= duration - 1.0:
            warnings.append(f"{source}: chapter {chapter.title!r} would start after the "
                            "audio ends; it was left out")
            continue
        moved.append(replace(chapter, start=start, end=None))
        placements.append(placement)
    return ChapterPlan(finish(moved, duration, source), placements, plan.warnings,
                       plan.aligned)


def turn_shift(transcript: Transcript, alignment: Alignment) -> Callable[[float], float]:
    """How far a moment of the transcript moved in the audio: the shift of the turn
    it falls in (the offset, plus any insertion or cut before it)."""
    starts = [t.start for t in transcript.turns]

    def shift(start: float) -> float:
        return alignment.shift_for(max(0, bisect.bisect_right(starts, start + 1e-6) - 1))
    return shift


def plan_for_run(data: Transcript, chapters_file: str | os.PathLike[str] | None,
                 duration: float, warnings: list[str], *,
                 from_questions: bool = False) -> ChapterPlan | None:
    """The chapters for ``run``: from the file, the transcript's titles, or else its
    questions (first, with ``from_questions``); None (with a warning) when there are
    none of those."""
    if chapters_file is not None or (data.chapters and not from_questions):
        return plan_chapters(data, chapters_file=chapters_file, duration=duration)
    if from_questions:
        return plan_chapters(data, from_questions=True, duration=duration)
    try:
        plan = plan_chapters(data, from_questions=True, duration=duration)
    except InputError as exc:
        warnings.append(f"{data.source}: no chapters written: the transcript has no chapter "
                        f"titles and no questions to make them from ({exc.message})")
        return None
    warnings.append(f"{data.source}: no chapter titles after the transcript; chapters were "
                    "made from the host's questions (give --chapters FILE to choose them)")
    return plan
