"""Records of the core -> rich Tables laid out like the lecture's slides.

Each function returns a renderable; only the CLI prints. Numbers keep the slide's precision
(Precision.slides) unless the user asks for more digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from rich import box
from rich.table import Table
from rich.text import Text

from .files import Dataset
from .labels import fmt, fmt_significant, layer_label, node_labels, subscript
from .network import Backward, CostSummary, ForwardPass, Model


@dataclass(frozen=True)
class Precision:
    """Decimals per kind of number. The defaults are the slides' (lecture-dataset.md, point 7)."""

    data: int = 2
    activation: int = 2
    output: int = 2
    cost: int = 2
    error_output: int = 2
    error_hidden: int = 3
    bpe: int = 3
    weight: int = 3

    @classmethod
    def slides(cls, epoch: int = 1) -> "Precision":
        """The 1,000 and 8,000 epoch slides print outputs and costs with 3 decimals."""
        return cls(output=3, cost=3) if epoch >= 1000 else cls()

    @classmethod
    def uniform(cls, decimals: int) -> "Precision":
        return cls(*([decimals] * 8))


RECOVERED_NOTE = "* recovered row: the slides print '...' here"


def _table(title: str, caption: Optional[str] = None) -> Table:
    return Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left",
                 caption_justify="left")


def _row_label(data: Dataset, i: int) -> Text:
    row = i + 1
    return Text(f"{row}*", style="dim") if row in data.recovered else Text(str(row))


def _caption(data: Dataset, extra: Sequence[str] = ()) -> Optional[str]:
    lines = list(extra) + ([RECOVERED_NOTE] if data.recovered else [])
    return "\n".join(lines) or None


def _target(value: float, decimals: int) -> str:
    """Class labels print as the slides print them (0, 1); other targets with the data's decimals."""
    return str(int(value)) if float(value).is_integer() else fmt(value, decimals)


def _output_labels(model: Model) -> list[str]:
    return ["Output"] if model.layers[-1] == 1 else [subscript(n) for n in node_labels(model.layers, len(model.layers) - 1)]


def forward_table(
    model: Model, data: Dataset, fp: ForwardPass, cost: Optional[CostSummary], p: Precision, title: str
) -> Table:
    """Steps 3 and 4: Y, X, hidden activations H1..Hn, Output and (with a cost) Cost per row and Sigma."""
    extra = []
    if cost is not None:
        extra.append(f"Σ = {fmt_significant(cost.sum, p.cost)}   C(W) = Σ / {len(data)} = {fmt_significant(cost.mean, p.cost)}")
    t = _table(title, _caption(data, extra))
    t.add_column("#", justify="right")
    for name in data.target_names + data.input_names:
        t.add_column(subscript(name), justify="right")
    hidden = [(l, n) for l in range(1, len(model.layers) - 1) for n in node_labels(model.layers, l)]
    for _, name in hidden:
        t.add_column(subscript(name), justify="right")
    for name in _output_labels(model):
        t.add_column(name, justify="right")
    if cost is not None:
        t.add_column("Cost", justify="right")
    for i in range(len(data)):
        cells = [_row_label(data, i)]
        cells += [_target(v, p.data) for v in data.targets[i]] + [fmt(v, p.data) for v in data.inputs[i]]
        for layer in range(len(model.layers) - 2):
            cells += [fmt(v, p.activation) for v in fp.activations[layer][i]]
        cells += [fmt(v, p.output) for v in fp.output[i]]
        if cost is not None:
            cells.append(fmt(cost.observations[i], p.cost))
        t.add_row(*cells)
    return t


def backprop_table(model: Model, data: Dataset, bw: Backward, p: Precision, title: str) -> Table:
    """Step 5: Err and BPE of every hidden and output node, per row."""
    t = _table(title, _caption(data))
    t.add_column("#", justify="right")
    layers = range(len(model.layers) - 1)
    names = {l: [subscript(n) for n in node_labels(model.layers, l + 1)] for l in layers}
    for kind in ("Err", "BPE"):
        for l in layers:
            for n in names[l]:
                t.add_column(f"{kind} {n}", justify="right")
    out = len(model.layers) - 2
    for i in range(len(data)):
        cells = [_row_label(data, i)]
        for l in layers:
            cells += [fmt(v, p.error_output if l == out else p.error_hidden) for v in bw.errors[l][i]]
        for l in layers:
            cells += [fmt(v, p.bpe) for v in bw.bpes[l][i]]
        t.add_row(*cells)
    return t


