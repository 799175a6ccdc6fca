"""Hand-made student worksheets of the lecture's 2-3-1 example, for testing `nnstep check`.

An independent transcription of the lecture's formulas ("How (Shallow) Neural Networks work",
Steps 3-6, and the lecture data set with its 2-decimal z-scores), in plain Python; it imports
nothing from nnstep. The conventions, as the slides use them:

    input_N   = sum_i a_i * w_i->N + b_N           a_N = f(input_N),  f(x) = 1 / (1 + e^-x)
    Cost_i    = 1/2 (yhat_i - y_i)^2                Sigma = sum of the 10 costs, C(W) = Sigma / 10
    error_ON  = yhat - y                            BPE_N = error_N * f'(input_N),  f' = f (1 - f)
    error_H   = BPE_ON * w_H->ON                    (the weights before any update)
    gradient  = sum over the 10 rows of BPE_to * a_from   (of BPE_node for a bias: summed, not averaged)
    weight    = w - 0.5 * gradient                  (the full-batch update, learning rate 0.5)
    one row   = w - 0.5 * BPE_to,r * a_from,r       (the slides' worked step, on row 1 here)

A student is simulated cell by cell. On a hand-rounded sheet every answer is rounded (half up) to
its written precision and the rounded number is what later cells use, as with a calculator; the
derivative is taken at the student's own input sum (the slides' "0.18 * f'(-1.55)"), or, on the
`_a1a` sheets, as a (1 - a) from the student's own activation. A mistake replaces one step's
formula; every later cell is then worked correctly from the student's (wrong) numbers.

The sheets, in fixtures/worksheets/lecture/ (expected verdicts in expected.yaml there):

    correct_2dp, correct_3dp, correct_4dp, correct_mixed
        every cell of all 10 rows: the exact values rounded to 2, 3, 4 decimals, and to the slides'
        mixed precisions (2 for activations, outputs and costs; 3 for input sums, errors, BPEs,
        gradients, weights and biases); every cell `correct`.
    hand_2dp, hand_3dp, hand_4dp, hand_mixed, hand_2dp_a1a, hand_mixed_a1a
        the same cells worked with every earlier answer rounded before use; no cell `wrong`.
    correct_row1_blanks
        row 1 at the slides' precisions with three answers left empty; blanks counted, none wrong.
    slides_printed
        the numbers the slides print (rows 1-3, 9, 10 and the updates); wrong: the H2 input sum of
        row 1 (-0.026 for -0.028, arithmetic) and the Step 5 Cost column, printed as (yhat - y)^2
        (factor_2).
    sign                       error_ON = y - yhat instead of yhat - y (row 1).
    sign_batch                 the same in all 10 rows, carried through the gradients and the update.
    factor_2_cost              every Cost_i = (yhat - y)^2, without the 1/2; Sigma and C(W) from them.
    factor_2_error             error_ON = 2 (yhat - y), the derivative of the cost without the 1/2.
    missing_derivative         BPE_ON = error_ON, without f'(input_ON).
    derivative_argument_activation
                               BPE_ON = error_ON * f'(yhat): f' taken at the activation.
    derivative_argument_input_sum
                               BPE_H3 = error_H3 * input (1 - input): z (1 - z) at the input sum.
    updated_weights_too_early  error_H = BPE_ON * the full-batch updated w_H->ON (row 1, H1-H3).
    mean_vs_sum_cost           Sigma written as the mean (1/10 of the sum); C(W) = that / 10.
    mean_vs_sum_gradient       the gradients of the weights into ON averaged over the rows.
    missing_bias               input_H1 of row 1 without the bias b_H1.
    missing_learning_rate      one-row H1-ON update w - BPE_ON * a_H1, without the 0.5.
    missing_learning_rate_batch  full-batch bias_ON = b - gradient, without the 0.5.
    wrong_direction            one-row H1-ON update w + 0.5 BPE_ON a_H1.
    wrong_direction_batch      full-batch bias_ON = b + 0.5 gradient.
    wrong_row                  the output of row 9 copied from row 10.
    swapped_weights            input_H2 of row 1 = X1 * w_IN2->H2 + X2 * w_IN1->H2 + b_H2.
    arithmetic                 a_H3 of row 1 written 0.7820 for 0.8815 (a slip no known mistake explains).

Run `python tests/worksheets/make_sheets.py` to write the sheets and expected.yaml again; the tests
check that the files agree with this script. The script also checks its numbers against the
slides' printed ones, and that each mistake is unambiguous: far (more than 3 units in the last
place) from the right value, from what the right method gives from the sheet's other cells, and
from what every other modelled mistake would give. Mistake sheets are worked at 3 decimals, or at
4 where a carried mistake would otherwise vanish in the rounding (derivative_argument_activation,
updated_weights_too_early, missing_bias, swapped_weights, arithmetic). The one-row steps
(weight_one_row, bias_one_row) carry the row they are worked on: 1.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "worksheets" / "lecture"

# The lecture data set: Y, X1, X2 as the slides compute with them (z-scores rounded to 2 decimals).
DATA = [
    (0, -0.97, -0.80),
    (0, -0.69, -0.97),
    (0, -1.14, -1.09),
    (1, 0.76, 0.92),
    (1, 1.14, 1.09),
    (1, 0.26, 0.63),
    (1, 1.32, 1.49),
    (0, -0.93, -1.09),
    (1, -0.79, -0.52),
    (0, 1.04, 0.34),
]
ROWS = range(1, 11)
N = len(DATA)
INPUTS = ("IN1", "IN2")
HIDDEN = ("H1", "H2", "H3")
NODES = (*HIDDEN, "ON")
# Step 2: the initial weights and biases, and the learning rate of Step 6.
W0 = {
    ("IN1", "H1"): -0.2,
    ("IN1", "H2"): 0.4,
    ("IN1", "H3"): -1.0,
    ("IN2", "H1"): -0.4,
    ("IN2", "H2"): -0.7,
    ("IN2", "H3"): -0.8,
    ("H1", "ON"): -0.6,
    ("H2", "ON"): -0.6,
    ("H3", "ON"): -0.3,
}
B0 = {"H1": 0.1, "H2": -0.2, "H3": 0.4, "ON": -0.6}
ALPHA = 0.5
WEIGHTS = list(W0)  # the slides' order: IN1 -> H1 H2 H3, IN2 -> H1 H2 H3, H1 H2 H3 -> ON

Key = tuple  # (quantity, node or None, row or None)


def f(x: float) -> float:
    """The sigmoid of the slides."""
    return 1.0 / (1.0 + math.exp(-x))


def df(x: float) -> float:
    """f'(x) = f(x) (1 - f(x))."""
    return f(x) * (1.0 - f(x))


