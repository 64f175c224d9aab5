"""Shared by the formats made of timed segments (SRT, WebVTT, JSON transcripts).

Segments are usually a sentence or less. Consecutive segments of one speaker become
one turn, and each segment's start is kept as an anchor inside it, so merging loses
no timing.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from typing import Any

from exporter.errors import InputError
from exporter.readers.base import SPEAKER, Paragraph, RawTurn, parse_stamp
from exporter.timecode import TIMESTAMP

TIMING = re.compile(rf"^\s*(?P<start>{TIMESTAMP})\s*-->\s*(?P<end>{TIMESTAMP})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>|\{\\[^}]*\}")
_PREFIX = re.compile(rf"^({SPEAKER}):\s+(.*)$", re.S)


def merge(segments: list[tuple[str | None, Paragraph]]) -> list[RawTurn]:
    """Group segments into turns; a segment without a speaker continues the last one."""
    turns: list[RawTurn] = []
    for speaker, para in segments:
        if speaker is None:
            speaker = turns[-1].speaker if turns else ""
        if turns and turns[-1].speaker == speaker:
            turns[-1].paragraphs.append(para)
        else:
            assert para.start_ms is not None
            turns.append(RawTurn(para.start_ms, speaker, para.line, [para]))
    return turns


def cue_speaker(text: str) -> tuple[str | None, str]:
    """Split a subtitle cue's text into its speaker (if labelled) and plain words.

    >>> cue_speaker("<v Anush Elangovan>Q&amp;A <i>now</i>")
    ('Anush Elangovan', 'Q&A now')
    >>> cue_speaker("Tobias Macey: Hello")
    ('Tobias Macey', 'Hello')
    """
    voice = _VOICE.search(text)
    plain = html.unescape(_TAG.sub("", text))
    plain = " ".join(plain.split())
    if voice:
        return " ".join(voice[1].split()), plain
    prefix = _PREFIX.match(plain)
    if prefix and len(prefix[1].split()) <= 4:
        return prefix[1].strip(), prefix[2]
    return None, plain


def read_cue_blocks(text: str, source: str, *, skip_first: bool) -> list[RawTurn]:
    """Parse SRT or WebVTT cue blocks (blocks separated by blank lines).

    :param skip_first: the first block is a header (WebVTT's ``WEBVTT`` line).
    :raises InputError: for a block that has text but no timing line.
    """
    lines = text.split("\n")
    segments: list[tuple[str | None, Paragraph]] = []
    block: list[tuple[int, str]] = []
    first = True

    def flush() -> None:
        nonlocal first
        if not block:
            return
        if first and skip_first:
            first = False
            return
        first = False
        head = block[0][1].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and not TIMING.match(head):
            return
        timing_at = next((k for k, (_, line) in enumerate(block[:2]) if TIMING.match(line)),
                         None)
        if timing_at is None:
            raise InputError("expected a cue timing line 'START --> END'", source, block[0][0])
        number, line = block[timing_at]
        match = TIMING.match(line)
        assert match is not None
        start = parse_stamp(match["start"], source, number)
        end = parse_stamp(match["end"], source, number)
        if end < start:
            raise InputError("the cue ends before it starts", source, number)
        body = "\n".join(text for _, text in block[timing_at + 1:])
        speaker, plain = cue_speaker(body)
        if plain:
            segments.append((speaker, Paragraph(number, plain, start, end)))

    for number, line in enumerate(lines, 1):
        if line.strip() and TIMING.match(line) and any(TIMING.match(b) for _, b in block):
            # A timing line inside a cue starts the next one (YouTube's files
            # leave out the blank line): it is never text.
            cue_id = block.pop() if block and not TIMING.match(block[-1][1]) and len(
                block[-1][1].split()) == 1 and block[-1][1].strip().isdigit() else None
            flush()
            block = [cue_id] if cue_id else []
            block.append((number, line))
        elif line.strip():
            block.append((number, line))
        else:
            flush()
            block = []
    flush()
    return merge(segments)


@lru_cache(maxsize=4)
def load_json(text: str) -> Any:
    """Parse JSON once for all the readers that sniff it; ``None`` when it is not JSON."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def json_segments(text: str) -> list[Any] | None:
    """The ``segments`` list of a JSON transcript, if ``text`` is one."""
    data = load_json(text)
    if isinstance(data, dict):
        segments = data.get("segments")
        if isinstance(segments, list):
            return segments
    return None


def first_keys(text: str) -> set[str]:
    """The keys of the first segment of a JSON transcript, for sniffing."""
    segments = json_segments(text)
    if segments and isinstance(segments[0], dict):
        return set(segments[0])
    return set()


def read_json_segments(text: str, source: str, *, start: str, end: str, body: str
                       ) -> list[RawTurn]:
    """Turn JSON segments with the given key names into merged turns.

    :raises InputError: naming the segment, for a missing or wrong-typed field.
    """
    data = load_json(text)
    if data is None:
        try:
            json.loads(text)
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            raise InputError(f"not valid JSON ({getattr(exc, 'msg', exc)})", source,
                             line) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", source) from None
    segments = json_segments(text)
    if segments is None:
        raise InputError("JSON without a 'segments' list", source)
    out: list[tuple[str | None, Paragraph]] = []
    for index, seg in enumerate(segments, 1):
        where = f"segment {index}"
        if not isinstance(seg, dict):
            raise InputError(f"{where} is not an object", source)
        times: list[int | None] = []
        for key in (start, end):
            value = seg.get(key)
            if key == end and value is None:
                times.append(None)
                continue
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or not math.isfinite(value) or not 0 <= value < 360_000):
                raise InputError(f"{where}: '{key}' must be a time in seconds", source)
            times.append(round(value * 1000))
        words = seg.get(body)
        if not isinstance(words, str):
            raise InputError(f"{where}: '{body}' must be text", source)
        speaker = seg.get("speaker")
        if speaker is not None and not isinstance(speaker, str):
            raise InputError(f"{where}: 'speaker' must be text", source)
        start_ms, end_ms = times
        assert start_ms is not None
        if end_ms is not None and end_ms < start_ms:
            raise InputError(f"{where} ends before it starts", source)
        if words.strip():
            speaker = " ".join(speaker.split()) if speaker else None
            out.append((speaker, Paragraph(index, " ".join(words.split()), start_ms, end_ms)))
    return merge(out)
