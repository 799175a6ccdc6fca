"""Repeating Steps 3-6: nnstep train, with snapshots, a cost curve and --save."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from .common import (
    WholeNumber,
    _check_rows,
    _finite,
    _print,
    _print_json,
    _writable_file,
    common_options,
    keeps_every_row,
    rows_option,
    whole_number,
    write_failure,
)


def _positive(ctx, param, value):
    if value is not None and not value > 0:
        raise click.BadParameter(f"expected a positive number, got {value}")
    return value


def _epoch_list(ctx, param, value):
    if value is None:
        return ()
    try:
        epochs = sorted({whole_number(v, "'_") for v in value.split(",") if v.strip()})
    except ValueError:
        raise click.BadParameter(f"expected epoch numbers separated by commas, e.g. 1,10,100, got {value!r}") from None
    if not epochs or epochs[0] < 1:
        raise click.BadParameter(f"expected epoch numbers of at least 1, got {value!r}")
    return tuple(epochs)


def _plot_target(ctx, param, value):
    if value is None:
        return value
    from ..render import plot

    if value != "-" and Path(value).suffix.lower() not in plot.FILE_TYPES:
        raise click.BadParameter(f"expected a file name ending in {' or '.join(plot.FILE_TYPES)}, got {value!r}")
    try:
        plot.require(to_file=value != "-")
    except plot.PlotUnavailable as exc:
        raise _plot_unavailable(str(exc)) from None
    return value if value == "-" else _writable_file(ctx, param, value)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def _updates_text(model, rows: int, epochs: int) -> str:
    """How many updates made the saved weights: '50 updates', '20 updates (2 epochs)' (online),
    '50 more updates, 100 in all' (resumed from a saved optimizer state, which counts them)."""
    size = {"batch": rows, "online": 1}.get(model.update, model.batch_size)
    made = epochs * -(-rows // size)
    start = model.optimizer_state.steps if model.optimizer_state is not None else 0
    text = _plural(made, "more update" if start else "update")
    if made != epochs:
        text += f" ({_plural(epochs, 'epoch')})"
    return text + (f", {start + made:,} in all" if start else "")


@click.command()
@common_options
@click.option(
    "--epochs",
    type=WholeNumber(1),
    default=None,
    help="How many epochs (forward pass, backprop, update) to run. Default: 8000, or the last of --snapshots.",
)
@click.option(
    "--until",
    "goal",
    type=float,
    default=None,
    callback=_positive,
    help="Stop at the first epoch whose cost is below GOAL, e.g. 0.001: Σ with the sum reduction "
    "(lecture), C(W) with mean, J with regularisation. Exit status 1 when it is not reached.",
)
@click.option(
    "--snapshots",
    type=str,
    default=None,
    callback=_epoch_list,
    metavar="N,N,...",
    help='Also show the "After N epochs" view at each of these epochs, e.g. 1,10,100,1000,8000.',
)
@click.option(
    "--plot",
    "plot_to",
    is_flag=False,
    flag_value="-",
    default=None,
    callback=_plot_target,
    metavar="[FILE]",
    help="Draw the cost curve (Σ per epoch): in the terminal, or into FILE.png or FILE.svg.",
)
@click.option("--log-scale", is_flag=True, help="Plot Σ on a logarithmic scale.")
@click.option(
    "--save",
    "save_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=_writable_file,
    help="Write the trained model to FILE (a model file every command reads).",
)
@rows_option
def train(model, data, precision, fmt, epochs, goal, snapshots, plot_to, log_scale, save_to, rows):
    """Repeat Steps 3-6: the "After N epochs" slide.

    Shows the forward pass of epoch N (made with the weights after N - 1
    updates) with its Σ, and the weights and biases after N updates.
    Ctrl-C (or SIGTERM) stops after the last completed epoch, shows it and
    still saves. --save keeps momentum's and Adam's state, so training
    resumes exactly. Exit status 1 when training diverges or --until is
    not met.

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
        raise click.BadParameter(
            f"epoch {snapshots[-1]:,} is after the last epoch, {epochs:,} (--epochs)", param_hint="'--snapshots'"
        )
    # records per row only where they are shown: JSON, tables of at most TABLE_ROWS rows, --rows
    per_row = keeps_every_row(fmt, len(data), rows)
    result = _run_training(model, data, epochs, goal, show_progress=fmt != "json", snapshots=snapshots, per_row=per_row)
    notes = []
    missed = [n for n in snapshots if n > result.epochs]
    if missed:
        notes.append(
            f"Not reached, training stopped at epoch {result.epochs:,}: snapshot"
            f"{'s' if len(missed) > 1 else ''} {', '.join(f'{n:,}' for n in missed)}."
        )
    if result.interrupted:
        notes.append(
            f"Interrupted ({_STOPPED_BY[0]}): training stopped after epoch {result.epochs:,}, the last one completed."
        )
    failed = []  # files that could not be written: said after the results, which are still shown
    if save_to is not None:
        from ..files.save import save_model

        done = _updates_text(model, len(data), result.epochs)
        try:
            save_model(
                save_to,
                result.last.updated,
                f"Trained by nnstep: the weights after {done}.",
                data.target_names if data.from_csv else None,
            )
            notes.append(f"Saved the model after {done} to {save_to}.")
        except OSError as exc:
            failed.append(write_failure("--save", save_to, exc))
    if plot_to is not None and plot_to != "-":
        try:
            _plot_file(plot_to, result, goal, log_scale)
            notes.append(f"Cost curve written to {plot_to}.")
        except OSError as exc:
            failed.append(write_failure("--plot", plot_to, exc))
    if fmt == "json":
        from ..render.report import train_json

        _print_json(train_json(result))
        for note in notes:
            click.echo(note, err=True)
    else:
        from ..render import views

        blocks = views.train_views(model, data, result, precision, _check_rows(rows, data))
        if goal is not None:
            blocks.append(views.goal_note(model, result, goal))
        _print(*blocks)
        if plot_to == "-":
            _plot_terminal(result, goal, log_scale)
        for note in notes:
            click.echo(note)
    if failed:
        click.echo(f"Error: {'; '.join(failed)}", err=True)
        sys.exit(2)
    if result.interrupted:
        sys.exit(143 if _STOPPED_BY[0] == "SIGTERM" else 130)
    if goal is not None and result.goal_epoch is None:
        sys.exit(1)


