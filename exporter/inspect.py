"""What ``exporter inspect`` reports about a transcript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exporter.errors import line_list
from exporter.model import Transcript, Turn
from exporter.speech import speaking_time
from exporter.timecode import format_time


def turn_durations(transcript: Transcript) -> list[float]:
    """Each turn's length: up to the next turn, or its own end, or an estimate for the last."""
    turns = transcript.turns
    out: list[float] = []
    for index, turn in enumerate(turns):
        if turn.end is not None:
            out.append(turn.end - turn.start)
        elif index + 1 < len(turns):
            out.append(turns[index + 1].start - turn.start)
        else:
            out.append(speaking_time(turn.text))
    return out


@dataclass(frozen=True)
class SpeakerTime:
    speaker: str
    seconds: float
    turns: int
    words: int


def speaker_times(transcript: Transcript) -> list[SpeakerTime]:
    """Talk time per speaker, most talkative first."""
    totals: dict[str, list[float]] = {}
    for turn, seconds in zip(transcript.turns, turn_durations(transcript), strict=True):
        entry = totals.setdefault(turn.speaker, [0.0, 0, 0])
        entry[0] += seconds
        entry[1] += 1
        entry[2] += len(turn.words)
    rows = [SpeakerTime(name, s, int(n), int(w)) for name, (s, n, w) in totals.items()]
    return sorted(rows, key=lambda row: -row.seconds)


def to_json(transcript: Transcript) -> dict[str, Any]:
    """The ``inspect --json`` document."""
    return {
        "untimed": transcript.untimed,
        "turns": [_turn_json(turn, transcript.untimed) for turn in transcript.turns],
        "chapters": [{"title": c.title, "start": c.start} for c in transcript.chapters],
        "warnings": list(transcript.warnings),
        "unread": list(transcript.unread),
    }


def _turn_json(turn: Turn, untimed: bool) -> dict[str, Any]:
    return {"start": None if untimed else turn.start, "speaker": turn.speaker,
            "text": turn.text}


def report(transcript: Transcript) -> list[str]:
    """The ``inspect`` table: the turns, each speaker's talk time and the chapters."""
    lines = [f"{transcript.source}: {transcript.format}, {len(transcript.turns)} turns, "
             f"{len(transcript.speakers)} speakers", "",
             f"{'#':>4}  {'start':8}  {'speaker':<20} {'words':>5}  text"]
    for number, turn in enumerate(transcript.turns, 1):
        first = " ".join(turn.words[:8])
        start = "-" * 8 if transcript.untimed else format_time(turn.start, fraction=False)
        lines.append(f"{number:>4}  {start}  "
                     f"{turn.speaker[:20]:<20} {len(turn.words):>5}  {first}...")
    lines += ["", "Speakers (talk time estimated from the words)" if transcript.untimed
              else "Speakers"]
    total = sum(turn_durations(transcript)) or 1.0
    for row in speaker_times(transcript):
        lines.append(f"  {row.speaker[:30]:<30} {format_time(row.seconds, fraction=False)}"
                     f"  {100 * row.seconds / total:3.0f}%  {row.turns:>4} turns")
    lines.append("")
    if transcript.chapters:
        lines.append(f"Chapters ({len(transcript.chapters)})")
        for number, chapter in enumerate(transcript.chapters, 1):
            start = ("untimed" if chapter.start is None
                     else format_time(chapter.start, fraction=False))
            lines.append(f"  {number:>3}. {start:<8}  {chapter.title}")
    else:
        lines.append("Chapters: none found")
    if transcript.unread:
        lines.append(f"Not read as speech: {line_list(transcript.unread)} (text before the "
                     "first turn, footers)")
    return lines
