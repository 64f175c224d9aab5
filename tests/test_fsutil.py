"""Atomic writes: what a write killed at its one unclosable moment leaves is cleared
by the next write of the same file, and nothing of anyone else's is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from exporter.fsutil import AtomicFile, Staging, atomic_write

#: A child that names an O_TMPFILE the way AtomicFile.commit does, then is killed
#: (SIGKILL) before it can rename it: the state a kill between the two calls leaves.
KILLED_BETWEEN = """
import os, signal, sys
from pathlib import Path
from exporter.fsutil import AtomicFile, _link_unnamed
out = AtomicFile(sys.argv[1])
out.file.write(b"half")
out.file.flush()
_link_unnamed(out.file.fileno(), out._part_name())
os.kill(os.getpid(), signal.SIGKILL)
"""


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_write_killed_between_naming_and_renaming_is_cleared_by_the_next(
        tmp_path: Path) -> None:
    target = tmp_path / "episode.opus"
    target.write_bytes(b"old")
    child = subprocess.Popen([sys.executable, "-c", KILLED_BETWEEN, str(target)])
    assert child.wait() == -9
    left = parts(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".episode.opus.{child.pid}.")
    assert target.read_bytes() == b"old"
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert parts(tmp_path) == []


def test_parts_of_running_processes_and_of_other_files_are_left_alone(
        tmp_path: Path) -> None:
    target = tmp_path / "episode.opus"
    live = tmp_path / f".episode.opus.{os.getpid()}.0123abcd.part"
    other = tmp_path / f".other.opus.{2 ** 22 + 1}.0123abcd.part"  # beyond pid_max's default
    producers = tmp_path / ".episode.opus.notes.part"
    for path in (live, other, producers):
        path.write_bytes(b"x")
    with AtomicFile(target) as out:
        out.file.write(b"new")
        out.commit()
    assert parts(tmp_path) == sorted(p.name for p in (live, other, producers))


#: A child that starts building a run's outputs and is killed before it can publish
#: or discard them.
KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from exporter.fsutil import Staging
staging = Staging(Path(sys.argv[1]))
staging.write("episode.vtt", "WEBVTT\\n")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_staging_folder_of_a_killed_run_is_removed_by_the_next_run(
        tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(outdir)])
    assert child.wait() == -9
    (left,) = outdir.iterdir()
    assert left.name.startswith(f".exporter-{child.pid}-") and left.name.endswith(".tmp")
    live = outdir / f".exporter-{os.getpid()}-abcdefgh.tmp"
    producers = outdir / ".exporter-notes.tmp"
    live.mkdir()
    producers.mkdir()
    staging = Staging(outdir)
    assert sorted(p.name for p in outdir.iterdir()) == sorted(
        [staging.path.name, live.name, producers.name])
    staging.discard()
