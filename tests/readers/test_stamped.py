from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript


def test_stamped_lines(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:01 Jane: One.\n00:00:03.5 John: Two,\nand more.\n")
    t = read_transcript(path)
    assert t.format == "stamped"
    assert [(x.start, x.speaker, x.text) for x in t.turns] == [
        (1.0, "Jane", "One."), (3.5, "John", "Two, and more.")]


def test_stamped_chapter_titles_after_the_last_turn(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:01 Jane: One.\n00:00:03 John: Two.\n"
                      "- Opening remarks\n- The second part\n")
    t = read_transcript(path)
    assert [c.title for c in t.chapters] == ["Opening remarks", "The second part"]
    assert t.turns[-1].text == "Two."


def test_a_single_short_last_line_stays_speech(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:01 Jane: One.\n00:00:03 John: Two.\nThanks everyone\n")
    t = read_transcript(path)
    assert t.chapters == ()
    assert t.turns[-1].text == "Two. Thanks everyone"


def test_backwards_names_the_line(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:05 Jane: One.\n00:00:03 John: Two.\n")
    with pytest.raises(InputError, match="line 2: timestamp 00:00:03 goes backwards"):
        read_transcript(path)
