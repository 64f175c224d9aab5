from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import FORMAT_NAMES, READERS, detect, get_reader, read_transcript


def test_one_registry_entry_per_format() -> None:
    assert len(set(FORMAT_NAMES)) == len(READERS)
    for reader in READERS:
        assert reader.extensions and all(e.startswith(".") for e in reader.extensions)
        assert reader.description


def test_no_format_matches(write_text: Callable[..., Path]) -> None:
    path = write_text("Just some notes.\nNo times at all.\n")
    with pytest.raises(InputError, match="no timestamped transcript found"):
        read_transcript(path)


def test_several_formats_match_and_the_extension_cannot_settle_it() -> None:
    text = "[00:00:01] Jane: Hi.\n00:00:02 John: Hello.\n"
    with pytest.raises(InputError, match=r"fits several formats \(shownotes, stamped\)"):
        detect(text, "x.txt")


def test_the_extension_settles_a_tie() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n[00:00:03] Jane: Hello.\n"
    assert detect(text, "x.srt").name == "srt"


def test_override_and_unknown_name(write_text: Callable[..., Path]) -> None:
    path = write_text("[00:00:01] Jane: Hi.\n00:00:02 John: Hello.\n")
    assert [t.speaker for t in read_transcript(path, "stamped").turns] == ["John"]
    with pytest.raises(InputError, match="unknown transcript format 'nope'"):
        get_reader("nope")
