"""Check my work: mark a student's worksheet cell by cell, with follow-through.

Every cell has a formula in terms of earlier cells (Steps 3-6 of the lecture). The right value
comes from the core; the recomputed value is the same formula applied to the student's own earlier
answers (the right value stands in for a cell left blank). A cell is `correct` when it is the right
value up to rounding at the student's precision, `follows` when it is what the right method gives
from the student's own wrong earlier answers, else `wrong`, with a diagnosis: the first known
mistake whose value, from the student's numbers or the right ones, the answer matches.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from .. import network
from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..dataset import Dataset
from ..labels import Precision, fewest_decimals, fmt, node_index, node_labels
from ..network import Model
from ..regularization import PENALTIES
from ..worked.sheets import Work
from .marking import agrees
from .worksheet import Answer, Cell, Worksheet, cells, right_value, trainable, weight_label

CORRECT, FOLLOWS, WRONG, BLANK = "correct", "follows", "wrong", "blank"
DIAGNOSES = (
    "sign",
    "factor_2",
    "missing_derivative",
    "derivative_argument",
    "updated_weights_too_early",
    "mean_vs_sum",
    "missing_bias",
    "missing_learning_rate",
    "wrong_direction",
    "wrong_row",
    "swapped_weights",
    "arithmetic",
)

Lookup = Callable[[Cell], float]


class Net:
    """The cells of one model and data set: their right values (from the core), their formulas in
    terms of other cells, the cells each formula reads, and the mistakes a student makes in it."""

    def __init__(self, model: Model, data: Dataset):
        self.m, self.X, self.Y, self.N = model, data.inputs, data.targets, len(data)
        self.L = len(model.weights)
        self.labels = [node_labels(model.layers, l) for l in range(self.L + 1)]
        self.node = node_index(model.layers)
        self.weight = {
            weight_label(model.layers, l, i, j): (l + 1, i, j)
            for l in range(self.L)
            for i in range(model.layers[l])
            for j in range(model.layers[l + 1])
        }
        self.order = cells(model, self.N)
        if trainable(model):
            self.step = network.step(model, data.inputs, data.targets)
        else:  # the step activation: Steps 3-4 only
            fp = network.forward(model, data.inputs)
            empty = network.Backward([], [], [], [])
            self.step = network.Step(model, fp, network.cost(model, fp, data.targets), empty, model)
        self.scale = 1.0 / self.N if model.reduction == "mean" else 1.0
        sequential = model.update == "batch" and model.layer_updates == "sequential"
        # the weights a hidden error goes back through (the updated ones for sequential layer updates)
        self.through = self.step.updated.weights if sequential else model.weights
        self.right = {c: self._right(c) for c in self.order}

    # where a cell is -----------------------------------------------------------------------------

    def pos(self, c: Cell) -> tuple[int, int, int]:
        """(layer of the node the cell belongs to, from-node i or -1, node j)."""
        if c.node is None:
            return self.L, -1, 0
        if c.node in self.weight:
            return self.weight[c.node]
        l, j = self.node[c.node]
        return l, -1, j

    def _right(self, c: Cell) -> float:
        l, i, j = self.pos(c)
        return right_value(self.step, c.quantity, l, i, j, (c.row or 1) - 1, self.step.updated)

    # the values a formula reads -------------------------------------------------------------------

    def vec(self, v: Lookup, q: str, l: int, r: int) -> np.ndarray:
        """The quantity `q` of every node of layer l in row r (the data for activations of layer 0)."""
        if q == "activation" and l == 0:
            return self.X[r - 1]
        return np.array([v(Cell(q, name, r)) for name in self.labels[l]])

    def compute(self, c: Cell, v: Lookup) -> float:
        """The cell's formula (Steps 3-6) applied to the values `v` gives for its inputs."""
        q, m = c.quantity, self.m
        l, i, j = self.pos(c)
        r = c.row or 1
        if q == "input_sum":
            return float(self.vec(v, "activation", l - 1, r) @ m.weights[l - 1][:, j] + m.biases[l - 1][j])
        if q == "activation":
            return float(ACTIVATIONS[m.activations[l - 1]].f(self.vec(v, "input_sum", l, r)[None])[0, j])
        if q == "cost":
            return float(
                COSTS[m.cost].per_observation(self.vec(v, "activation", self.L, r)[None], self.Y[r - 1][None])[0]
            )
        if q == "cost_sum":
            return float(sum(v(Cell("cost", None, k)) for k in range(1, self.N + 1)))
        if q == "cost_mean":
            return v(Cell("cost_sum")) / self.N
        if q == "error":
            if l == self.L:
                a = self.vec(v, "activation", l, r)
                return float(COSTS[m.cost].derivative(a[None], self.Y[r - 1][None])[0, j])
            return float(self.vec(v, "bpe", l + 1, r) @ self.through[l][j])
        if q == "bpe":
            z, a, e = (self.vec(v, k, l, r)[None] for k in ("input_sum", "activation", "error"))
            return float(ACTIVATIONS[m.activations[l - 1]].bpe(z, a, e)[0, j])
        if q in ("gradient_weight", "gradient_bias"):
            rows = range(1, self.N + 1)
            pen = self.penalty_gradient(c)  # the regularisation penalty's part, λ w (L2) or λ sign(w) (L1)
            if q == "gradient_bias":
                return self.scale * sum(v(Cell("bpe", self.labels[l][j], k)) for k in rows) + pen
            return (
                self.scale
                * sum(v(Cell("bpe", self.labels[l][j], k)) * self.vec(v, "activation", l - 1, k)[i] for k in rows)
                + pen
            )
        if q == "weight":
            return float(m.weights[l - 1][i, j] - m.learning_rate * v(Cell("gradient_weight", c.node)))
        if q == "bias":
            return float(m.biases[l - 1][j] - m.learning_rate * v(Cell("gradient_bias", c.node)))
        bpe = v(Cell("bpe", self.labels[l][j], r))
        if q == "weight_one_row":
            return float(m.weights[l - 1][i, j] - m.learning_rate * bpe * self.vec(v, "activation", l - 1, r)[i])
        return float(m.biases[l - 1][j] - m.learning_rate * bpe)  # bias_one_row

    def inputs(self, c: Cell) -> list[Cell]:
        """The cells the formula of `c` reads, in the order of the calculation."""
        q = c.quantity
        l, i, j = self.pos(c)
        r = c.row
        names = self.labels[l] if 0 < l <= self.L else []
        mixing = self.m.activations[l - 1] == "softmax" if l >= 1 else False
        own = names if mixing else [names[j]] if names else []

        def acts(layer: int, row: int | None, nodes=None) -> list[Cell]:
            if layer == 0:
                return []
            return [Cell("activation", n, row) for n in (nodes or self.labels[layer])]

        every = range(1, self.N + 1)
        if q == "input_sum":
            return acts(l - 1, r)
        if q == "activation":
            return [Cell("input_sum", n, r) for n in own]
        if q == "cost":
            return acts(self.L, r)
        if q == "cost_sum":
            return [Cell("cost", None, k) for k in every]
        if q == "cost_mean":
            return [Cell("cost_sum")]
        if q == "error":
            if l == self.L:
                return acts(l, r, [names[j]])
            return [Cell("bpe", n, r) for n in self.labels[l + 1]]
        if q == "bpe":
            return [Cell(k, n, r) for k in ("input_sum", "activation", "error") for n in own]
        if q == "gradient_weight":
            feed = [] if l == 1 else [Cell("activation", self.labels[l - 1][i], k) for k in every]
            return [Cell("bpe", names[j], k) for k in every] + feed
        if q == "gradient_bias":
            return [Cell("bpe", names[j], k) for k in every]
        if q == "weight":
            return [Cell("gradient_weight", c.node)]
        if q == "bias":
            return [Cell("gradient_bias", c.node)]
        if q == "weight_one_row":
            return [Cell("bpe", names[j], r)] + acts(l - 1, r, [self.labels[l - 1][i]])
        return [Cell("bpe", names[j], r)]

    def penalty_gradient(self, c: Cell) -> float:
        """The regularisation penalty's part of a gradient cell: λ w (L2) or λ sign(w) (L1), over N
        for the mean; 0 without a penalty."""
        l, i, j = self.pos(c)
        bw = self.step.backward
        if c.quantity == "gradient_bias":
            return 0.0 if bw.bias_penalties is None else float(bw.bias_penalties[l - 1][j])
        if c.quantity == "gradient_weight":
            return 0.0 if bw.weight_penalties is None else float(bw.weight_penalties[l - 1][i, j])
        return 0.0

    def slack(self, c: Cell) -> float:
        """Units of the last written place that rounding explains before anything carried: half a
        unit for the answer's own rounding and half a unit per product in its formula that a
        student rounds at the written place (Σ a × w's products, (ŷ - y)², error × f', α × BPE × a)."""
        l, i, j = self.pos(c)
        q = c.quantity
        if q == "input_sum":
            products = self.m.layers[l - 1]
        elif q == "error" and l < self.L:
            products = self.m.layers[l + 1]
        elif q == "gradient_weight":
            products = self.N
        elif q == "bpe" and self.m.activations[l - 1] == "softmax":
            products = self.m.layers[l] + 1
        elif q in ("cost", "bpe", "weight_one_row", "bias_one_row", "weight", "bias"):
            products = 1
        else:  # activations, the output error, Σ, C(W), dCost/db: no product
            products = 0
        return 0.5 + products / 2

    def tolerance(self, c: Cell, a: Answer, v: Lookup, given: dict[Cell, Answer]) -> float:
        """What rounding explains, in units of the answer's last written place: its own rounding
        and its rounded products (slack), plus half a unit of each earlier written answer it is
        worked from, carried through the formula (by its partial derivative)."""
        units = self.slack(c)
        base = self.compute(c, v)
        for k in self.inputs(c):
            w = given.get(k)
            if w is None or w.value is None:
                continue
            h = 10.0**-w.decimals / 2

            def nudged(cell: Cell, k=k, h=h) -> float:
                return v(cell) + h if cell == k else v(cell)

            units += abs(self.compute(c, nudged) - base) / 10.0**-a.decimals
        return units

    # mistakes ------------------------------------------------------------------------------------

    def mistakes(self, c: Cell, v: Lookup) -> Iterator[tuple[str, str, float]]:
        """(diagnosis, variant, value) of each known mistake in the formula of `c`, from values `v`."""
        q, m = c.quantity, self.m
        l, i, j = self.pos(c)
        r = c.row or 1
        value = self.compute(c, v)
        if q == "input_sum":
            a, w, b = self.vec(v, "activation", l - 1, r), m.weights[l - 1], m.biases[l - 1][j]
            if m.has_biases:
                yield "missing_bias", "", float(a @ w[:, j])
            for k in range(w.shape[1]):
                if k != j:
                    yield "swapped_weights", f"node:{k}", float(a @ w[:, k] + b)
            n = len(a)
            pairings = itertools.permutations(range(n)) if n <= 5 else _transpositions(n)
            for p in pairings:
                if list(p) != list(range(n)):
                    yield "swapped_weights", f"inputs:{','.join(map(str, p))}", float(a[list(p)] @ w[:, j] + b)
        elif q == "activation":
            f = ACTIVATIONS[m.activations[l - 1]]
            yield "sign", "exponent", float(f.f(-self.vec(v, "input_sum", l, r)[None])[0, j])
        elif q == "cost":
            yield "factor_2", m.cost, value * 2 if m.cost != "squared_error" else value / 2
        elif q in ("cost_sum", "cost_mean"):
            other = value / self.N if q == "cost_sum" else v(Cell("cost_sum"))
            yield "mean_vs_sum", q, other
            yield "factor_2", q, value * 2
            yield "factor_2", q, value / 2
        elif q == "error" and l == self.L:
            if m.cost in ("half_squared_error", "squared_error"):
                yield "factor_2", m.cost, value * 2 if m.cost == "half_squared_error" else value / 2
            yield "sign", "output_error", -value
        elif q == "error":
            d, e = self.vec(v, "bpe", l + 1, r), self.vec(v, "error", l + 1, r)
            yield "missing_derivative", "error", float(e @ self.through[l][j])
            if self.through is m.weights:  # updated too early: after the full batch, or after this row's step
                a = self.vec(v, "activation", l, r)
                row_step = m.weights[l] - m.learning_rate * a[:, None] * d[None, :]
                for name, w in (("batch", self.step.updated.weights[l]), ("row", row_step)):
                    yield "updated_weights_too_early", name, float(d @ w[j])
            else:  # sequential layer updates: the old weights are the mistake
                yield "updated_weights_too_early", "sequential", float(d @ m.weights[l][j])
            for k in range(m.layers[l]):
                if k != j:
                    yield "swapped_weights", f"from:{k}", float(d @ self.through[l][k])
            n = len(d)
            if 1 < n <= 5:
                for p in itertools.permutations(range(n)):
                    if list(p) != list(range(n)):
                        yield (
                            "swapped_weights",
                            f"pairs:{','.join(map(str, p))}",
                            float(d[list(p)] @ self.through[l][j]),
                        )
            yield "sign", "", -value
        elif q == "bpe":
            e_own = v(Cell("error", c.node, r))
            yield "missing_derivative", "bpe", e_own
            f = ACTIVATIONS[m.activations[l - 1]]
            if f.df is not None:
                z, a = np.array([v(Cell("input_sum", c.node, r))]), np.array([v(Cell("activation", c.node, r))])
                yield "derivative_argument", "activation", float(e_own * f.df(a, f.f(a))[0])
                yield "derivative_argument", "input_sum", float(e_own * f.df(z, z)[0])
            yield "sign", "", -value
        elif q in ("gradient_weight", "gradient_bias"):
            yield "mean_vs_sum", m.reduction, value / self.N if m.reduction == "sum" else value * self.N
            yield "sign", "", -value
            pen = self.penalty_gradient(c)
            if pen:  # the penalty's λ w (or λ sign(w)) left out: no word of its own
                yield "arithmetic", "penalty", value - pen
        else:  # the updates
            old = m.weights[l - 1][i, j] if i >= 0 else m.biases[l - 1][j]
            step = (old - value) / m.learning_rate  # the gradient (or one-row term) the update uses
            yield "missing_learning_rate", "", old - step
            yield "wrong_direction", "", old + m.learning_rate * step
            if q in ("weight", "bias"):
                yield (
                    "mean_vs_sum",
                    m.reduction,
                    old - m.learning_rate * (step / self.N if m.reduction == "sum" else step * self.N),
                )
            yield "sign", "", -value
        if c.row is not None:
            for k in range(1, self.N + 1):
                if k != c.row and Cell(q, c.node, k) in self.right:
                    yield "wrong_row", str(k), v(Cell(q, c.node, k))


