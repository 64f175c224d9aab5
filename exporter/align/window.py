"""One window of a turn's words in its audio: the unit pocketsphinx aligns.

Pocketsphinx gets windows of about 12 s of speech at a time (whole turns of minutes
fail outright, and cost grows faster than the window). A window is tried with the
decoder's normal settings, then longer, then with wide beams, then (a timed turn's)
with single words that may be skipped, then in halves, and last with any words that
may be skipped; a window that fits worse than the turn's bar is kept with its words
doubted, one that fits far worse is a chance fit and counts as a failure (see
bars.refusal). The walk from window to window is :mod:`exporter.align.turn`'s.

The module is longer than most (about 450 lines) because a window's ladder of
attempts, what each attempt trusts and the state the walk keeps between windows
(:class:`WindowAudio`) are one piece: each rule here says why it is there, and split
apart they would have to be read together anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from exporter.align import made
from exporter.align.audio import DecodedAudio
from exporter.align.bars import refusal
from exporter.align.resume import Resume
from exporter.align.sphinx import TokenTime, WindowAligner, mean_score
from exporter.speech import word_weight

#: About this much speech is aligned in one window.
CHUNK_SECONDS = 12.0
#: The last words of a window are aligned again at the start of the next.
OVERLAP_WORDS = 4
#: A window inside a turn also holds, optional at its end, the speaker's next words
#: that take this long to say. A window is cut longer than its words should take (a
#: speaker may be slower than the pace so far); without them, the speech after its
#: last word was pulled onto that word and aligned again in the next window. With
#: them, that speech is taken by the words said there, and only the last few found
#: are aligned again (a long turn's windows held three times its audio, now 1.3).
AHEAD_SECONDS = 12.0
#: How far a turn's first window opens before its time (on top of jobs.BEFORE), and its
#: last window reaches past the next turn's time: rounded-down times put a speaker
#: up to a second plus a pause later than the time says.
CONTEXT_REACH = 2.0
#: Failed window attempts allowed per turn (this many, plus one per two words)
#: before the rest of it is interpolated. Audio that does not hold the turn (the
#: wrong episode, an unrepaired ad break) makes every window fail, and searching on
#: would cost minutes per turn; hard but real turns need far fewer (a budget of 80
#: flat cost accuracy on the benchmark, this one does not).
FAILURE_BUDGET = 40
#: How far a turn's first window may open from the planned time, to open in a pause.
QUIET_RADIUS = 0.5
#: Words of the neighbouring turns are aligned with a turn's first and last windows,
#: as many as take this long to say: more than the reach holds, because a window
#: that holds speech of a word not given forces the turn's own words onto it, while
#: words given beyond the window's edge only crowd at that edge.
CONTEXT_SECONDS = 5.0
#: A turn whose first this-many windows all fail (every attempt of each) is not in
#: this stretch of audio at all (the wrong episode, a break the repair did not
#: find): real speech gives a success within the first few windows, and going on
#: costs seconds per window. Past that, a turn stops where its windows fail more
#: than all their attempts per success: the benchmark's speaker with a cold, under
#: another transcript clock, failed 71 windows of 20 s for 4 short successes.
HOPELESS_WINDOWS = 3


@dataclass(frozen=True)
class TurnJob:
    index: int
    speaker: str
    words: tuple[str, ...]
    start: float  # where the turn should start in the audio
    limit: float  # where it must be over
    pcm_path: str
    #: How much of the file is decoded: all of it, or (for an opening probe run while
    #: the rest is decoded) at least up to ``limit``; not part of what the job is.
    samples: int = field(compare=False)
    #: Windows scoring below this fit doubtfully, and (further below) are chance
    #: fits, not the words (see bars.refusal).
    bar: float | None = None
    #: The last words of the turn before and the first of the turn after: aligned
    #: with this turn's first and last windows so that its edges are found, then
    #: dropped.
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    #: Where the next turn's time says it starts (``limit`` reaches past it).
    next_start: float | None = None
    #: Indexes into ``words`` where another speaker's turn begins (an untimed
    #: transcript aligned as one stretch): their first words get the pause rule.
    breaks: tuple[int, ...] = ()
    #: Where the first window opens, when that is known (the turn before ends there:
    #: see aligner._settle_edges); None: a little before ``start``, in a pause.
    opens_at: float | None = None
    #: Decodes of this turn's windows made already (its first window, run as an
    #: opening probe): see :mod:`exporter.align.made`.
    known: tuple[made.Made, ...] = field(default=(), compare=False)
    #: An untimed walk taken up again after a lost turn (see align.resume).
    resumed: Resume | None = None


_ALIGNERS: dict[str, WindowAligner] = {}
#: How a window is tried, in turn: the decoder settings (see sphinx.SETTINGS) and
#: how much longer than the words' estimated time the window may be.
ATTEMPTS = (("normal", 1.25), ("normal", 1.8), ("wide", 1.8))
FIRST_TRY = ATTEMPTS[0][0]
#: The last try of a window whose every attempt and every half failed: the same
#: window with words that may be left out of the path (see WindowAligner.align).
#: Only then: where the halves fit, a path that may skip words fits worse (on the
#: flite episode it skipped five words of a sentence and started it 2.3 s late).
SKIPPING = ("normal", 1.8)
#: How many times a window that does not fit is tried before it is halved: the
#: attempts, then once with single words that may be skipped (see align_chunk).
TRIES = len(ATTEMPTS) + 1


def aligner_for(settings: str) -> WindowAligner:
    """This process's window aligner with the named settings, made on first use."""
    if settings not in _ALIGNERS:
        _ALIGNERS[settings] = WindowAligner(settings)
    return _ALIGNERS[settings]


