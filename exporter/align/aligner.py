"""Every word of the transcript, aligned to the episode audio.

Turn starts are the anchors: each turn is aligned on its own, from just before its
start to just after the next turn's, so turns go to a process pool in any order and
the result does not depend on the number of workers. Inside a turn, pocketsphinx
gets windows of about 12 s of speech at a time (whole turns of minutes fail outright,
and cost grows faster than the window): each window starts where the last confidently
aligned word of the one before ended, and its last few words are aligned again at the
start of the next window, so no word sits at an edge.

A window that fails is tried again with wide beams, then in halves. Words that still
cannot be aligned are spread over the time between their aligned neighbours by their
speaking time; they are marked "interpolated", never dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from exporter.align import repair
from exporter.align.audio import DecodedAudio, decode
from exporter.align.estimate import spread
from exporter.align.sphinx import TokenTime, WindowAligner, mean_score
from exporter.align.text import tokens_for
from exporter.model import Transcript, Turn, Word
from exporter.speech import pause_after, word_weight
from exporter.workers import pool as worker_pool

CHUNK_SECONDS = 12.0
OVERLAP_WORDS = 4
BEFORE = 1.0  # transcript times are often rounded; speech may start a little early
AFTER = 0.3
#: A turn with less audio than this left before the end is not aligned.
MIN_TURN_AUDIO = 0.5
MIN_WORD, MAX_WORD = 0.03, 2.0
#: Failed window attempts allowed per turn (this many, plus one per two words)
#: before the rest of it is interpolated. Audio that does not hold the turn (the
#: wrong episode, an unrepaired ad break) makes every window fail, and searching on
#: would cost minutes per turn; hard but real turns need far fewer (a budget of 80
#: flat cost accuracy on the benchmark, this one does not).
FAILURE_BUDGET = 40
#: A turn whose first this-many windows all fail is not in this stretch of audio at
#: all (the wrong episode, a break the repair did not find): real speech gives a
#: success within the first few tries, and going on costs seconds per window.
HOPELESS_AFTER = 8


@dataclass(frozen=True)
class TurnJob:
    index: int
    speaker: str
    words: tuple[str, ...]
    start: float  # where the turn should start in the audio
    limit: float  # where it must be over
    pcm_path: str
    samples: int
    #: Windows scoring below this are chance fits, not the words (see repair).
    bar: float | None = None


@dataclass(frozen=True)
class TurnAlignment:
    """How one turn was aligned.

    :param method: ``aligned`` (first try), ``retried`` (wide beams or smaller
        windows were needed) or ``interpolated`` (some words could not be aligned).
    :param confidence: from 0 to 1: the share of words aligned and plausible.
    """

    index: int
    start: float
    words: tuple[Word, ...]
    method: str
    confidence: float
    suspicious: int = 0
    #: Stretches of words not found in the audio, as (first word, count): timed by
    #: spreading them between the words around them.
    unmatched: tuple[tuple[int, int], ...] = ()


@dataclass
class Alignment:
    """The words of the whole transcript with their times in the audio.

    :param offset: seconds of audio before the transcript's zero (found or given).
    :param insertions: audio found inserted (an ad break): the index of the first
        turn after it, and its length in seconds.
    :param shifts: for each turn, the seconds added to its transcript time to place
        it in the audio (the offset, plus every insertion before it).
    """

    words: list[Word]
    turns: list[TurnAlignment]
    duration: float
    offset: float = 0.0
    peaks: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    insertions: list[tuple[int, float]] = field(default_factory=list)
    shifts: list[float] = field(default_factory=list)

    def shift_for(self, turn: int) -> float:
        """Seconds to add to a time inside ``turn`` to find it in the audio."""
        return self.shifts[turn] if 0 <= turn < len(self.shifts) else self.offset


_ALIGNERS: dict[bool, WindowAligner] = {}


def _aligner(wide: bool) -> WindowAligner:
    if wide not in _ALIGNERS:
        _ALIGNERS[wide] = WindowAligner(wide)
    return _ALIGNERS[wide]


class _Audio:
    """Reads windows of the job's PCM file."""

    def __init__(self, job: TurnJob) -> None:
        self.audio = DecodedAudio(Path(job.pcm_path), job.samples)
        self.bar = job.bar
        self.failures = 0
        self.successes = 0
        self.budget = FAILURE_BUDGET + len(job.words) // 2

    def hopeless(self) -> bool:
        return self.failures >= self.budget or (
            self.successes == 0 and self.failures >= HOPELESS_AFTER)

    def read(self, start: float, end: float) -> tuple[bytes, float]:
        start = max(0.0, start)
        return self.audio.read(start, end), start


