"""A turn's first window, run as its opening probe, is not decoded again by its walk,
and the walk comes out as it does without it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from exporter.align import made
from exporter.align.audio import DecodedAudio, decode
from exporter.align.bars import CHANCE_BAR
from exporter.align.jobs import first_window, turn_job
from exporter.align.probes import ProbeRunner, opening_jobs
from exporter.align.turn import align_turn
from exporter.model import Turn
from exporter.readers import read_transcript
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT

#: The sample episode's turns and its audio, decoded once for the module.
Sample = tuple[tuple[Turn, ...], DecodedAudio]


@pytest.fixture(scope="module")
def sample() -> Iterator[Sample]:
    audio = decode(EPISODE)
    try:
        yield tuple(read_transcript(EPISODE_TRANSCRIPT).turns), audio
    finally:
        audio.close()


def test_the_walk_takes_the_first_window_the_probe_made(sample: Sample) -> None:
    turns, audio = sample
    job = turn_job(turns, [0.0] * len(turns), 2, audio)
    assert job is not None and job.before and job.after
    found, lead, decodes = first_window(job)
    assert found is not None and len(decodes) == 1
    # The probe's words are the turn's own, after the words of the turn before.
    assert found[lead] is not None and abs(found[lead].start - job.start) < 1.5
    with made.recording() as alone:
        expected = align_turn(job)
    with made.recording() as given:
        result = align_turn(replace(job, known=tuple(decodes)))
    assert result == expected
    # The same decode first, and not made again when it was given.
    assert alone[0] == decodes[0]
    assert given == alone[1:]


def test_a_decode_given_is_taken_only_for_the_very_same_request(sample: Sample) -> None:
    turns, audio = sample
    job = turn_job(turns, [0.0] * len(turns), 2, audio)
    assert job is not None
    _, _, decodes = first_window(job)
    # Another turn's job, handed this turn's decode, makes its own.
    other = turn_job(turns, [0.0] * len(turns), 3, audio)
    assert other is not None
    with made.recording() as given:
        result = align_turn(replace(other, known=tuple(decodes)))
    assert given and given[0][0] != decodes[0][0]
    assert result == align_turn(other)


def test_opening_probes_keep_their_first_windows_for_the_turns(sample: Sample) -> None:
    turns, audio = sample
    runner = ProbeRunner(None)
    shifts = [0.0] * len(turns)
    jobs = opening_jobs(turns, audio, shifts)
    results = runner(jobs)
    assert all(got is not None for got in results)
    for job, got in zip(jobs, results, strict=True):
        assert job.turn is not None and got is not None
        known = runner.known(job.turn.index)
        assert len(known) == 1 and known[0][1] is not None
        # The probe reports where the turn's first word was found in that window.
        assert abs(got[1] - job.at) < 1.5
    # A turn's job made for its walk is the one its probe ran.
    assert turn_job(turns, shifts, 2, audio, bar=-1.0) == replace(jobs[2].turn, bar=-1.0)


def test_a_window_tried_again_unchanged_is_not_decoded_again(sample: Sample) -> None:
    # A turn's last window ends at the turn's limit at every attempt, so the first
    # two attempts (the second only stretches the window) are the same decode.
    turns, audio = sample
    job = turn_job(turns, [0.0] * len(turns), 2, audio)
    assert job is not None
    # Words that are not said there: every attempt fails.
    wrong = replace(job, words=tuple(turns[0].words[-8:]), before=(), after=(),
                    limit=job.start + 4.0, bar=CHANCE_BAR)
    with made.recording() as decodes:
        result = align_turn(wrong)
    assert result.confidence < 0.5
    keys = [key for key, _ in decodes]
    assert len(keys) >= 3 and len(set(keys)) == len(keys)
