"""Long fuzzing runs (outside CI).

``--atheris SECONDS``: coverage-guided fuzzing (atheris, libFuzzer) of everything
that reads text a producer hands us: the byte decoder, transcript detection and all
transcript readers, and the chapter-list readers. Any input must give a result or
the package's ``InputError``; any other exception is a crash and stops the run. The
corpus grows in ``bench/data/fuzz-corpus/`` (seeded from tests/data/formats and the
samples) and is kept between runs.

``--hypothesis``: the property tests (tests/test_properties.py, test_segment.py)
with a hundred times the examples CI uses.

Run: ``.venv/bin/python bench/fuzz.py --atheris 600`` or ``--hypothesis``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "data" / "fuzz-corpus"
SEEDS = [*sorted((ROOT / "tests" / "data" / "formats").glob("*")),
         ROOT / "exporter" / "samples" / "sample-episode.txt"]


def one_input(data: bytes) -> None:
    from exporter.chapterfiles import parse_chapters
    from exporter.errors import InputError
    from exporter.readers import parse_transcript
    from exporter.readers.text import decode

    try:
        text, _ = decode(data, "fuzz.txt")
    except InputError:
        return
    for parse in (parse_transcript, parse_chapters):
        with contextlib.suppress(InputError):
            parse(text, "fuzz.txt")


def run_atheris(seconds: int) -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        target = CORPUS / f"seed-{seed.name}"
        if seed.is_file() and not target.exists() and seed.stat().st_size < 200_000:
            shutil.copyfile(seed, target)
    before = len(list(CORPUS.iterdir()))
    started = time.perf_counter()
    # libFuzzer prints its own statistics (runs, coverage, corpus) on stderr.
    code = subprocess.run([sys.executable, __file__, "--atheris-worker",
                           f"-max_total_time={seconds}", "-max_len=20000", "-timeout=20",
                           "-print_final_stats=1", str(CORPUS)]).returncode
    after = len(list(CORPUS.iterdir()))
    print(f"atheris: {time.perf_counter() - started:.0f} s, exit status {code} "
          f"({'no crash' if code == 0 else 'CRASH'}), corpus {before} -> {after} inputs "
          f"in {CORPUS.relative_to(ROOT)}")
    sys.exit(code)


def atheris_worker(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports():
        import exporter.chapterfiles
        import exporter.readers  # noqa: F401
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def run_hypothesis() -> None:
    env = {**os.environ, "EXPORTER_FUZZ_SCALE": "100"}
    started = time.perf_counter()
    code = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_properties.py", "tests/test_segment.py"],
                          cwd=ROOT, env=env).returncode
    print(f"hypothesis x100: {time.perf_counter() - started:.0f} s, exit status {code}")
    sys.exit(code)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--atheris-worker":
        atheris_worker([sys.argv[0], *sys.argv[2:]])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--atheris", type=int, metavar="SECONDS")
    parser.add_argument("--hypothesis", action="store_true")
    args = parser.parse_args()
    if args.atheris:
        run_atheris(args.atheris)
    elif args.hypothesis:
        run_hypothesis()
    else:
        parser.error("give --atheris SECONDS or --hypothesis")


if __name__ == "__main__":
    main()
