"""Benchmark: reading a 10-hour transcript of 10,000 turns (target: under 1 s).

Run: ``.venv/bin/python bench/read_transcript.py``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import long_transcript, timed

from exporter.readers import read_transcript


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = long_transcript(Path(tmp) / "ten-hours.txt")
        size = path.stat().st_size / 1e6
        transcript = read_transcript(path)
        words = sum(len(t.words) for t in transcript.turns)
        best, median = timed(lambda: read_transcript(path))
    print(f"read_transcript: {len(transcript.turns)} turns, {words} words, {size:.1f} MB "
          f"(10 h): best {best:.3f} s, median {median:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
