"""Pictures of the network: nnstep diagram (SVG, TikZ, PNG or text) and nnstep page (one HTML file)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import FORMAT_OF_SUFFIX, InputProblem, _check_row, _print_json, _write, common_options, write_failure

DIAGRAM_FILES = {".svg": "SVG", ".tex": "TikZ for LaTeX", ".png": "PNG", ".txt": "text"}


def _output_of(fmt: str) -> tuple[Path | None, str]:
    """--output and what to write: text, svg, tikz, png or json (from --format, else the file's suffix)."""
    output = click.get_current_context().meta.get("nnstep.output")
    by_format = {"table": None, "json": "json", "svg": "svg", "latex": "tikz"}
    if fmt not in by_format:
        raise InputProblem(
            f"--format {fmt}: a diagram is table (text), json, svg or latex (TikZ); or --output FILE.png"
        )
    kind = by_format[fmt]
    if kind is None and output is not None:
        suffix = output.suffix.lower()
        if suffix not in DIAGRAM_FILES:
            known = ", ".join(f"{k} ({v})" for k, v in DIAGRAM_FILES.items())
            raise InputProblem(f"--output: {output}: expected a file name ending in {known}")
        kind = "png" if suffix == ".png" else by_format[FORMAT_OF_SUFFIX[suffix]]
    return output, kind or "text"


def _png(d, output: Path) -> None:
    from ..files.load import replace_atomically
    from ..render import diagram as dg

    try:
        picture = dg.png(d)
    except (ImportError, OSError):
        raise InputProblem(
            f"--output: {output}: PNG needs cairosvg (pip install 'nnstep[png]'); .svg and .tex need nothing"
        ) from None

    def write(f) -> None:
        f.write(picture)

    try:
        replace_atomically(output, write)
    except OSError as exc:
        raise InputProblem(write_failure("--output", output, exc)) from None


@click.command()
@common_options
@click.option(
    "--step",
    type=click.Choice(["weights", "forward", "backprop", "update"]),
    default="weights",
    show_default=True,
    help="weights: weights on the arrows, biases at the nodes; forward: input sums and activations of "
    "--row; backprop: errors and BPEs of --row, gradients on the arrows; update: before -> after.",
)
@click.option(
    "--row",
    type=click.IntRange(min=1),
    default=None,
    help="The observation (from 1) of --step forward or backprop.  [default: 1]",
)
def diagram(model, data, precision, fmt, step, row):
    """Draw the network with the numbers of one step on it.

    Without --output, a text diagram in the terminal; --output FILE.svg,
    FILE.tex (TikZ: compiles alone, or \\input it into a Beamer frame) or
    FILE.png (needs cairosvg). Layers of more than 8 nodes are drawn
    without numbers, the arrows' width and colour showing the weights.

    \b
    Example:
      nnstep diagram
      nnstep diagram --step forward --row 1 --output forward.svg
      nnstep diagram --step backprop --output backprop.tex
      nnstep diagram --step update --precision 4 --output update.png
    """
    from ..render import diagram as dg
    from ..render.tables import precision_for

    if row is not None and step in ("weights", "update"):
        raise InputProblem(f"--row: --step {step} shows no row (--row is for forward and backprop)")
    row = 1 if row is None else row
    _check_row(row, data)
    output, kind = _output_of(fmt)
    d = dg.diagram(model, data, step, row, precision_for(precision))
    if kind == "json":
        return _print_json(dg.to_json(d))
    if kind == "png":
        assert output is not None
        return _png(d, output)
    writer = {"svg": dg.svg, "tikz": dg.tikz, "text": dg.text}[kind]
    _write(writer(d), output)


def _snapshot_list(ctx, param, value):
    from .train import _epoch_list

    if value is not None and value.strip().lower() == "none":
        return ()
    return _epoch_list(ctx, param, value) if value is not None else None


@click.command()
@common_options
@click.option("--row", type=click.IntRange(min=1), default=1, show_default=True, help="The observation (from 1).")
@click.option(
    "--snapshots",
    callback=_snapshot_list,
    metavar="N,N,...",
    help='The "After N epochs" steps (default: 1,10,100,1000,8000, as the slides; none for no training).',
)
@click.option("--title", default=None, help="The page's title.")
def page(model, data, precision, fmt, row, snapshots, title):
    """Write one HTML page that steps through the lecture.

    Step 2, Steps 3-6 and the "After N epochs" snapshots, each with its
    diagram, tables and worked formulas; Next/Previous and the arrow keys
    step; clicking a node or an arrow shows its worked formula. Everything is
    inline: the file works offline. Link to a step with #weights, #forward,
    #backprop, #update or #epoch-N.

    \b
    Example:
      nnstep page --output lecture.html
      nnstep page --row 9 --snapshots 1,100,8000 --output lecture.html
      nnstep page --model model.yaml --data data.csv --output mine.html
      nnstep page --format json --snapshots none
    """
    from .. import network
    from ..render import page as pg

    output = click.get_current_context().meta.get("nnstep.output")
    if fmt != "json" and (output is None or FORMAT_OF_SUFFIX.get(output.suffix.lower()) != "html"):
        raise InputProblem("--output: expected a file name ending in .html, e.g. --output lecture.html")
    if fmt not in ("table", "html", "json"):
        raise InputProblem(f"--format {fmt}: a page is HTML (--output FILE.html), or json for its data")
    _check_row(row, data)
    shots = pg.SNAPSHOTS if snapshots is None else snapshots
    try:
        if fmt == "json":
            return _print_json(pg.payload(pg.steps(model, data, row, precision, shots), title or pg.TITLE, row))
        text = pg.page(model, data, row, precision, shots, title or pg.TITLE)
    except network.Diverged as exc:
        raise click.ClickException(f"{exc}; try a smaller --learning-rate or other --snapshots") from None
    _write(text, output)
    click.echo(f"Wrote {output}: open it in a browser (it works offline).", err=True)
