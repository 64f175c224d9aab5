"""Timestamp repair: find where turns really start when the transcript's times are off.

An intro or pre-roll added after transcription shifts every time; an ad break
inserted mid-episode shifts every turn after it. Forced alignment of a turn's first
words (a probe) succeeds with a good acoustic score only where they are spoken:
elsewhere pocketsphinx finds no path at all, or a poor one (a chance fit, scoring
far worse). So:

- the offset: when the first turns are not where the transcript says, a probe slid
  over widening ranges of shifts finds the first turn, confirmed by the second;
- insertions: every turn is probed where the current shift puts it; where two in a
  row are missing, the first is searched for later in the audio, and the new shift
  holds from there when the next turn is found at it too.

Probes are independent, so they go to the process pool in batches; the decisions
are made in order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from exporter.align.audio import DecodedAudio
from exporter.align.sphinx import WindowAligner, mean_score
from exporter.align.text import tokens_for
from exporter.model import Turn
from exporter.speech import word_weight

PROBE_WORDS = 10
COARSE_STEP = 2.0
FINE_STEP = 0.25


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
    return mean_score(found), found[0].start


# Insertions: audio added mid-episode (an ad break) after the transcript was made.

#: A probe whose score is this many times the typical one (scores are negative) is
#: a chance fit, not the words: on the benchmark, probes where the words are spoken
#: score -10,000 to -31,000 and chance fits -45,000 to -65,000.
CHANCE_RATIO = 1.6
#: Insertions are searched for in widening ranges of seconds after where a turn
#: should be, so that a short break costs a short search.
SEARCH_RANGES = ((2.0, 64.0), (64.0, 240.0), (240.0, 900.0))
#: The worst typical score a real fit is allowed: on the benchmark the median real
#: probe scores -20,500 and the worst -31,000. Audio whose probes score worse than
#: this nearly all fit only by chance.
WORST_REFERENCE = -25_000.0
MIN_PROBE_WORDS = 4


@dataclass(frozen=True)
class ProbeJob:
    """Look for a turn's first words near ``at`` (runs in a worker)."""

    words: tuple[str, ...]
    at: float
    pcm_path: str
    samples: int


def run_probe(job: ProbeJob) -> tuple[float, float] | None:
    """The probe's score and where its first word was found; None when not there."""
    from pathlib import Path

    from exporter.align.aligner import _aligner

    tokens, seconds = _probe(job.words)
    audio = DecodedAudio(Path(job.pcm_path), job.samples)
    return _score_at(_aligner(False), tokens, seconds, audio, job.at)


Runner = Callable[[Sequence[ProbeJob]], list[tuple[float, float] | None]]


def serial(jobs: Sequence[ProbeJob]) -> list[tuple[float, float] | None]:
    return [run_probe(job) for job in jobs]


@dataclass
class Repair:
    """Each turn's shift (transcript time to audio time) and the insertions found."""

    shifts: list[float]
    insertions: list[tuple[int, float]]
    #: The acoustic score below which a fit is chance (None: nothing to judge by).
    bar: float | None = None


