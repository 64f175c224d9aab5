"""The README is the front door, and docs/commands.md the reference made from --help."""

from __future__ import annotations

import re

import click
import pytest

from docs import make_reference
from exporter.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "exporter") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix, group)]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            out += commands(command, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", command))
    return out


ALL = commands(cli)


@pytest.mark.parametrize(("name", "command"), ALL, ids=[n for n, _ in ALL])
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]} has no help text"


def test_the_command_reference_is_what_help_says() -> None:
    # Fails when an option is added, changed or removed without the reference
    # being made again, so docs/commands.md cannot drift from the program.
    written = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert written == make_reference.render(), (
        "docs/commands.md is out of date: run .venv/bin/python docs/make_reference.py")


@pytest.mark.parametrize(("name", "command"), ALL, ids=[n for n, _ in ALL])
def test_every_option_is_in_the_reference(name: str, command: click.Command) -> None:
    section = REFERENCE.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert any(opt in section for opt in param.opts), (name, param.opts)


def test_the_readme_shows_every_job_and_links_what_exists() -> None:
    for name, _ in ALL:
        if name.count(" ") == 1:  # the top-level commands
            assert f"\n{name} " in README, f"the README has no example of {name}"
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).is_file(), f"the README links to {target}, which is missing"


def test_the_readme_python_example_uses_the_public_api() -> None:
    import exporter

    (example,) = re.findall(r"```python\n(.+?)\n```", README, re.S)
    used = set(re.findall(r"exporter\.(\w+)", example))
    assert used and used <= set(exporter.__all__), used - set(exporter.__all__)


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_quick_start_commands() -> None:
    assert len(quick_start_commands()) == 2


def test_ci_runs_the_readme_test_command() -> None:
    test_command = quick_start_commands()[1]
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
