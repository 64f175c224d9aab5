"""The data that flows through the pipeline: read -> align -> segment -> write.

All times are float seconds from the start of the episode audio. Timestamps are
parsed to whole milliseconds first (see :mod:`exporter.timecode`), so a time read
from a file and written back is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from exporter.style import CAPTIONS, Style


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
class ChapterList:
    """Everything read from one chapter list.

    :param chapters: in the file's order; untimed titles have ``start=None``.
    :param end: where the file says the last chapter (or the whole book) ends, if
        it says so (an END, a length, a ``total-duration`` header).
    :param skipped: 1-based numbers of the comment and heading lines passed over.
    :param unread: 1-based numbers of the lines not understood (prose around a list
        in show notes, say); they are reported, never made into chapters.
    :param audio: the audio file whose clock the times are in, when the list names
        one (Podcasting 2.0's ``fileName``): such times are the audio's own, not the
        transcript's, and an alignment does not move them.
    """

    chapters: tuple[Chapter, ...]
    end: float | None = None
    skipped: tuple[int, ...] = ()
    unread: tuple[int, ...] = ()
    audio: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """Everything read from one transcript file.

    :param turns: the speaker turns in time order.
    :param chapters: chapter titles found with the transcript (often untimed).
    :param warnings: things the reader fixed or ignored, for the producer to know.
    :param source: the file it came from.
    :param format: the reader's name.
    :param untimed: the source gives no times: each turn's start is only an estimate
        from the words before it (spoken from zero at an average pace), until the
        words are aligned to the audio (see :func:`exporter.align.aligner.align`).
    """

    turns: tuple[Turn, ...]
    chapters: tuple[Chapter, ...] = ()
    warnings: tuple[str, ...] = ()
    source: str = ""
    format: str = ""
    questions: tuple[str, ...] = field(default=())
    #: 1-based numbers of the lines not read as speech or structure: the text before
    #: the first turn (a page's summary and links), a service's footer.
    unread: tuple[int, ...] = field(default=())
    untimed: bool = False

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the transcript with its timing.

    :param text: the word as written, punctuation attached.
    :param start: when it starts, in seconds.
    :param end: when it ends.
    :param speaker: the speaker of its turn.
    :param turn: the index of its turn in the transcript.
    :param method: where the timing comes from: ``"estimated"`` (spread over the turn
        by speaking time), ``"aligned"`` (found in the audio) or ``"interpolated"``
        (between aligned neighbours).
    """

    text: str
    start: float
    end: float
    speaker: str
    turn: int
    method: str = "estimated"


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: up to a few lines shown together.

    :param lines: the text lines where no label is shown in the text (WebVTT).
    :param label: whether the speaker's name is shown before the text (SRT prefix).
    :param labelled_lines: the lines when the label takes room on the first line
        (it is not included); the same as ``lines`` when there is no label.
    :param first_word: index of the cue's first word in the word list it was made from.
    """

    start: float
    end: float
    speaker: str
    lines: tuple[str, ...]
    turn: int
    label: bool = False
    first_word: int = 0
    labelled_lines: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """How a transcript is aligned to its audio: one object from the command line to
    the aligner, the same for every command that has audio.

    :param jobs: worker processes (None: one per core); the result is the same
        whatever the number.
    :param offset: seconds of audio before the transcript's zero (an intro added
        later); None: found from the audio, unless the timestamps are trusted. 0 is
        an answer: the transcript's clock is the audio's.
    :param trust_timestamps: take the transcript's times as they are: no offset,
        insertion or cut is looked for.

    >>> AlignOptions(offset=0.0).offset, AlignOptions().offset
    (0.0, None)
    >>> AlignOptions(jobs=0)
    Traceback (most recent call last):
    ...
    ValueError: jobs must be from 1 to 64, not 0
    """

    jobs: int | None = None
    offset: float | None = None
    trust_timestamps: bool = False

    def __post_init__(self) -> None:
        if self.jobs is not None and not 1 <= self.jobs <= 64:
            raise ValueError(f"jobs must be from 1 to 64, not {self.jobs}")
        if self.offset is not None and not (math.isfinite(self.offset)
                                            and abs(self.offset) < 86400):
            raise ValueError(f"the offset must be a number of seconds under a day, "
                             f"not {self.offset}")

    @property
    def repair(self) -> bool:
        """Whether the transcript's times are checked against the audio and repaired."""
        return not self.trust_timestamps


