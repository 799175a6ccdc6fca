"""The `nnstep` command: thin commands that load files, call the core and print tables or JSON.

The only module that imports click. Input problems become one line on stderr and exit status 2.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from pathlib import Path
from typing import Callable, Optional

import click

from .notation import NOTATIONS  # light: the notation module imports no numpy, rich or yaml

FORMATS = ["table", "json", "markdown", "latex", "csv", "html", "svg"]  # export.FORMATS after table and json


class InputProblem(click.ClickException):
    """A bad input file or value: one line, exit status 2 (as for usage errors)."""

    exit_code = 2


def _writable_file(ctx, param, value):
    """A file to write: its directory must exist (the file itself is written atomically later)."""
    if value is not None and not Path(value).parent.is_dir():
        raise click.BadParameter(f"no such directory: {str(Path(value).parent)!r}")
    return value


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
            raise InputProblem(f"{OPTION_OF_KEY[key]}: {exc.detail}") from None
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
    # click parameter name -> (model-file key, the option as the user types it)
    "activation": ("activation", "--activation"), "cost": ("cost", "--cost"),
    "reduction": ("reduction", "--reduction"), "update_mode": ("update", "--update"),
    "batch_size": ("batch_size", "--batch-size"), "layer_updates": ("layer_updates", "--layer-updates"),
    "update_biases": ("update_biases", "--update-biases"), "optimizer": ("optimizer", "--optimizer"),
    "learning_rate": ("learning_rate", "--learning-rate"),
}
OPTION_OF_KEY = {key: flag for key, flag in CONVENTIONS.values()}


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


def output_options(f: Callable) -> Callable:
    """--format and --output, shared by every command; _print and _print_json obey them."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help="table: the slides' tables; json: every number at full precision; markdown, latex "
                       "(booktabs), csv, html, svg: the same tables (and worked formulas) to paste into slides.")
    @click.option("--output", "output", type=click.Path(path_type=Path, dir_okay=False), default=None,
                  help="Write to FILE instead of the terminal (written atomically: a temporary file, then renamed).")
    @functools.wraps(f)
    def wrapper(fmt, output, **kwargs):
        meta = click.get_current_context().meta
        meta["nnstep.format"], meta["nnstep.output"] = fmt, output
        return f(fmt=fmt, **kwargs)

    return wrapper


def common_options(f: Callable) -> Callable:
    """--model, --data, --precision, --format, --output and the convention options, shared by every command."""

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
    @click.option("--notation", type=click.Choice(NOTATIONS), default="slides", show_default=True,
                  help="slides: input, error, BPE as in the lecture; matrix: z, a, δ = ∂J/∂z, W, b, J.")
    @output_options
    @convention_options
    @functools.wraps(f)
    def wrapper(model_path, data_path, precision, fmt, notation, **kwargs):
        click.get_current_context().meta["nnstep.notation"] = notation
        overrides = {key: kwargs.pop(name) for name, (key, _) in CONVENTIONS.items()}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        trainable = f.__name__ != "forward"
        targets = kwargs.pop("targets")
        model, data = _inputs(model_path, data_path, overrides, trainable, targets)
        return f(model=model, data=data, precision=precision, fmt=fmt, **kwargs)

    return wrapper


def work_options(f: Callable) -> Callable:
    """--show-work and the options that narrow or change it (each of them implies --show-work)."""

    @click.option("--show-work", is_flag=True,
                  help="Print each number as the slides derive it: formula, numbers substituted, result.")
    @click.option("--row", type=click.IntRange(min=1), default=None,
                  help="The observation (from 1) to show the work for. Default: 1, as the slides do.")
    @click.option("--node", default=None, metavar="CELL",
                  help="Only this node (H1, ON) or, for update, this weight (IN1-H1 or 'IN1->H1').")
    @click.option("--round-intermediates", "round_to", type=click.IntRange(0, 12), default=None, metavar="K",
                  help="Recompute by hand: round every intermediate value to K decimals before using it, "
                       "and show the full-precision result wherever it prints differently.")
    @functools.wraps(f)
    def wrapper(show_work, row, node, round_to, **kwargs):
        show = show_work or row is not None or node is not None or round_to is not None
        return f(work=(row or 1, node, round_to) if show else None, **kwargs)

    return wrapper


