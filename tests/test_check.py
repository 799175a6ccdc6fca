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


def by_hand(k: int | None) -> dict[tuple, float]:
    """Every worksheet cell of the lecture, each intermediate value rounded to k decimals (k None:
    no rounding). Keys (quantity, node, row) as the sheet writes them."""

    def r(x: float) -> float:
        if k is None:
            return x
        return float(Decimal(f"{x:.12g}").quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP))

    def f(z: float) -> float:
        return 1 / (1 + math.exp(-z))

    out: dict[tuple, float] = {}
    a_h, bpe_h, bpe_o = {}, {}, {}
    for n, (x1, x2, y) in enumerate(ROWS, 1):
        x = [x1, x2]
        for j, h in enumerate(H):
            z = r(sum(r(x[i] * W1[i][j]) for i in range(2)) + B1[j])
            out["input_sum", h, n] = z
            out["activation", h, n] = a_h[h, n] = r(f(z))
        z = r(sum(r(a_h[h, n] * W2[j]) for j, h in enumerate(H)) + B2)
        yhat = r(f(z))
        out["input_sum", "ON", n], out["activation", "ON", n] = z, yhat
        out["cost", None, n] = r(0.5 * r((yhat - y) ** 2))
        e = r(yhat - y)
        out["error", "ON", n] = e
        out["bpe", "ON", n] = bpe_o[n] = r(e * r(yhat * (1 - yhat)))
        for j, h in enumerate(H):
            eh = r(bpe_o[n] * W2[j])
            out["error", h, n] = eh
            a = a_h[h, n]
            out["bpe", h, n] = bpe_h[h, n] = r(eh * r(a * (1 - a)))
    out["cost_sum", None, None] = r(sum(out["cost", None, n] for n in range(1, 11)))
    out["cost_mean", None, None] = r(out["cost_sum", None, None] / 10)
    rows = range(1, 11)
    for j, h in enumerate(H):  # the one-row step of row 1, w - α BPE a
        out["weight_one_row", f"{h}-ON", 1] = r(W2[j] - r(LR * r(bpe_o[1] * a_h[h, 1])))
        g = r(sum(r(bpe_o[n] * a_h[h, n]) for n in rows))
        out["gradient_weight", f"{h}-ON", None] = g
        out["weight", f"{h}-ON", None] = r(W2[j] - r(LR * g))
    out["bias_one_row", "ON", 1] = r(B2 - r(LR * bpe_o[1]))
    g = r(sum(bpe_o[n] for n in rows))
    out["gradient_bias", "ON", None], out["bias", "ON", None] = g, r(B2 - r(LR * g))
    for j, h in enumerate(H):
        for i, src in enumerate(IN):
            x1 = ROWS[0][i]
            out["weight_one_row", f"{src}-{h}", 1] = r(W1[i][j] - r(LR * r(bpe_h[h, 1] * x1)))
            g = r(sum(r(bpe_h[h, n] * ROWS[n - 1][i]) for n in rows))
            out["gradient_weight", f"{src}-{h}", None] = g
            out["weight", f"{src}-{h}", None] = r(W1[i][j] - r(LR * g))
        out["bias_one_row", h, 1] = r(B1[j] - r(LR * bpe_h[h, 1]))
        g = r(sum(bpe_h[h, n] for n in rows))
        out["gradient_bias", h, None], out["bias", h, None] = g, r(B1[j] - r(LR * g))
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
