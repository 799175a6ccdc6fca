"""nnstep verify: every number the lecture material prints, checked."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    InputProblem,
    _print,
    _print_json,
    output_options,
)


@click.command()
@output_options
@click.option(
    "--golden",
    "golden_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A golden file to check (repeatable). Default: every golden file shipped with nnstep.",
)
@click.option("--errata-only", is_flag=True, help="List only the slide errata and mismatches (the summary counts all).")
def verify(fmt, golden_paths, errata_only):
    """Check every number the lecture material prints against nnstep.

    For each golden file (a hand transcription of the printed numbers), per
    slide: the printed value, nnstep's computed value and a mark; slide
    errata are explained (what the slide shows, what is right, the likely
    slip). Ends with a one-line summary. Exit status 0 when every number
    that is not reproduced is a known slide erratum, 1 otherwise.

    \b
    Example:
      nnstep verify
      nnstep verify --errata-only
      nnstep verify --format json
      nnstep verify --golden fixtures/golden/grid_search.yaml --output grid.csv
    """
    from ..files.load import InputError
    from ..teach import verify as checks

    try:
        report = checks.verify(golden_paths)
    except InputError as exc:
        raise InputProblem(str(exc)) from None
    if fmt == "json":
        _print_json(report.as_json())
    elif fmt in ("table", "svg"):
        _print(checks.renderable(report, errata_only), blank_after_last=False)
    else:
        _print(*checks.tables(report, errata_only), report.summary())
    if not report.ok:
        sys.exit(1)
