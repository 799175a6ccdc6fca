"""nnstep search: grid search, random search and gradient descent, side by side (lecture 001)."""

from __future__ import annotations

import math
import sys

import click

from .. import names
from .common import (
    SEARCH,
    InputProblem,
    WholeNumber,
    _name_list,
    _print,
    _print_json,
    common_options,
)


def _range(ctx, param, value):
    try:
        low, high = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"expected LOW,HIGH, e.g. -1,1, got {value!r}") from None
    if not all(math.isfinite(v) and abs(v) <= 1e6 for v in (low, high)):
        raise click.BadParameter(f"expected numbers from -1e6 to 1e6, got {value!r}")
    if not low < high:
        raise click.BadParameter(f"expected LOW below HIGH, got {value!r}")
    return low, high


@click.command()
@common_options(conventions=SEARCH)
@click.option(
    "--method",
    "methods",
    type=click.Choice(names.SEARCH_METHODS),
    multiple=True,
    help="grid, random (Monte Carlo) or gd (gradient descent); repeat to compare. Default: all three.",
)
@click.option(
    "--params",
    callback=_name_list,
    metavar="NAME[,NAME...]",
    help="The parameters to search: weights as FROM-TO (IN1-H1, H3-ON), biases by node (H1, ON). "
    "Default: all. The others keep the model file's values.",
)
@click.option(
    "--range",
    "bounds",
    default="-1,1",
    show_default=True,
    callback=_range,
    metavar="LOW,HIGH",
    help="The range of the grid and of the random points.",
)
@click.option(
    "--step",
    type=click.FloatRange(min=0, min_open=True),
    default=0.1,
    show_default=True,
    help="The grid's step: [-1, 1] in steps of 0.1 gives 21 values per parameter.",
)
@click.option(
    "--budget",
    type=WholeNumber(1),
    default=10_000,
    show_default=True,
    help="Cost evaluations per method; a grid with more points is refused.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random search.")
@click.option("--counts", is_flag=True, help="Only print the grid sizes 21^n for n = 1..16 and 100 (lecture 001).")
def search(model, data, precision, fmt, methods, params, bounds, step, budget, seed, counts):
    """Grid search, random search and gradient descent, side by side.

    Each method gets the same budget of cost evaluations; the table shows
    the best Σ each has found after 1, 10, 100, ... evaluations. A grid
    needs 21^n evaluations for n parameters, so it is refused when that is
    more than the budget. One gradient-descent evaluation is a forward pass
    and its backpropagation.

    \b
    Example:
      nnstep search --params H1-ON,H2-ON,H3-ON
      nnstep search --method random --method gd --budget 100000
      nnstep search --counts
    """
    from .. import search as searching
    from ..render import report, views
    from ..teach.verify import slide_counts

    low, high = bounds
    per_weight = searching.grid_size(low, high, step)
    if per_weight > searching.MAX_PER_WEIGHT:
        raise InputProblem(
            f"--step: {step:g} gives more than {searching.MAX_PER_WEIGHT:,} grid values per parameter "
            f"on [{low:g}, {high:g}]; expected a larger step"
        )
    if counts:
        rows, slides = searching.count_table(per_weight), slide_counts(per_weight)
        if fmt == "json":
            return _print_json(report.counts_json(per_weight, low, high, step, rows, slides))
        return _print(*views.counts_views(rows, slides, per_weight, low, high, step))
    if model.regularization != "none":
        raise InputProblem(
            "search compares the cost of the data (Σ or C(W)); it does not take a regularisation penalty: "
            "leave out regularization"
        )
    try:
        chosen = searching.choose(model, params)
    except ValueError as exc:
        raise InputProblem(f"--params: {exc}") from None
    methods = list(dict.fromkeys(methods)) or ["grid", "random", "gd"]
    refused = None
    if "grid" in methods and searching.grid_count(per_weight, len(chosen)) > budget:
        refused = searching.GridTooLarge(per_weight, len(chosen), budget)
        if methods == ["grid"]:
            raise InputProblem(str(refused))
        methods.remove("grid")
    try:
        curves = searching.compare(model, data.inputs, data.targets, chosen, methods, budget, low, high, step, seed)
    except KeyboardInterrupt:
        click.echo("Interrupted (Ctrl-C).", err=True)
        sys.exit(130)
    grid_size = searching.grid_count(per_weight, len(chosen))
    marks = searching.checkpoints(budget, [grid_size] if "grid" in curves else [])
    if fmt == "json":
        return _print_json(report.search_json(chosen, budget, low, high, step, grid_size, refused, curves, marks))
    _print(*views.search_views(model, chosen, curves, marks, refused, precision, low, high, step, per_weight, seed))
