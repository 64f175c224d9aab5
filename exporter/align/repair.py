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
  holds from there when the next turn is found at it too (when a third is missing
  too, the second is looked for in each range as well: the first may have been cut
  out whole; when the third is there, nothing is searched for: an edit before the
  two would have moved it).

How a probe is made and run is :mod:`exporter.align.probes`'s; how a turn is
searched for and confirmed, :mod:`exporter.align.search`'s.

Probes are independent, so they go to the process pool in batches; the decisions
are made in order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from exporter.align.audio import DecodedAudio
from exporter.align.bars import alike, episode_bars
from exporter.align.probes import (
    MIN_PROBE_WORDS,
    PROBE_WORDS,
    Runner,
    opening_jobs,
    probed_turns,
    said_before,
    serial,
)
from exporter.align.search import Sought, search, search_either
from exporter.model import Turn
from exporter.speech import word_weight

# Insertions: audio added mid-episode (an ad break) after the transcript was made.

#: Insertions (audio added) and cuts (audio removed after transcription) are
#: searched for in widening ranges of seconds after and before where a turn should
#: be, so that a short break or cut costs a short search. Each range is searched
#: whole (its best fit taken), after the narrower ones: an edit's cut of a few
#: seconds was found after 32 probes 2-64 s later and 31 before, and the real-speech
#: cut variant took 18.2 s (13.7 s with the ranges to 16 s first; every word the same).
#: A turn is only taken where it fits above the episode's bar and the turn after it
#: confirms the shift: a chance fit in a narrow range must pass both, as in a wide
#: one. A 45 s ad break costs 14 probes more than it did.
SEARCH_RANGES = ((2.0, 16.0), (-16.0, -2.0), (16.0, 64.0), (-64.0, -16.0), (64.0, 240.0),
                 (-240.0, -64.0), (240.0, 900.0), (-900.0, -240.0))


@dataclass
class Repair:
    """Each turn's shift (transcript time to audio time) and the insertions found."""

    shifts: list[float]
    insertions: list[tuple[int, float]]
    #: For each turn, the acoustic score below which a fit is chance.
    bars: list[float]
    #: Each probed turn's opening words at its final shift: score and where found.
    probes: dict[int, tuple[float, float] | None] = field(default_factory=dict)