class WindowAudio:
    """Reads windows of the job's PCM file."""

    def __init__(self, job: TurnJob) -> None:
        self.audio = DecodedAudio(Path(job.pcm_path), job.samples)
        #: Windows fitting below ``doubt`` fit doubtfully (their words are counted in
        #: ``doubtful``), below ``bar`` not at all (see bars.refusal).
        self.doubt = job.bar
        self.bar = refusal(job.bar)
        self.doubtful: set[int] = set()
        #: Words a path went on without (a jump, or a resync past them): the audio's
        #: own word that they are not in it (see turn.judge).
        self.absent: set[int] = set()
        #: Whether the last window that fit, fit doubtfully (see record).
        self.weak = False
        #: The turn's own words among the ones aligned: words[lead:own_end].
        self.lead = len(job.before)
        self.own_end = self.lead + len(job.words)
        #: How much of a turn's first window comes before its own words: as much as
        #: where it was aimed to open (see turn.align_turn), not the clock's time
        #: less where it opened, so that the window ends at the same place in the
        #: audio whatever the transcript's clock. (Cut to the clock, a window under
        #: a clock 0.3 s later ended 0.3 s later, its last words took another path,
        #: and the windows after it followed: 3% of the real benchmark's words
        #: moved by more than 20 ms, turn 8 aside; 1.3-2.4% now.)
        self.lead_in = 0.0
        self.failures = 0
        self.successes = 0
        self.budget = FAILURE_BUDGET + len(job.words) // 2
        #: Where windows were aligned again from earlier (see recover.back_off), and the
        #: cursor a back-off left, for the loop to take up.
        self.backed_off: set[int] = set()
        self.moved_back: float | None = None
        #: After another speaker's turn (an untimed transcript), the window opens
        #: earlier and that turn's last words, words[:head], are optional in it;
        #: ``resume`` is where they were thought to end.
        self.head = 0
        self.resume = 0.0
        self.placed: tuple[int, list[tuple[float, float] | None]] | None = None
        #: After a window had to be halved, the next ones hold at most this many of
        #: the turn's own words, twice as many after each that fits at once: a voice
        #: the model hears badly fails whole windows again and again, each costing
        #: seconds (the benchmark's speaker with a cold: 71 failed windows of 20 s).
        self.cap: int | None = None
        #: Every turn has its own time (not an untimed walk). Only then may a window
        #: be fitted with single words left out before it is halved: in an untimed
        #: walk, such a fit of a hard voice's last window put its last words on the
        #: next speaker's first, the next turn opened after them, and was lost.
        self.anchored = not job.breaks
        #: A timed turn's windows end in a pause (see :meth:`closing`). Not
        #: ``anchored``, which a turn's opening probe turns off: the probe's window
        #: must end where the walk's does, or the walk cannot take its decode.
        self.quiet_ends = not job.breaks
        #: Where another speaker's turn begins among the words (see TurnJob.breaks).
        self.breaks = tuple(self.lead + b for b in job.breaks)
        #: The first window opens where the turn before was found to end (see
        #: TurnJob.opens_at): what is said there is this turn, from wherever an edit
        #: left it.
        self.opened = job.opens_at is not None

    def fresh(self, words: int) -> None:
        """Start another speaker's turn (an untimed transcript): its own budget."""
        self.failures = self.successes = 0
        self.budget = FAILURE_BUDGET + words // 2
        self.cap = None

    def hopeless(self) -> bool:
        return self.failures >= self.budget or (
            self.failures >= HOPELESS_WINDOWS * TRIES
            and self.failures > TRIES * self.successes)

    def read(self, start: float, end: float) -> tuple[bytes, float]:
        start = max(0.0, start)
        return self.audio.read(start, end), start

    def quiet_point(self, around: float) -> float:
        return self.audio.quiet_point(around, QUIET_RADIUS)

    def closing(self, planned: float, limit: float) -> float:
        """Where a window planned to end at ``planned`` ends (never past ``limit``):
        in a timed turn, in the quietest moment within QUIET_RADIUS of it.

        The pace puts the end inside a word more often than not, and that piece is
        forced onto the path's last word or a filler; where it falls moves with the
        transcript's clock, where the quiet is does not. (A clock 0.3 s early on the
        real-speech benchmark ended a window inside "be" instead of "all", and the
        next put the word after a filler 1.05 s early; both now end in the pause
        after "all".) Not in an untimed walk: there it changed the paths through a
        voice the model hears badly, and one random episode (bench/real_sweep.py,
        seed 13) lost four turns.
        """
        if planned >= limit:
            return limit
        return min(limit, self.quiet_point(planned)) if self.quiet_ends else planned


