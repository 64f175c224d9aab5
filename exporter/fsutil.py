"""Atomic file output: a reader sees the old file or the new one, never half of one.

The new content goes to a temporary file in the target's directory, is flushed and
fsynced, and is then renamed over the target. Where Linux allows (``O_TMPFILE``), the
temporary file has no name until the moment it is renamed into place, so a process
killed at any other moment leaves nothing behind.

That moment cannot be closed: ``linkat`` cannot replace a file, so the name is given
first and the rename follows, and a process killed between the two system calls
(or on a filesystem without ``O_TMPFILE``, at any time during the write) leaves a
hidden ``.NAME.PID.HEX.part`` beside the target. The next write of the same target
removes those whose process is gone, so they do not pile up.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from exporter.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A file that replaces ``target`` only when :meth:`commit` is called.

    Use as a context manager; leaving the block without committing discards the
    new content. :attr:`file` is open for reading and writing, so the content can
    be checked before it is committed.

    :param target: the file to create or replace.
    :param like: an existing file whose permissions (and owner, as root) the new
        file takes; by default the target's own, or ``0o666 & ~umask`` for a new one.
    :raises OutputError: naming ``target`` when its directory is missing or not
        writable.
    """

    def __init__(self, target: str | os.PathLike[str],
                 like: str | os.PathLike[str] | None = None) -> None:
        self.target = Path(target)
        self.directory = self.target.parent
        self._named: Path | None = None
        self._committed = False
        self._syncing: threading.Thread | None = None
        if not self.directory.is_dir():
            raise OutputError(f"the directory {str(self.directory)!r} does not exist",
                              self.target)
        reference = Path(like) if like is not None else self.target
        self.owner: tuple[int, int] | None
        try:
            info = reference.stat()
            self.mode, self.owner = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
        except FileNotFoundError:
            self.mode, self.owner = 0o666 & ~_umask(), None
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", self.target) from None
        try:
            fd = self._open()
        except OSError as exc:
            raise OutputError(f"cannot write in {str(self.directory)!r} ({exc.strerror})",
                              self.target) from None
        self.file: io.BufferedRandom = os.fdopen(fd, "w+b")

    def _open(self) -> int:
        with contextlib.suppress(OSError, AttributeError):
            return os.open(self.directory, os.O_TMPFILE | os.O_RDWR, 0o600)
        # No O_TMPFILE on this filesystem or platform: a named, hidden temporary file.
        self._named = self._part_name()
        return os.open(self._named, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)

    def _part_name(self) -> Path:
        # The PID tells a later write whether the process that named it is gone.
        return self.directory / f".{self.target.name}.{os.getpid()}.{secrets.token_hex(4)}.part"

    def __enter__(self) -> AtomicFile:
        return self

    def sync_soon(self) -> None:
        """Start writing what is written so far to disk in the background, so that
        the wait overlaps the checks made before :meth:`commit` (which still fsyncs,
        and so waits for it, and reports any error)."""
        self.file.flush()
        fd = self.file.fileno()
        self._syncing = threading.Thread(target=_fsync_quietly, args=(fd,), daemon=True)
        self._syncing.start()

    def _join(self) -> None:
        if self._syncing is not None:
            self._syncing.join()
            self._syncing = None

    def commit(self) -> None:
        """Flush, fsync and rename the new content over the target.

        :raises OutputError: when the disk is full or the rename fails.
        """
        try:
            self.file.flush()
            self._join()
            os.fsync(self.file.fileno())
            os.fchmod(self.file.fileno(), self.mode)
            if self.owner is not None and os.geteuid() == 0:
                os.fchown(self.file.fileno(), *self.owner)
            if self._named is None:
                # Give the unnamed file a name only now, and rename it at once.
                self._named = self._part_name()
                _link_unnamed(self.file.fileno(), self._named)
            os.replace(self._named, self.target)
            self._committed = True
            _remove_abandoned(self.directory, self.target.name)
            self._sync_directory()
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", self.target) from None

    def _sync_directory(self) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._join()  # the thread must not fsync a descriptor closed (or reused) under it
        self.file.close()
        if not self._committed and self._named is not None:
            with contextlib.suppress(OSError):
                self._named.unlink()


