"""What every transcript reader shares: decoding, the reader base class, and assembly.

Readers turn text into :class:`RawTurn` objects, close to the source; :func:`assemble`
then applies the rules that hold for every format (repeats, backwards time, inline
anchors, chapter titles after the transcript), so no reader re-implements them.
"""

from __future__ import annotations

import html
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import ClassVar

from exporter import timecode
from exporter.errors import InputError
from exporter.model import Anchor, Chapter, Transcript, Turn

#: A speaker label: starts with a letter, at most 60 characters, no brackets or colon.
SPEAKER = r"[^\W\d_][^:\[\]()<>{}\n]{0,59}?"

#: A time inside the speech: ``[00:01:21]`` or Rev's ``(00:01:21):`` is an anchor for the
#: words after it; in a note such as Rev's ``[inaudible 00:00:42]`` the note stays.
_INLINE_STAMP = re.compile(
    rf"[\[(](?P<note>[^\[\]()\d:]*?)\s*(?P<ts>{timecode.TIMESTAMP})[\])]:?")
#: An HTML tag of text formatting, or Markdown emphasis: how the text was set, never
#: words ("Q&A <with> AT&T", a literal, stays).
_MARKUP = re.compile(r"</?(?:a|b|big|br|code|div|em|font|i|mark|p|s|small|span|strong|sub|"
                     r"sup|u)(?:\s[^<>]*)?/?>|\*\*|__", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
#: A line that is only a time (a continuation stamp), or a time and then speech.
_STAMP_LINE = re.compile(
    rf"^\s*[(\[]?(?P<ts>{timecode.TIMESTAMP})[)\]]?:?\s*(?:[-\u2013|]\s+)?(?P<text>.*)$")
#: The line a transcription service signs its export with: not speech.
FOOTER = re.compile(r"^\s*(?:Transcribed by https?://\S+|Transcribed by \S+\.(?:ai|com|io))\s*$",
                    re.I)
_BULLET = re.compile(r"^(?:[-*\u2022]\s+|\d{1,3}[.)]\s+)")


@dataclass
class Paragraph:
    """A line of text inside a turn; ``start_ms`` when the source times it (a cue)."""

    line: int
    text: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass
class RawTurn:
    """A turn as a reader found it, before the shared rules run."""

    start_ms: int
    speaker: str
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    def key(self) -> tuple[int, str, str]:
        return (self.start_ms, self.speaker, _norm(" ".join(p.text for p in self.paragraphs)))


class Reader(ABC):
    """Base class of the transcript readers.

    To add a format: subclass :class:`Reader` (or :class:`LineReader` for formats of
    one header line per turn) in a module of its own under ``exporter/readers/``,
    set :attr:`name`, :attr:`extensions` and :attr:`description`, implement
    :meth:`sniff` and :meth:`read`, and add an instance to ``READERS`` in
    ``exporter/readers/__init__.py``. ``sniff`` must be specific enough that no
    realistic file of another format passes it: auto-detection refuses to guess
    between several matches.
    """

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    description: ClassVar[str]
    #: Tried only when no other reader fits (see :func:`exporter.readers.detect`).
    fallback: ClassVar[bool] = False

    @abstractmethod
    def sniff(self, text: str) -> bool:
        """Whether ``text`` looks like this format."""

    @abstractmethod
    def read(self, text: str, source: str) -> Transcript:
        """Parse ``text`` (already decoded, ``\\n`` line ends).

        :raises InputError: naming ``source`` and the line, when the text is unusable.
        """


def parse_stamp(text: str, source: str, line: int) -> int:
    """Parse a timestamp found at ``line`` into milliseconds, or raise :class:`InputError`."""
    try:
        return timecode.parse_ms(text)
    except ValueError as exc:
        raise InputError(str(exc), source, line) from None


def _norm(text: str) -> str:
    return " ".join(text.split())


#: A label used once is a speaker only when it is this short ("Joe Pyshko: ..."),
#: not a clause ("Here's the thing about F1: ...").
MAX_ONCE_WORDS = 3


def likely_speakers(labels: Iterable[str]) -> set[str]:
    """The labels before a colon that are speakers: used more than once, or short.

    >>> sorted(likely_speakers(["Ann", "Here's the thing about F1", "Bob Lee", "Bob Lee"]))
    ['Ann', 'Bob Lee']
    """
    counts = Counter(" ".join(label.split()) for label in labels)
    return {label for label, count in counts.items()
            if count > 1 or len(label.split()) <= MAX_ONCE_WORDS}


def title_like(text: str) -> bool:
    """Whether a line after the transcript reads as a chapter title rather than speech.

    >>> title_like("Competitive Landscape: AMD vs NVIDIA")
    True
    >>> title_like("Thank you for having me, Tobias. Thank you.")
    False
    """
    text = _BULLET.sub("", text.strip())
    return (0 < len(text) <= 100 and len(text.split()) <= 14
            and (text[0].isupper() or text[0].isdigit())
            and text[-1] not in ".,;:" and not _INLINE_STAMP.search(text))


def split_trailing_titles(turn: RawTurn) -> list[str]:
    """Remove the run of title-like lines that ends the last turn, and return them.

    A single short line is speech more often than a chapter list, so at least two
    are needed, and the turn keeps at least one line of its own.
    """
    count = 0
    while count < len(turn.paragraphs) - 1 and title_like(turn.paragraphs[-1 - count].text):
        count += 1
    if count < 2:
        return []
    titles = [_BULLET.sub("", p.text.strip()) for p in turn.paragraphs[-count:]]
    del turn.paragraphs[-count:]
    return titles


def _drop_repeat(kept: list[RawTurn], raw: list[RawTurn], i: int,
                 source: str, warnings: list[str]) -> int:
    """Handle turn ``raw[i]`` whose start goes back in time; return how many turns to skip.

    Show-notes pages often carry the transcript twice. The second copy starts again at
    an earlier turn (its first turn's timestamp is sometimes lost, leaving that text
    glued to the end of the last real turn). A jump back that repeats nothing is an
    error, since turns would be out of order.
    """
    turn = raw[i]
    match = next((j for j, k in enumerate(kept) if k.key() == turn.key()), None)
    if match is None:
        prev = kept[-1]
        raise InputError(
            f"timestamp {timecode.format_time(turn.start_ms / 1000, fraction=False)} goes "
            f"backwards (the turn before, at line {prev.line}, starts at "
            f"{timecode.format_time(prev.start_ms / 1000, fraction=False)})", source, turn.line)
    # Untimed copies of the turns before the match, glued onto the last kept turn.
    before = [_norm(p.text) for k in kept[:match] for p in k.paragraphs]
    last = kept[-1]
    glued = 0
    while (glued < len(before) and glued < len(last.paragraphs) - 1
           and _norm(last.paragraphs[-1 - glued].text) == before[-1 - glued]):
        glued += 1
    if glued:
        del last.paragraphs[-glued:]
    count = 0
    while (i + count < len(raw) and match + count < len(kept)
           and raw[i + count].key() == kept[match + count].key()):
        count += 1
    what = f"{count} turns from {timecode.format_time(turn.start_ms / 1000, fraction=False)} on"
    if glued:
        what = f"an untimed copy of the opening text, then {what}"
    warnings.append(f"{source}, line {turn.line}: the transcript repeats from here ({what}); "
                    "the repeat was ignored")
    return count


def _finish_turn(raw: RawTurn, source: str) -> Turn | None:
    words: list[str] = []
    anchors: list[Anchor] = []
    end_ms: int | None = None
    previous = raw.start_ms

    def add_anchor(ms: int, line: int) -> None:
        nonlocal previous
        if ms < previous:
            raise InputError(
                f"timestamp {timecode.format_time(ms / 1000)} inside the turn goes back "
                f"before {timecode.format_time(previous / 1000)}", source, line)
        previous = ms
        anchors.append(Anchor(len(words), ms / 1000))

    for para in raw.paragraphs:
        if _ENTITY.search(para.text):  # "y&#39;all" is "y'all"
            para = replace(para, text=html.unescape(para.text))
        if para.start_ms is not None and words:
            add_anchor(para.start_ms, para.line)
        if para.end_ms is not None:
            end_ms = para.end_ms
        pos = 0
        for stamp in _INLINE_STAMP.finditer(para.text):
            words.extend(para.text[pos:stamp.start()].split())
            add_anchor(parse_stamp(stamp["ts"], source, para.line), para.line)
            if stamp["note"].strip():
                words.append(f"[{' '.join(stamp['note'].split())}]")
            pos = stamp.end()
        words.extend(para.text[pos:].split())
    if not words:
        return None
    # An anchor after the last word says nothing about any word.
    anchors = [a for a in anchors if a.word_index < len(words)]
    return Turn(start=raw.start_ms / 1000, speaker=raw.speaker, text=" ".join(words),
                anchors=tuple(anchors), end=None if end_ms is None else end_ms / 1000,
                line=raw.line)


def assemble(raw: list[RawTurn], source: str, fmt: str, *, warnings: list[str] | None = None,
             titles_after: bool = False, questions: list[str] | None = None,
             unread: list[int] | None = None) -> Transcript:
    """Apply the shared rules to a reader's raw turns and build the :class:`Transcript`.

    :param titles_after: look for untimed chapter titles after the last turn (text formats).
    :raises InputError: when there are no turns, or time goes backwards without a repeat.
    """
    warnings = list(warnings or [])
    if not raw:
        raise InputError("no timestamped speaker turns found", source)
    titles = split_trailing_titles(raw[-1]) if titles_after else []
    kept: list[RawTurn] = []
    i = 0
    while i < len(raw):
        if kept and raw[i].start_ms < kept[-1].start_ms:
            i += _drop_repeat(kept, raw, i, source, warnings)
            continue
        kept.append(raw[i])
        i += 1
    turns: list[Turn] = []
    for item in kept:
        turn = _finish_turn(item, source)
        if turn is None:
            warnings.append(f"{source}, line {item.line}: a turn with no words was skipped")
        else:
            turns.append(turn)
    if not turns:
        raise InputError("no turn has any words", source)
    return Transcript(turns=tuple(turns), chapters=tuple(Chapter(t) for t in titles),
                      warnings=tuple(warnings), source=source, format=fmt,
                      questions=tuple(questions or ()), unread=tuple(sorted(unread or ())))


_LABEL = re.compile(rf"^\s*(?:\*\*|__|\[)?\s*(?P<name>{SPEAKER})\s*:?\s*(?:\*\*|__|\])?\s*:")


def _refuse_untimed_turns(raw: list[RawTurn], source: str, description: str) -> None:
    """Refuse a file where a known speaker's label opens a line inside another turn:
    a turn without a time, which would otherwise be read as the previous speaker's
    words ("one speaker given the rest of the file").

    :raises InputError: naming the line.
    """
    known = {turn.speaker for turn in raw if turn.speaker}
    for turn in raw:
        for para in turn.paragraphs:
            label = _LABEL.match(para.text)
            if para.start_ms is None and label and " ".join(label["name"].split()) in known:
                raise InputError(
                    f"{label['name'].strip()!r} speaks here without a time; read as "
                    f"{description}, every turn needs one (a transcript timed on only "
                    "some turns is not read yet)", source, para.line)


class LineReader(Reader):
    """A text format whose turns each open with one header line.

    Subclasses set :attr:`header`, a pattern with the groups ``ts``, ``speaker``
    (optional in the match) and ``text`` (the speech that follows on the same line).
    When a header has no speaker, the next non-blank line must be ``Speaker:``.
    """

    header: ClassVar[re.Pattern[str]]
    _speaker_line: ClassVar[re.Pattern[str]] = re.compile(rf"^\s*({SPEAKER})\s*:\s*(.*)$")
    #: Whether a line that opens with a time but no speaker is a turn of an unnamed
    #: speaker (formats whose headers start with the time), rather than a
    #: continuation stamp inside the current turn.
    unlabelled_turns: ClassVar[bool] = False
    #: A line with a time but no header: an anchor, or an unnamed turn (see above).
    stamp_line: ClassVar[re.Pattern[str]] = _STAMP_LINE

    def sniff(self, text: str) -> bool:
        return any(self.header.match(line) for line in text.split("\n"))

    def speakers(self, text: str) -> set[str] | None:
        """The labels accepted as speakers in ``text``; None accepts every label."""
        return None

    def plain(self, line: str) -> str:
        """The line as :attr:`header` expects it (a format's markup taken off)."""
        return line

    def read(self, text: str, source: str) -> Transcript:
        lines = text.split("\n")
        raw: list[RawTurn] = []
        preamble: list[str] = []
        unread: list[int] = []
        warnings: list[str] = []
        accepted = self.speakers(text)
        number = 0
        while number < len(lines):
            line = lines[number]
            number += 1
            header_line = number
            if FOOTER.match(line):
                unread.append(number)
                warnings.append(f"{source}, line {number}: {line.strip()!r} is the service's "
                                "footer, not speech; left out")
                continue
            match = self.header.match(self.plain(line))
            if match is not None and accepted is not None and match["speaker"] and (
                    " ".join(match["speaker"].split()) not in accepted):
                match = None  # "Here's the thing: ..." is speech, not a speaker
            if match is None:
                stamp = self.stamp_line.match(line) if raw or self.unlabelled_turns else None
                if (stamp is not None and self.unlabelled_turns and stamp["text"].strip()
                        and (not raw or raw[-1].speaker)):
                    # Never the last named speaker's: who said it is not written.
                    turn = RawTurn(parse_stamp(stamp["ts"], source, number), "", number)
                    turn.paragraphs.append(Paragraph(number, stamp["text"].strip()))
                    raw.append(turn)
                elif stamp is not None and raw:
                    raw[-1].paragraphs.append(Paragraph(
                        number, stamp["text"].strip(), parse_stamp(stamp["ts"], source, number)))
                elif raw:
                    if line.strip():
                        raw[-1].paragraphs.append(Paragraph(number, line.strip()))
                else:
                    preamble.append(line)
                    if line.strip():
                        unread.append(number)
                continue
            start = parse_stamp(match["ts"], source, number)
            speaker = (match["speaker"] or "").strip()
            rest = (match["text"] or "").strip()
            if not speaker:
                if rest:
                    raise InputError("the turn has no speaker", source, header_line)
                while number < len(lines) and not lines[number].strip():
                    number += 1
                label = self._speaker_line.match(lines[number]) if number < len(lines) else None
                if label is None:
                    raise InputError("the turn has no speaker", source, header_line)
                number += 1
                speaker, rest = label[1].strip(), label[2].strip()
            turn = RawTurn(start, " ".join(speaker.split()), header_line)
            if rest:
                turn.paragraphs.append(Paragraph(number, rest))
            raw.append(turn)
        for turn in raw:
            for para in turn.paragraphs:  # a paste from a web page or Markdown
                para.text = _MARKUP.sub("", para.text)
        _refuse_untimed_turns(raw, source, self.description)
        questions = [_BULLET.sub("", q.strip()) for q in preamble
                     if _BULLET.match(q.strip()) and "?" in q]
        return assemble(raw, source, self.name, warnings=warnings, titles_after=True,
                        questions=questions, unread=unread)
