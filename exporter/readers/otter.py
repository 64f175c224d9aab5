"""Otter.ai exports: a ``Speaker  H:MM:SS`` line, then the speech on the lines below."""

from __future__ import annotations

import re

from exporter.readers.base import SPEAKER, LineReader
from exporter.timecode import TIMESTAMP


class OtterReader(LineReader):
    name = "otter"
    extensions = (".txt",)
    description = "Speaker  H:MM:SS, then text (Otter)"
    # Otter separates name and time with two spaces; one space would also match
    # ordinary sentences that end in a clock time ("we met at 10:30").
    header = re.compile(
        rf"^\s*(?P<speaker>{SPEAKER})(?:\s{{2,}}|\t)(?P<ts>{TIMESTAMP})\s*$(?P<text>)"
    )
