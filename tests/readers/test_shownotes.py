from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript
from tests.conftest import SAMPLE

# Read off the page by hand: every turn of the first copy of the transcript.
SAMPLE_STARTS = [
    "00:00:05", "00:00:30", "00:00:37", "00:00:42", "00:01:35", "00:01:58", "00:03:32",
    "00:04:34", "00:07:51", "00:08:39", "00:10:16", "00:10:54", "00:12:54", "00:13:23",
    "00:14:38", "00:15:07", "00:16:29", "00:17:02", "00:18:33", "00:19:46", "00:21:53",
    "00:22:52", "00:24:27", "00:25:18", "00:27:32", "00:27:54", "00:29:21", "00:29:40",
    "00:30:52", "00:31:39", "00:33:47", "00:33:59", "00:36:45", "00:37:06", "00:37:52",
    "00:38:06", "00:39:05", "00:39:24", "00:41:08", "00:41:35", "00:41:42",
]
SAMPLE_CHAPTERS = [
    "Introduction to AI Engineering Podcast",
    "Interview with Anush Ilangavan from AMD",
    "AMD's Software Strategy in AI",
    "Competitive Landscape: AMD vs NVIDIA",
    "Transition and Adoption in AI Hardware",
    "Quantization and Model Efficiency",
    "Open Source and Platform Risk",
    "AI Hardware Ecosystem and Consumer Interaction",
    "Local AI and Consumer Grade Applications",
    "Innovative Applications of AMD Hardware",
    "Pooling Hardware for AI Inference",
    "Future Directions for AMD and RockM",
    "RockM Quality and Developer Outreach",
    "AMD's Role in the AI Ecosystem",
]


def seconds(stamp: str) -> float:
    h, m, s = (int(x) for x in stamp.split(":"))
    return float(h * 3600 + m * 60 + s)


def test_sample_turns_and_speakers() -> None:
    t = read_transcript(SAMPLE)
    assert t.format == "shownotes"
    assert [turn.start for turn in t.turns] == [seconds(s) for s in SAMPLE_STARTS]
    assert t.speakers == ["Tobias Macey", "Anush Elangovan"]
    # The two speakers alternate throughout the interview, host first.
    assert [turn.speaker for turn in t.turns] == [
        "Tobias Macey" if i % 2 == 0 else "Anush Elangovan" for i in range(41)]
    assert t.turns[-1].speaker == "Tobias Macey"


def test_sample_repeat_is_dropped_with_one_warning() -> None:
    t = read_transcript(SAMPLE)
    assert len(t.warnings) == 1
    assert "line 158" in t.warnings[0] and "repeats" in t.warnings[0]
    last = t.turns[-1].text
    assert last.startswith("Thank you for listening.")
    assert last.endswith("tell your friends and coworkers.")
    assert "Hello, and welcome" not in last
    assert not any("Introduction to AI Engineering Podcast" in turn.text for turn in t.turns)


def test_sample_multi_paragraph_turns_are_joined() -> None:
    t = read_transcript(SAMPLE)
    fourth = t.turns[3].text
    assert fourth.startswith("Yeah. It's about, ten years ago.")
    assert fourth.endswith("And we became a core part of the, AMD software strategy.")


def test_sample_chapters_and_questions() -> None:
    t = read_transcript(SAMPLE)
    assert [c.title for c in t.chapters] == SAMPLE_CHAPTERS
    assert all(c.start is None for c in t.chapters)
    assert t.questions[0] == "How did you get involved in machine learning?"
    assert t.questions[-1].startswith("From your perspective, what are the biggest gaps")
    assert len(t.questions) == 13


def test_summary_and_links_are_not_turns() -> None:
    t = read_transcript(SAMPLE)
    assert not any("ImageNet\n" in turn.text or turn.text.startswith("- ") for turn in t.turns)
    assert t.turns[0].text.startswith("Hello, and welcome to the AI Engineering podcast")


def test_speaker_label_wins_over_spelling_in_speech() -> None:
    t = read_transcript(SAMPLE)
    assert "Ilangavan" in t.turns[0].text
    assert "Anush Ilangavan" not in t.speakers


def test_inline_timestamps_are_anchors(write_text: Callable[..., Path]) -> None:
    path = write_text("[00:00:30] Host:\nthat's what we're going to explore [00:01:00] today."
                      "\n[00:02:00] Guest: Thanks.\n")
    t = read_transcript(path)
    assert t.turns[0].text == "that's what we're going to explore today."
    assert [(a.word_index, a.time) for a in t.turns[0].anchors] == [(6, 60.0)]


def test_inline_timestamp_before_turn_start_is_an_error(write_text: Callable[..., Path]
                                                        ) -> None:
    path = write_text("[00:00:30] Host:\nhello [00:00:10] there\n")
    with pytest.raises(InputError, match=r"line 2: timestamp 00:00:10.000 inside the turn"):
        read_transcript(path)


def test_one_line_bracketed_export(write_text: Callable[..., Path]) -> None:
    path = write_text("[00:00:01.250] Ann Lee: Hi there.\n[00:00:04.000] Bob: Hello.\n")
    t = read_transcript(path)
    assert [(x.start, x.speaker, x.text) for x in t.turns] == [
        (1.25, "Ann Lee", "Hi there."), (4.0, "Bob", "Hello.")]
    assert t.chapters == ()


def test_a_turn_without_words_is_skipped_with_a_warning(write_text: Callable[..., Path]
                                                        ) -> None:
    path = write_text("[00:00:01] Ann:\n[00:00:04] Bob: Hello.\n")
    t = read_transcript(path)
    assert [x.speaker for x in t.turns] == ["Bob"]
    assert t.warnings == (f"{path}, line 1: a turn with no words was skipped",)


def test_backwards_time_that_repeats_nothing_is_an_error(write_text: Callable[..., Path]
                                                         ) -> None:
    path = write_text("[00:01:00] Ann: One.\n[00:02:00] Bob: Two.\n[00:01:30] Ann: Three.\n")
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert str(info.value) == (f"{path}, line 3: timestamp 00:01:30 goes backwards "
                               "(the turn before, at line 2, starts at 00:02:00)")
