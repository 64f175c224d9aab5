"""Repair's probes: what one is, and how they run (each once, the first ones early).

A probe aligns a turn's first words (PROBE_WORDS of them) in a few seconds of audio
around a time, with the words said before it optional in front: where the words
are said it fits with a good score, elsewhere with none or a poor one. Timestamp
repair (:mod:`exporter.align.repair`) decides from probes; they run here. A turn's
opening probe is its first window instead (see :func:`exporter.align.jobs.first_window`:
the score and place of its first PROBE_WORDS words in that fit), which the turn's
walk then takes as made; a probe of the words alone runs only where that window
finds no path.

Repair asks for probes in batches and decides in order, so each batch waits for
the one before. The batch it asks for first is known before the audio is decoded:
every turn's opening words where the transcript's times put them (the offset
search's first three are among them). Those are started while ffmpeg decodes, each
as soon as the audio it reads is in the file, so that the second core works during
the decode instead of waiting for it: one fewer at a time than there are workers,
as ffmpeg has a core of its own (with both workers probing, the real-speech
episode's decode took 1.3 s instead of 0.8 s, and the probes were done 0.25 s
later). When the offset found is not the one they were started at, those not begun
are dropped.

A probe's result does not depend on when it ran, nor on how much of the file was
decoded then (it reads only what it reaches), so the alignment is the same as when
every probe runs after the decode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from exporter.align import made
from exporter.align.audio import DecodedAudio
from exporter.align.jobs import first_reach, first_window, turn_job
from exporter.align.sphinx import WindowAligner, mean_score
from exporter.align.text import NOTE_WORDS, spoken_tokens
from exporter.align.window import TurnJob, aligner_for
from exporter.model import Turn
from exporter.speech import word_weight

PROBE_WORDS = 10
#: Turns with fewer words are not probed.
MIN_PROBE_WORDS = 4


def _probe(words: Sequence[str]) -> tuple[list[str], float]:
    """The probe's tokens, and how long its words take to say."""
    spoken = spoken_tokens(words[:PROBE_WORDS + NOTE_WORDS])[:PROBE_WORDS]
    return [t for tokens in spoken for t in tokens], _seconds(words)


def _seconds(words: Sequence[str]) -> float:
    return sum(word_weight(w) for w in words[:PROBE_WORDS])


#: Seconds before a probe's time that its window opens, and how much earlier when the
#: words said before it are given (as in the aligner: rounded-down times put the end
#: of the previous speaker in the window, and those words take it).
PROBE_LEAD = 1.0
CONTEXT_LEAD = 2.0


def _score_at(aligner: WindowAligner, tokens: list[str], seconds: float, audio: DecodedAudio,
              at: float, before: Sequence[str] = ()) -> tuple[float, float] | None:
    context = spoken_tokens(before)
    lead = [t for word in context for t in word]
    starts = [0]
    for word in context:
        starts.append(starts[-1] + len(word))
    start = audio.quiet_point(_window_start(at, bool(lead)), 0.5)
    # The path may end after any of the probe's words past the first few: a slow
    # speaker's probe must not be squeezed into a window cut for an average one.
    ends = sorted({len(lead) + k for k in range(min(MIN_PROBE_WORDS, len(tokens)),
                                                  len(tokens) + 1)})
    found = aligner.align(lead + tokens, audio.read(start, _window_end(at, seconds)), start,
                          sorted(set(starts)), ends)
    if not found:
        return None
    own = found[len(lead):]
    if not own or own[0] is None:
        return None
    return mean_score(own), own[0].start


def _window_start(at: float, context: bool) -> float:
    """Where the window of a probe at ``at`` is aimed to open (with the words said
    before it, earlier)."""
    return at - PROBE_LEAD - (CONTEXT_LEAD if context else 0.0)


def _window_end(at: float, seconds: float) -> float:
    """Where the window of a probe at ``at`` of words that take ``seconds`` ends."""
    return at + seconds * 1.3 + 1.5


def probe_reach(job: ProbeJob) -> float:
    """The last moment of audio ``job`` reads: it can run once that is decoded."""
    # Without the tokens: the process that decodes need not load the dictionary.
    return job.turn.limit if job.turn is not None else _window_end(job.at, _seconds(job.words))


@dataclass(frozen=True)
class ProbeJob:
    """Look for a turn's first words near ``at`` (runs in a worker)."""

    words: tuple[str, ...]
    at: float
    pcm_path: str
    #: How much of the file is decoded (all of it, or, for a probe run while the
    #: rest is decoded, at least up to its reach): not part of what the job is.
    samples: int = field(compare=False)
    #: The words said just before (the previous turn's last), when they are there.
    before: tuple[str, ...] = ()
    #: The turn's job at this time: the probe is then its first window's first
    #: attempt (see jobs.first_window), and a probe of the words alone only when that
    #: finds no path.
    turn: TurnJob | None = None


Result = tuple[float, float] | None


def run_probe(job: ProbeJob) -> Result:
    """The probe's score and where its first word was found; None when not there."""
    return _run(job)[0]


def _run(job: ProbeJob) -> tuple[Result, tuple[made.Made, ...]]:
    """The probe's result, and the decodes made for it that the turn's walk can take."""
    decodes: list[made.Made] = []
    tokens, seconds = _probe(job.words)
    if job.turn is not None:
        found, lead, decodes = first_window(replace(job.turn, samples=job.samples))
        own = found[lead:lead + len(tokens)] if found is not None else []
        if own and own[0] is not None:
            return (mean_score(own), own[0].start), tuple(decodes)
    audio = DecodedAudio(Path(job.pcm_path), job.samples)
    return _score_at(aligner_for("normal"), tokens, seconds, audio, job.at, job.before), \
        tuple(decodes)


