"""Where a turn's, a sentence's or a window's first word really starts.

Forced alignment takes silence into a word next to it: the pause between two
speakers into the next speaker's first word, and the pause after a sentence into the
next sentence's first word. No word holds a pause of its own, so these fixes move a
first word's start past the pause it swallowed, and say when a turn's start stays in
doubt. A window's first word can also be started where the window opened, inside
the word before (see end_overlaps).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from exporter.align.audio import DecodedAudio
from exporter.model import Word
from exporter.speech import pause_after, word_weight

#: The shortest and longest plausible word.
MIN_WORD, MAX_WORD = 0.03, 2.0


#: The confidence of a turn whose first words are stretched past what they take to
#: say: the aligner put them on speech or silence that is not theirs, so where the
#: turn starts is in doubt even when every word was aligned.
DOUBTFUL_START = 0.5
#: Silence inside a turn's first word, by 10 ms frames: this many frames ...
PAUSE_FRAMES = 8
#: ... opening this soon after the word's start ...
LEAD_FRAMES = 30
#: ... this far (dB) above the quietest frames around, or this far below the
#: word's loudest frame.
ONSET_DB = 30.0
PAUSE_DB = 10.0


def after_pause(audio: DecodedAudio, span: tuple[float, float], text: str
                 ) -> tuple[float, float]:
    """A turn's or sentence's first word, started after the last pause inside it.

    The silence between two speakers, or after a sentence, is often taken into the
    next first word; no word holds a pause of its own, so one found inside the word,
    with enough sound after it to say the word, is where the speaker had not started
    yet. (A pause with too little sound after it is the one after the word, taken in
    at its end.) A word far longer than it takes to say may hold several pauses (a
    noisy room between two speakers): it starts after the last.
    """
    start, end = span
    sound = max(0.05, 0.3 * (word_weight(text) - pause_after(text)))
    if end - start < (PAUSE_FRAMES + 5) * 0.01:
        return span
    framed = _quiet(audio, start, end)
    if framed is None:
        return span
    base, quiet, first, last = framed
    runs = _runs(quiet, first, last)

    def after(run_end: int) -> tuple[float, float]:
        return (round(min(base + run_end / 100, end - MIN_WORD), 3), end)

    if stretched(text, start, end):
        # Far longer than it takes to say: the word holds a pause and something
        # else (another speaker's noisy tail, a breath), and its own sound is after
        # the last pause that leaves enough sound to say it.
        for _, run_end in reversed(runs):
            if int((~quiet[run_end:last]).sum()) >= sound * 100:
                return after(run_end)
        return span
    # Else the first long pause, if it opens within LEAD_FRAMES of the word's start:
    # the word's own sound is after it only when less is before it than after.
    if not runs or runs[0][0] >= first + LEAD_FRAMES:
        return span
    run_start, run_end = runs[0]
    sound_before = int((~quiet[first:run_start]).sum())
    sound_after = int((~quiet[run_end:last]).sum())
    if sound_before < sound_after and sound_after >= sound * 100:
        return after(run_end)
    return span


def _quiet(audio: DecodedAudio, start: float, end: float
           ) -> tuple[float, np.ndarray, int, int] | None:
    """The 10 ms frames from 2 s before ``start`` to 2 s after ``end``: where they
    begin (seconds), which are quiet, and the frames ``start`` and ``end`` fall on;
    None with too little audio. Quiet: near the floor of the stretch around, or far
    below the loudest between ``start`` and ``end`` (a recording's own hiss under a
    word is not its sound)."""
    level = audio.levels(start - 2.0, end + 2.0)
    if len(level) < 50:
        return None
    base = max(0.0, start - 2.0)
    first = round((start - base) * 100)
    last = min(len(level), first + round((end - start) * 100))
    if last <= first:
        return None
    quiet = level < max(float(np.percentile(level, 5)) + PAUSE_DB,
                        float(level[first:last].max()) - ONSET_DB)
    return base, quiet, first, last


def _runs(quiet: np.ndarray, first: int, last: int) -> list[tuple[int, int]]:
    """The quiet runs of at least PAUSE_FRAMES in quiet[first:last], as (start, end)."""
    runs, k = [], first
    while k < last:
        if not quiet[k]:
            k += 1
            continue
        end_run = k
        while end_run < last and quiet[end_run]:
            end_run += 1
        if end_run - k >= PAUSE_FRAMES:
            runs.append((k, end_run))
        k = end_run
    return runs


def plausible(word: Word) -> bool:
    """Whether a word lasts as long as a word can: MIN_WORD to MAX_WORD, to the
    millisecond its times are kept to (a word of three 10 ms frames is 0.03 s, and
    its times' difference a hair under it).

    >>> plausible(Word("a", 21.53, 21.56, "A", 0, "aligned"))
    True
    >>> plausible(Word("thanks.", 1.0, 3.5, "A", 0, "aligned"))
    False
    """
    return MIN_WORD <= round(word.end - word.start, 3) <= MAX_WORD


def stretched(text: str, start: float, end: float) -> bool:
    """Whether a word lasts far longer than it takes to say.

    >>> stretched("than", 209.8, 211.7), stretched("than", 211.5, 211.7)
    (True, False)
    """
    expected = word_weight(text) - pause_after(text)
    return end - start > 2.5 * expected + 0.3


def handed_over_late(before: Sequence[Word]) -> bool:
    """Whether the last aligned word of a turn (``before``: its words) lasts far
    longer than it takes to say. It then took in the pause between the speakers and,
    it may be, the next one's first sound (an untimed walk's window that opened
    inside it stretched it over both, and the next turn started 0.8 s late), so
    where the next turn starts is in doubt.

    >>> handed_over_late([Word("good", 73.8, 74.0, "A", 0, "aligned"),
    ...                   Word("thanks.", 74.8, 77.7, "A", 0, "aligned")])
    True
    >>> handed_over_late([Word("thanks.", 74.5, 75.1, "A", 0, "aligned")])
    False
    """
    k = last_aligned(before)
    return k is not None and stretched(before[k].text, before[k].start, before[k].end)


def last_aligned(words: Sequence[Word]) -> int | None:
    """Where the last word that was aligned (not spread) is among ``words``."""
    return next((k for k in range(len(words) - 1, -1, -1)
                 if words[k].method == "aligned"), None)


def hand_over(audio: DecodedAudio, last: Word, first: Word) -> tuple[Word, Word] | None:
    """The last word of one turn and the first of the next, parted at the longest
    pause between the start of the one and the start of the other; None when there
    is no pause there with sound of the last word before it.

    For a turn whose previous speaker's last word took in the pause between them
    and the next speaker's first sound (see handed_over_late): the pause is where
    neither speaker speaks, and the longest is the one between them, not a stop
    inside a word. Neither word is made longer.
    """
    if first.start - last.start < (PAUSE_FRAMES + 5) * 0.01:
        return None
    framed = _quiet(audio, last.start, first.start)
    if framed is None or framed[3] - framed[2] < PAUSE_FRAMES:
        return None
    base, quiet, a, b = framed
    runs = _runs(quiet, a, b)
    if not runs:
        return None
    pause, resume = max(runs, key=lambda run: run[1] - run[0])
    if pause <= a:
        return None  # no sound of the last word before it
    # A pause up to the first word's start leaves that start where it is; one that
    # opens after the last word's end leaves that end (sound the aligner gave no
    # word, a breath or the room, is no longer the word: sweep seed 25, untimed,
    # had a last word held 1.0 s longer so).
    end = min(last.end, round(base + pause / 100, 3))
    start = min(first.start, round(base + resume / 100, 3))
    return (Word(last.text, last.start, end, last.speaker, last.turn, last.method),
            Word(first.text, start, first.end, first.speaker, first.turn, first.method))


def doubtful_start(words: Sequence[Word]) -> bool:
    """Whether any of a turn's first three words lasts far longer than it takes to say."""
    return any(word.method == "aligned" and stretched(word.text, word.start, word.end)
               for word in words[:3])


