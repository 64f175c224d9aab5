"""The library functions behind the commands: each joins read -> time -> cut -> write."""

from __future__ import annotations

import bisect
import contextlib
import os
import shutil
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from exporter.align import estimate_words
from exporter.align.aligner import Alignment, TurnAlignment, align
from exporter.audio import audio_duration
from exporter.chapterfiles import export_format, read_chapter_file
from exporter.chapters import Placement, episode_end, finish, place_titles
from exporter.chapters import from_questions as from_questions_of
from exporter.errors import InputError, OutputError, UsageError
from exporter.fsutil import atomic_write, refuse_inputs, refuse_read_only
from exporter.model import AlignOptions, Chapter, Cue, Transcript, Word
from exporter.readers import read_transcript
from exporter.readers.base import read_text
from exporter.segment import CAPTIONS, Style, segment
from exporter.writers import SubtitleWriter, subtitle_writer
from exporter.writers.id3 import (
    WriteReport,
    inspect_mp3,
    read_chapters,
    remove_chapters,
    write_chapters,
)
from exporter.writers.review import page_data, render_review
from exporter.writers.words import render_words

#: A turn aligned with less confidence than this is in doubt: reported, listed and
#: a reason for exit status 3.
LOW_CONFIDENCE = 0.8


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


@dataclass
class AlignResult:
    """What :func:`align_episode` found."""

    transcript: Transcript
    alignment: Alignment
    warnings: list[str] = field(default_factory=list)

    def low_confidence(self, below: float = LOW_CONFIDENCE) -> list[TurnAlignment]:
        return [t for t in self.alignment.turns if t.confidence < below]

    @property
    def review(self) -> list[str]:
        """Why a person should check this alignment before it is published (empty
        when nothing is in doubt): commands exit with status 3 when there is a reason."""
        return review_reasons(self.alignment)


def review_reasons(alignment: Alignment) -> list[str]:
    """The doubts about an alignment, one short phrase each (see :attr:`AlignResult.review`).

    Low-confidence turns come first; then words not found in the audio, in turns
    that are not low already.
    """
    turns = alignment.turns
    low = [t for t in turns if t.confidence < LOW_CONFIDENCE]
    reasons = []
    if low:
        listed = ", ".join(str(t.index + 1) for t in low[:12]) + (" ..." if len(low) > 12 else "")
        reasons.append(f"low alignment confidence in {len(low)} of {len(turns)} turns "
                       f"({listed})")
    doubtful = {t.index for t in low}
    missing = [(t.index, n) for t in turns if t.index not in doubtful for _, n in t.unmatched]
    if missing:
        where = sorted({index + 1 for index, _ in missing})
        reasons.append(f"{sum(n for _, n in missing)} words not found in the audio (turn"
                       f"{'s' if len(where) > 1 else ''} {', '.join(map(str, where[:12]))})")
    return reasons


def align_episode(transcript: str | os.PathLike[str] | Transcript,
                  audio: str | os.PathLike[str], *,
                  options: AlignOptions | None = None,
                  input_format: str | None = None,
                  progress: Callable[[str, float], None] | None = None,
                  output: str | os.PathLike[str] | None = None) -> AlignResult:
    """Read a transcript (or take one already read) and align every word of it to the
    episode audio.

    :param options: jobs, offset and trust in the timestamps (defaults: see
        :class:`~exporter.model.AlignOptions`).
    :param output: where to write the word timings as JSON (see
        :mod:`exporter.writers.words`), if anywhere.
    :raises InputError: for an unusable transcript.
    :raises AudioError: for audio that cannot be decoded.
    :raises OutputError: for an output that is one of the inputs (before any work),
        or that cannot be written.
    """
    if output is not None:
        refuse_inputs([output], {"transcript": _path_of(transcript), "audio": audio})
    data = _transcript(transcript, input_format)
    options = options or AlignOptions()
    alignment = align(data, audio, jobs=options.jobs, offset=options.offset,
                      repair=options.repair, progress=progress)
    result = AlignResult(data, alignment, [
        *data.warnings, *(f"{os.fspath(audio)}: {w}" for w in alignment.warnings)])
    low = result.low_confidence()
    reported = {t.index for t in low}
    for turn in alignment.turns:
        if turn.index in reported:
            continue  # the whole turn is reported below
        for first, count in turn.unmatched:
            spoken = turn.words[first:first + count]
            opening = " ".join(w.text for w in spoken[:6])
            result.warnings.append(
                f"{os.fspath(audio)}: turn {turn.index + 1}: {count} words not found in the "
                f"audio (\"{opening} ...\"); they were spread over the "
                f"{spoken[-1].end - spoken[0].start:.1f} s between the words around them")
    if low:
        result.warnings.append(confidence_warning(
            os.fspath(audio), [(t.index, t.confidence) for t in low], len(alignment.turns)))
    if output is not None and os.fspath(output) != "-":
        atomic_write(output, render_words(alignment, result.review))
    return result