def _estimate(words: Sequence[str]) -> float:
    return sum(word_weight(w) for w in words)


def _try(tokens: list[str], audio: _Audio, start: float, end: float,
         wide: bool) -> list[TokenTime] | None:
    if audio.hopeless():
        return None
    pcm, offset = audio.read(start, end)
    found = _aligner(wide).align(tokens, pcm, offset)
    if found is not None and audio.bar is not None and mean_score(found) < audio.bar:
        found = None  # the words forced onto other speech: as bad as no fit
    if found is None:
        audio.failures += 1
    else:
        audio.successes += 1
    return found


def align_turn(job: TurnJob) -> TurnAlignment:
    """Align one turn's words inside its stretch of audio (runs in a worker)."""
    words = job.words
    tokens = [tokens_for(w) for w in words]
    audio = _Audio(job)
    times: list[tuple[float, float] | None] = [None] * len(words)
    method = "aligned"
    cursor = max(0.0, job.start - BEFORE)
    # The speaker's pace against the estimate: from the turn's own length at first
    # (a turn given less time than its words need is spoken faster), then from what
    # has been aligned.
    natural = _estimate(words)
    rate = min(1.0, max(0.3, (job.limit - job.start) / natural)) if natural else 1.0
    # Running sums of speaking time, so that pace is measured in constant time
    # (a turn can hold a million words).
    weights = [0.0]
    for word in words:
        weights.append(weights[-1] + word_weight(word))
    first_spoken: int | None = None
    i = 0
    while i < len(words):
        j = _chunk_end(words, i)
        trusted, used = _align_chunk(words, tokens, i, j, cursor, job.limit, audio, times,
                                     rate)
        if used == "interpolated" and trusted == i + 1 and times[i] is None:
            trusted = _resync(words, tokens, i, cursor, job.limit, audio, times, rate) \
                or trusted
        if used != "aligned":
            method = "interpolated" if "interpolated" in (used, method) else "retried"
        # Untrusted words are aligned again, with more context, in the next window.
        # Times were recorded at most up to the end of this chunk, or of the chunk
        # a resync found (which ends before the chunk from ``trusted`` does).
        stop = max(j, _chunk_end(words, trusted) if trusted < len(words) else j)
        for k in range(trusted, stop):
            times[k] = None
        last = times[trusted - 1] if trusted > 0 else None
        if last is not None:
            cursor = max(cursor, last[1] - 0.05)
            if first_spoken is None:
                first_spoken = next(k for k in range(trusted) if times[k] is not None)
            first = times[first_spoken]
            if first is not None and used == "aligned":
                expected = weights[trusted] - weights[first_spoken]
                if expected > 5.0:
                    rate = min(2.0, max(0.3, (last[1] - first[0]) / expected))
        i = trusted
    _settle_sentence_starts(words, times)
    result, unmatched = _fill(words, tokens, times, job)
    if unmatched:
        method = "interpolated"
    suspicious = sum(1 for w in result if w.method == "aligned"
                     and not MIN_WORD <= w.end - w.start <= MAX_WORD)
    aligned = sum(1 for w in result if w.method == "aligned")
    confidence = (aligned - suspicious) / len(result) if result else 0.0
    return TurnAlignment(job.index, result[0].start if result else job.start, tuple(result),
                         method, round(max(confidence, 0.0), 3), suspicious,
                         tuple((k, n) for k, n in unmatched if n >= UNMATCHED_WORDS))