def said(words: Iterable[str], seconds: float = CONTEXT_SECONDS) -> list[str]:
    """The first of ``words`` (read lazily) that take ``seconds`` to say.

    >>> said(["one", "two", "three"], 0.3)
    ['one', 'two']
    """
    out: list[str] = []
    spoken = 0.0
    for word in words:
        if spoken >= seconds:
            break
        out.append(word)
        spoken += word_weight(word)
    return out


def estimate(words: Sequence[str]) -> float:
    return sum(word_weight(w) for w in words)


def window_end(start: float, words: Sequence[str], rate: float, limit: float) -> float:
    """Where a window from ``start`` for ``words`` ends, as its first attempt plans
    it: their time at the speaker's pace, stretched, and a second (never past
    ``limit``); a timed turn's window then ends in a pause within QUIET_RADIUS of it
    (see WindowAudio.closing).
    """
    return min(limit, start + estimate(words) * rate * ATTEMPTS[0][1] + 1.0)


def try_window(tokens: Sequence[list[str]], i: int, j: int, audio: WindowAudio, start: float,
         end: float, settings: str, tail: int | None = None, skips: bool = False,
         isolated: bool = False, jump: tuple[int, Sequence[int], int] | None = None,
         judged: int | None = None) -> list[TokenTime | None] | None:
    """Align the tokens of words[i:j] in the audio from ``start`` to ``end``.

    Words of the neighbouring turns in the window are optional at its edges: the
    path may start at any of those before the turn's own words, and end after any of
    those after them. (Letting a window's path end before its last own words too,
    which are aligned again in the next window anyway, lost the way: the audio of the
    words left out was then spread over the words before them.) With ``tail``, the
    words from there on are the next speaker's, optional in the same way. With
    ``skips`` and ``isolated``, a path that leaves out two of the window's own tokens
    in a row does not fit. With ``jump`` (lo, landings, reach), the path may leave
    out one run of words from words[lo] on that ends at one of ``landings`` (see
    WindowAligner.align), and ends anywhere after words[reach]. With ``judged``,
    the words from words[judged] on are held to the bars on their own as well: a
    window that aligns words placed before again (a back-off) has its mean carried
    by them, and one whose clean words scored -21,500 laid the next words, a voice
    with a cold, 3.5 s late (bench/real_sweep.py, seed 2).
    """
    if audio.hopeless():
        return None
    flat, bounds = flattened(tokens, i, j)
    starts = sorted(set(bounds[: max(1, min(j, max(audio.lead, audio.head)) - i + 1)]))
    ends = sorted(set(bounds[tail - i:])) if tail is not None \
        else sorted(set(bounds[max(0, audio.own_end - i):])) if j > audio.own_end \
        else [len(flat)]
    pcm, offset = audio.read(start, end)
    leap = None
    if jump is not None:
        lo, landings, reach = jump
        ends = sorted(set(bounds[reach - i + 1:]))
        leap = (bounds[lo - i], sorted({bounds[k - i] for k in landings}))
    found = made.decode(aligner_for(settings), flat, pcm, offset, starts, ends, skips, leap)
    score = None
    if found is not None:
        score = mean_score(found)
        if jump is not None:
            score = min(score, mean_score(_landed(found)))
        if judged is not None and judged > i and any(found[bounds[judged - i]:]):
            score = min(score, mean_score(found[bounds[judged - i]:]))
    # A path that jumps says the words it leaves out are not in the audio: never on
    # a doubtful fit (a window of a hard voice so fitted jumped over 110 words said).
    refuse = audio.doubt if jump is not None else audio.bar
    if score is not None and refuse is not None and score < refuse:
        found = None  # the words forced onto other speech: as bad as no fit
    if found is not None and isolated and _skipped_run(found[max(starts):min(ends)]) > 1:
        found = None
    if found is None:
        audio.failures += 1
    else:
        audio.successes += 1
        audio.weak = score is not None and audio.doubt is not None and score < audio.doubt
    return found


