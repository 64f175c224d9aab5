"""Where a window of a turn's words opens and ends in the audio."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest

from exporter.align.audio import DecodedAudio, decode
from exporter.align.window import QUIET_RADIUS, TurnJob, WindowAudio
from tests.conftest import BUNDLED, EPISODE

SENTENCES = json.loads((BUNDLED / "sample-episode.truth.json").read_text())["sentences"]


@pytest.fixture(scope="module")
def audio() -> Iterator[DecodedAudio]:
    decoded = decode(EPISODE)
    yield decoded
    decoded.close()


def window_audio(audio: DecodedAudio, breaks: tuple[int, ...] = ()) -> WindowAudio:
    job = TurnJob(0, "A", ("word",) * 10, 0.0, audio.duration, str(audio.path),
                  audio.samples, breaks=breaks)
    return WindowAudio(job)


def level(audio: DecodedAudio, at: float) -> float:
    """The mean level (dB) of the 100 ms around ``at``."""
    return float(np.mean(audio.levels(at - 0.05, at + 0.05)))


#: A sentence's first word in the sample, after a pause: (where the pause starts,
#: where the sentence starts).
PAUSES = [(before["end"], after["start"]) for before, after in pairwise(SENTENCES)
          if after["turn"] == before["turn"] and after["start"] - before["end"] >= 0.3][:4]


@pytest.mark.parametrize(("quiet", "said"), PAUSES)
def test_a_timed_turns_window_ends_in_the_pause_near_where_its_words_should(
        audio: DecodedAudio, quiet: float, said: float) -> None:
    """Planned to end just inside a sentence's first word, the window ends in the
    pause before it: a piece of a word at a window's end is forced onto its last
    word or a filler, and where the pace puts the end moves with the clock."""
    planned = said + 0.15
    assert level(audio, planned) > level(audio, (quiet + said) / 2) + 20  # inside speech
    end = window_audio(audio).closing(planned, audio.duration)
    assert quiet < end < said
    assert abs(end - planned) <= QUIET_RADIUS
    # Planned a little earlier (another clock), it ends in the same pause.
    assert quiet < window_audio(audio).closing(planned - 0.2, audio.duration) < said


def test_a_window_never_ends_past_its_limit_nor_moves_in_an_untimed_walk(
        audio: DecodedAudio) -> None:
    _, said = PAUSES[0]
    planned = said + 0.15
    assert window_audio(audio).closing(planned, said) == said
    assert window_audio(audio).closing(planned, planned - 0.1) == planned - 0.1
    assert window_audio(audio, breaks=(5,)).closing(planned, audio.duration) == planned