def _transpositions(n: int) -> Iterator[tuple[int, ...]]:
    for a, b in itertools.combinations(range(n), 2):
        p = list(range(n))
        p[a], p[b] = p[b], p[a]
        yield tuple(p)


# the verdicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One cell of the sheet, marked."""

    cell: Cell
    answer: Answer | None
    expected: float
    recomputed: float | None
    verdict: str
    diagnosis: str | None = None
    explanation: str | None = None
    follows_from: Cell | None = None

    def to_dict(self) -> dict:
        a = self.answer
        return {
            "quantity": self.cell.quantity,
            "node": self.cell.node,
            "row": self.cell.row,
            "answer": None if a is None or a.value is None else a.value,
            "expected": self.expected,
            "recomputed": self.recomputed,
            "verdict": self.verdict,
            "diagnosis": self.diagnosis,
            "explanation": self.explanation,
            "follows_from": None if self.follows_from is None else self.follows_from.to_dict(),
        }


@dataclass(frozen=True)
class SheetCheck:
    """A marked worksheet: every cell it holds in the order of the calculation, the first wrong
    one, and its worked formula with the student's numbers and with the right ones."""

    path: str
    marks: tuple[Mark, ...]
    first_wrong: Mark | None
    work_student: Work | None = None
    work_right: Work | None = None
    mistake_shown: bool = False  # work_student is the diagnosed wrong formula (else the right one, from their numbers)

    def count(self, verdict: str) -> int:
        return sum(1 for m in self.marks if m.verdict == verdict)

    @property
    def summary(self) -> dict[str, int]:
        return {k: self.count(k) for k in (CORRECT, FOLLOWS, WRONG, BLANK)}

    @property
    def ok(self) -> bool:
        return self.count(WRONG) == 0

    def summary_text(self) -> str:
        s = self.summary
        filled = s[CORRECT] + s[FOLLOWS] + s[WRONG]
        text = (
            f"{filled} cells: {s[CORRECT]} right outright, {s[CORRECT] + s[FOLLOWS]} right with "
            f"follow-through, {s[WRONG]} wrong"
        )
        return text + (f", {s[BLANK]} blank" if s[BLANK] else "")

    def to_dict(self) -> dict:
        return {
            "cells": [m.to_dict() for m in self.marks],
            "first_wrong": None if self.first_wrong is None else self.first_wrong.cell.to_dict(),
            "summary": self.summary,
        }


