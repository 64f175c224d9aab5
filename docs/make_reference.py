"""Write docs/commands.md, the command reference, from the commands' own --help.

Run it after changing an option: ``.venv/bin/python docs/make_reference.py``.
tests/test_docs.py fails while the file differs from what this writes, so the
reference cannot drift from the program.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from exporter.cli import cli  # noqa: E402

TARGET = HERE / "commands.md"
#: Help is laid out for this width whatever the terminal, so the file is the same
#: wherever it is made.
WIDTH = 88

HEAD = """# Command reference

Generated from each command's `--help` by `docs/make_reference.py`; do not edit by
hand (the tests fail when this file and the program differ). The guide to what the
commands do and why is in [guide.md](guide.md).
"""


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words after ``exporter``, depth first, in help order."""
    paths: list[tuple[str, ...]] = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def render() -> str:
    """The whole reference."""
    runner = CliRunner()
    parts = [HEAD]
    for path in command_paths(cli):
        result = runner.invoke(cli, [*path, "--help"], prog_name="exporter",
                               terminal_width=WIDTH, max_content_width=WIDTH)
        if result.exit_code != 0:
            raise RuntimeError(f"exporter {' '.join(path)} --help failed: {result.output}")
        title = " ".join(("exporter", *path))
        parts.append(f"## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
