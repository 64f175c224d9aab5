"""Benchmark: peak memory aligning a 3-hour 44.1 kHz stereo 128 kbps MP3 (target: at
most 300 MB), reported as the largest resident size of any process of the run, as
``/usr/bin/time -v`` reports it.

The episode is the full-length synthetic one (bench/align.py makes it) looped to
three hours and re-encoded as 44.1 kHz stereo 128 kbps; the transcript is the
reference transcript repeated with its times moved along. Both are cached in
bench/data/.

Run: ``.venv/bin/python bench/memory.py``
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align import DATA, episode

from exporter.align.audio import decode, ffmpeg_exe
from exporter.readers import read_transcript
from exporter.timecode import format_time

HOURS = 3.0


def build() -> tuple[Path, Path]:
    source = episode(shifted=False)
    audio = DATA / "three-hours.mp3"
    text = DATA / "three-hours.txt"
    transcript = read_transcript(source.with_suffix(".txt"))
    decoded = decode(source)
    period = decoded.duration
    decoded.close()
    copies = int(HOURS * 3600 // period) + 1
    if not audio.exists():
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", str(copies - 1),
                        "-i", str(source), "-t", str(HOURS * 3600), "-ac", "2", "-ar", "44100",
                        "-b:a", "128k", str(audio)], check=True)
    if not text.exists():
        lines = []
        for copy in range(copies):
            for turn in transcript.turns:
                start = turn.start + copy * period
                if start < HOURS * 3600 - 30:
                    lines += [f"[{format_time(start)}] {turn.speaker}:", turn.text]
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return audio, text


def main() -> None:
    audio, text = build()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "exporter", "-q", "align", str(text), str(audio),
                    "-o", str(DATA / "three-hours.words.json")], check=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = audio.stat().st_size / 1e6
    print(f"align a {HOURS:.0f}-hour 44.1 kHz stereo 128 kbps MP3 ({size:.0f} MB): peak RSS "
          f"{peak:.0f} MB in the largest process (target <= 300 MB); wall {wall:.0f} s")


if __name__ == "__main__":
    main()
