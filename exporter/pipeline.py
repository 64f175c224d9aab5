"""The library functions behind the commands: each joins read -> time -> cut -> write."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from exporter.align import estimate_words
from exporter.align.aligner import Alignment, TurnAlignment, align
from exporter.audio import audio_duration
from exporter.chapterfiles import export_format, read_chapter_file
from exporter.chapters import Placement, episode_end, finish, place_titles
from exporter.chapters import from_questions as from_questions_of
from exporter.errors import InputError, UsageError
from exporter.fsutil import atomic_write
from exporter.model import Chapter, Cue, Transcript, Word
from exporter.readers import read_transcript
from exporter.readers.base import read_text
from exporter.segment import CAPTIONS, Style, segment
from exporter.writers import SubtitleWriter, subtitle_writer
from exporter.writers.id3 import WriteReport, inspect_mp3, read_chapters, write_chapters


@dataclass
class SubtitleResult:
    """What :func:`make_subtitles` did."""

    transcript: Transcript
    words: list[Word]
    cues: list[Cue]
    outputs: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AlignResult:
    """What :func:`align_episode` found."""

    transcript: Transcript
    alignment: Alignment
    warnings: list[str] = field(default_factory=list)

    def low_confidence(self, below: float = 0.8) -> list[TurnAlignment]:
        return [t for t in self.alignment.turns if t.confidence < below]


def align_episode(transcript: str | os.PathLike[str], audio: str | os.PathLike[str], *,
                  jobs: int | None = None, offset: float = 0.0, repair: bool = True,
                  input_format: str | None = None,
                  progress: Callable[[str, float], None] | None = None) -> AlignResult:
    """Read a transcript and align every word of it to the episode audio.

    :raises InputError: for an unusable transcript.
    :raises AudioError: for audio that cannot be decoded.
    """
    data = read_transcript(transcript, input_format)
    alignment = align(data, audio, jobs=jobs, offset=offset, repair=repair,
                      progress=progress)
    result = AlignResult(data, alignment, [
        *data.warnings, *(f"{os.fspath(audio)}: {w}" for w in alignment.warnings)])
    low = result.low_confidence()
    if low:
        listed = ", ".join(f"{t.index + 1} ({t.confidence:.0%})" for t in low[:12])
        result.warnings.append(f"{os.fspath(audio)}: low alignment confidence in {len(low)} "
                               f"of {len(alignment.turns)} turns: {listed}"
                               + (" ..." if len(low) > 12 else "")
                               + "; is this the episode the transcript belongs to?")
    return result


def make_subtitles(transcript: str | os.PathLike[str],
                   outputs: Sequence[str | os.PathLike[str]],
                   style: Style = CAPTIONS, *, fmt: str | None = None,
                   audio: str | os.PathLike[str] | None = None,
                   input_format: str | None = None, jobs: int | None = None,
                   offset: float = 0.0, repair: bool = True,
                   progress: Callable[[str, float], None] | None = None) -> SubtitleResult:
    """Read a transcript, time its words, cut cues and write each output.

    :param outputs: files to write; the format follows each one's extension unless
        ``fmt`` is given. ``"-"`` renders without writing (the caller prints it).
    :param audio: the episode: every word is aligned to it. Without it, words are
        timed from the transcript's timestamps alone.
    :raises UsageError: for an output whose format is unknown, before any work.
    :raises InputError: for an unusable transcript.
    :raises AudioError: for audio that cannot be decoded.
    :raises OutputError: for an output that cannot be written (nothing partial is left).
    """
    writers: list[tuple[str, SubtitleWriter]] = [
        (os.fspath(out), subtitle_writer(out, fmt)) for out in outputs]
    style.check()
    duration: float | None = None
    if audio is not None:
        aligned = align_episode(transcript, audio, jobs=jobs, offset=offset, repair=repair,
                                input_format=input_format, progress=progress)
        data, words, warnings = aligned.transcript, aligned.alignment.words, aligned.warnings
        duration = aligned.alignment.duration
        # The offset may have been found in the audio, not given.
        if data.turns[-1].start + aligned.alignment.offset >= duration:
            warnings.append(f"{audio}: the audio ({duration:.1f} s) ends before the "
                            f"transcript's last turn ({data.turns[-1].start:.1f} s); "
                            "cues are clipped to it")
            words = [w for w in words if w.start < duration - 0.1]
    else:
        data = read_transcript(transcript, input_format)
        warnings = list(data.warnings)
        words = estimate_words(data)
    cues = segment(words, style, end_of_audio=duration)
    result = SubtitleResult(data, words, cues, warnings=warnings)
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


def plan_chapters(transcript: str | os.PathLike[str] | None = None, *,
                  chapters_file: str | os.PathLike[str] | None = None,
                  from_questions: bool = False, duration: float | None = None,
                  input_format: str | None = None) -> ChapterPlan:
    """Chapters from a chapter file, the transcript's own titles, or its questions.

    Untimed titles are placed from the transcript; the last chapter ends at
    ``duration`` (the audio's length) or at the transcript's estimated end.

    :raises InputError: when there are no titles, untimed titles but no transcript,
        or chapters that break a rule (see :func:`exporter.chapters.finish`).
    """
    data = read_transcript(transcript, input_format) if transcript is not None else None
    warnings = list(data.warnings) if data else []
    placements: list[Placement | None]
    source = os.fspath(chapters_file or transcript or "")
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
                           input_format: str | None = None) -> tuple[ChapterPlan, WriteReport]:
    """Plan chapters for an episode and write them into its ID3 tag.

    :raises AudioError: when the episode is not a whole MP3 (checked first).
    :raises InputError: as :func:`plan_chapters`.
    :raises OutputError: when the result cannot be written; the episode is unchanged.
    """
    facts = inspect_mp3(episode)
    plan = plan_chapters(transcript, chapters_file=chapters_file,
                         from_questions=from_questions, duration=facts.duration,
                         input_format=input_format)
    report = write_chapters(episode, plan.chapters, version=version, image=image,
                            output=output, backup=backup, dry_run=dry_run)
    return plan, report


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
                    input_format: str | None = None) -> tuple[str, ChapterPlan]:
    """Chapters from a tagged MP3, a chapter file or a transcript, in ``fmt``.

    :raises UsageError: for an unknown format.
    :raises InputError: when SOURCE holds no usable chapters.
    """
    writer = export_format(fmt)
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
    return writer.render(plan.chapters), plan


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