def check_sheet(net: Net, sheet: Worksheet) -> SheetCheck:
    """Mark every cell of `sheet` (Step 3 to Step 6, in the order of the calculation).

    The recomputed value of a cell takes the student's answers and, for a cell left blank, the
    right value; a cell worked through blanks from the student's own wrong answers (what the right
    method carries through the blanks) also follows."""
    given = {a.cell: a for a in sheet.answers if a.value is not None}
    blanks = {a.cell: a for a in sheet.answers if a.value is None}
    carried: dict[Cell, float] = {}  # blank cells as the right method works them from the student's answers

    def student(c: Cell) -> float:
        a = given.get(c)
        return a.value if a is not None and a.value is not None else net.right[c]

    def carry(c: Cell) -> float:
        a = given.get(c)
        return a.value if a is not None and a.value is not None else carried.get(c, net.right[c])

    def right(c: Cell) -> float:
        return net.right[c]

    marks: dict[Cell, Mark] = {}
    how: dict[Cell, tuple[str, str, Lookup | None]] = {}  # a wrong cell's mistake and the values it was made on

    def root(k: Cell) -> Cell | None:
        """The wrong cell an input's difference comes from, through blank cells too."""
        m = marks.get(k)
        if m is not None and m.verdict in (WRONG, FOLLOWS):
            return k if m.verdict == WRONG else m.follows_from
        if k in given or abs(carried.get(k, net.right[k]) - net.right[k]) <= 1e-12:
            return None
        return next((r for r in map(root, net.inputs(k)) if r is not None), None)

    for c in net.order:
        if c not in given:
            carried[c] = net.compute(c, carry)
            if c in blanks:
                marks[c] = Mark(c, blanks[c], net.right[c], None, BLANK)
            continue
        a = given[c]
        assert a.value is not None
        expected, recomputed = net.right[c], net.compute(c, student)
        tol = net.tolerance(c, a, student, given)
        need = fewest_decimals(expected)
        if a.decimals < need:  # "0" is no rounding of -0.608, nor "0.0" of 0.025
            text = (
                f"too few decimals: {c.describe()} is {fmt(expected, max(need, 3))}; "
                f"write it with at least {need} decimal{'s' if need > 1 else ''}"
            )
            marks[c] = Mark(c, a, expected, recomputed, WRONG, "arithmetic", text)
            continue
        if agrees(a.value, a.decimals, expected, tol):
            marks[c] = Mark(c, a, expected, recomputed, CORRECT)
            continue
        through = net.compute(c, carry)
        if agrees(a.value, a.decimals, recomputed, tol):
            off = [k for k in net.inputs(c) if k in marks and marks[k].verdict in (WRONG, FOLLOWS)]
            sources = [k if marks[k].verdict == WRONG else marks[k].follows_from for k in off]
        elif agrees(a.value, a.decimals, through, tol):
            recomputed = through
            sources = [r for r in map(root, net.inputs(c)) if r is not None]
        else:
            diagnosis, variant, used = diagnose_from(net, c, a.value, a.decimals, (student, carry, right), tol)
            how[c] = (diagnosis, variant, used)
            text = explain(net, c, diagnosis, variant, a, expected)
            marks[c] = Mark(c, a, expected, recomputed, WRONG, diagnosis, text)
            continue
        if not sources:  # worked from earlier answers that are right up to their rounding
            marks[c] = Mark(c, a, expected, recomputed, CORRECT)
        else:
            marks[c] = Mark(c, a, expected, recomputed, FOLLOWS, follows_from=sources[0])
    ordered = tuple(marks[c] for c in net.order if c in marks)
    first = next((m for m in ordered if m.verdict == WRONG), None)
    if first is None:
        return SheetCheck(sheet.path, ordered, None)
    mine, theirs, shown = worked_pair(net, first, student, how.get(first.cell, ("arithmetic", "", None)))
    return SheetCheck(sheet.path, ordered, first, mine, theirs, shown)


