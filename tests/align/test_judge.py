"""How sure a turn's alignment is, from its words (turn.judge)."""

from __future__ import annotations

from exporter.align.turn import judge
from exporter.model import LOW_CONFIDENCE, Word


def words(count: int) -> list[Word]:
    return [Word(f"w{k}", 1.0 + 0.3 * k, 1.25 + 0.3 * k, "A", 0, "aligned")
            for k in range(count)]


def test_words_placed_by_doubtful_windows_lower_the_confidence() -> None:
    """Words kept from windows that fit below the turn's bar (a hard voice) are
    aligned, but not surely: a turn made mostly of them is reported."""
    sure = judge(0, words(10), "aligned", [], 1.0)
    assert sure.confidence == 1.0
    doubted = judge(0, words(10), "aligned", [], 1.0, doubtful={2, 3, 4, 5, 6, 7, 8, 9})
    assert doubted.confidence == 0.2 < LOW_CONFIDENCE
    assert [w.start for w in doubted.words] == [w.start for w in sure.words]
    # They are named, for words.json and the review page.
    assert doubted.doubtful == (2, 3, 4, 5, 6, 7, 8, 9) and sure.doubtful == ()


def test_a_doubtful_word_is_counted_once() -> None:
    """A word both doubted and of an implausible length lowers the confidence once;
    indexes outside the turn's own words (the neighbours' context) do not count."""
    result = words(4)
    result[1] = Word("w1", 1.3, 9.0, "A", 0, "aligned")  # 7.7 s: implausible
    turn = judge(0, result, "aligned", [], 1.0, doubtful={1, 2, -1, 4})
    assert turn.confidence == 0.5
    assert turn.doubtful == (1, 2)
