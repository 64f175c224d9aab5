"""Repair's probes run once each, and the first ones while the audio is decoded,
with the results they give when run after it."""

from __future__ import annotations

from exporter.align.audio import DecodedAudio, decode
from exporter.align.probes import OpeningProbes, ProbeRunner, opening_jobs, probe_reach, serial
from exporter.readers import read_transcript
from exporter.workers import pool
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT


def test_openings_probed_during_the_decode_are_those_probed_after_it() -> None:
    turns = read_transcript(EPISODE_TRANSCRIPT).turns
    workers = pool(2)
    runner = ProbeRunner(workers)
    ahead = OpeningProbes(turns, 0.0, runner, at_once=1)
    decoded_so_far: list[float] = []

    def ready(audio: DecodedAudio) -> None:
        ahead.ready(audio)
        decoded_so_far.append(audio.duration)

    audio = decode(EPISODE, on_ready=ready)
    try:
        jobs = opening_jobs(turns, audio, [0.0] * len(turns))
        early = dict(runner.running)
        # Started while the decode went on, each once its audio was in the file,
        # with no more in the pool at a time than asked.
        assert len(decoded_so_far) > 5 and early
        started = [job for job in jobs if job in early]
        assert all(probe_reach(job) <= audio.duration for job in started)
        assert any(job.samples < audio.samples for job in early)
        assert all(probe_reach(job) <= job.samples / 16_000 for job in early)
        assert runner(jobs) == serial(jobs)
        assert runner.running == {}
        # Asked again, nothing runs again.
        assert runner(jobs[:2]) == serial(jobs[:2]) and runner.running == {}
    finally:
        audio.close()
        workers.shutdown()


def test_probes_started_ahead_at_a_shift_that_was_not_kept_are_dropped() -> None:
    turns = read_transcript(EPISODE_TRANSCRIPT).turns
    workers = pool(2)
    runner = ProbeRunner(workers)
    audio = decode(EPISODE)
    try:
        jobs = opening_jobs(turns, audio, [30.0] * len(turns))
        runner.start(jobs)
        runner.drop_waiting()
        # Those a worker had begun finish; the rest never ran.
        assert 0 < len(runner.running) < len(jobs)
        assert all(job in jobs for job in runner.running)
    finally:
        audio.close()
        workers.shutdown()


def test_without_a_pool_probes_run_here_once_each() -> None:
    turns = read_transcript(EPISODE_TRANSCRIPT).turns
    runner = ProbeRunner(None)
    audio = decode(EPISODE)
    try:
        jobs = opening_jobs(turns, audio, [0.0] * len(turns))[:3]
        runner.start(jobs)
        assert runner.running == {} and runner.done == {}
        assert runner([jobs[0], *jobs]) == serial([jobs[0], *jobs])
        assert set(runner.done) == set(jobs)
    finally:
        audio.close()


def test_a_batch_of_probes_goes_to_the_pool_longest_first() -> None:
    # The batch is waited for whole: a long probe given last keeps the other workers
    # waiting for it. The sample's turns 1-3 are short, turn 4 long.
    turns = read_transcript(EPISODE_TRANSCRIPT).turns
    audio = decode(EPISODE)
    workers = pool(1)
    try:
        runner = ProbeRunner(workers)
        jobs = opening_jobs(turns, audio, [0.0] * len(turns))
        runner.start(jobs)
        given = [job.turn.index for job in runner.running if job.turn is not None]
        assert given == [3, 0, 4, 1, 2]
        # The order is the pool's only: each probe's result is what it is alone.
        assert runner(jobs) == serial(jobs)
    finally:
        workers.shutdown()
        audio.close()
