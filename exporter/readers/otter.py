"""Otter.ai exports: a ``Speaker  H:MM:SS`` line, then the speech on the lines below.

Also the same pasted into Markdown (``**Speaker**    0:00``, ``**Speaker** [0:00]
text``, ``**Speaker:** \\[0:00\\]``), Zoom's saved transcripts (``[Speaker] 11:02:09``),
``Speaker 0: 00:00:16`` alone on its line (tstbtc), and Otter with one space between
name and time. One space alone would also match a sentence that ends in a clock time
("we met at 10:30"), so such a label is a speaker only when it comes back: the name
of someone who speaks once is set off by markup or two spaces in every export seen.
"""

from __future__ import annotations

import re
from collections import Counter

from exporter.readers.base import SPEAKER, LineReader
from exporter.timecode import TIMESTAMP

#: ``**Name**``, ``**Name:**`` or ``[Name]`` before the time, and ``[0:00]``, ``\\[0:00\\]``
#: around it: markup, taken off before the header is matched.
_MARKED = re.compile(
    rf"^\s*(?:\*\*(?P<bold>[^*\n]+?):?\*\*|\[(?P<bracket>[^\]\n]+)\])\s*"
    rf"\\?[\[(]?(?P<ts>{TIMESTAMP})\\?[\])]?")


#: ``Name: 00:00:16`` alone on its line, the speech below (tstbtc, some show notes).
_COLON_HEADER = re.compile(rf"^\s*(?P<name>{SPEAKER}):\s+(?P<ts>{TIMESTAMP})\s*$")


class OtterReader(LineReader):
    name = "otter"
    extensions = (".txt", ".md")
    description = "Speaker  H:MM:SS, then text (Otter, Zoom)"
    header = re.compile(
        rf"^\s*(?P<speaker>{SPEAKER})(?P<sep>\s{{2,}}|\t| )(?P<ts>{TIMESTAMP})"
        rf"(?:\s+(?P<text>.*?))?\s*$"
    )

    def plain(self, line: str) -> str:
        colon = _COLON_HEADER.match(line)
        if colon is not None:
            return f"{colon['name'].strip()}\t{colon['ts']}"
        marked = _MARKED.match(line)
        if marked is None:
            return line
        name = (marked["bold"] or marked["bracket"]).strip()
        return f"{name}\t{marked['ts']} {line[marked.end():].strip()}"

    def sniff(self, text: str) -> bool:
        return bool(self.speakers(text))

    def speakers(self, text: str) -> set[str] | None:
        strong: set[str] = set()
        weak: Counter[str] = Counter()
        for line in text.split("\n"):
            match = self.header.match(self.plain(line))
            if match is None:
                continue
            label = " ".join(match["speaker"].split())
            if match["sep"] != " ":
                strong.add(label)
            else:
                weak[label] += 1
        return strong | {label for label, count in weak.items() if count > 1}
