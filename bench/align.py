"""Benchmark: aligning the full-length synthetic episode (42 minutes), against truth.

Synthesizes (once, cached in bench/data/, needs espeak-ng and ffmpeg) the whole
reference transcript with samples/make_episode.py, then aligns it and prints:
accuracy of sentence starts against the recorded truth (median, share within
150 ms and 500 ms, worst), wall time, realtime factor, peak memory, and in the same
run the time of a plain ffmpeg decode of the same file (the floor).

``--engine flite|festival|mbrola`` speaks the episode with another engine's voices
instead of espeak-ng's (cached as full-flite.mp3 and so on), so that no constant is
accepted that only works on one synthesizer.

``--shifted`` uses the version with 37 s of music before the first turn and a 45 s
music break before turn 21 (index 20), and prints the offset and insertion that
timestamp repair found next to the truth.

``--untimed`` gives the aligner the same turns with no times at all (speaker labels
and speech only), as aeneas would be given them: it finds the speech from scratch.

``--nudge S`` (repeatable) aligns the episode again under a clock S seconds off,
repair off on both runs so that only the clock differs, and prints how far every
word lands from where the first run put it (the issue's target: all within 20 ms).

Run: ``.venv/bin/python bench/align.py [--shifted] [--untimed] [--engine E] [--jobs N]
[--nudge S ...]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SAMPLE, decode_floor, invariance

from exporter.align.aligner import align
from exporter.align.measure import sentence_starts, summary
from exporter.readers import read_transcript

DATA = Path(__file__).resolve().parent / "data"


def episode(shifted: bool, engine: str = "espeak") -> Path:
    name = "full-shifted" if shifted else "full"
    if engine != "espeak":
        name += f"-{engine}"
    path = DATA / f"{name}.mp3"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        extra = ["--pre-roll", "37", "--break-at-turn", "20", "--break-seconds", "45"] \
            if shifted else []
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_episode.py"),
                        str(SAMPLE), "-o", str(path), "--engine", engine, *extra],
                       check=True)
        if __name__ == "__main__":
            # Start afresh: the synthesis (over 1 GB) would otherwise be the peak
            # memory this benchmark reports for the alignment.
            os.execv(sys.executable, [sys.executable, *sys.argv])
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shifted", action="store_true")
    parser.add_argument("--untimed", action="store_true")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--engine", choices=("espeak", "flite", "festival", "mbrola"),
                        default="espeak")
    parser.add_argument("--nudge", type=float, action="append", default=[])
    args = parser.parse_args()
    audio = episode(args.shifted, args.engine)
    if args.nudge:
        nudged(audio, args.nudge, args.jobs)
        return
    truth = json.loads(audio.with_suffix(".truth.json").read_text())
    transcript = read_transcript(audio.with_suffix(".txt"))
    if args.untimed:
        text = "".join(f"{t.speaker}:\n{t.text}\n\n" for t in transcript.turns)
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "untimed.txt").write_text(text, encoding="utf-8")
            transcript = read_transcript(Path(folder) / "untimed.txt")
        assert transcript.untimed

    floor = decode_floor(audio)

    start = time.perf_counter()
    result = align(transcript, audio, jobs=args.jobs)
    wall = time.perf_counter() - start

    starts = sentence_starts(result.words)
    errors = [abs(s - t["start"]) for s, t in zip(starts, truth["sentences"], strict=True)]
    figures = summary(errors)
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    methods = {m: sum(1 for t in result.turns if t.method == m)
               for m in ("aligned", "retried", "interpolated")}
    print(f"align {'shifted' if args.shifted else 'plain'} {args.engine} episode"
          f"{', untimed' if args.untimed else ''}, "
          f"{result.duration / 60:.1f} "
          f"min, {len(errors)} sentences:")
    print(f"  sentence starts: median {figures['median'] * 1000:.0f} ms, "
          f"{figures['within_150ms']:.1%} within 150 ms, "
          f"{figures['within_500ms']:.1%} within 500 ms, worst {figures['worst']:.2f} s "
          "(targets: <= 50 ms, >= 90%, >= 98%, none over 2 s)")
    print(f"  offset found: {result.offset:+.1f} s (pre-roll in the audio: "
          f"{truth.get('pre_roll', 0.0)} s)")
    inserted = truth.get("break")
    print("  insertions found: " + (", ".join(
        f"{seconds:.1f} s before turn index {turn}" for turn, seconds in result.insertions)
        or "none") + " (truth: " + (f"{inserted['seconds']:.1f} s before turn index "
                                     f"{inserted['before_turn']}" if inserted else "none") + ")")
    print(f"  turns: {methods}")
    print(f"  wall {wall:.1f} s = {result.duration / wall:.0f}x realtime (target 100x, "
          f"<= 25 s); ffmpeg decode alone {floor:.1f} s; ratio {wall / floor:.0f}x the floor")
    print(f"  peak RSS {peak:.0f} MB (largest single process)")


def nudged(audio: Path, nudges: list[float], jobs: int | None) -> None:
    """The episode under clocks a little off: how far every word moves."""
    transcript = read_transcript(audio.with_suffix(".txt"))
    plain = align(transcript, audio, jobs=jobs, repair=False)
    for nudge in nudges:
        other = align(transcript, audio, jobs=jobs, offset=nudge, repair=False)
        invariance(plain, other, 0.0, f"{audio.name}, clock {nudge:+.2f} s off, repair off")


if __name__ == "__main__":
    main()
