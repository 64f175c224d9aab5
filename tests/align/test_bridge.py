"""A run of a turn's words that no window could align, aligned again between its
neighbours (recover.bridge), on the bundled espeak sample."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from exporter.align.audio import DecodedAudio, decode
from exporter.align.recover import _confirmed, bridge
from exporter.align.sphinx import mean_score
from exporter.align.text import tokens_for
from exporter.align.window import FIRST_TRY, TurnJob, WindowAudio, record, try_window
from tests.conftest import BUNDLED, EPISODE

#: The sample's first turn: three sentences, their words said from start to end.
SENTENCES = [s for s in json.loads((BUNDLED / "sample-episode.truth.json").read_text())
             ["sentences"] if s["turn"] == 0]
WORDS = [s["text"].split() for s in SENTENCES]
TOKENS = [tokens_for(w) for sentence in WORDS for w in sentence]
#: Where each sentence's words are among the turn's.
FIRST = [sum(len(s) for s in WORDS[:k]) for k in range(len(WORDS) + 1)]
#: Where the turn's first window opened.
OPENING = SENTENCES[0]["start"] - 0.3


@pytest.fixture(scope="module")
def audio() -> Iterator[DecodedAudio]:
    decoded = decode(EPISODE)
    yield decoded
    decoded.close()


def walked(audio: DecodedAudio, words: list[str], bar: float | None = None,
           limit: float | None = None, breaks: tuple[int, ...] = ()) -> WindowAudio:
    job = TurnJob(0, "A", tuple(words), SENTENCES[0]["start"],
                  limit if limit is not None else audio.duration, str(audio.path),
                  audio.samples, bar=bar, breaks=breaks)
    return WindowAudio(job)


def placed(window: WindowAudio, sentences: list[int]
           ) -> tuple[list[tuple[float, float] | None], float]:
    """The turn's times with only these sentences' words placed, each by a window
    over its own audio, as a walk places them; and their windows' poorest score."""
    times: list[tuple[float, float] | None] = [None] * len(TOKENS)
    scores = []
    for k in sentences:
        a, b = FIRST[k], FIRST[k + 1]
        found = try_window(TOKENS, a, b, window, SENTENCES[k]["start"] - 0.3,
                           SENTENCES[k]["end"] + 0.3, FIRST_TRY)
        assert found is not None
        scores.append(mean_score(found))
        record(found, TOKENS, a, b, times, window)
    return times, min(scores)


def words() -> list[str]:
    return [w for sentence in WORDS for w in sentence]


def test_a_run_no_window_aligned_is_aligned_between_its_neighbours(
        audio: DecodedAudio) -> None:
    """The middle sentence, spread by the walk, is aligned in the audio between the
    sentences around it, each word where it is said."""
    window = walked(audio, words())
    times, _ = placed(window, [0, 2])
    before = list(times)
    bridge(words(), TOKENS, window, times, audio.duration, OPENING)
    a, b = FIRST[1], FIRST[2]
    middle = times[a:b]
    assert all(t is not None for t in middle)
    starts = [t[0] for t in middle if t is not None]
    assert starts == sorted(starts)
    assert abs(starts[0] - SENTENCES[1]["start"]) <= 0.1
    last = middle[-1]
    assert last is not None and abs(last[1] - SENTENCES[1]["end"]) <= 0.15
    # The words around it are where they were; the bridge's own are in doubt (every
    # window over them failed).
    assert times[:a] == before[:a] and times[b:] == before[b:]
    assert window.doubtful == set(range(a, b))


def test_a_run_at_a_turns_end_is_aligned_up_to_its_limit(audio: DecodedAudio) -> None:
    window = walked(audio, words(), limit=SENTENCES[2]["end"] + 1.0)
    times, _ = placed(window, [0, 1])
    bridge(words(), TOKENS, window, times, SENTENCES[2]["end"] + 1.0, OPENING)
    first, last = times[FIRST[2]], times[-1]
    assert first is not None and abs(first[0] - SENTENCES[2]["start"]) <= 0.1
    assert last is not None and abs(last[1] - SENTENCES[2]["end"]) <= 0.15


