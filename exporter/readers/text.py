"""A text file's bytes to text: the encodings transcripts and chapter lists come in.

Every reader of text (transcripts, chapter lists, manifests) decodes here, so a
file is read the same way whatever reads it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from exporter.errors import InputError


def decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode a text file's bytes and normalise line ends to ``\\n``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as such; anything else
    falls back to Windows-1252, with a warning.

    :raises InputError: for an empty or binary file.

    >>> decode(b"\\xef\\xbb\\xbfa\\r\\nb\\rc", "t.txt")
    ('a\\nb\\nc', [])
    """
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-16 despite its byte-order mark ({exc.reason})",
                             source) from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError("binary data, not a text transcript", source,
                             data.count(b"\n", 0, nul) + 1)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            warnings.append(f"{source}, line {line}: not UTF-8; read as Windows-1252")
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InputError("binary data, not a text transcript", source,
                         text.count("\n", 0, text.index("\x00")) + 1)
    if not text.strip():
        raise InputError("the file is empty", source)
    return text, warnings


def read_text(path: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """Read and decode a text file (see :func:`decode`).

    :raises InputError: naming the file when it cannot be read, is empty or binary.
    """
    source = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", source) from None
    return decode(data, source)
