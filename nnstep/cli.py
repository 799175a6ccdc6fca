"""The `nnstep` command: thin commands that load files, call the core and print tables or JSON.

The only module that imports click. Input problems become one line on stderr and exit status 2.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Callable, Optional

import click



class InputProblem(click.ClickException):
    """A bad input file or value: one line, exit status 2 (as for usage errors)."""

    exit_code = 2


def _inputs(model_path: Optional[Path], data_path: Optional[Path]):
    """Load and check the model and data files (the lecture's when not given)."""
    from . import files
    from .files import InputError, lecture_file

    model_path = model_path or lecture_file("model.yaml")
    data_path = data_path or lecture_file("data.yaml")
    try:
        model, data = files.load_model(model_path), files.load_data(data_path)
        files.check_fit(model, data, model_path, data_path)
    except InputError as exc:
        raise InputProblem(str(exc)) from None
    return model, data


def _step(model, data):
    """Steps 3-6 once on the whole data set."""
    from .network import step

    return step(model, data.inputs, data.targets)


def common_options(f: Callable) -> Callable:
    """--model, --data, --precision and --format, shared by every command."""

    @click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False),
                  help="Model file (YAML): layers, activation, learning_rate, weights, biases. "
                       "Default: the lecture's 2-3-1 example.")
    @click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
                  help="Data file (YAML): columns, targets, rows. Default: the lecture's 10 rows.")
    @click.option("--precision", type=click.IntRange(0, 15), default=None,
                  help="Decimals for every number. Default: each number as precise as the slides print it.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                  help="table: the slides' tables; json: every number at full precision.")
    @functools.wraps(f)
    def wrapper(model_path, data_path, precision, fmt, **kwargs):
        model, data = _inputs(model_path, data_path)
        return f(model=model, data=data, precision=precision, fmt=fmt, **kwargs)

    return wrapper


def _print(*renderables) -> None:
    from rich.console import Console

    from .tables import TableData, rich_table

    console = Console()
    for r in renderables:
        console.print(rich_table(r) if isinstance(r, TableData) else r)
        console.print()


def _print_json(payload: dict) -> None:
    click.echo(json.dumps(payload, indent=2))


def _forward_views(model, data, s, p, title):
    from .tables import bias_table, forward_table, weights_table

    return [
        forward_table(model, data, s.forward, s.cost, p, title),
        weights_table(model.layers, model.weights, p, "Weights"),
        bias_table(model.layers, {"Bias": model.biases}, p, "Biases"),
    ]


def _backprop_views(model, data, s, p):
    from .tables import backprop_table, bias_table, weights_table

    n = len(data)
    return [
        backprop_table(model, data, s.backward, p, "Step 5: Backpropagation"),
        weights_table(model.layers, s.backward.weight_gradients, p,
                      f"dCost/dw, summed over {n} rows"),
        bias_table(model.layers, {"dCost/db": s.backward.bias_gradients}, p,
                   f"dCost/db, summed over {n} rows"),
    ]


def _update_views(model, s, p):
    from .tables import bias_table, weights_table

    lr = model.learning_rate
    return [
        weights_table(model.layers, s.updated.weights, p, f"Step 6: Weights, w - {lr:g} × dCost/dw"),
        bias_table(model.layers, {"Bias before": model.biases, "Bias after": s.updated.biases}, p,
                   f"Step 6: Biases, b - {lr:g} × dCost/db"),
    ]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nnstep")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Step through a neural network's training one number at a time.

    With no command, runs one full step of the lecture's 2-3-1 example:
    forward pass and cost, backpropagation, and the weight update.

    \b
    Example:
      nnstep                         # the lecture, Steps 3-6
      nnstep forward --precision 4   # Steps 3-4 with 4 decimals
      nnstep train --epochs 8000     # the "After 8'000 epochs" slide
    """
    if ctx.invoked_subcommand is None:
        model, data = _inputs(None, None)
        from .tables import Precision

        s = _step(model, data)
        p = Precision.slides()
        _print(*_forward_views(model, data, s, p, "Steps 3-4: Forward pass and cost"),
               *_backprop_views(model, data, s, p), *_update_views(model, s, p))


@main.command()
@common_options
def forward(model, data, precision, fmt):
    """Steps 3-4: forward propagation and the cost of every observation.

    Prints Y, the inputs, the hidden activations H1..Hn, the output and the
    cost 1/2 (yhat - y)^2 of each row, with their sum (Σ) and mean C(W).

    \b
    Example:
      nnstep forward
      nnstep forward --model model.yaml --data data.yaml --format json
    """
    from .tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(model, s.forward, s.cost))
    _print(*_forward_views(model, data, s, precision_for(precision), "Steps 3-4: Forward pass and cost"))


@main.command()
@common_options
def backprop(model, data, precision, fmt):
    """Step 5: backpropagation errors of every node and observation.

    Err ON = yhat - y, BPE = Err × f'(input sum), Err H = BPE ON × w(H → ON),
    and the gradients summed over all observations.

    \b
    Example:
      nnstep backprop
      nnstep backprop --precision 5
    """
    from .tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(model, s.forward, s.cost, s.backward))
    _print(*_backprop_views(model, data, s, precision_for(precision)))


@main.command()
@common_options
def update(model, data, precision, fmt):
    """Step 6: one full-batch update of every weight and bias.

    w(from → to) -= learning rate × Σ BPE(to) × a(from), b -= learning rate × Σ BPE,
    every gradient taken from the same forward pass and summed over the rows.

    \b
    Example:
      nnstep update
      nnstep update --format json
    """
    from .tables import bias_table, precision_for, weights_table

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(s.updated, s.forward, s.cost, s.backward))
    p = precision_for(precision)
    _print(weights_table(model.layers, model.weights, p, "Step 2: Weights before the update"),
           *_update_views(model, s, p))


def _positive(ctx, param, value):
    if value is not None and not value > 0:
        raise click.BadParameter(f"expected a positive number, got {value}")
    return value


@main.command()
@common_options
@click.option("--epochs", type=click.IntRange(min=1), default=8000, show_default=True,
              help="How many epochs (forward pass, backprop, update) to run.")
@click.option("--until", "goal", type=float, default=None, callback=_positive,
              help="Stop at the first epoch whose Σ (summed cost) is below GOAL, e.g. 0.001.")
def train(model, data, precision, fmt, epochs, goal):
    """Repeat Steps 3-6: the "After N epochs" slide.

    Shows the forward pass of epoch N (made with the weights after N - 1
    updates) with its Σ, and the weights and biases after N updates.

    \b
    Example:
      nnstep train --epochs 8000
      nnstep train --epochs 10000 --until 0.001
    """
    from .tables import precision_for

    result = _run_training(model, data, epochs, goal, show_progress=fmt != "json")
    s = result.last
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(s.updated, s.forward, s.cost, s.backward,
                                     epochs=result.epochs, goal_epoch=result.goal_epoch))
    from .tables import bias_table, forward_table, weights_table

    p = precision_for(precision, result.epochs)
    n = result.epochs
    views = [
        forward_table(model, data, s.forward, s.cost, p, f"After {n:,} epoch{'s' if n != 1 else ''}: forward pass of epoch {n:,}"),
        weights_table(model.layers, s.updated.weights, p, f"Weights after {n:,} update{'s' if n != 1 else ''}"),
        bias_table(model.layers, {"Bias": s.updated.biases}, p, f"Biases after {n:,} update{'s' if n != 1 else ''}"),
    ]
    _print(*views)
    if goal is not None:
        if result.goal_epoch is not None:
            click.echo(f"Goal reached: Σ = {s.cost.sum:.6g} < {goal:g} first at epoch {n:,} "
                       f"(the forward pass made with the weights after {n - 1:,} updates).")
        else:
            click.echo(f"Goal not reached: Σ is still {s.cost.sum:.6g} (not below {goal:g}) at epoch {n:,}.")


def _run_training(model, data, epochs, goal, show_progress):
    """Train, with a progress bar on stderr when it is a terminal."""
    from . import network

    if not (show_progress and sys.stderr.isatty()):
        return network.train(model, data.inputs, data.targets, epochs, goal)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Training", total=epochs)
        every = max(1, epochs // 100)

        def tick(epoch: int) -> None:
            if epoch % every == 0:
                progress.update(task, completed=epoch)

        return network.train(model, data.inputs, data.targets, epochs, goal, on_epoch=tick)
