"""Benchmark: ``exporter run`` end to end, and ``exporter run --batch``.

1. ``exporter run`` on the full-length synthetic episode (42 minutes, made and cached
   by bench/align.py) and on the real-speech episode (8.5 minutes, six real voices,
   built by bench/real_episode.py where ../shared/corpus is): wall time and peak
   memory, set against a plain ffmpeg decode of the same file measured in the same
   run.
2. ``exporter run --batch`` over 20 copies of the bundled sample episode, with
   ``--jobs 1`` and ``--jobs 2``: episodes per minute.

Commands run as after ``pip install``: with the package's bytecode written (this
machine sets PYTHONDONTWRITEBYTECODE, under which every run compiled its modules
first, about 0.1 s).

Peak memory is the largest resident size of any process of the command (the
command's own process and its workers), as ``/usr/bin/time -v`` reports it.

Run: ``.venv/bin/python bench/run.py [--copies N]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align import episode
from common import ROOT, decode_command, installed_env
from real_episode import CORPUS, build

EXPORTER = [sys.executable, "-m", "exporter"]


def measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of a command run in a fresh child process.

    A fresh Python parent per measurement keeps ``RUSAGE_CHILDREN`` (the largest of
    the waited-for descendants) to this command alone.
    """
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "wall = time.perf_counter() - start\n"
             "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,"
             " done.returncode)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True,
                         capture_output=True, text=True, env=installed_env()).stdout.split()
    # 3: finished, with turns to review (low confidence); anything else failed.
    if int(out[2]) not in (0, 3):
        raise SystemExit(f"{' '.join(command)} exited {out[2]}")
    return float(out[0]), float(out[1])


def run_once(name: str, audio: Path, duration: float, work: Path) -> None:
    """``exporter run`` on one episode, against a plain decode of it."""
    floor, floor_rss = measured(decode_command(audio))
    wall, rss = measured([*EXPORTER, "-q", "run", str(audio.with_suffix(".txt")), str(audio),
                          "-o", str(work / audio.stem)])
    print(f"exporter run, {name} ({audio.name}, {duration / 60:.1f} min):")
    print(f"  wall {wall:.1f} s = {duration / wall:.0f}x realtime; peak RSS {rss:.0f} MB")
    print(f"  plain ffmpeg decode of the same file: {floor:.1f} s, {floor_rss:.0f} MB; "
          f"run / decode = {wall / floor:.0f}x the time, {rss / floor_rss:.1f}x the memory")
    files = sorted(p.name for p in (work / audio.stem).iterdir())
    print(f"  wrote {len(files)} files: {', '.join(files)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    # As ``pip install`` does: the timed runs do not compile the package's modules.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "exporter")],
                   check=True, env=installed_env())
    audio = episode(False)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_once("full-length synthetic episode", audio, 42.4 * 60, work)
        if CORPUS.is_dir():
            real = build()["plain"]
            truth = json.loads(real.with_suffix(".truth.json").read_text())
            run_once("real-speech episode", real, truth["duration"], work)
        else:
            print(f"real-speech episode: skipped, no corpus at {CORPUS}")

        catalogue = work / "catalogue"
        catalogue.mkdir()
        for number in range(args.copies):
            shutil.copyfile(ROOT / "exporter" / "samples" / "sample-episode.txt",
                            catalogue / f"ep{number:02d}.txt")
            shutil.copyfile(ROOT / "exporter" / "samples" / "sample-episode.mp3",
                            catalogue / f"ep{number:02d}.mp3")
        print(f"exporter run --batch over {args.copies} copies of the sample episode "
              "(1:57 each):")
        for jobs in (1, 2):
            start = time.perf_counter()
            subprocess.run([*EXPORTER, "-q", "run", "--batch", str(catalogue), "-o",
                            str(work / f"batch{jobs}"), "--jobs", str(jobs), "--force"],
                           check=True, stdout=subprocess.DEVNULL, env=installed_env())
            took = time.perf_counter() - start
            print(f"  --jobs {jobs}: {took:.1f} s = {args.copies / took * 60:.1f} episodes "
                  "a minute")
        start = time.perf_counter()
        subprocess.run([*EXPORTER, "-q", "run", "--batch", str(catalogue), "-o",
                        str(work / "batch2"), "--jobs", "2"], check=True,
                       stdout=subprocess.DEVNULL, env=installed_env())
        print(f"  re-run with everything up to date: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
