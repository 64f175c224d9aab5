"""Which files exporter wrote, so that it never replaces one it did not.

Each folder exporter writes into keeps a small record, ``.exporter-written.json``,
of the files it wrote there and their SHA-256. An output that already exists may be
replaced only when the record says exporter wrote exactly these bytes: a file of the
producer's, or one of ours edited by hand since, is kept unless ``force``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from exporter.errors import OutputError
from exporter.fsutil import atomic_write

RECORD = ".exporter-written.json"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def foreign(outputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The outputs that exist and are not exporter's own, unchanged.

    >>> foreign(["-", "/nonexistent/folder/ep.vtt"])
    []
    """
    found = []
    records: dict[Path, dict[str, str]] = {}
    for output in outputs:
        if os.fspath(output) == "-":
            continue
        path = Path(output)
        if not path.is_file():
            continue
        folder = path.parent
        record = records.setdefault(folder, _record(folder))
        if record.get(path.name) != _digest(path):
            found.append(path)
    return found


def refuse_foreign(outputs: Iterable[str | os.PathLike[str]], force: bool = False) -> None:
    """Raise :class:`OutputError` when an output would replace a file exporter did not
    write, or one edited since it did; with ``force``, nothing is refused.
    """
    if force:
        return
    kept = foreign(outputs)
    if len(kept) == 1:
        raise OutputError("the file is there and exporter did not write it (or it was "
                          "edited since): it is kept; give --force to replace it", kept[0])
    if kept:
        names = ", ".join(os.fspath(p) for p in kept)
        raise OutputError(f"{len(kept)} files are there that exporter did not write (or that "
                          f"were edited since): {names}; they are kept; give --force to "
                          "replace them")


def note_written(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Record the files just written, in their folders' records. A folder where the
    record cannot be written is left without one (the files are written all the same;
    a later run then asks for --force)."""
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        if os.fspath(path) != "-":
            by_folder.setdefault(Path(path).parent, []).append(Path(path))
    for folder, written in by_folder.items():
        record = _record(folder)
        record.update({p.name: _digest(p) for p in written if p.is_file()})
        with contextlib.suppress(OutputError):
            atomic_write(folder / RECORD, json.dumps(record, indent=1, sort_keys=True) + "\n")