def test_a_run_from_a_turns_first_word_is_aligned_from_where_the_turn_opened(
        audio: DecodedAudio) -> None:
    """A turn whose first window fitted doubtfully, its words laid late, and whose
    next windows failed: the run from its first word, the doubtful words with it, is
    held where the turn's first window opened."""
    window = walked(audio, words())
    times, _ = placed(window, [2])
    a, b = FIRST[0], FIRST[1]
    times[a:b] = [(SENTENCES[0]["start"] + 0.8 + 0.1 * k, SENTENCES[0]["start"] + 0.9 + 0.1 * k)
                  for k in range(b - a)]
    window.doubtful.update(range(a, b))
    bridge(words(), TOKENS, window, times, audio.duration, OPENING)
    first, last = times[a], times[FIRST[2] - 1]
    assert first is not None and abs(first[0] - SENTENCES[0]["start"]) <= 0.1
    assert last is not None and abs(last[1] - SENTENCES[1]["end"]) <= 0.15
    assert window.doubtful == set(range(a, FIRST[2]))


def test_a_bridge_that_fits_as_poorly_as_chance_is_dropped(audio: DecodedAudio) -> None:
    """Held to the turn's bars as any window: one past the refusal leaves the words
    spread."""
    plain = walked(audio, words())
    _, score = placed(plain, [0, 1, 2])
    refused = walked(audio, words(), bar=score * 0.5)
    times, _ = placed(walked(audio, words()), [0, 2])
    bridge(words(), TOKENS, refused, times, audio.duration, OPENING)
    assert all(times[k] is None for k in range(FIRST[1], FIRST[2]))
    # Under a bar the same fit passes, it is kept.
    kept = walked(audio, words(), bar=score * 1.1)
    bridge(words(), TOKENS, kept, times, audio.duration, OPENING)
    assert all(times[k] is not None for k in range(FIRST[1], FIRST[2]))


def test_a_run_a_path_jumped_over_is_left_alone(audio: DecodedAudio) -> None:
    """Words a path went on without are not in the audio (an edit took them): forced
    in, they would be laid over the speech around them."""
    window = walked(audio, words())
    times, _ = placed(window, [0, 2])
    a, b = FIRST[1], FIRST[2]
    window.absent.update(range(a, b))
    bridge(words(), TOKENS, window, times, audio.duration, OPENING)
    assert all(times[k] is None for k in range(a, b))


def test_another_speakers_words_a_bridge_places_where_they_are_said_count_as_sure(
        audio: DecodedAudio) -> None:
    """An untimed walk lost at the end of one turn fails the windows of the next
    speaker's words too; a bridge over both places them, and where a window of
    their own agrees, only the words of the turn the walk lost stay in doubt."""
    window = walked(audio, words(), breaks=(FIRST[1],))  # sentence 2: another speaker
    times, _ = placed(window, [0, 2])
    lost = FIRST[1] - 6  # the first speaker's last words were spread
    times[lost:FIRST[1]] = [None] * (FIRST[1] - lost)
    bridge(words(), TOKENS, window, times, audio.duration, OPENING)
    assert all(times[k] is not None for k in range(lost, FIRST[2]))
    assert window.doubtful == set(range(lost, FIRST[1]))
    # Without the change of speaker, the whole run is the bridge's alone.
    alone = walked(audio, words())
    times, _ = placed(alone, [0, 2])
    times[lost:FIRST[1]] = [None] * (FIRST[1] - lost)
    bridge(words(), TOKENS, alone, times, audio.duration, OPENING)
    assert alone.doubtful == set(range(lost, FIRST[2]))


def test_a_bridges_words_a_window_of_their_own_puts_elsewhere_stay_in_doubt(
        audio: DecodedAudio) -> None:
    window = walked(audio, words())
    times, _ = placed(window, [1])
    a, b = FIRST[1], FIRST[2]
    assert _confirmed(TOKENS, a, b, window, times)
    late = [None if t is None else (t[0] + 0.3, t[1] + 0.3) for t in times]
    assert not _confirmed(TOKENS, a, b, window, late)
