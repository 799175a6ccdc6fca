"""Worksheets: the cells a student fills in for Steps 3-6, and reading a filled-in sheet.

A cell is a quantity of a node (or weight FROM-TO) in a row: ("input_sum", "H1", 1) is the
input sum of H1 for observation 1. A sheet is a CSV with the header quantity,node,row,answer
(or a YAML list of mappings with those keys); an answer's digits after the point are its precision.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..activations import ACTIVATIONS
from ..files.load import InputError
from ..labels import node_labels, weight_label
from ..network import Model, Step

HEADER = ("quantity", "node", "row", "answer")
QUANTITIES = (
    "input_sum",
    "activation",
    "cost",
    "cost_sum",
    "cost_mean",
    "error",
    "bpe",
    "gradient_weight",
    "gradient_bias",
    "weight",
    "bias",
    "weight_one_row",
    "bias_one_row",
)
STEPS = ("forward", "cost", "backprop", "update")
STEP_OF = {
    "input_sum": "forward",
    "activation": "forward",
    "cost": "cost",
    "cost_sum": "cost",
    "cost_mean": "cost",
    "error": "backprop",
    "bpe": "backprop",
}  # every other quantity: update
NODE_QUANTITIES = ("input_sum", "activation", "error", "bpe", "gradient_bias", "bias", "bias_one_row")
WEIGHT_QUANTITIES = ("gradient_weight", "weight", "weight_one_row")
ROW_QUANTITIES = ("input_sum", "activation", "cost", "error", "bpe", "weight_one_row", "bias_one_row")
NAMES = {
    "input_sum": "input sum",
    "activation": "activation",
    "cost": "cost",
    "cost_sum": "Σ, the summed cost",
    "cost_mean": "C(W), the mean cost",
    "error": "error",
    "bpe": "BPE",
    "gradient_weight": "dCost/dw",
    "gradient_bias": "dCost/db",
    "weight": "weight after the update",
    "bias": "bias after the update",
    "weight_one_row": "weight after the one-row step",
    "bias_one_row": "bias after the one-row step",
}


@dataclass(frozen=True)
class Cell:
    """One number of a worksheet: the quantity, the node (H1) or weight (IN1-H1), the row from 1."""

    quantity: str
    node: str | None = None
    row: int | None = None

    def describe(self) -> str:
        """In words: 'input sum of H1, row 1', 'weight after the update IN1-H1'."""
        q = self.quantity
        if q == "activation" and self.node is not None and self.node.startswith("O"):
            text = f"output {self.node}"
        elif q in ("cost_sum", "cost_mean"):
            text = NAMES[q]
        elif q == "cost":
            text = "cost"
        elif q in WEIGHT_QUANTITIES or q in ("bias", "bias_one_row", "gradient_bias"):
            text = f"{NAMES[q]} {self.node}" if q.startswith("gradient") else f"{NAMES[q]}, {self.node}"
        else:
            text = f"{NAMES[q]} of {self.node}"
        return text + (f", row {self.row}" if self.row is not None else "")

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "node": self.node, "row": self.row}


@dataclass(frozen=True)
class Answer:
    """A filled-in (or blank) cell as the student wrote it: `value` None for a blank cell,
    `decimals` the digits after the point, `line` the line of the sheet it is on."""

    cell: Cell
    text: str
    value: float | None
    decimals: int
    line: int


@dataclass(frozen=True)
class Worksheet:
    path: str
    answers: tuple[Answer, ...]


# Which cells a model has ---------------------------------------------------------------------


def right_value(s: Step | None, q: str, l: int, i: int, j: int, row: int, after: Model) -> float:
    """The value of quantity `q` of node j of layer l (weights from node i of layer l - 1), row
    `row` (from 0), from the step `s`: Steps 3-5, the one-row step w - α BPE a, and the weights
    and biases of the model `after` (no step needed for those)."""
    if q == "weight":
        return float(after.weights[l - 1][i, j])
    if q == "bias":
        return float(after.biases[l - 1][j])
    assert s is not None
    if q == "cost":
        return float(s.cost.observations[row])
    if q in ("cost_sum", "cost_mean"):
        return s.cost.sum if q == "cost_sum" else s.cost.mean
    if q == "gradient_weight":
        return float(s.backward.weight_gradients[l - 1][i, j])
    if q == "gradient_bias":
        return float(s.backward.bias_gradients[l - 1][j])
    m, bpe = s.model, s.backward.bpes[l - 1][row, j] if q.endswith("_one_row") else 0.0
    if q == "weight_one_row":
        return float(m.weights[l - 1][i, j] - m.learning_rate * bpe * s.forward.layer_inputs(l - 1)[row, i])
    if q == "bias_one_row":
        return float(m.biases[l - 1][j] - m.learning_rate * bpe)
    table = {
        "input_sum": s.forward.input_sums,
        "activation": s.forward.activations,
        "error": s.backward.errors,
        "bpe": s.backward.bpes,
    }[q]
    return float(table[l - 1][row, j])


def trainable(model: Model) -> bool:
    return all(ACTIVATIONS[name].trainable for name in model.activations)


def plain_update(model: Model) -> str:
    """'' when the update is the lecture's full-batch plain gradient descent (whose updated
    weights a worksheet holds), else what differs, in words."""
    return ", ".join(
        text
        for differs, text in (
            (model.update != "batch", f"{model.update} updates"),
            (model.optimizer.name != "gd", f"the {model.optimizer.name} optimizer"),
            (model.layer_updates != "simultaneous" and len(model.weights) > 1, "sequential layer updates"),
        )
        if differs
    )


def learned_biases(model: Model) -> bool:
    return model.has_biases and model.update_biases


def cells(
    model: Model, n_rows: int, steps: str | Iterable[str] = STEPS, rows: Sequence[int] | None = None
) -> list[Cell]:
    """The cells of a worksheet in the order of the calculation: per row the forward pass (input
    sums, then activations, layer by layer) and the cost; Σ and C(W); per row the errors and BPEs
    from the output back; the one-row step of the first row chosen (weights, then biases, from the
    output layer back, as the slides go); the gradients and the updated weights and biases.

    Σ, C(W), the gradients and the full-batch update need every row: they are on the sheet only
    when all rows are. The updated weights and biases are left out unless the model's update is the
    lecture's full-batch plain gradient descent; a model that cannot be trained has Steps 3-4 only.

    `steps` names lecture steps (a list, or one string 'forward,cost'); `rows` counts from 1. An
    unknown step, a row out of range or steps with no cells is a ValueError naming the argument."""
    names = [x.strip() for x in steps.split(",")] if isinstance(steps, str) else list(steps)
    bad = [x for x in names if x not in STEPS]
    if bad or not names:
        raise ValueError(f"steps: expected names from {', '.join(STEPS)}, got {','.join(map(str, names))!r}")
    steps = set(names)
    layers, n = model.layers, len(model.weights)
    chosen = list(range(1, n_rows + 1)) if rows is None else list(rows)
    outside = [r for r in chosen if not (isinstance(r, int) and 1 <= r <= n_rows)]
    if outside or (rows is not None and not chosen):
        raise ValueError(f"rows: expected rows from 1 to {n_rows}, got {outside[0] if outside else 'none'}")
    every_row = sorted(chosen) == list(range(1, n_rows + 1))
    train = trainable(model)
    out: list[Cell] = []
    if "forward" in steps:
        for r in chosen:
            for layer in range(1, n + 1):
                out += [Cell("input_sum", name, r) for name in node_labels(layers, layer)]
                out += [Cell("activation", name, r) for name in node_labels(layers, layer)]
    if "cost" in steps:
        out += [Cell("cost", None, r) for r in chosen]
        if every_row:
            out += [Cell("cost_sum"), Cell("cost_mean")]
    if "backprop" in steps and train:
        for r in chosen:
            for layer in reversed(range(1, n + 1)):
                out += [Cell("error", name, r) for name in node_labels(layers, layer)]
                out += [Cell("bpe", name, r) for name in node_labels(layers, layer)]
    if "update" in steps and train:
        if chosen:
            out += _update_cells(model, "weight_one_row", "bias_one_row", chosen[0], learned_biases(model))
        if every_row:
            out += _update_cells(model, "gradient_weight", "gradient_bias", None, model.has_biases)
            if not plain_update(model):
                out += _update_cells(model, "weight", "bias", None, learned_biases(model))
    if not out:
        raise ValueError("steps: no cells for these steps (a model that cannot be trained has forward, cost)")
    return out


def _update_cells(model: Model, wq: str, bq: str, row: int | None, biases: bool) -> list[Cell]:
    layers, out = model.layers, []
    for l in reversed(range(len(model.weights))):
        to = node_labels(layers, l + 1)
        out += [Cell(wq, weight_label(layers, l, i, j), row) for j in range(len(to)) for i in range(layers[l])]
        if biases:
            out += [Cell(bq, name, row) for name in to]
    return out


# Reading a sheet -----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.(\d*))?|\.(\d+))$")


def parse_answer(text: str) -> tuple[float | None, int] | None:
    """'0.650' -> (0.65, 3); '' -> (None, 0); not a number -> None. A Unicode minus is a minus."""
    text = text.strip().replace("−", "-")
    if not text:
        return None, 0
    m = _NUMBER.match(text)
    if m is None:
        return None
    digits = m.group(3) if m.group(3) is not None else (m.group(4) or "")
    return float(text), len(digits)


def _rows(path: str | Path) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, {quantity, node, row, answer}) per row of a CSV or YAML sheet, as text."""
    from ..files.load import _reading

    with _reading(path, "worksheet"):
        text = Path(path).read_text(encoding="utf-8-sig")
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        yield from _yaml_rows(path, text)
        return
    lines = csv.reader(text.splitlines())
    header, count = None, 0
    for row in lines:
        line = lines.line_num
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip().lower() for c in row]
            if tuple(header) != HEADER:
                raise InputError(path, f"line {line}", f"expected the header {','.join(HEADER)}, got {','.join(row)!r}")
            continue
        if len(row) != len(HEADER):
            raise InputError(path, f"line {line}", f"expected 4 fields ({','.join(HEADER)}), got {len(row)}")
        count += 1
        yield line, dict(zip(HEADER, row))
    if header is None or count == 0:
        raise InputError(path, None, f"empty sheet: expected the header {','.join(HEADER)} and a line per cell")


