"""Every command on every damaged or hostile file of tests/data/bad/ (made by
tests/data/make_bad_corpus.py): it works, or it ends with a one-line ``Error:`` and a
non-zero exit. Never a traceback, never a hang (a time bound), and never a changed
input file (hashed before and after); a command that writes an MP3 may change it
only when it succeeds.

Each command runs as a real process, as a producer would run it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from exporter.ownership import RECORD
from tests.conftest import DATA, EPISODE, EPISODE_TRANSCRIPT, run_exporter
from tests.data.make_bad_corpus import big_cases

BAD = DATA / "bad"
MP3S = sorted(p.name for p in BAD.glob("*.mp3"))
TEXTS = sorted(p.name for p in BAD.iterdir() if p.suffix != ".mp3")
BIG = ["ten-megabyte-line.txt", "hundred-thousand-turns.txt"]
#: No command may take longer on any of these; the two big transcripts get longer
#: (the 10 MB line's 2,000,000 words are cut into subtitles in about 70 s).
TIME_BOUND = 240
BIG_TIME_BOUND = 600


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    big_cases(folder)
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: The commands that align whatever they can decode: outside coverage, like the big
#: inputs. Line tracing made them three times slower (most of this file's 13 minutes
#: in CI), and what they reach on bad input (reading, checking the MP3) is traced
#: through the other commands; the alignment itself is traced by the alignment tests.
ALIGNING = {"run", "align", "subtitles-audio"}


def run(args: list[str | Path], cwd: Path, big: bool = False, trace: bool = True
        ) -> subprocess.CompletedProcess[str]:
    # Line-by-line coverage tracing would make the big inputs several times slower,
    # and they reach no code the small ones do not.
    return run_exporter(cwd, *args, timeout=BIG_TIME_BOUND if big else TIME_BOUND,
                        trace=trace and not big)


def check(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 0:
        return
    if result.returncode == 3:
        # Finished, but the results are in doubt (a transcript that is not this
        # audio's): said in one last line, with no error.
        assert result.stderr.splitlines()[-1].startswith("Review needed: "), result.stderr
        assert "Error:" not in result.stderr
        return
    assert result.returncode in (1, 2), result.returncode
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Warning:")]
    assert len(errors) == 1 and errors[0].startswith("Error: "), result.stderr[-2000:]


def copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


TEXT_COMMANDS = {
    "inspect": lambda f, ep, ch: ["inspect", f],
    "subtitles": lambda f, ep, ch: ["subtitles", f, "-o", "out.vtt", "-o", "out.srt"],
    "preview": lambda f, ep, ch: ["chapters", "preview", f],
    # Trusting the times: `run` below aligns each of these already, and aligning
    # twice would double the longest test.
    "place-titles": lambda f, ep, ch: ["chapters", "write", ep, "--transcript", f,
                                       "--trust-timestamps"],
    "chapter-list": lambda f, ep, ch: ["chapters", "write", ep, "--chapters", f],
    "export": lambda f, ep, ch: ["chapters", "export", f, "--format", "podcast-json"],
    "run": lambda f, ep, ch: ["run", f, ep, "-o", "out"],
}

MP3_COMMANDS = {
    "show": lambda f, tr, ch: ["chapters", "show", f],
    "write": lambda f, tr, ch: ["chapters", "write", f, "--chapters", ch],
    "remove-copy": lambda f, tr, ch: ["chapters", "remove", f, "--output", "copy.mp3"],
    "export": lambda f, tr, ch: ["chapters", "export", f, "--format", "youtube"],
    "align": lambda f, tr, ch: ["align", tr, f, "-o", "words.json"],
    "run": lambda f, tr, ch: ["run", tr, f, "-o", "out"],
    "subtitles-audio": lambda f, tr, ch: ["subtitles", tr, "--audio", f, "-o", "out.vtt"],
}
#: Commands meant to change the MP3 they are given (only when they succeed).
WRITES = {"write", "place-titles", "chapter-list"}


def run_case(args: list[str | Path], episode: Path, transcript: Path, writes: bool,
             folder: Path, big: bool = False, trace: bool = True
             ) -> subprocess.CompletedProcess[str]:
    """Run one command in ``folder``; check its outcome and that its inputs are
    unchanged (the episode may change only when a writing command succeeds)."""
    hashes = {p: digest(p) for p in (transcript, episode)}
    result = run(args, folder, big, trace)
    check(result)
    assert digest(transcript) == hashes[transcript]
    if not writes or result.returncode not in (0, 3):
        assert digest(episode) == hashes[episode]
    # No temporary file is left next to the inputs or in the output folder (the
    # record of what exporter wrote is meant to stay).
    leftovers = [p for p in folder.rglob(".*")
                 if not p.name.startswith(".coverage") and p.name != RECORD]
    assert not leftovers, leftovers
    return result


def chapter_list(folder: Path) -> Path:
    chapters = folder / "chapters.txt"
    chapters.write_text("00:00 Start\n00:05 Middle\n", encoding="utf-8")
    return chapters


@pytest.mark.parametrize("name", TEXTS + BIG)
@pytest.mark.parametrize("command", sorted(TEXT_COMMANDS))
def test_every_command_on_bad_text(name: str, command: str, tmp_path: Path, big: Path) -> None:
    if name == "ten-megabyte-line.txt" and command in ("run", "place-titles"):
        pytest.skip("aligning 2,000,000 words in one turn to 2 minutes of audio is "
                    "left to long runs (see the README's Reliability section)")
    transcript = copy((big if name in BIG else BAD) / name, tmp_path)
    episode = copy(EPISODE, tmp_path)
    args = TEXT_COMMANDS[command](transcript.name, episode.name, chapter_list(tmp_path).name)
    run_case(args, episode, transcript, command in WRITES, tmp_path, name in BIG,
             trace=command not in ALIGNING)


@pytest.mark.parametrize("name", MP3S)
@pytest.mark.parametrize("command", sorted(MP3_COMMANDS))
def test_every_command_on_bad_mp3(name: str, command: str, tmp_path: Path) -> None:
    episode = copy(BAD / name, tmp_path)
    transcript = copy(EPISODE_TRANSCRIPT, tmp_path)
    args = MP3_COMMANDS[command](episode.name, transcript.name, chapter_list(tmp_path).name)
    result = run_case(args, episode, transcript, command in WRITES, tmp_path,
                      trace=command not in ALIGNING)
    if command == "write" and result.returncode == 0:
        shown = run(["chapters", "show", episode.name, "--json"], tmp_path)
        assert shown.returncode == 0 and '"Middle"' in shown.stdout
