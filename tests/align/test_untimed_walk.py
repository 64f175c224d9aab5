"""An untimed walk that loses a speaker's turn stops for the search of the turn
after it, which the caller runs on every core, and is taken up again as the walk
that searches itself goes on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from exporter.align import repair, untimed
from exporter.align.audio import DecodedAudio, decode
from exporter.align.turn import Lost, TurnJob, align_turn, locator, resumed, walk
from exporter.model import Turn, TurnAlignment
from exporter.readers import read_transcript
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT

#: Words the sample does not say: a turn of them cannot be aligned anywhere.
UNSAID = ("forty seven purple elephants quietly painted the old lighthouse before dawn "
          "yesterday while seven orange giraffes counted their marbles beside a frozen "
          "river ") * 3


@pytest.fixture()
def lost_turn() -> Iterator[tuple[list[Turn], list[int], TurnJob, DecodedAudio]]:
    """The sample with its second turn replaced by words it does not say, and the
    job of walking all of it untimed."""
    turns = list(read_transcript(EPISODE_TRANSCRIPT).turns)
    turns[1] = Turn(turns[1].start, turns[1].speaker, UNSAID)
    words = [w for turn in turns for w in turn.words]
    firsts = [sum(len(t.words) for t in turns[:k]) for k in range(len(turns))]
    audio = decode(EPISODE)
    try:
        start = repair.find_start(words, audio)
        assert start is not None
        yield turns, firsts, untimed._job(turns, firsts, words, 0, len(turns), start,
                                          audio.duration, audio), audio
    finally:
        audio.close()


def test_a_walk_that_loses_a_turn_stops_and_is_taken_up_again_the_same(
        lost_turn: tuple[list[Turn], list[int], TurnJob, DecodedAudio]) -> None:
    turns, firsts, job, audio = lost_turn
    stopped = walk(job)
    # Stopped at the lost turn, for the turn after it to be searched for.
    assert isinstance(stopped, Lost)
    assert stopped.state.previous == firsts[1] and stopped.state.handed == firsts[2]
    assert stopped.words[:6] == tuple(turns[2].words[:6])
    assert stopped.floor < turns[2].start < stopped.guess + 30.0
    again = walk(resumed(job, stopped, locator(audio)))
    assert isinstance(again, TurnAlignment)
    # The same as the walk that searched itself, and the turn after is found.
    assert again == align_turn(job, locate=locator(audio))
    third = [w for w in again.words[firsts[2]:firsts[3]] if w.method == "aligned"]
    assert third and abs(third[0].start - turns[2].start) < 1.5


def test_a_walk_taken_up_again_keeps_the_doubts_it_had_before_it_stopped(
        lost_turn: tuple[list[Turn], list[int], TurnJob, DecodedAudio]) -> None:
    # The sample's first window fits at about -21,600 a frame and the window over
    # the hand-over to the lost turn at about -24,000: with the doubt between them,
    # that window's words are doubtful before the walk stops. A part walked in the
    # pool had lost such marks at every stop, and its turns came out surer than the
    # same walk made in one process.
    _, firsts, job, audio = lost_turn
    job = replace(job, bar=-22_000.0)
    out = walk(job)
    assert isinstance(out, Lost)
    assert out.state.doubtful and max(out.state.doubtful) < firsts[1]
    while isinstance(out, Lost):
        out = walk(resumed(job, out, locator(audio)))
    whole = align_turn(job, locate=locator(audio))
    assert out == whole
    assert any(k < firsts[1] for k in out.doubtful)
