"""Every word of the transcript, aligned to the episode audio.

Turn starts are the anchors: each turn is aligned on its own (see
:mod:`exporter.align.turn`), from just before its start to just after the next
turn's, so turns go to a process pool in any order and the result does not depend on
the number of workers. Where one speaker hands over to the next is found from the
audio, not from the timestamp: a turn's first window also holds the last words of the
turn before, and its last window the first words of the turn after, so the boundary
falls where those words are spoken (timestamps are usually rounded down to whole
seconds, and a window cut at one holds the end of the previous speaker, onto which
the turn's first words would otherwise be forced). Before that, timestamp repair
(:mod:`exporter.align.repair`) finds an offset, inserted breaks and cuts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from exporter.align import repair
from exporter.align.audio import DecodedAudio, decode
from exporter.align.bars import window_bars
from exporter.align.edges import DOUBTFUL_START
from exporter.align.estimate import monotonic
from exporter.align.jobs import turn_job
from exporter.align.probes import OpeningProbes, ProbeRunner
from exporter.align.turn import TurnJob, align_turn, aligner_for
from exporter.align.untimed import align_untimed
from exporter.model import Alignment, Transcript, Turn, TurnAlignment, Word
from exporter.workers import pool as worker_pool

__all__ = ["Alignment", "TurnAlignment", "align"]


def align(transcript: Transcript, audio: str | os.PathLike[str], *, jobs: int | None = None,
          offset: float | None = None, repair: bool = True,
          progress: Callable[[str, float], None] | None = None) -> Alignment:
    """Align every word of ``transcript`` to ``audio``.

    :param jobs: worker processes (default: one per core); the result is the same
        whatever the number.
    :param offset: seconds to add to the transcript's times (audio before the
        transcript's zero, such as an intro added later); None: found from the
        audio when ``repair`` is on, else 0.
    :param repair: find the offset when none is given, and breaks inserted or cut;
        off, the transcript's times are trusted.
    :param progress: called with a stage name and a fraction done.
    :raises AudioError: when the audio cannot be decoded.
    """
    workers = jobs or os.cpu_count() or 1
    pool = worker_pool(workers) if workers > 1 else None
    try:
        runner = ProbeRunner(pool)
        ahead = None
        if pool is not None:
            # The workers load the dictionary and the model while ffmpeg decodes,
            # then probe the turns' openings as their audio comes.
            for _ in range(workers):
                pool.submit(_warm_up)
            if not transcript.untimed:
                ahead = OpeningProbes(transcript.turns, offset or 0.0, runner, workers - 1)
        decoded = decode(audio, on_progress=(lambda s: progress("decode", s)) if progress
                         else None, on_ready=ahead.ready if ahead else None)
        try:
            return _align_with(transcript, decoded, pool, offset, repair, progress, runner)
        finally:
            decoded.close()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _warm_up() -> None:
    aligner_for("normal")


def _align_with(transcript: Transcript, decoded: DecodedAudio,
                pool: ProcessPoolExecutor | None, given: float | None, repair_times: bool,
                progress: Callable[[str, float], None] | None, run: ProbeRunner
                ) -> Alignment:
    turns = transcript.turns
    duration = decoded.duration
    warnings: list[str] = []
    if transcript.untimed:
        result = align_untimed(turns, decoded, pool, run, progress)
        if given is not None:
            result.warnings.insert(0, "the transcript has no times, so the offset given "
                                      "was not used")
        return result
    offset = given or 0.0
    if repair_times and given is None:
        offset = repair.find_offset(turns, decoded, run)
        if offset:
            run.drop_waiting()  # the openings started during the decode were at 0
            warnings.append(f"the transcript's times are {offset:+.1f} s off the audio "
                            "(found from the first turns); every turn was moved by that")
    # With the times trusted, the probes still tell chance fits (wrong audio) apart.
    found = repair.find_insertions(turns, decoded, offset, run, search=repair_times)
    shifts, insertions = found.shifts, found.insertions
    bars = window_bars(turns, found.bars, found.probes, found.shifts)
    for moved, seconds in insertions:
        if seconds > 0:
            warnings.append(f"{seconds:.1f} s of audio that is not in the transcript comes "
                            f"before turn {moved + 1} (at {turns[moved].start:.1f} s): an "
                            "inserted break; the turns after it were moved by that")
        else:
            warnings.append(f"{-seconds:.1f} s cut from the audio before turn {moved + 1} "
                            f"(at {turns[moved].start:.1f} s in the transcript): the turns "
                            "after it were moved by that")
    job_list = []
    beyond: list[int] = []
    for index in range(len(turns)):
        job = turn_job(turns, shifts, index, decoded, bars[index], run.known(index))
        if job is None:
            beyond.append(index)
        else:
            job_list.append(job)
    if beyond:
        first = turns[beyond[0]]
        warnings.append(f"{len(beyond)} turn{'s' if len(beyond) > 1 else ''} from turn "
                        f"{beyond[0] + 1} (at {first.start:.1f} s) on start after the audio "
                        f"ends ({duration:.1f} s); their words were not aligned")
    done: dict[int, TurnAlignment] = {
        index: _beyond_the_end(index, turns[index], duration) for index in beyond}
    if pool is None:
        for job in job_list:
            done[job.index] = align_turn(job)
            if progress:
                progress("align", len(done) / len(turns))
    else:
        # The longest turns first keeps both cores busy to the end, and before them
        # the turns whose first window found no path at its first attempt (an
        # opening probe): their windows are tried again and again, and begun last,
        # one of them alone held a core for the last two seconds of the real-speech
        # benchmark. Results are put back in transcript order.
        order = sorted(job_list, key=lambda j: (not any(f is None for _, f in j.known),
                                                -len(j.words)))
        futures = [(job.index, pool.submit(align_turn, job)) for job in order]
        for index, future in futures:
            done[index] = future.result()
            if progress:
                progress("align", len(done) / len(turns))
    results = _settle_edges([done[i] for i in range(len(turns))],
                            {job.index: job for job in job_list})
    for moved, seconds in insertions:
        if seconds < 0 and moved > 0 and results[moved - 1].unaligned:
            # Audio cut before this turn: the words of the turn before that could
            # not be aligned are where it went (the audio says so, if not word by
            # word).
            cut = results[moved - 1]
            results[moved - 1] = replace(cut, unmatched=tuple(sorted(
                cut.unmatched + cut.unaligned)), unaligned=())
    words = monotonic([w for r in results for w in r.words])
    return Alignment(words, results, duration, offset, decoded.peaks, warnings,
                     insertions=insertions, shifts=shifts)


#: How far a turn's first aligned word may start before the last aligned word of the
#: turn before it ends (speakers overlap a little) before one of them is wrong.
OVERLAP = 0.15
#: A turn none of whose words were found, starting at most this long after the
#: turn before ends, is looked for again from that end: an edit that cut across the
#: change of speakers took this turn's first words and moved it earlier, and its
#: window opened in the turn before's speech.
LOST_REACH = 10.0


def _settle_edges(results: list[TurnAlignment], jobs: dict[int, TurnJob]
                  ) -> list[TurnAlignment]:
    """Turns aligned in parallel can both claim the speech where they meet.

    A turn's first window is given the last words of the turn before to take that
    turn's speech; when those words are not in the audio (cut in the edit), the
    turn's own first words can be laid over it instead, with every word aligned
    and nothing to doubt (the real-speech benchmark's edited variant: a turn 2 s
    early at confidence 1.0). When a turn's first aligned word starts before the
    turn before's last aligned word ends, the turn is aligned again with its first
    window opening there; the new result is kept when it is as sure, and otherwise
    the turn's start is reported as in doubt. A turn none of whose words were found
    is looked for from the end of the turn before, too (see LOST_REACH), in order,
    so that a turn found that way helps the next.
    """
    out = list(results)
    for k in range(1, len(out)):
        before = [w for w in out[k - 1].words if w.method == "aligned"]
        own = [w for w in out[k].words if w.method == "aligned"]
        if not before or k not in jobs:
            continue
        lost = not own and jobs[k].start - before[-1].end <= LOST_REACH
        if not lost and (not own or own[0].start >= before[-1].end - OVERLAP):
            continue
        again = align_turn(replace(jobs[k], before=(), opens_at=before[-1].end))
        if again.confidence > out[k].confidence or (
                not lost and again.confidence == out[k].confidence):
            out[k] = again
        elif not lost:
            out[k] = replace(out[k], confidence=min(out[k].confidence, DOUBTFUL_START))
    return out


def _beyond_the_end(index: int, turn: Turn, duration: float) -> TurnAlignment:
    """A turn that starts after the audio ends: its words at the end, unaligned."""
    words = tuple(Word(w, duration, duration, turn.speaker, index, "interpolated")
                  for w in turn.words)
    return TurnAlignment(index, duration, words, "interpolated", 0.0)
