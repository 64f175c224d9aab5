"""The package as a user installs it: a wheel that carries what it needs, a start-up
that loads only what the command uses, and a library API with its types."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_exporter

HEAVY = ("numpy", "pocketsphinx", "mutagen", "pydub", "exporter.align")


def loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running ``code``."""
    probe = (f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] if "
             f"not m.startswith('exporter') else m for m in sys.modules}})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    loaded = json.loads(done.stdout.splitlines()[-1])
    return [m for m in loaded if m in HEAVY]


def test_version_and_help_load_no_aligner_and_no_tag_library() -> None:
    # exporter --version must start at once: nothing that aligns or tags is imported.
    assert loaded_after("import exporter.cli") == []
    assert loaded_after("import exporter; exporter.__version__") == []


def test_the_library_api_loads_each_part_when_it_is_used() -> None:
    assert loaded_after("import exporter; exporter.load_transcript") == []
    assert "mutagen" in loaded_after("import exporter; exporter.read_chapters")


def test_every_public_name_resolves_and_is_listed() -> None:
    import exporter

    for name in exporter.__all__:
        assert getattr(exporter, name) is not None, name
    assert set(exporter.__all__) <= set(dir(exporter))
    assert set(exporter.__all__) == {"__version__", *exporter._PUBLIC}
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        exporter.nothing  # noqa: B018


def _build_wheel(tmp_path: Path) -> Path:
    # Built from a copy of the sources, so that the build leaves nothing in the checkout.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "exporter", source / "exporter",
                    ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("exporter-*.whl")
    return wheel


def test_a_wheel_carries_the_sample_and_runs_it(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("exporter/py.typed", "exporter/samples/sample-episode.mp3",
                   "exporter/samples/sample-episode.txt", "exporter/writers/assets/review.js"):
        assert needed in names, needed
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import exporter; print(exporter.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)  # the wheel's copy, not ours

    os.environ["PYTHONPATH"], saved = str(site), os.environ.get("PYTHONPATH")
    try:
        done = run_exporter(work, "-q", "run", "--sample", "--json", trace=False)
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["outputs"]) == 7 and len(report["chapters"]) == 3
    assert (work / report["outdir"]).resolve() == (work / "sample-episode-export").resolve()
