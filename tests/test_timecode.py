from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter import timecode

# Up to 100 hours, in whole milliseconds: the precision of every format we read.
milliseconds = st.integers(min_value=0, max_value=100 * 3600 * 1000 - 1)


@given(milliseconds, st.sampled_from([".", ","]))
def test_format_then_parse_is_exact(ms: int, separator: str) -> None:
    text = timecode.format_time(ms / 1000, separator=separator)
    assert timecode.parse_ms(text) == ms
    assert timecode.parse(text) == ms / 1000


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
def test_parse_then_format_keeps_the_text(h: int, m: int, s: int, ms: int) -> None:
    text = f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
    assert timecode.format_time(timecode.parse(text)) == text


@pytest.mark.parametrize(("text", "seconds"), [
    ("1:02:03", 3723.0), ("01:02:03", 3723.0), ("02:03", 123.0), ("2:03", 123.0),
    ("00:00:01.5", 1.5), ("00:00:01,250", 1.25), ("1:05.007", 65.007), ("75:00", 4500.0),
])
def test_accepted_forms(text: str, seconds: float) -> None:
    assert timecode.parse(text) == seconds


@pytest.mark.parametrize("text", ["00:61:00", "99:99:99", "00:00:60", "1:60"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="impossible timestamp"):
        timecode.parse(text)


@pytest.mark.parametrize("text", ["", "12", "1:2", "1:02:3", "a:bc", "00:00:00.1234"])
def test_non_timestamps_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        timecode.parse(text)


def test_formatting_options() -> None:
    assert timecode.format_time(3.5, hours=False) == "00:03.500"
    assert timecode.format_time(0) == "00:00:00.000"
    with pytest.raises(ValueError):
        timecode.format_time(-0.01)
