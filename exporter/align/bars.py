"""Where a fit stops being the words: the acoustic-score bars of timestamp repair.

Pocketsphinx's score for a fit (per frame, log scale) depends on the voice, the
microphone and the room as much as on whether the words are there, so no one
number tells a real fit from a chance one. The episode's own opening turns set its
scale, a speaker who fits worse everywhere sets their own, and a turn found where
its time puts it vouches for itself; a few fixed bounds keep any of these from
being laxer than chance. :mod:`exporter.align.repair` probes, this module judges.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from exporter.model import Turn

#: A probe whose score is this many times the typical one (scores are negative) is
#: a chance fit, not the words: on the benchmark, probes where the words are spoken
#: score -10,000 to -31,000 and chance fits -45,000 to -65,000.
CHANCE_RATIO = 1.6
#: The worst typical score a real fit is allowed. On the synthetic and the
#: real-speech benchmarks, real probes score -15,000 to -35,000 (the worst: a
#: LibriVox reader in a noisy room, a speaker with a cold) and chance fits -35,000 to
#: -58,000, so this is where the episode's typical fit stops being believable.
WORST_REFERENCE = -30_000.0
#: The bar when the episode's own scale looks like chance (another episode's audio,
#: or silence): a fit this poor is chance whatever the voice. The worst real windows
#: measured (a noisy LibriVox reader, a speaker with a cold in another room) score
#: -37,000; chance fits on clean voices -40,000 to -58,000.
CHANCE_BAR = -40_000.0
#: A window inside a timed turn that fits up to this many times worse than its bar
#: (never past CHANCE_BAR) is still the turn's words, but its words count as
#: doubtful: they lower the turn's confidence instead of being spread. A voice can
#: fit worse inside a turn than any opening vouched for it: the real-speech
#: speaker's recordings with a cold fit at -27,000 to -36,000 a frame inside turns
#: that open in his clean recording (-15,600 to -17,900), 1.6-2.2 times it, while
#: other words fitted on the real voices' windows scored 2.7 times their own and
#: worse. Refused at the bar, his windows failed one after another and 27-112 of his
#: 122-185 words were spread (bench/real_sweep.py); 1.25 (2.0 times the scale) keeps
#: most of them. On espeak, other words fitted on ten windows scored 1.4-1.7 times
#: the right ones, inside this margin: its benchmarks are unchanged by it, and such
#: a fit counts against its turn's confidence rather than passing unseen.
DOUBT_RATIO = 1.25
#: Where a turn's opening words must be found, against its time, for the turn to set
#: its own bar: up to the probe window's lead before it, and a rounded-down second
#: plus a pause after it.
VOUCH_EARLY, VOUCH_LATE = 3.0, 2.0


def _by_speaker(scored: Iterable[tuple[str, float]]) -> dict[str, list[float]]:
    by_speaker: dict[str, list[float]] = {}
    for speaker, score in scored:
        by_speaker.setdefault(speaker, []).append(score)
    return by_speaker


def _scores_alike(scores: Sequence[float]) -> bool:
    """Whether no score is CHANCE_RATIO times worse than the best (one voice fitting
    where it is said, not some fits right and some by chance)."""
    return min(scores) >= max(scores) * CHANCE_RATIO


def episode_bars(turns: Sequence[Turn], found: dict[int, tuple[float, float] | None]
                 ) -> list[float]:
    """The score below which a fit of each turn is chance.

    Scores depend on the voice, the microphone and the room: a clean studio voice
    fits at -10,000 a frame, a LibriVox reader in a noisy room at -30,000, and
    chance fits on the clean voice score like that. The episode's scale comes from
    its opening turns (or the better half of all); a speaker whose probes all score
    alike sets their own bar, never stricter than the episode's. When the episode's
    scale is chance, the audio is not this transcript's, and a fixed bar applies to
    all.
    """
    def reference(scores: list[float]) -> float:
        ordered = sorted(scores, reverse=True)
        return ordered[: max(1, len(ordered) // 2)][-1]

    scores = [got[0] for got in found.values() if got is not None]
    # The opening turns are where the offset search checked the times hold; when all
    # of them fit, they set the scale even if most later turns are displaced (audio
    # cut early in the episode moves every turn after it out of its probe's reach).
    opening = [found[k] for k in sorted(found)[:3]]
    if len(opening) == 3 and all(got is not None for got in opening):
        overall = reference([got[0] for got in opening if got is not None])
    else:
        overall = reference(scores) if scores else WORST_REFERENCE * 2
    if overall < WORST_REFERENCE:
        return [CHANCE_BAR] * len(turns)
    by_speaker = _by_speaker((turns[k].speaker, got[0]) for k, got in found.items()
                             if got is not None)
    # A speaker sets their own (laxer) scale only when all their probes score alike:
    # a voice that fits worse everywhere. Probes that score far apart are some right
    # and some displaced (after a cut or a break), and chance fits must not lower it.
    own = {speaker: max(statistics.median(s), WORST_REFERENCE)
           for speaker, s in by_speaker.items()
           if len(s) >= 2 and _scores_alike(s)}
    # Never laxer than a fit that is chance whatever the voice.
    bars = [max(min(overall, own.get(turn.speaker, overall)) * CHANCE_RATIO, CHANCE_BAR)
            for turn in turns]
    return bars


def window_bars(turns: Sequence[Turn], episode: Sequence[float],
                probes: dict[int, tuple[float, float] | None], shifts: Sequence[float]
                ) -> list[float]:
    """The score below which a window inside each turn is a chance fit, from the
    episode's bars and each probed turn's opening words at its final shift (score,
    where found).

    A turn whose opening words were found where its (repaired) time puts them, with
    a score short of chance, vouches for its speaker's voice: one speaker can record
    in two rooms (or with a cold), and the worse room must not make the right words
    look like chance. Each turn takes the scale of the poorest fit its speaker's
    turns vouched for, its own or another's: a real fit of that voice, so a window
    of it that fits as poorly is not chance. Not the turn's own alone (nor the
    median): ten opening words can fit far better than the rest of a hard voice's
    turn, and on the real-speech benchmark the speaker with a cold, whose probe
    found its words at -16,800, had his windows (-27,600) refused by a bar of
    -26,800 and the turn lost, under one transcript clock and not another. A turn
    whose probe did not vouch for it (it opened in a word of the speaker before and
    lost its way, or the turn is too short to probe) takes its speaker's scale too:
    a clock 0.3 s earlier made one clean reader's probe score -46,000, the episode's
    bar (-11,800) then rejected every window of the turn (-14,000) and it was lost.
    Not when the episode's scale itself is chance: there the probes land near their
    times only because that is where they look.
    """
    bars = list(episode)
    if bars and all(bar == CHANCE_BAR for bar in bars):
        return bars
    vouched: dict[int, float] = {}
    for k, got in probes.items():
        if got is not None and got[0] >= CHANCE_BAR \
                and -VOUCH_EARLY <= got[1] - (turns[k].start + shifts[k]) <= VOUCH_LATE:
            vouched[k] = got[0]
    by_speaker = _by_speaker((turns[k].speaker, score) for k, score in vouched.items())
    for k, turn in enumerate(turns):
        scale = min(by_speaker[turn.speaker]) if turn.speaker in by_speaker else None
        if scale is not None:
            bars[k] = max(min(bars[k], scale * CHANCE_RATIO), CHANCE_BAR)
    return bars


def alike(scored: Sequence[tuple[str, float]]) -> bool:
    """Whether the opening probes fit like the words, not by chance: none as poorly as
    chance fits whatever the voice, and each speaker's probes alike. Two voices need
    not score alike: the sample's guest fits at -28,800 against its host's -17,900,
    and held to the host's scale, every run of it searched 53 probes (4 of its 6 s)
    to confirm an offset of 0.

    >>> alike([("A", -19_000.0), ("B", -28_800.0), ("A", -17_900.0)])
    True
    >>> alike([("A", -19_000.0), ("A", -45_000.0)]), alike([("A", -19_000.0), ("B", -45_000.0)])
    (False, False)
    """
    return all(score >= CHANCE_BAR for _, score in scored) and all(
        _scores_alike(scores) for scores in _by_speaker(scored).values())


def refusal(bar: float | None) -> float | None:
    """The score below which a window is refused as a chance fit, for a turn whose
    windows are doubtful below ``bar`` (see DOUBT_RATIO).

    >>> refusal(-20_000.0), refusal(-35_000.0), refusal(CHANCE_BAR * 1.1), refusal(None)
    (-25000.0, -40000.0, -44000.0, None)
    """
    if bar is None:
        return None
    return min(bar, max(bar * DOUBT_RATIO, CHANCE_BAR))
