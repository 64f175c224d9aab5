"""The command line, run in-process: exact exit codes and output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from exporter import __version__
from tests.conftest import SAMPLE, invoke, run_exporter


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"exporter, version {__version__}\n"


def test_inspect_json_on_the_sample() -> None:
    result = invoke("inspect", SAMPLE, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"untimed", "turns", "chapters", "warnings", "unread"}
    assert data["unread"] == [n for n in range(1, 55) if SAMPLE.read_text(
        encoding="utf-8").split("\n")[n - 1].strip()]  # the page above the first turn
    turns = data["turns"]
    assert len(turns) == 41
    assert (turns[0]["start"], turns[0]["speaker"]) == (5.0, "Tobias Macey")
    assert (turns[-1]["start"], turns[-1]["speaker"]) == (2502.0, "Tobias Macey")
    assert "Hello, and welcome" not in turns[-1]["text"]
    assert len({t["speaker"] for t in turns}) == 2
    assert len(data["chapters"]) == 14
    assert data["chapters"][0] == {"title": "Introduction to AI Engineering Podcast",
                                   "start": None}
    assert len(data["warnings"]) == 1
    # The warning goes to stderr too, so a pipe into jq gets clean JSON.
    assert result.stderr == f"Warning: {data['warnings'][0]}\n"


def test_inspect_table() -> None:
    result = invoke("inspect", SAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{SAMPLE}: shownotes, 41 turns, 2 speakers"
    assert "   1  00:00:05  Tobias Macey            54  Hello, and welcome to the AI " \
           "Engineering podcast,..." in lines
    assert any(line.startswith("  Anush Elangovan") for line in lines)
    assert "   14. untimed   AMD's Role in the AI Ecosystem" in lines


def test_quiet_silences_warnings() -> None:
    result = invoke("-q", "inspect", SAMPLE, "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_error_is_one_line_without_traceback(write_text: Callable[..., Path]) -> None:
    path = write_text("[00:00:01] A: hi\n[00:61:00] B: x\n")
    result = invoke("inspect", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}, line 2: impossible timestamp '00:61:00'\n"


def test_debug_shows_the_traceback(write_text: Callable[..., Path]) -> None:
    path = write_text("[00:00:01] A: hi\n[00:61:00] B: x\n")
    proc = run_exporter(path.parent, "--debug", "inspect", path)
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr
    assert "InputError: " in proc.stderr


def test_python_dash_m_without_debug(write_text: Callable[..., Path]) -> None:
    path = write_text("")
    proc = run_exporter(path.parent, "inspect", path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"Error: {path}: the file is empty\n"


@pytest.mark.parametrize("args", [["inspect", "x", "--input-format", "nope"], ["nope"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr
