"""Worker processes end with the command that started them, even when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EPISODE, EPISODE_TRANSCRIPT


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", [
    ["align", EPISODE_TRANSCRIPT, EPISODE, "--jobs", "2", "-o", "words.json"],
    ["run", "--batch", "episodes", "--jobs", "2"],
])
def test_killing_the_command_ends_its_workers(tmp_path: Path, command: list[object]) -> None:
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    for name in ("a", "b", "c"):
        (episodes / f"{name}.txt").write_bytes(EPISODE_TRANSCRIPT.read_bytes())
        (episodes / f"{name}.mp3").write_bytes(EPISODE.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "exporter", "-q", *map(str, command)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in children(proc.pid) if c != proc.pid]
        # The pool's workers, not ffmpeg: Python processes.
        workers = [w for w in workers
                   if b"python" in (Path("/proc") / str(w) / "cmdline").read_bytes()]
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, "the command never started its workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)]
