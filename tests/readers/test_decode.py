from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript

TEXT = "[00:00:01] Zoë: Café “quoted” — done.\n[00:00:02] Bob: OK.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_encodings(write_text: Callable[..., Path], encoding: str) -> None:
    t = read_transcript(write_text(TEXT.encode(encoding)))
    assert t.turns[0].speaker == "Zoë"
    assert t.turns[0].text == "Café “quoted” — done."
    assert t.warnings == ()


def test_cp1252_falls_back_with_a_warning(write_text: Callable[..., Path]) -> None:
    path = write_text(TEXT.encode("cp1252"))
    t = read_transcript(path)
    assert t.turns[0].text == "Café “quoted” — done."
    assert t.warnings == (f"{path}, line 1: not UTF-8; read as Windows-1252",)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"  \n\r\n ", "the file is empty"),
    (b"[00:00:01] A: hi\n\x89PNG\x00\x00", "line 2: binary data, not a text transcript"),
])
def test_unusable_bytes(write_text: Callable[..., Path], data: bytes, message: str) -> None:
    path = write_text(data)
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        read_transcript(tmp_path / "nope.txt")
