"""Timestamp repair: find where a turn really starts when the transcript's time is off.

An intro or pre-roll added after transcription shifts every time. Forced alignment of a turn's first
words succeeds, with a good acoustic score, only near where they are spoken: in
other windows pocketsphinx finds no path at all, or a poor one. So a search that
slides a short window over the candidate shifts and keeps the best score finds the
turn again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporter.align.audio import DecodedAudio
from exporter.align.sphinx import WindowAligner
from exporter.align.text import tokens_for
from exporter.speech import word_weight

PROBE_WORDS = 10
COARSE_STEP = 2.0
FINE_STEP = 0.25


@dataclass(frozen=True)
class Found:
    shift: float  # seconds to add to the transcript's time
    first_word: float  # where the probe's first word was found
    score: float


def _probe(words: Sequence[str]) -> tuple[list[str], float]:
    probe = [w for w in words[:PROBE_WORDS]]
    tokens = [t for w in probe for t in tokens_for(w)]
    return tokens, sum(word_weight(w) for w in probe)


def _score_at(aligner: WindowAligner, tokens: list[str], seconds: float, audio: DecodedAudio,
              at: float) -> tuple[float, float] | None:
    start = max(0.0, at - 1.0)
    found = aligner.align(tokens, audio.read(start, at + seconds * 1.3 + 1.5), start)
    if not found:
        return None
    frames = sum(t.end - t.start for t in found)
    return sum(t.score * (t.end - t.start) for t in found) / frames, found[0].start


def find_turn(aligner: WindowAligner, words: Sequence[str], expected: float,
              audio: DecodedAudio, low: float, high: float) -> Found | None:
    """Search shifts from ``low`` to ``high`` seconds for where a turn's first words
    are spoken; None when no window holds them."""
    tokens, seconds = _probe(words)
    if not tokens:
        return None
    best: tuple[float, float, float] | None = None  # score, shift, first word
    shift = low
    while shift <= high and expected + shift < audio.duration:
        got = _score_at(aligner, tokens, seconds, audio, expected + shift)
        if got is not None and (best is None or got[0] > best[0]):
            best = (got[0], shift, got[1])
        shift += COARSE_STEP
    if best is None:
        return None
    centre = best[1]
    shift = centre - COARSE_STEP
    while shift <= centre + COARSE_STEP:
        got = _score_at(aligner, tokens, seconds, audio, expected + shift)
        if got is not None and got[0] > best[0]:
            best = (got[0], shift, got[1])
        shift += FINE_STEP
    # The shift is measured to the first word, which comes a moment after the
    # (rounded-down) timestamp; report it to a tenth of a second.
    return Found(round(best[2] - expected, 1), best[2], best[0])


def score_at(aligners: Sequence[WindowAligner], words: Sequence[str], expected: float,
             audio: DecodedAudio) -> float | None:
    """The acoustic score of a turn's first words where the transcript puts them,
    trying each aligner (tight beams, then wide); None when they are not there."""
    tokens, seconds = _probe(words)
    if not tokens:
        return 0.0
    for aligner in aligners:
        got = _score_at(aligner, tokens, seconds, audio, expected)
        if got is not None:
            return got[0]
    return None