def weight_rows(layers: tuple[int, ...], weights: Sequence[np.ndarray]) -> list[tuple[str, list[float]]]:
    """The slides' weight table: 'IN1 -> HL' lists a from-node's weights to every node of the next
    layer; a layer with a single node is one row 'HL -> ON' over its from-nodes."""
    rows = []
    for l, w in enumerate(weights):
        if w.shape[1] == 1:
            source = layer_label(layers, l) if w.shape[0] > 1 else node_labels(layers, l)[0]
            rows.append((f"{source} → {node_labels(layers, l + 1)[0]}", list(w[:, 0])))
        else:
            target = layer_label(layers, l + 1)
            rows += [(f"{n} → {target}", list(w[i])) for i, n in enumerate(node_labels(layers, l))]
    return rows


def weights_table(layers: tuple[int, ...], weights: Sequence[np.ndarray], p: Precision, title: str) -> Table:
    """Step 2 / Step 6: a weight table W1..Wn as the slides lay it out (also used for gradients)."""
    rows = weight_rows(layers, weights)
    t = _table(title)
    t.add_column("")
    for k in range(max(len(values) for _, values in rows)):
        t.add_column(subscript(f"W{k + 1}"), justify="right")
    for label, values in rows:
        t.add_row(subscript(label), *[fmt(v, p.weight) for v in values])
    return t


def bias_table(layers: tuple[int, ...], rows: dict[str, Sequence[np.ndarray]], p: Precision, title: str) -> Table:
    """Step 2 / Step 6: Bias rows over the hidden and output nodes, e.g. {"Bias": model.biases}."""
    t = _table(title)
    t.add_column("")
    for n in (n for l in range(1, len(layers)) for n in node_labels(layers, l)):
        t.add_column(subscript(n), justify="right")
    for label, biases in rows.items():
        t.add_row(label, *[fmt(v, p.weight) for b in biases for v in b])
    return t


def precision_for(decimals: Optional[int], epoch: int = 1) -> Precision:
    """The slides' precision, or `decimals` everywhere when the user asked for it."""
    return Precision.slides(epoch) if decimals is None else Precision.uniform(decimals)


def normalize_tables(data: Dataset, z, decimals: Optional[int]) -> list[Table]:
    """Step 1 a): the means and sample standard deviations, then the z-scores beside the targets."""
    stats = _table("Step 1 a): z-scores")
    stats.add_column("")
    for name in data.input_names:
        stats.add_column(subscript(name), justify="right")
    stats.add_row("mean", *[fmt(v, 6).rstrip("0").rstrip(".") for v in z.means])
    stats.add_row("std", *[fmt(v, 6) for v in z.stds])
    shown = 6 if decimals is None else decimals
    t = _table("Normalized data", _caption(data))
    t.add_column("#", justify="right")
    for name in data.target_names + data.input_names:
        t.add_column(subscript(name), justify="right")
    for i in range(len(data)):
        t.add_row(_row_label(data, i), *[_target(v, shown) for v in data.targets[i]],
                  *[fmt(v, shown) for v in z.values[i]])
    return [stats, t]


def gradcheck_table(rows, decimals: int) -> Table:
    """Backprop's gradient beside the central finite difference, per weight and bias."""
    t = _table("Gradient check: backprop against (C(w + h) - C(w - h)) / 2h")
    for name in ("", "backprop", "finite diff.", "rel. diff."):
        t.add_column(name, justify="right" if name else "left")
    for name, analytic, numeric, rel in rows:
        t.add_row(subscript(name), fmt(analytic, decimals), fmt(numeric, decimals), f"{rel:.1e}")
    return t
