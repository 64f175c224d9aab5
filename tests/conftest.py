"""Shared test helpers.

Tests never write to files under samples/ or tests/data/: they work on temporary
copies (:func:`temp_copy`), as mutagen's own tests do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exporter.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = SAMPLES / "ai-engineering-podcast-amd-rocm.txt"
EPISODE = SAMPLES / "sample-episode.mp3"
EPISODE_TRANSCRIPT = SAMPLES / "sample-episode.txt"


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


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory nothing can be written into, even by root.

    Root ignores permission bits, so as root this is a read-only tmpfs mount; as
    another user, a directory without write permission.
    """
    path = tmp_path / "readonly"
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        yield path
        path.chmod(0o755)
        return
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(path)],
                           capture_output=True, text=True, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs as root: {mount.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@pytest.fixture
def readonly_episode(tmp_path: Path) -> Iterator[Path]:
    """A copy of the sample episode in a directory that cannot be written, even by
    root (a tmpfs remounted read-only), the file itself read-only too."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        copy = temp_copy(EPISODE, folder)
        copy.chmod(0o444)
        folder.chmod(0o555)
        yield copy
        folder.chmod(0o755)
        return
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                           capture_output=True, text=True, check=False)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs as root: {mount.stderr.strip()}")
    try:
        copy = temp_copy(EPISODE, folder)
        copy.chmod(0o444)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield copy
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def ffmpeg_exe() -> str:
    """ffmpeg from PATH, else the one imageio-ffmpeg ships (as the package itself does)."""
    import imageio_ffmpeg

    return shutil.which("ffmpeg") or str(imageio_ffmpeg.get_ffmpeg_exe())
