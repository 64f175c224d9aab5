"""Alignment on recordings of real people (../shared/corpus/speech), where it exists.

A short conversation is cut together from four real voices by the real-speech
benchmark's builder (bench/real_episode.py): times rounded down to whole seconds,
short gaps between speakers, one speaker unscripted with fillers and reference word
times from the Montreal Forced Aligner's TextGrids.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np
import pytest

from exporter.align import repair, search, untimed
from exporter.align.aligner import align
from exporter.align.audio import decode
from exporter.align.probes import PROBE_WORDS, ProbeRunner, probe_jobs
from exporter.model import Alignment, Turn
from exporter.readers import read_transcript
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import real_episode

pytestmark = pytest.mark.skipif(not real_episode.CORPUS.is_dir(),
                                reason=f"the real-speech corpus is not at {real_episode.CORPUS}")

LAYOUT = [("Linda", slice(0, 2)), ("Michael", slice(0, 1)), ("Sense reader", slice(0, 3)),
          ("Reader 61", slice(0, 1)), ("Linda", slice(2, 4))]


def aligned(tmp_path: Path, layout: list[tuple[str, slice]], seed: int, timed: bool = True
            ) -> tuple[Alignment, real_episode.Episode]:
    """An episode of these speakers' clips (gaps drawn from ``seed``), its show
    notes with times or without, and their alignment."""
    built = real_episode.assemble(seed=seed, layout=layout)
    audio = tmp_path / "episode.mp3"
    real_episode.encode(built.audio, audio)
    notes = tmp_path / "episode.txt"
    notes.write_text(real_episode.show_notes(built.turns, timed=timed), encoding="utf-8")
    return align(read_transcript(notes), audio, jobs=2), built


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, Path, list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("real")
    built = real_episode.assemble(seed=3, layout=LAYOUT)
    audio = folder / "real.mp3"
    real_episode.encode(built.audio, audio)
    notes = folder / "real.txt"
    notes.write_text(real_episode.show_notes(built.turns), encoding="utf-8")
    return audio, notes, built.turns


def test_turns_start_where_real_speakers_do(
        episode: tuple[Path, Path, list[dict[str, object]]]) -> None:
    audio, notes, truth = episode
    result = align(read_transcript(notes), audio, jobs=2)
    errors = [abs(turn.start - float(expected["start"]))  # type: ignore[arg-type]
              for turn, expected in zip(result.turns, truth, strict=True)]
    # The targets: most within 150 ms, none placed in the previous speech.
    assert sum(e <= 0.15 for e in errors) >= len(errors) - 1, errors
    assert max(errors) <= 0.5, errors
    assert all(t.confidence >= 0.8 for t in result.turns)
    assert result.offset == 0.0 and result.insertions == []


def test_unscripted_words_land_on_the_reference_times(
        episode: tuple[Path, Path, list[dict[str, object]]]) -> None:
    """The MFA speaker's words against the TextGrid: the benchmark's word measure."""
    sys.path.insert(0, str(ROOT / "bench"))
    from align_real import word_errors

    audio, notes, truth = episode
    result = align(read_transcript(notes), audio, jobs=2)
    errors = word_errors(result, {"turns": truth})
    assert len(errors) >= 50
    assert statistics.median(errors) <= 0.05


def test_the_same_speech_under_another_clock_gives_the_same_words(
        episode: tuple[Path, Path, list[dict[str, object]]], tmp_path: Path) -> None:
    audio, notes, truth = episode
    late = tmp_path / "late.txt"
    late.write_text(real_episode.show_notes(truth, 3.0), encoding="utf-8")
    plain = align(read_transcript(notes), audio, jobs=2)
    moved = align(read_transcript(late), audio, jobs=2)
    # The times are whole seconds, so the offset is too: the lag of the first turns'
    # speech behind them (-2.4 s) put every window 0.6 s off, and 9% of the words
    # of the benchmark moved.
    assert moved.offset == -3.0
    shifts = [abs(a.start - b.start) for a, b in zip(plain.words, moved.words, strict=True)]
    assert max(shifts) <= 0.02


def test_real_speakers_are_found_with_no_times_at_all(
        episode: tuple[Path, Path, list[dict[str, object]]], tmp_path: Path) -> None:
    """The same turns with no times (an untimed transcript): aligned from scratch as
    closely as with rounded times."""
    audio, _, truth = episode
    untimed = tmp_path / "untimed.txt"
    untimed.write_text(real_episode.show_notes(truth, timed=False), encoding="utf-8")
    transcript = read_transcript(untimed)
    assert transcript.untimed
    result = align(transcript, audio, jobs=2)
    errors = [abs(turn.start - float(expected["start"]))  # type: ignore[arg-type]
              for turn, expected in zip(result.turns, truth, strict=True)]
    assert sum(e <= 0.15 for e in errors) >= len(errors) - 1, errors
    assert max(errors) <= 0.5, errors
    assert all(t.confidence >= 0.8 for t in result.turns)


SENTENCE = ("Purple elephants were dancing quietly beneath the frozen orange moon while "
            "seven violins played.")
PARAGRAPH = " ".join([
    SENTENCE, "The committee met on Tuesday to discuss the budget for the new library, and "
    "nobody could agree on anything at all.", "After that the weather turned cold and "
    "everyone went home early to sit by the fire and read old books.", "Nothing else of "
    "note happened for the rest of the week, except that the cat learned to open the "
    "kitchen door."])


#: Words added to the transcript of the third turn (a real reader's), as (the text
#: replaced, its replacement, where the added words start in the turn, the words).
ADDED = pytest.mark.parametrize(("before", "after", "first", "added"), [
    ("for them. He was", f"for them. {SENTENCE} He was", 22, SENTENCE),
    ("how much there might", f"how much {SENTENCE} there might", 11, SENTENCE),
    ("And mister john", f"{SENTENCE} And mister john", 0, SENTENCE),
    ("to be ill disposed.", f"to be ill disposed. {SENTENCE}", 44, SENTENCE),
    ("for them. He was", f"for them. {PARAGRAPH} He was", 22, PARAGRAPH),
], ids=["between-sentences", "inside-a-sentence", "first-words", "last-words", "paragraph"])


@ADDED
def test_words_not_in_the_audio_are_reported_and_the_rest_aligned(
        episode: tuple[Path, Path, list[dict[str, object]]], tmp_path: Path, before: str,
        after: str, first: int, added: str) -> None:
    """Words left in the transcript but cut from a real reader's audio (a sentence
    anywhere in a turn, or four of them, 76 words): exactly they are reported, the
    words around them keep their places, and the turn starts at its first word that
    is said (its first sentence missing, it started 1.2 s early, where the
    sentence's words were spread)."""
    audio, notes, _ = episode
    edited = tmp_path / "edited.txt"
    edited.write_text(notes.read_text(encoding="utf-8").replace(before, after, 1),
                      encoding="utf-8")
    plain = _plain(audio, notes)
    result = align(read_transcript(edited), audio, jobs=2)
    assert result.turns[2].unmatched == ((first, len(added.split())),)
    assert [t.confidence for t in result.turns[3:]] == [t.confidence for t in plain.turns[3:]]
    words = [w for w in result.words if w.turn == 2]
    assert [w.text for w in words if w.method == "interpolated"] == added.split()
    kept = [w for w in words if w.method == "aligned"]
    assert result.turns[2].start == kept[0].start
    before_words = [w for w in plain.words if w.turn == 2]
    assert [w.text for w in kept] == [w.text for w in before_words]
    moved = sorted(abs(a.start - b.start) for a, b in zip(kept, before_words, strict=True))
    assert moved[len(moved) // 2] <= 0.02 and moved[-1] <= 0.3, moved


@ADDED
def test_words_not_in_the_audio_of_an_untimed_transcript_are_reported(
        episode: tuple[Path, Path, list[dict[str, object]]], tmp_path: Path, before: str,
        after: str, first: int, added: str) -> None:
    """The same words added to the transcript with no times at all: the walk forces
    them onto the speech after them, and the window after it fails. They were
    reported 20 for 14 (the back-off's window opened among the words forced, past
    some that are said), and where the back-off's path ran on into the next
    speaker's turn, that turn was aligned again from its first word at the wrong
    place and lost (0%). Now exactly the added words are reported, the other turns
    start where they are said and the edited one at its first word that is, and the
    words around them keep their places."""
    audio, _, truth = episode
    notes = tmp_path / "untimed.txt"
    notes.write_text(real_episode.show_notes(truth, timed=False), encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(notes.read_text(encoding="utf-8").replace(before, after, 1),
                      encoding="utf-8")
    result = align(read_transcript(edited), audio, jobs=2)
    assert result.turns[2].unmatched == ((first, len(added.split())),)
    others = [k for k in range(len(truth)) if k != 2]
    errors = [abs(result.turns[k].start - float(truth[k]["start"]))  # type: ignore[arg-type]
              for k in others]
    assert max(errors) <= 0.15, errors
    assert all(result.turns[k].confidence >= 0.8 for k in others)
    plain = _plain(audio, notes)
    kept = [w for w in result.words if w.turn == 2 and w.method == "aligned"]
    assert result.turns[2].start == kept[0].start
    before_words = [w for w in plain.words if w.turn == 2]
    assert [w.text for w in kept] == [w.text for w in before_words]
    moved = sorted(abs(a.start - b.start) for a, b in zip(kept, before_words, strict=True))
    assert moved[len(moved) // 2] <= 0.02 and moved[-1] <= 0.3, moved


_PLAIN: dict[tuple[Path, str], Alignment] = {}


def _plain(audio: Path, notes: Path) -> Alignment:
    """The episode aligned as it is (once per run and transcript: every case
    compares with it)."""
    key = (audio, notes.read_text(encoding="utf-8"))
    if key not in _PLAIN:
        _PLAIN[key] = align(read_transcript(notes), audio, jobs=2)
    return _PLAIN[key]


def test_a_turn_after_one_whose_last_sentence_was_cut_starts_where_it_is_said(
        tmp_path: Path) -> None:
    """The real-speech benchmark's edited variant, its last two turns: the first
    loses its closing sentence from the audio but not from the transcript, so the
    words the second turn's first window is given to take the speech before it are
    not there, and its own first words were laid over that speech (2 s early, every
    word aligned). The turn's start is found where it is said, and the sentence is
    reported."""
    built = real_episode.assemble(seed=7, layout=[("Linda", slice(24, 28)),
                                                  ("Linda", slice(28, 32))])
    audio_samples, truth, missing = real_episode.edited(built, ((0, 3),))
    audio = tmp_path / "edited.mp3"
    real_episode.encode(audio_samples, audio)
    notes = tmp_path / "edited.txt"
    notes.write_text(real_episode.show_notes(truth), encoding="utf-8")
    result = align(read_transcript(notes), audio, jobs=2)
    assert result.turns[0].unmatched == ((missing[0]["first"], missing[0]["count"]),)
    assert abs(result.turns[1].start - float(truth[1]["start"])) <= 0.15  # type: ignore[arg-type]
    assert result.turns[1].confidence >= 0.8


def test_turns_across_a_cut_over_a_change_of_speakers_are_found(tmp_path: Path) -> None:
    """5 s cut across a change of speakers, after the transcript was written: the last
    words of one turn and the first of the next are gone, and the search for cuts
    puts it one turn late. The two turns after it were lost (0%); they are found
    from where the turn before them ends. (Known fault: the six words cut from the
    start of the first, mid-sentence, are squeezed into the half second left of the
    seventh rather than reported.)"""
    built = real_episode.assemble(seed=3, layout=LAYOUT)
    rate = real_episode.RATE
    samples = np.concatenate([built.audio[:36 * rate], built.audio[41 * rate:]])
    audio = tmp_path / "cut.mp3"
    real_episode.encode(samples, audio)
    notes = tmp_path / "cut.txt"
    notes.write_text(real_episode.show_notes(built.turns), encoding="utf-8")
    result = align(read_transcript(notes), audio, jobs=2)
    opening = result.turns[2]
    assert sum(w.method == "aligned" for w in opening.words) >= len(opening.words) - 6
    after = float(built.turns[3]["start"]) - 5.0  # type: ignore[arg-type]
    assert abs(result.turns[3].start - after) <= 0.15
    assert result.turns[3].confidence == 1.0


def test_a_turn_is_found_where_it_is_said_though_it_fits_better_on_like_words(
        tmp_path: Path) -> None:
    """The search for the turn after a lost one (the speaker with a cold's). Its
    opening words ("than in the same operations") fit best where they are said, but
    the fine probes around that fit reach the speaker's last word, "thanks", 2.4 s
    before, and fit them there a little better; the turn after them does not confirm
    that, and the turn was not found (the untimed walk then placed it from a guess).
    The fine probes now refine the fit they were sent to. (On the benchmark's
    untimed episode walked in four parts, the coarse probes themselves fitted the
    words best on "thanks": the next best fit found elsewhere is now tried too.)"""
    built = real_episode.assemble(seed=7, layout=[("Michael", slice(1, 2)),
                                                  ("Linda", slice(12, 16))])
    path = tmp_path / "two.mp3"
    real_episode.encode(built.audio, path)
    audio = decode(path)
    words = str(built.turns[1]["text"]).split()
    said = float(built.turns[1]["start"])  # type: ignore[arg-type]
    thanks = built.turns[0]["words"][-1]  # type: ignore[index]
    assert thanks["text"] == "thanks"
    guess, floor = said - 4.3, float(built.turns[0]["start"]) + 2.0  # type: ignore[arg-type]
    run = ProbeRunner(None)
    # The premise: the best coarse fit is where the words are said, and the best of
    # the fine probes around it is on "thanks".
    first = Turn(guess, "", " ".join(words[:PROBE_WORDS]))
    low, high = repair.AFTER_LOST_RANGES[0]
    step = search.COARSE_STEP
    coarse = [(g, low + step * i) for i, g in enumerate(run(probe_jobs(
        first, [low + step * i for i in range(int((high - low) / step))], audio)))
        if g is not None]
    best, centre = max(coarse)
    assert abs(best[1] - said) <= 0.15
    fine = [g for g in run(probe_jobs(first, [centre - step + search.FINE_STEP * i
                                                     for i in range(9)], audio))
            if g is not None]
    assert abs(max(fine)[1] - thanks["start"]) <= 0.1
    found = repair.find_start(words, audio, run, at=guess, floor=floor,
                              ranges=repair.AFTER_LOST_RANGES)
    assert found is not None and abs(found - said) <= 0.15, (found, said)


@pytest.fixture(scope="module")
def edited_untimed(tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, Path, list[dict[str, object]], list[dict[str, int]]]:
    """The real-speech benchmark's edited variant with no times: a sentence of three
    turns taken out of the audio and kept in the transcript."""
    folder = tmp_path_factory.mktemp("edited")
    samples, truth, missing = real_episode.edited(real_episode.assemble())
    audio = folder / "edited.mp3"
    real_episode.encode(samples, audio)
    notes = folder / "edited.txt"
    notes.write_text(real_episode.show_notes(truth, timed=False), encoding="utf-8")
    return audio, notes, truth, missing


@pytest.mark.parametrize("parts", [2, 4])
def test_an_edited_untimed_episode_keeps_every_turn_in_any_number_of_parts(
        edited_untimed: tuple[Path, Path, list[dict[str, object]], list[dict[str, int]]],
        parts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Walked in two parts (as this 8.5-minute episode is) or four (as one of 35
    minutes or more is). A window of the speaker with a cold that fitted only with
    wide beams laid the speaker's next words, optional at its end, over the next
    turn's first seconds; trusted, they put that turn 3.2 s late and it was lost
    (four parts: 0%, its 79 words reported as not in the audio), or they took the
    speech of the sentence before them that is not in the audio (two parts: that
    sentence went unreported, and the speaker's turn was 6.4 s off). A window that
    fits only on a later attempt is now trusted up to its own words."""
    audio, notes, truth, missing = edited_untimed
    monkeypatch.setattr(untimed, "SPLIT_PARTS", parts)
    result = align(read_transcript(notes), audio, jobs=2)
    for run in missing:
        assert (run["first"], run["count"]) in result.turns[run["turn"]].unmatched, run
    errors = [abs(turn.start - float(expected["start"]))  # type: ignore[arg-type]
              for turn, expected in zip(result.turns, truth, strict=True)]
    assert max(errors) <= 1.0, errors


def test_an_untimed_turn_after_a_hard_voice_is_not_taken_early(tmp_path: Path) -> None:
    """Untimed: the speaker with a cold, then three sonnets. His windows fail, and
    the back-off's window that may jump over words not in the audio jumped over
    the rest of his turn and the sonnets' first 106 words together, landing where
    the sonnets' words fit his speech by chance: the sonnets started 32 s early,
    two thirds of them spread (flagged, 8%). A jump may now leave out the end of
    one speaker's turn or the start of the next, not both: his turn is lost, and the
    sonnets are searched for where they are said."""
    result, built = aligned(tmp_path, [
        ("Linda", slice(0, 1)), ("Reader 61", slice(0, 1)), ("Michael", slice(0, 2)),
        ("Sonnet reader", slice(0, 3))], seed=2, timed=False)
    errors = [abs(turn.start - float(expected["start"]))  # type: ignore[arg-type]
              for turn, expected in zip(result.turns, built.turns, strict=True)]
    assert max(errors) <= 0.15, errors
    assert result.turns[3].confidence >= 0.8


def test_a_voice_that_fits_worse_than_its_openings_is_aligned_and_reported(
        tmp_path: Path) -> None:
    """The unscripted speaker's clean clip, then (after four other speakers) one turn
    of his two clips with a cold. His windows there fit a little worse than the bar
    his clean opening set: refused, every window after the first failed and 103 of
    his 124 words were spread, 4 s off. Kept as doubtful, his words land on the
    reference, and the turn is still reported (bars.DOUBT_RATIO)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from align_real import word_errors

    layout = [("Reader 2412", slice(0, 1)), ("Michael", slice(0, 1)),
              ("Sonnet reader", slice(0, 1)), ("Linda", slice(0, 2)),
              ("Sense reader", slice(0, 2)), ("Reader 61", slice(0, 1)),
              ("Michael", slice(1, 3))]
    result, built = aligned(tmp_path, layout, seed=9)
    last = len(built.turns) - 1
    truth = {"turns": [dict(turn, words=turn["words"] if k == last else [])
                       for k, turn in enumerate(built.turns)]}
    errors = word_errors(result, truth)
    assert len(errors) >= 100
    assert statistics.median(errors) <= 0.05
    assert sum(e <= 0.5 for e in errors) >= 0.9 * len(errors)
    assert result.turns[last].confidence < 0.8
    assert all(turn.confidence >= 0.8 for turn in result.turns[:last])


#: The unscripted speaker's clean clip and his clips with a cold as one turn, after
#: other speakers: (layout, seed).
HARD_INSIDE = {
    "three-clips": ([("Reader 2412", slice(0, 1)), ("Sense reader", slice(0, 1)),
                     ("Michael", slice(0, 3)), ("Reader 61", slice(0, 1))], 14),
    "two-clips": ([("Linda", slice(0, 1)), ("Reader 61", slice(0, 1)),
                   ("Michael", slice(0, 2)), ("Sonnet reader", slice(0, 1))], 2),
}


@pytest.mark.parametrize(("case", "timed"), [("three-clips", True), ("three-clips", False),
                                             ("two-clips", True)])
def test_a_hard_voice_inside_a_long_turn_is_aligned_between_what_was_placed(
        tmp_path: Path, case: str, timed: bool) -> None:
    """The unscripted speaker's clean clip and his clips with a cold, as one turn: his
    windows in the cold part failed one after another, and 103 of the 185 words of
    three clips were spread, 1.5 s off at the median (0.43 s untimed). Aligned again
    in one window held at both ends by the words around them (recover.bridge), they
    land on the reference. With two clips, a back-off's window laid his first cold
    words 3.5 s late, its score carried by the clean words it aligned again, and a
    bridge held at those misplaced words could not place the 45 after them: a
    back-off is judged by the words it is there to place. The turn is still reported
    (words only a bridge placed are in doubt), and named in words.json."""
    sys.path.insert(0, str(ROOT / "bench"))
    from align_real import word_errors

    layout, seed = HARD_INSIDE[case]
    result, built = aligned(tmp_path, layout, seed, timed)
    errors = word_errors(result, {"turns": built.turns})
    assert len(errors) >= 120
    assert statistics.median(errors) <= 0.05
    assert sum(e <= 0.5 for e in errors) >= 0.95 * len(errors)
    assert not result.turns[2].unaligned
    assert result.turns[2].confidence < 0.8 and len(result.turns[2].doubtful) >= 40


def _phone_line(speech: np.ndarray, rate: int) -> np.ndarray:
    """Speech as a phone line carries it: 300-3,400 Hz, a little distortion, noise."""
    spectrum = np.fft.rfft(speech)
    frequencies = np.fft.rfftfreq(len(speech), 1 / rate)
    spectrum[(frequencies < 300) | (frequencies > 3400)] = 0
    band = np.fft.irfft(spectrum, len(speech))
    peak = float(np.abs(band).max()) or 1.0
    distorted = np.tanh(3 * band / peak) * peak
    noise = np.random.default_rng(1).normal(0, 0.1 * float(np.sqrt((distorted ** 2).mean())),
                                            len(distorted))
    return distorted + noise


def test_words_of_a_voice_heard_badly_are_not_said_to_be_missing(tmp_path: Path) -> None:
    """A reader whose turn goes on over a phone line: the model hears that half badly,
    its windows fail, and its words are spread. The audio does not say they are not
    in it (no path went on without them, and they have their time), so they are
    reported as words that could not be aligned, not as words the audio lacks, which
    a producer would take for an edit. The turn is flagged."""
    from exporter.alignment import align_episode

    layout = [("Linda", slice(0, 1)), ("Sense reader", slice(0, 5)), ("Reader 61", slice(0, 1))]
    built = real_episode.assemble(seed=5, layout=layout)
    reader = built.turns[1]
    clips, ends = reader["clips"], reader["clip_ends"]
    a, b = (int(t * real_episode.RATE) for t in (clips[2] - 0.1, ends[-1] + 0.05))
    speech = built.audio.copy()
    speech[a:b] = _phone_line(speech[a:b], real_episode.RATE)
    audio = tmp_path / "phone.mp3"
    real_episode.encode(speech, audio)
    notes = tmp_path / "phone.txt"
    notes.write_text(real_episode.show_notes(built.turns), encoding="utf-8")
    result = align_episode(notes, audio)
    turn = result.alignment.turns[1]
    assert turn.unmatched == () and turn.unaligned, turn
    assert turn.confidence < 0.8
    assert not [w for w in result.warnings if "not found in the audio" in w], result.warnings
    assert [w for w in result.warnings if "turn 2:" in w and "could not be aligned" in w]


def test_an_untimed_walk_never_jumps_on_a_doubtful_fit(tmp_path: Path) -> None:
    """The unscripted speaker's three clips as one untimed turn: the two with a cold
    say nearly the same words, and a window of that voice fitting little better than
    chance jumped from the first clip's words to the second's, laying 93 of his 185
    words 1-4 s off. An untimed walk now doubts a window as a timed turn does, below
    the chance bar's own margin (bars.DOUBT_RATIO), and a path that would say words
    are not in the audio is never taken on a doubtful fit. The turn is reported."""
    sys.path.insert(0, str(ROOT / "bench"))
    from align_real import word_errors

    layout = [("Michael", slice(0, 3)), ("Linda", slice(0, 2)), ("Reader 61", slice(0, 1))]
    result, built = aligned(tmp_path, layout, seed=20, timed=False)
    errors = word_errors(result, {"turns": built.turns})
    assert len(errors) >= 180
    assert sum(e > 0.5 for e in errors) <= 0.1 * len(errors), sorted(errors)[-20:]
    assert result.turns[0].confidence < 0.8
    # His last word took in the pause and the next speaker's first sound, and that
    # turn started 0.78 s late at 100%: the two are parted at the pause
    # (edges.hand_over).
    starts = [round(turn.start - float(truth["start"]), 2)
              for turn, truth in zip(result.turns, built.turns, strict=True)]
    assert all(abs(error) <= 0.15 for error in starts), starts


def test_an_untimed_start_is_confirmed_by_its_own_speakers_words(tmp_path: Path) -> None:
    # The first turn is one sentence of 17 words. Its start was confirmed by the ten
    # words after its first ten: the last seven of it, a pause, and three of the next
    # reader's, a probe whose estimated length knows nothing of the pause. Its last
    # word was held over the next reader's words, the start was not confirmed, and
    # no word of the episode was aligned. The confirming words are now the first
    # speaker's own.
    result, built = aligned(tmp_path, [("Reader 61", slice(0, 1)), ("Linda", slice(0, 2)),
                                       ("Reader 2412", slice(0, 1))], seed=38, timed=False)
    errors = [abs(turn.start - float(truth["start"]))  # type: ignore[arg-type]
              for turn, truth in zip(result.turns, built.turns, strict=True)]
    assert max(errors) < 0.5, errors
    assert all(turn.confidence >= 0.8 for turn in result.turns)


def test_an_offset_is_confirmed_past_a_turn_whose_opening_fits_badly(
        tmp_path: Path) -> None:
    # Under a clock 7 s late, the first turn (the unscripted speaker) is found where
    # it is said; the next, a LibriVox reader whose first six words fit at -55,000
    # a frame even at their own time, could not confirm it, and the offset was
    # taken as 0: every turn 7 s off. The turn after that one confirms it.
    built = real_episode.assemble(seed=29, layout=[
        ("Michael", slice(0, 3)), ("Sense reader", slice(0, 2)), ("Linda", slice(0, 3))])
    audio_path = tmp_path / "episode.mp3"
    real_episode.encode(built.audio, audio_path)
    notes = tmp_path / "episode.txt"
    notes.write_text(real_episode.show_notes(built.turns, 7.0), encoding="utf-8")
    audio = decode(audio_path)
    try:
        assert repair.find_offset(list(read_transcript(notes).turns), audio) == -7.0
    finally:
        audio.close()


def test_a_turn_whose_first_window_fits_doubtfully_is_bridged_from_its_opening(
        tmp_path: Path) -> None:
    """Timed, after six other turns, one turn of the unscripted speaker's two clips
    with a cold. Its first window fitted doubtfully, its words stretched over the
    speech after them ("probably" 3.5 s late), and every window after it failed: 104
    of the turn's 127 words were spread, 1-9 s off. The bridge over the words no
    window could align had taken in the doubtful ones, but held a run only at a word
    placed before it, and this run began with the turn. It is now held where the
    turn's first window opened, the turn before's words optional ahead of it. The
    turn is still reported (words only a bridge placed are in doubt)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from align_real import word_errors

    layout = [("Reader 2412", slice(0, 1)), ("Sonnet reader", slice(0, 1)),
              ("Michael", slice(0, 1)), ("Linda", slice(0, 3)), ("Michael", slice(1, 3)),
              ("Reader 61", slice(0, 1)), ("Linda", slice(3, 5))]
    result, built = aligned(tmp_path, layout, seed=24)
    cold = 4
    truth = {"turns": [dict(turn, words=turn["words"] if k == cold else [])
                       for k, turn in enumerate(built.turns)]}
    errors = word_errors(result, truth)
    assert len(errors) >= 120
    assert sum(e > 0.5 for e in errors) <= 0.1 * len(errors), sorted(errors)[-20:]
    assert result.turns[cold].confidence < 0.8
    starts = [abs(turn.start - float(truth["start"]))  # type: ignore[arg-type]
              for turn, truth in zip(result.turns, built.turns, strict=True)]
    assert max(starts) <= 0.15, starts
