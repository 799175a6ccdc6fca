"""nnstep normalize (Step 1 a) and nnstep gradcheck."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    FORWARD,
    InputProblem,
    _finite,
    _name_list,
    _print,
    _print_json,
    _write,
    common_options,
)


@click.command()
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Raw data file (YAML: columns, targets, rows; or CSV). Default: the lecture's raw values.",
)
@click.option(
    "--targets",
    callback=_name_list,
    metavar="NAME[,NAME...]",
    help="The target columns, kept as they are (for CSV; a YAML file names its own).",
)
@click.option(
    "--decimals",
    type=click.IntRange(0, 15),
    default=2,
    show_default=True,
    help="Round the z-scores as the slides do (Step 1 a).",
)
@click.option("--unrounded", is_flag=True, help="Keep the z-scores at full precision.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the normalized data file here (atomically).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "yaml"]),
    default="table",
    show_default=True,
    help="table: means, standard deviations and z-scores; json; yaml: the data file itself.",
)
def normalize(data_path, targets, decimals, unrounded, output, fmt):
    """Step 1 a): z-scores of the inputs, X' = (X - mean) / std.

    Uses the sample standard deviation (n - 1) and rounds to 2 decimals, as
    the lecture does; the targets are kept as they are. The result is a data
    file ready for the other commands.

    \b
    Example:
      nnstep normalize                                   # the lecture's raw data
      nnstep normalize --data raw.yaml --output data.yaml
    """
    from ..files.load import InputError, data_yaml, example_file, load_data
    from ..normalize import z_scores

    data_path = data_path or example_file("lecture", "raw.yaml")
    try:
        data = load_data(data_path, targets, model_file=False)
        z = z_scores(data.inputs, None if unrounded else decimals)
    except InputError as exc:
        raise InputProblem(str(exc)) from None
    except ValueError as exc:
        raise InputProblem(f"{data_path}: rows: {exc}") from None
    columns = list(data.target_names + data.input_names)
    rows = [list(t) + list(x) for t, x in zip(data.targets, z.values)]
    text = data_yaml(columns, list(data.target_names), rows, data.recovered)
    if output is not None:
        _write(text, output)
    if fmt == "yaml":
        return click.echo(text, nl=False)
    if fmt == "json":
        from ..render.report import normalize_json

        return _print_json(normalize_json(columns, data.input_names, z, rows))
    from ..render.tables import normalize_tables

    _print(*normalize_tables(data, z, None if unrounded else decimals))
    if output is not None:
        click.echo(f"Wrote {output}")


@click.command()
@common_options(conventions=FORWARD)
def gradcheck(model, data, precision, fmt):
    """Check backpropagation against central finite differences.

    For every weight and bias: the gradient backprop gives, the central
    difference (C(w + h) - C(w - h)) / 2h of the cost, and their relative
    difference. Differences near 1e-8 or below mean backprop is right.

    \b
    Example:
      nnstep gradcheck
      nnstep gradcheck --cost squared_error --reduction mean
    """
    from ..gradcheck import gradient_check
    from ..labels import node_label

    check = gradient_check(model, data.inputs, data.targets)
    _finite([r[3:] for r in check.rows], check.largest, what="gradcheck")

    def name(kind, layer, idx):
        if kind == "b":
            return f"bias {node_label(model.layers, layer + 1, idx[0])}"
        return f"{node_label(model.layers, layer, idx[0])} → {node_label(model.layers, layer + 1, idx[1])}"

    rows = [(name(k, l, i), a, n, r) for k, l, i, a, n, r in check.rows]
    if fmt == "json":
        from ..render.report import gradcheck_json

        return _print_json(gradcheck_json(rows, check.largest))
    from ..render.tables import gradcheck_table

    verdict = "backprop agrees with finite differences" if check.largest < 1e-6 else "CHECK THE GRADIENTS"
    _print(
        gradcheck_table(rows, 8 if precision is None else precision),
        f"Largest relative difference: {check.largest:.1e}, {verdict}",
    )
