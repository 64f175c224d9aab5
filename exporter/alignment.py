"""Aligning a transcript to its episode, and what is in doubt afterwards.

:func:`align_episode` is the one way every command with audio aligns (``run``,
``subtitles --audio``, ``align``, and chapters through :mod:`exporter.chapterplan`);
:func:`review_reasons` says what a person should check, the reasons behind exit
status 3.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from exporter.errors import InputError
from exporter.fsutil import atomic_write, refuse_inputs
from exporter.model import (
    LOW_CONFIDENCE,
    Alignment,
    AlignOptions,
    Transcript,
    TurnAlignment,
    Word,
)
from exporter.ownership import note_written, refuse_foreign
from exporter.readers import read_transcript
from exporter.writers.words import render_words


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
    for what, absent in (("not found in the audio", True),
                         ("that could not be aligned", False)):
        missing = [(t.index, n) for t in turns if t.index not in doubtful
                   for _, n, lacking in t.spread() if lacking == absent]
        if missing:
            where = sorted({index + 1 for index, _ in missing})
            reasons.append(f"{sum(n for _, n in missing)} words {what} (turn"
                           f"{'s' if len(where) > 1 else ''} {', '.join(map(str, where[:12]))})")
    return reasons



def align_episode(transcript: str | os.PathLike[str] | Transcript,
                  audio: str | os.PathLike[str], *,
                  options: AlignOptions | None = None,
                  input_format: str | None = None,
                  progress: Callable[[str, float], None] | None = None,
                  output: str | os.PathLike[str] | None = None,
                  force: bool = False) -> AlignResult:
    """Read a transcript (or take one already read) and align every word of it to the
    episode audio.

    :param options: jobs, offset and trust in the timestamps (defaults: see
        :class:`~exporter.model.AlignOptions`).
    :param output: where to write the word timings as JSON (see
        :mod:`exporter.writers.words`), if anywhere.
    :param force: replace ``output`` even when exporter did not write it, or it was
        edited since.
    :raises InputError: for an unusable transcript.
    :raises AudioError: for audio that cannot be decoded.
    :raises OutputError: for an output that is one of the inputs (before any work),
        or that cannot be written.
    """
    if output is not None:
        refuse_inputs([output], {"transcript": source_path(transcript), "audio": audio})
        refuse_foreign([output], force)
    data = transcript_of(transcript, input_format)
    options = options or AlignOptions()
    # Loaded here: numpy and pocketsphinx are for the commands that align, not for
    # every command that imports this module to read a transcript.
    from exporter.align.aligner import align

    alignment = align(data, audio, jobs=options.jobs, offset=options.offset,
                      repair=options.repair, progress=progress)
    if data.untimed:
        # From here on the turns start where their words were found.
        data = replace(data, untimed=False, turns=tuple(
            replace(turn, start=found.start) for turn, found in
            zip(data.turns, alignment.turns, strict=True)))
    result = AlignResult(data, alignment, [
        *data.warnings, *(f"{os.fspath(audio)}: {w}" for w in alignment.warnings)])
    low = result.low_confidence()
    reported = {t.index for t in low}
    for turn in alignment.turns:
        runs = turn.spread()
        if turn.index in reported and 2 * sum(n for _, n, _ in runs) > len(turn.words):
            continue  # most of the turn is missing: reported below as low confidence
        for first, count, absent in runs:
            what = "not found in the audio" if absent else "could not be aligned"
            spoken = turn.words[first:first + count]
            opening = " ".join(w.text for w in spoken[:6])
            result.warnings.append(
                f"{os.fspath(audio)}: turn {turn.index + 1}: {count} words {what} "
                f"(\"{opening} ...\"); they were spread over the "
                f"{spoken[-1].end - spoken[0].start:.1f} s between the words around them")
    if low:
        result.warnings.append(confidence_warning(
            os.fspath(audio), [(t.index, t.confidence) for t in low], len(alignment.turns)))
    if output is not None and os.fspath(output) != "-":
        atomic_write(output, render_words(alignment, result.review))
        note_written([output])
    return result



def source_path(transcript: str | os.PathLike[str] | Transcript) -> str | None:
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



def needs_audio(data: Transcript) -> None:
    """Refuse a transcript with no times where there is no audio to place its words.

    :raises InputError: for an untimed transcript.
    """
    if data.untimed:
        raise InputError("the transcript has no times; give the episode's audio (--audio) "
                         "so that its words are placed from it", data.source)


def transcript_of(transcript: str | os.PathLike[str] | Transcript,
                input_format: str | None) -> Transcript:
    if isinstance(transcript, Transcript):
        return transcript
    return read_transcript(transcript, input_format)



def spoken_words(aligned: AlignResult, audio: str | os.PathLike[str]) -> list[Word]:
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