def _write(text: str, output: Optional[Path]) -> None:
    """To stdout, or to `output` atomically: a temporary file in the same directory, then os.replace."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .files import write_atomically

    if not output.parent.is_dir():
        raise InputProblem(f"--output: {output}: no such directory {str(output.parent)!r}")
    try:
        write_atomically(output, text)
    except OSError as exc:
        raise InputProblem(f"--output: {output}: cannot be written ({exc.strerror})") from None


def _show_work(step: str, model, data, precision, fmt, work) -> None:
    """The worked formulas of one step, for one row (and one node or weight, if asked)."""
    from .labels import Precision
    from .tables import precision_for
    from .work import cells, only, work_json, worked

    row, node, round_to = work
    if step == "update":
        from . import views

        different = views.unlike_the_lecture(model)
        if different:
            raise InputProblem(f"--show-work: the worked update is the lecture's full-batch gradient descent; "
                               f"this model uses {different} (nnstep update shows its numbers)")
    if row > len(data):
        raise InputProblem(f"--row: expected a row number from 1 to {len(data)}, got {row}")
    if precision is None and round_to is not None:
        p = Precision.uniform(round_to, trim_given=True)
    else:
        p = precision_for(precision)
    sheets = worked(step, model, data, row, p, round_to)
    if node is not None:
        chosen = only(sheets, node)
        if not chosen:
            known = cells(sheets)
            nodes = ", ".join(c for c in known if "->" not in c and c != "cost")
            weights = [c for c in known if "->" in c]
            extra = f", or a weight such as {weights[0]}" if weights else ""
            raise InputProblem(f"--node: no worked formula for {node!r} in {step}; expected a node ({nodes}){extra}")
        sheets = chosen
    if fmt == "json":
        return _print_json({"step": step, "row": row, "round_intermediates": round_to, "sheets": work_json(sheets)})
    _print(*sheets)


def _print(*blocks, blank_after_last: bool = True) -> None:
    """Tables, worked-formula sheets and notes, in the command's --format, to stdout or --output
    (None blocks, such as the bias table of a network without biases, are left out)."""
    meta = click.get_current_context().meta
    notation = meta.get("nnstep.notation", "slides")
    if notation != "slides":
        from .notation import block

        blocks = tuple(block(b, notation) for b in blocks)
    blocks = tuple(b for b in blocks if b is not None)
    fmt, output = meta.get("nnstep.format", "table"), meta.get("nnstep.output")
    if fmt == "table" and output is None:
        from rich.console import Console

        from .export import renderables

        console = Console()
        shown = renderables(blocks)
        for k, r in enumerate(shown):
            console.print(r)
            if blank_after_last or k < len(shown) - 1:
                console.print()
        return
    from .export import export, plain_text

    ctx = click.get_current_context()
    title = "nnstep" if ctx.parent is None else f"nnstep {ctx.info_name}"
    _write(plain_text(blocks, title) if fmt == "table" else export(blocks, fmt, title), output)


def _print_json(payload: dict) -> None:
    _write(json.dumps(payload, indent=2) + "\n", click.get_current_context().meta.get("nnstep.output"))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nnstep")
@output_options
@click.pass_context
def main(ctx: click.Context, fmt: str) -> None:
    """Step through a neural network's training one number at a time.

    With no command, runs one full step of the lecture's 2-3-1 example:
    forward pass and cost, backpropagation, and the weight update
    (--format and --output apply to that; a command has its own).

    \b
    Example:
      nnstep                         # the lecture, Steps 3-6
      nnstep --format markdown       # the same tables in Markdown
      nnstep forward --precision 4   # Steps 3-4 with 4 decimals
      nnstep train --epochs 8000     # the "After 8'000 epochs" slide
      nnstep verify                  # every printed number, checked
    """
    if ctx.invoked_subcommand is not None:
        if fmt != "table" or ctx.meta.get("nnstep.output") is not None:
            raise click.UsageError("--format and --output go after the command, e.g. nnstep forward --format latex")
        return
    model, data = _inputs(None, None)
    from .tables import Precision

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(s.updated, s.forward, s.cost, s.backward))
    p = Precision.slides()
    from . import views

    _print(*views.forward_views(model, data, s.forward, s.cost, p, "Steps 3-4: Forward pass and cost"),
           *views.backprop_views(model, data, s, p), *views.update_views(model, s, p, len(data)))


@main.command()
@common_options
@work_options
def forward(model, data, precision, fmt, work):
    """Steps 3-4: forward propagation and the cost of every observation.

    Prints Y, the inputs, the hidden activations H1..Hn, the output and the
    cost 1/2 (yhat - y)^2 of each row, with their sum (Σ) and mean C(W).

    \b
    Example:
      nnstep forward
      nnstep forward --show-work --row 1 --node H1
      nnstep forward --format latex --output forward.tex
      nnstep forward --model model.yaml --data data.yaml --format json
    """
    if work is not None:
        return _show_work("forward", model, data, precision, fmt, work)
    from .tables import precision_for

    from .network import cost, forward

    fp = forward(model, data.inputs)
    c = cost(model, fp, data.targets)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(model, fp, c))
    from . import views

    _print(*views.forward_views(model, data, fp, c, precision_for(precision), "Steps 3-4: Forward pass and cost"))


@main.command()
@common_options
@work_options
def backprop(model, data, precision, fmt, work):
    """Step 5: backpropagation errors of every node and observation.

    Err ON = yhat - y, BPE = Err × f'(input sum), Err H = BPE ON × w(H → ON),
    and the gradients summed over all observations.

    \b
    Example:
      nnstep backprop
      nnstep backprop --precision 5
      nnstep backprop --show-work --node H1
      nnstep backprop --round-intermediates 2
    """
    if work is not None:
        return _show_work("backprop", model, data, precision, fmt, work)
    from .tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(model, s.forward, s.cost, s.backward))
    from . import views

    _print(*views.backprop_views(model, data, s, precision_for(precision)))


@main.command()
@common_options
@work_options
def update(model, data, precision, fmt, work):
    """Step 6: one full-batch update of every weight and bias.

    w(from → to) -= learning rate × Σ BPE(to) × a(from), b -= learning rate × Σ BPE,
    every gradient taken from the same forward pass and summed over the rows.

    \b
    Example:
      nnstep update
      nnstep update --format json
      nnstep update --show-work --node IN1-H1
      nnstep update --show-work --node ON --round-intermediates 3
    """
    if work is not None:
        return _show_work("update", model, data, precision, fmt, work)
    from .tables import bias_table, precision_for, weights_table

    s = _step(model, data)
    if fmt == "json":
        from .report import step_json

        return _print_json(step_json(s.updated, s.forward, s.cost, s.backward))
    p = precision_for(precision)
    from . import views

    _print(weights_table(model.layers, model.weights, p, "Step 2: Weights before the update"),
           *views.update_views(model, s, p, len(data)))


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
    return _writable_file(ctx, param, value)


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
      nnstep train --epochs 8000 --format markdown --output after-8000.md
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
        from .report import train_json

        _print_json(train_json(result))
        for note in notes:
            click.echo(note, err=True)
    else:
        from . import views

        blocks = views.train_views(model, data, result, precision)
        if goal is not None:
            s, n = result.last, result.epochs
            name = "Σ" if model.reduction == "sum" else "C(W)"
            if result.goal_epoch is not None:
                blocks.append(f"Goal reached: {name} = {s.cost.objective:.6g} < {goal:g} first at epoch {n:,}\n"
                             f"(the forward pass made with the weights after {n - 1:,} updates).")
            else:
                blocks.append(f"Goal not reached: {name} is still {s.cost.objective:.6g} (not below {goal:g}) "
                             f"at epoch {n:,}.")
        _print(*blocks)
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
    if not all(math.isfinite(v) and abs(v) <= 1e6 for v in (low, high)):
        raise click.BadParameter(f"expected numbers from -1e6 to 1e6, got {value!r}")
    if not low < high:
        raise click.BadParameter(f"expected LOW below HIGH, got {value!r}")
    return low, high


@main.command()
@common_options
@click.option("--method", "methods", type=click.Choice(["grid", "random", "gd"]), multiple=True,
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
    from . import views

    low, high = bounds
    per_weight = searching.grid_size(low, high, step)
    if per_weight > searching.MAX_PER_WEIGHT:
        raise InputProblem(f"--step: {step:g} gives more than {searching.MAX_PER_WEIGHT:,} grid values per parameter "
                           f"on [{low:g}, {high:g}]; expected a larger step")
    if counts:
        rows, slides = searching.count_table(per_weight), views.slide_counts(per_weight)
        if fmt == "json":
            return _print_json({"per_weight": per_weight, "range": [low, high], "step": step,
                                "counts": [{"n": n, "count": c, "slides": slides[n].entry.show(slides[n].entry.printed)
                                            if n in slides else None} for n, c in rows]})
        return _print(*views.counts_views(rows, slides, per_weight, low, high, step))
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
        return _print_json({
            "parameters": [p.name for p in chosen], "budget": budget, "range": [low, high], "step": step,
            "grid_points": grid_size,
            "refused": None if refused is None else {"method": "grid", "count": refused.count, "message": str(refused)},
            "methods": {name: {"evaluations": c.evaluations, "best": c.best_after(c.evaluations),
                               "values": dict(zip((p.name for p in chosen), c.values.tolist())),
                               "curve": [[k, c.best_after(k)] for k in marks]}
                        for name, c in curves.items()},
        })
    _print(*views.search_views(model, chosen, curves, marks, refused, precision, low, high, step, per_weight, seed))


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


@main.command()
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Raw data file (YAML: columns, targets, rows; or CSV). Default: the lecture's raw values.")
@click.option("--targets", callback=_name_list, metavar="NAME[,NAME...]",
              help="The target columns, kept as they are (for CSV; a YAML file names its own).")
@click.option("--decimals", type=click.IntRange(0, 15), default=2, show_default=True,
              help="Round the z-scores as the slides do (Step 1 a).")
@click.option("--unrounded", is_flag=True, help="Keep the z-scores at full precision.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the normalized data file here (atomically).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "yaml"]), default="table", show_default=True,
              help="table: means, standard deviations and z-scores; json; yaml: the data file itself.")
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
    from .files import InputError, data_yaml, example_file, load_data
    from .normalize import z_scores

    data_path = data_path or example_file("lecture", "raw.yaml")
    try:
        data = load_data(data_path, targets)
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
        return _print_json({"columns": columns, "means": dict(zip(data.input_names, z.means.tolist())),
                            "stds": dict(zip(data.input_names, z.stds.tolist())), "rows": rows})
    from .tables import normalize_tables

    _print(*normalize_tables(data, z, None if unrounded else decimals))
    if output is not None:
        click.echo(f"Wrote {output}")


@main.command()
@common_options
def gradcheck(model, data, precision, fmt):
    """Check backpropagation against central finite differences.

    For every weight and bias: the gradient backprop gives, the central
    difference (C(w + h) - C(w - h)) / 2h of the cost, and their relative
    difference. Differences near 1e-8 or below mean backprop is right.

    \b
    Example:
      nnstep gradcheck
      nnstep gradcheck --model model.yaml --data data.yaml --cost binary_cross_entropy
    """
    from .gradcheck import gradient_check
    from .labels import node_label

    check = gradient_check(model, data.inputs, data.targets)

    def name(kind, layer, idx):
        if kind == "b":
            return f"bias {node_label(model.layers, layer + 1, idx[0])}"
        return f"{node_label(model.layers, layer, idx[0])} → {node_label(model.layers, layer + 1, idx[1])}"

    rows = [(name(k, l, i), a, n, r) for k, l, i, a, n, r in check.rows]
    if fmt == "json":
        return _print_json({"parameters": [{"name": r[0], "backprop": r[1], "finite_difference": r[2],
                                            "relative_difference": r[3]} for r in rows],
                            "largest_relative_difference": check.largest})
    from .tables import gradcheck_table

    verdict = "backprop agrees with finite differences" if check.largest < 1e-6 else "CHECK THE GRADIENTS"
    _print(gradcheck_table(rows, 8 if precision is None else precision),
           f"Largest relative difference: {check.largest:.1e}, {verdict}")


@main.command()
@output_options
@click.option("--golden", "golden_paths", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="A golden file to check (repeatable). Default: every golden file shipped with nnstep.")
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
      nnstep verify --golden fixtures/golden/grid_search.yaml --format csv --output grid.csv
    """
    from . import verify as checks
    from .files import InputError

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
