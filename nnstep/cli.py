"""The `nnstep` command: thin commands that load files, call the core and print tables or JSON.

The only module that imports click. Input problems become one line on stderr and exit status 2.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path
from typing import Callable, Optional

import click



class InputProblem(click.ClickException):
    """A bad input file or value: one line, exit status 2 (as for usage errors)."""

    exit_code = 2


def _inputs(model_path: Optional[Path], data_path: Optional[Path], overrides=None, trainable=False, targets=None):
    """Load and check the model and data files (the lecture's when not given). A CSV data file's
    target columns come from --targets, else from the model file's `targets`."""
    from . import files
    from .files import InputError, lecture_file

    model_path = model_path or lecture_file("model.yaml")
    data_path = data_path or lecture_file("data.yaml")
    try:
        if targets is None and data_path.suffix.lower() == ".csv":
            targets = files.model_targets(model_path)
        model, data = files.load_model(model_path, overrides), files.load_data(data_path, targets)
        files.check_fit(model, data, model_path, data_path)
        if trainable:
            files.check_trainable(model, model_path)
    except InputError as exc:
        key = re.split(r"[.\[]", exc.key or "")[0]
        if overrides and key in overrides and exc.path == str(model_path):
            option = next(o for o, k in CONVENTIONS.items() if k == key).replace("_mode", "").replace("_", "-")
            raise InputProblem(f"--{option}: {exc.detail}") from None
        raise InputProblem(str(exc)) from None
    return model, data


def _step(model, data):
    """Steps 3-6 once on the whole data set."""
    from .network import step

    return step(model, data.inputs, data.targets)


def _activation_list(ctx, param, value):
    if value is None:
        return None
    names = [v.strip() for v in value.split(",")]
    from .activations import ACTIVATIONS

    for name in names:
        if name not in ACTIVATIONS:
            raise click.BadParameter(f"expected names from {', '.join(ACTIVATIONS)}, got {name!r}")
    return names[0] if len(names) == 1 else names


def _name_list(ctx, param, value):
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise click.BadParameter(f"expected column names separated by commas, got {value!r}")
    return names


CONVENTIONS = {
    # option name -> model-file key
    "activation": "activation", "cost": "cost", "reduction": "reduction", "update_mode": "update",
    "batch_size": "batch_size", "layer_updates": "layer_updates", "update_biases": "update_biases",
    "optimizer": "optimizer", "learning_rate": "learning_rate",
}


def convention_options(f: Callable) -> Callable:
    """Options that override the model file's conventions (each default: the file's, else the lecture's)."""
    options = [
        click.option("--activation", callback=_activation_list, metavar="NAME[,NAME...]",
                     help="sigmoid, tanh, relu, linear, softmax (output layer only), step (forward only); "
                          "one name, or one per layer after the input layer."),
        click.option("--cost", type=click.Choice(["half_squared_error", "squared_error", "binary_cross_entropy",
                                                    "categorical_cross_entropy"]),
                     help="Cost of one observation (lecture: half_squared_error, 1/2 (yhat - y)^2)."),
        click.option("--reduction", type=click.Choice(["sum", "mean"]),
                     help="Costs and gradients summed (lecture) or averaged over observations."),
        click.option("--update", "update_mode", type=click.Choice(["batch", "online", "minibatch"]),
                     help="batch (lecture): one update per epoch; online: one per row; minibatch: one per --batch-size rows."),
        click.option("--batch-size", type=click.IntRange(min=1), help="Rows per update with --update minibatch."),
        click.option("--layer-updates", type=click.Choice(["simultaneous", "sequential"]),
                     help="simultaneous (lecture), or sequential: output layer first, hidden errors through its new weights."),
        click.option("--update-biases/--freeze-biases", default=None, help="Learn the biases (lecture) or keep them fixed."),
        click.option("--optimizer", type=click.Choice(["gd", "momentum", "adam"]),
                     help="gd (lecture), momentum or adam (default parameters; set others in the model file)."),
        click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Learning rate (lecture: 0.5)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def common_options(f: Callable) -> Callable:
    """--model, --data, --precision, --format and the convention options, shared by every command."""

    @click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False),
                  help="Model file (YAML): layers, activation, learning_rate, weights, biases. "
                       "Default: the lecture's 2-3-1 example.")
    @click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
                  help="Data file: YAML (columns, targets, rows) or CSV (a header row of column names). "
                       "Default: the lecture's 10 rows.")
    @click.option("--targets", callback=_name_list, metavar="NAME[,NAME...]",
                  help="The target columns of the data (for CSV; default: the model file's `targets`).")
    @click.option("--precision", type=click.IntRange(0, 15), default=None,
                  help="Decimals for every number. Default: each number as precise as the slides print it.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                  help="table: the slides' tables; json: every number at full precision.")
    @convention_options
    @functools.wraps(f)
    def wrapper(model_path, data_path, precision, fmt, **kwargs):
        overrides = {key: kwargs.pop(option) for option, key in CONVENTIONS.items()}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        trainable = f.__name__ != "forward"
        targets = kwargs.pop("targets")
        model, data = _inputs(model_path, data_path, overrides, trainable, targets)
        return f(model=model, data=data, precision=precision, fmt=fmt, **kwargs)

    return wrapper


def _print(*renderables) -> None:
    from rich.console import Console

    console = Console()
    for r in renderables:
        console.print(r)
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


def _epoch_list(ctx, param, value):
    if value is None:
        return ()
    try:
        epochs = sorted({int(v.replace("_", "").replace(",", "")) for v in value.split(",") if v.strip()})
    except ValueError:
        raise click.BadParameter(f"expected epoch numbers separated by commas, e.g. 1,10,100, got {value!r}") from None
    if not epochs or epochs[0] < 1:
        raise click.BadParameter(f"expected epoch numbers of at least 1, got {value!r}")
    return tuple(epochs)


def _plot_target(ctx, param, value):
    if value is None or value == "-":
        return value
    from .plot import FILE_TYPES

    if Path(value).suffix.lower() not in FILE_TYPES:
        raise click.BadParameter(f"expected a file name ending in {' or '.join(FILE_TYPES)}, got {value!r}")
    if not Path(value).parent.is_dir():
        raise click.BadParameter(f"no such directory: {str(Path(value).parent)!r}")
    return value


def _writable_file(ctx, param, value):
    if value is not None and not Path(value).parent.is_dir():
        raise click.BadParameter(f"no such directory: {str(Path(value).parent)!r}")
    return value


@main.command()
@common_options
@click.option("--epochs", type=click.IntRange(min=1), default=None,
              help="How many epochs (forward pass, backprop, update) to run. "
                   "Default: 8000, or the last of --snapshots.")
@click.option("--until", "goal", type=float, default=None, callback=_positive,
              help="Stop at the first epoch whose Σ (summed cost) is below GOAL, e.g. 0.001.")
@click.option("--snapshots", type=str, default=None, callback=_epoch_list, metavar="N,N,...",
              help="Also show the \"After N epochs\" view at each of these epochs, e.g. 1,10,100,1000,8000.")
@click.option("--plot", "plot_to", is_flag=False, flag_value="-", default=None, callback=_plot_target,
              metavar="[FILE]", help="Draw the cost curve (Σ per epoch): in the terminal, or into FILE.png or FILE.svg.")
@click.option("--log-scale", is_flag=True, help="Plot Σ on a logarithmic scale.")
@click.option("--save", "save_to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=_writable_file, help="Write the trained model to FILE (a model file every command reads).")
def train(model, data, precision, fmt, epochs, goal, snapshots, plot_to, log_scale, save_to):
    """Repeat Steps 3-6: the "After N epochs" slide.

    Shows the forward pass of epoch N (made with the weights after N - 1
    updates) with its Σ, and the weights and biases after N updates.
    Ctrl-C stops after the last completed epoch, shows it and still saves.

    \b
    Example:
      nnstep train --epochs 8000
      nnstep train --snapshots 1,10,100,1000,8000
      nnstep train --plot curve.png --save trained.yaml
      nnstep train --model model.yaml --data data.csv --targets Y
      nnstep train --epochs 10000 --until 0.001
    """
    if epochs is None:
        epochs = max(snapshots, default=8000)
    elif snapshots and snapshots[-1] > epochs:
        raise click.BadParameter(f"epoch {snapshots[-1]:,} is after the last epoch, {epochs:,} (--epochs)",
                                 param_hint="'--snapshots'")
    result = _run_training(model, data, epochs, goal, show_progress=fmt != "json", snapshots=snapshots)
    notes = []
    missed = [n for n in snapshots if n > result.epochs]
    if missed:
        notes.append(f"Not reached, training stopped at epoch {result.epochs:,}: snapshot"
                     f"{'s' if len(missed) > 1 else ''} {', '.join(f'{n:,}' for n in missed)}.")
    if result.interrupted:
        notes.append(f"Interrupted (Ctrl-C): training stopped after epoch {result.epochs:,}, the last one completed.")
    if save_to is not None:
        from .save import save_model

        n = result.epochs
        save_model(save_to, result.last.updated, f"Trained by nnstep: the weights after {n:,} update{'s' if n != 1 else ''}.",
                   data.target_names if data.from_csv else None)
        notes.append(f"Saved the model after {n:,} update{'s' if n != 1 else ''} to {save_to}.")
    if plot_to is not None and plot_to != "-":
        _plot_file(plot_to, result, goal, log_scale)
        notes.append(f"Cost curve written to {plot_to}.")
    if fmt == "json":
        _print_json(_train_json(result))
        for note in notes:
            click.echo(note, err=True)
    else:
        _print(*_train_views(model, data, result, precision))
        if goal is not None:
            s, n = result.last, result.epochs
            if result.goal_epoch is not None:
                click.echo(f"Goal reached: Σ = {s.cost.sum:.6g} < {goal:g} first at epoch {n:,}\n"
                           f"(the forward pass made with the weights after {n - 1:,} updates).")
            else:
                click.echo(f"Goal not reached: Σ is still {s.cost.sum:.6g} (not below {goal:g}) at epoch {n:,}.")
        if plot_to == "-":
            _plot_terminal(result, goal, log_scale)
        for note in notes:
            click.echo(note)
    if result.interrupted:
        sys.exit(130)


def _range(ctx, param, value):
    try:
        low, high = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"expected LOW,HIGH, e.g. -1,1, got {value!r}") from None
    if not low < high:
        raise click.BadParameter(f"expected LOW below HIGH, got {value!r}")
    return low, high


METHOD_NAMES = {"grid": "grid", "random": "random", "gd": "gradient descent"}


@main.command()
@common_options
@click.option("--method", "methods", type=click.Choice(list(METHOD_NAMES)), multiple=True,
              help="grid, random (Monte Carlo) or gd (gradient descent); repeat to compare. Default: all three.")
@click.option("--params", callback=_name_list, metavar="NAME[,NAME...]",
              help="The parameters to search: weights as FROM-TO (IN1-H1, H3-ON), biases by node (H1, ON). "
                   "Default: all. The others keep the model file's values.")
@click.option("--range", "bounds", default="-1,1", show_default=True, callback=_range, metavar="LOW,HIGH",
              help="The range of the grid and of the random points.")
@click.option("--step", type=click.FloatRange(min=0, min_open=True), default=0.1, show_default=True,
              help="The grid's step: [-1, 1] in steps of 0.1 gives 21 values per parameter.")
@click.option("--budget", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Cost evaluations per method; a grid with more points is refused.")
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
    from . import search as searching

    low, high = bounds
    per_weight = len(searching.grid_values(low, high, step))
    if counts:
        return _print_counts(searching, per_weight, low, high, step, fmt)
    try:
        chosen = searching.choose(model, params)
    except ValueError as exc:
        raise InputProblem(f"--params: {exc}") from None
    methods = list(dict.fromkeys(methods)) or list(METHOD_NAMES)
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
        return _print_json({
            "parameters": [p.name for p in chosen], "budget": budget, "range": [low, high], "step": step,
            "grid_points": grid_size,
            "refused": None if refused is None else {"method": "grid", "count": refused.count, "message": str(refused)},
            "methods": {name: {"evaluations": c.evaluations, "best": c.best_after(c.evaluations),
                               "values": dict(zip((p.name for p in chosen), c.values.tolist())),
                               "curve": [[k, c.best_after(k)] for k in marks]}
                        for name, c in curves.items()},
        })
    _print_search(model, chosen, curves, marks, refused, precision, low, high, step, per_weight, seed)


def _print_search(model, chosen, curves, marks, refused, precision, low, high, step, per_weight, seed):
    import textwrap

    from rich import box
    from rich.table import Table

    from .labels import fmt_significant

    decimals = 4 if precision is None else precision
    objective = "Σ" if model.reduction == "sum" else "C(W)"
    names = ", ".join(p.name for p in chosen) if len(chosen) <= 6 else "all of them"
    click.echo(textwrap.fill(f"Searching {len(chosen)} parameter{'s' if len(chosen) != 1 else ''}: {names} "
                             f"(the others keep the model file's values).", 80))
    click.echo()
    t = Table(title=f"Best {objective} after N cost evaluations", box=box.SIMPLE_HEAD, pad_edge=False,
              title_justify="left")
    t.add_column("evaluations", justify="right")
    for name in curves:
        t.add_column(METHOD_NAMES[name], justify="right")
    for k in marks:
        cells = []
        for c in curves.values():
            value = c.best_after(k) if k <= c.evaluations else None
            cells.append("" if value is None else fmt_significant(value, decimals))
        t.add_row(f"{k:,}", *cells)
    _print(t)
    how = {"grid": f"[{low:g}, {high:g}] in steps of {step:g} ({per_weight} values each)",
           "random": f"uniform on [{low:g}, {high:g}], seed {seed}",
           "gd": f"learning rate {model.learning_rate:g} from the model's weights"}
    if refused is not None:
        click.echo(textwrap.fill(f"grid: refused: {refused}.", 80, subsequent_indent="  "))
    for name, c in curves.items():
        best = c.best_after(c.evaluations)
        result = "no finite cost" if best is None else \
            f"best {objective} = {fmt_significant(best, decimals)} in {c.evaluations:,} evaluations"
        click.echo(textwrap.fill(f"{METHOD_NAMES[name]}, {how[name]}: {result}", 80, subsequent_indent="  "))


def _rounds_to(exact: int, printed: str) -> bool:
    """Whether `printed` (like 1.544723777391195e17) is `exact` to the digits it shows."""
    from decimal import Decimal

    value = Decimal(printed)
    return abs(Decimal(exact) - value) <= Decimal(5) * Decimal(10) ** (value.as_tuple().exponent - 1)


def _print_counts(searching, per_weight, low, high, step, fmt):
    rows = searching.count_table(per_weight)
    slides = searching.SLIDE_COUNTS if per_weight == 21 else {}
    if fmt == "json":
        return _print_json({"per_weight": per_weight, "range": [low, high], "step": step,
                            "counts": [{"n": n, "count": c, "slides": slides.get(n)} for n, c in rows]})
    from rich import box
    from rich.table import Table

    t = Table(title=f"Grid points for n parameters: {per_weight}^n ([{low:g}, {high:g}] in steps of {step:g})",
              box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left", caption_justify="left")
    t.add_column("n", justify="right")
    t.add_column(f"{per_weight}^n", justify="right")
    wrong = []
    if slides:
        t.add_column("lecture 001 prints", justify="right")
    for n, c in rows:
        exact = f"{c:,}" if n <= 16 else f"{float(c):.15g}".replace("e+", "e")
        cells = [str(n), exact]
        if slides:
            printed = slides[n]
            same = _rounds_to(c, printed)
            cells.append(printed + ("" if same else " ≠"))
            if not same:
                digits = len(printed.split("e")[0].replace(".", "")) if "e" in printed else 0
                rounded = f" ({float(c):.{digits - 1}e})".replace("e+", "e") if digits else ""
                wrong.append(f"dim({n}) = {printed} on the slide; {per_weight}^{n} = {c:,}{rounded}")
        t.add_row(*cells)
    _print(t)
    import textwrap

    for line in wrong:
        click.echo(textwrap.fill(f"≠ slide erratum: {line}", 80, subsequent_indent="  "))


TABLE_ROWS = 25  # above this many rows, train shows Σ and C(W) instead of a table of every row


def _train_views(model, data, result, precision):
    """The "After N epochs" view of each snapshot and of the last epoch."""
    from .tables import bias_table, forward_table, precision_for, weights_table

    views = []
    shown = dict(result.snapshots)
    shown.setdefault(result.epochs, result.last)
    for n, s in sorted(shown.items()):
        p = precision_for(precision, n)
        plural = "s" if n != 1 else ""
        title = f"After {n:,} epoch{plural}: forward pass of epoch {n:,}"
        if len(data) <= TABLE_ROWS:
            views.append(forward_table(model, data, s.forward, s.cost, p, title))
        else:
            from .labels import fmt_significant

            views.append(f"{title}\n\nΣ = {fmt_significant(s.cost.sum, p.cost)}   C(W) = Σ / {len(data):,} = "
                         f"{fmt_significant(s.cost.mean, p.cost)}\n({len(data):,} rows: the table of every row is "
                         f"left out; --format json has them)")
        views += [weights_table(model.layers, s.updated.weights, p, f"Weights after {n:,} update{plural}"),
                  bias_table(model.layers, {"Bias": s.updated.biases}, p, f"Biases after {n:,} update{plural}")]
    return views


def _train_json(result) -> dict:
    from .report import step_json

    s = result.last
    out = step_json(s.updated, s.forward, s.cost, s.backward, epochs=result.epochs, goal_epoch=result.goal_epoch,
                    interrupted=result.interrupted, costs=result.costs.tolist())
    if result.snapshots:
        out["snapshots"] = [{"epoch": n, **step_json(snap.updated, snap.forward, snap.cost, snap.backward)}
                            for n, snap in result.snapshots]
    return out


def _plot_unavailable(library: str):
    return click.ClickException(f"--plot needs {library}, which is not installed: pip install 'nnstep[plot]'")


def _plot_terminal(result, goal, log_scale):
    from . import plot

    try:
        text = plot.terminal_plot(result.costs, goal, result.goal_epoch, log=log_scale, color=sys.stdout.isatty())
    except plot.PlotUnavailable as exc:
        raise _plot_unavailable(str(exc)) from None
    click.echo(text)


def _plot_file(path, result, goal, log_scale):
    from . import plot

    try:
        plot.save_plot(path, result.costs, goal, result.goal_epoch, log=log_scale)
    except plot.PlotUnavailable as exc:
        raise _plot_unavailable(str(exc)) from None


def _run_training(model, data, epochs, goal, show_progress, snapshots=()):
    """Train, with a progress bar on stderr when it is a terminal."""
    from . import network

    try:
        return _train_with_progress(network, model, data, epochs, goal, show_progress, snapshots)
    except network.Diverged as exc:
        raise click.ClickException(f"{exc}; try a smaller --learning-rate") from None
    except KeyboardInterrupt:
        click.echo("Interrupted (Ctrl-C) before the first epoch completed: nothing to show or save.", err=True)
        sys.exit(130)


def _train_with_progress(network, model, data, epochs, goal, show_progress, snapshots=()):
    if not (show_progress and sys.stderr.isatty()):
        return network.train(model, data.inputs, data.targets, epochs, goal, snapshots=snapshots)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Training", total=epochs)
        every = max(1, epochs // 100)

        def tick(epoch: int) -> None:
            if epoch % every == 0:
                progress.update(task, completed=epoch)

        return network.train(model, data.inputs, data.targets, epochs, goal, on_epoch=tick, snapshots=snapshots)
