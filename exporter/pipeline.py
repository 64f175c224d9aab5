"""The library functions behind the commands: each joins read -> time -> cut -> write."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from exporter.align import estimate_words
from exporter.audio import audio_duration
from exporter.fsutil import atomic_write
from exporter.model import Cue, Transcript, Word
from exporter.readers import read_transcript
from exporter.segment import CAPTIONS, Style, segment
from exporter.writers import SubtitleWriter, subtitle_writer


@dataclass
class SubtitleResult:
    """What :func:`make_subtitles` did."""

    transcript: Transcript
    words: list[Word]
    cues: list[Cue]
    outputs: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def make_subtitles(transcript: str | os.PathLike[str],
                   outputs: Sequence[str | os.PathLike[str]],
                   style: Style = CAPTIONS, *, fmt: str | None = None,
                   audio: str | os.PathLike[str] | None = None,
                   input_format: str | None = None) -> SubtitleResult:
    """Read a transcript, time its words, cut cues and write each output.

    :param outputs: files to write; the format follows each one's extension unless
        ``fmt`` is given. ``"-"`` renders without writing (the caller prints it).
    :param audio: the episode; its duration ends the last turn.
    :raises UsageError: for an output whose format is unknown, before any work.
    :raises InputError: for an unusable transcript or audio.
    :raises OutputError: for an output that cannot be written (nothing partial is left).
    """
    writers: list[tuple[str, SubtitleWriter]] = [
        (os.fspath(out), subtitle_writer(out, fmt)) for out in outputs]
    style.check()
    data = read_transcript(transcript, input_format)
    warnings = list(data.warnings)
    duration = audio_duration(audio) if audio is not None else None
    if duration is not None and data.turns[-1].start >= duration:
        warnings.append(f"{audio}: the audio ({duration:.1f} s) ends before the transcript's "
                        f"last turn ({data.turns[-1].start:.1f} s); cues are clipped to it")
    words = estimate_words(data, duration)
    if duration is not None:
        words = [w for w in words if w.start < duration - 0.1]
    cues = segment(words, style, end_of_audio=duration)
    result = SubtitleResult(data, words, cues, warnings=warnings)
    labels = style.speaker_labels != "never"
    for path, writer in writers:
        text = writer.render(cues, Path(os.fspath(transcript)).name, labels)
        if path != "-":
            atomic_write(path, text)
        result.outputs.append((path, text))
    return result
