"""Transcripts as real services and show-notes pages write them (each fixture is a
few lines in the shape of a file of ../shared/corpus/transcripts): every timestamp
is a time, never a word; markup and footers are not speech; a turn without a time
is refused, not given to the previous speaker."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import timecode
from exporter.errors import InputError
from exporter.readers import parse_transcript

_STAMPISH = re.compile(rf"{timecode.TIMESTAMP}|<[^>]*>|\*\*|-->|&#?\w+;|\(\)|:$")


def turns(text: str) -> list[tuple[float, str, str]]:
    return [(t.start, t.speaker, t.text) for t in parse_transcript(text).turns]


def test_rev_continuation_stamps_are_anchors_not_words() -> None:
    data = parse_transcript(
        "Ada (00:00:00):\nIt's a trap.\n\nLenny (00:00:36):\nWelcome to the show, hard "
        "[inaudible 00:00:42] experiences.\n\n(00:01:21):\nWe do a live exercise.\n")
    assert data.format == "rev"
    lenny = data.turns[1]
    assert lenny.text == ("Welcome to the show, hard [inaudible] experiences. "
                          "We do a live exercise.")
    assert [(a.word_index, a.time) for a in lenny.anchors] == [(5, 42.0), (7, 81.0)]


def test_otter_footer_is_left_out_with_a_warning() -> None:
    data = parse_transcript("Emma  0:00\nHello there.\n\nKelly  0:05\nHi.\n\n"
                            "Transcribed by https://otter.ai\n", "ep.txt")
    assert [t.text for t in data.turns] == ["Hello there.", "Hi."]
    assert data.warnings == ("ep.txt, line 7: 'Transcribed by https://otter.ai' is the "
                             "service's footer, not speech; left out",)
    assert data.unread == (7,)


@pytest.mark.parametrize("text", [
    "**Emma**    0:00  \nFor the month of May.\n\n**Kelly**    0:18  \nWelcome &amp; hi.\n",
    "**Emma** [0:00] For the month of May.\n\n**Kelly** [0:18] Welcome &amp; hi.\n",
    "Emma 0:00  \nFor the month of May.\n\nKelly 0:18\nWelcome &amp; hi.\n\n"
    "Emma 0:30\nYes.\n\nKelly 0:40\nNo.\n",
    "[Emma] 0:00\nFor the month of May.\n\n[Kelly] 0:18\nWelcome &amp; hi.\n",
    "**Emma:** \\[0:00\\]\nFor the month of May.\n\n**Kelly:** \\[0:18\\]\nWelcome &amp; hi.\n",
])
def test_otter_as_pasted_into_markdown_zoom_or_with_one_space(text: str) -> None:
    assert turns(text)[:2] == [(0.0, "Emma", "For the month of May."),
                               (18.0, "Kelly", "Welcome & hi.")]


def test_a_sentence_ending_in_a_clock_time_is_not_a_speaker() -> None:
    text = ("Emma  0:00\nWe met at the office.\nSo we met at 10:30\nand talked.\n\n"
            "Kelly  0:18\nRight.\n")
    assert turns(text) == [(0.0, "Emma", "We met at the office. So we met at 10:30 and "
                                         "talked."),
                           (18.0, "Kelly", "Right.")]


def test_unlabelled_timed_lines_are_turns_of_no_one_named() -> None:
    text = ("00:00:00 Quick, name three engineering organizations.\n\n"
            "00:00:04 Maybe an aerospace company came to mind.\n\n"
            "00:03:02 Joe Pyshko: Thank you.\n\n00:03:03 Nice to be here.\n\n"
            "00:03:05 Here's the thing about F1 teams: they build.\n")
    assert turns(text) == [
        (0.0, "", "Quick, name three engineering organizations. Maybe an aerospace "
                  "company came to mind."),
        (182.0, "Joe Pyshko", "Thank you."),
        (183.0, "", "Nice to be here. Here's the thing about F1 teams: they build.")]


def test_a_transcript_with_no_labels_at_all() -> None:
    text = "".join(f"00:00:{s:02d} This is sentence number {s}.\n" for s in range(0, 30, 5))
    data = parse_transcript(text)
    assert data.format == "stamped" and len(data.turns) == 1
    assert [a.time for a in data.turns[0].anchors] == [5.0, 10.0, 15.0, 20.0, 25.0]


def test_a_turn_without_a_time_is_refused_not_given_to_the_last_speaker() -> None:
    text = ("**Rob:** \\[04:22\\]\n45 minutes.\n\n**Robert:** \\[04:30\\]\nOkay.\n\n"
            "**Rob:** And then we argued.\n")
    with pytest.raises(InputError, match=r"line 7: 'Rob' speaks here without a time"):
        parse_transcript(text, "notes.md")


speech = st.lists(st.sampled_from(["we", "built", "it", "in", "Go", "today", "and", "so"]),
                  min_size=1, max_size=8).map(" ".join)
#: Marks inside a turn, as Rev, Otter and show-notes pages write them; {} is a time.
noise = st.sampled_from(["[{}]", "\n({}):\n", "[inaudible {}]", "&#39;", "<b>", "**"])
#: How each text format opens a turn at time {t} for speaker {s}, and its footer.
HEADERS = {
    "rev": "{s} ({t}):\n",
    "otter": "{s}  {t}\n",
    "stamped": "{t} {s}: ",
    "shownotes": "[{t}] {s}: ",
}


@pytest.mark.parametrize("fmt", sorted(HEADERS))
@settings(max_examples=40, deadline=None)
@given(spoken=st.lists(st.tuples(st.sampled_from(["Ann", "Bob"]), speech,
                                 st.lists(st.tuples(noise, speech), max_size=3)),
                       min_size=1, max_size=6),
       footer=st.booleans())
def test_no_timestamp_or_markup_reaches_the_words(
        fmt: str, spoken: list[tuple[str, str, list[tuple[str, str]]]], footer: bool) -> None:
    lines, words = [], 0
    for index, (speaker, first, extra) in enumerate(spoken):
        body = [first]
        words += len(first.split())
        for number, (mark, more) in enumerate(extra, 1):
            if fmt == "stamped" and mark.startswith("\n"):
                mark = "[{}]"  # a line opening with a time is a turn of its own there
            body += [mark.format(timecode.format_time(index * 60 + number * 10)), more]
            words += len(more.split()) + ("inaudible" in mark) + (mark == "&#39;")
        text = " ".join(body) + (" </b>" if "<b>" in body else "")
        lines += [HEADERS[fmt].format(s=speaker, t=timecode.format_time(index * 60)) + text, ""]
    if footer:
        lines.append("Transcribed by https://otter.ai")
    data = parse_transcript("\n".join(lines), "t.txt", fmt)
    said = " ".join(t.text for t in data.turns)
    assert not _STAMPISH.search(said), said
    assert len(said.split()) == words


def cues(*texts: str, vtt: bool = True) -> str:
    blocks = [f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 2:02d}.000\n{t}"
              for i, t in enumerate(texts)]
    return ("WEBVTT\n\n" if vtt else "") + "\n\n".join(blocks) + "\n"


def test_a_stray_label_is_not_given_the_rest_of_the_file() -> None:
    text = cues("Hey, welcome.", "So, a course.", "BRIAN DORSEY: So yeah, like this.",
                "More talk here.", "And then some.", "Yes.", "Right.")
    assert turns(text) == [(0.0, "", "Hey, welcome. So, a course."),
                           (4.0, "BRIAN DORSEY", "So yeah, like this."),
                           (6.0, "", "More talk here. And then some. Yes. Right.")]


def test_a_word_before_a_colon_once_is_speech() -> None:
    text = cues("[Alba] En 1928,", "las mujeres.", 'Digo: "Le doy mi palabra."', "Bien.")
    assert turns(text) == [(0.0, "Alba", "En 1928,"),
                           (2.0, "", 'las mujeres. Digo: "Le doy mi palabra." Bien.')]


def test_consistent_labels_carry_forward() -> None:
    text = cues("Travis: When you first get", "started in podcasting,", "Sarah: Good audio",
                "is key.", "Travis: Now, intros.", "Sarah: Yes.", vtt=False)
    assert [(s, t) for _, s, t in turns(text)] == [
        ("Travis", "When you first get started in podcasting,"),
        ("Sarah", "Good audio is key."), ("Travis", "Now, intros."), ("Sarah", "Yes.")]


def test_caption_change_marks_are_markup_and_end_a_label() -> None:
    text = cues("- Hey, Richie, welcome.", "- Hi, Michael.", "Great to be here.",
                ">>Victor: Well, but", "that's the way.", ">> Yeah.",
                "[Alba] <i>En 1928,</i>", "Déjala.\n- Tú no te metas.")
    assert turns(text) == [
        (0.0, "", "Hey, Richie, welcome. Hi, Michael. Great to be here."),
        (6.0, "Victor", "Well, but that's the way."),
        (10.0, "", "Yeah."), (12.0, "Alba", "En 1928,"),
        (14.0, "", "Déjala. Tú no te metas.")]


def test_teams_times_with_single_digit_fields() -> None:
    text = ("WEBVTT\n\n0:0:0.0 --> 0:0:0.570\n<v Yuri Bakulin>There you go.</v>\n\n"
            "0:0:1.210 --> 0:0:2.130\n<v Adrian Petrescu>Why hello there.</v>\n")
    assert turns(text) == [(0.0, "Yuri Bakulin", "There you go."),
                           (1.21, "Adrian Petrescu", "Why hello there.")]


def test_a_timing_line_without_the_blank_line_before_it_starts_a_cue() -> None:
    text = ("WEBVTT\n\n00:04:46.000 --> 00:04:48.000\nyeah yeah what\n"
            "00:04:48.000 --> 00:04:50.000\nthis will happen\n")
    assert turns(text) == [(286.0, "", "yeah yeah what this will happen")]


def test_block_headers_with_a_colon_and_front_matter() -> None:
    text = ("---\ntitle: \"Bitcoin Core 27.0\"\nspeakers: []\n---\nSpeaker 0: 00:00:16\n\n"
            "Live from Utrecht.\nHey Sjoerd.\n\nSpeaker 1: 00:00:20\n\nHello.\n")
    assert turns(text) == [(16.0, "Speaker 0", "Live from Utrecht. Hey Sjoerd."),
                           (20.0, "Speaker 1", "Hello.")]


def test_youtube_roll_up_captions_say_each_word_once_with_its_time() -> None:
    text = ("WEBVTT\nKind: captions\nLanguage: en\n\n"
            "00:04:46.070 --> 00:04:46.470 align:start position:0%\nyeah\n\n"
            "00:04:46.470 --> 00:05:04.080 align:start position:0%\nyeah\n"
            "<c.colorCCCCCC>what</c>\n"
            "00:05:04.080 --> 00:05:05.069 align:start position:0%\n"
            "this<00:05:04.199><c> will</c><c.colorE5E5E5><00:05:04.379><c> happen</c></c>\n\n"
            "00:05:05.069 --> 00:05:05.400 align:start position:0%\n"
            "this will<c.colorE5E5E5> happen</c>\n\n"
            "00:05:05.400 --> 00:05:07.000 align:start position:0%\n"
            "this will happen\nyeah yeah<00:05:06.000><c> yeah</c>\n")
    (turn,) = parse_transcript(text).turns
    assert turn.text == "yeah what this will happen yeah yeah yeah"
    assert [(a.word_index, a.time) for a in turn.anchors] == [
        (1, 286.47), (2, 304.08), (3, 304.199), (4, 304.379), (5, 305.4), (7, 306.0)]
