"""The package's exceptions.

Every error the library raises on purpose derives from :class:`ExporterError`, so
the command line can turn all of them into one-line messages in a single place.
The message is built here, from attributes, so that callers never format it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


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


def line_list(numbers: Iterable[int]) -> str:
    """Line numbers as a person writes them, runs joined.

    >>> line_list([3, 17, 18, 19, 40])
    'lines 3, 17-19 and 40'
    >>> line_list([5])
    'line 5'
    """
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    if len(parts) == 1:
        return ("lines " if len(runs[0]) > 1 else "line ") + parts[0]
    return "lines " + ", ".join(parts[:-1]) + " and " + parts[-1]
