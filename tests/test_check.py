"""`nnstep check`: a student's worksheet marked cell by cell, with follow-through.

Expected numbers come from the slides (002_e68551d982987509.txt) and from an independent hand
calculation written here in plain Python (every intermediate value rounded half up to K decimals,
as a student with a calculator does), never from nnstep's own output.
"""

import json
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from click.testing import CliRunner

from nnstep.cli import main
from nnstep.files.load import InputError, lecture_file, load_data, load_model
from nnstep.teach.check import Net, check_sheet
from nnstep.teach.worksheet import read_sheet

ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}

# the lecture's 10 rows (lecture-dataset.md): X1, X2, Y
ROWS = [
    (-0.97, -0.80, 0),
    (-0.69, -0.97, 0),
    (-1.14, -1.09, 0),
    (0.76, 0.92, 1),
    (1.14, 1.09, 1),
    (0.26, 0.63, 1),
    (1.32, 1.49, 1),
    (-0.93, -1.09, 0),
    (-0.79, -0.52, 1),
    (1.04, 0.34, 0),
]
W1 = [[-0.2, 0.4, -1.0], [-0.4, -0.7, -0.8]]  # IN1, IN2 -> H1, H2, H3 (slide "Step 2")
B1 = [0.1, -0.2, 0.4]
W2 = [-0.6, -0.6, -0.3]  # H1..H3 -> ON
B2 = -0.6
LR = 0.5
IN, H = ["IN1", "IN2"], ["H1", "H2", "H3"]


def by_hand(k: int | None, mistake: str = "") -> dict[tuple, float]:
    """Every worksheet cell of the lecture, each intermediate value rounded to k decimals (k None:
    no rounding), with one typical `mistake` made wherever it can be and carried forward the way
    a student carries it. Keys (quantity, node, row) as the sheet writes them."""

    def r(x: float) -> float:
        if k is None:
            return x
        return float(Decimal(f"{x:.12g}").quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP))

    def f(z: float) -> float:
        return 1 / (1 + math.exp(-z))

    def slope(z: float, a: float) -> float:
        if mistake == "derivative_argument":  # f' at the activation instead of the input sum
            return r(f(a) * (1 - f(a)))
        return r(a * (1 - a))

    bias = 0.0 if mistake == "missing_bias" else 1.0
    half = 1.0 if mistake == "factor_2" else 0.5
    lr = 1.0 if mistake == "missing_learning_rate" else -LR if mistake == "wrong_direction" else LR
    out: dict[tuple, float] = {}
    a_h, bpe_h, bpe_o = {}, {}, {}
    w2_after = W2
    if mistake == "updated_weights_too_early":  # the H -> ON weights after the update, from the slides
        w2_after = [-0.496, -0.506, -0.233]
    for n, (x1, x2, y) in enumerate(ROWS, 1):
        x = [x2, x1] if mistake == "swapped_weights" else [x1, x2]
        for j, h in enumerate(H):
            z = r(sum(r(x[i] * W1[i][j]) for i in range(2)) + bias * B1[j])
            out["input_sum", h, n] = z
            out["activation", h, n] = a_h[h, n] = r(f(z))
        if mistake == "wrong_row" and n == 2:  # row 1's H1 copied into row 2
            out["activation", "H1", 2] = a_h["H1", 2] = a_h["H1", 1]
        z = r(sum(r(a_h[h, n] * W2[j]) for j, h in enumerate(H)) + bias * B2)
        if mistake == "arithmetic" and n == 1:
            z = r(z + 0.25)
        yhat = r(f(z))
        out["input_sum", "ON", n], out["activation", "ON", n] = z, yhat
        out["cost", None, n] = r(half * r((yhat - y) ** 2))
        e = r(y - yhat) if mistake == "sign" else r(yhat - y)
        out["error", "ON", n] = e
        d = e if mistake == "missing_derivative" else r(e * slope(z, yhat))
        out["bpe", "ON", n] = bpe_o[n] = d
        for j, h in enumerate(H):
            eh = r(bpe_o[n] * w2_after[j])
            out["error", h, n] = eh
            a = a_h[h, n]
            out["bpe", h, n] = bpe_h[h, n] = r(eh * slope(out["input_sum", h, n], a))
    scale = 0.1 if mistake == "mean_vs_sum" else 1.0
    out["cost_sum", None, None] = r(sum(out["cost", None, n] for n in range(1, 11)))
    out["cost_mean", None, None] = r(out["cost_sum", None, None] / 10)
    if mistake == "mean_vs_sum":
        out["cost_sum", None, None] = out["cost_mean", None, None]
    rows = range(1, 11)
    for j, h in enumerate(H):  # the one-row step of row 1, w - α BPE a
        out["weight_one_row", f"{h}-ON", 1] = r(W2[j] - r(lr * r(bpe_o[1] * a_h[h, 1])))
        g = r(scale * sum(r(bpe_o[n] * a_h[h, n]) for n in rows))
        out["gradient_weight", f"{h}-ON", None] = g
        out["weight", f"{h}-ON", None] = r(W2[j] - r(lr * g))
    out["bias_one_row", "ON", 1] = r(B2 - r(lr * bpe_o[1]))
    g = r(scale * sum(bpe_o[n] for n in rows))
    out["gradient_bias", "ON", None], out["bias", "ON", None] = g, r(B2 - r(lr * g))
    for j, h in enumerate(H):
        for i, src in enumerate(IN):
            x1 = ROWS[0][i]
            out["weight_one_row", f"{src}-{h}", 1] = r(W1[i][j] - r(lr * r(bpe_h[h, 1] * x1)))
            g = r(scale * sum(r(bpe_h[h, n] * ROWS[n - 1][i]) for n in rows))
            out["gradient_weight", f"{src}-{h}", None] = g
            out["weight", f"{src}-{h}", None] = r(W1[i][j] - r(lr * g))
        out["bias_one_row", h, 1] = r(B1[j] - r(lr * bpe_h[h, 1]))
        g = r(scale * sum(bpe_h[h, n] for n in rows))
        out["gradient_bias", h, None], out["bias", h, None] = g, r(B1[j] - r(lr * g))
    return out


