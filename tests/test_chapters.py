"""Chapter placement and timing."""

from __future__ import annotations

import pytest

from exporter.chapters import (
    MAX_CHAPTERS,
    check_id3_count,
    finish,
    from_questions,
    place_titles,
    short_title,
)
from exporter.errors import InputError
from exporter.model import Chapter
from exporter.readers import read_transcript
from tests.conftest import EPISODE_TRANSCRIPT, SAMPLE

# Where a careful reader of the sample would start each of its 14 chapters, by turn
# (1-based turn numbers in brackets are what `chapters preview` prints):
HUMAN_MAPPING = [
    ("Introduction to AI Engineering Podcast", 0),    # the host's welcome, at 0:00
    ("Interview with Anush Ilangavan from AMD", 1),   # [2] 0:30 "Hey, Tobias. This is Anush"
    ("AMD's Software Strategy in AI", 4),             # [5] 1:35 host asks about the strategy
    ("Competitive Landscape: AMD vs NVIDIA", 6),      # [7] 3:32 "competitive landscape ... NVIDIA"
    # [8] 4:34: the answer that turns to past transitions (Nokia, CPUs) and adoption;
    # the next turn (7:51) is about CPU-GPU communication.
    ("Transition and Adoption in AI Hardware", 7),
    ("Quantization and Model Efficiency", 10),        # [11] 10:16 host asks about quantization
    ("Open Source and Platform Risk", 12),            # [13] 12:54 open source vs CUDA
    # [19] 18:33 the consumers of hardware at each stage of the life cycle
    ("AI Hardware Ecosystem and Consumer Interaction", 18),
    ("Local AI and Consumer Grade Applications", 22),  # [23] 24:27 local inference, consumer grade
    ("Innovative Applications of AMD Hardware", 24),  # [25] 27:32 innovative ways it is used
    ("Pooling Hardware for AI Inference", 28),        # [29] 30:52 pooling GPU instances
    ("Future Directions for AMD and RockM", 32),      # [33] 36:45 "future direction"
    ("RockM Quality and Developer Outreach", 33),     # [34] 37:06 "make Rockum quality ... high"
    ("AMD's Role in the AI Ecosystem", 34),           # [35] 37:52 "the role of AMD in this..."
]


def test_sample_titles_are_placed_where_a_careful_reader_would() -> None:
    transcript = read_transcript(SAMPLE)
    placed = place_titles(transcript, [c.title for c in transcript.chapters])
    assert [(p.chapter.title, p.turn) for p in placed] == HUMAN_MAPPING
    assert placed[0].chapter.start == 0.0
    assert [p.chapter.start for p in placed[1:]] == [
        transcript.turns[k].start for _, k in HUMAN_MAPPING[1:]]
    assert placed[2].anchor.startswith("And so in terms of your work at AMD")


def test_the_short_sample_places_its_three_titles() -> None:
    transcript = read_transcript(EPISODE_TRANSCRIPT)
    placed = place_titles(transcript, [c.title for c in transcript.chapters])
    assert [p.turn for p in placed] == [0, 1, 4]


def test_more_titles_than_turns() -> None:
    transcript = read_transcript(EPISODE_TRANSCRIPT)
    with pytest.raises(InputError, match="6 chapter titles but only 5 turns"):
        place_titles(transcript, [f"T{i}" for i in range(6)])


def test_finish_makes_chapters_contiguous() -> None:
    done = finish([Chapter("B", 10.0), Chapter("A", 0.0)], 20.0)
    assert [(c.title, c.start, c.end) for c in done] == [("A", 0.0, 10.0), ("B", 10.0, 20.0)]


@pytest.mark.parametrize(("chapters", "message"), [
    ([Chapter("A", 0.0), Chapter("B", 0.0)], "two chapters start at the same time"),
    ([Chapter("A", 0.0), Chapter(" ", 5.0)], "a chapter has an empty title"),
    ([Chapter("A", 0.0), Chapter("B", 25.0)], "after the audio ends"),
    ([Chapter("A", 0.0), Chapter("B")], "has no start time"),
])
def test_finish_refuses(chapters: list[Chapter], message: str) -> None:
    with pytest.raises(InputError, match=message):
        finish(chapters, 20.0, "list.txt")


def test_the_id3_limit_is_the_writers_not_every_formats() -> None:
    many = [Chapter(f"C{i}", float(i)) for i in range(MAX_CHAPTERS + 1)]
    assert len(finish(many, None, "list.txt")) == MAX_CHAPTERS + 1  # JSON, Podlove: fine
    check_id3_count(many[:-1], "list.txt")
    with pytest.raises(InputError, match=r"list\.txt: 256 chapters; an ID3 table of "
                                         r"contents holds at most 255"):
        check_id3_count(many, "list.txt")


def test_chapters_from_questions() -> None:
    placed = from_questions(read_transcript(SAMPLE))
    assert placed[0].chapter == Chapter("Introduction", 0.0)
    titles = [p.chapter.title for p in placed]
    # Asked questions that the show notes list take the listed wording.
    assert "When is AMD/ROCm the wrong choice?" in titles
    assert "What do you have planned for the future of ROCm?" in titles
    starts = [p.chapter.start for p in placed]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(len(t) <= 61 for t in titles)


def test_short_title() -> None:
    assert short_title("And I'm curious, what are the incentives?") == (
        "What are the incentives?")
