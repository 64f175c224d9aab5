"""The ``exporter`` command line.

Commands are thin: each parses its options, calls one library function and prints
the result (worded by :mod:`exporter.report`). Library errors
(:class:`~exporter.errors.ExporterError`) become a one-line ``Error:`` in
:meth:`~exporter.cli.app.ExporterGroup.invoke`, the only place that does so.

The commands live in their own modules and are loaded by name when they run, so
``exporter --version`` imports neither the aligner nor the tag writer.
"""

from __future__ import annotations

import click

from exporter import __version__
from exporter.cli.app import App, ExporterGroup, app_options

__all__ = ["cli", "main"]

COMMANDS = {
    "inspect": "exporter.cli.transcript:inspect",
    "subtitles": "exporter.cli.transcript:subtitles",
    "align": "exporter.cli.transcript:align_command",
    "chapters": "exporter.cli.chapters:chapters",
    "run": "exporter.cli.run:run",
}


@click.group(cls=ExporterGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
@app_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Audio-aligned subtitles and chapter markers for podcast episodes."""
    # Made here, so that the commands' -q/-v/--debug set the same object the
    # group's error handler reads.
    ctx.ensure_object(App)


def main() -> None:
    """Console entry point."""
    cli(prog_name="exporter")