def x_of(node: str, row: int) -> float:
    return DATA[row - 1][1 + INPUTS.index(node)]


def y_of(row: int) -> float:
    return DATA[row - 1][0]


def wkey(frm: str, to: str) -> str:
    return f"{frm}-{to}"


# ---------------------------------------------------------------------------------------------
# Precisions


def uniform(p: int) -> Callable[[Key], int]:
    return lambda key: p


def mixed(key: Key) -> int:
    """The slides' mixed precisions: 2 for activations, outputs and costs, 3 for the rest."""
    return 2 if key[0] in ("activation", "cost", "cost_sum", "cost_mean") else 3


def slides(key: Key) -> int:
    """Row 1 as the slides print it: the input sums of H3 and ON and the output error with 2."""
    q, node, _ = key
    if q == "input_sum" and node in ("H3", "ON"):
        return 2
    if q == "error" and node == "ON":
        return 2
    return mixed(key)


def round_half_up(x: float, p: int) -> Decimal:
    """x rounded to p decimals the way a student rounds (half away from zero), as a Decimal."""
    return Decimal(repr(round(x, 12))).quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)


def written(x: float, p: int) -> str:
    d = round_half_up(x, p)
    if d == 0:
        d = abs(d)
    return f"{d:.{p}f}"


# ---------------------------------------------------------------------------------------------
# The student: each cell computed from the values the student carries


