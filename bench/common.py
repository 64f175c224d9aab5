"""Helpers shared by the benchmarks: long synthetic transcripts, timing, and how far
words move between two alignments of the same speech."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from exporter.align.audio import ffmpeg_exe
from exporter.model import Alignment
from exporter.readers import read_transcript
from exporter.speech import word_weight
from exporter.timecode import format_time

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ai-engineering-podcast-amd-rocm.txt"


def installed_env() -> dict[str, str]:
    """The environment of a command run as a producer runs it: ``pip install`` writes
    the package's bytecode, so a run does not compile its modules first. This
    machine sets PYTHONDONTWRITEBYTECODE, which made every timed run compile about
    80 modules (0.06 s); without it, a first untimed run writes the cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def long_transcript(path: Path, hours: float = 10.0, turns: int = 10_000) -> Path:
    """Write a show-notes transcript of ``turns`` turns over ``hours`` of speech.

    Each turn takes the sample's next words until their estimated speaking time fills
    90% of the turn's share of the time, so the word count is that of real speech
    (about 100,000 words in 10 hours), not of turns crammed together. Chapter titles
    follow, as in the sample.
    """
    source = read_transcript(SAMPLE)
    stream = [w for turn in source.turns for w in turn.words]
    step = hours * 3600 / turns
    lines = []
    k = 0
    for i in range(turns):
        said: list[str] = []
        seconds = 0.0
        while seconds < step * 0.9:
            word = stream[k % len(stream)]
            said.append(word)
            seconds += word_weight(word)
            k += 1
        lines.append(f"[{format_time(i * step, fraction=False)}] {source.speakers[i % 2]}:")
        lines.append(" ".join(said))
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


def decode_command(audio: Path) -> list[str]:
    """A plain ffmpeg decode of ``audio`` to what the aligner reads: the floor."""
    return [ffmpeg_exe(), "-v", "error", "-i", str(audio), "-ac", "1", "-ar", "16000", "-f",
            "s16le", "-y", "/dev/null"]


def decode_floor(audio: Path) -> float:
    """Seconds the plain ffmpeg decode of ``audio`` takes, measured now."""
    start = time.perf_counter()
    subprocess.run(decode_command(audio), check=True)
    return time.perf_counter() - start


def invariance(plain: Alignment, other: Alignment, shift: float, name: str) -> None:
    """How far ``other``'s words land from ``plain``'s, on the same speech."""
    moved = [abs((o.start - shift) - p.start) for p, o in
             zip(plain.words, other.words, strict=True)]
    moved.sort()
    print(f"  {name}: words moved median {statistics.median(moved) * 1000:.0f} "
          f"ms, {sum(m <= 0.02 for m in moved) / len(moved):.1%} of {len(moved)} within 20 ms, "
          f"worst {moved[-1]:.2f} s (target: all within 20 ms)")
