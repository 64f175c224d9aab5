"""Benchmark: exporter against aeneas on the real-speech episode, in the same run.

aeneas (DTW against speech synthesized by espeak-ng) is the peer the issue names. It
is not a dependency: install it in a venv of its own, once::

    apt-get install libespeak-ng-dev festival-dev libestools-dev
    python3 -m venv /tmp/aeneas-venv
    /tmp/aeneas-venv/bin/pip install numpy "setuptools>=77" wheel
    /tmp/aeneas-venv/bin/pip install --no-build-isolation aeneas-ng

Both align the plain variant of bench/real_episode.py (one aeneas fragment per
sentence; exporter given the show-notes turns, then the same turns with no times, as
aeneas has none); the script prints, for each, the turn-start
errors against the truth (median, within 150 ms and 500 ms, worst) and the wall time,
next to a plain ffmpeg decode of the same file.

Run: ``.venv/bin/python bench/aeneas_compare.py [--python /tmp/aeneas-venv/bin/python]``
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import decode_floor
from real_episode import build

from exporter.align.aligner import align
from exporter.align.measure import summary
from exporter.readers import read_transcript

SENTENCE = re.compile(r"(?<=[.?!])\s+")


def report(name: str, starts: list[float], truth: list[float], wall: float,
           floor: float, duration: float) -> None:
    figures = summary([abs(s - t) for s, t in zip(starts, truth, strict=True)])
    print(f"  {name}: turn starts median {figures['median'] * 1000:.0f} ms, "
          f"{figures['within_150ms']:.0%} within 150 ms, {figures['within_500ms']:.0%} within "
          f"500 ms, worst {figures['worst']:.2f} s; wall {wall:.1f} s = "
          f"{duration / wall:.0f}x realtime, {wall / floor:.1f}x the ffmpeg decode")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default="/tmp/aeneas-venv/bin/python",
                        help="the Python of a venv with aeneas-ng installed")
    args = parser.parse_args()
    path = build()["plain"]
    data = json.loads(path.with_suffix(".truth.json").read_text())
    truth = [float(t["start"]) for t in data["turns"]]

    floor = decode_floor(path)
    print(f"real-speech episode, plain ({data['duration'] / 60:.1f} min, {len(truth)} turns); "
          f"ffmpeg decode alone {floor:.2f} s")

    transcript = read_transcript(path.with_suffix(".txt"))
    start = time.perf_counter()
    result = align(transcript, path)
    report("exporter", [t.start for t in result.turns], truth, time.perf_counter() - start,
           floor, data["duration"])
    # Like for like: aeneas is given no times either.
    untimed = read_transcript(build()["untimed"].with_suffix(".txt"))
    start = time.perf_counter()
    result = align(untimed, path)
    report("exporter, untimed", [t.start for t in result.turns], truth,
           time.perf_counter() - start, floor, data["duration"])

    with tempfile.TemporaryDirectory() as folder:
        text = Path(folder) / "fragments.txt"
        firsts, lines = [], []
        for turn in transcript.turns:
            firsts.append(len(lines))
            lines += [s for s in SENTENCE.split(turn.text) if s]
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(folder) / "map.json"
        for label, extra in (("aeneas", ""),
                             ("aeneas, non-speech boundary adjustment",
                              "|task_adjust_boundary_nonspeech_min=0.250"
                              "|task_adjust_boundary_nonspeech_string=REMOVE")):
            config = f"task_language=eng|is_text_type=plain|os_task_file_format=json{extra}"
            start = time.perf_counter()
            done = subprocess.run([args.python, "-m", "aeneas.tools.execute_task", str(path),
                                   str(text), config, str(out)], capture_output=True, text=True)
            wall = time.perf_counter() - start
            if done.returncode:
                print(f"  {label}: failed ({done.stderr.strip().splitlines()[-1:]})")
                continue
            fragments = [f for f in json.loads(out.read_text())["fragments"] if f["lines"]]
            report(label, [float(fragments[k]["begin"]) for k in firsts], truth, wall, floor,
                   data["duration"])


if __name__ == "__main__":
    main()