def diagnose(
    net: Net, c: Cell, answer: float, decimals: int, lookups: tuple[Lookup, ...], units: float = 1.0
) -> tuple[str, str]:
    """The first known mistake whose value (from each set of values in turn: the student's, then
    the right ones) the answer matches at its precision; ('arithmetic', '') when none does."""
    diagnosis, variant, _ = diagnose_from(net, c, answer, decimals, lookups, units)
    return diagnosis, variant


def diagnose_from(
    net: Net, c: Cell, answer: float, decimals: int, lookups: tuple[Lookup, ...], units: float = 1.0
) -> tuple[str, str, Lookup | None]:
    """diagnose, with the values the mistake was made on (None for 'arithmetic')."""
    expected = net.right[c]
    for v in lookups:
        for diagnosis, variant, value in net.mistakes(c, v):
            if not np.isfinite(value) or abs(value - expected) < 1e-12:
                continue  # here the mistake makes no difference
            if agrees(answer, decimals, value, units):
                return diagnosis, variant, v
    return "arithmetic", "", None


def explain(net: Net, c: Cell, diagnosis: str, variant: str, a: Answer, expected: float) -> str:
    """One plain sentence: what the student did, and what the lecture does."""
    m, q = net.m, c.quantity
    right_text = fmt(expected, a.decimals)
    node = c.node or ""
    half = m.cost == "half_squared_error"
    if diagnosis == "sign":
        if variant == "output_error":
            return (
                "you wrote y - ŷ; the lecture's error is ŷ - y"
                if half
                else "the sign is the wrong way round: the error is dCost/dŷ"
                + (", 2 (ŷ - y)" if m.cost == "squared_error" else "")
            )
        if variant == "exponent":
            return f"you took f(-input): the activation is f(input sum of {node}), with f(x) = 1 / (1 + e^-x) for the sigmoid"
        return f"the sign is the wrong way round: {c.describe()} is {right_text}, not {a.text}"
    if diagnosis == "factor_2":
        if q == "cost":
            if half:
                return "you wrote (ŷ - y)²; the lecture's cost is ½ (ŷ - y)²"
            return "you wrote ½ (ŷ - y)²; this model's cost is (ŷ - y)², without the ½"
        if q == "error":
            if half:
                return "you wrote 2 (ŷ - y); with the cost ½ (ŷ - y)² the error is ŷ - y (the ½ cancels the 2)"
            return "you wrote ŷ - y; with the cost (ŷ - y)² (no ½) the error is 2 (ŷ - y)"
        return (
            f"off by a factor 2: {c.describe()} adds up the costs ½ (ŷ - y)² of the rows"
            if half
            else (f"off by a factor 2: {c.describe()} adds up the costs (ŷ - y)² of the rows, without the ½")
        )
    if diagnosis == "missing_derivative":
        if q == "bpe":
            return f"you left out f': BPE_{node} = error_{node} × f'(input_{node})"
        return f"you used the next layer's errors; error_{node} takes its BPEs: error_{node} = Σ BPE × w_{node}→next"
    if diagnosis == "derivative_argument":
        if variant == "activation":
            return f"you took f' at the activation; f' is taken at the input sum: f'(input_{node}) = a (1 - a) with a = f(input_{node})"
        return f"you wrote input (1 - input); f'(input_{node}) = a (1 - a), with the activation a = f(input_{node})"
    if diagnosis == "updated_weights_too_early":
        if variant == "sequential":
            return "you used the old weights; this model updates a layer before its error goes back through it"
        return "you used updated weights; the error goes back through the weights of the forward pass (they change only in Step 6)"
    if diagnosis == "mean_vs_sum":
        if q == "cost_sum":
            return "you wrote the mean C(W); Σ is the sum of the rows' costs"
        if q == "cost_mean":
            return f"you wrote the sum Σ; C(W) is the mean, Σ / {net.N}"
        if variant == "sum":
            return "you divided by the number of rows; the lecture sums the gradient over the rows"
        return f"you summed over the rows; this model takes the mean (divides by {net.N})"
    if diagnosis == "missing_bias":
        return f"you left out the bias: input_{node} = Σ a × w + bias_{node}"
    if diagnosis in ("missing_learning_rate", "wrong_direction"):
        rule = _update_rule(net, c)
        if diagnosis == "missing_learning_rate":
            return f"you left out the learning rate α = {m.learning_rate:g}: {rule}"
        return f"you added the step; gradient descent subtracts it: {rule}"
    if diagnosis == "wrong_row":
        return f"this is {Cell(q, c.node, int(variant)).describe()}, the value of another row"
    if diagnosis == "swapped_weights":
        if variant.startswith("node"):
            return f"you used the weights into another node; input_{node} takes the weights into {node}"
        if variant.startswith("inputs"):
            return f"you paired the inputs with the wrong weights: each input goes with its own weight into {node}"
        if variant.startswith("from"):
            return f"you used another node's weights; error_{node} goes back through the weights from {node}"
        return f"you paired the BPEs with the wrong weights: each BPE goes with the weight from {node} to its node"
    if variant == "penalty":
        kind = PENALTIES[m.regularization].gradient_formula
        return (
            f"the penalty's {kind} term is missing: with {m.regularization.upper()} the gradient is Σ BPE × a + {kind}"
        )
    return f"no known mistake explains it; the right value is {right_text}: recheck the arithmetic"