def _yaml_rows(path: str | Path, text: str) -> Iterable[tuple[int, dict[str, str]]]:
    """A YAML list of mappings; every value is taken as written (0.650 keeps its three decimals)."""
    import yaml

    from ..files.load import yaml_loader

    try:
        doc = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputError(path, where, f"malformed YAML: {getattr(exc, 'problem', None) or 'syntax error'}") from None
    if not isinstance(doc, yaml.SequenceNode) or not doc.value:
        raise InputError(path, None, f"expected a list of mappings with the keys {', '.join(HEADER)}")
    for item in doc.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise InputError(path, f"line {line}", f"expected a mapping with the keys {', '.join(HEADER)}")
        fields: dict[str, str] = {}
        for key, value in item.value:
            if not isinstance(key, yaml.ScalarNode) or key.value not in HEADER:
                raise InputError(path, f"line {key.start_mark.line + 1}", f"expected only the keys {', '.join(HEADER)}")
            if not isinstance(value, yaml.ScalarNode):
                raise InputError(path, f"line {value.start_mark.line + 1}", f"{key.value}: expected a single value")
            fields[key.value] = "" if value.tag.endswith(":null") else value.value
        if "quantity" not in fields:
            raise InputError(path, f"line {line}", "quantity: missing key")
        yield line, {k: fields.get(k, "") for k in HEADER}