@dataclass(frozen=True)
class TagOptions:
    """How chapters are written into an MP3's ID3 tag.

    :param version: 3 or 4; None: the version the file's tag has (see
        :func:`exporter.writers.id3.write_chapters`).
    :param image: a PNG or JPEG shown with every chapter.

    >>> TagOptions(version=2)
    Traceback (most recent call last):
    ...
    ValueError: the ID3v2 version must be 3 or 4, not 2
    """

    version: int | None = None
    image: str | None = None

    def __post_init__(self) -> None:
        if self.version not in (None, 3, 4):
            raise ValueError(f"the ID3v2 version must be 3 or 4, not {self.version}")


@dataclass(frozen=True)
class RunOptions:
    """What ``run`` makes, beyond the alignment: one object from the command line
    through a batch to each episode.

    :param style: the subtitles' limits (see :mod:`exporter.style`).
    :param from_questions: chapters at the host's questions, even when the
        transcript lists titles (without it, questions are the last resort).
    :param tag: how the chapters are written into the MP3.
    """

    style: Style = CAPTIONS
    from_questions: bool = False
    tag: TagOptions = field(default_factory=TagOptions)


#: A turn aligned with less confidence than this is in doubt: reported, listed, a
#: reason for exit status 3, and marked on the review page.
LOW_CONFIDENCE = 0.8


@dataclass(frozen=True)
class TurnAlignment:
    """How one turn was aligned.

    :param method: ``aligned`` (first try), ``retried`` (wide beams or smaller
        windows were needed) or ``interpolated`` (some words could not be aligned).
    :param confidence: from 0 to 1: the share of words aligned and plausible.
    """

    index: int
    start: float
    words: tuple[Word, ...]
    method: str
    confidence: float
    suspicious: int = 0
    #: Stretches of words not found in the audio, as (first word, count): timed by
    #: spreading them between the words around them. Only where the audio says so: a
    #: path went on without them (an edit took them).
    unmatched: tuple[tuple[int, int], ...] = ()
    #: Stretches of words that could not be aligned though nothing says they are not
    #: in the audio (every window over them failed: a voice the model hears badly),
    #: spread in the same way.
    unaligned: tuple[tuple[int, int], ...] = ()
    #: Words (indices in the turn) aligned by a fit poorer than the turn's bar (a
    #: voice that sounds worse than its speaker's openings): kept, but in doubt, and
    #: counted against the confidence.
    doubtful: tuple[int, ...] = ()

    def spread(self) -> list[tuple[int, int, bool]]:
        """Every run of words spread, in order: (first word, count, whether the audio
        says they are not in it)."""
        return sorted([(k, n, True) for k, n in self.unmatched]
                      + [(k, n, False) for k, n in self.unaligned])


@dataclass
class Alignment:
    """The words of the whole transcript with their times in the audio.

    :param offset: seconds of audio before the transcript's zero (found or given).
    :param insertions: audio found inserted (an ad break): the index of the first
        turn after it, and its length in seconds.
    :param shifts: for each turn, the seconds added to its transcript time to place
        it in the audio (the offset, plus every insertion before it).
    """

    words: list[Word]
    turns: list[TurnAlignment]
    duration: float
    offset: float = 0.0
    peaks: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    insertions: list[tuple[int, float]] = field(default_factory=list)
    shifts: list[float] = field(default_factory=list)

    def shift_for(self, turn: int) -> float:
        """Seconds to add to a time inside ``turn`` to find it in the audio."""
        return self.shifts[turn] if 0 <= turn < len(self.shifts) else self.offset


@dataclass(frozen=True)
class TaggedChapter:
    """A chapter as a player reads it from the tag."""

    chapter: Chapter
    element_id: str
    has_image: bool


@dataclass
class WriteReport:
    """What a chapter write did (or, with ``dry_run``, would do), in any container."""

    target: str
    before: list[TaggedChapter]
    after: list[TaggedChapter]
    changed: bool
    written: bool
    backup: str | None = None
    notes: list[str] = field(default_factory=list)
