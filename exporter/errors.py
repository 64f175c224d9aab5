"""The package's exceptions.

Every error the library raises on purpose derives from :class:`ExporterError`, so
the command line can turn all of them into one-line messages in a single place.
The message is built here, from attributes, so that callers never format it.
"""

from __future__ import annotations

import os


class ExporterError(Exception):
    """Base class for every error raised by exporter on purpose.

    :param message: what went wrong, without the file name.
    :param path: the file concerned, if any.
    :param line: the 1-based line in ``path``, for text inputs.
    """

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}, line {self.line}"
            where += ": "
        return where + self.message


class InputError(ExporterError):
    """An input file (transcript, chapter list, audio) cannot be used as it is.

    >>> str(InputError("impossible timestamp '00:61:00'", "talk.txt", 12))
    "talk.txt, line 12: impossible timestamp '00:61:00'"
    """


class AudioError(InputError):
    """The audio cannot be decoded, or is not what the command needs."""


class OutputError(ExporterError):
    """An output cannot be written (missing or read-only directory, full disk)."""


class UsageError(ExporterError):
    """The options given do not make sense together (limits out of range and the like)."""