def flattened(tokens: Sequence[list[str]], i: int, j: int) -> tuple[list[str], list[int]]:
    """The tokens of words[i:j] in one list, and where each word's begin in it (and,
    last, where the list ends).

    >>> flattened([["a"], [], ["b", "c"], ["d"]], 1, 3)
    (['b', 'c'], [0, 0, 2])
    """
    flat = [t for k in range(i, j) for t in tokens[k]]
    bounds = [0]
    for k in range(i, j):
        bounds.append(bounds[-1] + len(tokens[k]))
    return flat, bounds


def _landed(found: Sequence[TokenTime | None]) -> list[TokenTime]:
    """The tokens found after a path's jump (all it found, when it did not jump).

    A jump says the words it leaves out are not in the audio; where they are, the
    words it lands on are forced onto their speech, and fit that much worse than the
    words before the jump, which the window's mean hides.

    >>> t = lambda s: TokenTime("a", 0.0, 0.1, s)
    >>> [x.score for x in _landed([None, t(-1.0), None, None, t(-2.0), t(-3.0), None])]
    [-2.0, -3.0]
    >>> [x.score for x in _landed([t(-1.0), t(-2.0)])]
    [-1.0, -2.0]
    """
    kept = [k for k, token in enumerate(found) if token is not None]
    gap = next((b for a, b in pairwise(kept) if b > a + 1), kept[0] if kept else 0)
    return [token for token in found[gap:] if token is not None]


def _skipped_run(found: Sequence[TokenTime | None]) -> int:
    """The longest run of tokens left out of a path.

    >>> t = TokenTime("a", 0.0, 0.1, -1.0)
    >>> _skipped_run([t, None, t, None, None, t]), _skipped_run([t])
    (2, 0)
    """
    longest = run = 0
    for token in found:
        run = run + 1 if token is None else 0
        longest = max(longest, run)
    return longest


def chunk_end(words: Sequence[str], i: int, cap: int | None = None) -> int:
    """The end of the chunk that starts at ``i``: about CHUNK_SECONDS of speech, and at
    most ``cap`` words (see WindowAudio.cap).

    >>> chunk_end(["word"] * 100, 10), chunk_end(["word"] * 100, 10, cap=8)
    (68, 18)
    """
    j, seconds = i, 0.0
    while j < len(words) and (j == i or seconds < CHUNK_SECONDS):
        seconds += word_weight(words[j])
        j += 1
    return j if cap is None else min(j, i + cap)


