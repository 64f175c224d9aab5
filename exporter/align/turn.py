"""One turn's words, aligned in windows inside its stretch of audio (runs in a worker).

Pocketsphinx gets windows of about 12 s of speech at a time (whole turns of minutes
fail outright, and cost grows faster than the window): each window starts where the
last confidently aligned word of the one before ended, and its last few words are
aligned again at the start of the next window, so no word sits at an edge. A turn's
first window also holds the last words of the turn before, and its last window the
first words of the turn after, both optional (see :mod:`exporter.align.sphinx`), so
that where one speaker hands over to the next is found from the audio.

A window that fails is tried again with wide beams, then in halves. Words that still
cannot be aligned are spread over the time between their aligned neighbours by their
speaking time; they are marked "interpolated", never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from exporter.align.audio import DecodedAudio
from exporter.align.edges import (
    DOUBTFUL_START,
    MAX_WORD,
    MIN_WORD,
    doubtful_start,
    settle_sentence_starts,
    start_after_pauses,
)
from exporter.align.estimate import clip_runs, fill
from exporter.align.sphinx import TokenTime, WindowAligner, mean_score
from exporter.align.text import tokens_for
from exporter.model import TurnAlignment
from exporter.speech import word_weight

CHUNK_SECONDS = 12.0
OVERLAP_WORDS = 4
BEFORE = 1.0  # transcript times are often rounded; speech may start a little early
AFTER = 0.3
#: How far a turn's first window opens before its time (on top of BEFORE), and its
#: last window reaches past the next turn's time: rounded-down times put a speaker
#: up to a second plus a pause later than the time says.
CONTEXT_REACH = 2.0
#: Words of the neighbouring turns are aligned with a turn's first and last windows,
#: as many as take this long to say: more than the reach holds, because a window
#: that holds speech of a word not given forces the turn's own words onto it, while
#: words given beyond the window's edge only crowd at that edge.
CONTEXT_SECONDS = 5.0
#: A turn with less audio than this left before the end is not aligned.
MIN_TURN_AUDIO = 0.5
#: Failed window attempts allowed per turn (this many, plus one per two words)
#: before the rest of it is interpolated. Audio that does not hold the turn (the
#: wrong episode, an unrepaired ad break) makes every window fail, and searching on
#: would cost minutes per turn; hard but real turns need far fewer (a budget of 80
#: flat cost accuracy on the benchmark, this one does not).
FAILURE_BUDGET = 40
#: The slowest pace, against the estimate, that a turn's own length may suggest at
#: first: readers and thoughtful speakers are slower than the estimate, and windows
#: cut to the estimate then fail; measured pace takes over after a few seconds.
MAX_START_RATE = 1.6
#: How far a turn's first window may open from the planned time, to open in a pause.
QUIET_RADIUS = 0.5
#: A turn whose first this-many windows all fail is not in this stretch of audio at
#: all (the wrong episode, a break the repair did not find): real speech gives a
#: success within the first few tries, and going on costs seconds per window.
HOPELESS_AFTER = 8
#: A run of this many words not found in the audio is reported, not just spread.
UNMATCHED_WORDS = 6
#: How far back (in time, over words already placed) a window that failed goes to
#: align again, once per place: about half a window.
BACK_OFF_SECONDS = 6.0


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
    #: The last words of the turn before and the first of the turn after: aligned
    #: with this turn's first and last windows so that its edges are found, then
    #: dropped.
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    #: Where the next turn's time says it starts (``limit`` reaches past it).
    next_start: float | None = None


_ALIGNERS: dict[str, WindowAligner] = {}
#: How a window is tried, in turn: the decoder settings (see sphinx.SETTINGS) and
#: how much longer than the words' estimated time the window may be.
ATTEMPTS = (("normal", 1.25), ("normal", 1.8), ("wide", 1.8))
FIRST_TRY = ATTEMPTS[0][0]


def aligner_for(settings: str) -> WindowAligner:
    """This process's window aligner with the named settings, made on first use."""
    if settings not in _ALIGNERS:
        _ALIGNERS[settings] = WindowAligner(settings)
    return _ALIGNERS[settings]


class _Audio:
    """Reads windows of the job's PCM file."""

    def __init__(self, job: TurnJob) -> None:
        self.audio = DecodedAudio(Path(job.pcm_path), job.samples)
        self.bar = job.bar
        #: The turn's own words among the ones aligned: words[lead:own_end].
        self.lead = len(job.before)
        self.own_end = self.lead + len(job.words)
        self.turn_start = job.start
        self.failures = 0
        self.successes = 0
        self.budget = FAILURE_BUDGET + len(job.words) // 2
        #: Where windows were aligned again from earlier (see _back_off), and the
        #: cursor a back-off left, for the loop to take up.
        self.backed_off: set[int] = set()
        self.moved_back: float | None = None

    def hopeless(self) -> bool:
        return self.failures >= self.budget or (
            self.successes == 0 and self.failures >= HOPELESS_AFTER)

    def read(self, start: float, end: float) -> tuple[bytes, float]:
        start = max(0.0, start)
        return self.audio.read(start, end), start

    def quiet_point(self, around: float) -> float:
        return self.audio.quiet_point(around, QUIET_RADIUS)


