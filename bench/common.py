"""Helpers shared by the benchmarks: long synthetic transcripts and timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from exporter.readers import read_transcript
from exporter.timecode import format_time

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ai-engineering-podcast-amd-rocm.txt"


def long_transcript(path: Path, hours: float = 10.0, turns: int = 10_000) -> Path:
    """Write a show-notes transcript of ``turns`` turns spread over ``hours``, reusing
    the sample's turn texts, with chapter titles after it as in the sample."""
    source = read_transcript(SAMPLE)
    step = hours * 3600 / turns
    lines = []
    for i in range(turns):
        turn = source.turns[i % len(source.turns)]
        lines.append(f"[{format_time(i * step, fraction=False)}] {turn.speaker}:")
        lines.append(turn.text)
    lines += [c.title for c in source.chapters]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(func: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Best and median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)