def read_sheet(path: str | Path, model: Model, n_rows: int) -> Worksheet:
    """Read and check a filled-in worksheet: every cell must be one this model and data have,
    given once, with a number or nothing as its answer."""
    refused = _refused_cells(model, n_rows)
    known = set(cells(model, n_rows)) | refused
    nodes = [name for layer in range(1, len(model.layers)) for name in node_labels(model.layers, layer)]
    weights = [
        weight_label(model.layers, l, i, j)
        for l in range(len(model.weights))
        for i in range(model.layers[l])
        for j in range(model.layers[l + 1])
    ]
    seen: dict[Cell, int] = {}
    answers = []
    for line, f in _rows(path):
        where = f"line {line}"
        q = f["quantity"].strip()
        if q not in QUANTITIES:
            raise InputError(path, where, f"quantity: expected one of {', '.join(QUANTITIES)}, got {q!r}")
        node = f["node"].strip().replace("->", "-").replace("→", "-") or None
        row_text = f["row"].strip()
        if q in NODE_QUANTITIES and node not in nodes:
            raise InputError(path, where, f"node: expected a node of {q} ({_few(nodes)}), got {node or ''!r}")
        if q in WEIGHT_QUANTITIES and node not in weights:
            raise InputError(path, where, f"node: expected a weight FROM-TO ({_few(weights)}), got {node or ''!r}")
        if q in ("cost", "cost_sum", "cost_mean") and node is not None:
            raise InputError(path, where, f"node: expected it empty for {q}, got {node!r}")
        row = None
        if q in ROW_QUANTITIES:
            if not row_text.isdigit() or not 1 <= int(row_text) <= n_rows:
                raise InputError(path, where, f"row: expected a row from 1 to {n_rows} for {q}, got {row_text!r}")
            row = int(row_text)
        elif row_text:
            raise InputError(path, where, f"row: expected it empty for {q} (it sums over every row), got {row_text!r}")
        cell = Cell(q, node, row)
        if cell not in known:
            raise InputError(path, where, f"{q}: {_not_here(model, q)}")
        if cell in seen:
            raise InputError(path, where, f"{cell.describe()} is given twice (first on line {seen[cell]})")
        seen[cell] = line
        parsed = parse_answer(f["answer"])
        if parsed is None:
            raise InputError(path, where, f"answer: expected a number such as 0.614 or nothing, got {f['answer']!r}")
        if cell in refused and parsed[0] is not None:
            raise InputError(path, where, f"{q}: {_not_here(model, q)}")
        answers.append(Answer(cell, f["answer"].strip(), parsed[0], parsed[1], line))
    return Worksheet(str(path), tuple(answers))


