"""Records of the core -> tables laid out like the lecture's slides.

Each table is first built as a neutral TableData (title, column headers, rows of cell strings,
notes), so that it can be drawn in the terminal (`rich_table`, a renderable; only the CLI prints)
or exported (nnstep/export.py). Numbers keep the slide's precision (Precision.slides) unless the
user asks for more digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np

from ..dataset import Dataset
from ..labels import Precision, fmt, fmt_significant, layer_label, node_labels, subscript, target_text
from ..network import Backward, CostSummary, ForwardPass, Model
from ..regularization import PENALTIES

__all__ = ["Column", "Precision", "StyledLines", "TableData", "rich_table", "precision_for"]


@dataclass(frozen=True)
class Column:
    header: str
    align: str = "right"  # "left" or "right"


@dataclass(frozen=True)
class TableData:
    """One table, independent of how it is drawn: `faint` holds the indices of rows whose first
    cell is shown dimmed (rows the slides do not print but that were recovered)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    faint: frozenset[int] = frozenset()


@dataclass(frozen=True)
class StyledLines:
    """Lines of literal text, each with a rich style name ("" for none): a report that is not a
    table (nnstep verify's), drawn with its styles in a terminal and as plain lines elsewhere."""

    lines: tuple[tuple[str, str], ...]