def _estimate(words: Sequence[str]) -> float:
    return sum(word_weight(w) for w in words)


def _try(tokens: Sequence[list[str]], i: int, j: int, audio: _Audio, start: float,
         end: float, settings: str) -> list[TokenTime | None] | None:
    """Align the tokens of words[i:j] in the audio from ``start`` to ``end``.

    Words of the neighbouring turns in the window are optional at its edges: the
    path may start at any of those before the turn's own words, and end after any of
    those after them. (Letting a window's path end before its last own words too,
    which are aligned again in the next window anyway, lost the way: the audio of the
    words left out was then spread over the words before them.)
    """
    if audio.hopeless():
        return None
    flat = [t for k in range(i, j) for t in tokens[k]]
    bounds = [0]
    for k in range(i, j):
        bounds.append(bounds[-1] + len(tokens[k]))
    starts = sorted(set(bounds[: max(1, min(j, audio.lead) - i + 1)]))
    ends = sorted(set(bounds[max(0, audio.own_end - i):])) if j > audio.own_end \
        else [len(flat)]
    pcm, offset = audio.read(start, end)
    found = aligner_for(settings).align(flat, pcm, offset, starts, ends)
    if found is not None and audio.bar is not None and mean_score(found) < audio.bar:
        found = None  # the words forced onto other speech: as bad as no fit
    if found is None:
        audio.failures += 1
    else:
        audio.successes += 1
    return found


def align_turn(job: TurnJob) -> TurnAlignment:
    """Align one turn's words inside its stretch of audio (runs in a worker)."""
    lead = len(job.before)
    words = job.before + job.words + job.after
    tokens = [tokens_for(w) for w in words]
    audio = _Audio(job)
    times: list[tuple[float, float] | None] = [None] * len(words)
    method = "aligned"
    # The speaker's pace against the estimate: from the turn's own length at first
    # (a turn given less time than its words need is spoken faster; one given more
    # may be spoken slower, or followed by a pause), then from what has been aligned.
    natural = _estimate(job.words)
    span = (job.next_start if job.next_start is not None else job.limit) - job.start
    rate = min(MAX_START_RATE, max(0.3, span / natural)) if natural else 1.0
    # The window opens in a pause: one that opens inside a word has a piece of it that
    # no word given fits, and the turn's first words would be forced onto it. With
    # the words of the turn before given, it may open anywhere in the reach, whose
    # quietest stretch is most likely the pause between the speakers.
    if job.before:
        reach = CONTEXT_REACH / 2
        cursor = audio.audio.quiet_point(job.start - BEFORE - reach, reach)
    else:
        cursor = audio.quiet_point(job.start - BEFORE)
    limit = audio.audio.quiet_point(job.limit - CONTEXT_REACH / 2, CONTEXT_REACH / 2) \
        if job.after else job.limit
    # Running sums of speaking time, so that pace is measured in constant time
    # (a turn can hold a million words).
    weights = [0.0]
    for word in words:
        weights.append(weights[-1] + word_weight(word))
    first_spoken: int | None = None
    i = 0
    while i < audio.own_end:
        # The words of the turn before ride along with the first chunk; the turn's
        # own words are chunked as they would be without them.
        j = _chunk_end(words, max(i, lead))
        if j >= audio.own_end:
            j = len(words)  # the next turn's words are optional after the last window
        back_off = partial(_back_off, words, tokens, i, cursor, limit, audio, times, rate)
        trusted, used = _align_chunk(words, tokens, i, j, cursor, limit, audio, times, rate,
                                     rescue=back_off if i > lead else None)
        if audio.moved_back is not None:
            # The window before stretched its last words over speech that was not
            # theirs; they were aligned again from earlier.
            cursor, audio.moved_back = audio.moved_back, None
        if used == "interpolated" and trusted == i + 1 and times[i] is None:
            trusted = _resync(words, tokens, i, cursor, limit, audio, times, rate) \
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
    settle_sentence_starts(words, times)
    start_after_pauses(audio.audio, words, times, lead, lead + len(job.words))
    filled, unmatched = fill(words, tokens, times, job.speaker, job.index, job.start,
                             job.limit)
    result = filled[lead:lead + len(job.words)]
    unmatched = [(k - lead, n) for k, n in clip_runs(unmatched, lead, len(job.words))]
    if unmatched or any(w.method == "interpolated" for w in result):
        method = "interpolated"
    suspicious = sum(1 for w in result if w.method == "aligned"
                     and not MIN_WORD <= w.end - w.start <= MAX_WORD)
    aligned = sum(1 for w in result if w.method == "aligned")
    confidence = (aligned - suspicious) / len(result) if result else 0.0
    if doubtful_start(result):
        confidence = min(confidence, DOUBTFUL_START)
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
    def attempt(skip: int) -> tuple[int, int, list[TokenTime | None]] | None:
        k = i + skip
        end_k = _chunk_end(words, k)
        if not any(tokens[k:end_k]):
            return None
        last = end_k >= len(words)
        end = limit if last else min(limit, cursor + _estimate(words[k:end_k]) * rate * 1.25
                                     + 1.0)
        found = _try(tokens, k, end_k, audio, cursor, end, FIRST_TRY)
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