def find_insertions(turns: Sequence[Turn], audio: DecodedAudio, offset: float,
                    run: Runner = serial, search: bool = True) -> Repair:
    """Check each turn's opening words where the transcript (moved by ``offset``)
    puts them; where two turns in a row are missing (and the turn after them, if
    any, too), search later in the audio for the first of them, and accept the new
    shift only when the next turn is found at it too. Chance fits are told apart by
    their poor acoustic score.

    :param search: False only measures the bar for chance fits (the transcript's
        times are trusted).
    """
    probed = probed_turns(turns)
    shifts = [offset] * len(turns)
    found = dict(zip(probed, run(opening_jobs(turns, audio, shifts)), strict=True))
    bars = episode_bars(turns, found)
    if not search:
        return Repair(shifts, [], bars, found)

    def good(k: int, got: tuple[float, float] | None) -> bool:
        return got is not None and got[0] >= bars[k]

    lags = [got[1] - (turns[k].start + offset) for k, got in found.items()
            if got is not None and good(k, got)]
    lag = sorted(lags)[len(lags) // 2] if lags else 0.0
    shift = offset
    insertions: list[tuple[int, float]] = []

    def sought(k: int, following: int, floor: float) -> Sought:
        fit = found[following]
        return Sought(turns[k], turns[following], bars[k],
                      said_before(turns, following) if following == k + 1 else (),
                      fit[0] if fit is not None else None, floor)

    position = 0
    while position < len(probed):
        k = probed[position]
        following = probed[position + 1] if position + 1 < len(probed) else None
        if good(k, found[k]) or following is None or good(following, found[following]):
            position += 1
            continue
        after = probed[position + 2] if position + 2 < len(probed) else None
        if after is not None and good(after, found[after]):
            # The turn after them fits where the shift puts it, and an edit before
            # them (audio added or cut) would have moved it too: what keeps these
            # two from fitting is their own (a word of each misheard by an automatic
            # transcript, a voice the model hears badly). Searching every range for
            # an edit that is not there cost 6.8 s of the 8.5-minute real-speech
            # episode transcribed with one word in twenty wrong (bench/conditions.py).
            position += 1
            continue
        previous = probed[position - 1] if position else None
        either = [sought(k, following, turns[previous].start + shifts[previous]
                         if previous is not None else 0.0)]
        if after is not None:
            # The turn after is missing too. When this one is not in the audio at all
            # (a turn cut out whole), that one is looked for in each range before
            # the search widens: the cut variant searched 142 probes, every range,
            # for a removed turn before the turn after it was looked for.
            either.append(sought(following, after, turns[k].start + shifts[k]))
        result = search_either(either, audio, shift, run, SEARCH_RANGES)
        if result is None:
            position += 1
            continue
        if result[0]:
            position += 1  # found the turn after; this one is not in the audio
            k = following
        located = result[1]
        # Shifts move in the tenths of a second they are reported in, so that the
        # chapters move by exactly what the warning says.
        moved = round(located - turns[k].start - lag - shift, 1)
        insertions.append((k, moved))
        shift = round(shift + moved, 3)
        for index in range(k, len(turns)):
            shifts[index] = shift
        # Everything after is probed again at the new shift.
        later = probed[position + 1:]
        found.update(zip(later, run(opening_jobs(turns, audio, shifts, later)), strict=True))
        position += 1
    return Repair(shifts, insertions, bars, found)


#: How far apart the lags of the first turns behind their times may be for the
#: lag to be one offset: rounding down to whole seconds spreads them by up to one.
LAG_SPREAD = 1.5
#: Where the offset is looked for: from audio cut at the start to a long intro.
OFFSET_RANGES = ((-10.0, 64.0), (64.0, 240.0), (240.0, 600.0))


def find_offset(turns: Sequence[Turn], audio: DecodedAudio, run: Runner = serial) -> float:
    """Seconds of audio before the transcript's zero (an intro added later).

    The opening words of the first three turns are checked where the transcript puts
    them; when all are there with scores like the words (see bars.alike), and found
    at the same lag behind their times, that lag gives the offset (see _offset; 0
    when under a second, the usual lag of speech behind a rounded-down timestamp).
    Otherwise the first turn is searched for, and the shift is taken when the next
    turn (or the one after it) is found at it too.
    """
    probed = probed_turns(turns)[:3]
    if not probed:
        return 0.0
    whole = all(float(t.start).is_integer() for t in turns)
    got = run(opening_jobs(turns, audio, [0.0] * len(turns), probed))
    fits = [(turns[k].speaker, g[0], g[1] - turns[k].start)
            for k, g in zip(probed, got, strict=True) if g is not None]
    lags = sorted(lag for _, _, lag in fits)
    if len(fits) == len(got) and alike([(speaker, score) for speaker, score, _ in fits]) \
            and lags[-1] - lags[0] <= LAG_SPREAD:
        lag = lags[len(lags) // 2]
        return _offset(lag, whole) if not -1.0 <= lag < 1.5 else 0.0
    following = turns[probed[1]] if len(probed) > 1 else None
    located = search(turns[probed[0]], following, audio, 0.0, None, run, OFFSET_RANGES,
                      said_before(turns, probed[1]) if probed[1:2] == [probed[0] + 1] else (),
                      got[1][0] if len(got) > 1 and got[1] is not None else None,
                      floor=-1.0, also=turns[probed[2]] if len(probed) > 2 else None)
    if located is None:
        return 0.0
    shift = located - turns[probed[0]].start
    return _offset(shift, whole) if abs(shift) >= 1.0 else 0.0


def _offset(lag: float, whole: bool) -> float:
    """The offset that the lag of the first turns' speech behind their times gives.

    Times rounded down to whole seconds (as show notes print them) put speech 0 to 1 s
    after them, so the lag is the offset plus that fraction, and the offset is the
    lag's whole seconds. Taken as the lag, a 20 s intro was found as +20.6 s and a
    clock 3 s late as -2.4 s: every turn's windows then sat 0.6 s off where they sit
    on the same speech without the shift, and 7-9% of the real-speech benchmark's
    words landed elsewhere. Times with fractions of a second are taken as they are.

    >>> _offset(20.62, whole=True), _offset(-2.4, whole=True), _offset(37.43, whole=False)
    (20.0, -3.0, 37.4)
    """
    return float(math.floor(lag)) if whole else round(lag, 1)


#: Where an untimed transcript's first words are looked for: an intro of up to ten
#: minutes; and, after a turn that could not be aligned, where the next is looked
#: for around where it would start at the pace so far.
START_RANGES = ((0.0, 64.0), (64.0, 240.0), (240.0, 600.0))
AFTER_LOST_RANGES = ((-20.0, 64.0), (64.0, 240.0))
#: Where a turn is looked for around where its share of the speech puts it.
AROUND_RANGES = ((-32.0, 32.0), (32.0, 96.0), (-96.0, -32.0), (96.0, 240.0),
                 (-240.0, -96.0))


def find_start(words: Sequence[str], audio: DecodedAudio, run: Runner = serial,
               at: float = 0.0, floor: float = -1.0,
               ranges: Sequence[tuple[float, float]] = START_RANGES,
               own: int | None = None) -> float | None:
    """Where the first of ``words`` is said (an untimed transcript: no time to start
    from), confirmed by the words after them being found where they follow; None
    when not found.

    :param at: where they should be; ``ranges`` are seconds from there.
    :param floor: they are not looked for before this.
    :param own: how many of ``words`` are the first speaker's turn. The words that
        confirm are that speaker's where the turn has MIN_PROBE_WORDS of them after
        the first PROBE_WORDS: a probe over a change of speaker holds a pause and
        another voice that its estimated length does not know, and its last word
        was held over the next speaker's words (a sweep episode's clean reader,
        whose start was then not confirmed and no word of the episode aligned).
    """
    if len(words) < MIN_PROBE_WORDS:
        return None
    first = Turn(at, "", " ".join(words[:PROBE_WORDS]))
    stop = 2 * PROBE_WORDS
    if own is not None and own - PROBE_WORDS >= MIN_PROBE_WORDS:
        stop = min(stop, own)
    rest = words[PROBE_WORDS:stop]
    following = Turn(round(at + sum(word_weight(w) for w in words[:PROBE_WORDS]), 3), "",
                     " ".join(rest)) if len(rest) >= MIN_PROBE_WORDS else None
    return search(first, following, audio, 0.0, None, run, ranges,
                   before=tuple(words[:PROBE_WORDS]), floor=floor)