def rich_table(t: TableData):
    """A TableData as rich renderables: the title as a line above the table and the notes below
    (so that a narrow table does not wrap them); every string is literal text (a label like
    'x[1]' keeps its brackets)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for c in t.columns:
        table.add_column(Text(c.header), justify="right" if c.align == "right" else "left")
    for i, row in enumerate(t.rows):
        first_style = "dim" if i in t.faint else ""
        table.add_row(*[Text(cell, style=first_style if k == 0 else "") for k, cell in enumerate(row)])
    parts = ([Text(t.title, style="italic")] if t.title else []) + [table]
    if t.notes:
        parts.append(Text(""))
    parts += [Text(note, style="dim") for note in t.notes]
    return Group(*parts)


def split_to_width(t: TableData, width: int = 80) -> list[TableData]:
    """A table too wide for the terminal as several tables side by side in the reading order,
    each with the first (label) column again, so that no number is cut short."""
    # a column takes its widest cell (a header may wrap at its spaces), a space of padding on each
    # side and a separator
    widths = [
        max([len(w) for w in c.header.split()] + [len(r[k]) for r in t.rows] + [1]) + 3 for k, c in enumerate(t.columns)
    ]
    if sum(widths) + 1 <= width or len(t.columns) < 3:
        return [t]
    groups: list[list[int]] = []
    current: list[int] = []
    used = widths[0] + 1
    for k in range(1, len(t.columns)):
        if current and used + widths[k] > width:
            groups.append(current)
            current, used = [], widths[0] + 1
        current.append(k)
        used += widths[k]
    groups.append(current)
    parts = []
    for n, group in enumerate(groups):
        keep = [0] + group
        parts.append(
            TableData(
                f"{t.title} ({n + 1}/{len(groups)})" if t.title else "",
                tuple(t.columns[k] for k in keep),
                tuple(tuple(r[k] for k in keep) for r in t.rows),
                t.notes if n == len(groups) - 1 else (),
                t.faint,
            )
        )
    return parts


RECOVERED_NOTE = "* recovered row: the slides print '...' here"


def _row_label(data: Dataset, i: int) -> str:
    row = i + 1
    return f"{row}*" if row in data.recovered else str(row)


def _faint(data: Dataset) -> frozenset[int]:
    return frozenset(r - 1 for r in data.recovered)


def _notes(data: Dataset, extra: Sequence[str] = ()) -> tuple[str, ...]:
    return tuple(extra) + ((RECOVERED_NOTE,) if data.recovered else ())


def _output_labels(model: Model) -> list[str]:
    return (
        ["Output"]
        if model.layers[-1] == 1
        else [subscript(n) for n in node_labels(model.layers, len(model.layers) - 1)]
    )


def _chosen(data: Dataset, rows: Sequence[int] | None) -> tuple[range | list[int], list[str]]:
    """The row indices a table shows (all, or the chosen rows numbered from 1) and a note saying so."""
    if rows is None:
        return range(len(data)), []
    return [r - 1 for r in rows], [f"row{'s' if len(rows) > 1 else ''} {_ranges(rows)} of {len(data):,} (--rows)"]


def _ranges(rows: Sequence[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    parts: list[str] = []
    start: int | None = rows[0]
    for a, b in zip(rows, [*rows[1:], None]):
        if b != a + 1:
            parts.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ", ".join(parts)


def forward_table(
    model: Model,
    data: Dataset,
    fp: ForwardPass,
    cost: CostSummary | None,
    p: Precision,
    title: str,
    rows: Sequence[int] | None = None,
) -> TableData:
    """Steps 3 and 4: Y, X, hidden activations H1..Hn, Output and (with a cost) Cost per row and Sigma."""
    shown, extra = _chosen(data, rows)
    if cost is not None:
        extra.append(
            f"Σ = {fmt_significant(cost.sum, p.cost)}   C(W) = Σ / {len(data)} = {fmt_significant(cost.mean, p.cost)}"
        )
        if model.regularization != "none":
            extra.append(penalty_note(model, cost, len(data), p))
    headers = ["#"] + [subscript(n) for n in data.target_names + data.input_names]
    headers += [subscript(n) for l in range(1, len(model.layers) - 1) for n in node_labels(model.layers, l)]
    headers += _output_labels(model) + (["Cost"] if cost is not None else [])
    cells_of_rows = []
    for i in shown:
        cells = [_row_label(data, i)]
        cells += [target_text(v, p.data) for v in data.targets[i]] + [fmt(v, p.data) for v in data.inputs[i]]
        for layer in range(len(model.layers) - 2):
            cells += [fmt(v, p.activation) for v in fp.activations[layer][i]]
        cells += [fmt(v, p.output) for v in fp.output[i]]
        if cost is not None:
            cells.append(fmt(cost.observations[i], p.cost))
        cells_of_rows.append(tuple(cells))
    faint = frozenset(k for k, i in enumerate(shown) if i in _faint(data))
    return TableData(title, tuple(Column(h) for h in headers), tuple(cells_of_rows), _notes(data, extra), faint)


def backprop_table(
    model: Model, data: Dataset, bw: Backward, p: Precision, title: str, rows: Sequence[int] | None = None
) -> TableData:
    """Step 5: Err and BPE of every hidden and output node, per row (or the chosen rows)."""
    shown, extra = _chosen(data, rows)
    layers = range(len(model.layers) - 1)
    names = {l: [subscript(n) for n in node_labels(model.layers, l + 1)] for l in layers}
    headers = ["#"] + [f"{kind} {n}" for kind in ("Err", "BPE") for l in layers for n in names[l]]
    out = len(model.layers) - 2
    cells_of_rows = []
    for i in shown:
        cells = [_row_label(data, i)]
        for l in layers:
            cells += [fmt(v, p.error_output if l == out else p.error_hidden) for v in bw.errors[l][i]]
        for l in layers:
            cells += [fmt(v, p.bpe) for v in bw.bpes[l][i]]
        cells_of_rows.append(tuple(cells))
    faint = frozenset(k for k, i in enumerate(shown) if i in _faint(data))
    return TableData(title, tuple(Column(h) for h in headers), tuple(cells_of_rows), _notes(data, extra), faint)


def penalty_formula(model: Model, rows: int) -> str:
    """The regularisation penalty as the cost J adds it: λ/2 Σ w², λ/(2n) Σ w² with the mean, ..."""
    penalty = PENALTIES[model.regularization]
    text = penalty.penalty_text(rows if model.reduction == "mean" else None)
    return text + (f" + {penalty.sum_of('b')}" if model.regularize_biases else "")


def penalty_gradient(model: Model, rows: int, of: str = "w") -> str:
    """The penalty's gradient: λ w (L2), λ sign(w) (L1), with λ/n in front for the mean."""
    strength = f"(λ/{rows})" if model.reduction == "mean" else "λ"
    return PENALTIES[model.regularization].gradient_text(of, strength)


def penalty_note(model: Model, cost: CostSummary, rows: int, p: Precision) -> str:
    """J = data part + penalty part, in symbols and numbers."""
    data = "Σ" if model.reduction == "sum" else "C(W)"
    data_value = cost.objective - cost.penalty
    biases = "biases too" if model.regularize_biases else "biases left out"
    return (
        f"J = {data} + {penalty_formula(model, rows)} = {fmt_significant(data_value, p.cost)} + "
        f"{fmt_significant(cost.penalty, p.cost)} = {fmt_significant(cost.objective, p.cost)}   "
        f"({model.regularization.upper()}, λ = {model.lambda_:g}, {biases})"
    )


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


