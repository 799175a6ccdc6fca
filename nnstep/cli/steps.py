"""Steps 3-6 one at a time: nnstep forward, backprop and update."""

from __future__ import annotations

import click

from .common import (
    FORWARD,
    _check_rows,
    _finite,
    _print,
    _print_json,
    _show_work,
    _step,
    common_options,
    rows_option,
    work_options,
)


@click.command()
@common_options(conventions=FORWARD, trainable=False)
@work_options
@rows_option
def forward(model, data, precision, fmt, work, rows):
    """Steps 3-4: forward propagation and the cost of every observation.

    Prints Y, the inputs, the hidden activations H1..Hn, the output and the
    cost of each row (the lecture's: 1/2 (yhat - y)^2), with their sum (Σ)
    and mean C(W).

    \b
    Example:
      nnstep forward
      nnstep forward --show-work --row 1 --node H1
      nnstep forward --format latex --output forward.tex
      nnstep forward --model model.yaml --data data.yaml --format json
      nnstep forward --data big.csv --targets Y --rows 1-5,9
    """
    if work is not None:
        return _show_work("forward", model, data, precision, fmt, work)
    from ..network import cost, forward
    from ..render.tables import precision_for

    fp = forward(model, data.inputs)
    c = cost(model, fp, data.targets)
    _finite(fp, c)
    if fmt == "json":
        from ..render.report import step_json

        return _print_json(step_json(model, fp, c))
    from ..render import views

    _print(
        *views.forward_views(model, data, fp, c, precision_for(precision), views.FORWARD_TITLE, _check_rows(rows, data))
    )


@click.command()
@common_options(conventions=FORWARD)
@work_options
@click.option(
    "--per-row",
    is_flag=True,
    help="Also show each observation's gradients before they are summed (JSON: gradients_per_row).",
)
@rows_option
def backprop(model, data, precision, fmt, work, per_row, rows):
    """Step 5: backpropagation errors of every node and observation.

    Err ON = dCost/dyhat (yhat - y for the lecture's cost), BPE = Err × f'(input
    sum), Err H = BPE ON × w(H → ON), and the gradients over all observations:
    summed (the lecture), or averaged for a model with reduction: mean.

    \b
    Example:
      nnstep backprop
      nnstep backprop --precision 5
      nnstep backprop --per-row
      nnstep backprop --show-work --node H1
      nnstep backprop --round-intermediates 2
    """
    if work is not None:
        return _show_work("backprop", model, data, precision, fmt, work)
    from ..render.tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from ..render.report import backprop_json

        return _print_json(backprop_json(model, s, per_row))
    from ..render import views

    _print(*views.backprop_views(model, data, s, precision_for(precision), per_row, _check_rows(rows, data)))


@click.command()
@common_options
@work_options
def update(model, data, precision, fmt, work):
    """Step 6: one epoch of updates of every weight and bias, as the model says.

    The lecture's way: one full-batch update, every gradient from the same
    forward pass, w(from → to) -= learning rate × Σ BPE(to) × a(from),
    b -= learning rate × Σ BPE. A model with reduction: mean takes the mean
    instead of the sum Σ; an online or minibatch model updates once per row or
    batch (with momentum or Adam if it says so, and what they remember after
    the update); the table's title names the rule used.

    \b
    Example:
      nnstep update
      nnstep update --format json
      nnstep update --show-work --node IN1-H1
      nnstep update --show-work --node ON --round-intermediates 3
    """
    if work is not None:
        return _show_work("update", model, data, precision, fmt, work)
    from ..render.tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from ..render.report import update_json

        return _print_json(update_json(s))
    from ..render import views

    _print(*views.update_step_views(model, s, precision_for(precision), len(data)))
