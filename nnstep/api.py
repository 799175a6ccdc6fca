"""The Python API: the lecture's steps as methods, for notebooks and scripts.

    >>> import nnstep
    >>> net = nnstep.lecture()                 # the 2-3-1 example, all 10 rows
    >>> round(net.forward().to_dict()["cost"]["sum"], 2)
    1.55

Each method returns a Result: `.to_dict()` is exactly the command's `--format json` output, and
the result displays as the command's tables (in Jupyter, in a rich console, as Markdown). The
layer above every other: it loads files (files/), calls the core and lays results out (render/).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import Dataset
    from .network import Model


@dataclass(frozen=True)
class Result:
    """What one step shows: its JSON payload (`to_dict`) and its blocks (tables, worked formulas,
    notes). `network` is the network after the step: the updated one for update and train."""

    payload: dict[str, Any]
    blocks: tuple[Any, ...]
    title: str
    network: Network | None = None
    records: Any = field(default=None, repr=False)  # the core's records (Step or Training)

    def to_dict(self) -> dict[str, Any]:
        """The command's `--format json` output: every number at full precision."""
        return self.payload

    def _shown(self) -> tuple[Any, ...]:
        return tuple(b for b in self.blocks if b is not None)

    def text(self) -> str:
        """The tables as an 80-column terminal shows them, as plain text (no colour)."""
        from .render.export import plain_text

        return plain_text(self._shown(), self.title)

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.text import Text

        from .render.export import renderables

        shown = renderables(self._shown())
        parts: list[Any] = []
        for k, r in enumerate(shown):
            parts += [r, Text("")] if k < len(shown) - 1 else [r]
        return Group(*parts)

    def _repr_html_(self) -> str:
        from .render.export import html

        return html(self._shown(), self.title)

    def _repr_markdown_(self) -> str:
        from .render.export import markdown

        return markdown(self._shown(), self.title)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<nnstep.Result {self.title!r}: .to_dict() for the numbers, print() for the tables>"


@dataclass(frozen=True)
class WorksheetResult(Result):
    """A blank worksheet: `csv` is the file to fill in (quantity,node,row,answer)."""

    csv: str = ""