def _back_off(words: Sequence[str], tokens: list[list[str]], i: int, cursor: float,
              limit: float, audio: _Audio, times: list[tuple[float, float] | None],
              rate: float) -> tuple[int, str, float] | None:
    """Align again from BACK_OFF_SECONDS of words before ``i``, after a window at ``i`` failed.

    A window holding more speech than its words (a speaker slower than the pace
    so far, a word said unlike its dictionary entry) stretches its words over the
    speech after them. When that reaches past the few words that are aligned again
    anyway, the cursor ends up past words not yet aligned, and every window from it
    fails. Going back once to words that were placed earlier in that window, and
    aligning from there, finds the way again. Returns (trusted, how, new cursor).
    """
    if i in audio.backed_off:
        return None
    audio.backed_off.add(i)
    b = i
    while b - 1 > audio.lead and (earlier := times[b - 1]) is not None \
            and earlier[0] > cursor - BACK_OFF_SECONDS:
        b -= 1
    previous = times[b - 1] if b > 0 else None
    if b == i or previous is None:
        return None
    start = previous[1] - 0.05
    placed = times[b:i]
    times[b:i] = [None] * (i - b)
    trusted, how = _align_chunk(words, tokens, b, _chunk_end(words, b), start, limit, audio,
                                times, rate, halve=False)
    if how == "failed":
        times[b:i] = placed
        return None
    last = times[trusted - 1]
    return trusted, "retried", last[1] - 0.05 if last is not None else start


def _align_chunk(words: Sequence[str], tokens: list[list[str]], i: int, j: int,
                 cursor: float, limit: float, audio: _Audio,
                 times: list[tuple[float, float] | None], rate: float = 1.0,
                 rescue: Callable[[], tuple[int, str, float] | None] | None = None,
                 halve: bool = True) -> tuple[int, str]:
    """Align words[i:j] from ``cursor`` and record the times that can be trusted.

    Returns the index up to which words are trusted, and how it went (``aligned``,
    ``retried``, ``interpolated``; ``failed`` when ``halve`` is off and no attempt
    fit). Unless the window runs to the end of the turn, its last few words are not
    trusted: speech after them in the window is pulled onto them, so they are
    aligned again at the start of the next window. When every attempt fails,
    ``rescue`` is tried before the window is halved.
    """
    last = j >= len(words)
    # A window with much more speech than its words pulls them apart, so it is cut
    # to the time these words should take at the pace the speaker has shown. The
    # words of the turn before are in the lead-in, however many of them it holds.
    own = max(i, audio.lead)
    lead_in = max(0.0, audio.turn_start - cursor) if i < audio.lead else 0.0
    estimate = _estimate(words[own:j]) * rate
    if not any(tokens[i:j]):
        return j, "aligned"  # nothing to say (dashes); timed from the neighbours
    for number, (settings, stretch) in enumerate(ATTEMPTS):
        end = limit if last else min(limit, cursor + lead_in + estimate * stretch + 1.0)
        found = _try(tokens, i, j, audio, cursor, end, settings)
        if found is not None:
            _record(found, tokens, i, j, times)
            trusted = j if (last or end >= limit) else max(i + 1, j - OVERLAP_WORDS)
            return trusted, "aligned" if number == 0 else "retried"
    if rescue is not None and (saved := rescue()) is not None:
        audio.moved_back = saved[2]
        return saved[0], saved[1]
    if not halve:
        return i, "failed"
    if j - i > 1:
        middle = i + (j - i) // 2
        got, how = _align_chunk(words, tokens, i, middle, cursor, limit, audio, times, rate)
        return got, "retried" if how == "aligned" else how
    return j, "interpolated"


def _record(found: Sequence[TokenTime | None], tokens: list[list[str]], i: int, j: int,
            times: list[tuple[float, float] | None]) -> None:
    """Times of words[i:j] from the tokens found (None: a context word not in the window)."""
    position = 0
    for k in range(i, j):
        count = len(tokens[k])
        if count:
            first, last = found[position], found[position + count - 1]
            if first is not None and last is not None:
                times[k] = (round(first.start, 3), round(last.end, 3))
            position += count
