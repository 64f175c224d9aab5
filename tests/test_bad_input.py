"""Each kind of bad transcript: one ``Error:`` line naming the file (and line), exit 1."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import invoke

CASES = [
    pytest.param(b"", "the file is empty", id="empty"),
    pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb", "line 1: binary data", id="binary"),
    pytest.param(b"Summary\nA talk about things.\n", "no timestamped transcript found",
                 id="no-timestamps"),
    pytest.param(b"[00:01:00] A: one.\n[00:02:00] B: two.\n[00:00:30] A: three.\n",
                 "line 3: timestamp 00:00:30 goes backwards", id="backwards"),
    pytest.param(b"[00:00:01] A: one.\n[00:61:00] B: two.\n",
                 "line 2: impossible timestamp '00:61:00'", id="impossible"),
    pytest.param(b"[00:00:01] A: one.\n[00:00:05]\nno speaker here\n",
                 "line 2: the turn has no speaker", id="no-speaker"),
    pytest.param(b"[00:00:01] A: one.\n[00:00:05] no speaker here\n",
                 "line 2: the turn has no speaker", id="no-speaker-same-line"),
]


@pytest.mark.parametrize(("data", "message"), CASES)
def test_bad_transcript(write_text: Callable[..., Path], data: bytes, message: str) -> None:
    path = write_text(data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = invoke("inspect", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