def _update_rule(net: Net, c: Cell) -> str:
    """The update of a weight or bias cell in the slides' words: w_H1→ON - α × BPE_ON × a_H1."""
    l, i, j = net.pos(c)
    to = net.labels[l][j]
    if i < 0:
        name = f"bias_{to}"
        term = f"BPE_{to}" if c.quantity == "bias_one_row" else f"dCost/db_{to}"
    else:
        src = net.labels[l - 1][i]
        name = f"w_{src}→{to}"
        feed = f"X_{src}" if l == 1 else f"a_{src}"
        term = f"BPE_{to} × {feed}" if c.quantity == "weight_one_row" else f"dCost/dw_{src}→{to}"
    return f"{name} - α × {term}"


# the worked formula of the first wrong cell ---------------------------------------------------


def values_from(net: Net, v: Lookup, model: Model | None = None):
    """The numbers of Steps 3-5 (worked.hand.Values) taken from `v`: the student's, or the right
    ones; `model` shows other weights than the network's (a mistake's)."""
    from ..worked.hand import Values, no_rounding

    m, rows = net.m, range(1, net.N + 1)
    layers = range(1, net.L + 1)

    def table(q: str, l: int) -> np.ndarray:
        return np.array([net.vec(v, q, l, r) for r in rows])

    z, a = [table("input_sum", l) for l in layers], [table("activation", l) for l in layers]
    slopes = []
    for name, zl, al in zip(m.activations, z, a):
        df = ACTIVATIONS[name].df
        slopes.append(None if df is None else df(zl, al))
    costs = np.array([v(Cell("cost", None, r)) for r in rows])
    trained = all(ACTIVATIONS[n].trainable for n in m.activations)
    errors = [table("error", l) for l in layers] if trained else []
    bpes = [table("bpe", l) for l in layers] if trained else []
    return Values(model or m, net.X, net.Y, z, a, slopes, costs, errors, bpes, no_rounding)


