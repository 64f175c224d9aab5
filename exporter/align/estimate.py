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