def _plot_unavailable(library: str):
    return click.ClickException(f"--plot needs {library}, which is not installed: pip install 'nnstep[plot]'")


def _plot_terminal(result, goal, log_scale):
    from ..render import plot

    try:
        text = plot.terminal_plot(result.costs, goal, result.goal_epoch, log=log_scale, color=sys.stdout.isatty())
    except plot.PlotUnavailable as exc:
        raise _plot_unavailable(str(exc)) from None
    click.echo(text)


def _plot_file(path, result, goal, log_scale):
    from ..render import plot

    try:
        plot.save_plot(path, result.costs, goal, result.goal_epoch, log=log_scale)
    except plot.PlotUnavailable as exc:
        raise _plot_unavailable(str(exc)) from None


_STOPPED_BY = ["Ctrl-C"]


def _run_training(model, data, epochs, goal, show_progress, snapshots=(), per_row=True):
    """Train, with a progress bar on stderr when it is a terminal. SIGTERM stops it as Ctrl-C does;
    training that diverges (inf, NaN) or saturates (weights beyond ±1e6) is exit status 1."""
    from .. import network

    def terminate(signum, frame):
        _STOPPED_BY[0] = "SIGTERM"
        raise KeyboardInterrupt

    _STOPPED_BY[0] = "Ctrl-C"
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        result = _train_with_progress(network, model, data, epochs, goal, show_progress, snapshots, per_row)
        network.check_saturation(result)
    except network.Diverged as exc:
        raise click.ClickException(f"{exc}; try a smaller --learning-rate") from None
    except KeyboardInterrupt:
        click.echo(
            f"Interrupted ({_STOPPED_BY[0]}) before the first epoch completed: nothing to show or save.", err=True
        )
        sys.exit(143 if _STOPPED_BY[0] == "SIGTERM" else 130)
    finally:
        signal.signal(signal.SIGTERM, previous)
    _finite(result.last, *(s for _, s in result.snapshots))
    return result


def _train_with_progress(network, model, data, epochs, goal, show_progress, snapshots=(), per_row=True):
    if not (show_progress and sys.stderr.isatty()):
        return network.train(model, data.inputs, data.targets, epochs, goal, snapshots=snapshots, per_row=per_row)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Training", total=epochs)
        every = max(1, epochs // 100)

        def tick(epoch: int) -> None:
            if epoch % every == 0:
                progress.update(task, completed=epoch)

        return network.train(
            model, data.inputs, data.targets, epochs, goal, on_epoch=tick, snapshots=snapshots, per_row=per_row
        )
