"""`nnstep check`: a student's worksheet marked cell by cell, with follow-through.

Expected numbers come from the slides (002_e68551d982987509.txt) and from an independent hand
calculation written here in plain Python (every intermediate value rounded half up to K decimals,
as a student with a calculator does), never from nnstep's own output.
"""

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from nnstep.files.load import InputError, lecture_file, load_data, load_model
from nnstep.teach.check import Net, check_sheet
from nnstep.teach.worksheet import Cell, read_sheet

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


# a network unlike the lecture's: 2-2-2, tanh then softmax, categorical cross-entropy, mean

SMALL_MODEL = """layers: [2, 2, 2]
activation: [tanh, softmax]
cost: categorical_cross_entropy
reduction: mean
learning_rate: 0.1
weights:
  - [[0.5, -0.3], [0.2, 0.8]]
  - [[1.0, -1.0], [-0.5, 0.7]]
biases:
  - [0.1, -0.1]
  - [0.0, 0.2]
"""
SMALL_DATA = """columns: [A, B, X1, X2]
targets: [A, B]
rows:
  - [1, 0, 0.5, -1.0]
  - [0, 1, -0.3, 0.4]
  - [1, 0, 1.2, 0.1]
"""


def small_by_hand(mistake: str = "") -> dict[tuple, float]:
    """The 2-2-2 network's cells, computed here with plain numpy (one-hot targets A, B)."""
    import numpy as np

    x = np.array([[0.5, -1.0], [-0.3, 0.4], [1.2, 0.1]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    w1, b1 = np.array([[0.5, -0.3], [0.2, 0.8]]), np.array([0.1, -0.1])
    w2, b2 = np.array([[1.0, -1.0], [-0.5, 0.7]]), np.array([0.0, 0.2])
    z1 = x @ w1 + b1
    a1 = np.tanh(z1)
    z2 = a1 @ w2 + b2
    a2 = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
    cost = -(y * np.log(a2)).sum(axis=1)
    e2 = -y / a2
    d2 = a2 - y  # softmax with cross-entropy
    e1 = d2 @ w2.T
    d1 = e1 if mistake == "missing_derivative" else e1 * (1 - a1**2)
    out: dict[tuple, float] = {}
    for n in range(3):
        for j, h in enumerate(("H1", "H2")):
            out["input_sum", h, n + 1], out["activation", h, n + 1] = z1[n, j], a1[n, j]
        for j, o in enumerate(("ON1", "ON2")):
            out["input_sum", o, n + 1], out["activation", o, n + 1] = z2[n, j], a2[n, j]
        out["cost", None, n + 1] = cost[n]
    out["cost_sum", None, None], out["cost_mean", None, None] = cost.sum(), cost.mean()
    for n in range(3):
        for j, o in enumerate(("ON1", "ON2")):
            out["error", o, n + 1], out["bpe", o, n + 1] = e2[n, j], d2[n, j]
        for j, h in enumerate(("H1", "H2")):
            out["error", h, n + 1], out["bpe", h, n + 1] = e1[n, j], d1[n, j]
    return out


@pytest.fixture
def small(tmp_path):
    (tmp_path / "model.yaml").write_text(SMALL_MODEL)
    (tmp_path / "data.yaml").write_text(SMALL_DATA)
    model, data = load_model(tmp_path / "model.yaml"), load_data(tmp_path / "data.yaml")
    return model, data, Net(model, data)


@pytest.mark.parametrize("decimals", [3, 5])
def test_a_softmax_tanh_network_is_marked_too(tmp_path, small, decimals):
    result = mark(tmp_path, small, small_by_hand(), decimals)
    assert result.summary["wrong"] == 0 and result.summary["correct"] == 3 * 8 + 3 + 2 + 3 * 8


def test_a_softmax_tanh_network_names_a_missing_derivative(tmp_path, small):
    result = mark(tmp_path, small, small_by_hand("missing_derivative"), 4)
    wrong = {(m.cell.quantity, m.diagnosis) for m in result.marks if m.verdict == "wrong"}
    assert wrong == {("bpe", "missing_derivative")}
    assert result.first_wrong.cell.quantity == "bpe" and result.first_wrong.cell.node.startswith("H")


def test_the_sheet_of_a_network_has_every_layer_and_its_updates(small):
    from nnstep.teach.worksheet import cells

    model, data, _ = small
    names = {(c.quantity, c.node) for c in cells(model, len(data))}
    assert ("weight", "H2-ON1") in names and ("gradient_bias", "ON2") in names
    assert ("weight_one_row", "IN1-H1") in names and ("bpe", "ON2") in names


def test_a_momentum_model_leaves_the_updated_weights_out_and_refuses_them(tmp_path, small):
    from nnstep.teach.worksheet import cells

    (tmp_path / "m.yaml").write_text(SMALL_MODEL + "optimizer: momentum\n")
    model = load_model(tmp_path / "m.yaml")
    _, data, _ = small
    assert not [c for c in cells(model, 3) if c.quantity in ("weight", "bias")]
    sheet = tmp_path / "s.csv"
    sheet.write_text("quantity,node,row,answer\nweight,IN1-H1,,0.5\n")
    with pytest.raises(InputError, match="line 2: weight: the updated weights on a worksheet are the lecture's"):
        read_sheet(sheet, model, 3)


# bad sheets: one line naming the file and the line, exit status 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("quantity,node,answer\n", "line 1: expected the header quantity,node,row,answer"),
        ("quantity,node,row,answer\nsum,H1,1,0.6\n", "line 2: quantity: expected one of input_sum, activation"),
        (
            "quantity,node,row,answer\ninput_sum,H9,1,0.6\n",
            "line 2: node: expected a node of input_sum (H1, H2, H3, ON)",
        ),
        ("quantity,node,row,answer\ninput_sum,H1,11,0.6\n", "line 2: row: expected a row from 1 to 10"),
        ("quantity,node,row,answer\ncost_sum,,1,1.55\n", "line 2: row: expected it empty for cost_sum"),
        ("quantity,node,row,answer\nweight,IN1-ON,,0.6\n", "line 2: node: expected a weight FROM-TO"),
        ("quantity,node,row,answer\ninput_sum,H1,1,0.6.1\n", "line 2: answer: expected a number such as 0.614"),
        (
            "quantity,node,row,answer\ninput_sum,H1,1,0.61\n\ninput_sum,H1,1,0.614\n",
            "line 4: input sum of H1, row 1 is given twice (first on line 2)",
        ),
        ("quantity,node,row,answer\ncost,,1\n", "line 2: expected 4 fields"),
        ("", "empty sheet"),
    ],
)
def test_a_bad_sheet_is_refused_with_one_line(cli, tmp_path, text, message):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(text)
    result = cli("check", str(sheet))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {sheet}: ") and message in lines[0], lines


