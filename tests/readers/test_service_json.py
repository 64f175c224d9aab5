"""Deepgram, AssemblyAI and whisper.cpp JSON, in the shapes their documentation and
real responses give (a few words each): words and their times, never a time as text."""

from __future__ import annotations

import json

import pytest

from exporter.errors import InputError
from exporter.readers import parse_transcript

DEEPGRAM = {"metadata": {"duration": 3.0}, "results": {"channels": [{"alternatives": [{
    "transcript": "And so, my fellow", "words": [
        {"word": "and", "start": 0.72, "end": 1.04, "speaker": 0, "punctuated_word": "And"},
        {"word": "so", "start": 1.04, "end": 1.36, "speaker": 0, "punctuated_word": "so,"},
        {"word": "my", "start": 1.6, "end": 1.8, "speaker": 1, "punctuated_word": "my"},
        {"word": "fellow", "start": 1.8, "end": 2.1, "speaker": 1,
         "punctuated_word": "fellow"}]}]}]}}
ASSEMBLYAI = {"id": "x", "status": "completed", "text": "Hi there. Hello.", "utterances": [
    {"speaker": "A", "start": 250, "end": 1200, "text": "Hi there.", "words": [
        {"text": "Hi", "start": 250, "end": 500, "speaker": "A"},
        {"text": "there.", "start": 520, "end": 1200, "speaker": "A"}]},
    {"speaker": "B", "start": 1500, "end": 2000, "text": "Hello.", "words": [
        {"text": "Hello.", "start": 1500, "end": 2000, "speaker": "B"}]}]}
WHISPER_CPP = {"model": {"type": "base"}, "result": {"language": "en"}, "transcription": [
    {"timestamps": {"from": "00:00:00,000", "to": "00:00:04,000"},
     "offsets": {"from": 0, "to": 4000}, "text": " And so my fellow Americans,"},
    {"timestamps": {"from": "00:00:04,000", "to": "00:00:08,000"},
     "offsets": {"from": 4000, "to": 8000}, "text": " ask not what your country"}]}


def test_deepgram_words_and_numbered_speakers() -> None:
    data = parse_transcript(json.dumps(DEEPGRAM))
    assert data.format == "deepgram"
    assert [(t.start, t.speaker, t.text) for t in data.turns] == [
        (0.72, "Speaker 0", "And so,"), (1.6, "Speaker 1", "my fellow")]
    assert [(a.word_index, a.time) for a in data.turns[0].anchors] == [(1, 1.04)]


def test_assemblyai_utterances_in_milliseconds() -> None:
    data = parse_transcript(json.dumps(ASSEMBLYAI))
    assert data.format == "assemblyai"
    assert [(t.start, t.speaker, t.text) for t in data.turns] == [
        (0.25, "A", "Hi there."), (1.5, "B", "Hello.")]
    assert [(a.word_index, a.time) for a in data.turns[0].anchors] == [(1, 0.52)]


def test_assemblyai_words_alone() -> None:
    words = {"words": [w for u in ASSEMBLYAI["utterances"] for w in u["words"]]}  # type: ignore[attr-defined]
    assert [t.speaker for t in parse_transcript(json.dumps(words)).turns] == ["A", "B"]


def test_whisper_cpp_offsets() -> None:
    data = parse_transcript(json.dumps(WHISPER_CPP))
    assert data.format == "whisper-cpp"
    (turn,) = data.turns
    assert turn.text == "And so my fellow Americans, ask not what your country"
    assert [(a.word_index, a.time) for a in turn.anchors] == [(5, 4.0)]


@pytest.mark.parametrize(("data", "message"), [
    ({"results": {"channels": [{"alternatives": [{"words": [{"word": "a"}]}]}]}},
     "word 1: a time must be a number of seconds"),
    ({"utterances": [{"start": "soon", "end": 1, "text": "x"}]},
     "utterance 1: a time must be a number of milliseconds"),
    ({"transcription": [{"offsets": {"from": 0, "to": 5}, "text": 7}]},
     r"segment 1 has no text \(text\)"),
])
def test_broken_service_json_names_the_item(data: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_transcript(json.dumps(data), "t.json")