_SENTENCE_END = re.compile(r"[.?!][\"')\]\u201d\u2019]*$")


def settle_sentence_starts(words: Sequence[str],
                            times: list[tuple[float, float] | None]) -> None:
    """Move a sentence's first word across the pause it was pulled into.

    The aligner sometimes glues a short sentence-initial word ("And", "But") to the
    end of the sentence before, leaving the pause after it. People pause at the
    end of a sentence, not after its first word: when a sentence's first word starts
    exactly where the last one ended and a long pause follows it, it belongs just
    before the next word. A first word with a comma ("So,", "Printing,") has its own
    pause after it, and is left where it is unless the pause is longer than that.

    >>> times = [(74.8, 75.1), (75.1, 75.4), (75.75, 76.0)]
    >>> settle_sentence_starts(["thanks.", "And", "so"], times); times[1]
    (75.45, 75.75)
    >>> times = [(74.8, 75.1), (75.1, 75.4), (75.75, 76.0)]
    >>> settle_sentence_starts(["thanks.", "Printing,", "in"], times); times[1]
    (75.1, 75.4)
    """
    for k in range(1, len(words) - 1):
        prev, here, nxt = times[k - 1], times[k], times[k + 1]
        if prev is None or here is None or nxt is None:
            continue
        if not _SENTENCE_END.search(words[k - 1]):
            continue
        if here[0] - prev[1] >= 0.02 or _SENTENCE_END.search(words[k]):
            continue  # a one-word sentence ("Right?") has its own pause after it
        if nxt[0] - here[1] >= 0.25 + pause_after(words[k]):
            length = here[1] - here[0]
            times[k] = (round(nxt[0] - length, 3), nxt[0])
            continue
        # Or the pause was swallowed into the word itself, which then lasts far
        # longer than it takes to say: its sound is at its end.
        expected = word_weight(words[k]) - pause_after(words[k])
        if here[1] - here[0] > 2 * expected + 0.25:
            times[k] = (round(here[1] - 1.3 * expected, 3), here[1])


