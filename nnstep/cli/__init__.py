"""The `nnstep` command: thin commands that load files, call the core and print blocks or JSON.

The cli package is the only one that imports click. Each module holds a few commands; common.py
holds what they share (loading the inputs, option bundles, printing).
"""

from __future__ import annotations

import click

from .common import _inputs, _print, _print_json, _step, output_options


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
    from ..render.tables import Precision

    s = _step(model, data)
    if fmt == "json":
        from ..render.report import step_json

        return _print_json(step_json(s.updated, s.forward, s.cost, s.backward))
    p = Precision.slides()
    from ..render import views

    _print(
        *views.forward_views(model, data, s.forward, s.cost, p, "Steps 3-4: Forward pass and cost"),
        *views.backprop_views(model, data, s, p),
        *views.update_views(model, s, p, len(data)),
    )


def _register() -> None:
    from . import diagram, exercise, search, steps, tools, train, verify, worksheet

    for command in (
        steps.forward,
        steps.backprop,
        steps.update,
        train.train,
        search.search,
        tools.normalize,
        tools.gradcheck,
        verify.verify,
        diagram.diagram,
        diagram.page,
        worksheet.worksheet,
        worksheet.check,
        exercise.exercise,
    ):
        main.add_command(command)


_register()
