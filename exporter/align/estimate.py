"""Word timings without audio: each turn's words spread by their speaking time.

A turn's words run from its start towards the next turn's start, each taking the
time its syllables and the punctuation after it suggest. Speech does not stretch to
fill a long gap: past a modest slow-down the rest of the gap stays silent, at the
end of the turn, where a real speaker's silence usually is. Anchors inside a turn
(inline timestamps, subtitle cue starts) split it into pieces spread separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from exporter.model import Transcript, Turn, Word
from exporter.speech import pause_after, speaking_time, word_weight

#: How much slower than the estimate speech may be spread before the rest is silence.
MAX_SLOWDOWN = 1.15
#: Estimated trailing silence after the last turn, when there is no audio to end it.
TAIL = 0.5


def spread(words: Sequence[str], start: float, end: float) -> list[tuple[float, float]]:
    """Times for ``words`` said between ``start`` and ``end``.

    >>> spread(["Hello,", "world."], 0.0, 10.0)
    [(0.0, 0.483), (0.655, 0.897)]
    """
    if not words:
        return []
    weights = [word_weight(w) for w in words]
    pauses = [pause_after(w) for w in words]
    sounds = [w - p for w, p in zip(weights, pauses, strict=True)]
    natural = sum(sounds) + sum(pauses[:-1])
    available = max(end - start, 0.0)
    scale = min(available / natural, MAX_SLOWDOWN) if natural > 0 else 1.0
    out = []
    t = start
    for sound, pause in zip(sounds, pauses, strict=True):
        out.append((round(t, 3), round(t + sound * scale, 3)))
        t += (sound + pause) * scale
    return out


def turn_end(turns: Sequence[Turn], index: int, duration: float | None) -> float:
    """Where turn ``index`` must be over: the next turn, its own end, or the audio's end."""
    turn = turns[index]
    if index + 1 < len(turns):
        limit = turns[index + 1].start
        return min(turn.end, limit) if turn.end is not None else limit
    if turn.end is not None:
        return turn.end
    if duration is not None:
        return max(duration, turn.start)
    return turn.start + speaking_time(turn.text) + TAIL


def estimate_turn(transcript: Transcript, index: int, duration: float | None = None
                  ) -> list[Word]:
    """Estimated timings for the words of one turn."""
    turns = transcript.turns
    turn = turns[index]
    words = turn.words
    end = turn_end(turns, index, duration)
    marks = [(0, turn.start)] + [(a.word_index, a.time) for a in turn.anchors]
    marks.append((len(words), max(end, marks[-1][1])))
    out: list[Word] = []
    for (first, t0), (last, t1) in pairwise(marks):
        for text, (s, e) in zip(words[first:last], spread(words[first:last], t0, t1),
                                strict=True):
            out.append(Word(text, s, e, turn.speaker, index))
    return out


def estimate_words(transcript: Transcript, duration: float | None = None) -> list[Word]:
    """Estimated timings for every word of the transcript, in order.

    :param duration: the audio's length, which ends the last turn when given.
    """
    return [word for index in range(len(transcript.turns))
            for word in estimate_turn(transcript, index, duration)]


def fill(words: Sequence[str], tokens: Sequence[Sequence[str]],
         times: Sequence[tuple[float, float] | None], speaker: str, turn: int,
         start: float, limit: float) -> tuple[list[Word], list[tuple[int, int]]]:
    """Aligned words with their times, and those without spread between their neighbours.

    ``tokens`` are each word's phones (none for a dash, which has no sound of its
    own and so is no failure). ``start`` and ``limit`` bound a run with no aligned
    neighbour on that side. Also returns the runs of words that were not found, as
    (first word, count).

    >>> words, runs = fill(["a", "b", "c"], [["AH"], ["B"], ["S"]],
    ...                    [(1.0, 1.2), None, (2.0, 2.3)], "Ann", 0, 0.0, 9.0)
    >>> [(w.start, w.end, w.method) for w in words][1], runs
    ((1.2, 1.442, 'interpolated'), [(1, 1)])
    """
    out: list[Word] = []
    unmatched: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        found = times[k]
        if found is not None:
            out.append(Word(words[k], found[0], found[1], speaker, turn, "aligned"))
            k += 1
            continue
        gap_end = k
        while gap_end < len(words) and times[gap_end] is None:
            gap_end += 1
        left = out[-1].end if out else max(0.0, start)
        after = times[gap_end] if gap_end < len(words) else None
        right = after[0] if after is not None else min(
            limit, left + sum(word_weight(w) for w in words[k:gap_end]) + 0.2)
        silent = not any(tokens[k:gap_end])
        if not silent:
            unmatched.append((k, gap_end - k))
        for text, (s, e) in zip(words[k:gap_end], spread(words[k:gap_end], left, right),
                                strict=True):
            out.append(Word(text, s, max(e, s), speaker, turn,
                            "aligned" if silent else "interpolated"))
        k = gap_end
    return out, unmatched


def clip_runs(runs: Sequence[tuple[int, int]], first: int, count: int
              ) -> list[tuple[int, int]]:
    """The parts of runs (first word, count) that fall in words[first:first + count].

    >>> clip_runs([(0, 3), (5, 4)], 2, 5)
    [(2, 1), (5, 2)]
    """
    out = []
    for k, n in runs:
        lo, hi = max(k, first), min(k + n, first + count)
        if hi > lo:
            out.append((lo, hi - lo))
    return out


def monotonic(words: list[Word]) -> list[Word]:
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
