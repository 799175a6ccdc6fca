"""nnstep exercise: seeded variants of a network, each with a worksheet and its answer key."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CONVENTIONS, InputProblem, _print, _print_json, convention_options, option_problem


def _layers(ctx, param, value):
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 2 or not all(p.isdigit() and 1 <= int(p) <= 9 for p in parts):
        raise click.BadParameter(f"expected at least 2 layer sizes from 1 to 9 such as 2,3,1, got {value!r}")
    return [int(p) for p in parts]


def _template(layers: list[int], overrides: dict):
    """The lecture's model with these layers and conventions (its weights are drawn later)."""
    from ..files.load import InputError
    from ..teach.exercise import template

    try:
        return template(layers, overrides)
    except InputError as exc:
        raise option_problem(exc) from None


NEGATED = {"--update-biases": "--freeze-biases", "--regularize-biases": "--exempt-biases"}


def _command(seed, layers, rows, count, overrides: dict, decimals) -> str:
    """The options that decide the numbers, in a fixed order (recorded in each model.yaml)."""
    words = ["nnstep exercise", f"--seed {seed}", f"--layers {','.join(map(str, layers))}", f"--rows {rows}"]
    words += [f"--variants {count}"] if count > 1 else []
    for key, flag in CONVENTIONS.values():
        if key in overrides:
            value = overrides[key]
            if isinstance(value, bool):
                words.append(flag if value else NEGATED[flag])
            else:
                words.append(f"{flag} {','.join(value) if isinstance(value, list) else value}")
    words += [f"--decimals {decimals}"] if decimals is not None else []
    return " ".join(words)


@click.command()
@click.option("--seed", type=click.IntRange(min=0), required=True, help="The seed: the same seed, the same numbers.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write (DIR/01 ... with --variants). Without it, the variants are only shown.",
)
@click.option("--layers", default="2,3,1", show_default=True, callback=_layers, help="Nodes per layer.")
@click.option(
    "--rows",
    type=click.IntRange(2, 20),
    default=4,
    show_default=True,
    help="Observations per variant (at least 2: the targets must differ).",
)
@click.option(
    "--variants", "count", type=click.IntRange(1, 999), default=1, show_default=True, help="How many exercises."
)
@convention_options
@click.option(
    "--decimals",
    type=click.IntRange(2, 8),
    default=None,
    help="Decimals for every answer (at least 2, as check asks). Default: the lecture's, 2 for activations and outputs, 3 for the rest.",
)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty, replacing these files.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: what was written (or the variants' numbers); json: the variants' numbers and files.",
)
def exercise(seed, output, layers, rows, count, decimals, force, fmt, **conventions):
    """Write exercises: seeded networks and data, worksheets and answer keys.

    Each variant is drawn from the seed until its numbers suit a hand
    calculation (1-decimal weights, 2-decimal inputs, no saturated node,
    every gradient visible at 3 decimals). Its folder holds model.yaml,
    data.yaml, worksheet.csv (to fill in), worksheet.md and worksheet.tex
    (to print), key.csv (the answers) and key.md (with worked formulas).
    The same seed and options give the same bytes.

    \b
    Example:
      nnstep exercise --seed 7 --output ex7
      nnstep exercise --seed 7 --variants 30 --output class
      nnstep check class/*/worksheet.csv
    """
    from ..files.folder import write_folder
    from ..files.load import InputError
    from ..teach.exercise import NoFit, variants
    from ..teach.handout import FILES, handout

    overrides = {key: conventions[name] for name, (key, _) in CONVENTIONS.items() if conventions[name] is not None}
    template = _template(layers, overrides)
    try:
        drawn = variants(template, rows, seed, count)
    except NoFit as exc:
        raise InputProblem(str(exc)) from None
    width = max(2, len(str(count)))
    labels = [f"{v.number:0{width}d}" if count > 1 else "" for v in drawn]
    if output is not None:
        command = _command(seed, layers, rows, count, overrides, decimals)
        files = {}
        for v, label in zip(drawn, labels):
            h = handout(v, seed, label, decimals, command)
            files.update({f"{label}/{name}" if label else name: text for name, text in h.files.items()})
        try:
            write_folder(output, files, force)
        except InputError as exc:
            raise InputProblem(f"--output: {exc}") from None
    folders = [str(output / label) if label else str(output) for label in labels] if output is not None else []
    if fmt == "json":
        from ..render.report import model_json

        return _print_json(
            {
                "seed": seed,
                "variants": [
                    {
                        "number": v.number,
                        "draw": v.attempt,
                        "folder": folders[k] if folders else None,
                        "files": list(FILES) if folders else [],
                        "model": model_json(v.model),
                        "data": {"inputs": v.data.inputs.tolist(), "targets": v.data.targets.tolist()},
                    }
                    for k, v in enumerate(drawn)
                ],
            }
        )
    from ..render.exercise import data_table, written_table
    from ..teach.handout import step2_tables

    if folders:
        names = ("model.yaml", "data.yaml", "worksheet.csv/.md/.tex", "key.csv/.md")
        return _print(written_table(seed, [(v.number, f, v.attempt) for v, f in zip(drawn, folders)], names))
    blocks: list = []
    for k, v in enumerate(drawn):
        blocks.append(data_table(f"Exercise {labels[k] or 1} (seed {seed}): the data", v.data))
        blocks += step2_tables(v.model)
    _print(*blocks, "Nothing written: give --output DIR to write the worksheets and keys.")
