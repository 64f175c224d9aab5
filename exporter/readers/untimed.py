"""Transcripts with no times at all: speaker turns, or plain paragraphs.

``Speaker: text`` (or the label on a line of its own, the speech below it), or
paragraphs separated by blank lines with no speaker. Nothing in the file says when
anything is said, so each turn's start is an estimate (the words before it spoken
from zero at an average pace) and the transcript is marked ``untimed``: the aligner
then finds every word in the audio from scratch, and the commands that would have
to trust the estimate (subtitles or chapters without the audio) refuse it.

This reader is never chosen because it fits better than another: the registry
tries it only when no timed format matches (see :func:`exporter.readers.detect`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from exporter.errors import InputError
from exporter.model import Transcript
from exporter.readers.base import (
    SPEAKER,
    Paragraph,
    RawTurn,
    Reader,
    assemble,
    likely_speakers,
    title_like,
)
from exporter.speech import speaking_time
from exporter.timecode import TIMESTAMP

#: ``Name: speech`` or ``Name:`` alone on its line.
_LABEL = re.compile(rf"^\s*(?:\*\*|__)?(?P<name>{SPEAKER})(?:\*\*|__)?\s*:(?:\*\*|__)?"
                    r"\s*(?P<text>.*)$")
#: A time where a transcript would print one: a file holding these is timed, and
#: a timed reader that does not take it must say why rather than this one guess.
_STAMP = re.compile(rf"^\s*[\[(]?{TIMESTAMP}[\])]?|[\[(]{TIMESTAMP}[\])]")
#: Too little to align from scratch, or to be sure the text is speech.
MIN_WORDS = 20
#: A line of speech (not a title or a link list) has at least this many words.
SPEECH_WORDS = 8


class UntimedReader(Reader):
    name = "untimed"
    extensions = (".txt", ".md")
    description = "Speaker: text, or plain paragraphs, with no times (needs the audio)"
    fallback = True

    def sniff(self, text: str) -> bool:
        stripped = text.lstrip()
        if not stripped or stripped[0] in "{[<" or stripped.startswith("WEBVTT"):
            return False
        lines = [line for line in text.split("\n") if line.strip()]
        if any(_STAMP.search(line) for line in lines):
            return False
        return (len(text.split()) >= MIN_WORDS
                and any(len(line.split()) >= SPEECH_WORDS for line in lines))

    def read(self, text: str, source: str) -> Transcript:
        lines = text.split("\n")
        speakers = likely_speakers(m["name"] for m in map(_LABEL.match, lines) if m)
        raw: list[RawTurn] = []
        unread: list[int] = []
        blank = True
        for number, line in enumerate(lines, 1):
            if not line.strip():
                blank = True
                continue
            match = _LABEL.match(line)
            name = " ".join(match["name"].split()) if match else ""
            if match and name in speakers:
                raw.append(RawTurn(0, name, number))
                if match["text"].strip():
                    raw[-1].paragraphs.append(Paragraph(number, match["text"].strip()))
            elif not raw and title_like(line) and (speakers or len(line.split()) < SPEECH_WORDS):
                unread.append(number)  # the page's heading, before the first turn
            else:
                if not raw or (blank and not speakers):
                    raw.append(RawTurn(0, "", number))  # a paragraph of its own
                raw[-1].paragraphs.append(Paragraph(number, line.strip()))
            blank = False
        raw = [turn for turn in raw if turn.paragraphs]
        if not raw:
            raise InputError("no speech found", source)
        assembled = assemble(raw, source, self.name, titles_after=True, unread=unread)
        # Each turn starts where its words would, spoken from zero at an average pace.
        turns, clock = [], 0.0
        for turn in assembled.turns:
            turns.append(replace(turn, start=round(clock, 3)))
            clock += speaking_time(turn.text)
        return replace(assembled, turns=tuple(turns), untimed=True, warnings=(
            *assembled.warnings,
            f"{source}: no times in the transcript: read as {len(turns)} untimed "
            f"turn{'s' if len(turns) != 1 else ''}, whose words are placed from the audio"))
