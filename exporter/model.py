"""The data that flows through the pipeline: read -> align -> segment -> write.

All times are float seconds from the start of the episode audio. Timestamps are
parsed to whole milliseconds first (see :mod:`exporter.timecode`), so a time read
from a file and written back is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Anchor:
    """A time known inside a turn: the word at ``word_index`` is spoken at ``time``.

    Anchors come from timestamps written inside the text (``... explore [00:01:00]
    today``) and from the cue boundaries of subtitle and JSON inputs, which are
    merged into one turn per speaker.
    """

    word_index: int
    time: float


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's uninterrupted speech.

    :param start: when the turn begins, in seconds.
    :param speaker: the speaker's label as the transcript gives it ("" when unknown).
    :param text: the spoken words, with inline timestamps removed.
    :param anchors: known times of words inside the turn, in word order.
    :param end: when the source says the turn ends, if it says.
    :param line: the source line of the turn's header, for messages.
    """

    start: float
    speaker: str
    text: str
    anchors: tuple[Anchor, ...] = ()
    end: float | None = None
    line: int = 0

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter title, timed or not yet placed (``start is None``)."""

    title: str
    start: float | None = None
    end: float | None = None
    url: str | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """Everything read from one transcript file.

    :param turns: the speaker turns in time order.
    :param chapters: chapter titles found with the transcript (often untimed).
    :param warnings: things the reader fixed or ignored, for the producer to know.
    :param source: the file it came from.
    :param format: the reader's name.
    """

    turns: tuple[Turn, ...]
    chapters: tuple[Chapter, ...] = ()
    warnings: tuple[str, ...] = ()
    source: str = ""
    format: str = ""
    questions: tuple[str, ...] = field(default=())

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))
