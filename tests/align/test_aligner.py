"""Alignment to real audio: the bundled sample episode, spoken by espeak-ng."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from exporter.align.aligner import align
from exporter.align.audio import decode
from exporter.align.measure import sentence_starts, summary
from exporter.align.sphinx import WindowAligner
from exporter.align.text import tokens_for
from exporter.errors import AudioError
from exporter.model import Alignment, AlignOptions, Word
from exporter.pipeline import make_subtitles
from exporter.readers import read_transcript
from tests.conftest import BUNDLED, EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe, invoke
from tests.style_checker import read_vtt

TRUTH = json.loads((BUNDLED / "sample-episode.truth.json").read_text())["sentences"]
SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")


def errors_against_truth(starts: list[float]) -> list[float]:
    assert len(starts) == len(TRUTH)
    return sorted(abs(s - t["start"]) for s, t in zip(starts, TRUTH, strict=True))


def assert_targets(errors: list[float]) -> None:
    figures = summary(errors)
    assert figures["median"] <= 0.050
    assert figures["within_150ms"] >= 0.90
    assert figures["within_500ms"] >= 0.98
    assert figures["worst"] <= 2.0


@pytest.fixture(scope="module")
def alignment() -> Alignment:
    return align(read_transcript(EPISODE_TRANSCRIPT), EPISODE, jobs=2)


@pytest.fixture(scope="module")
def aligned(alignment: Alignment) -> list[Word]:
    return alignment.words


def test_every_word_is_aligned_in_order(aligned: list[Word]) -> None:
    transcript = read_transcript(EPISODE_TRANSCRIPT)
    assert [w.text for w in aligned] == [w for t in transcript.turns for w in t.words]
    assert all(w.method == "aligned" for w in aligned)
    starts = [w.start for w in aligned]
    assert starts == sorted(starts)
    # A window's first word is not started inside the word before it (where the
    # window opened): the sample had two such words, 50 ms early.
    overlaps = [(a.text, a.end, b.text, b.start) for a, b in pairwise(aligned)
                if b.start < a.end]
    assert overlaps == []


def test_sentence_starts_meet_the_accuracy_targets(aligned: list[Word]) -> None:
    assert_targets(errors_against_truth(sentence_starts(aligned)))


def test_the_result_does_not_depend_on_the_number_of_workers(alignment: Alignment) -> None:
    # The turns too: their confidence and doubtful words (an untimed part walked in
    # the pool had lost its doubts at every stop while its words stayed the same).
    alone = align(read_transcript(EPISODE_TRANSCRIPT), EPISODE, jobs=1)
    assert (alone.words, alone.turns) == (alignment.words, alignment.turns)


def test_a_quieter_master_is_aligned_as_the_mastered_one(aligned: list[Word],
                                                         tmp_path: Path) -> None:
    """The same episode 18 dB quieter, losslessly (a recording not yet mastered, as a
    producer may align it): every threshold on the sound is relative to the
    episode's own level, so the words land where they did. (A lossy encoder at that
    level drops sound below its threshold of hearing: bench/conditions.py.)"""
    quiet = tmp_path / "quiet.flac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), "-af", "volume=-18dB",
                    "-sample_fmt", "s16", str(quiet)], check=True)
    result = align(read_transcript(EPISODE_TRANSCRIPT), quiet, jobs=2)
    moved = [abs(a.start - b.start) for a, b in zip(aligned, result.words, strict=True)]
    # Not all to the sample: 16-bit samples 18 dB down keep less of the sound.
    assert sum(m <= 0.02 for m in moved) / len(moved) >= 0.99
    assert max(moved) <= 0.1
    assert [t.confidence for t in result.turns] == [1.0] * len(result.turns)


def test_subtitle_cues_that_start_a_sentence_start_when_it_is_spoken(tmp_path: Path) -> None:
    out = tmp_path / "x.vtt"
    make_subtitles(EPISODE_TRANSCRIPT, [out], audio=EPISODE, options=AlignOptions(jobs=2))
    cues = read_vtt(out)
    # Cues that begin a sentence: the first of a turn, or after a sentence end.
    starts, previous_ended = [], True
    truth_texts = [t["text"] for t in TRUTH]
    for cue in cues:
        text = " ".join(cue.lines)
        if previous_ended or any(t.startswith(text.split()[0]) for t in truth_texts[:0]):
            starts.append(cue.start)
        previous_ended = bool(SENTENCE_END.search(text))
    matched = []
    for truth in TRUTH:
        # The cue that starts at this sentence's first word, if one does.
        near = min(starts, key=lambda s: abs(s - truth["start"]))
        matched.append(abs(near - truth["start"]))
    starting = [e for e in matched if e <= 2.0]
    assert len(starting) >= len(TRUTH) // 2
    assert statistics.median(starting) <= 0.050


def test_align_command_writes_the_word_document(tmp_path: Path) -> None:
    out = tmp_path / "words.json"
    result = invoke("-q", "align", EPISODE_TRANSCRIPT, EPISODE, "-o", out, "--jobs", "2")
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert set(data) == {"review", "offset", "insertions", "words", "turns"}
    assert data["insertions"] == [] and data["review"] == []
    assert set(data["words"][0]) == {"word", "start", "end", "speaker", "turn", "method"}
    assert len(data["turns"]) == 5
    # "retried": a window fitted at its second try (how often depends on where the
    # windows are cut), not a doubt; every turn must be sure.
    assert all(t["method"] in ("aligned", "retried") and t["confidence"] == 1.0
               for t in data["turns"])


@pytest.mark.parametrize("content", [b"not audio at all\n" * 100, b""])
def test_audio_that_is_not_audio(tmp_path: Path, content: bytes) -> None:
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(content)
    with pytest.raises(AudioError, match="not audio that ffmpeg can decode"):
        align(read_transcript(EPISODE_TRANSCRIPT), fake)
    result = invoke("align", EPISODE_TRANSCRIPT, fake)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {fake}: not audio that ffmpeg can decode")


def test_an_intro_added_before_the_episode_is_found(tmp_path: Path) -> None:
    """20 s of tones and noise put before the sample: the offset is found from the
    audio, and the words land where they are spoken."""
    shifted = tmp_path / "shifted.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:duration=20:sample_rate=22050", "-i", str(EPISODE),
                    "-filter_complex", "[0:a]volume=0.2[a];[a][1:a]concat=n=2:v=0:a=1",
                    "-ac", "1", "-b:a", "48k", str(shifted)], check=True)
    result = align(read_transcript(EPISODE_TRANSCRIPT), shifted, jobs=2)
    assert result.offset == 20.0  # the times are whole seconds: so is the offset
    errors = errors_against_truth([s - 20.0 for s in sentence_starts(result.words)])
    assert statistics.median(errors) <= 0.050
    trusted = align(read_transcript(EPISODE_TRANSCRIPT), shifted, jobs=2, repair=False)
    assert trusted.offset == 0.0


def splice(tmp_path: Path, at: float, seconds: float) -> Path:
    """The sample with ``seconds`` of tone inserted at ``at`` (an ad break)."""
    out = tmp_path / "break.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}:sample_rate=22050",
                    "-filter_complex",
                    f"[0:a]atrim=0:{at},asetpts=PTS-STARTPTS[a];"
                    f"[0:a]atrim={at},asetpts=PTS-STARTPTS[c];[1:a]volume=0.2[b];"
                    "[a][b][c]concat=n=3:v=0:a=1", "-ac", "1", "-b:a", "48k", str(out)],
                   check=True)
    return out


def test_an_inserted_break_is_found_and_the_turns_after_it_move(tmp_path: Path) -> None:
    """30 s of tone between turns 3 and 4: the insertion is reported before turn 4,
    within 0.5 s, and the sentences after it are found where they are spoken."""
    audio = splice(tmp_path, 41.7, 30.0)
    result = align(read_transcript(EPISODE_TRANSCRIPT), audio, jobs=2)
    assert result.offset == 0.0
    assert [turn for turn, _ in result.insertions] == [3]
    assert abs(result.insertions[0][1] - 30.0) <= 0.5
    assert result.shifts[:3] == [0.0] * 3 and result.shifts[3] == result.shifts[4]
    truth = [t["start"] + (30.0 if t["turn"] >= 3 else 0.0) for t in TRUTH]
    starts = sentence_starts(result.words)
    assert_targets(sorted(abs(s - t) for s, t in zip(starts, truth, strict=True)))
    assert [w for w in result.warnings if re.fullmatch(
        r"(29|30)\.\d s of audio that is not in the transcript comes before turn 4 .*", w)]
    # The chapters move with the speech: the third starts at turn 5, 1:35 in the
    # transcript, so 30 s later in this audio.
    run = invoke("-q", "run", EPISODE_TRANSCRIPT, audio, "-o", tmp_path / "out", "--json")
    chapters = json.loads(run.stdout)["chapters"]
    assert [c["start"] for c in chapters[:2]] == [0.0, 30.0]
    assert abs(chapters[2]["start"] - (95.0 + result.insertions[0][1])) < 0.01


def test_no_break_is_found_where_there_is_none(aligned: list[Word]) -> None:
    result = align(read_transcript(EPISODE_TRANSCRIPT), EPISODE, jobs=1)
    assert result.insertions == [] and result.shifts == [0.0] * 5


def test_silent_audio_is_low_confidence_everywhere(tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=22050:cl=mono", "-t", "120", "-b:a", "32k", str(silent)],
                   check=True)
    result = invoke("align", EPISODE_TRANSCRIPT, silent, "-o", tmp_path / "w.json")
    assert result.exit_code == 3
    assert result.stderr.endswith("Review needed: low alignment confidence in 5 of 5 turns "
                                  "(1, 2, 3, 4, 5)\n")
    assert re.search(r"^Warning: .*low alignment confidence in 5 of 5 turns: 1 \(0%\), "
                     r"2 \(0%\), 3 \(0%\), 4 \(0%\), 5 \(0%\); is this the episode",
                     result.stderr, re.M)
    words = json.loads((tmp_path / "w.json").read_text())["words"]
    assert {w["method"] for w in words} == {"interpolated"}
    assert len(words) == 278


def test_a_window_over_digital_silence_is_the_same_whatever_was_aligned_before() -> None:
    """The sample's first turn (and the next turn's first words) in 20 s of digital
    silence, as a turn's first window that failed is tried again (the path may
    jump, and end anywhere): in a fresh decoder, and in one that aligned speech
    before. Without dither on digital silence the first laid three words on the
    silence and the second none (see sphinx.dithered); the silent-audio test above
    passed or failed with the tests run before it in the same process."""
    turns = read_transcript(EPISODE_TRANSCRIPT).turns
    tokens: list[str] = []
    landings = [0]
    for word in turns[0].words + turns[1].words[:12]:
        tokens += tokens_for(word)
        if word[-1] in ".,?!;:" and len(tokens) < 60:
            landings.append(len(tokens))
    silence = bytes(2 * 16_000 * 20)

    def window(aligner: WindowAligner) -> list[tuple[str, float, float] | None] | None:
        found = aligner.align(tokens, silence, 3.6, [0], list(range(1, len(tokens) + 1)),
                              jump=(0, landings))
        return None if found is None else [t and (t.token, t.start, t.end) for t in found]

    fresh = window(WindowAligner())
    used = WindowAligner()
    audio = decode(EPISODE)
    try:
        speech = audio.read(30.0, 42.0)
    finally:
        audio.close()
    assert used.align([t for w in turns[1].words[:30] for t in tokens_for(w)], speech, 30.0)
    assert window(used) == fresh


@pytest.mark.parametrize("trust", [False, True])
def test_another_episodes_words_fit_only_by_chance(tmp_path: Path, trust: bool) -> None:
    """The sample's times with other words: no turn passes as aligned, whether the
    times are repaired or trusted."""
    lines = EPISODE_TRANSCRIPT.read_text(encoding="utf-8").splitlines()[:10]
    other = "The weather in the mountains was cold and windy all week long. " * 3
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("\n".join(line if line.startswith("[") else other for line in lines),
                     encoding="utf-8")
    result = align(read_transcript(wrong), EPISODE, jobs=2, repair=not trust)
    assert all(t.confidence < 0.5 for t in result.turns)


ADDED = ("Purple elephants were dancing quietly beneath the frozen orange moon while seven "
         "violins played.")


@pytest.mark.parametrize(("before", "turn"), [
    ("Right? So we were trying", 4),  # inside a turn
    ("Yeah. It's about, ten", 4),  # a turn's first words
    ("Excited to be here.\n", 2),  # a turn's last words
], ids=["inside", "first", "last"])
def test_words_that_are_not_in_the_audio_are_reported(tmp_path: Path, before: str,
                                                      turn: int) -> None:
    """A sentence the producer cut from the audio but not from the transcript: exactly
    its words are reported, whether it was inside a turn or at either end of one, and
    the turn starts at its first word that is said (not where the cut sentence's
    words were spread)."""
    text = EPISODE_TRANSCRIPT.read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    if before.endswith("\n"):
        after = f"{before[:-1]} {ADDED}\n"
    else:
        first, rest = before.split(" ", 1)
        after = f"{first} {ADDED} {rest}" if turn == 4 and first == "Right?" \
            else f"{ADDED} {before}"
    edited.write_text(text.replace(before, after, 1), encoding="utf-8")
    result = invoke("align", edited, EPISODE, "-o", tmp_path / "w.json")
    assert result.exit_code == 3
    assert re.search(rf"^Warning: .*: turn {turn}: 14 words not found in the audio "
                     r"\(\"Purple elephants were dancing quietly beneath \.\.\.\"\); they were "
                     "spread over", result.stderr, re.M), result.stderr
    # A short turn that lost 14 words is low confidence too; a long one is not.
    assert re.search(rf"^Review needed: .*\((turn )?{turn}\)$", result.stderr, re.M), \
        result.stderr
    document = json.loads((tmp_path / "w.json").read_text())
    words = document["words"]
    assert [w["word"] for w in words if w["method"] == "interpolated"] == ADDED.split()
    said = [w for w in words if w["turn"] == turn - 1 and w["method"] == "aligned"]
    assert document["turns"][turn - 1]["start"] == said[0]["start"]


def test_a_jump_keeps_the_words_and_scores_an_alignment_of_them_alone_gets() -> None:
    """A sentence that is not in the audio, given inside the sample's first words
    with a jump allowed: the path leaves out exactly that sentence, and the words it
    keeps have the times and scores that aligning those words alone gives (the path
    comes from the search, the times from an alignment of the words kept; the
    lattice of the jump's grammar had taken 12 s for one window, and scored the
    same words up to 50% worse than any other window does)."""
    turn = read_transcript(EPISODE_TRANSCRIPT).turns[0]
    said = [t for w in turn.words[:29] for t in tokens_for(w)]  # to "today", at 15.7 s
    cut = next(k for k, w in enumerate(turn.words) if w.endswith(".")) + 1
    before = [t for w in turn.words[:cut] for t in tokens_for(w)]
    added = "purple elephants were dancing quietly beneath the frozen orange moon".split()
    tokens = before + added + said[len(before):]
    landings = [len(before), len(before) + len(added)]
    audio = decode(EPISODE)
    try:
        pcm = audio.read(4.5, audio.quiet_point(15.9, 0.1))
    finally:
        audio.close()
    aligner = WindowAligner()
    ends = [len(tokens)]
    found = aligner.align(tokens, pcm, 4.5, [0], ends, jump=(0, landings))
    assert found is not None
    left_out = [k for k, t in enumerate(found) if t is None]
    assert left_out == list(range(len(before), len(before) + len(added)))
    kept = [k for k, t in enumerate(found) if t is not None]
    alone = aligner.align([tokens[k] for k in kept], pcm, 4.5)
    assert alone is not None
    assert [(t.token, t.start, t.end, t.score) for t in alone] == \
        [(t.token, t.start, t.end, t.score) for t in found if t is not None]


NOTES = {"Right? So we were trying": "Right? [laughter] So we were trying",
         "Yeah. It's about, ten": "Yeah. [inaudible 00:01:02] It's about, ten",
         "Excited to be here.": "Excited to be here. (laughs)",
         "So, Anush,": "[crosstalk] So, Anush,"}


def test_a_transcribers_notes_are_not_aligned_as_speech(aligned: list[Word],
                                                       tmp_path: Path) -> None:
    """[laughter], Rev's [inaudible 00:01:02], [crosstalk] and "(laughs)" are not said:
    forced onto the audio as words, these four moved a word of the sample by 0.58 s
    (the same four after other sentences: ten words by more than half a second, one
    by 1.7 s, and a turn at 60%). Timed from their neighbours instead, every other
    word stays within 0.15 s of where it is without them, and no turn is in doubt."""
    text = EPISODE_TRANSCRIPT.read_text(encoding="utf-8")
    for before, after in NOTES.items():
        assert before in text
        text = text.replace(before, after, 1)
    noted = tmp_path / "noted.txt"
    noted.write_text(text, encoding="utf-8")
    result = align(read_transcript(noted), EPISODE, jobs=2)
    notes = [w for w in result.words if w.text.startswith(("[", "("))]
    assert sorted(w.text for w in notes) == ["(laughs)", "[crosstalk]", "[inaudible]",
                                             "[laughter]"]
    said = [w for w in result.words if w not in notes]
    assert [w.text for w in said] == [w.text for w in aligned]
    assert max(abs(a.start - b.start) for a, b in zip(said, aligned, strict=True)) <= 0.15
    assert all(turn.confidence >= 0.8 for turn in result.turns), result.turns
    assert all(turn.unmatched == turn.unaligned == () for turn in result.turns)
