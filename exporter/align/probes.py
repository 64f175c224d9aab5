"""Repair's probes, run in the process pool: each once, and the first ones early.

Timestamp repair (:mod:`exporter.align.repair`) asks for probes in batches and
decides in order, so each batch waits for the one before. The batch it asks for
first is known before the audio is decoded: every turn's opening words where the
transcript's times put them (the offset search's first three are among them). Those
are started while ffmpeg decodes, each as soon as the audio it reads is in the file,
so that the second core works during the decode instead of waiting for it: one
fewer at a time than there are workers, as ffmpeg has a core of its own (with both
workers probing, the real-speech episode's decode took 1.3 s instead of 0.8 s, and
the probes were done 0.25 s later). When the offset found is not the one they were
started at, those not begun are dropped.

A probe's result does not depend on when it ran, nor on how much of the file was
decoded then (it reads only what it reaches), so the alignment is the same as when
every probe runs after the decode.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from exporter.align.audio import DecodedAudio
from exporter.align.repair import ProbeJob, opening_jobs, probe_reach, run_probe, serial
from exporter.model import Turn

Result = tuple[float, float] | None


class ProbeRunner:
    """A :data:`~exporter.align.repair.Runner` that runs each distinct probe once (in
    ``pool``, or here without one), and can start probes ahead of being asked."""

    def __init__(self, pool: ProcessPoolExecutor | None) -> None:
        self.pool = pool
        self.done: dict[ProbeJob, Result] = {}
        self.running: dict[ProbeJob, Future[Result]] = {}

    def start(self, jobs: Sequence[ProbeJob]) -> list[Future[Result]]:
        """Start ``jobs`` in the pool without waiting for them (no pool: nothing)."""
        if self.pool is None:
            return []
        for job in jobs:
            if job not in self.done and job not in self.running:
                self.running[job] = self.pool.submit(run_probe, job)
        return [self.running[job] for job in jobs if job in self.running]

    def drop_waiting(self) -> None:
        """Drop the probes started ahead that no worker has begun."""
        for job, future in list(self.running.items()):
            if future.cancel():
                del self.running[job]

    def __call__(self, jobs: Sequence[ProbeJob]) -> list[Result]:
        if self.pool is None:
            new = list(dict.fromkeys(j for j in jobs if j not in self.done))
            self.done.update(zip(new, serial(new), strict=True))
        else:
            self.start(jobs)
            for job in jobs:
                if job in self.running:
                    self.done[job] = self.running.pop(job).result()
        return [self.done[job] for job in jobs]


class OpeningProbes:
    """Starts the opening probes at ``shift`` as the decode reaches each one's audio
    (pass :meth:`ready` to :func:`~exporter.align.audio.decode` as ``on_ready``)."""

    def __init__(self, turns: Sequence[Turn], shift: float, runner: ProbeRunner,
                 at_once: int) -> None:
        self.turns = turns
        self.shift = shift
        self.runner = runner
        self.at_once = at_once
        self.jobs: list[ProbeJob] | None = None
        self.next = 0
        self.started: list[Future[Result]] = []

    def ready(self, audio: DecodedAudio) -> None:
        if self.jobs is None:
            self.jobs = opening_jobs(self.turns, audio, self.shift)
        self.started = [f for f in self.started if not f.done()]
        # In turn order: a probe past the decode waits, and so do the ones after it.
        while len(self.started) < self.at_once and self.next < len(self.jobs) \
                and probe_reach(job := self.jobs[self.next]) <= audio.duration:
            self.started += self.runner.start(
                [ProbeJob(job.words, job.at, job.pcm_path, audio.samples, job.before)])
            self.next += 1
