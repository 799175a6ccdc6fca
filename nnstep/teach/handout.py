"""The files of one exercise: the model and data, the blank worksheet to fill in and print, and
its answer key with the worked formulas (Steps 3-6 of the lecture).

A key answers each cell at the precision the sheet asks: the lecture's (2 decimals for activations
and outputs, 3 for every other number) or one number of decimals for all. Every text here is a pure
function of the variant and the options, so the same seed and options give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..dataset import Dataset
from ..files.load import data_yaml
from ..files.save import model_yaml
from ..labels import Precision, fmt
from ..network import Model
from ..regularization import PENALTIES
from ..render import exercise as printable
from ..render.export import ANSWER_BOX, markdown
from ..render.tables import TableData, bias_table, weights_table
from ..render.worksheet import layout
from ..worked.sheets import Sheet, worked
from .check import Net, gradient_work
from .exercise import Variant
from .worksheet import HEADER, Cell, cells, plain_update

FILES = ("model.yaml", "data.yaml", "worksheet.csv", "worksheet.md", "worksheet.tex", "key.csv", "key.md")
TWO_DECIMALS = ("activation",)  # the lecture's: activations and outputs; every other quantity 3


def decimals_of(quantity: str, decimals: int | None) -> int:
    """The decimals a sheet asks for a quantity: `decimals` when given, else the lecture's."""
    if decimals is not None:
        return decimals
    return 2 if quantity in TWO_DECIMALS else 3


def precision(decimals: int | None) -> Precision:
    """The worked formulas' precision, the same as the key's."""
    if decimals is not None:
        return Precision.uniform(decimals, trim_given=True)
    return Precision(2, 2, 2, 3, 3, 3, 3, 3, trim_given=True, sum_digits=None)


def precision_text(decimals: int | None) -> str:
    if decimals is not None:
        return f"Write every number with {decimals} decimals."
    return "Write activations and outputs with 2 decimals, every other number with 3."


def key_answers(net: Net, chosen: Sequence[Cell], decimals: int | None) -> dict[Cell, str]:
    """Each cell's right value (from the core) at the sheet's precision."""
    return {c: fmt(net.right[c], decimals_of(c.quantity, decimals)) for c in chosen}


def filled_csv(chosen: Sequence[Cell], answers: dict[Cell, str]) -> str:
    """The worksheet CSV (quantity,node,row,answer) with every answer filled in."""
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(HEADER)
    for c in chosen:
        w.writerow([c.quantity, c.node or "", "" if c.row is None else c.row, answers.get(c, "")])
    return buffer.getvalue()


def conventions(model: Model, rows: int) -> list[str]:
    """The conventions a student needs, in the slides' words."""
    names = model.activations
    if len(set(names)) == 1:
        f = [f"f(x) = {ACTIVATIONS[names[0]].formula} ({names[0]}) on every node after the inputs."]
    else:
        f = [f"f(x) = {ACTIVATIONS[n].formula} ({n}) on layer {k + 1}." for k, n in enumerate(names)]
    cost = COSTS[model.cost]
    mean = model.reduction == "mean"
    lines = [
        f"Network {'-'.join(str(n) for n in model.layers)}: " + " ".join(f),
        f"Cost of a row: {cost.formula}; Σ adds up the {rows} rows' costs, C(W) = Σ / {rows}.",
        f"Error of an output node: {cost.error_formula}; BPE = error × f'(input sum); the error of a hidden "
        "node is Σ BPE × w over the weights out of it "
        + (
            "(sequential layer updates: the weights after their update)."
            if model.layer_updates == "sequential" and model.update == "batch"
            else "(the weights of Step 2)."
        ),
        f"Learning rate α = {model.learning_rate:g}. One-row step: w - α × BPE × a. "
        f"dCost/dw = {'(' if mean else ''}Σ over the {rows} rows of BPE × a{f') / {rows}' if mean else ''}"
        + ("; the update: w - α × dCost/dw." if not plain_update(model) else "."),
    ]
    if model.has_biases and not model.update_biases:
        lines.append("The biases stay as they are (frozen).")
    if model.regularization != "none":
        which = "weight and bias" if model.regularize_biases else "weight (not the biases)"
        slope = PENALTIES[model.regularization].gradient_text(times="× ")
        lines.append(
            f"Regularisation {model.regularization.upper()}, λ = {model.lambda_:g}: the gradient of each {which} "
            f"gains {slope}{f' / {rows}' if mean else ''}; J = Σ + the penalty."
        )
    return lines


def _given_decimals(arrays: Sequence[np.ndarray]) -> int:
    """1 when every given weight and bias has one decimal (as drawn), else 2, else 3."""
    for d in (1, 2):
        if all(np.array_equal(np.round(a, d), a) for a in arrays):
            return d
    return 3


def step2_tables(model: Model) -> list[TableData]:
    """Step 2: the initial weights and biases, as the slides lay them out."""
    d = _given_decimals([*model.weights, *model.biases])
    p = Precision.uniform(d)
    out = [weights_table(model.layers, model.weights, p, "Step 2: The initial weights")]
    if model.has_biases:
        out.append(bias_table(model.layers, {"Bias": model.biases}, p, "Step 2: The initial biases"))
    return out