def _path_of(transcript: str | os.PathLike[str] | Transcript) -> str | None:
    """The file a transcript was read from, if it is one."""
    if isinstance(transcript, Transcript):
        return transcript.source if Path(transcript.source).is_file() else None
    return os.fspath(transcript)


def confidence_warning(audio: str, low: Sequence[tuple[int, float]], total: int) -> str:
    """The warning naming the turns aligned with low confidence (index, confidence).

    A wrong pairing is suggested only when most turns failed: a few low turns are a
    hard stretch of audio (crosstalk, a bad line), not another episode.

    >>> confidence_warning("ep.mp3", [(7, 0.0)], 18)
    'ep.mp3: low alignment confidence in 1 of 18 turns: 8 (0%); check them in the review page'
    >>> confidence_warning("ep.mp3", [(0, 0.0), (1, 0.2)], 3).split(": ", 2)[2]
    '1 (0%), 2 (20%); is this the episode the transcript belongs to?'
    """
    listed = ", ".join(f"{index + 1} ({confidence:.0%})" for index, confidence in low[:12])
    ask = "is this the episode the transcript belongs to?" if len(low) * 2 > total \
        else "check them in the review page"
    return (f"{audio}: low alignment confidence in {len(low)} of {total} turns: {listed}"
            + (" ..." if len(low) > 12 else "") + f"; {ask}")


def _transcript(transcript: str | os.PathLike[str] | Transcript,
                input_format: str | None) -> Transcript:
    if isinstance(transcript, Transcript):
        return transcript
    return read_transcript(transcript, input_format)


def _spoken_words(aligned: AlignResult, audio: str | os.PathLike[str]) -> list[Word]:
    """The aligned words, without those past the end of the audio (with a warning)."""
    alignment = aligned.alignment
    last = aligned.transcript.turns[-1]
    # The shift may have been found in the audio, not given.
    if last.start + alignment.shift_for(len(aligned.transcript.turns) - 1) \
            >= alignment.duration:
        aligned.warnings.append(
            f"{os.fspath(audio)}: the audio ({alignment.duration:.1f} s) ends before the "
            f"transcript's last turn ({last.start:.1f} s); cues are clipped to it")
        return [w for w in alignment.words if w.start < alignment.duration - 0.1]
    return alignment.words