def _remove_abandoned(directory: Path, name: str) -> None:
    """Remove the ``.part`` files that killed writes of ``name`` left in ``directory``."""
    for entry, token in _abandoned(directory, f".{name}.", ".", ".part"):
        if len(token) == 8:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _abandoned(directory: Path, prefix: str, separator: str, suffix: str
               ) -> list[tuple[os.DirEntry[str], str]]:
    """The entries of ``directory`` named PREFIX PID SEPARATOR REST SUFFIX whose PID
    names no running process (what a killed exporter left), each with its REST. One
    of a live process is left alone, even when the PID was reused, as it may be a
    write in progress."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(suffix)):
                continue
            pid, _, rest = name[len(prefix):len(name) - len(suffix)].partition(separator)
            if pid.isdigit() and rest and not _running(int(pid)):
                found.append((entry, rest))
    return found


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but is another user's
    return True


def _fsync_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):  # commit's own fsync reports it
        os.fsync(fd)


def _link_unnamed(fd: int, path: Path) -> None:
    """Give an ``O_TMPFILE`` file a name (``linkat`` with ``AT_SYMLINK_FOLLOW``)."""
    proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        # A source directory fd makes Python call linkat(), which follows the
        # /proc link to the open file instead of linking the symlink itself.
        os.link(str(fd), path, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (see :class:`AtomicFile`).

    :raises OutputError: naming ``path`` when the directory is missing or not
        writable, or the disk is full; no partial file is left behind.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with AtomicFile(path) as out:
        try:
            out.file.write(payload)
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", path) from None
        out.commit()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file: through links when both exist, else by path.

    >>> same_file("notes/../ep.vtt", "ep.vtt")
    True
    """
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def refuse_inputs(outputs: Iterable[str | os.PathLike[str]],
                  inputs: Mapping[str, str | os.PathLike[str] | None], hint: str = "") -> None:
    """Raise :class:`OutputError` when an output would be written over an input.

    ``inputs`` maps what each input is ("transcript", "episode") to its path, or
    None when not given; ``"-"`` (stdout) is never a file. No command writes over
    what it reads: the output is the input made over, and the input is the
    producer's.

    >>> refuse_inputs(["ep.vtt"], {"transcript": "./ep.vtt", "audio": None})
    Traceback (most recent call last):
    ...
    exporter.errors.OutputError: ep.vtt: this output is the transcript this command reads; \
it would be written over (write it elsewhere with -o)
    """
    for output in outputs:
        if os.fspath(output) == "-":
            continue
        for role, path in inputs.items():
            if path is not None and os.fspath(path) != "-" and same_file(output, path):
                raise OutputError(f"this output is the {role} this command reads; it would be "
                                  f"written over ({hint or 'write it elsewhere with -o'})",
                                  output)


