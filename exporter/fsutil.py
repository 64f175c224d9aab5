"""Atomic file output: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from exporter.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    The temporary file is flushed and fsynced, then renamed over ``path``. An
    existing file keeps its permissions; a new one gets the usual ``0o666 & ~umask``.

    :raises OutputError: naming ``path`` when the directory is missing or not
        writable, or the disk is full; no partial file is left behind.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(f"the directory {str(directory)!r} does not exist", target)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write in {str(directory)!r} ({exc.strerror})",
                          target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
        raise