def make_subtitles(transcript: str | os.PathLike[str],
                   outputs: Sequence[str | os.PathLike[str]],
                   style: Style = CAPTIONS, *, fmt: str | None = None,
                   audio: str | os.PathLike[str] | None = None,
                   input_format: str | None = None, options: AlignOptions | None = None,
                   progress: Callable[[str, float], None] | None = None) -> SubtitleResult:
    """Read a transcript, time its words, cut cues and write each output.

    :param outputs: files to write; the format follows each one's extension unless
        ``fmt`` is given. ``"-"`` renders without writing (the caller prints it).
    :param audio: the episode: every word is aligned to it. Without it, words are
        timed from the transcript's timestamps alone.
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
    duration: float | None = None
    if audio is not None:
        aligned = align_episode(transcript, audio, options=options,
                                input_format=input_format, progress=progress)
        words = _spoken_words(aligned, audio)
        data, warnings = aligned.transcript, aligned.warnings
        duration = aligned.alignment.duration
        review = aligned.review
    else:
        data = read_transcript(transcript, input_format)
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
    return result


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

    @property
    def review(self) -> list[str]:
        return self.aligned.review if self.aligned is not None else []


def chapters_for_episode(transcript: str | os.PathLike[str] | Transcript | None,
                         audio: str | os.PathLike[str] | None, *,
                         chapters_file: str | os.PathLike[str] | None = None,
                         from_questions: bool = False, options: AlignOptions | None = None,
                         input_format: str | None = None,
                         progress: Callable[[str, float], None] | None = None) -> ChapterPlan:
    """The chapters a transcript (or chapter list) gives, in the clock of the audio.

    With a transcript and audio, the transcript is aligned to the audio first (as
    :func:`run_episode` does), so that chapters move with an offset, inserted break
    or cut found there, and the audio's decoded length ends the last one. With
    ``options.trust_timestamps``, or without one of the two, the times are taken as
    they are (moved by ``options.offset`` when that is given).
    """
    options = options or AlignOptions()
    if transcript is None or audio is None or options.trust_timestamps:
        duration = audio_duration(audio) if audio is not None else None
        plan = plan_chapters(transcript, chapters_file=chapters_file,
                             from_questions=from_questions, duration=duration,
                             input_format=input_format)
        if options.offset and duration is not None:
            source = os.fspath(chapters_file or (_path_of(transcript) if transcript else "")
                               or "")
            moved = [plan.chapters[0], *(replace(c, start=(c.start or 0.0) + options.offset,
                                                 end=None) for c in plan.chapters[1:])]
            plan.chapters = finish([c for c in moved if (c.start or 0.0) < duration - 1.0],
                                   duration, source)
        return plan
    aligned = align_episode(transcript, audio, options=options, input_format=input_format,
                            progress=progress)
    data, alignment = aligned.transcript, aligned.alignment
    plan = plan_chapters(data, chapters_file=chapters_file, from_questions=from_questions,
                         duration=_planning_length(data, alignment))
    warnings = [*aligned.warnings, *(w for w in plan.warnings if w not in aligned.warnings)]
    source = os.fspath(chapters_file or data.source)
    chapters = follow_audio(plan.chapters, data, alignment, source, warnings)
    return ChapterPlan(chapters, plan.placements, warnings, aligned)


def _planning_length(data: Transcript, alignment: Alignment) -> float:
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
    data = _transcript(transcript, input_format) if transcript is not None else None
    warnings = list(data.warnings) if data else []
    placements: list[Placement | None]
    source = os.fspath(chapters_file or (data.source if data else ""))
    if chapters_file is not None:
        given = read_chapter_file(chapters_file)
        if given[0].start is not None:
            chapters, placements = given, [None] * len(given)
        elif data is None:
            raise InputError("these chapter titles have no times; give the transcript "
                             "(--transcript) to place them", chapters_file)
        else:
            found = place_titles(data, [c.title for c in given])
            chapters, placements = [p.chapter for p in found], list(found)
    elif data is None:
        raise UsageError("give a transcript or a chapter file")
    elif from_questions:
        found = from_questions_of(data)
        chapters, placements = [p.chapter for p in found], list(found)
    elif data.chapters:
        found = place_titles(data, [c.title for c in data.chapters])
        chapters, placements = [p.chapter for p in found], list(found)
    else:
        raise InputError("no chapter titles found after the transcript; give --chapters "
                         "FILE or --from-questions", source)
    if duration is None:
        duration = (episode_end(data) if data is not None
                    else max((c.end or c.start or 0.0) for c in chapters) or None)
    if duration is None:
        raise InputError("cannot tell where the last chapter ends; give the audio", source)
    finished = finish(chapters, duration, source)
    order = sorted(range(len(chapters)), key=lambda i: chapters[i].start or 0.0)
    return ChapterPlan(finished, [placements[i] for i in order], warnings)


def write_episode_chapters(episode: str | os.PathLike[str], *,
                           transcript: str | os.PathLike[str] | None = None,
                           chapters_file: str | os.PathLike[str] | None = None,
                           from_questions: bool = False, version: int = 3,
                           image: str | os.PathLike[str] | None = None,
                           output: str | os.PathLike[str] | None = None,
                           backup: bool = False, dry_run: bool = False,
                           input_format: str | None = None,
                           force: bool = False, options: AlignOptions | None = None,
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
    if output is not None:
        refuse_inputs([output], {"transcript": transcript, "chapter list": chapters_file,
                                 "chapter image": image})
    elif not dry_run and not force:
        refuse_read_only(episode)  # now, not after the alignment
    facts = inspect_mp3(episode)
    if transcript is None:
        # Nothing to align: the chapter list's times are the episode's.
        plan = plan_chapters(None, chapters_file=chapters_file, duration=facts.duration)
    else:
        plan = chapters_for_episode(transcript, episode, chapters_file=chapters_file,
                                    from_questions=from_questions, options=options,
                                    input_format=input_format, progress=progress)
    report = write_chapters(episode, plan.chapters, version=version, image=image,
                            output=output, backup=backup, dry_run=dry_run, force=force)
    return ChapterWrite(plan, report)


@dataclass
class ChapterWrite:
    """What :func:`write_episode_chapters` planned and wrote."""

    plan: ChapterPlan
    report: WriteReport

    @property
    def warnings(self) -> list[str]:
        return self.plan.warnings

    @property
    def review(self) -> list[str]:
        return self.plan.review


def _looks_like_mp3(path: str | os.PathLike[str]) -> bool:
    if Path(path).suffix.lower() == ".mp3":
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(3)
    except OSError:
        return False
    return head == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def export_chapters(source: str | os.PathLike[str], fmt: str, *,
                    transcript: str | os.PathLike[str] | None = None,
                    audio: str | os.PathLike[str] | None = None,
                    input_format: str | None = None,
                    output: str | os.PathLike[str] | None = None) -> tuple[str, ChapterPlan]:
    """Chapters from a tagged MP3, a chapter file or a transcript, in ``fmt``, written
    to ``output`` when one is given (``"-"`` or None: only returned).

    :raises UsageError: for an unknown format.
    :raises InputError: when SOURCE holds no usable chapters.
    :raises OutputError: for an output that is one of the inputs (before any work),
        or that cannot be written.
    """
    writer = export_format(fmt)
    if output is not None:
        refuse_inputs([output], {"source": source, "transcript": transcript, "audio": audio})
    duration = audio_duration(audio) if audio is not None else None
    if _looks_like_mp3(source):
        tagged = read_chapters(source)
        if not tagged:
            raise InputError("the MP3 has no chapters", source)
        plan = ChapterPlan([t.chapter for t in tagged], [None] * len(tagged))
    else:
        text, _ = read_text(source)
        if chapter_detect_soft(text) is not None:
            plan = plan_chapters(transcript, chapters_file=source, duration=duration,
                                 input_format=input_format)
        else:
            plan = plan_chapters(source, duration=duration, input_format=input_format)
    text = writer.render(plan.chapters)
    if output is not None and os.fspath(output) != "-":
        atomic_write(output, text)
    return text, plan


def chapter_detect_soft(text: str) -> str | None:
    """The chapter format of ``text`` when it is clearly a chapter list, not a
    transcript: a structured format, or timestamp lines that no transcript reader
    takes (or takes as one 'speaker' per line, which is a list of titles)."""
    from exporter.chapterfiles import FORMATS
    from exporter.readers import parse_transcript

    for fmt in FORMATS:
        if not fmt.readable or not fmt.sniff(text):
            continue
        if fmt.name not in ("timestamps", "titles"):
            return fmt.name
        try:
            data = parse_transcript(text)
        except InputError:
            return fmt.name if fmt.name == "timestamps" else None
        speakers = len(data.speakers)
        return fmt.name if speakers > 3 and speakers > len(data.turns) / 2 else None
    return None


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

    @property
    def review(self) -> list[str]:
        return self.aligned.review


def run_outputs(episode: str | os.PathLike[str], outdir: str | os.PathLike[str] | None = None,
                in_place: bool = False) -> list[Path]:
    """The files :func:`run_episode` writes for an episode."""
    stem = Path(episode).stem
    folder = Path(outdir) if outdir is not None else default_outdir(episode)
    return [folder / f"{stem}{suffix}" for suffix in RUN_OUTPUTS
            if not (in_place and suffix == ".mp3")]


def default_outdir(episode: str | os.PathLike[str]) -> Path:
    """``./<episode stem>-export``."""
    return Path(f"{Path(episode).stem}-export")


def follow_audio(chapters: Sequence[Chapter], transcript: Transcript, alignment: Alignment,
                 source: str, warnings: list[str] | None = None) -> list[Chapter]:
    """Chapters timed in the transcript's clock, moved into the audio's: each by the
    shift of the turn it falls in (the offset, plus any insertion before it).

    The first chapter stays at 0:00. A chapter that would start after the audio
    ends is left out, with a warning in ``warnings``.
    """
    starts = [t.start for t in transcript.turns]
    moved: list[Chapter] = []
    for chapter in chapters:
        start = chapter.start or 0.0
        if start > 0:
            turn = max(0, bisect.bisect_right(starts, start + 1e-6) - 1)
            start = max(0.0, start + alignment.shift_for(turn))
        if moved and start >= alignment.duration - 1.0:
            if warnings is not None:
                warnings.append(f"{source}: chapter {chapter.title!r} would start after the "
                                "audio ends; it was left out")
            continue
        moved.append(replace(chapter, start=start, end=None))
    return finish(moved, alignment.duration, source)


def _run_plan(data: Transcript, chapters_file: str | os.PathLike[str] | None,
              duration: float, warnings: list[str]) -> ChapterPlan | None:
    """The chapters for ``run``: from the file, the transcript's titles, or else its
    questions; None (with a warning) when there are none of those."""
    if chapters_file is not None or data.chapters:
        return plan_chapters(data, chapters_file=chapters_file, duration=duration)
    try:
        plan = plan_chapters(data, from_questions=True, duration=duration)
    except InputError as exc:
        warnings.append(f"{data.source}: no chapters written: the transcript has no chapter "
                        f"titles and no questions to make them from ({exc.message})")
        return None
    warnings.append(f"{data.source}: no chapter titles after the transcript; chapters were "
                    "made from the host's questions (give --chapters FILE to choose them)")
    return plan


class _Staging:
    """A hidden folder inside OUTDIR where outputs are built, then moved into place,
    so that a failed run leaves nothing half-written in OUTDIR."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.created = not outdir.exists()
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=".exporter-", suffix=".tmp", dir=outdir))
        except OSError as exc:
            raise OutputError(f"cannot write in the output folder ({exc.strerror})",
                              outdir) from None

    def file(self, name: str) -> Path:
        return self.path / name

    def write(self, name: str, text: str) -> None:
        atomic_write(self.path / name, text)

    def publish(self) -> list[Path]:
        """Move every built file into OUTDIR (each move is atomic)."""
        done = []
        for built in sorted(self.path.iterdir()):
            target = self.outdir / built.name
            try:
                os.replace(built, target)
            except OSError as exc:
                raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
            done.append(target)
        self.path.rmdir()
        return done

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self.created:
            with contextlib.suppress(OSError):
                self.outdir.rmdir()  # only when empty: nothing of the producer's goes


