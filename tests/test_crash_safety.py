"""Killing ``exporter chapters write`` at any moment leaves the old file or the new one,
and so does a full disk.

Each trial starts the real command on a fresh copy of a 60 MB MP3 and kills it after
a random delay spread over the time the command takes, then checks that the file is
byte-identical to the original or to the fully tagged result, and that nothing else
was left in the directory but, at most, the killed process's hidden ``.part`` (a kill
between the two system calls that name the new file and rename it over the old one
leaves it; no order of calls closes that moment), which the next finished write
removes. EXPORTER_KILL_TRIALS sets the number of SIGKILL trials
(default 200; a quarter as many SIGINT trials, at least 50).
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import EPISODE, ffmpeg_exe

TRIALS = int(os.environ.get("EXPORTER_KILL_TRIALS", "200"))


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


#: The kill trials run outside coverage: a killed process never saves its data, and
#: line tracing made each write several times slower, so the trials took most of
#: CI's time while testing a slower program than the one users run.
UNTRACED = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS")}


def kill_trials(master: Path, tmp_path: Path, sig: int, trials: int) -> dict[str, int]:
    """Write chapters into copies of ``master``, killing the command after a random
    delay each time; every copy must be the old file or the new one, alone."""
    chapters = tmp_path / "chapters.txt"
    chapters.write_text("00:00 Start\n01:00 Middle\n10:00 Later\n")
    work = tmp_path / "work"
    work.mkdir()
    target = work / f"episode{master.suffix}"
    old = digest(master)
    shutil.copyfile(master, target)
    started = time.perf_counter()
    subprocess.run(command(target, chapters), check=True, env=UNTRACED)
    whole = time.perf_counter() - started
    new = digest(target)
    assert new != old
    rng = random.Random(sig)
    outcomes = {"old": 0, "new": 0, "part left": 0}
    for _ in range(trials):
        shutil.copyfile(master, target)
        proc = subprocess.Popen(command(target, chapters), stderr=subprocess.DEVNULL,
                                env=UNTRACED)
        time.sleep(rng.uniform(0.0, whole))
        proc.send_signal(sig)
        proc.wait()
        state = digest(target)
        assert state in (old, new)
        outcomes["old" if state == old else "new"] += 1
        left = sorted(p.name for p in work.iterdir() if p != target)
        if left:
            assert sig == signal.SIGKILL  # SIGINT unwinds, and removes its own
            assert len(left) == 1, left
            assert left[0].startswith(f".{target.name}.{proc.pid}.") and left[0].endswith(".part")
            outcomes["part left"] += 1
            subprocess.run(command(target, chapters), check=True, env=UNTRACED)
            assert sorted(p.name for p in work.iterdir()) == [target.name]
    print(f"{master.suffix} {signal.Signals(sig).name}: {trials} trials, {outcomes}")
    return outcomes


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_write_leaves_old_or_new(big: Path, tmp_path: Path, sig: int) -> None:
    kill_trials(big, tmp_path, sig, TRIALS if sig == signal.SIGKILL else max(50, TRIALS // 4))


#: How each other container's master is encoded.
CODECS = {"flac": ["-c:a", "flac"], "opus": ["-c:a", "libopus", "-b:a", "32k"],
          "m4a": ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"]}


@pytest.mark.parametrize("suffix", list(CODECS))
def test_a_killed_write_of_other_containers_leaves_old_or_new(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, suffix: str) -> None:
    """The Vorbis-comment and MP4 writers under the same trials: 20 minutes of the
    sample (the M4A with its movie atom in front, so that every chunk offset moves)."""
    master = tmp_path_factory.mktemp("masters") / f"master.{suffix}"
    codec = CODECS[suffix]
    subprocess.run([ffmpeg_exe(), "-v", "error", "-stream_loop", "10", "-i", str(EPISODE),
                    *codec, str(master)], check=True)
    kill_trials(master, tmp_path, signal.SIGKILL, max(30, TRIALS // 5))


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (as root), to fill up."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem to fill needs root")
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                            str(folder)], capture_output=True, text=True, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mount.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_leaves_the_episode_as_it_was(big: Path, tmp_path: Path) -> None:
    """The 60 MB episode on a 100 MB disk: there is no room for the tagged copy
    that replaces it, so the write fails cleanly and the original stays."""
    chapters = tmp_path / "chapters.txt"
    chapters.write_text("00:00 Start\n01:00 Middle\n")
    with small_disk(tmp_path / "disk", "100m") as disk:
        target = disk / "episode.mp3"
        shutil.copyfile(big, target)
        old = digest(target)
        result = subprocess.run(command(target, chapters), capture_output=True, text=True)
        assert result.returncode == 1
        assert result.stderr.startswith(f"Error: {target}: ")
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert digest(target) == old
        assert sorted(p.name for p in disk.iterdir()) == ["episode.mp3"]


def test_a_full_disk_leaves_no_half_written_outputs(tmp_path: Path) -> None:
    """``exporter run`` into a folder on a disk too small for the tagged copy: an
    Error, and the folder holds what it held before."""
    with small_disk(tmp_path / "disk", "300k") as disk:
        (disk / "mine.txt").write_text("the producer's own file\n")
        result = subprocess.run([sys.executable, "-m", "exporter", "-q", "run", "--sample",
                                 "-o", str(disk)], capture_output=True, text=True)
        assert result.returncode == 1
        assert result.stderr.startswith("Error: "), result.stderr
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["mine.txt"]