def weights_table(
    layers: tuple[int, ...],
    weights: Sequence[np.ndarray],
    p: Precision,
    title: str,
    number: Callable[[float], str] | None = None,
    notes: tuple[str, ...] = (),
) -> TableData:
    """Step 2 / Step 6: a weight table W1..Wn as the slides lay it out (also used for gradients).
    `number` formats a cell (default: the weights' decimals)."""
    show = number or (lambda v: fmt(v, p.weight))
    rows = weight_rows(layers, weights)
    width = max(len(values) for _, values in rows)
    columns = (Column("", "left"),) + tuple(Column(subscript(f"W{k + 1}")) for k in range(width))
    cells = tuple(
        (subscript(label), *[show(v) for v in values], *[""] * (width - len(values))) for label, values in rows
    )
    return TableData(title, columns, cells, notes)


def bias_table(
    layers: tuple[int, ...],
    rows: dict[str, Sequence[np.ndarray]],
    p: Precision,
    title: str,
    number: Callable[[float], str] | None = None,
    notes: tuple[str, ...] = (),
) -> TableData:
    """Step 2 / Step 6: Bias rows over the hidden and output nodes, e.g. {"Bias": model.biases}."""
    show = number or (lambda v: fmt(v, p.weight))
    nodes = [n for l in range(1, len(layers)) for n in node_labels(layers, l)]
    columns = (Column("", "left"),) + tuple(Column(subscript(n)) for n in nodes)
    cells = tuple((label, *[show(v) for b in biases for v in b]) for label, biases in rows.items())
    return TableData(title, columns, cells, notes)


def state_tables(model: Model, p: Precision, after: str) -> list[TableData]:
    """What momentum (velocity v) or Adam (m, v, m̂, v̂ and the update count t) remembers after
    the update that made `model`'s weights, per weight and bias. Small numbers keep two
    significant digits, so that Adam's v (about (1 - β2) g²) does not print as 0.000."""
    from ..optimizers import corrected, keeps_state

    opt, state = model.optimizer, model.optimizer_state
    if not keeps_state(opt) or state is None or state.steps < 1:
        return []
    t = state.steps

    def show(v: float) -> str:
        return fmt_significant(v, p.weight)

    if opt.name == "momentum":
        quantities = [("v", f"Momentum: velocity v {after} (t = {t})", state.first)]
        rule: tuple[str, ...] = (f"v = {opt.beta:g} v - {model.learning_rate:g} × dJ/dw;  w = w + v",)
    else:
        m_hat, v_hat = corrected(opt, state)
        quantities = [
            ("m", f"Adam: m {after} (t = {t})", state.first),
            ("v", f"Adam: v {after} (t = {t})", state.second),
            ("m̂", f"Adam: m̂ = m / (1 - β1^t) {after} (t = {t})", m_hat),
            ("v̂", f"Adam: v̂ = v / (1 - β2^t) {after} (t = {t})", v_hat),
        ]
        rule = (
            f"m = {opt.beta1:g} m + {1 - opt.beta1:g} g;  v = {opt.beta2:g} v + {1 - opt.beta2:g} g²;  g = dJ/dw",
            f"w = w - {model.learning_rate:g} × m̂ / (√v̂ + {opt.epsilon:g})",
        )
    tables = []
    for k, (_, title, store) in enumerate(quantities):
        arrays = [store.get(f"w{l}", np.zeros_like(w)) for l, w in enumerate(model.weights)]
        notes = rule if k == len(quantities) - 1 and not (model.update_biases and model.has_biases) else ()
        tables.append(weights_table(model.layers, arrays, p, title, show, notes))
    if model.update_biases and model.has_biases:
        rows: dict[str, Sequence[np.ndarray]] = {
            name: [store.get(f"b{l}", np.zeros_like(b)) for l, b in enumerate(model.biases)]
            for name, _, store in quantities
        }
        title = f"{'Momentum' if opt.name == 'momentum' else 'Adam'}: biases {after} (t = {t})"
        tables.append(bias_table(model.layers, rows, p, title, show, rule))
    return tables


