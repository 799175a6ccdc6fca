"""The `nnstep` command: thin commands that load files, call the core and print blocks or JSON.

The cli package is the only one that imports click. Each module holds a few commands; common.py
holds what they share (loading the inputs, option bundles, printing).
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    CONVENTIONS,
    OPTION_OF_KEY,
    OneLineErrors,
    _inputs,
    _print,
    _print_json,
    _step,
    convention_options,
    output_options,
)


class _LazyGroup(OneLineErrors):
    """The commands, each imported from its module when it is run (`nnstep forward` loads
    cli/steps.py alone). `nnstep --help` lists them from their summaries, importing none: each
    summary is the first paragraph of the command's help (a test holds them equal)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}  # name -> ("module:function", summary)
        self.listing = False

    def add_lazy(self, name: str, where: str, summary: str) -> None:
        self.lazy[name] = (where, summary)

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            where, summary = self.lazy[cmd_name]
            if self.listing:
                return click.Command(cmd_name, help=summary)
            import importlib

            module, _, function = where.partition(":")
            self.add_command(getattr(importlib.import_module(f".{module}", __name__), function), cmd_name)
        return super().get_command(ctx, cmd_name)  # type: ignore[arg-type]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the version written once, in nnstep/__init__.py (no package metadata to look up)."""
    if value and not ctx.resilient_parsing:
        from .. import __version__

        click.echo(f"nnstep, version {__version__}")
        ctx.exit()


@click.group(cls=_LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), help="Model file (YAML).")
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False), help="Data file (YAML or CSV).")
@click.option("--precision", type=click.IntRange(0, 15), default=None, help="Decimals for every number.")
@output_options
@convention_options
@click.pass_context
def main(ctx: click.Context, fmt: str, model_path: Path | None, data_path: Path | None, precision, **conventions):
    """Step through a neural network's training one number at a time.

    With no command, runs one full step of the lecture's 2-3-1 example, or
    of --model and --data: forward pass and cost, backpropagation, and the
    weight update (these options apply to that; a command has its own).

    \b
    Example:
      nnstep                         # the lecture, Steps 3-6
      nnstep --model m.yaml --data d.yaml --precision 4
      nnstep --format markdown       # the same tables in Markdown
      nnstep forward --precision 4   # Steps 3-4 with 4 decimals
      nnstep train --epochs 8000     # the "After 8'000 epochs" slide
      nnstep verify                  # every printed number, checked
    """
    overrides = {CONVENTIONS[name][0]: v for name, v in conventions.items() if v is not None}
    if ctx.invoked_subcommand is not None:
        given = [
            flag
            for flag, value in (
                ("--format", fmt != "table"),
                ("--output", ctx.meta.get("nnstep.output") is not None),
                ("--model", model_path),
                ("--data", data_path),
                ("--precision", precision is not None),
            )
            if value
        ] + [OPTION_OF_KEY[key] for key in overrides]
        if given:
            raise click.UsageError(
                f"{' and '.join(given)} {'go' if len(given) > 1 else 'goes'} after the command, e.g. nnstep {ctx.invoked_subcommand} {given[0]} ..."
            )
        return
    model, data = _inputs(model_path, data_path, overrides, trainable=True)
    from ..render.tables import precision_for

    s = _step(model, data)
    if fmt == "json":
        from ..render.report import update_json

        return _print_json(update_json(s))
    from ..render import views

    _print(*views.step_views(model, data, s, precision_for(precision)))


def _register() -> None:
    for name, where, summary in (
        ("forward", "steps:forward", "Steps 3-4: forward propagation and the cost of every observation."),
        ("backprop", "steps:backprop", "Step 5: backpropagation errors of every node and observation."),
        ("update", "steps:update", "Step 6: one epoch of updates of every weight and bias, as the model says."),
        ("train", "train:train", 'Repeat Steps 3-6: the "After N epochs" slide.'),
        ("search", "search:search", "Grid search, random search and gradient descent, side by side."),
        ("normalize", "tools:normalize", "Step 1 a): z-scores of the inputs, X' = (X - mean) / std."),
        ("gradcheck", "tools:gradcheck", "Check backpropagation against central finite differences."),
        ("verify", "verify:verify", "Check every number the lecture material prints against nnstep."),
        ("diagram", "diagram:diagram", "Draw the network with the numbers of one step on it."),
        ("page", "diagram:page", "Write one HTML page that steps through the lecture."),
        ("worksheet", "worksheet:worksheet", "Write a blank worksheet to fill in and mark with nnstep check."),
        ("check", "worksheet:check", "Mark a filled-in worksheet, cell by cell, with follow-through."),
        ("exercise", "exercise:exercise", "Write exercises: seeded networks and data, worksheets and answer keys."),
    ):
        main.add_lazy(name, where, summary)


_register()


HELP_TEXT = Path(__file__).with_name("help.txt")  # `nnstep --help` as click writes it at 80 columns


def rendered_help() -> str:
    """The top-level help as click prints it in a terminal of 80 columns or more (the text that
    nnstep/__main__.py prints for `nnstep --help` without importing click). After changing the
    commands or their summaries: python -c "import nnstep.cli as c; c.write_help_text()"."""
    with click.Context(main, info_name="nnstep", terminal_width=78, help_option_names=["-h", "--help"]) as ctx:
        return main.get_help(ctx) + "\n"


def write_help_text() -> None:
    HELP_TEXT.write_text(rendered_help(), encoding="utf-8")
