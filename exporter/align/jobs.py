"""A timed turn's job, and how its walk begins: one definition for the aligner, the
walk (:mod:`exporter.align.turn`) and repair's opening probes.

The aligner makes a job of every turn at its repaired time (see :func:`turn_job`);
repair's opening probes make the same job where the transcript's time (and the
shifts found so far) put the turn, and run the first attempt of its first window
(see :func:`first_window`). That fit tells whether the turn's first words are
there and how well they fit, as a probe of those words alone would; and when the
turn's final job is the same, its walk takes that decode as made (see
:mod:`exporter.align.made`) instead of scoring the same audio again. For that, the
walk and the probe must open the window in the same way: :func:`begin` and
:func:`span` are that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import takewhile

from exporter.align import made
from exporter.align.audio import DecodedAudio
from exporter.align.text import spoken_tokens
from exporter.align.window import (
    AHEAD_SECONDS,
    ATTEMPTS,
    CONTEXT_REACH,
    TurnJob,
    WindowAudio,
    align_chunk,
    chunk_end,
    estimate,
    said,
    window_end,
)
from exporter.model import Turn

BEFORE = 1.0  # transcript times are often rounded; speech may start a little early
AFTER = 0.3
#: A turn with less audio than this left before the end is not aligned.
MIN_TURN_AUDIO = 0.5
#: The slowest pace, against the estimate, that a turn's own length may suggest at
#: first: readers and thoughtful speakers are slower than the estimate, and windows
#: cut to the estimate then fail; measured pace takes over after a few seconds.
MAX_START_RATE = 1.6


def turn_job(turns: Sequence[Turn], shifts: Sequence[float], index: int, audio: DecodedAudio,
             bar: float | None = None, known: tuple[made.Made, ...] = ()) -> TurnJob | None:
    """The job of turn ``index`` with each turn moved by its shift; None when it starts
    too near the end of ``audio`` to be aligned.

    A turn ends where the next would start without any break inserted after it, or
    where the next does start after a cut; its last window reaches on to hold the
    next turn's first words. Where the limit is the end of the audio, a job made
    from audio still being decoded is not the final one (see probes.OpeningProbes).
    """
    turn = turns[index]
    duration = audio.duration
    start = turn.start + shifts[index]
    if start >= duration - MIN_TURN_AUDIO:
        return None
    following = turns[index + 1] if index + 1 < len(turns) else None
    nxt = following.start + min(shifts[index], shifts[index + 1]) \
        if following is not None else duration
    before, after = context(turns, shifts, index)
    limit = min(duration, max(nxt, start) + (CONTEXT_REACH if after else AFTER))
    return TurnJob(index, turn.speaker, tuple(turn.words), start, limit, str(audio.path),
                   audio.samples, bar, before, after, max(nxt, start), known=known)


def context(turns: Sequence[Turn], shifts: Sequence[float], index: int
            ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words said just before and just after turn ``index`` (CONTEXT_SECONDS of
    each), from neighbouring turns at the same shift: across an inserted break or a
    cut they are elsewhere in the audio."""
    def gather(order: Sequence[int]) -> list[str]:
        same = takewhile(lambda k: shifts[k] == shifts[index], order)
        return said(w for k in same
                    for w in (turns[k].words if order[0] > index else turns[k].words[::-1]))

    before = gather(range(index - 1, -1, -1))[::-1]
    after = gather(range(index + 1, len(turns)))
    return tuple(before), tuple(after)


def start_rate(job: TurnJob) -> float:
    """The pace against the estimate that the turn's own length suggests (see begin)."""
    natural = estimate(job.words)
    given = (job.next_start if job.next_start is not None else job.limit) - job.start
    return min(MAX_START_RATE, max(0.3, given / natural)) if natural else 1.0


def first_reach(job: TurnJob) -> float:
    """About how many seconds of audio the first attempt at the turn's first window
    reads, without the audio (the quiet points it opens and ends at are not known):
    to give a pool the longest work first.

    >>> from exporter.align.window import TurnJob
    >>> long = TurnJob(0, "A", ("word",) * 200, 10.0, 90.0, "", 0)
    >>> short = TurnJob(1, "A", ("word",) * 3, 10.0, 13.0, "", 0)
    >>> 12.0 < first_reach(long) < 30.0, first_reach(short)
    (True, 4.0)
    """
    own = job.words[:chunk_end(job.words, 0)]
    end = job.limit if len(own) == len(job.words) else \
        window_end(job.start, own, start_rate(job), job.limit)
    return end - (job.start - lead_in(job))


