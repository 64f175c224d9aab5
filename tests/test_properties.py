"""Any text given to the readers parses or raises InputError, never anything else."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.errors import InputError
from exporter.readers import FORMAT_NAMES, parse_transcript
from exporter.readers.base import decode

stamps = st.one_of(
    st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}", st.integers(0, 120),
              st.integers(0, 99), st.integers(0, 99)),
    st.builds(lambda m, s, f: f"{m}:{s:02d}.{f}", st.integers(0, 200), st.integers(0, 70),
              st.integers(0, 9999)),
)
speakers = st.sampled_from(["Jane", "John Roe", "", "Dr. X", "ä b", "12", "A" * 70])
speech = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                 max_size=40)


@st.composite
def transcript_like(draw: st.DrawFn) -> str:
    """Lines shaped like every supported format, mixed with noise."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        ts, who, words = draw(stamps), draw(speakers), draw(speech)
        lines.append(draw(st.sampled_from([
            f"[{ts}] {who}: {words}", f"[{ts}]", f"{who}:", f"{who} ({ts}): {words}",
            f"{who}  {ts}", f"{ts} {who}: {words}", f"{ts} --> {draw(stamps)}",
            f"<v {who}>{words}", "WEBVTT", "", words, f"{words} [{ts}] {words}", "1",
        ])))
    return "\n".join(lines)


@st.composite
def json_like(draw: st.DrawFn) -> str:
    values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**7),
                       st.floats(allow_nan=True, allow_infinity=True), speech)
    segment = st.dictionaries(
        st.sampled_from(["start", "end", "text", "startTime", "endTime", "body", "speaker"]),
        values)
    doc = draw(st.dictionaries(st.sampled_from(["segments", "version", "text"]),
                               st.one_of(st.lists(st.one_of(segment, values), max_size=6),
                                         values)))
    return json.dumps(doc)


def parses_or_input_error(text: str, fmt: str | None) -> None:
    try:
        transcript = parse_transcript(text, "fuzz.txt", fmt)
    except InputError:
        return
    assert transcript.turns
    starts = [turn.start for turn in transcript.turns]
    assert starts == sorted(starts)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), transcript_like(), json_like()),
       st.sampled_from([None, *FORMAT_NAMES]))
def test_any_text_parses_or_raises_input_error(text: str, fmt: str | None) -> None:
    parses_or_input_error(text, fmt)


@settings(max_examples=200)
@given(st.binary())
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text, _ = decode(data, "fuzz.txt")
    except InputError:
        return
    parses_or_input_error(text, None)
