"""nnstep worksheet (a blank sheet to fill in) and nnstep check (a filled-in sheet, marked)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    FORMAT_OF_SUFFIX,
    InputProblem,
    _inputs,
    _print,
    _print_json,
    _write,
    output_options,
    parse_rows,
    terminal_width,
)

STEP_NAMES = ("forward", "cost", "backprop", "update")
FILES = {"csv": "worksheet.csv", "markdown": "worksheet.md", "latex": "worksheet.tex", "html": "worksheet.html"}


def _steps(ctx, param, value):
    """'forward,cost' -> ['forward', 'cost'] (teach.worksheet.cells checks the names)."""
    return [v.strip() for v in value.split(",")]


def _row_list(ctx, param, value):
    """'1', '1,2' or '1-3' -> [1, 2, 3] in the order given (teach.worksheet.cells checks them against the data)."""
    return None if value is None else parse_rows(value)


_model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Model file (YAML). Default: the lecture's 2-3-1 example.",
)
_data_option = click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Data file (YAML or CSV). Default: the lecture's 10 rows.",
)


@click.command()
@_model_option
@_data_option
@click.option(
    "--steps",
    default=",".join(STEP_NAMES),
    show_default=True,
    callback=_steps,
    help="The lecture steps on the sheet, from forward, cost, backprop, update.",
)
@click.option("--rows", callback=_row_list, metavar="ROWS", help="Rows on the sheet: 1, 1,2 or 1-3. Default: all.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "markdown", "latex", "html", "json"]),
    default=None,
    help="What to write: the CSV to fill in (default), the printable tables, or JSON.",
)
@click.option(
    "--output",
    type=click.Path(),  # kept as typed: a trailing slash means a directory
    help="A directory (an existing one, or a name ending in /, made if missing): "
    "worksheet.csv, .md, .tex and .html in it. A file: the --format (default: by its suffix). "
    "Written atomically.",
)
def worksheet(model_path, data_path, steps, rows, fmt, output):
    """Write a blank worksheet to fill in and mark with nnstep check.

    The CSV has one line per number (quantity,node,row,answer) with the
    answer empty; the Markdown, LaTeX and HTML versions lay the same cells
    out like the slides' tables, to print. The sheet holds, per row, the
    forward pass and cost, the errors and BPEs, then the one-row step
    w - α BPE a of the first row; with all rows also Σ, C(W), the gradients
    and the updated weights (for the lecture's full-batch gradient descent).

    \b
    Example:
      nnstep worksheet --rows 1 --output sheets/
      nnstep worksheet --steps forward,cost --rows 1-3 > mine.csv
      nnstep worksheet --format markdown --output worksheet.md
    """
    from ..teach.worksheet import cells, sheet_csv

    model, data = _inputs(model_path, data_path)
    try:
        chosen = cells(model, len(data), steps, rows)
    except ValueError as exc:
        raise InputProblem(f"--{exc}") from None

    def text(kind: str) -> str:
        if kind == "csv":
            return sheet_csv(chosen)
        if kind == "json":
            import json

            from ..render.report import cells_json

            return json.dumps(cells_json(chosen), indent=2) + "\n"
        from ..render import exercise as printable
        from ..render.export import ANSWER_BOX, export
        from ..render.worksheet import layout

        intro = (
            "Fill in every blank cell, with as many decimals as you work with; "
            "then type the numbers into the CSV and run: nnstep check worksheet.csv"
        )
        tables = layout(model, data, chosen, lambda c: ANSWER_BOX)
        if kind == "latex":  # the printable sheet of nnstep exercise: A4, a framed box per answer
            return printable.latex("nnstep worksheet", [intro], tables)
        return export([intro, *tables], kind, "nnstep worksheet")

    folder = output is not None and output.endswith(("/", "\\"))
    output = None if output is None else Path(output)
    if output is not None and (folder or output.is_dir()):
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputProblem(f"--output: cannot make the directory {str(output)!r}: {exc.strerror}") from None
        kinds = [fmt] if fmt else list(FILES)
        for kind in kinds:
            _write(text(kind), output / FILES.get(kind, "worksheet.json"))
        click.echo(f"wrote {', '.join(FILES.get(k, 'worksheet.json') for k in kinds)} in {output}", err=True)
        return
    implied = None if output is None else FORMAT_OF_SUFFIX.get(output.suffix.lower())
    kind = fmt or (implied if implied in (*FILES, "json") else "csv")
    _write(text(kind), output)


@click.command()
@click.argument("sheets", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_model_option
@_data_option
@click.option("--summary", "only_summary", is_flag=True, help="With several sheets: only the class summary.")
@output_options
def check(sheets, model_path, data_path, only_summary, fmt):
    """Mark a filled-in worksheet, cell by cell, with follow-through.

    Each filled cell is right (up to rounding at your precision), right
    from your own earlier answers (follow-through), or wrong, with the
    likely mistake named and explained. The first wrong cell is shown with
    its worked formula twice: with your numbers and with the right ones.
    A sheet is marked against --model/--data when given, else model.yaml
    and data.yaml in its own folder (as nnstep exercise writes them), else
    the lecture's. Several sheets end with a class summary: per step
    and quantity the cells right, follows, wrong and blank, and the most
    frequent mistakes. Exit status 0 when no cell is wrong, 1 when one is,
    2 for bad input.

    \b
    Example:
      nnstep worksheet --rows 1 --output mine.csv
      nnstep check mine.csv
      nnstep check mine.csv --format json
      nnstep check a.csv b.csv --model model.yaml --data data.yaml
      nnstep check class/*/worksheet.csv --summary
    """
    from ..files.load import InputError
    from ..teach.check import Net, check_sheet
    from ..teach.classroom import inputs_for, summarize
    from ..teach.worksheet import read_sheet

    loaded: dict = {}  # (model file, data file) -> model, data and their right values
    results, inputs = [], []
    for path in sheets:
        try:
            files = inputs_for(path, model_path, data_path)
        except InputError as exc:
            raise InputProblem(str(exc)) from None
        if files not in loaded:
            model, data = _inputs(*files)
            loaded[files] = (model, data, Net(model, data))
        model, data, net = loaded[files]
        try:
            results.append(check_sheet(net, read_sheet(path, model, len(data))))
        except InputError as exc:
            raise InputProblem(str(exc)) from None
        inputs.append((model, data))
    summary = summarize(results) if len(results) > 1 else None
    if fmt == "json":
        if summary is None:
            _print_json(results[0].to_dict())
        else:
            from ..render.report import check_json

            _print_json(check_json(results, summary))
    else:
        from ..render.classroom import class_blocks
        from ..render.worksheet import check_blocks

        blocks = (
            []
            if summary is not None and only_summary
            else [
                b for r, (model, data) in zip(results, inputs) for b in check_blocks(r, model, data, terminal_width())
            ]
        )
        blocks += class_blocks(summary, compact=fmt == "table") if summary is not None else []
        _print(*blocks, blank_after_last=False)
    if not all(r.ok for r in results):
        sys.exit(1)
