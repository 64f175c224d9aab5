"""Benchmark: subtitles for a 10-hour transcript without audio (target: under 2 s).

Times the whole library call behind ``exporter subtitles``: reading, word timing,
cutting, and writing both WebVTT and SRT.

Run: ``.venv/bin/python bench/subtitles.py``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import long_transcript, timed

from exporter.pipeline import make_subtitles


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = long_transcript(Path(tmp) / "ten-hours.txt")
        outputs = [Path(tmp) / "out.vtt", Path(tmp) / "out.srt"]
        result = make_subtitles(path, outputs)
        best, median = timed(lambda: make_subtitles(path, outputs), repeat=3)
    print(f"subtitles: {len(result.transcript.turns)} turns, {len(result.words)} words "
          f"-> {len(result.cues)} cues, VTT + SRT (10 h): best {best:.2f} s, "
          f"median {median:.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
