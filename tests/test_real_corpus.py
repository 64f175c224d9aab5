"""Real chapter lists and transcripts from public repositories (``../shared/corpus``,
never committed: see its SOURCES.md). Each is read right, with what was not
understood reported by line, or refused with a message naming the file.

A fresh clone has no ``../shared``; these tests then skip, and the fixtures made
for each case in tests/chapterfiles and tests/readers still run.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from exporter import timecode
from exporter.audio import audio_duration
from exporter.chapterfiles import list_warnings, read_chapter_file
from exporter.chapterplan import plan_chapters
from exporter.errors import InputError
from exporter.readers import read_transcript
from exporter.sniff import is_chapter_list
from tests.conftest import ROOT, ffmpeg_exe

CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason=f"the real-world corpus is not here ({CORPUS})")
_STAMP = re.compile(timecode.TIMESTAMP)

#: How many chapters each list holds, counted by reading the file.
CHAPTER_COUNTS = {
    "autosplit-dsa-course.youtube.txt": 30,
    "gradient-ep18-chapters.vtt": 26,
    "m4btool-complex.ffmetadata": 5,
    "m4btool-librivox-glories-of-ireland.ffmetadata": 3,
    "m4btool-mp4chaps-total-duration.chapters.txt": 3,
    "mediachapterer.ffmetadata.txt": 4,
    "multitag-mp4chaps.chapters.txt": 4,
    "p20-namespace-example.json": 9,
    "p20-namespace-exampleComplex.json": 10,
    "pensieri-PIC138.audacity.txt": 4,
    "pensieri-PIC138.json": 4,
    "pensieri-PIC142.audacity.txt": 7,
    "pensieri-PIC150.json": 18,
    "plexaudiobook-republic-of-thieves.audnex.json": 33,
    "plexaudiobook-republic-of-thieves.chapters-new.txt": 33,
    "plexaudiobook-republic-of-thieves.chapters-orig.txt": 472,
    "realtimetotimecode-d4fes.youtube.txt": 59,
    "rssblue-description-chapters.txt": 7,
    "syntax-066-react.md": 9,
    "syntax-265-domains.md": 9,
    "syntax-879-fullstack-cloudflare.md": 32,
    "ytchaptergen-superintelligence.youtube.txt": 10,
}


@needs_corpus
def test_every_real_chapter_list_is_counted_here() -> None:
    assert sorted(p.name for p in (CORPUS / "chapters").iterdir()) == sorted(CHAPTER_COUNTS)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CHAPTER_COUNTS))
def test_real_chapter_lists_are_read_without_audio(name: str) -> None:
    path = CORPUS / "chapters" / name
    found = read_chapter_file(path)
    assert len(found.chapters) == CHAPTER_COUNTS[name]
    for chapter in found.chapters:
        # Never a timing line, a comment, a header or markup as a title.
        assert not _STAMP.fullmatch(chapter.title.split(" ")[0]), chapter
        assert "-->" not in chapter.title and not chapter.title.startswith(("#", ";", "//"))
        assert "**" not in chapter.title and "](" not in chapter.title
    plan = plan_chapters(chapters_file=path)
    assert len(plan.chapters) == CHAPTER_COUNTS[name]
    # What was passed over is named by line, in the warnings the commands print.
    assert [w for w in plan.warnings if "skipped" in w or "not understood" in w] == (
        list_warnings(found, str(path)))


@needs_corpus
def test_the_files_own_end_closes_the_last_chapter() -> None:
    ends = {name: plan_chapters(chapters_file=CORPUS / "chapters" / name).chapters[-1].end
            for name in ("m4btool-mp4chaps-total-duration.chapters.txt",
                         "plexaudiobook-republic-of-thieves.audnex.json",
                         "gradient-ep18-chapters.vtt", "multitag-mp4chaps.chapters.txt")}
    assert ends == {"m4btool-mp4chaps-total-duration.chapters.txt": 1.5,
                    "plexaudiobook-republic-of-thieves.audnex.json": 85412.048,
                    "gradient-ep18-chapters.vtt": 5725.0,
                    "multitag-mp4chaps.chapters.txt": None}


TRANSCRIPTS = sorted(p.name for p in (CORPUS / "transcripts").glob("*")) if CORPUS.is_dir() \
    else []
#: A time, a tag, Markdown bold, a cue arrow or an HTML entity: never a spoken word.
_NOT_SPEECH = re.compile(rf"{timecode.TIMESTAMP}|</?\w[^>]*>|\*\*|-->|&#?\w+;")


@needs_corpus
@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_real_transcripts_are_read_clean_or_refused_by_name(name: str) -> None:
    path = CORPUS / "transcripts" / name
    try:
        data = read_transcript(path)
    except InputError as exc:
        assert exc.path == str(path) and exc.message
        return
    for turn in data.turns:
        # "10:30" may be said; a time in brackets, a tag or markup may not.
        found = [m for m in _NOT_SPEECH.findall(turn.text) if not re.fullmatch(
            r"\d{1,2}:\d\d", m) or f"[{m}" in turn.text or f"({m}" in turn.text]
        assert not found, (turn.line, found[:3])


@needs_corpus
def test_chapter_lists_and_transcripts_are_told_apart() -> None:
    # What `chapters preview FILE` and `chapters export FILE` decide first.
    assert [n for n in CHAPTER_COUNTS if not is_chapter_list(CORPUS / "chapters" / n)] == []
    assert [n for n in TRANSCRIPTS if is_chapter_list(CORPUS / "transcripts" / n)] == []


MP3S = sorted((CORPUS / "mp3").rglob("*.mp3")) if CORPUS.is_dir() else []
#: Random bytes in which sync patterns happen to chain: no count is right there.
NOT_AUDIO = {"garbage.mp3"}


@needs_corpus
def test_the_frame_count_is_the_decoded_length_of_real_mp3s() -> None:
    from exporter.audio import mp3_length

    compared, wrong = 0, []
    for path in MP3S:
        probe = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1",
                                "-ar", "8000", "-f", "s16le", "-"], capture_output=True)
        counted = mp3_length(path)
        if not probe.stdout or counted is None or path.name in NOT_AUDIO:
            continue
        compared += 1
        decoded = len(probe.stdout) / 2 / 8000
        if abs(counted - decoded) > 0.1:
            wrong.append((path.name, round(counted, 3), round(decoded, 3)))
    assert compared > 100 and wrong == []


@needs_corpus
def test_real_masters_keep_every_other_frame(tmp_path: Path) -> None:
    """Masters from peers' test suites (eyeD3, mutagen, taglib, music-metadata, iTunes
    files): after writing chapters, every other frame of a v2.3/v2.4 tag is there
    byte for byte, and every frame of a v2.2 tag means what it meant (as mutagen
    reads it), but for the unknown ones the report names as dropped."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3

    from exporter.errors import ExporterError
    from exporter.model import Chapter
    from exporter.writers.id3 import _raw_frames, write_chapters

    written = 0
    for source in MP3S:
        master = tmp_path / f"{written}.mp3"
        master.write_bytes(source.read_bytes())
        try:
            length = audio_duration(master)
            before = ID3(master)
        except (ExporterError, MutagenError):
            continue  # untagged, or no audio: not a master with frames to keep
        if length < 2:
            continue
        tag = master.read_bytes()[:before.size]
        raw = _raw_frames(tag)
        try:
            report = write_chapters(master, [Chapter("A", 0.0, length / 2),
                                             Chapter("B", length / 2, length)], replace=True)
        except ExporterError:
            continue  # refused with a reason (truncated, not an MP3): not changed
        written += 1
        after = ID3(master)
        if raw is not None:
            kept = _raw_frames(master.read_bytes()[:after.size])
            assert kept is not None
            assert [f for i, f in kept if i not in ("CHAP", "CTOC")] == [
                f for i, f in raw if i not in ("CHAP", "CTOC")], source.name
        elif before.version < (2, 3, 0):
            meaning = {k: str(v) for k, v in before.items() if not k.startswith("CHAP")}
            assert {k: str(v) for k, v in after.items() if k in meaning} == meaning, source.name
            assert all("v2.2" in n for n in report.notes), report.notes
    assert written >= 25  # (27 of the corpus's files are tagged masters it takes)
