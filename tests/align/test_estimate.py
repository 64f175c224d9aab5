"""Word timings without audio."""

from __future__ import annotations

from exporter.align import estimate_words
from exporter.model import Anchor, Transcript, Turn
from exporter.speech import speaking_time


def test_words_fill_the_turn_and_leave_silence_at_its_end() -> None:
    turn = Turn(10.0, "A", "Short answer. Done.")
    words = estimate_words(Transcript((turn, Turn(60.0, "B", "Next."))))
    mine = [w for w in words if w.turn == 0]
    assert mine[0].start == 10.0
    # Spoken at (at most 15% slower than) its natural pace, not stretched to 60 s.
    assert mine[-1].end <= 10.0 + 1.15 * speaking_time(turn.text) + 0.01
    assert [w.text for w in words] == ["Short", "answer.", "Done.", "Next."]


def test_a_turn_shorter_than_its_words_is_compressed_into_it() -> None:
    text = " ".join(["word"] * 40)
    words = estimate_words(Transcript((Turn(0.0, "A", text), Turn(5.0, "B", "Hi."))))
    assert max(w.end for w in words if w.turn == 0) <= 5.0
    starts = [w.start for w in words]
    assert starts == sorted(starts)


def test_inline_anchors_pin_the_words_after_them() -> None:
    turn = Turn(0.0, "A", "one two three four five six", anchors=(Anchor(3, 20.0),))
    words = estimate_words(Transcript((turn, Turn(30.0, "B", "Next."))))
    assert words[3].start == 20.0
    assert words[2].end <= 20.0


def test_the_last_turn_ends_at_the_audio() -> None:
    words = estimate_words(Transcript((Turn(0.0, "A", "a b c " * 30),)), duration=12.0)
    assert max(w.end for w in words) <= 12.0