def per_row_table(model: Model, data: Dataset, weights, biases, p: Precision, title: str) -> TableData:
    """Step 5 before the sum: each row's dCost_i/dw and dCost_i/db, one column per weight and
    bias, then their sum (and mean) over the rows."""
    labels, columns = [], []
    for l, w in enumerate(weights):
        src, dst = node_labels(model.layers, l), node_labels(model.layers, l + 1)
        for i in range(w.shape[1]):
            for j in range(w.shape[2]):
                labels.append(subscript(f"{src[i]}→{dst[j]}"))
                columns.append(w[:, i, j])
    if model.has_biases:
        for l, b in enumerate(biases):
            for j, name in enumerate(node_labels(model.layers, l + 1)):
                labels.append(subscript(f"b {name}"))
                columns.append(b[:, j])
    table = np.column_stack(columns)
    rows = [(_row_label(data, i), *[fmt(v, p.weight) for v in table[i]]) for i in range(len(data))]
    rows.append(("Σ", *[fmt(v, p.weight) for v in table.sum(axis=0)]))
    if model.reduction == "mean":
        rows.append(("mean", *[fmt(v, p.weight) for v in table.mean(axis=0)]))
    notes = ["dCost_i/dw = BPE_to,i × a_from,i and dCost_i/db = BPE_i, before they are summed"]
    if model.regularization != "none":
        notes.append(f"dJ/dw adds the penalty's {penalty_gradient(model, len(data))} to the {rows[-1][0]} row")
    headers = (Column("#"),) + tuple(Column(h) for h in labels)
    return TableData(title, headers, tuple(rows), _notes(data, notes), _faint(data))


def precision_for(decimals: int | None, epoch: int = 1) -> Precision:
    """The slides' precision, or `decimals` everywhere when the user asked for it."""
    return Precision.slides(epoch) if decimals is None else Precision.uniform(decimals)


def normalize_tables(data: Dataset, z, decimals: int | None) -> list[TableData]:
    """Step 1 a): the means and sample standard deviations, then the z-scores beside the targets."""
    names = [subscript(n) for n in data.input_names]
    stats = TableData(
        "Step 1 a): X' = (X - mean) / std, sample std (n - 1)",
        (Column("", "left"),) + tuple(Column(n) for n in names),
        (("mean", *[fmt(v, 6).rstrip("0").rstrip(".") for v in z.means]), ("std", *[fmt(v, 6) for v in z.stds])),
    )
    shown = 6 if decimals is None else decimals
    rows = tuple(
        (_row_label(data, i), *[target_text(v, shown) for v in data.targets[i]], *[fmt(v, shown) for v in z.values[i]])
        for i in range(len(data))
    )
    headers = ["#"] + [subscript(n) for n in data.target_names] + names
    table = TableData("Normalized data", tuple(Column(h) for h in headers), rows, _notes(data), _faint(data))
    return [stats, table]


def gradcheck_table(rows, decimals: int) -> TableData:
    """Backprop's gradient beside the central finite difference, per weight and bias."""
    columns = (Column("", "left"), Column("backprop"), Column("finite diff."), Column("rel. diff."))
    cells = tuple(
        (subscript(name), fmt(analytic, decimals), fmt(numeric, decimals), f"{rel:.1e}")
        for name, analytic, numeric, rel in rows
    )
    return TableData("Gradient check: backprop against (C(w + h) - C(w - h)) / 2h", columns, cells)


def in_notation(b: Any, notation: str) -> Any:
    """A table (TableData) or a sheet of worked formulas in `notation`; other blocks unchanged."""
    if notation == "slides":
        return b
    from ..worked.formula import Op
    from ..worked.notation import expr, words
    from ..worked.sheets import Sheet

    if isinstance(b, TableData):
        return replace(
            b,
            title=words(b.title),
            columns=tuple(Column(words(c.header), c.align) for c in b.columns),
            rows=tuple((words(r[0]),) + r[1:] for r in b.rows),
            notes=tuple(words(n) for n in b.notes),
        )
    if isinstance(b, Sheet):
        items = tuple(
            replace(
                w,
                label=words(w.label),
                lhs=expr(w.lhs),
                formula=None if w.formula is None else expr(w.formula),
                substituted=expr(w.substituted),
                terms=None if w.terms is None else cast(Op, expr(w.terms)),
            )
            for w in b.items
        )
        return replace(b, title=words(b.title), notes=tuple(words(n) for n in b.notes), items=items)
    return b
