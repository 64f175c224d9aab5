"""Benchmark: how long the command takes to start, against a bare interpreter.

Target (issue 13): ``exporter --version`` within 0.1 s. Each figure is the median of
``--repeat`` fresh processes, with the bytecode cache an installed package has
(see ``common.installed_env``); ``python -c pass`` is the floor no command can beat.

Run: ``.venv/bin/python bench/startup.py``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import installed_env

BIN = Path(sys.executable).parent
CASES = {
    "python -c pass (the floor)": [sys.executable, "-c", "pass"],
    "exporter --version": [str(BIN / "exporter"), "--version"],
    "exporter --help": [str(BIN / "exporter"), "--help"],
    "exporter chapters show --help": [str(BIN / "exporter"), "chapters", "show", "--help"],
    "exporter run --help": [str(BIN / "exporter"), "run", "--help"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = installed_env()
    for name, command in CASES.items():
        subprocess.run(command, check=True, capture_output=True, env=env)  # the cache
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - start)
        print(f"{name:32} median {statistics.median(times):.3f} s, "
              f"best {min(times):.3f} s ({args.repeat} runs)")


if __name__ == "__main__":
    main()
