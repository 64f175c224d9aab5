"""Base class of the subtitle writers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from exporter.model import Cue


class SubtitleWriter(ABC):
    """A subtitle format.

    To add one: subclass, set :attr:`name` and :attr:`extensions`, implement
    :meth:`render`, and add an instance to ``SUBTITLE_WRITERS`` in
    ``exporter/writers/__init__.py``.
    """

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    @abstractmethod
    def render(self, cues: Sequence[Cue], source: str, labels: bool = True) -> str:
        """The file's text.

        :param source: the transcript's file name, for a note in formats that have one.
        :param labels: whether speaker names appear at all (``--speaker-labels never``
            turns them off).
        """