@dataclass
class Student:
    """Works a sheet cell by cell. `carry`: later cells use the rounded written answers (hand
    rounding); otherwise the exact values are carried and only the written answers are rounded.
    `a1a`: f'(input) taken as a (1 - a) from the student's activation. `mistakes`: cell -> the
    wrong computation, a function of the value getter."""

    cells: list[Key]
    precision: Callable[[Key], int]
    carry: bool = True
    a1a: bool = False
    mistakes: dict[Key, Callable[[Callable[[Key], float]], float]] = field(default_factory=dict)
    values: dict[Key, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.on_sheet = set(self.cells)

    def get(self, key: Key) -> float:
        if key not in self.values:
            if key in self.mistakes:
                v = self.mistakes[key](self.get)
            else:
                v = method(key, self.get, self.on_sheet, self.a1a)
            if self.carry and key in self.on_sheet:
                v = float(round_half_up(v, self.precision(key)))
            self.values[key] = v
        return self.values[key]

    def answers(self) -> dict[Key, str]:
        return {k: written(self.get(k), self.precision(k)) for k in self.cells}


def act(frm: str, row: int, g: Callable[[Key], float]) -> float:
    """The value a weight from `frm` multiplies: an input X, or a hidden activation."""
    return x_of(frm, row) if frm in INPUTS else g(("activation", frm, row))


def method(key: Key, g: Callable[[Key], float], sheet: set, a1a: bool = False) -> float:
    """The right formula for one cell, from the values g gives for the cells it uses."""
    q, node, row = key
    if q == "input_sum":
        sources = INPUTS if node in HIDDEN else HIDDEN
        return sum(act(s, row, g) * W0[(s, node)] for s in sources) + B0[node]
    if q == "activation":
        return f(g(("input_sum", node, row)))
    if q == "cost":
        return 0.5 * (g(("activation", "ON", row)) - y_of(row)) ** 2
    if q == "cost_sum":
        return sum(g(("cost", None, r)) for r in ROWS)
    if q == "cost_mean":
        if ("cost_sum", None, None) in sheet:
            return g(("cost_sum", None, None)) / N
        return sum(g(("cost", None, r)) for r in ROWS) / N
    if q == "error":
        if node == "ON":
            return g(("activation", "ON", row)) - y_of(row)
        return g(("bpe", "ON", row)) * W0[(node, "ON")]
    if q == "bpe":
        if a1a:
            a = g(("activation", node, row))
            return g(("error", node, row)) * a * (1 - a)
        return g(("error", node, row)) * df(g(("input_sum", node, row)))
    frm, to = node.split("-") if q in ("gradient_weight", "weight", "weight_one_row") else (None, node)
    if q == "gradient_weight":
        return sum(g(("bpe", to, r)) * act(frm, r, g) for r in ROWS)
    if q == "gradient_bias":
        return sum(g(("bpe", to, r)) for r in ROWS)
    if q == "weight":
        grad = ("gradient_weight", node, None)
        return W0[(frm, to)] - ALPHA * (g(grad) if grad in sheet else method(grad, g, sheet))
    if q == "bias":
        grad = ("gradient_bias", node, None)
        return B0[to] - ALPHA * (g(grad) if grad in sheet else method(grad, g, sheet))
    if q == "weight_one_row":
        return W0[(frm, to)] - ALPHA * g(("bpe", to, row)) * act(frm, row, g)
    if q == "bias_one_row":
        return B0[to] - ALPHA * g(("bpe", to, row))
    raise ValueError(key)


def exact(key: Key) -> float:
    """The right value (no rounding anywhere)."""
    return Student([], uniform(9), carry=False).get(key)


# ---------------------------------------------------------------------------------------------
# Which cells a sheet holds


def forward(rows, cost=True) -> list[Key]:
    cells = []
    for r in rows:
        cells += [("input_sum", h, r) for h in HIDDEN] + [("activation", h, r) for h in HIDDEN]
        cells += [("input_sum", "ON", r), ("activation", "ON", r)]
        if cost:
            cells.append(("cost", None, r))
    return cells


def backprop(rows, hidden=True) -> list[Key]:
    cells = []
    for r in rows:
        cells += [("error", "ON", r), ("bpe", "ON", r)]
        if hidden:
            cells += [("error", h, r) for h in HIDDEN] + [("bpe", h, r) for h in HIDDEN]
    return cells


def one_row(weights=WEIGHTS, biases=NODES) -> list[Key]:
    return [("weight_one_row", wkey(*w), 1) for w in weights] + [("bias_one_row", b, 1) for b in biases]


SUMS = [("cost_sum", None, None), ("cost_mean", None, None)]
GRADIENTS = [("gradient_weight", wkey(*w), None) for w in WEIGHTS] + [("gradient_bias", b, None) for b in NODES]
UPDATED = [("weight", wkey(*w), None) for w in WEIGHTS] + [("bias", b, None) for b in NODES]
EVERYTHING = forward(ROWS) + SUMS + backprop(ROWS) + GRADIENTS + UPDATED + one_row()
ROW1 = forward([1]) + backprop([1]) + one_row()
TO_ON = [w for w in WEIGHTS if w[1] == "ON"]


def deps(key: Key, sheet: set) -> list[Key]:
    """The cells a cell's formula uses (to check that a sheet holds everything a student needs)."""
    q, node, row = key
    if q == "input_sum":
        return [] if node in HIDDEN else [("activation", h, row) for h in HIDDEN]
    if q == "activation":
        return [("input_sum", node, row)]
    if q in ("cost", "error") and node in ("ON", None):
        return [("activation", "ON", row)]
    if q == "cost_sum":
        return [("cost", None, r) for r in ROWS]
    if q == "cost_mean":
        return [("cost_sum", None, None)] if ("cost_sum", None, None) in sheet else [("cost", None, r) for r in ROWS]
    if q == "error":
        return [("bpe", "ON", row)]
    if q == "bpe":
        return [("error", node, row), ("input_sum", node, row), ("activation", node, row)]
    frm, to = node.split("-") if "-" in node else (None, node)
    hidden_from = [("activation", frm, r) for r in ROWS] if frm in HIDDEN else []
    if q in ("gradient_weight", "gradient_bias"):
        return [("bpe", to, r) for r in ROWS] + hidden_from
    if q in ("weight", "bias"):
        grad = ("gradient_weight" if q == "weight" else "gradient_bias", node, None)
        return [grad] if grad in sheet else deps(grad, sheet)
    return [("bpe", to, row)] + ([("activation", frm, row)] if frm in HIDDEN else [])


# ---------------------------------------------------------------------------------------------
# The mistakes, as a student makes them (g gives the student's own earlier values)


def _bpe(g, node, row, derivative):
    return g(("error", node, row)) * derivative


MISTAKES: dict[str, Callable] = {
    "sign": lambda key: lambda g: y_of(key[2]) - g(("activation", "ON", key[2])),
    "factor_2": lambda key: (
        (lambda g: (g(("activation", "ON", key[2])) - y_of(key[2])) ** 2)
        if key[0] == "cost"
        else (lambda g: 2 * (g(("activation", "ON", key[2])) - y_of(key[2])))
    ),
    "missing_derivative": lambda key: lambda g: g(("error", key[1], key[2])),
    "derivative_argument_activation": lambda key: (
        lambda g: _bpe(g, key[1], key[2], df(g(("activation", key[1], key[2]))))
    ),
    "derivative_argument_input_sum": lambda key: (
        lambda g: _bpe(g, key[1], key[2], g(("input_sum", key[1], key[2])) * (1 - g(("input_sum", key[1], key[2]))))
    ),
    "updated_weights_too_early": lambda key: lambda g: g(("bpe", "ON", key[2])) * g(("weight", f"{key[1]}-ON", None)),
    "missing_bias": lambda key: lambda g: method(key, g, set()) - B0[key[1]],
    "swapped_weights": lambda key: (
        lambda g: x_of("IN1", key[2]) * W0[("IN2", key[1])] + x_of("IN2", key[2]) * W0[("IN1", key[1])] + B0[key[1]]
    ),
}


def mean_instead_of_sum(key):
    return lambda g: method(key, g, set()) / N


def one_row_without_alpha(key):
    frm, to = key[1].split("-")
    return lambda g: W0[(frm, to)] - g(("bpe", to, 1)) * act(frm, 1, g)


def one_row_upwards(key):
    frm, to = key[1].split("-")
    return lambda g: W0[(frm, to)] + ALPHA * g(("bpe", to, 1)) * act(frm, 1, g)


def copied_from(row):
    return lambda key: lambda g: exact((key[0], key[1], row))


# ---------------------------------------------------------------------------------------------
# The candidates a checker could find for a wrong answer (to show each mistake is unambiguous)


def candidates(key: Key, g: Callable[[Key], float], sheet: set) -> dict[str, list[float]]:
    """For one cell: the value each modelled mistake gives from the student's own earlier values."""
    q, node, row = key
    out: dict[str, list[float]] = {}
    right = method(key, g, sheet)
    if q in ("error", "bpe", "gradient_weight", "gradient_bias"):
        out["sign"] = [-right]
    if q == "cost":
        out["factor_2"] = [2 * right]
    if q == "error" and node == "ON":
        out["factor_2"] = [2 * right]
    if q == "bpe":
        z, a, e = g(("input_sum", node, row)), g(("activation", node, row)), g(("error", node, row))
        out["missing_derivative"] = [e]
        out["derivative_argument"] = [e * df(a), e * z * (1 - z), e * f(z)]
    if q == "error" and node in HIDDEN:
        bpe = g(("bpe", "ON", row))
        out["updated_weights_too_early"] = [bpe * exact(("weight", f"{node}-ON", None))]
        out["updated_weights_too_early"].append(bpe * exact(("weight_one_row", f"{node}-ON", 1)))
    if q in ("cost_sum", "gradient_weight", "gradient_bias", "weight", "bias"):
        grad = {"weight": "gradient_weight", "bias": "gradient_bias"}.get(q)
        if grad:
            frm_to = node.split("-")
            base = W0[tuple(frm_to)] if q == "weight" else B0[node]
            out["mean_vs_sum"] = [base - ALPHA * method((grad, node, None), g, set()) / N]
        else:
            out["mean_vs_sum"] = [right / N]
    if q == "cost_mean":
        out["mean_vs_sum"] = [right * N]
    if q == "input_sum":
        out["missing_bias"] = [right - B0[node]]
        if node in HIDDEN:
            out["swapped_weights"] = [MISTAKES["swapped_weights"](key)(g)]
            transposed = [W0[("IN1", h)] for h in HIDDEN] + [W0[("IN2", h)] for h in HIDDEN]
            i = HIDDEN.index(node)  # the table read across instead of down
            pair = transposed[2 * i : 2 * i + 2]
            out["swapped_weights"].append(x_of("IN1", row) * pair[0] + x_of("IN2", row) * pair[1] + B0[node])
        else:
            a = [g(("activation", h, row)) for h in HIDDEN]
            w = [W0[(h, "ON")] for h in HIDDEN]
            out["swapped_weights"] = [a[0] * w[2] + a[1] * w[1] + a[2] * w[0] + B0["ON"]]
    if q in ("weight", "bias", "weight_one_row", "bias_one_row"):
        base = W0[tuple(node.split("-"))] if q.startswith("weight") else B0[node]
        step = base - right
        out["missing_learning_rate"] = [base - step / ALPHA]
        out["wrong_direction"] = [base + step]
    if row is not None:
        out["wrong_row"] = [exact((q, node, r)) for r in ROWS if r != row]
    return out


# ---------------------------------------------------------------------------------------------
# The sheets


@dataclass
class Sheet:
    name: str
    mistake: str
    cells: list[Key]
    precision: Callable[[Key], int]
    carry: bool = True
    a1a: bool = False
    wrong: dict[Key, tuple[str, Callable]] = field(default_factory=dict)  # cell -> (diagnosis, computation)
    blanks: tuple[Key, ...] = ()
    all_correct: bool = False
    first_wrong: Key | None = None


def closure(targets: list[Key]) -> list[Key]:
    """The targets plus every cell they need, in the order of the calculation."""
    need = set(targets)
    todo = list(targets)
    while todo:
        for d in deps(todo.pop(), need):
            if d not in need:
                need.add(d)
                todo.append(d)
    order = EVERYTHING + [k for k in targets if k not in EVERYTHING]
    return [k for k in order if k in need]


def sheets() -> list[Sheet]:
    out = []
    for p, label in ((2, "2dp"), (3, "3dp"), (4, "4dp"), (None, "mixed")):
        prec = mixed if p is None else uniform(p)
        words = "the slides' mixed precisions" if p is None else f"{p} decimals"
        out.append(
            Sheet(
                f"correct_{label}",
                f"none: every cell, the exact values at {words}",
                EVERYTHING,
                prec,
                False,
                all_correct=True,
            )
        )
    for p, label, a1a in (
        (2, "2dp", False),
        (3, "3dp", False),
        (4, "4dp", False),
        (None, "mixed", False),
        (2, "2dp_a1a", True),
        (None, "mixed_a1a", True),
    ):
        prec = mixed if p is None else uniform(p)
        words = "the slides' mixed precisions" if p is None else f"{p} decimals"
        how = "a (1 - a) for f'" if a1a else "f' at the rounded input sum"
        out.append(
            Sheet(f"hand_{label}", f"none: every cell hand-rounded at {words}, {how}", EVERYTHING, prec, True, a1a)
        )
    out.append(
        Sheet(
            "correct_row1_blanks",
            "none: row 1 at the slides' precisions, three answers left blank",
            ROW1,
            slides,
            False,
            blanks=(("cost", None, 1), ("error", "H2", 1), ("weight_one_row", "IN2-H3", 1)),
            all_correct=True,
        )
    )

    def mistake(name, text, targets, prec, cell, diagnosis, how, more=()):
        wrong = {cell: (diagnosis, how(cell))}
        for extra in more:
            wrong[extra] = (diagnosis, how(extra))
        out.append(Sheet(name, text, closure(targets), prec, True, wrong=wrong, first_wrong=cell))

    e_on = ("error", "ON", 1)
    bpe_on = ("bpe", "ON", 1)
    mistake("sign", "error_ON = y - yhat instead of yhat - y", ROW1, uniform(3), e_on, "sign", MISTAKES["sign"])
    errors_on = [("error", "ON", r) for r in ROWS]
    mistake(
        "sign_batch",
        "error_ON = y - yhat in every row; BPEs, gradients and the full-batch update from them",
        forward(ROWS) + backprop(ROWS) + GRADIENTS + UPDATED,
        uniform(3),
        errors_on[0],
        "sign",
        MISTAKES["sign"],
        more=errors_on[1:],
    )
    costs = [("cost", None, r) for r in ROWS]
    mistake(
        "factor_2_cost",
        "every cost (yhat - y)^2 without the 1/2; Sigma and C(W) from them",
        forward(ROWS) + SUMS,
        uniform(3),
        costs[0],
        "factor_2",
        MISTAKES["factor_2"],
        more=costs[1:],
    )
    mistake("factor_2_error", "error_ON = 2 (yhat - y)", ROW1, uniform(3), e_on, "factor_2", MISTAKES["factor_2"])
    mistake(
        "missing_derivative",
        "BPE_ON = error_ON, without f'(input_ON)",
        ROW1,
        uniform(3),
        bpe_on,
        "missing_derivative",
        MISTAKES["missing_derivative"],
    )
    mistake(
        "derivative_argument_activation",
        "BPE_ON = error_ON * f'(yhat): f' at the activation instead of the input sum",
        ROW1,
        uniform(4),
        bpe_on,
        "derivative_argument",
        MISTAKES["derivative_argument_activation"],
    )
    mistake(
        "derivative_argument_input_sum",
        "BPE_H3 = error_H3 * input_H3 (1 - input_H3): z (1 - z) instead of f(z) (1 - f(z))",
        ROW1,
        uniform(3),
        ("bpe", "H3", 1),
        "derivative_argument",
        MISTAKES["derivative_argument_input_sum"],
    )
    mistake(
        "updated_weights_too_early",
        "error_H = BPE_ON * w_H->ON after the full-batch update (row 1, H1-H3)",
        forward(ROWS)
        + backprop(ROWS, hidden=False)
        + [("weight", wkey(*w), None) for w in TO_ON]
        + backprop([1])
        + one_row(weights=WEIGHTS[:6], biases=HIDDEN),
        uniform(4),
        ("error", "H1", 1),
        "updated_weights_too_early",
        MISTAKES["updated_weights_too_early"],
        more=[("error", "H2", 1), ("error", "H3", 1)],
    )
    mistake(
        "mean_vs_sum_cost",
        "Sigma written as the mean of the costs; C(W) = that / 10",
        forward(ROWS) + SUMS,
        uniform(3),
        ("cost_sum", None, None),
        "mean_vs_sum",
        mean_instead_of_sum,
    )
    grads_on = [("gradient_weight", wkey(*w), None) for w in TO_ON]
    mistake(
        "mean_vs_sum_gradient",
        "the gradients of the weights into ON averaged over the 10 rows; weights from them",
        forward(ROWS) + backprop(ROWS, hidden=False) + grads_on + [("weight", wkey(*w), None) for w in TO_ON],
        uniform(3),
        grads_on[0],
        "mean_vs_sum",
        mean_instead_of_sum,
        more=grads_on[1:],
    )
    mistake(
        "missing_bias",
        "input_H1 of row 1 without the bias b_H1",
        ROW1,
        uniform(4),
        ("input_sum", "H1", 1),
        "missing_bias",
        MISTAKES["missing_bias"],
    )
    upd = ("weight_one_row", "H1-ON", 1)
    row1_to_h1on = forward([1]) + backprop([1]) + [upd]
    mistake(
        "missing_learning_rate",
        "one-row update w_H1->ON - BPE_ON * a_H1, without the learning rate",
        row1_to_h1on,
        uniform(3),
        upd,
        "missing_learning_rate",
        one_row_without_alpha,
    )
    bias_on = ("bias", "ON", None)
    batch_bias = forward(ROWS) + backprop(ROWS, hidden=False) + [("gradient_bias", "ON", None), bias_on]
    mistake(
        "missing_learning_rate_batch",
        "full-batch bias_ON = b - gradient, without the learning rate",
        batch_bias,
        uniform(3),
        bias_on,
        "missing_learning_rate",
        lambda key: lambda g: B0["ON"] - g(("gradient_bias", "ON", None)),
    )
    mistake(
        "wrong_direction",
        "one-row update w_H1->ON + 0.5 BPE_ON a_H1 (uphill)",
        row1_to_h1on,
        uniform(3),
        upd,
        "wrong_direction",
        one_row_upwards,
    )
    mistake(
        "wrong_direction_batch",
        "full-batch bias_ON = b + 0.5 gradient (uphill)",
        batch_bias,
        uniform(3),
        bias_on,
        "wrong_direction",
        lambda key: lambda g: B0["ON"] + ALPHA * g(("gradient_bias", "ON", None)),
    )
    mistake(
        "wrong_row",
        "the output of row 9 copied from row 10; its cost, Sigma and C(W) from it",
        forward(ROWS) + SUMS,
        uniform(3),
        ("activation", "ON", 9),
        "wrong_row",
        copied_from(10),
    )
    mistake(
        "swapped_weights",
        "input_H2 of row 1 = X1 * w_IN2->H2 + X2 * w_IN1->H2 + b_H2 (inputs paired with the wrong weights)",
        ROW1,
        uniform(4),
        ("input_sum", "H2", 1),
        "swapped_weights",
        MISTAKES["swapped_weights"],
    )
    mistake(
        "arithmetic",
        "a_H3 of row 1 written 0.7820 for 0.8815 (a slip)",
        ROW1,
        uniform(4),
        ("activation", "H3", 1),
        "arithmetic",
        lambda key: lambda g: 0.782,
    )
    return out


# The numbers the slides print (seeds/002: Steps 3-6), row 1-3, 9, 10 and the updates.
SLIDES_PRINTED: list[tuple[Key, str]] = [
    (("input_sum", "H1", 1), "0.614"),
    (("input_sum", "H2", 1), "-0.026"),  # an erratum: -0.388 + 0.56 - 0.2 = -0.028
    (("input_sum", "H3", 1), "2.01"),
    (("input_sum", "ON", 1), "-1.55"),
]
_ACTS = {
    1: "0.65 0.49 0.88 0.18",
    2: "0.65 0.55 0.87 0.17",
    3: "0.68 0.53 0.92 0.17",
    9: "0.61 0.46 0.83 0.18",
    10: "0.44 0.49 0.29 0.22",
}
_COST_STEP5 = {1: "0.03", 2: "0.03", 3: "0.03", 9: "0.67", 10: "0.05"}  # (yhat - y)^2: the factor_2 erratum
_ERRORS = {  # Err H1 H2 H3 ON, BPE H1 H2 H3 ON (Step 5, "Repeat steps a) and b) for all observations")
    1: "-0.015 -0.015 -0.008 0.18 -0.003 -0.004 -0.001 0.025",
    2: "-0.014 -0.014 -0.007 0.17 -0.003 -0.004 -0.001 0.024",
    3: "-0.014 -0.014 -0.007 0.17 -0.003 -0.004 -0.001 0.023",
    9: "0.073 0.073 0.037 -0.82 0.017 0.018 0.005 -0.122",
    10: "-0.023 -0.023 -0.012 0.22 -0.006 -0.006 -0.002 0.039",
}
for _r in (1, 2, 3, 9, 10):
    SLIDES_PRINTED += [(("activation", n, _r), v) for n, v in zip(NODES, _ACTS[_r].split())]
    SLIDES_PRINTED.append((("cost", None, _r), _COST_STEP5[_r]))
SLIDES_PRINTED += [(("cost_sum", None, None), "1.55"), (("cost_mean", None, None), "0.16")]
for _r in (1, 2, 3, 9, 10):
    _v = _ERRORS[_r].split()
    SLIDES_PRINTED += [(("error", n, _r), v) for n, v in zip(NODES, _v[:4])]
    SLIDES_PRINTED += [(("bpe", n, _r), v) for n, v in zip(NODES, _v[4:])]
SLIDES_PRINTED += [
    (("weight", "IN1-H1", None), "-0.230"),
    (("weight", "IN1-H2", None), "0.370"),
    (("weight", "IN1-H3", None), "-1.008"),
    (("weight", "IN2-H1", None), "-0.441"),
    (("weight", "IN2-H2", None), "-0.741"),
    (("weight", "IN2-H3", None), "-0.813"),
    (("weight", "H1-ON", None), "-0.496"),
    (("weight", "H2-ON", None), "-0.506"),
    (("weight", "H3-ON", None), "-0.233"),
    (("bias", "H1", None), "0.061"),
    (("bias", "H2", None), "-0.238"),
    (("bias", "H3", None), "0.386"),
    (("bias", "ON", None), "-0.327"),  # printed -0.327 on every slide but one, which copies H3's 0.386
    (("weight_one_row", "IN1-H1", 1), "-0.202"),
    (("weight_one_row", "H1-ON", 1), "-0.608"),
    (("weight_one_row", "H2-ON", 1), "-0.606"),
    (("bias_one_row", "ON", 1), "-0.613"),
]
SLIDES_WRONG = {
    ("input_sum", "H2", 1): "arithmetic",
    **{("cost", None, r): "factor_2" for r in (1, 2, 3, 9, 10)},
}


# ---------------------------------------------------------------------------------------------
# Checks and output


def ulp(key: Key, answer: str) -> float:
    return 10.0 ** -(len(answer.split(".")[1]) if "." in answer else 0)


def describe(key: Key) -> dict:
    return {"quantity": key[0], "node": key[1], "row": key[2]}


def check_against_slides() -> None:
    """Every number the slides print, except their errata, is the exact value rounded as printed."""
    for key, answer in SLIDES_PRINTED:
        off = abs(float(answer) - exact(key)) / ulp(key, answer)
        if key in SLIDES_WRONG:  # more than one unit in the last place: no rounding explains them
            assert off > 1.0, (key, answer, exact(key))
        else:
            assert off <= 0.5 + 1e-9, (key, answer, exact(key))


def analyse(sheet: Sheet) -> tuple[dict[Key, str], dict]:
    """The sheet's answers and what a checker must say about them."""
    student = Student(
        sheet.cells, sheet.precision, sheet.carry, sheet.a1a, {k: how for k, (_, how) in sheet.wrong.items()}
    )
    answers = student.answers()
    for key in sheet.blanks:
        answers[key] = ""
    on_sheet = set(sheet.cells)
    missing = {d for k in sheet.cells for d in deps(k, on_sheet)} - on_sheet
    assert not missing, (sheet.name, missing)
    g = student.get
    follows = []
    for key in sheet.cells:
        answer = answers[key]
        if answer == "":
            continue
        u = ulp(key, answer)
        a = float(answer)
        off_exact = abs(a - exact(key)) / u
        redo = [method(key, g, on_sheet, False), method(key, g, on_sheet, True)]
        off_redo = [abs(a - r) / u for r in redo]
        if key in sheet.wrong:
            diagnosis = sheet.wrong[key][0]
            assert off_exact > 3 and min(off_redo) > 3, (sheet.name, key, answer, exact(key), redo)
            for word, values in candidates(key, g, on_sheet).items():
                if word != diagnosis:
                    near = [v for v in values if abs(a - v) / u <= 3]
                    assert not near, (sheet.name, key, answer, word, near)
            continue
        if sheet.all_correct:
            assert off_exact <= 0.5 + 1e-9, (sheet.name, key)
            continue
        # worked right from the sheet's own numbers, by the method the sheet uses
        assert off_redo[int(sheet.a1a)] <= 0.5 + 1e-9, (sheet.name, key, answer, redo)
        if sheet.wrong and off_exact > 3:
            assert max(off_redo) <= 1 + 1e-9, (sheet.name, key, answer, redo)
            follows.append(key)
    if sheet.wrong:
        assert sheet.first_wrong == min(sheet.wrong, key=sheet.cells.index)
    expect = {
        "mistake": sheet.mistake,
        "exit_code": 1 if sheet.wrong else 0,
        "cells": len(sheet.cells),
        "blank": len(sheet.blanks),
        "all_correct": sheet.all_correct,
        "first_wrong": describe(sheet.first_wrong) if sheet.first_wrong else None,
        "wrong": [{**describe(k), "diagnosis": d} for k, (d, _) in sheet.wrong.items()],
        "follows": [describe(k) for k in follows],
    }
    return answers, expect


def slides_sheet() -> tuple[list[Key], dict[Key, str], dict]:
    check_against_slides()
    cells = [k for k in EVERYTHING if k in dict(SLIDES_PRINTED)]
    answers = dict(SLIDES_PRINTED)
    expect = {
        "mistake": "the slides' printed numbers: the H2 input sum of row 1 (-0.026 for -0.028) and the "
        "Step 5 Cost column printed as (yhat - y)^2",
        "exit_code": 1,
        "cells": len(cells),
        "blank": 0,
        "all_correct": False,
        "first_wrong": describe(("input_sum", "H2", 1)),
        "wrong": [{**describe(k), "diagnosis": d} for k, d in SLIDES_WRONG.items()],
        "follows": [],
    }
    return cells, answers, expect


def csv_text(cells: list[Key], answers: dict[Key, str]) -> str:
    lines = ["quantity,node,row,answer"]
    for q, node, row in cells:
        lines.append(f"{q},{node or ''},{'' if row is None else row},{answers[(q, node, row)]}")
    return "\n".join(lines) + "\n"


def _yaml_cell(d: dict, extra: str = "") -> str:
    node = "null" if d["node"] is None else '"' + d["node"] + '"'  # quoted: YAML 1.1 reads ON as true
    row = "null" if d["row"] is None else d["row"]
    return f"{{quantity: {d['quantity']}, node: {node}, row: {row}{extra}}}"


def yaml_text(expected: dict[str, dict]) -> str:
    lines = [
        "# What `nnstep check SHEET --format json` must say about each sheet in this folder.",
        "# Written by tests/worksheets/make_sheets.py from an independent computation of the lecture's",
        "# formulas. For every sheet: the exit status; the cells that must be `wrong`, with their",
        "# diagnosis; the first wrong cell; cells that must be `follows` (worked right from the sheet's own",
        "# wrong numbers, and more than 3 units in the last place from the right value); every other",
        "# filled cell must be `correct` or `follows` (`correct` for all of them where all_correct).",
        "# `cells` counts the sheet's cells, `blank` those with an empty answer.",
        "sheets:",
    ]
    for name, e in expected.items():
        lines.append(f"  {name}.csv:")
        lines.append(f'    mistake: "{e["mistake"]}"')
        for k in ("exit_code", "cells", "blank"):
            lines.append(f"    {k}: {e[k]}")
        lines.append(f"    all_correct: {'true' if e['all_correct'] else 'false'}")
        lines.append(f"    first_wrong: {_yaml_cell(e['first_wrong']) if e['first_wrong'] else 'null'}")
        for k in ("wrong", "follows"):
            if not e[k]:
                lines.append(f"    {k}: []")
                continue
            lines.append(f"    {k}:")
            for d in e[k]:
                extra = f", diagnosis: {d['diagnosis']}" if "diagnosis" in d else ""
                lines.append(f"      - {_yaml_cell(d, extra)}")
    return "\n".join(lines) + "\n"


def build() -> dict[str, str]:
    """File name -> text, for every sheet and expected.yaml."""
    files: dict[str, str] = {}
    expected: dict[str, dict] = {}
    for sheet in sheets():
        answers, expected[sheet.name] = analyse(sheet)
        files[f"{sheet.name}.csv"] = csv_text(sheet.cells, answers)
    cells, answers, expected["slides_printed"] = slides_sheet()
    files["slides_printed.csv"] = csv_text(cells, answers)
    files["expected.yaml"] = yaml_text(expected)
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    files = build()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