def lead_in(job: TurnJob) -> float:
    """How far before the turn's time its first window is aimed to open (see begin)."""
    if job.opens_at is not None:
        return 0.0
    return BEFORE + CONTEXT_REACH / 2 if job.before else BEFORE


def begin(job: TurnJob, audio: WindowAudio) -> tuple[float, float, float]:
    """Where the turn's first window opens, where its last must end, and the pace the
    turn's own length suggests (sets ``audio.lead_in``).

    The pace against the estimate comes from the turn's own length at first: a turn
    given less time than its words need is spoken faster; one given more may be
    spoken slower, or followed by a pause. The window opens in a pause: one that
    opens inside a word has a piece of it that no word given fits, and the turn's
    first words would be forced onto it. With the words of the turn before given,
    it may open anywhere in the reach, whose quietest stretch is most likely the
    pause between the speakers.
    """
    rate = start_rate(job)
    audio.lead_in = lead_in(job)
    if job.opens_at is not None:
        cursor = job.opens_at
    elif job.before:
        reach = CONTEXT_REACH / 2
        cursor = audio.audio.quiet_point(job.start - audio.lead_in, reach)
    else:
        cursor = audio.quiet_point(job.start - audio.lead_in)
    limit = audio.audio.quiet_point(job.limit - CONTEXT_REACH / 2, CONTEXT_REACH / 2) \
        if job.after else job.limit
    return cursor, limit, rate


def span(words: Sequence[str], i: int, audio: WindowAudio, breaks: Sequence[int]
         ) -> tuple[int, int | None, int | None]:
    """The window from words[i]: where its words end, where another speaker's
    optional first words begin in it (``tail``), and where the speaker's own
    optional next words do (``ahead``).

    The words of the turn before ride along with the first chunk; the turn's own
    words are chunked as they would be without them. The next turn's words are
    optional after the last window. A window that reaches into the next speaker's
    turn ends there, with that turn's first words optional after it, as a turn's last
    window does; otherwise the speaker's next words are optional at its end (up to
    the next speaker's turn).
    """
    own = max(i, audio.lead, audio.head)
    j = chunk_end(words, own, audio.cap)
    if j >= audio.own_end:
        j = len(words)
    tail = next((b for b in breaks if own < b < j), None)
    ahead = None
    if tail is not None:
        j = _context_end(words, tail, breaks)
    elif j < audio.own_end:
        upto = next((b for b in breaks if b >= j), audio.own_end)
        ahead, j = j, j + len(said(words[j:upto], AHEAD_SECONDS))
    return j, tail, ahead if ahead is not None and j > ahead else None


def _context_end(words: Sequence[str], start: int, breaks: Sequence[int]) -> int:
    """The end of the words said in CONTEXT_SECONDS from ``start``, up to the next break."""
    stop = next((b for b in breaks if b > start), len(words))
    return start + len(said(words[start:stop]))


def first_window(job: TurnJob) -> tuple[made.Found, int, list[made.Made]]:
    """The first attempt at a timed turn's first window, made as its walk makes it:
    the tokens found (None: no path), how many of them are the turn before's, and
    the decodes made (for the turn's walk to take)."""
    words = job.before + job.words + job.after
    tokens = spoken_tokens(words)
    audio = WindowAudio(job)
    audio.anchored = False  # no second try with words left out: the walk's to make
    cursor, limit, rate = begin(job, audio)
    j, tail, ahead = span(words, 0, audio, ())
    with made.recording() as decodes:
        align_chunk(words, tokens, 0, j, cursor, limit, audio, [None] * len(words), rate,
                    halve=False, tail=tail, ahead=ahead, attempts=ATTEMPTS[:1])
    found = decodes[-1][1] if decodes else None
    return found, sum(len(t) for t in tokens[:len(job.before)]), decodes