def align_chunk(words: Sequence[str], tokens: list[list[str]], i: int, j: int,
                 cursor: float, limit: float, audio: WindowAudio,
                 times: list[tuple[float, float] | None], rate: float = 1.0,
                 rescue: Callable[[], tuple[int, str, float] | None] | None = None,
                 halve: bool = True, tail: int | None = None, halved: bool = False,
                 ahead: int | None = None,
                 attempts: Sequence[tuple[str, float]] = ATTEMPTS,
                 judged: int | None = None) -> tuple[int, str]:
    """Align words[i:j] from ``cursor`` and record the times that can be trusted.

    Returns the index up to which words are trusted, and how it went (``aligned``,
    ``retried``, ``interpolated``; ``failed`` when ``halve`` is off and no attempt
    fit). Unless the window runs to the end of the turn, its last few words are not
    trusted: speech after them in the window is pulled onto them, so they are
    aligned again at the start of the next window. When every attempt fails,
    ``rescue`` is tried before the window is halved. With ``tail``, words[tail:j]
    are the next speaker's first words, optional: the window reaches CONTEXT_REACH
    past where words[i:tail] should end, and all of those are trusted. With
    ``ahead``, words[ahead:j] are the speaker's next words, optional at the end of a
    window cut for words[i:ahead]: speech after those is taken by the words said
    there, not pulled onto the window's last words, and the words are trusted up to
    OVERLAP_WORDS before the last one found (see AHEAD_SECONDS), or before ``ahead``
    when only a later attempt fits. ``attempts``: the
    settings and stretches tried before the window is given up or halved.
    ``judged``: see :func:`try_window`.
    """
    last = j >= len(words)
    # A window with much more speech than its words pulls them apart, so it is cut
    # to the time these words should take at the pace the speaker has shown. The
    # words of the turn before are in the lead-in, however many of them it holds.
    own = max(i, audio.lead, audio.head)
    lead_in = audio.lead_in if i < audio.lead else \
        max(0.0, audio.resume - cursor) if i < audio.head else 0.0
    optional = tail if tail is not None else ahead
    expected = estimate(words[own:j if optional is None else optional]) * rate
    reach = 0.0 if tail is None else CONTEXT_REACH
    if not any(tokens[i:j]):
        return j, "aligned"  # nothing to say (dashes); timed from the neighbours

    def attempt(settings: str, stretch: float, skips: bool = False, isolated: bool = False,
                first: bool = True) -> int | None:
        """The index up to which words are trusted when the window fits, else None."""
        end = limit if last else audio.closing(
            cursor + lead_in + expected * stretch + 1.0 + reach, limit)
        found = try_window(tokens, i, j, audio, cursor, end, settings, optional, skips,
                           isolated, judged=judged)
        if found is None:
            return None
        record(found, tokens, i, j, times, audio)
        if tail is not None:
            return tail
        reached = j if ahead is None else \
            max((k + 1 for k in range(i, j) if times[k] is not None), default=ahead)
        if ahead is not None and not first:
            # A path the first attempt could not find (a voice the model hears badly)
            # may lay the speaker's next words over speech not theirs (the edited
            # untimed episode: over the next turn's first seconds, then lost).
            reached = min(reached, ahead)
        return reached if (last or end >= limit) else max(i + 1, reached - OVERLAP_WORDS)

    for number, (settings, stretch) in enumerate(attempts):
        if (trusted := attempt(settings, stretch, first=number == 0)) is not None:
            if halved:
                audio.cap = max(2 * OVERLAP_WORDS, 2 * ((optional or j) - own))
            elif number == 0 and audio.cap is not None:
                audio.cap *= 2
            return trusted, "aligned" if number == 0 else "retried"
    if audio.anchored and (trusted := attempt(*SKIPPING, skips=True, isolated=True,
                                              first=False)) is not None:
        return trusted, "retried"
    if rescue is not None and (saved := rescue()) is not None:
        audio.moved_back = saved[2]
        return saved[0], saved[1]
    if not halve:
        return i, "failed"
    half_end = optional if optional is not None else j  # halves of the speaker's own words
    if half_end - i > 1:
        # Half of the window's own words: never a half of only the optional words
        # of the turn before, or those a hand-over gives again.
        middle = max(i + 1, own + (half_end - own) // 2) if own < half_end \
            else i + (half_end - i) // 2
        # The half holds the speaker's next words, optional at its end, as the window
        # did: cut longer than its words take, it holds speech of the words after
        # them, which would otherwise be pulled onto its last words (see
        # AHEAD_SECONDS).
        after = middle + len(said(words[middle:half_end], AHEAD_SECONDS))
        got, how = align_chunk(words, tokens, i, after, cursor, limit, audio, times, rate,
                               halved=True, ahead=middle if after > middle else None)
        if how == "interpolated" and not halved \
                and (trusted := attempt(*SKIPPING, skips=True, first=False)) is not None:
            audio.cap = max(2 * OVERLAP_WORDS, j - own)
            return trusted, "retried"
        return got, "retried" if how == "aligned" else how
    return half_end, "interpolated"


def record(found: Sequence[TokenTime | None], tokens: list[list[str]], i: int, j: int,
            times: list[tuple[float, float] | None], audio: WindowAudio) -> None:
    """Times of words[i:j] from the tokens found (None: a context word not in the
    window), each word doubtful or not as the window that placed it last."""
    position = 0
    for k in range(i, j):
        count = len(tokens[k])
        if count:
            first, last = found[position], found[position + count - 1]
            if first is not None and last is not None:
                times[k] = (round(first.start, 3), round(last.end, 3))
                if audio.weak:
                    audio.doubtful.add(k)
                else:
                    audio.doubtful.discard(k)
            position += count