def _data_decimals(x: np.ndarray) -> int:
    """The fewest decimals (up to 6) that show every input exactly, as the data file gives them."""
    return next((d for d in range(7) if np.allclose(np.round(x, d), x, rtol=0, atol=1e-12)), 6)


def _item_label(c: Cell) -> str:
    q, node = c.quantity, c.node or ""
    arrow = node.replace("-", "->")
    return {
        "input_sum": f"input sum of {node}",
        "activation": f"activation of {node}",
        "cost": f"cost of row {c.row}",
        "cost_sum": "Σ, the summed cost",
        "cost_mean": "C(W), the mean cost",
        "error": f"error of {node}",
        "bpe": f"BPE of {node}",
        "weight_one_row": f"weight {arrow}, row {c.row}",
        "bias_one_row": f"bias of {node}, row {c.row}",
        "weight": f"weight {arrow}, full batch",
        "bias": f"bias of {node}, full batch",
    }.get(q, "")


def worked_pair(
    net: Net, mark: Mark, student: Lookup, how: tuple[str, str, Lookup | None] = ("arithmetic", "", None)
) -> tuple[Work | None, Work | None, bool]:
    """The worked formula of the first wrong cell (reusing --show-work's) as the student worked it
    and with the right numbers, at the precision of the student's answer, each result what the
    numbers shown give. As the student worked it: the diagnosed mistake's formula with the numbers
    it was made on (True), or, where no mistake explains the answer, the right formula with the
    student's own earlier numbers (False)."""
    from ..worked.sheets import functions, worked_values
    from .worked_mistake import holding

    assert mark.answer is not None
    c = mark.cell
    decimals = max(mark.answer.decimals, 1)
    p = replace(Precision.uniform(decimals, trim_given=True), data=_data_decimals(net.X))
    step = {"forward": "forward", "cost": "forward", "backprop": "backprop"}.get(_step_of(c), "update")
    l = net.pos(c)[0]
    fns = functions(net.m.activations[l - 1]) if l >= 1 else None
    recomputed = net.compute(c, student)

    def work_of(v: Lookup, cell: Cell = c, model: Model | None = None) -> Work | None:
        if cell.quantity in ("gradient_weight", "gradient_bias"):
            return gradient_work(net, cell, v, p)
        try:
            sheets = worked_values(step, values_from(net, v, model), cell.row or 1, p)
        except ValueError:
            sheets = []
        label = _item_label(cell)
        return next((w for s in sheets for w in s.items if w.label == label), None)

    # with the student's numbers the cell itself is what the method gives from them
    theirs = work_of(lambda k: recomputed if k == c else student(k))
    right = holding(work_of(lambda k: net.right[k]), decimals, fns)
    diagnosis, variant, used = how
    mine = None
    if used is not None and diagnosis != "arithmetic":
        mine = holding(_mistake_work(net, c, diagnosis, variant, used, p, work_of), decimals, fns)
    if mine is not None:
        return mine, right, True
    return holding(theirs, decimals, fns), right, False


