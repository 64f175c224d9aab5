"""Where a window of a turn's words opens and ends in the audio."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest

from exporter.align.audio import DecodedAudio, decode
from exporter.align.bars import refusal
from exporter.align.sphinx import mean_score
from exporter.align.text import tokens_for
from exporter.align.window import (
    FIRST_TRY,
    QUIET_RADIUS,
    TurnJob,
    WindowAudio,
    record,
    try_window,
)
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


def sentence_window(audio: DecodedAudio, bar: float | None
                    ) -> tuple[WindowAudio, list[list[str]], float, float]:
    """A window over the sample's first sentence, its words' tokens, and where it is."""
    sentence = SENTENCES[0]
    words = tuple(sentence["text"].split())
    job = TurnJob(0, "A", words, 0.0, audio.duration, str(audio.path), audio.samples,
                  bar=bar)
    return (WindowAudio(job), [tokens_for(w) for w in words],
            max(0.0, sentence["start"] - 0.5), sentence["end"] + 0.5)


def test_a_window_fitting_somewhat_worse_than_its_bar_is_kept_and_its_words_doubted(
        audio: DecodedAudio) -> None:
    """A voice can fit worse inside a turn than any opening that vouched for it (a
    speaker with a cold inside a turn that opens in his clean recording): such a
    window's words are kept, and counted doubtful, where a window fitting far worse
    is refused as chance."""
    plain, tokens, start, end = sentence_window(audio, None)
    found = try_window(tokens, 0, len(tokens), plain, start, end, FIRST_TRY)
    assert found is not None and not plain.weak
    score = mean_score(found)

    doubted, _, _, _ = sentence_window(audio, score * 0.9)  # the fit is below the bar
    times: list[tuple[float, float] | None] = [None] * len(tokens)
    again = try_window(tokens, 0, len(tokens), doubted, start, end, FIRST_TRY)
    assert again is not None and doubted.weak
    record(again, tokens, 0, len(tokens), times, doubted)
    assert doubted.doubtful == set(range(len(tokens))) and None not in times

    # The same words fitted again by a window that fits surely are no longer doubted.
    doubted.weak = False
    record(again, tokens, 0, 2, times, doubted)
    assert doubted.doubtful == set(range(2, len(tokens)))

    refused, _, _, _ = sentence_window(audio, score * 0.7)  # past the refusal too
    assert refusal(score * 0.7) > score  # type: ignore[operator]
    assert try_window(tokens, 0, len(tokens), refused, start, end, FIRST_TRY) is None


def test_a_jump_over_words_is_never_taken_on_a_doubtful_fit(audio: DecodedAudio) -> None:
    """A path that leaves words out says they are not in the audio: on a fit below the
    bar, that claim is not believed (a hard voice's window so fitted jumped over 110
    words that are said)."""
    plain, tokens, start, end = sentence_window(audio, None)
    jump = (1, [len(tokens) - 2], 0)
    found = try_window(tokens, 0, len(tokens), plain, start, end, FIRST_TRY, jump=jump)
    assert found is not None
    score = min(mean_score(found), mean_score([t for t in found if t is not None]))
    doubted, _, _, _ = sentence_window(audio, score * 0.9)
    assert try_window(tokens, 0, len(tokens), doubted, start, end, FIRST_TRY,
                      jump=jump) is None
    # The same window without the jump is kept, doubted.
    assert try_window(tokens, 0, len(tokens), doubted, start, end, FIRST_TRY) is not None