def test_a_yaml_sheet_keeps_the_decimals_as_written(tmp_path, lecture):
    model, data, net = lecture
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "- {quantity: input_sum, node: H1, row: 1, answer: 0.614}\n"
        "- {quantity: activation, node: H1, row: 1, answer: 0.650}\n"
        "- quantity: cost_sum\n  node:\n  row:\n  answer: 1.55\n"
    )
    ws = read_sheet(sheet, model, len(data))
    assert [(a.text, a.decimals) for a in ws.answers] == [("0.614", 3), ("0.650", 3), ("1.55", 2)]
    marks = check_sheet(net, ws).marks
    assert [m.verdict for m in marks] == ["correct", "wrong", "correct"]  # 0.6489 is 0.649, not 0.650


def test_a_yaml_sheet_with_an_unknown_key_is_refused(cli, tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("- {quantity: cost, row: 1, answr: 0.02}\n")
    result = cli("check", str(sheet))
    assert result.exit_code == 2 and "s.yaml: line 1: expected only the keys" in result.output


# the commands


def test_worksheet_for_the_slides_row_then_check_it(cli, tmp_path):
    result = cli("worksheet", "--rows", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "quantity,node,row,answer" and lines[1] == "input_sum,H1,1,"
    assert "weight_one_row,IN1-H1,1," in lines and "bias_one_row,ON,1," in lines
    assert not [line for line in lines if line.startswith(("cost_sum", "weight,", "gradient"))]
    filled = result.output.replace("input_sum,H1,1,\n", "input_sum,H1,1,0.614\n").replace(
        "error,ON,1,\n", "error,ON,1,-0.18\n"
    )
    (tmp_path / "mine.csv").write_text(filled)
    result = cli("check", str(tmp_path / "mine.csv"))
    assert result.exit_code == 1
    out = result.output
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "0.614 ✓" in out and "-0.18 ✗" in out
    assert "you wrote y - ŷ; the lecture's error is ŷ - y" in out
    assert "Look first at: error of ON, row 1 (you wrote -0.18)" in out
    assert "error_ON = a_ON - y_ON = 0.18 - 0 = 0.18" in out
    assert out.strip().splitlines()[-1] == "2 cells: 1 right outright, 1 right with follow-through, 1 wrong, 28 blank"


def test_check_json_has_the_documented_shape(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("quantity,node,row,answer\ninput_sum,H1,1,0.614\ncost,,1,0.03\ncost_sum,,,\n")
    result = cli("check", str(sheet), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"cells", "first_wrong", "summary"}
    keys = {"quantity", "node", "row", "answer", "expected", "recomputed", "verdict", "diagnosis"}
    assert all(set(c) == keys | {"explanation", "follows_from"} for c in data["cells"])
    cost = data["cells"][1]
    assert (cost["node"], cost["row"], cost["verdict"], cost["diagnosis"]) == (None, 1, "wrong", "factor_2")
    assert data["first_wrong"] == {"quantity": "cost", "node": None, "row": 1}
    assert data["summary"] == {"correct": 1, "follows": 0, "wrong": 1, "blank": 1}


def test_a_right_sheet_exits_0(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("quantity,node,row,answer\ninput_sum,H1,1,0.614\nactivation,H1,1,0.65\n")
    result = cli("check", str(sheet))
    assert result.exit_code == 0 and "2 cells: 2 right outright" in result.output


def test_worksheet_writes_every_version_into_a_directory(cli, tmp_path):
    result = cli("worksheet", "--steps", "forward,cost", "--output", str(tmp_path))
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["worksheet.csv", "worksheet.html", "worksheet.md", "worksheet.tex"]
    md = (tmp_path / "worksheet.md").read_text()
    assert r"| 1 | -0.97 | -0.80 | 0 | \_\_\_\_ |" in md and "| Σ | C(W) = Σ / 10 |" in md
    tex = (tmp_path / "worksheet.tex").read_text()
    assert r"\begin{tabular}" in tex and tex.count(r"\answerbox") == 10 * 9 + 2 + 1  # and its \newcommand
    assert r"\usepackage[a4paper,landscape,margin=1.5cm]{geometry}" in tex  # nnstep exercise's printable sheet
    html = (tmp_path / "worksheet.html").read_text()
    assert html.count('<span class="box"></span>') == 10 * 9 + 2 and "span.box{display:inline-block;width:5em" in html
    assert (tmp_path / "worksheet.csv").read_text().count("\n") == 1 + 10 * 9 + 2


def test_worksheet_output_with_a_trailing_slash_is_a_directory(tmp_path, monkeypatch, cli):
    """The help's own example, `--output sheets/`, makes the directory and writes into it."""
    monkeypatch.chdir(tmp_path)
    result = cli(*["worksheet", "--rows", "1", "--output", "sheets/"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sheets").is_dir()
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir())[0] == "worksheet.csv"
    (tmp_path / "plain").write_text("")
    result = cli(*["worksheet", "--rows", "1", "--output", "plain/x/"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    result = cli(*["worksheet", "--rows", "1", "--output", "one.csv"])
    assert (tmp_path / "one.csv").read_text().startswith("quantity,node,row,answer")


# golden files are worksheets written by a lecturer: the same comparison, the same diagnoses


def test_the_slides_cost_column_errata_are_the_factor_2_mistake():
    from nnstep.teach.verify import golden_files, verify

    report = verify([p for p in golden_files() if p.stem == "lecture"])
    errata = [f for f in report.errata if f.number.startswith("cost of row")]
    assert len(errata) == 19 and {f.diagnosis for f in errata} == {"factor_2"}
    signs = [f for f in report.errata if f.diagnosis == "sign"]
    assert signs and all("lost minus sign" in f.reason for f in signs)
    copied = [f for f in report.errata if f.diagnosis == "wrong_row"]
    assert len(copied) == 1 and "row 1 directly above" in copied[0].reason


def test_printed_and_answered_numbers_share_one_comparison():
    from nnstep.teach.marking import agrees, reproduces

    assert reproduces(0.614, 3, 0.61400) and not reproduces(-0.026, 3, -0.028)
    assert reproduces(0.02, 2, 0.02494)  # the slides' close rounding tie of row 10's cost
    assert agrees(0.65, 2, 0.6489) and agrees(0.649, 3, 0.650) and not agrees(0.647, 3, 0.6489, 1)


def test_the_slides_own_row_1_is_marked_with_its_one_slip(cli, fixtures):
    result = cli("check", str(fixtures / "check" / "slides_row1.csv"), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    wrong = [c for c in data["cells"] if c["verdict"] != "correct"]
    assert [(c["quantity"], c["node"], c["answer"], c["diagnosis"]) for c in wrong] == [
        ("input_sum", "H2", -0.026, "arithmetic")
    ]
    assert data["summary"] == {"correct": 20, "follows": 0, "wrong": 1, "blank": 0}


def test_several_sheets_are_each_marked(cli, fixtures):
    sheets = [str(fixtures / "check" / name) for name in ("row1_right.csv", "slides_row1.csv")]
    result = cli("check", *sheets, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [s["summary"]["wrong"] for s in data["sheets"]] == [0, 1]
    assert data["sheets"][0]["path"].endswith("row1_right.csv")


DEEP_MODEL = """layers: [2, 3, 2, 1]
activation: [relu, tanh, sigmoid]
learning_rate: 0.3
weights:
  - [[0.5, -0.3, 0.2], [0.2, 0.8, -0.6]]
  - [[1.0, -1.0], [-0.5, 0.7], [0.3, 0.4]]
  - [[0.9], [-1.1]]
biases:
  - [0.1, -0.1, 0.05]
  - [0.0, 0.2]
  - [-0.3]
"""
DEEP_DATA = """columns: [Y, X1, X2]
targets: [Y]
rows:
  - [1, 0.5, -1.0]
  - [0, -0.3, 0.4]
  - [1, 1.2, 0.1]
  - [0, -0.8, -0.9]
"""


@pytest.mark.parametrize(
    "extra",
    [
        "",
        "cost: squared_error\n",
        "cost: binary_cross_entropy\nreduction: mean\n",
        "layer_updates: sequential\n",
        "update: online\n",
        "update_biases: false\n",
        "optimizer: adam\n",
        "regularization: l2\nlambda: 0.01\nregularize_biases: true\n",
        "regularization: l1\nlambda: 0.02\nreduction: mean\n",
    ],
)
def test_every_cell_formula_gives_the_core_value_under_each_convention(tmp_path, extra):
    """Each cell's own formula, fed the core's numbers, gives the core's number for that cell, and
    a sheet of the core's numbers has no wrong cell (two computations that must agree)."""
    (tmp_path / "model.yaml").write_text(DEEP_MODEL + extra)
    (tmp_path / "data.yaml").write_text(DEEP_DATA)
    model, data = load_model(tmp_path / "model.yaml"), load_data(tmp_path / "data.yaml")
    net = Net(model, data)
    for c in net.order:
        assert net.compute(c, net.right.__getitem__) == pytest.approx(net.right[c], abs=1e-12), c
    values = {(c.quantity, c.node, c.row): net.right[c] for c in net.order}
    result = mark(tmp_path, (model, data, net), values, 4)
    assert result.summary["wrong"] == 0
    # the updated weights are on the sheet for the lecture's full-batch plain gradient descent only
    unlike = ("optimizer:", "update: online", "layer_updates: sequential")
    assert any(c.quantity == "weight" for c in net.order) == (not any(u in extra for u in unlike))


def test_follow_through_carries_across_blank_cells(tmp_path, lecture):
    """error_ON written as y - ŷ, BPE_ON left blank, error_H1 worked from the unwritten BPE."""
    v = by_hand(None, "sign")
    sheet = {k: v[k] for k in [("error", "ON", 1), ("error", "H1", 1)]}
    sheet[("bpe", "ON", 1)] = None
    result = mark(tmp_path, lecture, sheet, 3)
    verdicts = {m.cell.quantity + " " + m.cell.node: (m.verdict, m.follows_from) for m in result.marks}
    assert verdicts["error ON"][0] == "wrong" and verdicts["bpe ON"][0] == "blank"
    assert verdicts["error H1"] == ("follows", result.first_wrong.cell)


def test_answers_without_the_decimals_the_value_needs_are_wrong(tmp_path, cli):
    """The hand calculation's -0.608, -0.613, -1.000, 0.614, 0.175 and 0.015 written with no
    decimals are not roundings a sheet accepts."""
    sheet = tmp_path / "z.csv"
    sheet.write_text(
        "quantity,node,row,answer\nweight_one_row,H1-ON,1,0\nbias_one_row,ON,1,0\nweight_one_row,IN1-H3,1,0\n"
        "input_sum,H1,1,1\nactivation,ON,1,1\ncost,,1,0\n"
    )
    result = cli(*["check", str(sheet), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"] == {"correct": 0, "follows": 0, "wrong": 6, "blank": 0}
    cost = next(c for c in report["cells"] if c["quantity"] == "cost")
    assert "at least 2 decimals" in cost["explanation"]


@pytest.mark.parametrize(
    "cell, answer, verdict",
    [
        ("weight_one_row,H1-ON,1", "-0.6", "correct"),  # -0.608 at one decimal
        ("input_sum,H1,1", "0.6", "correct"),  # 0.614
        ("input_sum,H1,1", "1", "wrong"),
        ("input_sum,H2,1", "-0.03", "correct"),  # -0.028
        ("input_sum,H2,1", "0.0", "wrong"),  # rounds to 0 at one decimal: two are needed
        ("bpe,H1,1", "0.00", "correct"),  # -0.0035 rounds to 0.00 at the lecture's fewest decimals
        ("activation,ON,1", "0.175", "correct"),  # 0.17513
        ("activation,ON,1", "0.176", "wrong"),  # 0.87 units off: no product, nothing carried, half a unit
    ],
)
def test_an_answer_is_a_rounding_at_its_decimals(tmp_path, lecture, cell, answer, verdict):
    model, data, net = lecture
    path = tmp_path / "s.csv"
    path.write_text(f"quantity,node,row,answer\n{cell},{answer}\n")
    (m,) = check_sheet(net, read_sheet(path, model, len(data))).marks
    assert m.verdict == verdict


@pytest.mark.parametrize("beside, missing", [("model.yaml", "data.yaml"), ("data.yaml", "model.yaml")])
def test_a_sheet_beside_only_one_of_model_and_data_is_refused(tmp_path, beside, missing, cli):
    (tmp_path / beside).write_text(Path(lecture_file(beside)).read_text())
    sheet = tmp_path / "s.csv"
    sheet.write_text("quantity,node,row,answer\ninput_sum,H1,1,0.614\n")
    result = cli(*["check", str(sheet)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert str(sheet) in line and f"{missing} is not" in line
    option = "--data" if missing == "data.yaml" else "--model"
    result = cli(*["check", str(sheet), option, str(lecture_file(missing))])
    assert result.exit_code == 0, result.output


LECTURE_SHEETS = Path(__file__).resolve().parent.parent / "fixtures" / "worksheets" / "lecture"


@pytest.mark.parametrize(
    "name, mine, right",
    [
        (
            "missing_bias.csv",
            "(-0.97 * -0.2) + (-0.80 * -0.4) = 0.5140",
            "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.6140",
        ),
        ("sign.csv", "0 - 0.175 = -0.175", "0.175 - 0 = 0.175"),
        ("factor_2_cost.csv", "(0.175 - 0)^2 = 0.031", "1/2 (0.175 - 0)^2 = 0.015"),
        ("wrong_direction.csv", "-0.6 + 0.5 * 0.025 * 0.649 = -0.592", "-0.6 - 0.5 * 0.025 * 0.649 = -0.608"),
    ],
)
def test_the_first_wrong_cell_is_worked_with_the_mistake(lecture, name, mine, right):
    """0.194 + 0.32 = 0.514 (the bias left out); 0 - 0.175 (y - ŷ); 0.175² = 0.0306."""
    model, data, net = lecture
    result = check_sheet(net, read_sheet(LECTURE_SHEETS / name, model, len(data)))
    assert result.mistake_shown
    assert result.work_student.worked() == mine
    assert result.work_right.worked() == right


def test_an_arithmetic_slip_shows_the_right_formula_and_what_was_written(lecture, cli):
    model, data, net = lecture
    result = check_sheet(net, read_sheet(LECTURE_SHEETS / "arithmetic.csv", model, len(data)))
    assert not result.mistake_shown
    out = cli(*["check", str(LECTURE_SHEETS / "arithmetic.csv")]).output
    assert "You wrote 0.7820." in out and "With your numbers:" not in out


def _holds(work) -> bool:
    """The result shown is the numbers shown, worked out (sigmoid f), rounded as shown."""
    from nnstep.worked.formula import evaluate

    def f(x):
        return 1 / (1 + math.exp(-x))

    def df(x):
        return f(x) * (1 - f(x))

    total = None
    if work.terms is not None:
        total = evaluate(work.terms, {"f": f, "f'": df})
        decimals = len(work.terms_total_text.partition(".")[2])
        assert f"{total:.{decimals}f}" in (work.terms_total_text, "-" + work.terms_total_text)
    value = evaluate(work.substituted, {"f": f, "f'": df}, dots=total)
    decimals = len(work.result_text.partition(".")[2])
    return value is not None and abs(value - float(work.result_text)) <= 0.5 * 10.0**-decimals + 1e-12


@pytest.mark.parametrize("name", sorted(p.name for p in LECTURE_SHEETS.glob("*.csv")))
def test_every_worked_equation_of_the_first_wrong_cell_holds_at_its_digits(lecture, name):
    model, data, net = lecture
    result = check_sheet(net, read_sheet(LECTURE_SHEETS / name, model, len(data)))
    if result.first_wrong is None:
        return
    for work in (result.work_student, result.work_right):
        if work is not None:
            assert _holds(work), (name, work.worked())
    if result.mistake_shown:
        assert result.work_student.substituted_text() != result.work_right.substituted_text()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rows": [0]}, "rows: expected rows from 1 to 10, got 0"),
        ({"rows": [11]}, "rows: expected rows from 1 to 10, got 11"),
        ({"steps": ["foo"]}, "steps: expected names from forward, cost, backprop, update, got 'foo'"),
        ({"steps": []}, "steps: expected names"),
    ],
)
def test_the_api_worksheet_refuses_what_the_command_refuses(kwargs, message):
    import nnstep

    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        nnstep.lecture().worksheet(**kwargs)


def test_the_api_worksheet_takes_steps_as_the_command_does():
    import nnstep

    one = nnstep.lecture().worksheet(steps="forward,cost", rows=[1]).to_dict()["cells"]
    assert len(one) == 8 + 1  # 3 + 1 input sums and activations, twice, and the cost
    assert nnstep.lecture().worksheet(steps="forward", rows=[1]).to_dict()["cells"] == one[:8]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--rows", "11"], "--rows: expected rows from 1 to 10, got 11"),
        (["--steps", "forward,foo"], "--steps: expected names from forward, cost, backprop, update"),
        (["--rows", "3-1"], "expected row numbers from 1 such as 1 or 1,2 or 1-3, got '3-1'"),
    ],
)
def test_worksheet_refuses_bad_rows_and_steps(args, message, cli):
    result = cli(*["worksheet", *args])
    assert result.exit_code == 2 and message in result.output


def test_a_header_only_sheet_is_refused_like_an_empty_one(tmp_path, cli):
    sheet = tmp_path / "h.csv"
    sheet.write_text("quantity,node,row,answer\n\n")
    result = cli(*["check", str(sheet)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "empty sheet" in line


def test_a_gradient_without_the_l2_penalty_names_it(tmp_path):
    """With L2 (λ = 0.1) dCost/dw H1-ON = Σ BPE_ON × a_H1 + λ w; the sum alone misses 0.1 × -0.6."""
    model = load_model(lecture_file("model.yaml"), {"regularization": "l2", "lambda": 0.1})
    data = load_data(lecture_file("data.yaml"))
    net = Net(model, data)
    g = net.right[Cell("gradient_weight", "H1-ON")]
    no_penalty = g - 0.1 * -0.6
    path = tmp_path / "s.csv"
    path.write_text(f"quantity,node,row,answer\ngradient_weight,H1-ON,,{no_penalty:.3f}\n")
    result = check_sheet(net, read_sheet(path, model, len(data)))
    (m,) = result.marks
    assert m.verdict == "wrong" and m.diagnosis == "arithmetic"
    assert "the penalty's λ w term is missing" in m.explanation
    # the worked formula has the penalty's term, and its sum line a number
    right = result.work_right
    assert right.formula_text().endswith("+ λ * w_H1->ON") and right.worked().count("+ 0.1 * -0.6 =") == 1
    assert right.terms_total_text not in (None, "None")


def test_explanations_use_the_tables_arrow(tmp_path, lecture):
    model, data, net = lecture
    path = tmp_path / "s.csv"
    path.write_text("quantity,node,row,answer\nweight_one_row,H1-ON,1,-0.592\n")
    (m,) = check_sheet(net, read_sheet(path, model, len(data))).marks
    assert m.diagnosis == "wrong_direction" and "w_H1→ON" in m.explanation and "->" not in m.explanation


@pytest.mark.parametrize("step", ["weights", "update"])
def test_diagram_refuses_a_row_where_the_step_has_none(step, cli):
    result = cli(*["diagram", "--step", step, "--row", "2"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "--row" in line and step in line