def _chunk_end(words: Sequence[str], i: int) -> int:
    """The end of the chunk that starts at ``i``: about CHUNK_SECONDS of speech."""
    j, seconds = i, 0.0
    while j < len(words) and (j == i or seconds < CHUNK_SECONDS):
        seconds += word_weight(words[j])
        j += 1
    return j


def _resync(words: Sequence[str], tokens: list[list[str]], i: int, cursor: float,
            limit: float, audio: _Audio, times: list[tuple[float, float] | None],
            rate: float) -> int | None:
    """Find the first word after ``i`` that is spoken at the cursor.

    ``words[i]`` could not be aligned even alone: perhaps a stretch of the
    transcript is not in the audio (cut in the edit). Windows starting 1, 2, 4, ...
    words further on are tried from the cursor, then the gap is narrowed down, so
    the missing stretch is skipped (and reported) instead of being failed word by
    word. Returns the index up to which words are trusted, or None.
    """
    def attempt(skip: int) -> tuple[int, int, list[TokenTime]] | None:
        k = i + skip
        end_k = _chunk_end(words, k)
        flat = [t for n in range(k, end_k) for t in tokens[n]]
        if not flat:
            return None
        last = end_k >= len(words)
        end = limit if last else min(limit, cursor + _estimate(words[k:end_k]) * rate * 1.25
                                     + 1.0)
        found = _try(flat, audio, cursor, end, False)
        if found is None:
            return None
        trusted = end_k if (last or end >= limit) else max(k + 1, end_k - OVERLAP_WORDS)
        return k, trusted, found

    failed, skip = 0, 1
    best = None
    while i + skip < len(words) and not audio.hopeless():
        best = attempt(skip)
        if best is not None:
            break
        failed, skip = skip, skip * 2
    if best is None:
        return None
    while skip - failed > 1 and not audio.hopeless():
        middle = (failed + skip) // 2
        got = attempt(middle)
        if got is None:
            failed = middle
        else:
            skip, best = middle, got
    k, trusted, found = best
    _record(found, tokens, k, _chunk_end(words, k), times)
    return trusted


def _align_chunk(words: Sequence[str], tokens: list[list[str]], i: int, j: int,
                 cursor: float, limit: float, audio: _Audio,
                 times: list[tuple[float, float] | None], rate: float = 1.0
                 ) -> tuple[int, str]:
    """Align words[i:j] from ``cursor`` and record the times that can be trusted.

    Returns the index up to which words are trusted, and how it went (``aligned``,
    ``retried``, ``interpolated``). Unless the window runs to the end of the turn,
    its last few words are not trusted: speech after them in the window is pulled
    onto them, so they are aligned again at the start of the next window.
    """
    last = j >= len(words)
    # A window with much more speech than its words pulls them apart, so it is cut
    # to the time these words should take at the pace the speaker has shown.
    estimate = _estimate(words[i:j]) * rate
    flat = [t for k in range(i, j) for t in tokens[k]]
    if not flat:
        return j, "aligned"  # nothing to say (dashes); timed from the neighbours
    attempts = [(False, 1.25), (False, 1.8), (True, 1.8)]
    for number, (wide, stretch) in enumerate(attempts):
        end = limit if last else min(limit, cursor + estimate * stretch + 1.0)
        found = _try(flat, audio, cursor, end, wide)
        if found is not None:
            _record(found, tokens, i, j, times)
            trusted = j if (last or end >= limit) else max(i + 1, j - OVERLAP_WORDS)
            return trusted, "aligned" if number == 0 else "retried"
    if j - i > 1:
        middle = i + (j - i) // 2
        got, how = _align_chunk(words, tokens, i, middle, cursor, limit, audio, times, rate)
        return got, "retried" if how == "aligned" else how
    return j, "interpolated"


def _record(found: list[TokenTime], tokens: list[list[str]], i: int, j: int,
            times: list[tuple[float, float] | None]) -> None:
    position = 0
    for k in range(i, j):
        count = len(tokens[k])
        if count:
            first, last = found[position], found[position + count - 1]
            times[k] = (round(first.start, 3), round(last.end, 3))
            position += count


