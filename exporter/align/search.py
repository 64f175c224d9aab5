"""Where a turn's opening words are: searched for in ranges of shifts and confirmed
by the turn after (the searches of :mod:`exporter.align.repair`: the offset, an
inserted break or a cut, an untimed transcript's start).

A probe slid over a range finds the words' best fits; each is probed finely around
its shift, and taken where the turn after it is found where the same shift puts it,
fitting as a real fit does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporter.align.audio import DecodedAudio
from exporter.align.bars import CHANCE_RATIO, VOUCH_EARLY, VOUCH_LATE, WORST_REFERENCE
from exporter.align.probes import Runner, probe_jobs
from exporter.model import Turn

#: A search probes every COARSE_STEP seconds, then every FINE_STEP around the best
#: fit. Where the words were found comes from the fine probe's path, not from its
#: step: at 0.25 s (17 probes instead of 9) every repair on both benchmarks (intro,
#: clock late, cuts, untimed, the synthetic shifted episode) came out the same.
COARSE_STEP = 2.0
FINE_STEP = 0.5
#: How many of a range's best fits (found apart) a search tries to confirm.
CANDIDATES = 2


@dataclass(frozen=True)
class Sought:
    """A turn searched for, and the turn after it that must confirm where it is.

    :param bar: the score a real fit reaches; None when not known yet (the offset
        search), and then the best fit in a range sets it.
    :param before: the words said just before ``following`` (when it follows
        ``turn`` directly), for its probe.
    :param following_score: how well ``following`` fits at the shift searched from
        (None: not at all).
    :param floor: the earliest the turn can be (the turn before it is there).
    :param also: a turn after ``following`` that may confirm instead, where it does
        not (its opening may be words the model hears badly).
    """

    turn: Turn
    following: Turn | None
    bar: float | None
    before: tuple[str, ...] = ()
    following_score: float | None = None
    floor: float = 0.0
    also: Turn | None = None


def search(turn: Turn, following: Turn | None, audio: DecodedAudio, shift: float,
           bar: float | None, run: Runner, ranges: Sequence[tuple[float, float]],
           before: tuple[str, ...] = (), following_score: float | None = None,
           floor: float = 0.0, also: Turn | None = None) -> float | None:
    """Where ``turn``'s first word is, searched in widening ranges of shifts after and
    before ``shift``, and confirmed by ``following`` being where the same shift puts
    it (see :class:`Sought` for the rest); None when not found."""
    found = search_either([Sought(turn, following, bar, before, following_score, floor,
                                   also)], audio, shift, run, ranges)
    return found[1] if found is not None else None


def search_either(sought: Sequence[Sought], audio: DecodedAudio, shift: float, run: Runner,
                  ranges: Sequence[tuple[float, float]]) -> tuple[int, float] | None:
    """The first of ``sought`` found in the narrowest range (each is looked for in a
    range before the next is tried, and before any wider range), as its index and
    the time of its first word. A turn stops being looked for at the first range
    with no room for it (between its floor and the end of the audio).

    Where a turn's words fit best in a range but are not confirmed there (the turn
    after them is a voice the model hears badly), a wider range may hold nothing
    but chance fits of them, and with no bar given, the best of those would set the
    bar its confirmation is held to: the untimed real-speech episode cut in three
    put the speaker with a cold 63 s late so, at -36,000 where his words fit at
    -15,000 in the first range. So the best fit of a turn's words in the ranges
    searched before is carried on, and a fit that is chance against it
    (CHANCE_RATIO times worse: the same words in the same voice) is not one.
    """
    looking = list(range(len(sought)))
    seen: dict[int, float] = {}
    for low, high in ranges:
        for n in list(looking):
            one = sought[n]
            shifts = [shift + low + COARSE_STEP * i
                      for i in range(int((high - low) / COARSE_STEP))
                      if one.floor < one.turn.start + shift + low + COARSE_STEP * i
                      < audio.duration]
            if not shifts:
                looking.remove(n)
                continue
            located, best = _search_range(one, shifts, audio, run,
                                          seen[n] * CHANCE_RATIO if n in seen else None)
            if located is not None:
                return n, located
            if best is not None:
                seen[n] = max(best, seen.get(n, best))
        if not looking:
            return None
    return None


def _search_range(sought: Sought, shifts: Sequence[float], audio: DecodedAudio, run: Runner,
                  chance: float | None = None) -> tuple[float | None, float | None]:
    """Where ``sought``'s first word is found in this range of shifts (None: not
    confirmed), and the best score of its words in the range (None: no fit at all).

    The best fit is confirmed by the turn after it; when it is not, the next best
    fit found elsewhere is tried too (up to CANDIDATES), unless it is chance against
    the best. A turn's opening words can fit a little better on like-sounding words
    nearby than where they are said: the untimed real-speech episode, walked in
    four parts, searched for a turn opening "than in the same" after a lost one and
    fitted it best on the lost speaker's "thanks" 2.4 s before it; the turn after
    then did not confirm that, the fit where the words are said (5% poorer) was
    never tried, and the turn was placed from a guess, 2.6 s late.

    :param chance: fits scoring below this are chance (see search_either).
    """
    turn, bar = sought.turn, sought.bar
    fits = [(g[0], s, g[1]) for g, s in zip(run(probe_jobs(turn, shifts, audio)), shifts,
                                            strict=True) if g is not None]
    best_score = max(fits)[0] if fits else None
    hits = sorted(((score, s, at) for score, s, at in fits
                   if (bar is None or score >= bar) and (chance is None or score >= chance)),
                  reverse=True)
    tried: list[float] = []
    for score, centre, at in hits:
        if len(tried) == CANDIDATES or (tried and score < hits[0][0] * CHANCE_RATIO):
            break
        if any(abs(at - other) <= COARSE_STEP for other in tried):
            continue  # the same fit, seen from another shift
        tried.append(at)
        if (located := _confirm(sought, centre, at, audio, run)) is not None:
            return located, best_score
    return None, best_score


def _confirm(sought: Sought, centre: float, at: float, audio: DecodedAudio, run: Runner
             ) -> float | None:
    """Where ``sought``'s first word is, near ``at`` (where the probe at the shift
    ``centre`` found it), probed finely around that shift, when the turn after it
    confirms the shift; None otherwise.

    Only the fine probes that find the words near ``at`` count: the probes around
    one fit also reach the fits beside it, and the best of them was the fit already
    tried and not confirmed (the untimed episode's "than" on "thanks").
    """
    turn, following, bar = sought.turn, sought.following, sought.bar
    fine = [centre - COARSE_STEP + FINE_STEP * i
            for i in range(int(2 * COARSE_STEP / FINE_STEP) + 1)]
    best = max((g for g in run(probe_jobs(turn, fine, audio))
                if g is not None and abs(g[1] - at) <= COARSE_STEP),
               key=lambda g: g[0], default=None)
    if best is None:
        return None
    if following is None:
        return best[1]
    moved = best[1] - turn.start
    real = bar if bar is not None else min(best[0] * CHANCE_RATIO, WORST_REFERENCE)
    if _confirms(following, sought.before, moved, real, sought.following_score, audio, run):
        return best[1]
    # A turn whose opening fits badly everywhere (a reader's first words the model
    # hears badly) cannot confirm anything: the turn after it may. On a sweep
    # episode under a clock 7 s late, the first turn was found where it is said but
    # the next, a LibriVox reader whose first six words fit at -55,000 a frame even
    # at their own time, did not confirm it, and the offset was taken as 0.
    if sought.also is not None \
            and _confirms(sought.also, (), moved, real, None, audio, run):
        return best[1]
    return None


def _confirms(following: Turn, before: tuple[str, ...], moved: float, real: float,
              score: float | None, audio: DecodedAudio, run: Runner) -> bool:
    """Whether ``following`` is found where the shift ``moved`` puts it, fitting as a
    real fit does (``real``), or far better than where the old shift put it
    (``score``): scores depend on the voice, and the next turn is often another
    speaker's."""
    check = run(probe_jobs(following, [moved], audio, before))[0]
    if check is None:
        return False
    lag = check[1] - (following.start + moved)
    if not -VOUCH_EARLY <= lag <= VOUCH_LATE:
        return False
    return check[0] >= real or (score is not None and check[0] >= score / CHANCE_RATIO)
