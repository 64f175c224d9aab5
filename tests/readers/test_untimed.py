"""Transcripts with no times: read as untimed turns, refused where no audio places them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.pipeline import make_subtitles
from exporter.readers import detect, parse_transcript, read_transcript
from exporter.speech import speaking_time
from tests.conftest import invoke

LABELLED = """\
Episode 12 transcript

Jane Doe: Welcome back to the show, today we are talking about bread and ovens.
John: Thanks for having me, it is a real pleasure to be here with you today.
Jane Doe: So tell me how you got started with baking at home during the winter.
"""

LABEL_ABOVE = """\
Jane:
Welcome back to the show, today we are talking about bread and ovens.
It is a long story.

John:
Thanks for having me, it is a real pleasure to be here with you today.
"""

PARAGRAPHS = """\
The first paragraph is read by one voice, and it goes on for a while like this.
It has a second line in the same paragraph.

The second paragraph starts after a blank line, and it is another turn of its own.
"""


def test_speaker_turns_without_times_are_read_as_untimed() -> None:
    data = parse_transcript(LABELLED, "ep.txt")
    assert data.format == "untimed" and data.untimed
    assert [t.speaker for t in data.turns] == ["Jane Doe", "John", "Jane Doe"]
    assert data.turns[0].text.startswith("Welcome back")
    # The heading before the first turn is reported as not read, not spoken.
    assert data.unread == (1,)
    # Starts are estimates: the words before each, spoken from zero.
    assert data.turns[0].start == 0.0
    assert data.turns[1].start == pytest.approx(speaking_time(data.turns[0].text), abs=0.001)
    assert any("no times in the transcript: read as 3 untimed turns" in w
               for w in data.warnings)


def test_a_label_on_its_own_line_and_plain_paragraphs() -> None:
    above = parse_transcript(LABEL_ABOVE, "ep.txt")
    assert [(t.speaker, len(t.words)) for t in above.turns] == [("Jane", 18), ("John", 15)]
    paragraphs = parse_transcript(PARAGRAPHS, "ep.txt")
    assert [t.speaker for t in paragraphs.turns] == ["", ""]
    assert paragraphs.turns[0].text.endswith("same paragraph.")
    assert paragraphs.turns[1].text.startswith("The second paragraph")


def test_chapter_titles_after_the_speech_are_chapters() -> None:
    data = parse_transcript(LABELLED + "\nIntroduction\nHow it started\n", "ep.txt")
    assert [c.title for c in data.chapters] == ["Introduction", "How it started"]
    assert all(c.start is None for c in data.chapters)


def test_untimed_is_a_fallback_never_a_rival() -> None:
    """Timed text is never read as untimed, and too little text is not a transcript."""
    timed = "[00:00:01] Jane: Welcome back to the show, today we talk about bread.\n" * 3
    assert detect(timed, "ep.txt").name == "shownotes"
    with pytest.raises(InputError, match="no timestamped transcript found"):
        detect("Just some notes.\nNo times at all.\n", "ep.txt")
    # A time anywhere at a line's start means a timed format was meant: not a guess.
    with pytest.raises(InputError, match="no timestamped transcript found"):
        detect(LABELLED + "00:12 and then something else that is not a format\n", "ep.txt")
    for text in ("{\"a\": 1}" + " word" * 30, "<html>" + " word" * 30):
        with pytest.raises(InputError):
            detect(text, "ep.txt")


def test_without_audio_an_untimed_transcript_is_refused(
        write_text: Callable[..., Path], tmp_path: Path) -> None:
    path = write_text(LABELLED)
    with pytest.raises(InputError, match="has no times; give the episode's audio"):
        make_subtitles(path, [tmp_path / "out.vtt"])
    assert not (tmp_path / "out.vtt").exists()
    result = invoke("subtitles", path, "-o", tmp_path / "o.vtt")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: the transcript has no times; give the episode's audio (--audio) "
        "so that its words are placed from it")
    chapters = invoke("chapters", "preview", path)
    assert chapters.exit_code == 1 and "has no times" in chapters.stderr


def test_inspect_shows_no_times(write_text: Callable[..., Path]) -> None:
    path = write_text(LABELLED)
    shown = invoke("inspect", path)
    assert shown.exit_code == 0
    assert "   1  --------  Jane Doe" in shown.output
    assert "talk time estimated from the words" in shown.output
    as_json = invoke("inspect", path, "--json")
    assert '"untimed": true' in as_json.output and '"start": null' in as_json.output
    assert read_transcript(path).untimed


def test_a_chapter_list_is_never_an_untimed_transcript() -> None:
    """ffmetadata and Audacity labels have no hh:mm:ss times and plenty of words; a
    chapter format claims them, so they stay refused as transcripts."""
    ffmetadata = (";FFMETADATA1\ntitle=A long book title with many words in it for sure\n"
                  "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=60000\n"
                  "title=The first chapter of the book, read by a volunteer today\n")
    audacity = "".join(f"{k * 97.5:.6f}\t{k * 97.5:.6f}\tPart {k} of the talk about many "
                       "things we care about\n" for k in range(4))
    for text in (ffmetadata, audacity):
        with pytest.raises(InputError, match="no timestamped transcript found"):
            detect(text, "ep.txt")
