"""Base class of the chapter-list formats.

Each format is one :class:`ChapterFormat` subclass in a module of its own, holding
both directions, as far as the format has them: :meth:`sniff` and :meth:`parse` to
read it, :meth:`render` to write it. To add one, subclass, set :attr:`name`,
:attr:`extensions` and :attr:`description`, implement what the format supports, and
add an instance to ``FORMATS`` in ``exporter/chapterfiles/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from exporter.model import Chapter, ChapterList


class ChapterFormat:
    """A chapter list format; by default neither readable nor writable."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    description: ClassVar[str]
    readable: ClassVar[bool] = False
    writable: ClassVar[bool] = False
    #: Whether the format must give the last chapter an end (it cannot be left open).
    needs_end: ClassVar[bool] = False

    def sniff(self, text: str) -> bool:
        """Whether ``text`` looks like this format."""
        return False

    def parse(self, text: str, source: str) -> ChapterList:
        """The chapters in ``text``, with the lines skipped or not understood.

        :raises InputError: naming ``source`` and the line, for unusable text.
        """
        raise NotImplementedError(f"{self.name} cannot be read")

    def render(self, chapters: Sequence[Chapter]) -> str:
        """The file's text for finished (timed, contiguous) chapters."""
        raise NotImplementedError(f"{self.name} cannot be written")