_SENTENCE_END = re.compile(r"[.?!][\"')\]\u201d\u2019]*$")


def _settle_sentence_starts(words: Sequence[str],
                            times: list[tuple[float, float] | None]) -> None:
    """Move a sentence's first word across the pause it was pulled into.

    The aligner sometimes glues a short sentence-initial word ("And", "But") to the
    end of the sentence before, leaving the pause after it. People pause at the
    end of a sentence, not after its first word: when a sentence's first word starts
    exactly where the last one ended and a long pause follows it, it belongs just
    before the next word.
    """
    for k in range(1, len(words) - 1):
        prev, here, nxt = times[k - 1], times[k], times[k + 1]
        if prev is None or here is None or nxt is None:
            continue
        if not _SENTENCE_END.search(words[k - 1]):
            continue
        if here[0] - prev[1] >= 0.02 or _SENTENCE_END.search(words[k]):
            continue  # a one-word sentence ("Right?") has its own pause after it
        if nxt[0] - here[1] >= 0.25:
            length = here[1] - here[0]
            times[k] = (round(nxt[0] - length, 3), nxt[0])
            continue
        # Or the pause was swallowed into the word itself, which then lasts far
        # longer than it takes to say: its sound is at its end.
        expected = word_weight(words[k]) - pause_after(words[k])
        if here[1] - here[0] > 2 * expected + 0.25:
            times[k] = (round(here[1] - 1.3 * expected, 3), here[1])


#: A run of this many words not found in the audio is reported, not just spread.
UNMATCHED_WORDS = 6


def _fill(words: Sequence[str], tokens: list[list[str]],
          times: list[tuple[float, float] | None], job: TurnJob
          ) -> tuple[list[Word], list[tuple[int, int]]]:
    """Words with times; those without are spread between their neighbours.

    Also returns the runs of words that were not found, as (first word, count).
    """
    out: list[Word] = []
    unmatched: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        if times[k] is not None:
            start, end = times[k]  # type: ignore[misc]
            out.append(Word(words[k], start, end, job.speaker, job.index, "aligned"))
            k += 1
            continue
        gap_end = k
        while gap_end < len(words) and times[gap_end] is None:
            gap_end += 1
        left = out[-1].end if out else max(0.0, job.start)
        right_time = times[gap_end][0] if gap_end < len(words) else None  # type: ignore[index]
        right = right_time if right_time is not None else min(
            job.limit, left + _estimate(words[k:gap_end]) + 0.2)
        # Words with no sound of their own (a dash) are not a failure.
        silent = not any(tokens[k:gap_end])
        if not silent:
            unmatched.append((k, gap_end - k))
        for text, (s, e) in zip(words[k:gap_end], spread(words[k:gap_end], left, right),
                                strict=True):
            out.append(Word(text, s, max(e, s), job.speaker, job.index,
                            "aligned" if silent else "interpolated"))
        k = gap_end
    return out, unmatched


def align(transcript: Transcript, audio: str | os.PathLike[str], *, jobs: int | None = None,
          offset: float = 0.0, repair: bool = True,
          progress: Callable[[str, float], None] | None = None) -> Alignment:
    """Align every word of ``transcript`` to ``audio``.

    :param jobs: worker processes (default: one per core); the result is the same
        whatever the number.
    :param offset: seconds to add to the transcript's times (audio before the
        transcript's zero, such as an intro added later).
    :param repair: find the offset when none is given; off, the transcript's times
        are trusted.
    :param progress: called with a stage name and a fraction done.
    :raises AudioError: when the audio cannot be decoded.
    """
    workers = jobs or os.cpu_count() or 1
    pool = worker_pool(workers) if workers > 1 else None
    try:
        if pool is not None:
            # The workers load the dictionary and the model while ffmpeg decodes.
            for _ in range(workers):
                pool.submit(_warm_up)
        decoded = decode(audio, on_progress=(lambda s: progress("decode", s)) if progress
                         else None)
        try:
            return _align_with(transcript, decoded, pool, offset, repair, progress)
        finally:
            decoded.close()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _warm_up() -> None:
    _aligner(False)


