"""Aligning a transcript with no times at all, as aeneas does.

Where its first words are said is searched for (an intro may come first). Then the
words are walked in order as one stretch per worker (see
:func:`exporter.align.turn.align_turn` with ``breaks``): each window starts where
the last one's words ended, and each change of speaker is found from the audio. To
use every core, the transcript is cut at turns about every ten minutes of its speech
(the same cuts for any number of workers, so the same result); where
each cut turn starts is searched for around where its share puts it (confirmed by
the words after it, as the start is), and a cut whose turn is not found is not made.
The words are then given back to their turns.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace
from itertools import pairwise

from exporter.align import repair
from exporter.align.audio import DecodedAudio
from exporter.align.bars import CHANCE_BAR, DOUBT_RATIO
from exporter.align.edges import (
    DOUBTFUL_START,
    hand_over,
    handed_over_late,
    last_aligned,
    plausible,
)
from exporter.align.estimate import clip_runs, fill, monotonic
from exporter.align.probes import Runner
from exporter.align.text import spoken_tokens
from exporter.align.turn import Lost, TurnJob, align_turn, judge, locator, resumed, said, walk
from exporter.align.window import CONTEXT_REACH
from exporter.model import Alignment, Turn, TurnAlignment, Word
from exporter.speech import word_weight

#: The walk is cut about every this many seconds of (estimated) speech, whatever
#: the number of workers, so that the result does not depend on it: finding where
#: a cut falls costs a search of a few seconds, and each part is walked by one core.
#: (Every 240 s: the synthetic 42-minute episode took 37.8 s instead of 28.5 s, its
#: nine cut searches costing 1.8 s each.)
PART_SECONDS = 600.0
#: From this much speech on, the walk is cut in two at least: a walk costs about
#: 0.04 s of a core per second of speech, a cut search 2 s, and the second core
#: otherwise waits (the 8.5-minute real-speech episode, one walk: 18.6-22 s; in two:
#: 16.7-18.6 s).
SPLIT_SECONDS = 240.0
#: How many parts a walk over SPLIT_SECONDS or more is cut into, at least.
SPLIT_PARTS = 2


def align_untimed(turns: Sequence[Turn], decoded: DecodedAudio,
                  pool: ProcessPoolExecutor | None, run: Runner,
                  progress: Callable[[str, float], None] | None) -> Alignment:
    """Every word of ``turns`` (whose starts are only estimates) aligned to the audio."""
    words = [w for turn in turns for w in turn.words]
    firsts, count = [], 0
    for turn in turns:
        firsts.append(count)
        count += len(turn.words)
    warnings: list[str] = []
    start = repair.find_start(words, decoded, run, own=len(turns[0].words))
    if start is None:
        # Not this transcript's audio (or its opening is missing): nothing to walk
        # from, and walking anyway would cost minutes of failing windows.
        warnings.append("the transcript's first words were not found in the first ten "
                        "minutes of the audio; no word was aligned")
        spread, _ = fill(words, spoken_tokens(words), [None] * len(words), "", 0,
                         0.0, decoded.duration)
        whole = TurnAlignment(0, 0.0, tuple(spread), "interpolated", 0.0, 0,
                              ((0, len(words)),))
        return _by_turn(turns, firsts, [(0, 0.0)], [whole], 0.0, decoded, warnings)
    cuts = _cuts(turns, firsts, words, start, decoded, run)
    bounds = [(0, start), *cuts, (len(turns), decoded.duration)]
    jobs = [_job(turns, firsts, words, a, b, at, until, decoded)
            for (a, at), (b, until) in pairwise(bounds)]
    parts: list[TurnAlignment] = []
    if pool is None or len(jobs) == 1:
        for job in jobs:
            parts.append(align_turn(job, (lambda done: progress("align", done))
                                    if progress and len(jobs) == 1 else None,
                                    locator(decoded, run)))
    else:
        parts = _walk_parts(jobs, decoded, pool, run, progress)
    return _by_turn(turns, firsts, bounds, parts, start, decoded, warnings)


def _walk_parts(jobs: Sequence[TurnJob], decoded: DecodedAudio, pool: ProcessPoolExecutor,
                run: Runner, progress: Callable[[str, float], None] | None
                ) -> list[TurnAlignment]:
    """Each part walked in the pool. A part that loses a speaker's turn comes back
    to have the turn after it searched for here, with every worker free to probe
    (the part's own worker searched one probe at a time while the other, its part
    done, waited: 4 s of the untimed real-speech benchmark), and is then taken up
    again where it stopped: the same walk as one that searches itself."""
    search = locator(decoded, run)
    running = {pool.submit(walk, job): n for n, job in enumerate(jobs)}
    done: dict[int, TurnAlignment] = {}
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            n = running.pop(future)
            out = future.result()
            if isinstance(out, Lost):
                running[pool.submit(walk, resumed(jobs[n], out, search))] = n
            else:
                done[n] = out
                if progress:
                    progress("align", len(done) / len(jobs))
    return [done[n] for n in range(len(jobs))]


def _by_turn(turns: Sequence[Turn], firsts: Sequence[int], bounds: Sequence[tuple[int, float]],
             parts: Sequence[TurnAlignment], start: float, decoded: DecodedAudio,
             warnings: list[str]) -> Alignment:
    """The parts' words given back to their turns, each turn judged on its own."""
    aligned = [w for part in parts for w in part.words]
    unmatched, unaligned = [], []
    doubtful: list[int] = []  # in order: parts and their doubtful words are
    for (a, _), part in zip(bounds, parts, strict=False):
        unmatched += [(firsts[a] + k, n) for k, n in part.unmatched]
        unaligned += [(firsts[a] + k, n) for k, n in part.unaligned]
        doubtful += [firsts[a] + k for k in part.doubtful]
    results: list[TurnAlignment] = []
    for index, (turn, first) in enumerate(zip(turns, firsts, strict=True)):
        own = [Word(w.text, w.start, w.end, turn.speaker, index, w.method)
               for w in aligned[first:first + len(turn.words)]]
        runs = [(k - first, n) for k, n in clip_runs(unmatched, first, len(turn.words))]
        failed = [(k - first, n) for k, n in clip_runs(unaligned, first, len(turn.words))]
        # How each turn went is told by its own words (which windows were retried
        # is not kept per turn).
        # Each turn's doubtful words found by bisection: scanning all of them for
        # every turn grew with turns times words (a catalogue has 100,000 turns).
        lo, hi = bisect_left(doubtful, first), bisect_left(doubtful, first + len(own))
        judged = judge(index, own, "aligned", runs, start,
                       [k - first for k in doubtful[lo:hi]], failed)
        if results and judged.words and handed_over_late(results[-1].words):
            results[-1], judged = _handed_over(decoded, results[-1], judged)
        results.append(judged)
    return Alignment(monotonic([w for r in results for w in r.words]), results,
                     decoded.duration, 0.0, decoded.peaks, warnings, insertions=[],
                     shifts=[0.0] * len(turns))