def _mistake_work(net: Net, c: Cell, diagnosis: str, variant: str, v: Lookup, p: Precision, work_of) -> Work | None:
    """The formula the diagnosed mistake uses, with the numbers it was made on; None where it
    cannot be written out."""
    from ..worked.formula import Call, Num, Op, Paren, Sym, op
    from .worked_mistake import both, transformed

    m, q = net.m, c.quantity
    l, i, j = net.pos(c)
    r = c.row or 1
    base = None if q in ("weight", "bias") else work_of(v)
    right_value = net.compute(c, v)

    def weights_with(layer: int, w: np.ndarray) -> Model:
        ws = [x.copy() for x in m.weights]
        ws[layer] = w
        return replace(m, weights=tuple(ws))

    if diagnosis == "wrong_row":
        return work_of(v, Cell(q, c.node, int(variant)))
    if diagnosis == "swapped_weights":
        kind, _, spec = variant.partition(":")
        idx = [int(x) for x in spec.split(",")]
        if kind in ("node", "inputs"):  # input sum: the weights into node j taken from elsewhere
            w = m.weights[l - 1].copy()
            if kind == "node":
                w[:, j] = m.weights[l - 1][:, idx[0]]
            else:  # a[p] @ w: input p[k] paired with the weight of input k
                for k, pk in enumerate(idx):
                    w[pk, j] = m.weights[l - 1][k, j]
            return work_of(v, c, weights_with(l - 1, w))
        w = net.through[l].copy()  # error: the weights from node j taken from elsewhere
        if kind == "from":
            w[j] = net.through[l][idx[0]]
        else:
            for k, pk in enumerate(idx):
                w[j, pk] = net.through[l][j, k]
        return work_of(v, c, weights_with(l, w))
    if diagnosis == "updated_weights_too_early" and q == "error":
        if variant == "sequential":
            w = m.weights[l]
        elif variant == "batch":
            w = net.step.updated.weights[l]
        else:
            a, d = net.vec(v, "activation", l, r), net.vec(v, "bpe", l + 1, r)
            w = m.weights[l] - m.learning_rate * a[:, None] * d[None, :]
        work = work_of(v, c, weights_with(l, w))
        return None if work is None else both(work, lambda e: e)
    if diagnosis == "missing_derivative" and q == "error":  # the next layer's errors for its BPEs
        nxt = set(net.labels[l + 1])

        def errors_for_bpes(k: Cell) -> float:
            if k.quantity == "bpe" and k.node in nxt:
                return v(Cell("error", k.node, k.row))
            return v(k)

        work = work_of(errors_for_bpes)
        if work is None or work.formula is None:
            return None

        def renamed(e):
            if isinstance(e, Sym) and e.name == "BPE":
                return Sym("error", e.sub)
            if isinstance(e, Op):
                return Op(e.op, tuple(renamed(x) for x in e.args))
            if isinstance(e, Paren):
                return Paren(renamed(e.inner))
            return e

        return replace(work, formula=renamed(work.formula))
    if diagnosis == "derivative_argument" and base is not None:
        e_num = Num(fmt(v(Cell("error", c.node, r)), p.error_hidden))
        e_sym = Sym("error", (c.node or "",))
        if variant == "activation":
            a_num = Num(fmt(v(Cell("activation", c.node, r)), p.activation))
            formula = op("*", e_sym, Call("f'", Sym("a", (c.node or "",))))
            return replace(base, formula=formula, substituted=op("*", e_num, Call("f'", a_num)))
        if m.activations[l - 1] != "sigmoid":
            return None
        z_sym, z_num = Sym("input", (c.node or "",)), Num(fmt(v(Cell("input_sum", c.node, r)), p.weight))
        return replace(
            base,
            formula=op("*", e_sym, z_sym, Paren(op("-", Num("1"), z_sym))),
            substituted=op("*", e_num, z_num, Paren(op("-", Num("1"), z_num))),
        )
    if q in ("weight", "bias"):  # w - α × dCost/dw, with the student's gradient
        name = c.node or ""
        old = m.weights[l - 1][i, j] if i >= 0 else m.biases[l - 1][j]
        g_cell = Cell("gradient_weight" if i >= 0 else "gradient_bias", c.node)
        g = v(g_cell)
        arrow = name.replace("-", "->")
        sym = Sym("w", (arrow,)) if i >= 0 else Sym("bias", (name,))
        g_sym = Sym("dCost/dw" if i >= 0 else "dCost/db", (arrow if i >= 0 else name,))
        alpha, lr = Sym("α"), Num(p.given(m.learning_rate))
        g_num = Num(fmt(g, max(p.weight, 3)))
        if diagnosis == "missing_learning_rate":
            formula, numbers = op("-", sym, g_sym), op("-", Num(p.given(old)), g_num)
        elif diagnosis == "wrong_direction":
            formula, numbers = op("+", sym, op("*", alpha, g_sym)), op("+", Num(p.given(old)), op("*", lr, g_num))
        elif diagnosis == "mean_vs_sum":
            n = Num(str(net.N))
            scaled = (lambda e: op("/", e, n)) if m.reduction == "sum" else (lambda e: op("*", n, e))
            formula = op("-", sym, op("*", alpha, Paren(scaled(g_sym))))
            numbers = op("-", Num(p.given(old)), op("*", lr, Paren(scaled(g_num))))
        elif diagnosis == "sign":
            formula, numbers = (
                op("*", Num("-1"), Paren(op("-", sym, op("*", alpha, g_sym)))),
                op("*", Num("-1"), Paren(op("-", Num(p.given(old)), op("*", lr, g_num)))),
            )
        else:
            return None
        return Work(name, c.describe(), sym, formula, numbers, 0.0, "")
    if base is None:
        return None
    mistaken = next((x for d, var, x in net.mistakes(c, v) if d == diagnosis and var == variant), None)
    ratio = 1.0 if mistaken is None or right_value == 0 else mistaken / right_value
    return transformed(base, q, diagnosis, variant, ratio, net.N)


