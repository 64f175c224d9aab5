"""The segmenter: the whole sample meets the style guide, read back by real readers."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.errors import UsageError
from exporter.model import Word
from exporter.pipeline import make_subtitles
from exporter.readers import read_transcript
from exporter.segment import segment
from exporter.style import CAPTIONS, TRANSCRIPT, Style
from tests.conftest import SAMPLE
from tests.fuzzing import examples
from tests.style_checker import check, read_srt, read_vtt


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Word]]:
    out = tmp_path_factory.mktemp("subs")
    result = make_subtitles(SAMPLE, [out / "x.vtt", out / "x.srt"])
    return out / "x.vtt", out / "x.srt", result.words


def assert_meets_style(found: dict[str, list[str]], cue_count: int) -> None:
    fast = found.pop("fast", [])
    assert found == {}
    # Speech faster than 20 cps cannot be subtitled verbatim under the limit; it
    # must stay rare on a real interview.
    assert len(fast) <= 0.02 * cue_count, fast


def test_sample_vtt_meets_the_style_guide(sample_files: tuple[Path, Path, list[Word]]) -> None:
    vtt, _, words = sample_files
    cues = read_vtt(vtt)
    assert len(cues) > 500
    assert_meets_style(check(cues, words, CAPTIONS), len(cues))


def test_sample_srt_meets_the_style_guide(sample_files: tuple[Path, Path, list[Word]]) -> None:
    _, path, words = sample_files
    cues = read_srt(path, ["Tobias Macey", "Anush Elangovan"])
    assert_meets_style(check(cues, words, CAPTIONS), len(cues))
    # A label on the first cue of every turn, and only there.
    turns_started = [c.label for c in cues if c.label]
    assert len(turns_started) == 41


def test_subtitle_words_are_the_transcript_words(sample_files: tuple[Path, Path, list[Word]]
                                                 ) -> None:
    vtt, _, _ = sample_files
    transcript_words = [w for t in read_transcript(SAMPLE).turns for w in t.words]
    subtitle_words = [w for c in read_vtt(vtt) for line in c.lines for w in line.split()]
    assert subtitle_words == transcript_words


def test_transcript_preset(tmp_path: Path) -> None:
    result = make_subtitles(SAMPLE, [tmp_path / "t.vtt"], TRANSCRIPT)
    cues = read_vtt(tmp_path / "t.vtt")
    found = check(cues, result.words, TRANSCRIPT)
    assert_meets_style(found, len(cues))
    captions = make_subtitles(SAMPLE, [tmp_path / "c.vtt"])
    assert len(cues) < 0.8 * len(captions.cues)


def words_of(text: str, speaker: str = "A", turn: int = 0, step: float = 0.3,
             start: float = 0.0) -> list[Word]:
    return [Word(t, start + k * step, start + k * step + step * 0.8, speaker, turn)
            for k, t in enumerate(text.split())]


def test_a_long_turn_without_punctuation_is_cut_legally() -> None:
    text = " ".join(["the quick brown fox jumps over a lazy dog and then runs away"] * 25)
    words = words_of(text)
    cues = segment(words)
    assert [w for c in cues for w in c.text.split()] == text.split()
    for cue in cues:
        assert len(cue.lines) <= 2
        assert all(len(line) <= 42 for line in cue.lines)
        assert cue.end - cue.start <= 7.0 + 1e-9
        assert cue.text.split()[-1] not in {"the", "a"}


def test_a_word_longer_than_a_line_stands_alone_on_its_line() -> None:
    url = "https://example.com/a/very/long/path/that/never/ends/at/all"
    cues = segment(words_of(f"Visit {url} for more."))
    lines = [line for c in cues for line in c.lines]
    assert url in lines


def test_a_speaker_change_starts_a_new_cue() -> None:
    words = words_of("Hi.", "A", 0) + words_of("Yo.", "B", 1, start=0.5)
    cues = segment(words)
    assert [(c.speaker, c.text, c.label) for c in cues] == [("A", "Hi.", True),
                                                             ("B", "Yo.", True)]
    assert cues[0].end <= cues[1].start - 0.083 + 1e-9


def test_label_modes() -> None:
    words = words_of("One two three four five six seven eight nine ten " * 4 + "end.")
    assert not any(c.label for c in segment(words))  # one speaker: no label
    always = segment(words, Style(speaker_labels="always"))
    assert all(c.label for c in always)


@pytest.mark.parametrize(("options", "message"), [
    ({"max_line_chars": 5}, "--max-line-chars must be between 20 and 200, not 5"),
    ({"min_duration": 8.0}, "--min-duration (8) is above --max-duration (7)"),
    ({"max_cps": 0.0}, "--max-cps must be between 5 and 60, not 0"),
])
def test_limits_out_of_range(options: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError) as info:
        CAPTIONS.with_options(**options)
    assert str(info.value) == message


timed_words = st.lists(
    st.tuples(st.text(alphabet="abcdefghij.,?ABC", min_size=1, max_size=14),
              st.floats(0.0, 3.0), st.floats(0.01, 1.5), st.integers(0, 1)),
    min_size=1, max_size=120)


@settings(max_examples=examples(150), deadline=None)
@given(timed_words)
def test_cue_invariants_over_random_word_timings(
        items: list[tuple[str, float, float, int]]) -> None:
    words, t, turn = [], 0.0, 0
    for text, gap, length, change in items:
        turn += change
        t += gap
        words.append(Word(text, round(t, 3), round(t + length, 3), f"S{turn % 2}", turn))
        t += length
    cues = segment(words)
    assert [w for c in cues for w in c.text.split()] == [w.text for w in words]
    for cue, nxt in pairwise(cues):
        assert cue.start < cue.end <= nxt.start
        assert cue.start <= nxt.start
    for cue in cues:
        assert len(cue.lines) <= 2
        assert all(len(line) <= 42 or " " not in line for line in cue.lines)
        assert cue.end - cue.start <= 7.0 + 1e-6
