"""One turn's words, aligned in windows inside its stretch of audio (runs in a worker).

Windows (see :mod:`exporter.align.window`) hold about 12 s of speech: each starts
where the last confidently aligned word of the one before ended, and its last few words are
aligned again at the start of the next window, so no word sits at an edge. A turn's
first window also holds the last words of the turn before, and its last window the
first words of the turn after, both optional (see :mod:`exporter.align.sphinx`), so
that where one speaker hands over to the next is found from the audio.

A window that fails is tried again with wide beams, then (in a timed turn) with
single words that may be left out of the path (a word swallowed in fast speech
leaves no path at all), then aligned again from a few seconds back, where a run of
words not in the audio may be jumped over (see :mod:`exporter.align.recover`),
then in halves, and when every half fails, once more with runs of words that may
be left out. When the walk is over, each run of words it could not align is aligned
again in one window held at both ends by the words around it (see
:func:`exporter.align.recover.bridge`). Words that still cannot be aligned are spread
over the time between their aligned neighbours by their speaking time; they are
marked "interpolated", never dropped.

An untimed transcript is walked as one stretch with its speaker changes marked
(``TurnJob.breaks``): a window that reaches another speaker's turn ends with that
turn's first words optional, and the next opens a little before with the last words
given again (see :func:`_hand_over`), so that the change is found from the audio as
a timed turn's edges are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from exporter.align import made, repair
from exporter.align.audio import DecodedAudio
from exporter.align.edges import (
    DOUBTFUL_START,
    doubtful_start,
    end_overlaps,
    plausible,
    settle_sentence_starts,
    settle_turn_starts,
    start_after_pauses,
)
from exporter.align.estimate import clip_runs, fill
from exporter.align.jobs import BEFORE, begin, span
from exporter.align.probes import Runner, serial
from exporter.align.recover import back_off, bridge, jump_in, opening, resync
from exporter.align.resume import Lost, Resume
from exporter.align.text import spoken_tokens
from exporter.align.window import (
    CONTEXT_REACH,
    CONTEXT_SECONDS,
    TurnJob,
    WindowAudio,
    align_chunk,
    aligner_for,
    chunk_end,
    estimate,
    said,
)
from exporter.model import TurnAlignment, Word
from exporter.speech import word_weight

__all__ = ["CONTEXT_REACH", "CONTEXT_SECONDS", "Lost", "TurnJob",
           "align_turn", "aligner_for", "judge", "locator", "resumed", "said", "walk"]

#: After this many searches in a row for the turn after a lost one fail, no more
#: are made: the audio is not this transcript's (or the rest is missing), and each
#: search costs seconds.
UNFOUND_SEARCHES = 2
#: A run of this many words not found in the audio is reported, not just spread.
UNMATCHED_WORDS = 6


#: Finds where the words given start, from (words, where they should, not before,
#: how many of them are the first speaker's: see repair.find_start).
Locate = Callable[[Sequence[str], float, float, int], float | None]


def locator(audio: DecodedAudio, run: Runner = serial) -> Locate:
    """Where the turn after a lost one starts, searched for around the guess."""
    return partial(_locate, audio, run)


def resumed(job: TurnJob, lost: Lost, locate: Locate) -> TurnJob:
    """``job`` taken up again after ``lost``, the turn after it searched for with
    ``locate``, as the walk does when it searches itself (see align_turn)."""
    found = locate(lost.words, lost.guess, lost.floor, lost.own)
    state = replace(lost.state, unfound=0 if found is not None else lost.state.unfound + 1,
                    cursor=found if found is not None else lost.guess)
    return replace(job, resumed=state)


def walk(job: TurnJob) -> TurnAlignment | Lost:
    """Align one turn's words (runs in a worker), as align_turn does, except that an
    untimed walk that loses a speaker's turn stops there and says so, instead of
    searching for the turn after it one probe at a time: the caller's pool can
    run that search on every core (the untimed real-speech benchmark's other
    worker had been idle for the 4 s it took)."""
    with made.remembered(job.known):
        return _walk(job, None, None, defer_search=True)


def align_turn(job: TurnJob, progress: Callable[[float], None] | None = None,
               locate: Locate | None = None) -> TurnAlignment:
    """Align one turn's words inside its stretch of audio (runs in a worker).

    :param progress: called with the share of the words done after each window.
    :param locate: with ``job.breaks``, finds where the next speaker starts after a
        turn that could not be aligned (default: a search in this process).
    """
    if locate is None and job.breaks:
        locate = locator(DecodedAudio(Path(job.pcm_path), job.samples))
    with made.remembered(job.known):
        out = _walk(job, progress, locate)
    assert isinstance(out, TurnAlignment)  # only a walk told to stop returns a Lost
    return out


def _walk(job: TurnJob, progress: Callable[[float], None] | None, locate: Locate | None,
          defer_search: bool = False) -> TurnAlignment | Lost:
    lead = len(job.before)
    words = job.before + job.words + job.after
    tokens = spoken_tokens(words)
    audio = WindowAudio(job)
    times: list[tuple[float, float] | None] = [None] * len(words)
    method = "aligned"
    # The speaker's pace: from the turn's own length at first (see jobs.begin), then
    # from what has been aligned.
    cursor, limit, rate = begin(job, audio)
    opened = cursor  # where the first window opens: a bridge from the turn start holds there
    # Running sums of speaking time, so that pace is measured in constant time
    # (a turn can hold a million words).
    weights = [0.0]
    for word in words:
        weights.append(weights[-1] + word_weight(word))
    first_spoken: int | None = None
    turn_from = 0  # where the speaker whose pace is measured began
    unfound = 0  # searches in a row that did not find the turn after a lost one
    breaks = audio.breaks
    i = 0
    if (state := job.resumed) is not None:
        # Taken up at the hand-over after a lost turn, as the loop below hands over.
        times, method, unfound = list(state.times), state.method, state.unfound
        audio.backed_off = set(state.backed_off)
        audio.doubtful, audio.absent = set(state.doubtful), set(state.absent)
        turn_from, first_spoken, rate = state.handed, None, 1.0
        i, cursor = _take_over(words, audio, times, breaks, state.handed, state.previous,
                               state.cursor if state.reached is None else state.reached)
    while i < audio.own_end:
        j, tail, ahead = span(words, i, audio, breaks)
        rescue = partial(back_off if i > lead else jump_in, words, tokens, i, cursor, limit,
                         audio, times, rate)
        trusted, used = align_chunk(words, tokens, i, j, cursor, limit, audio, times, rate,
                                     rescue=rescue, tail=tail, ahead=ahead)
        _restore(audio, times)
        if audio.moved_back is not None:
            # The window before stretched its last words over speech that was not
            # theirs; they were aligned again from earlier.
            cursor, audio.moved_back = audio.moved_back, None
        if used == "interpolated" and trusted == i + 1 and times[i] is None:
            trusted = resync(words, tokens, i, cursor, limit, audio, times, rate) \
                or trusted
        if used != "aligned":
            method = "interpolated" if "interpolated" in (used, method) else "retried"
        # Untrusted words are aligned again, with more context, in the next window.
        # Times were recorded at most up to the end of this chunk, or of the chunk
        # a resync found (which ends before the chunk from ``trusted`` does).
        stop = max(j, chunk_end(words, trusted) if trusted < len(words) else j)
        for k in range(trusted, stop):
            times[k] = None
        # The window's last word placed: a note or a dash has no time of its own (a
        # window that ended after "[coughs]" left the cursor at the turn's opening,
        # and the phone-line variant's next window laid the words after the cough
        # over the turn's first seconds, 19 s early, time running backwards).
        end = trusted
        while end > i and not tokens[end - 1] and times[end - 1] is None:
            end -= 1
        last = times[end - 1] if end > 0 else None
        audio.head = 0
        handed = tail if tail is not None and trusted == tail and last is not None else None
        if last is not None and (crossed := [b for b in breaks if turn_from < b < trusted]):
            # A rescue's path (a jump over words not in the audio) ran on into the
            # next speaker's turn: the change was found in that one path, as a
            # hand-over would find it. Handing over from the last word trusted would
            # align the new turn again from its first word at the wrong place (the
            # edited-untimed benchmark lost a turn so). The new speaker's pace and
            # budget start afresh.
            turn_from, first_spoken, rate = crossed[-1], None, 1.0
            audio.fresh(next((b for b in breaks if b > turn_from), len(words)) - turn_from)
        if handed is None and audio.hopeless() \
                and (given_up := next((b for b in breaks if b > turn_from), None)) is not None:
            # This speaker's turn cannot be found (crosstalk, a voice the model does
            # not know): the rest of it is spread, and the next turn is looked for
            # where it would start at the pace so far.
            rest = max(trusted, turn_from)
            for k in range(rest, given_up):
                times[k] = None
            handed = given_up
            guess = cursor + estimate(words[rest:given_up]) * rate
            placed = [t for t in times[:rest] if t is not None]
            floor = placed[-1][1] if placed else -1.0
            own = next((b for b in breaks if b > given_up), audio.own_end) - given_up
            if defer_search and unfound < UNFOUND_SEARCHES:
                return Lost(tuple(words[given_up:audio.own_end]), guess, floor, own,
                            Resume(tuple(times), method, unfound, turn_from, given_up, guess,
                                   last[1] if given_up == tail and last is not None else None,
                                   frozenset(audio.backed_off), frozenset(audio.doubtful),
                                   frozenset(audio.absent)))
            found = locate(words[given_up:audio.own_end], guess, floor, own) \
                if locate and unfound < UNFOUND_SEARCHES else None
            unfound = unfound + 1 if found is None else 0
            # The hand-over opens a little before the time given.
            cursor = found if found is not None else guess
        if handed is not None:
            # The next speaker's pace is their own, measured afresh.
            previous, first_spoken, turn_from, rate = turn_from, None, handed, 1.0
            i, cursor = _take_over(words, audio, times, breaks, handed, previous,
                                   last[1] if handed == tail and last is not None else cursor)
            continue
        if last is not None:
            cursor = max(cursor, opening(times, end))
            if first_spoken is None:
                first_spoken = next((k for k in range(turn_from, trusted)
                                     if times[k] is not None), None)
            first = times[first_spoken] if first_spoken is not None else None
            if first is not None and first_spoken is not None and used == "aligned":
                expected = weights[trusted] - weights[first_spoken]
                if expected > 5.0:
                    rate = min(2.0, max(0.3, (last[1] - first[0]) / expected))
        i = trusted
        if progress is not None:
            progress(min(1.0, max(0, i - lead) / max(1, len(job.words))))
    if bridge(words, tokens, audio, times, limit, opened) and method == "interpolated":
        method = "retried"  # judged again from the words: some may still be spread
    end_overlaps(times)
    settle_sentence_starts(words, times)
    settle_turn_starts(words, times, [lead, *breaks])
    start_after_pauses(audio.audio, words, times, lead, lead + len(job.words), breaks)
    filled, unmatched = fill(words, tokens, times, job.speaker, job.index, job.start,
                             job.limit)
    runs = [(k - lead, n) for k, n in clip_runs(unmatched, lead, len(job.words))]
    result = filled[lead:lead + len(job.words)]
    absent = {k - lead for k in audio.absent}
    unaligned = [run for run in runs if not evidenced(run, result, absent)]
    return judge(job.index, result, method, [run for run in runs if run not in unaligned],
                 job.start, {k - lead for k in audio.doubtful}, unaligned)


def evidenced(run: tuple[int, int], result: Sequence[Word], absent: Collection[int]
              ) -> bool:
    """Whether the audio says a run (first word, count) of words that could not be
    aligned is not in it: a path went on without most of them, or the words around
    them leave them less than half the time they take to say (an edit took their
    audio, and the turns' own words close the gap). Otherwise every window over them
    failed, and they may well be said (a voice the model hears badly).

    >>> w = lambda k, start, end: Word(f"word{k}", start, end, "A", 0, "interpolated")
    >>> squeezed = [w(k, 1.0 + 0.05 * k, 1.05 + 0.05 * k) for k in range(8)]
    >>> spread = [w(k, 1.0 + 0.4 * k, 1.4 + 0.4 * k) for k in range(8)]
    >>> evidenced((0, 8), squeezed, ()), evidenced((0, 8), spread, ())
    (True, False)
    >>> evidenced((2, 4), spread, {2, 3, 4}), evidenced((2, 4), spread, {2, 3})
    (True, False)
    """
    first, count = run
    if 2 * sum(1 for k in range(first, first + count) if k in absent) > count:
        return True
    words = result[first:first + count]
    return bool(words) and words[-1].end - words[0].start \
        < 0.5 * sum(word_weight(w.text) for w in words)


def _locate(audio: DecodedAudio, run: Runner, words: Sequence[str], guess: float,
            floor: float, own: int) -> float | None:
    return repair.find_start(words, audio, run, at=guess, floor=floor,
                             ranges=repair.AFTER_LOST_RANGES, own=own)


def judge(index: int, result: Sequence[Word], method: str,
          unmatched: Sequence[tuple[int, int]], start: float,
          doubtful: Collection[int] = (), unaligned: Sequence[tuple[int, int]] = ()
          ) -> TurnAlignment:
    """A turn's alignment from its words: how it went, and how sure it is.

    ``unmatched`` are the runs of words the audio says are not in it (see
    :func:`evidenced`), ``unaligned`` those that could not be aligned for no such
    reason (a voice the model hears badly): a producer reading that words are not in
    the audio looks for an edit, and a hard voice is not one.

    The confidence is the share of words aligned with a plausible length by windows
    that fit surely (not the ``doubtful`` ones: see bars.DOUBT_RATIO), at most
    DOUBTFUL_START when the turn's first words are stretched (its start is in doubt).
    A word of a length no word has (see edges.plausible) is named doubtful too, as
    the words of a doubtful fit are: it counted against the confidence, but
    words.json and the review page did not say which it was. A note or a dash is
    timed from its neighbours, whatever its length.
    A turn whose first words are reported as not in the audio (an edit took its
    opening sentence) starts where its speaker is first heard, not where those
    words were spread: a chapter or a review that jumps to the turn lands on speech.
    """
    if unmatched or unaligned or any(w.method == "interpolated" for w in result):
        method = "interpolated"
    spoken = spoken_tokens([w.text for w in result])
    credible = [not said or plausible(w) for w, said in zip(result, spoken, strict=True)]
    sure = [w.method == "aligned" and ok for w, ok in zip(result, credible, strict=True)]
    suspicious = sum(w.method == "aligned" for w in result) - sum(sure)
    doubted = sorted({k for k in doubtful
                      if 0 <= k < len(result) and result[k].method == "aligned"}
                     | {k for k, w in enumerate(result)
                        if w.method == "aligned" and not credible[k]})
    confidence = (sum(sure) - sum(sure[k] for k in doubted)) / len(result) if result else 0.0
    if doubtful_start(result):
        confidence = min(confidence, DOUBTFUL_START)
    reported = tuple((k, n) for k, n in unmatched if n >= UNMATCHED_WORDS)
    missing = next((n for k, n in reported if k == 0), 0)
    heard = next((w for w in result[missing:] if w.method == "aligned"), None) \
        if missing else None
    first = heard.start if heard is not None else result[0].start if result else start
    return TurnAlignment(index, first, tuple(result), method,
                         round(max(confidence, 0.0), 3), suspicious, reported,
                         tuple((k, n) for k, n in unaligned if n >= UNMATCHED_WORDS),
                         tuple(doubted))


def _take_over(words: Sequence[str], audio: WindowAudio,
               times: list[tuple[float, float] | None], breaks: Sequence[int], handed: int,
               previous: int, end: float) -> tuple[int, float]:
    """The next speaker's turn, from words[handed]: a budget of its own, and the
    window after the hand-over (see _hand_over)."""
    audio.fresh(next((b for b in breaks if b > handed), len(words)) - handed)
    return _hand_over(words, audio, times, handed, previous, end)


def _hand_over(words: Sequence[str], audio: WindowAudio, times: list[tuple[float, float] | None],
               tail: int, floor: int, end: float) -> tuple[int, float]:
    """Where the window after another speaker's turn opens, and its first word.

    Where one speaker's turn ends is found only as well as the last window fits:
    a hard voice (a cold, fillers the transcript leaves out) gets its last words
    stretched onto the next speaker's first. So the next window opens in the
    quietest moment a second or two before that end, with that turn's last words
    (CONTEXT_SECONDS of them, as a timed turn's first window has) given again,
    optional: the path keeps them where they are said and starts the next turn where
    it is said. Those it leaves out keep their places if they end before the words
    found after them, and are spread between their neighbours otherwise.
    """
    # Speakers may leave a long pause (or a jingle) between them: the window must
    # reach past it, and opens just before the sound after it.
    end = max(end, audio.audio.next_sound(end))
    opening = audio.audio.quiet_point(end - BEFORE - CONTEXT_REACH / 2, CONTEXT_REACH / 2)
    h = tail - len(said(reversed(words[floor + 1:tail])))
    audio.placed = (h, times[h:tail])
    times[h:tail] = [None] * (tail - h)
    audio.head, audio.resume = tail, end
    return h, max(0.0, opening)


def _restore(audio: WindowAudio, times: list[tuple[float, float] | None]) -> None:
    """Put back the places of the words a hand-over window left out (see _hand_over)."""
    if audio.placed is None:
        return
    h, placed = audio.placed
    audio.placed = None
    after = times[h + len(placed)] if h + len(placed) < len(times) else None
    following = after[0] if after is not None else None
    for k in range(h + len(placed) - 1, h - 1, -1):
        here = times[k]
        if here is None and (old := placed[k - h]) is not None \
                and (following is None or old[1] <= following):
            times[k] = here = old
        if here is not None:
            following = here[0]