def _step_of(c: Cell) -> str:
    from .worksheet import STEP_OF

    return STEP_OF.get(c.quantity, "update")


def gradient_work(net: Net, c: Cell, v: Lookup, p: Precision) -> Work:
    """Step 5's gradient of a weight or bias cell (worked.sheets.gradient) with the values `v`
    gives; its `terms` line is the sum of the rows' terms."""
    from ..worked.formula import Op, evaluate
    from ..worked.sheets import gradient

    m = net.m
    l, i, j = net.pos(c)
    to = net.labels[l][j]
    rows = range(1, net.N + 1)
    bpe_texts = [fmt(v(Cell("bpe", to, k)), p.bpe) for k in rows]
    if c.quantity == "gradient_bias":
        feed_texts, own_value, src = None, float(m.biases[l - 1][j]), None
    else:
        feed_texts = [fmt(net.vec(v, "activation", l - 1, k)[i], p.data) for k in rows]
        own_value, src = float(m.weights[l - 1][i, j]), i
    g = gradient(m, l - 1, j, src, bpe_texts, feed_texts, p.given(own_value), bool(net.penalty_gradient(c)))
    value = net.compute(c, v)
    terms = Op("+", tuple(g.nums))
    total = evaluate(terms)
    return Work(
        c.node or "",
        c.describe(),
        g.lhs,
        g.formula,
        g.numbers,
        value,
        fmt(value, p.weight),
        terms=terms,
        terms_total_text=None if total is None else fmt(total, p.weight),
    )


def diagnose_printed(net: Net, c: Cell, printed: float, decimals: int) -> str | None:
    """The known mistake a printed number (a golden file's erratum) is, at its printed precision
    (reproduced exactly, no slack); None when none is."""
    if c not in net.right:
        return None
    diagnosis, _ = diagnose(net, c, printed, decimals, (lambda k: net.right[k],), units=0.0)
    return None if diagnosis == "arithmetic" else diagnosis