def run_episode(transcript: str | os.PathLike[str], episode: str | os.PathLike[str],
                outdir: str | os.PathLike[str] | None = None, *,
                chapters_file: str | os.PathLike[str] | None = None, in_place: bool = False,
                options: AlignOptions | None = None, input_format: str | None = None,
                progress: Callable[[str, float], None] | None = None,
                force: bool = False, backup: bool = False) -> RunResult:
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
    :param force: with ``in_place``, tag ``episode`` even when it is read-only.
    :param backup: with ``in_place``, keep the original as ``NAME.mp3.bak``.
    :raises InputError: for an unusable transcript or chapter list.
    :raises AudioError: when ``episode`` is not a whole MP3.
    :raises OutputError: when an output would be written over an input (before any
        work), or ``outdir`` cannot be written; nothing is left in it.
    """
    began = time.perf_counter()
    episode = Path(episode)
    folder = Path(outdir) if outdir is not None else default_outdir(episode)
    refuse_inputs(run_outputs(episode, folder, in_place),
                  {"transcript": transcript, "episode": episode, "chapter list": chapters_file},
                  "give another folder with -o, or --in-place to tag the episode itself")
    data = _transcript(transcript, input_format)
    inspect_mp3(episode)  # a damaged MP3 fails here, before the long work
    if in_place and not force:
        refuse_read_only(episode)  # now, not after the long work
    staging = _Staging(folder)
    try:
        aligned = align_episode(data, episode, options=options, progress=progress)
        alignment = aligned.alignment
        warnings = aligned.warnings
        words = _spoken_words(aligned, episode)
        cues = segment(words, CAPTIONS, end_of_audio=alignment.duration)
        plan = _run_plan(data, chapters_file, _planning_length(data, alignment), warnings)
        source = os.fspath(chapters_file or data.source)
        chapters = (follow_audio(plan.chapters, data, alignment, source, warnings)
                    if plan else [])
        warnings.extend(w for w in (plan.warnings if plan else []) if w not in warnings)

        stem, name = episode.stem, Path(data.source).name
        vtt = subtitle_writer("x.vtt").render(cues, name)
        staging.write(f"{stem}.vtt", vtt)
        staging.write(f"{stem}.srt", subtitle_writer("x.srt").render(cues, name))
        staging.write(f"{stem}.transcript.json",
                      subtitle_writer("x.json").render(cues, name))
        staging.write(f"{stem}.chapters.json", export_format("podcast-json").render(chapters))
        staging.write(f"{stem}.words.json", render_words(alignment, aligned.review))
        if in_place:
            tagged = episode
            audio_link = os.path.relpath(episode.resolve(), folder.resolve())
        else:
            tagged = folder / f"{stem}.mp3"
            audio_link = f"{stem}.mp3"
            staged = staging.file(f"{stem}.mp3")
            if chapters:
                write_chapters(episode, chapters, output=staged)
            else:
                remove_chapters(episode, output=staged)
        data_for_page = page_data(
            words, cues, chapters, speakers=[t.speaker for t in data.turns],
            starts=[t.start for t in data.turns], duration=alignment.duration,
            audio=urllib.parse.quote(Path(audio_link).as_posix()), alignment=alignment)
        staging.write(f"{stem}.html", render_review(stem, data_for_page, vtt))
        if in_place and chapters:
            # Last: the master changes only once everything else is ready.
            report = write_chapters(episode, chapters, force=force, backup=backup)
            warnings.extend(f"{episode}: {note}" for note in report.notes)
        written = staging.publish()
    except BaseException:
        staging.discard()
        raise
    order = {suffix: i for i, suffix in enumerate(RUN_OUTPUTS)}
    written.sort(key=lambda p: order.get(p.name[len(stem):], len(order)))
    return RunResult(folder, written, tagged, aligned, cues, chapters,
                     plan.placements if plan else [], warnings,
                     time.perf_counter() - began)


def bundled_sample() -> tuple[Path, Path]:
    """The bundled sample's transcript and MP3 (``samples/`` of a source checkout).

    :raises UsageError: when this installation has no ``samples/`` folder.
    """
    folder = Path(__file__).resolve().parent.parent / "samples"
    transcript, audio = folder / "sample-episode.txt", folder / "sample-episode.mp3"
    if not (transcript.is_file() and audio.is_file()):
        raise UsageError(f"the bundled sample is not here ({folder}); it ships in the "
                         "samples/ folder of the source checkout")
    return transcript, audio
