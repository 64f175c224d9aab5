"""Podlove Simple Chapters as XML: ``<psc:chapter start="…" title="…"/>`` elements,
in a feed item or a file of their own (https://podlove.org/simple-chapters/)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from exporter import timecode
from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

NAMESPACE = "http://podlove.org/simple-chapters"
_SECONDS = re.compile(r"^\d+(?:\.\d+)?$")


def npt(text: str) -> float:
    """A Podlove start time ("normal play time") in seconds.

    >>> npt("00:01:02.500"), npt("1:02"), npt("75.5")
    (62.5, 62.0, 75.5)
    """
    text = text.strip()
    if _SECONDS.match(text):
        return float(text)
    return timecode.parse(text)


class PodloveXml(ChapterFormat):
    name = "psc"
    extensions = (".psc", ".xml")
    description = "Podlove Simple Chapters XML (<psc:chapters>)"
    readable = True

    def sniff(self, text: str) -> bool:
        return NAMESPACE in text[:5000] and "<" in text.lstrip()[:1]

    def parse(self, text: str, source: str) -> ChapterList:
        try:
            root = ET.fromstring(text.lstrip("\ufeff"))
        except ET.ParseError as exc:
            raise InputError(f"not well-formed XML ({exc})", source,
                             exc.position[0] if exc.position else None) from None
        chapters = []
        for index, element in enumerate(root.iter(f"{{{NAMESPACE}}}chapter"), 1):
            start, title = element.get("start"), element.get("title")
            if start is None or title is None:
                raise InputError(f"chapter {index} needs a start and a title", source)
            try:
                seconds = npt(start)
            except ValueError:
                raise InputError(f"chapter {index}: start {start!r} is not a time",
                                 source) from None
            chapters.append(Chapter(title.strip(), seconds, url=element.get("href"),
                                    image=element.get("image")))
        if not chapters:
            raise InputError("a Podlove file without <psc:chapter> elements", source)
        return ChapterList(tuple(chapters))