def settle_turn_starts(words: Sequence[str], times: list[tuple[float, float] | None],
                       firsts: Sequence[int]) -> None:
    """Move a turn's first word across a pause after it, to just before the next word.

    Where no time says when a turn starts (an untimed transcript), or the words
    said before it are not known (the turn before was cut from the audio), its first
    word can be put on the previous speaker's last sound, with the pause between the
    speakers after it. A speaker does not pause after their first word longer than
    its punctuation asks ("Well, ..."), so the word belongs just before the second.

    >>> times = [(1.0, 1.5), (1.6, 1.9), (3.0, 3.3)]
    >>> settle_turn_starts(["ok.", "than", "in"], times, [1]); times[1]
    (2.7, 3.0)
    """
    for k in firsts:
        if k + 1 >= len(words):
            continue
        here, nxt = times[k], times[k + 1]
        if here is None or nxt is None:
            continue
        if nxt[0] - here[1] > pause_after(words[k]) + TURN_PAUSE:
            length = min(here[1] - here[0], 2 * word_weight(words[k]))
            times[k] = (round(nxt[0] - length, 3), nxt[0])


#: The longest pause a speaker makes after their first word, beyond its punctuation.
TURN_PAUSE = 0.5


def start_after_pauses(audio: DecodedAudio, words: Sequence[str],
                       times: list[tuple[float, float] | None], first: int, last: int,
                       turns: Collection[int] = ()) -> None:
    """Apply :func:`after_pause` to words[first], every sentence start up to ``last``
    and the first words of the ``turns`` (indexes) in between."""
    turns = set(turns)
    for k in range(first, last):
        span = times[k]
        if span is not None and (k == first or k in turns
                                 or _SENTENCE_END.search(words[k - 1])):
            times[k] = after_pause(audio, span, words[k])


def end_overlaps(times: list[tuple[float, float] | None]) -> None:
    """Start a word that begins before the word before it ends where that one ends.

    A window opens a little before the end of the last word trusted before it (see
    recover.opening), and a path that takes its first word from its first frame
    starts that word there: inside the word before, which was aligned with speech
    on both sides of it. So that start says where the window opened, not where the
    word is said, and it moved with the windows when the transcript's clock moved
    (9 of the 20 words that moved under a clock 0.3 s off, on the real-speech
    benchmark). A word that would be left shorter than MIN_WORD keeps its start.

    >>> times = [(1.0, 1.5), (1.45, 1.9), None, (2.0, 2.3)]
    >>> end_overlaps(times); times
    [(1.0, 1.5), (1.5, 1.9), None, (2.0, 2.3)]
    """
    previous: tuple[float, float] | None = None
    for k, here in enumerate(times):
        if here is None:
            continue
        if previous is not None and here[0] < previous[1] <= here[1] - MIN_WORD:
            times[k] = here = (previous[1], here[1])
        previous = here