def _align_with(transcript: Transcript, decoded: DecodedAudio,
                pool: ProcessPoolExecutor | None, offset: float, repair_times: bool,
                progress: Callable[[str, float], None] | None) -> Alignment:
    turns = transcript.turns
    duration = decoded.duration
    warnings: list[str] = []

    def run(probes: Sequence[repair.ProbeJob]) -> list[tuple[float, float] | None]:
        if pool is None:
            return repair.serial(probes)
        return list(pool.map(repair.run_probe, probes, chunksize=4))

    if repair_times and offset == 0.0:
        offset = repair.find_offset(turns, decoded, run)
        if offset:
            warnings.append(f"the transcript's times are {offset:+.1f} s off the audio "
                            "(found from the first turns); every turn was moved by that")
    # With the times trusted, the probes still tell chance fits (wrong audio) apart.
    found = repair.find_insertions(turns, decoded, offset, run, search=repair_times)
    shifts, insertions, bar = found.shifts, found.insertions, found.bar
    for before, seconds in insertions:
        warnings.append(f"{seconds:.1f} s of audio that is not in the transcript comes "
                        f"before turn {before + 1} (at {turns[before].start:.1f} s): an "
                        "inserted break; the turns after it were moved by that")
    job_list = []
    beyond: list[int] = []
    for index, turn in enumerate(turns):
        start = turn.start + shifts[index]
        if start >= duration - MIN_TURN_AUDIO:
            beyond.append(index)
            continue
        # A turn ends where the next would start without any break inserted after it.
        nxt = turns[index + 1].start + shifts[index] if index + 1 < len(turns) else duration
        limit = min(duration, max(nxt, start) + AFTER)
        job_list.append(TurnJob(index, turn.speaker, tuple(turn.words), start, limit,
                                str(decoded.path), decoded.samples, bar))
    if beyond:
        first = turns[beyond[0]]
        warnings.append(f"{len(beyond)} turn{'s' if len(beyond) > 1 else ''} from turn "
                        f"{beyond[0] + 1} (at {first.start:.1f} s) on start after the audio "
                        f"ends ({duration:.1f} s); their words were not aligned")
    done: dict[int, TurnAlignment] = {
        index: _beyond_the_end(index, turns[index], duration) for index in beyond}
    if pool is None:
        for job in job_list:
            done[job.index] = align_turn(job)
            if progress:
                progress("align", len(done) / len(turns))
    else:
        # Longest turns first keeps both cores busy to the end; results are put
        # back in transcript order.
        order = sorted(job_list, key=lambda j: -len(j.words))
        futures = [(job.index, pool.submit(align_turn, job)) for job in order]
        for index, future in futures:
            done[index] = future.result()
            if progress:
                progress("align", len(done) / len(turns))
    results = [done[i] for i in range(len(turns))]
    words = _monotonic([w for r in results for w in r.words])
    return Alignment(words, results, duration, offset, decoded.peaks, warnings,
                     insertions=insertions, shifts=shifts)


def _beyond_the_end(index: int, turn: Turn, duration: float) -> TurnAlignment:
    """A turn that starts after the audio ends: its words at the end, unaligned."""
    words = tuple(Word(w, duration, duration, turn.speaker, index, "interpolated")
                  for w in turn.words)
    return TurnAlignment(index, duration, words, "interpolated", 0.0)


def _monotonic(words: list[Word]) -> list[Word]:
    """Make times never go backwards across turn edges (crosstalk, overlaps)."""
    out: list[Word] = []
    floor = 0.0
    for word in words:
        start = max(word.start, floor)
        end = max(word.end, start)
        if start != word.start or end != word.end:
            word = Word(word.text, start, end, word.speaker, word.turn, word.method)
        out.append(word)
        floor = start
    return out
