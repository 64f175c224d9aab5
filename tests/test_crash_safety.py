"""Killing ``exporter chapters write`` at any moment leaves the old file or the new one.

Each trial starts the real command on a fresh copy of a 60 MB MP3 and kills it after
a random delay spread over the time the command takes, then checks that the file is
byte-identical to the original or to the fully tagged result, and that nothing else
was left in the directory. EXPORTER_KILL_TRIALS sets the number of trials.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EPISODE, ffmpeg_exe

TRIALS = int(os.environ.get("EXPORTER_KILL_TRIALS", "40"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-stream_loop", "130", "-i", str(EPISODE),
                    "-c", "copy", str(path)], check=True)
    return path


def command(target: Path, chapters: Path) -> list[str]:
    return [sys.executable, "-m", "exporter", "-q", "chapters", "write", str(target),
            "--chapters", str(chapters)]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_write_leaves_old_or_new(big: Path, tmp_path: Path, sig: int) -> None:
    chapters = tmp_path / "chapters.txt"
    chapters.write_text("00:00 Start\n01:00 Middle\n10:00 Later\n")
    work = tmp_path / "work"
    work.mkdir()
    target = work / "episode.mp3"
    old = digest(big)
    shutil.copyfile(big, target)
    started = time.perf_counter()
    subprocess.run(command(target, chapters), check=True)
    whole = time.perf_counter() - started
    new = digest(target)
    assert new != old
    rng = random.Random(sig)
    outcomes = {"old": 0, "new": 0}
    trials = TRIALS if sig == signal.SIGKILL else max(10, TRIALS // 4)
    for _ in range(trials):
        shutil.copyfile(big, target)
        proc = subprocess.Popen(command(target, chapters), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, whole))
        proc.send_signal(sig)
        proc.wait()
        state = digest(target)
        assert state in (old, new)
        outcomes["old" if state == old else "new"] += 1
        assert sorted(p.name for p in work.iterdir()) == ["episode.mp3"]
    print(f"{signal.Signals(sig).name}: {trials} trials, {outcomes}")
