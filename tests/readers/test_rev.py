from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript


def test_rev_with_minutes_only_and_text_below(write_text: Callable[..., Path]) -> None:
    path = write_text("Jane Doe (00:05):\nHello there.\nSecond line.\n\n"
                      "John Roe (01:10):\nHi.\n")
    t = read_transcript(path)
    assert t.format == "rev"
    assert [(x.start, x.speaker, x.text) for x in t.turns] == [
        (5.0, "Jane Doe", "Hello there. Second line."), (70.0, "John Roe", "Hi.")]


def test_rev_impossible_time_names_the_line(write_text: Callable[..., Path]) -> None:
    path = write_text("Jane (00:05): Hello.\nJohn (00:61:00): Hi.\n")
    with pytest.raises(InputError, match=r"line 2: impossible timestamp '00:61:00'"):
        read_transcript(path)


def test_a_time_in_parentheses_inside_speech_is_not_a_turn(write_text: Callable[..., Path]
                                                           ) -> None:
    # It is a time (Rev marks where the speech is), so an anchor: never words.
    path = write_text("Jane (00:05): As we said (00:10) earlier.\n")
    (turn,) = read_transcript(path).turns
    assert turn.text == "As we said earlier."
    assert [(a.word_index, a.time) for a in turn.anchors] == [(3, 10.0)]
