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
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from typing import Any

from exporter.errors import InputError
from exporter.readers.base import SPEAKER, Paragraph, RawTurn, parse_stamp
from exporter.readers.rollup import Unroller, is_rollup
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


_LATER_DASH = re.compile(r"\n\s*-\s+")
_MARKER = re.compile(r"^\s*(?:>>|-)\s*")
_BRACKETED = re.compile(r"^\[(?P<name>[A-Z][^\]\[:]{0,40})\]\s+(?=\S)")


def cue_speaker(text: str) -> tuple[str | None, str, str]:
    """Split a subtitle cue's text into its speaker (if labelled), its plain words,
    and how the cue was marked: ``"voice"`` (``<v Name>``), ``"bracket"`` (an SDH
    ``[Name]``), ``"change"`` (a caption's ``>>`` or ``-``, a new speaker, labelled
    ``>> Name:`` or not), ``"prefix"`` (``Name:`` alone, which may also be speech:
    ``Digo: "Le doy…"``) or ``""``. The ``>>`` or ``-`` is markup, never a word.

    >>> cue_speaker("<v Anush Elangovan>Q&amp;A <i>now</i>")
    ('Anush Elangovan', 'Q&A now', 'voice')
    >>> cue_speaker("Tobias Macey: Hello")
    ('Tobias Macey', 'Hello', 'prefix')
    >>> cue_speaker(">>Victor: Well, but")
    ('Victor', 'Well, but', 'change')
    >>> cue_speaker("[Alba] <i>En 1928,</i>")
    ('Alba', 'En 1928,', 'bracket')
    >>> cue_speaker("- Hi, Michael.")
    (None, 'Hi, Michael.', 'change')
    """
    voice = _VOICE.search(text)
    # A dash opening a later line of the cue is a second speaker's: markup too.
    text = _LATER_DASH.sub("\n", text)
    plain = html.unescape(_TAG.sub("", text))
    plain = " ".join(plain.split())
    if voice:
        return " ".join(voice[1].split()), plain, "voice"
    marked = _MARKER.match(plain)
    plain = plain[marked.end():] if marked else plain
    bracketed = _BRACKETED.match(plain)
    if bracketed and len(bracketed["name"].split()) <= 4:
        return " ".join(bracketed["name"].split()), plain[bracketed.end():], "bracket"
    prefix = _PREFIX.match(plain)
    if prefix and len(prefix[1].split()) <= 4:
        return prefix[1].strip(), prefix[2], "change" if marked else "prefix"
    return None, plain, "change" if marked else ""


def _who(segments: list[tuple[str | None, str, Paragraph]]
         ) -> list[tuple[str | None, Paragraph]]:
    """Each segment's speaker, by the file's own habits.

    A ``Name:`` prefix is a speaker only when it looks like one across the file
    (used twice, set in capitals, or one of several names written so). In a file
    that marks changes of speaker (``>>``, ``-``), a label holds until the next
    mark, and a mark without a label is someone not named. Elsewhere a label
    carries forward only when the file labels consistently (most of its names come
    back, as in the Podcasting 2.0 example, or a third of its cues are labelled);
    in a file with stray labels each applies to its own cue, and the others are no
    one named: never the rest of the file given to one speaker.
    """
    uses = Counter(speaker for speaker, kind, _ in segments if kind == "prefix")
    habit = len(uses) > 1  # several names are written this way: a labelling habit
    cleaned: list[tuple[str | None, str, Paragraph]] = []
    for speaker, kind, para in segments:
        if (kind == "prefix" and speaker and uses[speaker] < 2 and not speaker.isupper()
                and not habit):
            para = replace(para, text=f"{speaker}: {para.text}")
            speaker, kind = None, ""
        cleaned.append((speaker, kind, para))
    if any(kind == "change" for _, kind, _ in cleaned):
        out: list[tuple[str | None, Paragraph]] = []
        current = ""
        for speaker, kind, para in cleaned:
            if kind == "bracket":  # an off-screen voice named for its own cue
                out.append((speaker, para))
                continue
            if speaker:
                current = speaker
            elif kind == "change":
                current = ""
            out.append((current, para))
        return out
    names = Counter(speaker for speaker, _, _ in cleaned if speaker)
    consistent = (2 * sum(1 for count in names.values() if count > 1) >= len(names)
                  or 3 * sum(names.values()) >= len(cleaned))
    return [(speaker if speaker or consistent else "", para)
            for speaker, _, para in cleaned]


def _padded(stamp: str) -> str:
    """A cue time with every field written out: Microsoft Teams writes ``0:0:5.120``.

    >>> _padded("0:0:5.12"), _padded("00:01:02.500")
    ('0:00:05.12', '00:01:02.500')
    """
    fields = stamp.split(":")
    if len(fields) == 3 and (len(fields[1]) == 1 or len(fields[2].split(".")[0]) == 1):
        whole, dot, fraction = fields[2].partition(".")
        return f"{fields[0]}:{fields[1]:0>2}:{whole:0>2}{dot}{fraction}"
    return stamp


def read_cue_blocks(text: str, source: str, *, skip_first: bool) -> list[RawTurn]:
    """Parse SRT or WebVTT cue blocks (blocks separated by blank lines).

    :param skip_first: the first block is a header (WebVTT's ``WEBVTT`` line).
    :raises InputError: for a block that has text but no timing line.
    """
    lines = text.split("\n")
    segments: list[tuple[str | None, str, Paragraph]] = []
    block: list[tuple[int, str]] = []
    first = True
    unroller = Unroller() if is_rollup(text) else None

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
        start = parse_stamp(_padded(match["start"]), source, number)
        end = parse_stamp(_padded(match["end"]), source, number)
        if end < start:
            raise InputError("the cue ends before it starts", source, number)
        body = "\n".join(text for _, text in block[timing_at + 1:])
        if unroller is not None:
            segments.extend((None, "", para)
                            for para in unroller.paragraphs(body, start, end, source, number))
            return
        speaker, plain, kind = cue_speaker(body)
        if plain:
            segments.append((speaker, kind, Paragraph(number, plain, start, end)))

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
    return merge(_who(segments))


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