def worked_key(net: Net, model: Model, data: Dataset, decimals: int | None) -> list[Sheet]:
    """The worked formulas behind the key: per row the forward pass, cost and backpropagation; the
    one-row step of row 1 (w - α BPE a); the gradients; the full-batch update as the slides do it."""
    p = precision(decimals)
    sheets: list[Sheet] = []
    rows = len(data)
    for r in range(1, rows + 1):
        for s in worked("forward", model, data, r, p):
            if r > 1:  # Σ, C(W) (and the penalty) once, with row 1
                kept = tuple(w for w in s.items if w.label.startswith(("input", "activation", "cost")))
                if not kept:
                    continue
                s = replace(s, title=f"Step 4: Cost, row {r}" if s.title.startswith("Step 4") else s.title, items=kept)
            sheets.append(s)
    if not sequential(model):
        for r in range(1, rows + 1):
            sheets += worked("backprop", model, data, r, p)
    # the one-row step w - α BPE a is the same for either reduction (the BPEs are per row)
    one_row = worked("update", replace(model, reduction="sum"), data, 1, p)
    sheets.append(one_row[0])
    gradient_cells = [c for c in net.order if c.quantity in ("gradient_weight", "gradient_bias")]
    if gradient_cells and model.regularization == "none":  # (with a penalty: in the update's sheets)
        note = "dCost/dw = Σ over the rows of BPE_to × a_from" + (
            f", divided by {rows}" if model.reduction == "mean" else ""
        )
        right = net.right.__getitem__
        items = tuple(replace(gradient_work(net, c, right, p), terms=None) for c in gradient_cells)
        sheets.append(Sheet(f"Step 6: The gradients over all {rows} rows", (note,), items))
    if not plain_update(model) and model.reduction == "sum":
        sheets += one_row[1:]  # the full batch (and the penalty's step)
    return sheets


def sequential(model: Model) -> bool:
    """Hidden errors go back through updated weights: Step 5's worked formulas (which take the
    weights of Step 2) are left out of the key."""
    return model.update == "batch" and model.layer_updates == "sequential" and len(model.weights) > 1


@dataclass(frozen=True)
class Handout:
    """One variant's files, name -> text, in the order of FILES."""

    folder: str
    files: dict[str, str]


def handout(variant: Variant, seed: int, label: str, decimals: int | None, command: str) -> Handout:
    """Every file of one variant. `label` names it ('01', or '' for a single variant); `command`
    is the nnstep command that writes it (recorded in model.yaml)."""
    model, data = variant.model, variant.data
    rows = len(data)
    chosen = cells(model, rows)
    net = Net(model, data)
    answers = key_answers(net, chosen, decimals)
    name = f"Exercise {label} (seed {seed})" if label else f"Exercise (seed {seed})"
    facts = conventions(model, rows)
    given = step2_tables(model)
    how = precision_text(decimals)

    sheet_intro = [
        "Name: ____________________",
        f"Work Steps 3-6 of the lecture for these {rows} rows and fill in every blank cell. {how}",
        *facts,
        "Then type your answers into worksheet.csv and run: nnstep check worksheet.csv",
    ]
    box_tables = layout(model, data, chosen, lambda c: ANSWER_BOX)
    by_fields = {(c.quantity, c.node, c.row): a for c, a in answers.items()}  # layout reads cells by their fields
    key_tables = layout(model, data, chosen, lambda c: by_fields.get(c, ""))
    key_intro = [
        f"Every answer at the precision the sheet asks: {how[0].lower()}{how[1:]}",
        *facts,
        "The key works at full precision and rounds only what it writes: an answer worked from rounded "
        "numbers may differ in its last digit, and nnstep check marks it right.",
        "nnstep check key.csv --model model.yaml --data data.yaml marks every cell right.",
        *(
            ["Sequential layer updates: the tables hold Step 5's answers; its worked formulas are left out."]
            if sequential(model)
            else []
        ),
    ]
    comment = f"{name}, written by: {command}" + (f" (draw {variant.attempt})" if variant.attempt else "")
    columns = list(data.input_names + data.target_names)
    files = {
        "model.yaml": model_yaml(model, comment),
        "data.yaml": data_yaml(columns, list(data.target_names), np.hstack([data.inputs, data.targets]).tolist()),
        "worksheet.csv": filled_csv(chosen, {}),
        "worksheet.md": f"# {name}\n\n" + markdown([*sheet_intro, *given, *box_tables], name),
        "worksheet.tex": printable.latex(name, sheet_intro, [*given, *box_tables]),
        "key.csv": filled_csv(chosen, answers),
        "key.md": f"# Answer key: {name}\n\n"
        + markdown([*key_intro, *given, *key_tables, *worked_key(net, model, data, decimals)], name),
    }
    return Handout(label, files)
