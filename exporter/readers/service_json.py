"""JSON from transcription services and tools that time every word or utterance:
Deepgram (``results.channels[].alternatives[].words``), AssemblyAI (``utterances`` or
``words``, in milliseconds) and whisper.cpp (``transcription[].offsets``).

Word times become anchors inside the turns (consecutive words of one speaker make a
turn), so the aligner starts from the service's own timing. A speaker the service
numbers (Deepgram's ``0``) is named ``Speaker 0``; without diarization, no one is
named.
"""

from __future__ import annotations

import math
from typing import Any

from exporter.errors import InputError
from exporter.model import Transcript
from exporter.readers.base import Paragraph, Reader, assemble
from exporter.readers.segments import load_json, merge


def _seconds_ms(value: Any, scale: float, where: str, source: str) -> int:
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or not 0 <= value * scale < 360_000):
        raise InputError(f"{where}: a time must be a number of "
                         f"{'seconds' if scale == 1 else 'milliseconds'}", source)
    return round(value * scale * 1000)


def _speaker(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"Speaker {value}"
    return " ".join(str(value).split())


def _word_turns(words: list[Any], source: str, *, text: tuple[str, ...], scale: float,
                where: str) -> list[tuple[str | None, Paragraph]]:
    out: list[tuple[str | None, Paragraph]] = []
    for index, word in enumerate(words, 1):
        place = f"{where} {index}"
        if not isinstance(word, dict):
            raise InputError(f"{place} is not an object", source)
        spoken = next((word[k] for k in text if isinstance(word.get(k), str)), None)
        if spoken is None:
            raise InputError(f"{place} has no text ({' or '.join(text)})", source)
        start = _seconds_ms(word.get("start"), scale, place, source)
        end = (_seconds_ms(word["end"], scale, place, source)
               if word.get("end") is not None else None)
        if spoken.strip():
            out.append((_speaker(word.get("speaker")),
                        Paragraph(index, " ".join(spoken.split()), start, end)))
    return out


class DeepgramReader(Reader):
    name = "deepgram"
    extensions = (".json",)
    description = "Deepgram JSON (results.channels[].alternatives[].words)"

    @staticmethod
    def _words(text: str) -> list[Any] | None:
        data = load_json(text)
        try:
            words = data["results"]["channels"][0]["alternatives"][0]["words"]
        except (TypeError, KeyError, IndexError):
            return None
        return words if isinstance(words, list) else None

    def sniff(self, text: str) -> bool:
        return self._words(text) is not None

    def read(self, text: str, source: str) -> Transcript:
        words = self._words(text)
        if words is None:
            raise InputError("not a Deepgram response (results.channels[0].alternatives[0]"
                             ".words)", source)
        return assemble(merge(_word_turns(words, source, text=("punctuated_word", "word"),
                                          scale=1, where="word")), source, self.name)


class AssemblyAIReader(Reader):
    name = "assemblyai"
    extensions = (".json",)
    description = "AssemblyAI JSON (utterances[] or words[], milliseconds)"

    def sniff(self, text: str) -> bool:
        data = load_json(text)
        if not isinstance(data, dict):
            return False
        items = data.get("utterances") or data.get("words")
        return (isinstance(items, list) and bool(items) and isinstance(items[0], dict)
                and {"start", "end", "text"} <= set(items[0]) and "segments" not in data)

    def read(self, text: str, source: str) -> Transcript:
        data = load_json(text)
        if not isinstance(data, dict):
            raise InputError("not an AssemblyAI transcript", source)
        segments: list[tuple[str | None, Paragraph]] = []
        utterances = data.get("utterances")
        if isinstance(utterances, list) and utterances:
            for index, utterance in enumerate(utterances, 1):
                if not isinstance(utterance, dict):
                    raise InputError(f"utterance {index} is not an object", source)
                words = utterance.get("words")
                if isinstance(words, list) and words:
                    said = _word_turns(words, source, text=("text",), scale=0.001,
                                       where=f"utterance {index}, word")
                    who = _speaker(utterance.get("speaker"))
                    segments += [(who, para) for _, para in said]
                else:
                    segments += _word_turns([utterance], source, text=("text",),
                                            scale=0.001, where="utterance")
        else:
            words = data.get("words")
            if not isinstance(words, list):
                raise InputError("an AssemblyAI transcript needs 'utterances' or 'words'",
                                 source)
            segments = _word_turns(words, source, text=("text",), scale=0.001, where="word")
        return assemble(merge(segments), source, self.name)


class WhisperCppReader(Reader):
    name = "whisper-cpp"
    extensions = (".json",)
    description = "whisper.cpp JSON (transcription[].offsets, milliseconds)"

    def sniff(self, text: str) -> bool:
        data = load_json(text)
        items = data.get("transcription") if isinstance(data, dict) else None
        return (isinstance(items, list) and bool(items) and isinstance(items[0], dict)
                and "offsets" in items[0])

    def read(self, text: str, source: str) -> Transcript:
        data = load_json(text)
        items = data.get("transcription") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InputError("not a whisper.cpp transcript ('transcription' list)", source)
        flat = []
        for index, item in enumerate(items, 1):
            offsets = item.get("offsets") if isinstance(item, dict) else None
            if not isinstance(offsets, dict):
                raise InputError(f"segment {index} has no 'offsets'", source)
            flat.append({"text": item.get("text"), "start": offsets.get("from"),
                         "end": offsets.get("to"), "speaker": item.get("speaker")})
        return assemble(merge(_word_turns(flat, source, text=("text",), scale=0.001,
                                          where="segment")), source, self.name)
