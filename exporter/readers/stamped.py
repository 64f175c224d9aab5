"""Lines of ``HH:MM:SS Speaker: text``: the timestamp first, then the speaker.

Lines with a time and no speaker are turns of an unnamed speaker, never words: some
exports label only some lines, and some label none (``00:00:04 Maybe an aerospace
company…``). A word before a colon is a speaker only when it looks like one across
the file: used more than once, or a short name.
"""

from __future__ import annotations

import re

from exporter.readers.base import SPEAKER, LineReader, likely_speakers, title_like
from exporter.timecode import TIMESTAMP

#: Unlabelled lines read as a transcript only when they are speech, not titles.
MIN_SPEECH_SHARE = 0.5


#: An unlabelled line as such exports write it: a bare time, then the speech.
_BARE = re.compile(rf"^\s*(?P<ts>{TIMESTAMP})\s+(?P<text>\S.*)$")


class StampedLineReader(LineReader):
    name = "stamped"
    extensions = (".txt", ".log")
    description = "HH:MM:SS Speaker: text, or HH:MM:SS text"
    header = re.compile(
        rf"^\s*(?P<ts>{TIMESTAMP})\s+(?:[-\u2013|]\s+)?(?P<speaker>{SPEAKER})\s*:\s*(?P<text>.*)$"
    )
    unlabelled_turns = True
    stamp_line = _BARE

    def sniff(self, text: str) -> bool:
        lines = [line for line in text.split("\n") if line.strip()]
        if any(self.header.match(line) for line in lines):
            return True
        # No labels at all: most lines a time and then a sentence, not a title.
        stamped = [m["text"] for m in map(_BARE.match, lines) if m]
        speech = [t for t in stamped if not title_like(t)]
        return (len(stamped) >= 3 and len(stamped) >= 0.8 * len(lines)
                and len(speech) >= MIN_SPEECH_SHARE * len(stamped))

    def speakers(self, text: str) -> set[str] | None:
        return likely_speakers(m["speaker"] for m in map(self.header.match, text.split("\n"))
                               if m)