class Network:
    """A model (layers, activations, weights, biases, conventions) and its data, as the CLI reads
    them. Methods run one command each and leave the network as it is; update and train return
    the changed network as `result.network`."""

    def __init__(self, model: Model, data: Dataset):
        self.model = model
        self.data = data

    def __repr__(self) -> str:
        layers = "-".join(str(n) for n in self.model.layers)
        return f"<nnstep.Network {layers}, {len(self.data):,} rows, learning rate {self.model.learning_rate:g}>"

    def _step(self) -> Any:
        from .network import step

        return step(self.model, self.data.inputs, self.data.targets)

    def forward(self, precision: int | None = None) -> Result:
        """Steps 3-4: the forward pass and the cost of every observation (`nnstep forward`)."""
        from .network import cost, forward
        from .render import views
        from .render.report import step_json
        from .render.tables import precision_for

        fp = forward(self.model, self.data.inputs)
        c = cost(self.model, fp, self.data.targets)
        blocks = views.forward_views(self.model, self.data, fp, c, precision_for(precision), views.FORWARD_TITLE)
        return Result(step_json(self.model, fp, c), tuple(blocks), "nnstep forward", self, (fp, c))

    def backprop(self, precision: int | None = None, per_row: bool = False) -> Result:
        """Step 5: the errors and BPEs of every node and row, and the gradients (`nnstep backprop`);
        with `per_row` also each row's gradients before they are summed (`--per-row`)."""
        from .render import views
        from .render.report import backprop_json
        from .render.tables import precision_for

        s = self._step()
        blocks = views.backprop_views(self.model, self.data, s, precision_for(precision), per_row)
        return Result(backprop_json(self.model, s, per_row), tuple(blocks), "nnstep backprop", self, s)

    def update(self, precision: int | None = None) -> Result:
        """Step 6: one epoch's update of every weight and bias (`nnstep update`)."""
        from .render import views
        from .render.report import update_json
        from .render.tables import precision_for

        s = self._step()
        blocks = views.update_step_views(self.model, s, precision_for(precision), len(self.data))
        return Result(update_json(s), tuple(blocks), "nnstep update", Network(s.updated, self.data), s)

    def step(self) -> Result:
        """Steps 3-6 at once, as the bare `nnstep` shows them."""
        from .labels import Precision
        from .render import views
        from .render.report import update_json

        s = self._step()
        blocks = views.step_views(self.model, self.data, s, Precision.slides())
        return Result(update_json(s), tuple(blocks), "nnstep", Network(s.updated, self.data), s)

    def train(
        self,
        epochs: int | None = None,
        until: float | None = None,
        snapshots: Iterable[int] = (),
        precision: int | None = None,
    ) -> Result:
        """Repeat Steps 3-6 (`nnstep train`): `epochs` (default 8000, or the last snapshot), stopping
        at the first epoch whose cost is below `until`; "After N epochs" views at `snapshots`. Training
        that diverges raises network.Diverged (network.Saturated: a weight beyond ±1e6)."""
        from .network import check_saturation, train
        from .render import views
        from .render.report import train_json

        shots = tuple(sorted(set(snapshots)))
        if epochs is None:
            epochs = max(shots, default=8000)
        result = train(self.model, self.data.inputs, self.data.targets, epochs, until, snapshots=shots)
        check_saturation(result)
        blocks = views.train_views(self.model, self.data, result, precision)
        if until is not None:
            blocks.append(views.goal_note(self.model, result, until))
        trained = Network(result.last.updated, self.data)
        return Result(train_json(result), tuple(blocks), "nnstep train", trained, result)

    def worksheet(self, steps: str | Iterable[str] = ("forward", "cost", "backprop", "update"), rows=None) -> Result:
        """A blank worksheet (`nnstep worksheet`): `.to_dict()` is its JSON ({"cells": [...]}), the
        display its printable tables; `result.csv` is the CSV to fill in. `steps`: names or
        'forward,cost'; `rows`: row numbers from 1. A bad step or row is a ValueError."""
        from .render.report import cells_json
        from .render.worksheet import blank_text, layout
        from .teach.worksheet import cells, sheet_csv

        chosen = cells(self.model, len(self.data), steps, None if rows is None else list(rows))
        blocks = layout(self.model, self.data, chosen, blank_text)
        return WorksheetResult(
            cells_json(chosen), tuple(blocks), "nnstep worksheet", self, chosen, csv=sheet_csv(chosen)
        )

    def check(self, *sheets: str | Path) -> Result:
        """Mark filled-in worksheets (`nnstep check SHEET...` with this network's model and data):
        one sheet's `.to_dict()` is its JSON; several give {"sheets": [...], "class": {...}}."""
        from .render.classroom import class_blocks
        from .render.report import check_json
        from .render.worksheet import check_blocks
        from .teach.check import Net, check_sheet
        from .teach.classroom import summarize
        from .teach.worksheet import read_sheet

        if not sheets:
            raise TypeError("check() needs at least one worksheet file")
        net = Net(self.model, self.data)
        results = [check_sheet(net, read_sheet(Path(s), self.model, len(self.data))) for s in sheets]
        blocks = [b for r in results for b in check_blocks(r, self.model, self.data)]
        if len(results) == 1:
            return Result(results[0].to_dict(), tuple(blocks), "nnstep check", self, results[0])
        summary = summarize(results)
        blocks += class_blocks(summary, compact=True)
        return Result(check_json(results, summary), tuple(blocks), "nnstep check", self, results)

    def diagram(self, step: str = "weights", row: int = 1, precision: int | None = None) -> Diagram:
        """The network drawn with the numbers of one step (`nnstep diagram`): weights, forward,
        backprop or update. Shows as SVG in Jupyter; `.svg()`, `.tikz()`, `.text()`, `.to_dict()`."""
        from .dataset import row_out_of_range
        from .render import diagram as dg
        from .render.tables import precision_for

        problem = row_out_of_range(row, len(self.data))
        if problem:
            raise ValueError(f"row: {problem}")
        return Diagram(dg.diagram(self.model, self.data, step, row, precision_for(precision)))

    def page(self, row: int = 1, snapshots: Iterable[int] | None = None, title: str | None = None) -> str:
        """The one-file HTML page that steps through Steps 2-6 and the snapshots (`nnstep page`)."""
        from .render import page as pg

        shots = pg.SNAPSHOTS if snapshots is None else tuple(snapshots)
        return pg.page(self.model, self.data, row, None, shots, title or pg.TITLE)