def find_insertions(turns: Sequence[Turn], audio: DecodedAudio, offset: float,
                    run: Runner = serial, search: bool = True) -> Repair:
    """Check each turn's opening words where the transcript (moved by ``offset``)
    puts them; where two turns in a row are missing, search later in the audio for
    the first of them, and accept the new shift only when the next turn is found at
    it too. Chance fits are told apart by their poor acoustic score.

    :param search: False only measures the bar for chance fits (the transcript's
        times are trusted).
    """
    probed = [k for k, t in enumerate(turns) if len(t.words) >= MIN_PROBE_WORDS]

    def jobs(indexes: Sequence[int], shift: float) -> list[ProbeJob]:
        return [job for k in indexes for job in _probe_jobs(turns[k], [shift], audio)]

    found = dict(zip(probed, run(jobs(probed, offset)), strict=True))
    scores = sorted((got[0] for got in found.values() if got is not None), reverse=True)
    if not scores:
        return Repair([offset] * len(turns), [], WORST_REFERENCE * CHANCE_RATIO)
    # The better half: chance fits after an early break must not set the bar.
    # When even that half scores like chance, the audio is not this transcript's, and
    # the bar falls back to a fixed score (from the benchmark's real fits).
    reference = max(scores[: max(1, len(scores) // 2)][-1], WORST_REFERENCE)
    bar = reference * CHANCE_RATIO
    if not search:
        return Repair([offset] * len(turns), [], bar)

    def good(got: tuple[float, float] | None) -> bool:
        return got is not None and got[0] >= bar

    lags = [got[1] - (turns[k].start + offset) for k, got in found.items()
            if got is not None and good(got)]
    lag = sorted(lags)[len(lags) // 2] if lags else 0.0
    shift = offset
    insertions: list[tuple[int, float]] = []
    shifts = [offset] * len(turns)
    position = 0
    while position < len(probed):
        k = probed[position]
        following = probed[position + 1] if position + 1 < len(probed) else None
        if good(found[k]) or following is None or good(found[following]):
            position += 1
            continue
        located = _search(turns[k], turns[following], audio, shift, bar, run)
        if located is None:
            position += 1
            continue
        new_shift = located - turns[k].start - lag
        insertions.append((k, round(new_shift - shift, 1)))
        shift = new_shift
        # Everything after is probed again at the new shift.
        later = probed[position + 1:]
        found.update(zip(later, run(jobs(later, shift)), strict=True))
        for index in range(k, len(turns)):
            shifts[index] = shift
        position += 1
    return Repair(shifts, insertions, bar)


def _probe_jobs(turn: Turn, shifts: Sequence[float], audio: DecodedAudio) -> list[ProbeJob]:
    return [ProbeJob(tuple(turn.words), turn.start + shift, str(audio.path), audio.samples)
            for shift in shifts]


def _search(turn: Turn, following: Turn | None, audio: DecodedAudio, shift: float,
            bar: float | None, run: Runner,
            ranges: Sequence[tuple[float, float]] = SEARCH_RANGES) -> float | None:
    """Where ``turn``'s first word is, searched in widening ranges of shifts after
    ``shift``, and confirmed by ``following`` being where the same shift puts it.

    :param bar: the score a real fit reaches; None when not known yet (the offset
        search), and then the best fit in a range sets it.
    :returns: the time of the turn's first word, or None.
    """
    for low, high in ranges:
        shifts = [shift + low + COARSE_STEP * i for i in range(int((high - low) / COARSE_STEP))
                  if turn.start + shift + low + COARSE_STEP * i < audio.duration]
        if not shifts:
            return None
        hits = [(g[0], s) for g, s in zip(run(_probe_jobs(turn, shifts, audio)), shifts,
                                          strict=True)
                if g is not None and (bar is None or g[0] >= bar)]
        if not hits:
            continue
        centre = max(hits)[1]
        fine = [centre - COARSE_STEP + FINE_STEP * i
                for i in range(int(2 * COARSE_STEP / FINE_STEP) + 1)]
        best = max((g for g in run(_probe_jobs(turn, fine, audio)) if g is not None),
                   key=lambda g: g[0], default=None)
        if best is None:
            continue
        if following is None:
            return best[1]
        check = run(_probe_jobs(following, [best[1] - turn.start], audio))[0]
        if check is not None and check[0] >= (bar if bar is not None else
                                              best[0] * CHANCE_RATIO):
            return best[1]
    return None


#: Where the offset is looked for: from audio cut at the start to a long intro.
OFFSET_RANGES = ((-10.0, 64.0), (64.0, 240.0), (240.0, 600.0))


def find_offset(turns: Sequence[Turn], audio: DecodedAudio, run: Runner = serial) -> float:
    """Seconds of audio before the transcript's zero (an intro added later).

    The opening words of the first three turns are checked where the transcript puts
    them; when all are there with scores alike, the offset is 0. Otherwise the first
    turn is searched for, and the shift is taken when the next turn is found at it
    too. A shift under a second is the usual lag of speech behind a rounded-down
    timestamp, not an offset.
    """
    probed = [k for k, t in enumerate(turns) if len(t.words) >= MIN_PROBE_WORDS][:3]
    if not probed:
        return 0.0
    got = run([job for k in probed for job in _probe_jobs(turns[k], [0.0], audio)])
    scores = [g[0] for g in got if g is not None]
    if len(scores) == len(got) and min(scores) >= max(scores) * CHANCE_RATIO:
        return 0.0
    following = turns[probed[1]] if len(probed) > 1 else None
    located = _search(turns[probed[0]], following, audio, 0.0, None, run, OFFSET_RANGES)
    if located is None:
        return 0.0
    shift = located - turns[probed[0]].start
    return round(shift, 1) if abs(shift) >= 1.0 else 0.0