def _handed_over(decoded: DecodedAudio, before: TurnAlignment, turn: TurnAlignment
                 ) -> tuple[TurnAlignment, TurnAlignment]:
    """Two turns whose first's last word took in the pause between the speakers
    (see edges.handed_over_late), parted at that pause; where none is found, the
    second turn's start is in doubt (DOUBTFUL_START).

    That last word is named doubtful, whatever its length once parted: a path that
    stretched it so was lost there, and its start may be too (sweep seed 25,
    untimed: "thanks." 0.8 s early, its turn at 98%, nothing said of it). Where it
    had counted as sure, the turn's confidence loses it.
    """
    k = last_aligned(before.words)
    assert k is not None  # handed_over_late found it
    word = before.words[k]
    sure = k not in before.doubtful and plausible(word)
    before = replace(before, doubtful=tuple(sorted({*before.doubtful, k})),
                     confidence=round(max(0.0, before.confidence
                                          - (1 / len(before.words) if sure else 0.0)), 3))
    parted = hand_over(decoded, word, turn.words[0])
    if parted is None:
        return before, replace(turn, confidence=min(turn.confidence, DOUBTFUL_START))
    last, first = parted
    return (replace(before, words=(*before.words[:k], last, *before.words[k + 1:])),
            replace(turn, start=first.start, words=(first, *turn.words[1:])))


def part_count(speech: float) -> int:
    """How many parts a walk over ``speech`` seconds (estimated) is cut into.

    >>> part_count(110.0), part_count(480.0), part_count(2500.0)
    (1, 2, 4)
    """
    return max(round(speech / PART_SECONDS), SPLIT_PARTS if speech >= SPLIT_SECONDS else 1)


def _cuts(turns: Sequence[Turn], firsts: Sequence[int], words: Sequence[str], start: float,
          decoded: DecodedAudio, run: Runner) -> list[tuple[int, float]]:
    """The turns where the walk is cut into parts, and where each starts."""
    weights = [sum(word_weight(w) for w in turn.words) for turn in turns]
    total = sum(weights)
    parts = part_count(total)
    if parts < 2:
        return []
    # Where each turn would start if the speech from the first word to the end of
    # the audio went at one pace.
    pace = (decoded.duration - start) / total
    before, cuts, floor = 0.0, [], start
    share = 1
    for index, weight in enumerate(weights):
        if index and before >= share * total / parts and share < parts:
            share += 1
            found = repair.find_start(words[firsts[index]:], decoded, run,
                                      at=start + before * pace, floor=floor,
                                      ranges=repair.AROUND_RANGES,
                                      own=len(turns[index].words))
            if found is not None and found > floor:
                cuts.append((index, found))
                floor = found
        before += weight
    return cuts


def _job(turns: Sequence[Turn], firsts: Sequence[int], words: Sequence[str], a: int, b: int,
         at: float, until: float, decoded: DecodedAudio) -> TurnJob:
    """The walk over turns[a:b], from ``at`` to ``until`` (where turn b was found), with
    the words said around it given as a timed turn's are."""
    end = firsts[b] if b < len(turns) else len(words)
    before = said(reversed(words[:firsts[a]]))[::-1]
    after = said(words[end:])
    limit = min(decoded.duration, until + CONTEXT_REACH) if after else decoded.duration
    breaks = tuple(firsts[k] - firsts[a] for k in range(a + 1, b))
    # No probes set a scale for this episode's voices: only fits that are chance
    # whatever the voice are refused, and those within DOUBT_RATIO of that are
    # doubted, as a timed turn's within DOUBT_RATIO of its refusal. A path that jumps
    # is never taken on a doubtful fit (see window.try_window): with the doubt at the
    # chance bar itself, a back-off window of the real-speech sweep's speaker with a
    # cold jumped from one of his clips to the next one's like words at -36,400 a
    # frame, and 93-110 of his 185 words were 1-8 s off (bench/real_sweep.py seeds
    # 11, 12, 19 and 20; now 6-9 each, the turn still reported).
    return TurnJob(0, "", tuple(words[firsts[a]:end]), at, limit, str(decoded.path),
                   decoded.samples, CHANCE_BAR / DOUBT_RATIO, tuple(before), tuple(after),
                   until if after else None, breaks)
