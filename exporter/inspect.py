"""What ``exporter inspect`` reports about a transcript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exporter.model import Transcript, Turn
from exporter.speech import speaking_time


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
        "turns": [_turn_json(turn) for turn in transcript.turns],
        "chapters": [{"title": c.title, "start": c.start} for c in transcript.chapters],
        "warnings": list(transcript.warnings),
        "unread": list(transcript.unread),
    }


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {"start": turn.start, "speaker": turn.speaker, "text": turn.text}
