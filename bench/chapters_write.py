"""Benchmark: writing chapters into a 200 MB MP3 (or M4A, FLAC, or Opus), set against ``cp``
of the same file in the same run (targets: ``exporter chapters write`` at most 1.5x
``cp`` + ``sync`` for an MP3, 2x for the other containers).

Timed two ways: the library's ``write_chapters`` in this process, and the command
as a producer runs it (``exporter chapters write EP --chapters LIST``), start-up
included.

Our write fsyncs the new file before renaming it over the original (a crash must
leave a whole file), and reads it back to verify it; ``cp`` does neither. So the
copy is timed twice: plain ``cp``, and ``cp`` followed by ``sync`` of the copy.

Run: ``.venv/bin/python bench/chapters_write.py [--size-mb 200] [--container flac]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, installed_env

from exporter.model import Chapter
from exporter.timecode import format_time
from exporter.writers.tags import check_episode, write_chapters

EPISODE = ROOT / "exporter" / "samples" / "sample-episode.mp3"


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


#: How each container is made from the sample.
CODECS = {"mp3": ["-c", "copy"], "flac": ["-c:a", "flac"],
          "opus": ["-c:a", "libopus", "-b:a", "256k"],
          "m4a": ["-c:a", "aac", "-b:a", "256k", "-movflags", "+faststart"]}


def big_file(path: Path, size_mb: int, container: str) -> Path:
    """The sample episode looped to about size_mb: its MP3 frames copied, or encoded
    as M4A, FLAC or Opus (one pass encoded first, to learn its size)."""
    codec = CODECS[container]
    per_loop = EPISODE.stat().st_size
    if container != "mp3":
        once = path.with_name(f"once{path.suffix}")
        subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(EPISODE), *codec, str(once)],
                       check=True)
        per_loop = once.stat().st_size
        once.unlink()
    loops = max(1, int(size_mb * 1_000_000 // per_loop))
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-stream_loop", str(loops), "-i",
                    str(EPISODE), *codec, str(path)], check=True)
    return path


def clock(func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--container", choices=sorted(CODECS), default="mp3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        suffix = f".{args.container}"
        source = big_file(Path(tmp) / f"big{suffix}", args.size_mb, args.container)
        copy = Path(tmp) / f"copy{suffix}"
        duration = check_episode(source)
        sets = [[Chapter(f"Chapter {i} {tag}", i * duration / 14, (i + 1) * duration / 14)
                 for i in range(14)] for tag in ("A", "B", "C", "D")]
        listing = Path(tmp) / "chapters.txt"
        env = installed_env()
        subprocess.run([sys.executable, "-m", "exporter", "--version"], check=True, env=env,
                       capture_output=True)  # writes the bytecode cache, as pip would
        command: list[float] = []
        cp, cp_sync, ours = [], [], []
        for run in range(args.repeat):
            copy.unlink(missing_ok=True)
            cp.append(clock(lambda: subprocess.run(["cp", str(source), str(copy)],
                                                   check=True)))
            copy.unlink()
            cp_sync.append(clock(lambda: subprocess.run(
                ["sh", "-c", f'cp "{source}" "{copy}" && sync "{copy}"'], check=True)))
            chapters = sets[run % 2]  # alternate, so every write is a real change
            ours.append(clock(lambda chapters=chapters: write_chapters(source, chapters,
                                                                       replace=True)))
            other = sets[2 + run % 2]  # and never the set already there
            listing.write_text("".join(f"{format_time(c.start or 0.0)} {c.title}\n"
                                       for c in other), encoding="utf-8")
            command.append(clock(lambda: subprocess.run(
                [sys.executable, "-m", "exporter", "-q", "chapters", "write", str(source),
                 "--chapters", str(listing), "--replace"], check=True, env=env)))
        size = source.stat().st_size / 1e6
    c, cs, o, k = (statistics.median(x) for x in (cp, cp_sync, ours, command))
    print(f"chapters write, {size:.0f} MB {args.container}, median of {args.repeat}: "
          f"cp {c:.3f} s; cp + sync {cs:.3f} s")
    print(f"  write_chapters (library): {o:.3f} s = {o / c:.2f}x cp, {o / cs:.2f}x cp + sync")
    print(f"  exporter chapters write (command): {k:.3f} s = {k / c:.2f}x cp, "
          f"{k / cs:.2f}x cp + sync; target <= {1.5 if args.container == 'mp3' else 2}x cp + sync")


if __name__ == "__main__":
    main()
