"""Audiobook chapter JSON in Audible's shape (as served by audnex and read by
Audiobookshelf and Plex agents): ``startOffsetMs``, ``lengthMs`` and ``title`` per
chapter, ``runtimeLengthMs`` for the whole book; nested chapters are flattened."""

from __future__ import annotations

import math
from typing import Any

from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList
from exporter.readers.segments import load_json


def _ms(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value / 1000 if math.isfinite(value) and value >= 0 else None


class AudibleJson(ChapterFormat):
    name = "audible-json"
    extensions = (".json",)
    description = "audiobook chapter JSON (startOffsetMs, lengthMs, title)"
    readable = True

    def sniff(self, text: str) -> bool:
        data = load_json(text)
        chapters = data.get("chapters") if isinstance(data, dict) else None
        return (isinstance(chapters, list) and bool(chapters) and isinstance(chapters[0], dict)
                and "startOffsetMs" in chapters[0])

    def parse(self, text: str, source: str) -> ChapterList:
        data = load_json(text)
        if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
            raise InputError("not an audiobook chapter file", source)
        chapters: list[Chapter] = []

        def walk(items: list[Any]) -> None:
            for item in items:
                index = len(chapters) + 1
                if not isinstance(item, dict):
                    raise InputError(f"chapter {index} is not an object", source)
                start, title = _ms(item.get("startOffsetMs")), item.get("title")
                if start is None or not isinstance(title, str):
                    raise InputError(f"chapter {index} needs 'startOffsetMs' (milliseconds) "
                                     "and a 'title'", source)
                length = _ms(item.get("lengthMs"))
                chapters.append(Chapter(title, start,
                                        start + length if length is not None else None))
                if isinstance(item.get("chapters"), list):
                    walk(item["chapters"])

        walk(data["chapters"])
        return ChapterList(tuple(chapters), end=_ms(data.get("runtimeLengthMs")))
