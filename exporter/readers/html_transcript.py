"""HTML transcripts: the Podcasting 2.0 form (``<cite>Name:</cite>``,
``<time>0:00</time>``, ``<p>speech</p>``) and the interactive exports of
transcription services built on Hyperaudio (Trint, and others): ``<p>`` paragraphs
with a ``<span class="speaker">`` and ``<span data-m="ms">word</span>`` words, whose
times become anchors.

Markup, scripts, styles and the page around the transcript are never speech.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from exporter.errors import InputError
from exporter.model import Transcript
from exporter.readers.base import Paragraph, RawTurn, Reader, assemble, parse_stamp
from exporter.readers.segments import merge

_HYPERAUDIO = re.compile(r"<span[^>]*\bdata-m=\"\d+\"", re.I)
_PODCAST = re.compile(r"<cite>.*?</cite>\s*<time>", re.I | re.S)


class _Collector(HTMLParser):
    """Speaker, time and text items in document order, with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, int, str, int | None]] = []  # kind, line, text, ms
        self._open: list[tuple[str, int, int | None]] = []  # the element being read
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
            return
        values = dict(attrs)
        kind = {"cite": "speaker", "time": "time", "p": "text"}.get(tag)
        if tag == "span" and values.get("class") == "speaker":
            kind = "speaker"
        elif tag == "span" and values.get("class") == "timecode":
            kind = "ignore"
        elif tag == "span" and (values.get("data-m") or "").isdigit():
            kind = "word"
        if kind is not None:
            self._flush()
            start = values.get("data-m")
            self._open.append((kind, self.getpos()[0], int(start) if start and
                               start.isdigit() else None))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("cite", "time", "p", "span"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip and self._open:
            self._text.append(data)

    def _flush(self) -> None:
        if self._open:
            kind, line, ms = self._open.pop()
            text = " ".join("".join(self._text).split())
            if kind != "ignore" and (text or kind == "text"):
                self.items.append((kind, line, text, ms))
        self._text = []


class HtmlTranscriptReader(Reader):
    name = "html"
    extensions = (".html", ".htm")
    description = "HTML transcript (Podcasting 2.0 <cite>/<time>/<p>, Hyperaudio data-m)"

    def sniff(self, text: str) -> bool:
        head = text.lstrip()[:1]
        return head == "<" and bool(_PODCAST.search(text) or _HYPERAUDIO.search(text))

    def read(self, text: str, source: str) -> Transcript:
        collector = _Collector()
        collector.feed(text)
        collector.close()
        items = collector.items
        if any(kind == "word" for kind, *_ in items):
            return assemble(self._hyperaudio(items), source, self.name)
        turns: list[RawTurn] = []
        speaker: str | None = None
        start: tuple[int, int] | None = None
        for kind, line, value, _ in items:
            if kind == "speaker":
                speaker = value.rstrip(":").strip()
            elif kind == "time":
                start = (parse_stamp(value, source, line), line)
            elif kind == "text" and value:
                if start is None:
                    continue  # a paragraph of the page, before the transcript
                turns.append(RawTurn(start[0], speaker or "", start[1],
                                     [Paragraph(line, value)]))
                start = None
        if not turns:
            raise InputError("an HTML page without <cite>/<time>/<p> turns", source)
        return assemble(turns, source, self.name)

    @staticmethod
    def _hyperaudio(items: list[tuple[str, int, str, int | None]]
                    ) -> list[RawTurn]:
        segments: list[tuple[str | None, Paragraph]] = []
        speaker: str | None = None
        for kind, line, value, ms in items:
            if kind == "speaker":
                speaker = value.rstrip(":").strip()
            elif kind == "word" and ms is not None:
                segments.append((speaker, Paragraph(line, value, ms)))
        return merge(segments)
