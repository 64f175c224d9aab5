"""Shared test helpers.

Tests never write to files under samples/ or tests/data/: they work on temporary
copies (:func:`temp_copy`), as mutagen's own tests do.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
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
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


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