@dataclass(frozen=True)
class Diagram:
    """A drawn network (render/diagram.py): SVG for notebooks, TikZ for LaTeX, text for a terminal."""

    drawing: Any

    def svg(self) -> str:
        from .render import diagram as dg

        return dg.svg(self.drawing)

    def tikz(self) -> str:
        from .render import diagram as dg

        return dg.tikz(self.drawing)

    def text(self) -> str:
        from .render import diagram as dg

        return dg.text(self.drawing)

    def to_dict(self) -> dict[str, Any]:
        """`nnstep diagram --format json`."""
        from .render import diagram as dg

        return dg.to_json(self.drawing)

    def _repr_svg_(self) -> str:
        return self.svg()

    def __str__(self) -> str:
        return self.text()


def _conventions(conventions: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments -> model-file keys (the names the model file and `--help` use);
    `lambda_` is the model file's `lambda` (a Python keyword)."""
    known = {
        "activation", "cost", "reduction", "update", "batch_size", "layer_updates",
        "update_biases", "optimizer", "learning_rate", "regularization", "lambda_", "regularize_biases",
    }  # fmt: skip
    unknown = sorted(set(conventions) - known)
    if unknown:
        import difflib

        hint = difflib.get_close_matches(unknown[0], known, n=1)
        raise TypeError(
            f"unknown convention {unknown[0]!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; expected one of {', '.join(sorted(known))}"
        )  # fmt: skip
    return {("lambda" if k == "lambda_" else k): v for k, v in conventions.items() if v is not None}


def load(
    model: str | Path | None = None,
    data: str | Path | None = None,
    *,
    targets: Iterable[str] | None = None,
    **conventions: Any,
) -> Network:
    """Read a model file and a data file (YAML, or CSV with `targets`), as every command does; the
    lecture's where one is not given. Conventions the CLI takes as options are keyword arguments,
    e.g. load("model.yaml", "data.yaml", activation="tanh", learning_rate=0.1)."""
    from .files import load as files

    return Network(*files.load_inputs(model, data, _conventions(conventions), targets))


def lecture(**conventions: Any) -> Network:
    """The lecture's 2-3-1 sigmoid example with its 10 rows (shipped inside the package)."""
    return load(**conventions)


def verify(golden: Iterable[str | Path] = ()) -> Any:
    """Every number the lecture material prints, checked (`nnstep verify`): a report with
    `.ok`, `.summary()` and `.as_json()`."""
    from .teach.verify import verify as run

    return run(tuple(Path(g) for g in golden))


def exercise(
    seed: int, layers: Iterable[int] = (2, 3, 1), rows: int = 4, variants: int = 1, **conventions: Any
) -> list[Network]:
    """Seeded exercise networks fit for a hand calculation (`nnstep exercise`, without the files):
    the same seed and options give the same numbers on any machine."""
    from .teach.exercise import template
    from .teach.exercise import variants as draw

    design = template(list(layers), _conventions(conventions))
    return [Network(v.model, v.data) for v in draw(design, rows, seed, variants)]
