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


def test_a_word_of_a_length_no_word_has_is_named_doubtful() -> None:
    """A last word held over the pause after it (2.2 s), or a word squeezed to
    nothing, counts against the confidence and is named for words.json and the
    review page; a word of three frames (0.03 s, a float a hair under it) is
    plausible, and a note timed from its neighbours is not a word said."""
    result = words(7)  # the odd ones after the first three (see edges.doubtful_start)
    result[3] = Word("thanks.", 2.0, 4.2, "A", 0, "aligned")
    result[4] = Word("quite", 4.3, 4.3, "A", 0, "aligned")
    result[5] = Word("a", 21.53, 21.56, "A", 0, "aligned")
    result[6] = Word("[coughs]", 22.2, 22.2, "A", 0, "aligned")
    assert result[5].end - result[5].start < 0.03
    turn = judge(0, result, "aligned", [], 1.0)
    assert turn.doubtful == (3, 4)
    assert turn.confidence == round(5 / 7, 3) and turn.suspicious == 2