def _cost(job: ProbeJob) -> float:
    """About how many seconds of audio the probe reads."""
    if job.turn is not None:
        return first_reach(job.turn)
    return _window_end(job.at, _seconds(job.words)) - _window_start(job.at, bool(job.before))


Runner = Callable[[Sequence[ProbeJob]], list[Result]]


def serial(jobs: Sequence[ProbeJob]) -> list[Result]:
    return [run_probe(job) for job in jobs]


def probed_turns(turns: Sequence[Turn]) -> list[int]:
    """The turns long enough to probe."""
    return [k for k, t in enumerate(turns) if len(t.words) >= MIN_PROBE_WORDS]


def opening_jobs(turns: Sequence[Turn], audio: DecodedAudio, shifts: Sequence[float],
                 indexes: Sequence[int] | None = None) -> list[ProbeJob]:
    """The probes of turns' openings where ``shifts`` (one per turn) put them, in the
    order of the turns: by default every turn's, which repair's ``find_insertions``
    runs first (``find_offset`` runs the first three at shift 0), and which can be
    run ahead, as the audio is decoded. Each is the turn's first window (see
    :class:`ProbeJob`), with the words said before it."""
    return [replace(job, turn=turn_job(turns, shifts, k, audio))
            for k in (probed_turns(turns) if indexes is None else indexes)
            for job in probe_jobs(turns[k], [shifts[k]], audio, said_before(turns, k))]


def probe_jobs(turn: Turn, shifts: Sequence[float], audio: DecodedAudio,
               before: tuple[str, ...] = ()) -> list[ProbeJob]:
    """Probes of ``turn``'s opening words at each of ``shifts`` from its time."""
    return [ProbeJob(tuple(turn.words), turn.start + shift, str(audio.path), audio.samples,
                     before) for shift in shifts]


def said_before(turns: Sequence[Turn], k: int) -> tuple[str, ...]:
    """The words said just before turn ``k`` if the transcript's times hold there."""
    return tuple(turns[k - 1].words[-PROBE_WORDS:]) if k else ()


class ProbeRunner:
    """A :data:`Runner` that runs each distinct probe once (in
    ``pool``, or here without one), and can start probes ahead of being asked. It
    keeps the decodes the probes made of turns' first windows, for the turns' walks
    (see :meth:`known`)."""

    def __init__(self, pool: ProcessPoolExecutor | None) -> None:
        self.pool = pool
        self.done: dict[ProbeJob, Result] = {}
        self.running: dict[ProbeJob, Future[tuple[Result, tuple[made.Made, ...]]]] = {}
        self.made: dict[int, list[made.Made]] = {}

    def start(self, jobs: Sequence[ProbeJob]) -> None:
        """Start ``jobs`` in the pool without waiting for them (no pool: nothing),
        the longest first: a batch is waited for whole, and when its last probe is
        a long one, the other workers wait for it (the real-speech benchmark's last
        turn's first window, 33 s of audio, kept a core idle for 0.4 s)."""
        if self.pool is None:
            return
        new = [job for job in dict.fromkeys(jobs)
               if job not in self.done and job not in self.running]
        for job in sorted(new, key=_cost, reverse=True):
            self.running[job] = self.pool.submit(_run, job)

    def drop_waiting(self) -> None:
        """Drop the probes started ahead that no worker has begun."""
        for job, future in list(self.running.items()):
            if future.cancel():
                del self.running[job]

    def busy(self) -> int:
        """How many probes started ahead have not finished."""
        return sum(1 for future in self.running.values() if not future.done())

    def known(self, index: int) -> tuple[made.Made, ...]:
        """The decodes made of turn ``index``'s first window (at any shift)."""
        return tuple(self.made.get(index, ()))

    def __call__(self, jobs: Sequence[ProbeJob]) -> list[Result]:
        if self.pool is None:
            for job in dict.fromkeys(j for j in jobs if j not in self.done):
                self._keep(job, _run(job))
        else:
            self.start(jobs)
            for job in jobs:
                if job in self.running:
                    self._keep(job, self.running.pop(job).result())
        return [self.done[job] for job in jobs]

    def _keep(self, job: ProbeJob, outcome: tuple[Result, tuple[made.Made, ...]]) -> None:
        self.done[job] = outcome[0]
        if job.turn is not None:
            self.made.setdefault(job.turn.index, []).extend(outcome[1])


class OpeningProbes:
    """Starts the opening probes at ``shift`` as the decode reaches each one's audio
    (pass :meth:`ready` to :func:`~exporter.align.audio.decode` as ``on_ready``).

    A probe is made when the audio it reads is decoded: its turn's job (see
    jobs.turn_job) ends at the next turn's time or at the end of the audio, and one
    made while the end is not known yet would not be the job repair asks for.
    """

    def __init__(self, turns: Sequence[Turn], shift: float, runner: ProbeRunner,
                 at_once: int) -> None:
        self.turns = turns
        self.shifts = [shift] * len(turns)
        self.runner = runner
        self.at_once = at_once
        self.order: list[int] | None = None
        self.next = 0

    def ready(self, audio: DecodedAudio) -> None:
        if self.order is None:
            self.order = probed_turns(self.turns)
        # In turn order: a probe past the decode waits, and so do the ones after it.
        while self.next < len(self.order) and self.runner.busy() < self.at_once:
            k = self.order[self.next]
            if self.turns[k].start + self.shifts[k] >= audio.duration:
                break
            job = opening_jobs(self.turns, audio, self.shifts, [k])[0]
            if probe_reach(job) >= audio.duration:
                break
            self.runner.start([job])
            self.next += 1