def _refused_cells(model: Model, n_rows: int) -> set[Cell]:
    """Updated weights and biases of a model whose update the worksheet does not follow: a blank
    one is let through (a sheet written for the lecture), a filled one is refused."""
    if plain_update(model) and trainable(model):
        return set(_update_cells(model, "weight", "bias", None, learned_biases(model)))
    return set()


def _not_here(model: Model, q: str) -> str:
    if q in ("weight", "bias") and plain_update(model):
        return (
            "the updated weights on a worksheet are the lecture's full-batch gradient descent; "
            f"this model uses {plain_update(model)} (nnstep update shows its numbers)"
        )
    if not trainable(model):
        return "this model cannot be trained (step activation): a worksheet has Steps 3-4 only"
    if q == "bias_one_row" or q == "bias":
        return "this model does not learn its biases"
    return "no such cell in this network"


def _few(names: list[str]) -> str:
    return ", ".join(names) if len(names) <= 6 else ", ".join(names[:5]) + ", ..."


def sheet_csv(cell_list: Sequence[Cell]) -> str:
    """The blank sheet to fill in: the header, then one line per cell with an empty answer."""
    import io

    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(HEADER)
    for c in cell_list:
        w.writerow([c.quantity, c.node or "", "" if c.row is None else c.row, ""])
    return buffer.getvalue()
