"""The Podcasting 2.0 JSON chapters file (``application/json+chapters``)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

VERSION = "1.2.0"


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


class PodcastJsonChapters(ChapterFormat):
    name = "podcast-json"
    extensions = (".json",)
    description = "Podcasting 2.0 JSON chapters"
    readable = True
    writable = True

    def sniff(self, text: str) -> bool:
        data = _load(text) if text.lstrip().startswith("{") else None
        return isinstance(data, dict) and isinstance(data.get("chapters"), list)

    def parse(self, text: str, source: str) -> ChapterList:
        data = _load(text)
        if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
            raise InputError("not a Podcasting 2.0 chapters file", source)
        chapters = []
        for index, item in enumerate(data["chapters"], 1):
            if not isinstance(item, dict):
                raise InputError(f"chapter {index} is not an object", source)
            if item.get("toc") is False:
                continue  # silent chapters change artwork, they are not for navigation
            start = item.get("startTime")
            if (isinstance(start, bool) or not isinstance(start, int | float)
                    or not math.isfinite(start) or start < 0):
                raise InputError(f"chapter {index}: 'startTime' must be seconds", source)
            title = item.get("title")
            if not isinstance(title, str):
                raise InputError(f"chapter {index}: 'title' must be text", source)
            end = item.get("endTime")
            end = float(end) if isinstance(end, int | float) and not isinstance(
                end, bool) and math.isfinite(end) else None
            url, img = item.get("url"), item.get("img")
            chapters.append(Chapter(title, float(start), end,
                                    url if isinstance(url, str) else None,
                                    img if isinstance(img, str) else None))
        audio = data.get("fileName")
        return ChapterList(tuple(chapters), audio=audio if isinstance(audio, str) and audio
                           else None)

    def render(self, chapters: Sequence[Chapter], file_name: str | None = None) -> str:
        """The chapters as JSON; ``file_name`` names the audio whose clock their times
        are in (``run`` names the episode, so that the file can be given back to it
        with ``--chapters`` without being moved by the transcript's offset again)."""
        items = []
        for chapter in chapters:
            item: dict[str, Any] = {"startTime": chapter.start, "title": chapter.title}
            if chapter.end is not None:
                item["endTime"] = chapter.end
            if chapter.url:
                item["url"] = chapter.url
            if chapter.image:
                item["img"] = chapter.image
            items.append(item)
        document: dict[str, Any] = {"version": VERSION}
        if file_name:
            document["fileName"] = file_name
        document["chapters"] = items
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
