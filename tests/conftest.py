"""Shared test helpers.

Tests never write to files under samples/ or tests/data/: they work on temporary
copies (:func:`temp_copy`), as mutagen's own tests do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exporter.cli import cli

ROOT = Path(__file__).resolve().parent.parent
# Commands run as processes in their own folders; their coverage data goes beside
# this run's, where pytest-cov combines it.
os.environ.setdefault("COVERAGE_FILE", str(ROOT / ".coverage"))
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = SAMPLES / "ai-engineering-podcast-amd-rocm.txt"
# The sample pair ships inside the package, so that `run --sample` works from a wheel.
BUNDLED = ROOT / "exporter" / "samples"
EPISODE = BUNDLED / "sample-episode.mp3"
EPISODE_TRANSCRIPT = BUNDLED / "sample-episode.txt"


def run_exporter(folder: Path, *args: str | Path, timeout: float = 600,
                 trace: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m exporter ARGS`` in ``folder`` as a producer would, output kept.

    Python warnings are off: coverage, tracing the pool workers under CI, warns on
    stderr, and the tests read stderr exactly. ``trace=False`` leaves the process
    out of coverage, for inputs so big that line tracing would slow them severalfold.
    """
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if not trace:
        env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_PROCESS")}
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=folder,
                          capture_output=True, text=True, timeout=timeout, env=env)


def temp_copy(source: Path, directory: Path) -> Path:
    """Copy ``source`` into ``directory`` and return the copy's path."""
    target = directory / source.name
    shutil.copyfile(source, target)
    return target


def invoke(*args: str | Path) -> Result:
    """Run the CLI in-process, with stdout and stderr kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="exporter",
                              catch_exceptions=False)


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[..., Path]:
    """Write a transcript text into the test's directory and return its path."""

    def write(text: str | bytes, name: str = "transcript.txt") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@contextmanager
def readonly_folder(folder: Path, fill: Callable[[Path], None]) -> Iterator[None]:
    """Make ``folder`` unwritable, even by root, after ``fill`` has put files in it.

    Root ignores permission bits, so as root the folder is a tmpfs remounted
    read-only; as another user, a folder without write permission.
    """
    folder.mkdir()
    if os.geteuid() != 0:
        fill(folder)
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                           capture_output=True, text=True, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs as root: {mount.stderr.strip()}")
    try:
        fill(folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty directory nothing can be written into."""
    with readonly_folder(tmp_path / "readonly", lambda folder: None):
        yield tmp_path / "readonly"


@pytest.fixture
def readonly_episode(tmp_path: Path) -> Iterator[Path]:
    """A read-only copy of the sample episode in a directory nothing can be written
    into."""

    def fill(folder: Path) -> None:
        temp_copy(EPISODE, folder).chmod(0o444)

    with readonly_folder(tmp_path / "ro", fill):
        yield tmp_path / "ro" / EPISODE.name


def ffmpeg_exe() -> str:
    """ffmpeg from PATH, else the one imageio-ffmpeg ships (as the package itself does)."""
    import imageio_ffmpeg

    return shutil.which("ffmpeg") or str(imageio_ffmpeg.get_ffmpeg_exe())


def ffprobe_chapters(path: Path) -> list[tuple[str, float, float]]:
    probe = shutil.which("ffprobe")
    if probe is None:
        pytest.skip("ffprobe is not installed (apt-get install ffmpeg)")
    out = subprocess.run([probe, "-v", "error", "-show_chapters", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return [(c["tags"]["title"], float(c["start_time"]), float(c["end_time"]))
            for c in json.loads(out)["chapters"]]