def sheet_text(values: dict[tuple, float | None], decimals: int) -> str:
    lines = ["quantity,node,row,answer"]
    for (q, node, row), v in values.items():
        answer = "" if v is None else f"{v:.{decimals}f}"
        lines.append(f"{q},{node or ''},{row or ''},{answer}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def lecture():
    model, data = load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))
    return model, data, Net(model, data)


def mark(tmp_path, lecture, values, decimals, name="sheet.csv"):
    model, data, net = lecture
    path = tmp_path / name
    path.write_text(sheet_text(values, decimals))
    return check_sheet(net, read_sheet(path, model, len(data)))


def test_the_hand_calculation_gives_the_slides_numbers():
    v = by_hand(None)
    assert f"{v['input_sum', 'H1', 1]:.3f}" == "0.614"  # Step 3 a) (2/5)
    assert f"{v['activation', 'ON', 1]:.2f}" == "0.18"
    assert f"{v['cost_sum', None, None]:.2f}" == "1.55"
    assert f"{v['weight', 'H1-ON', None]:.3f}" == "-0.496"
    assert f"{v['bias', 'ON', None]:.3f}" == "-0.327"


@pytest.mark.parametrize("decimals", [2, 3, 4, 6])
def test_a_correct_sheet_at_any_precision_has_no_wrong_cell(tmp_path, lecture, decimals):
    result = mark(tmp_path, lecture, by_hand(None), decimals)
    assert result.summary == {"correct": 211, "follows": 0, "wrong": 0, "blank": 0}
    assert result.first_wrong is None


@pytest.mark.parametrize("k", [2, 3, 4])
def test_a_hand_rounded_sheet_has_no_wrong_cell(tmp_path, lecture, k):
    result = mark(tmp_path, lecture, by_hand(k), k)
    wrong = [(m.cell, m.answer.text, m.expected, m.recomputed) for m in result.marks if m.verdict != "correct"]
    assert not wrong, wrong[:5]


# (mistake, the cells it is made in: quantity and, if only some, nodes and rows)
MISTAKES = [
    ("sign", {"error"}, {"ON"}, None),
    ("factor_2", {"cost"}, None, None),
    ("missing_derivative", {"bpe"}, {"ON"}, None),
    ("derivative_argument", {"bpe"}, None, None),
    ("updated_weights_too_early", {"error"}, set(H), None),
    ("mean_vs_sum", {"cost_sum", "gradient_weight", "gradient_bias"}, None, None),
    ("missing_bias", {"input_sum"}, None, None),
    ("missing_learning_rate", {"weight", "bias", "weight_one_row", "bias_one_row"}, None, None),
    ("wrong_direction", {"weight", "bias", "weight_one_row", "bias_one_row"}, None, None),
    ("wrong_row", {"activation"}, {"H1"}, {2}),
    ("swapped_weights", {"input_sum"}, set(H), None),
    ("arithmetic", {"input_sum"}, {"ON"}, {1}),
]


@pytest.mark.parametrize("k", [None, 3])
@pytest.mark.parametrize("mistake, quantity, nodes, rows", MISTAKES, ids=lambda v: v if isinstance(v, str) else "")
def test_each_mistake_is_named_and_carried_forward(tmp_path, lecture, k, mistake, quantity, nodes, rows):
    result = mark(tmp_path, lecture, by_hand(k, mistake), 3 if k is None else k)
    made = [
        m
        for m in result.marks
        if m.cell.quantity in quantity
        and (nodes is None or m.cell.node in nodes)
        and (rows is None or m.cell.row in rows)
        # where the mistake makes no difference at this precision, the cell follows or is right
        and m.verdict == "wrong"
    ]
    assert made
    assert {m.diagnosis for m in made} == {mistake}, [
        (m.cell, m.answer.text, m.expected, m.verdict, m.diagnosis) for m in made if m.diagnosis != mistake
    ][:4]
    others = [m for m in result.marks if m not in made]
    wrong = [(m.cell, m.answer.text, m.expected, m.recomputed, m.diagnosis) for m in others if m.verdict == "wrong"]
    assert not wrong, wrong[:4]
    assert result.first_wrong == made[0]
    assert all(m.explanation for m in made)