def refuse_read_only(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputError` when no one may write ``path`` by its permission bits.

    Root can rename a new file over it all the same, but the permissions say the
    producer wants it kept as it is (eyeD3 refuses too).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError("the file is read-only (its permissions say it is to be kept as "
                          "it is); give --force to change it all the same", path)


class Staging:
    r"""A hidden folder inside ``outdir`` where a set of outputs is built, then moved
    into place: what :class:`AtomicFile` is for one file, for several. A failed run
    :meth:`discard`\ s it and leaves nothing half-written in ``outdir`` (nor
    ``outdir`` itself, when the run made it and it is empty). A run killed outright
    (``kill -9``, a power cut) cannot, and leaves its ``.exporter-PID-*.tmp``
    folder; the next run into ``outdir`` removes those whose process is gone."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.created = not outdir.exists()
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".exporter-{os.getpid()}-",
                                              suffix=".tmp", dir=outdir))
        except OSError as exc:
            raise OutputError(f"cannot write in the output folder ({exc.strerror})",
                              outdir) from None
        self._remove_abandoned()

    def _remove_abandoned(self) -> None:
        for entry, _ in _abandoned(self.outdir, ".exporter-", "-", ".tmp"):
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)

    def file(self, name: str) -> Path:
        return self.path / name

    def write(self, name: str, text: str) -> None:
        atomic_write(self.path / name, text)

    def publish(self) -> list[Path]:
        """Move every built file into OUTDIR (each move is atomic)."""
        done = []
        for built in sorted(self.path.iterdir()):
            target = self.outdir / built.name
            try:
                os.replace(built, target)
            except OSError as exc:
                raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
            done.append(target)
        self.path.rmdir()
        return done

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self.created:
            with contextlib.suppress(OSError):
                self.outdir.rmdir()  # only when empty: nothing of the producer's goes


def keep_backup(source: Path) -> str:
    """Keep the original as ``NAME.bak`` beside it (a hard link where possible, else
    a copy) and return its path.

    :raises OutputError: naming the backup when it cannot be made.
    """
    backup = source.with_name(source.name + ".bak")
    staging = source.with_name(f".{source.name}.bak.part")
    try:
        try:
            staging.unlink(missing_ok=True)
            os.link(source, staging)
            os.replace(staging, backup)
        except OSError:
            with AtomicFile(backup, like=source) as out, open(source, "rb") as handle:
                shutil.copyfileobj(handle, out.file, 1 << 20)
                out.commit()
    except OSError as exc:
        raise OutputError(f"cannot keep a backup ({exc.strerror})", backup) from None
    return str(backup)


#: Bytes moved or compared at a time when the kernel cannot copy for us.
_COPY_CHUNK = 1 << 20


def copy_tail(source: BinaryIO, start: int, target: BinaryIO) -> int:
    """Copy the source from ``start`` to its end onto the end of ``target``; return
    how many bytes. The kernel copies (``copy_file_range``) where it can, as cp does."""
    return copy_range(source, start, os.fstat(source.fileno()).st_size - start, target)


def copy_range(source: BinaryIO, start: int, length: int, target: BinaryIO) -> int:
    """Copy ``length`` bytes of the source from ``start`` onto ``target`` at its
    position; return how many (fewer only when the source ends first)."""
    target.flush()
    offset = target.tell()
    done = 0
    try:
        while done < length:
            copied = os.copy_file_range(source.fileno(), target.fileno(), length - done,
                                        start + done, offset + done)
            if copied == 0:
                break
            done += copied
    except OSError:
        done = done  # some filesystems refuse it; finish in user space
    if done < length:
        source.seek(start + done)
        target.seek(offset + done)
        while chunk := source.read(min(_COPY_CHUNK, length - done)):
            target.write(chunk)
            done += len(chunk)
        target.flush()
    target.seek(offset + done)
    return done


def same_bytes(first: io.BufferedIOBase, first_at: int, second: io.BufferedIOBase,
               second_at: int, length: int, *, to_end: bool = True) -> bool:
    """Whether two stretches of two files hold the same bytes (and, with ``to_end``,
    both files end where the stretches do)."""
    one, two = bytearray(_COPY_CHUNK * 8), bytearray(_COPY_CHUNK * 8)
    first.seek(first_at)
    second.seek(second_at)
    remaining = length
    while remaining > 0:
        want = min(len(one), remaining)
        if want < len(one):
            one, two = one[:want], two[:want]
        # Whole bytearrays compare with memcmp; slicing would copy them first.
        if first.readinto(one) != want or second.readinto(two) != want or one != two:
            return False
        remaining -= want
    return not to_end or (first.read(1) == b"" and second.read(1) == b"")
