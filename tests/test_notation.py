"""--notation matrix: the same numbers under the names z, a, δ, W, b, J of the matrix-form lecture."""

import re

import pytest

NUMBER = re.compile(r"-?\d+\.\d+")


@pytest.mark.parametrize("command", ["forward", "backprop", "update", "train"])
def test_matrix_notation_changes_names_not_numbers(cli, command):
    extra = ["--epochs", "3"] if command == "train" else []
    slides = cli.ok(command, *extra)
    matrix = cli.ok(command, *extra, "--notation", "matrix")
    assert slides != matrix
    assert len(NUMBER.findall(slides)) > 20 and NUMBER.findall(slides) == NUMBER.findall(matrix)


def test_matrix_notation_in_the_tables(cli):
    out = cli.ok("backprop", "--notation", "matrix")
    assert "δ ON" in out and "∂J/∂a" in out and "BPE" not in out and "Err" not in out
    out = cli.ok("forward", "--notation", "matrix")
    assert out.splitlines()[1].split() == [
        "#",
        "Y",
        "X₁",
        "X₂",
        "H₁",
        "H₂",
        "H₃",
        "ŷ",
        "L",
    ]  # each row's cost (loss); J is their total


def test_matrix_notation_in_the_worked_formulas(cli):
    lines = cli.ok("forward", "--notation", "matrix", "--node", "H1").rstrip("\n").splitlines()
    assert lines[-3:] == [
        "z_H1 = (x_IN1 * W_IN1->H1) + (x_IN2 * W_IN2->H1) + b_H1",
        "     = (-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614",
        "a_H1 = f(z_H1) = f(0.614) = 0.65",
    ]
    lines = cli.ok("backprop", "--notation", "matrix", "--node", "ON").rstrip("\n").splitlines()
    assert lines[-1] == "δ_ON = ∂J/∂a_ON * f'(z_ON) = 0.18 * f'(-1.55) ≈ 0.025  (exact: 0.02530)"


def test_matrix_notation_in_latex(cli):
    out = cli.ok("backprop", "--notation", "matrix", "--show-work", "--format", "latex")
    assert r"\delta_{\mathrm{ON}}" in out
    assert "δ" not in out.split(r"\begin{document}")[1].replace(r"$\delta$", "")


SOFTMAX_MODEL = """layers: [2, 2, 2]
activation: [tanh, softmax]
cost: categorical_cross_entropy
learning_rate: 0.1
weights:
  - [[0.1, 0.2], [0.3, -0.4]]
  - [[0.5, -0.6], [0.7, 0.8]]
biases:
  - [0.0, 0.1]
  - [0.2, -0.1]
"""
SOFTMAX_DATA = "columns: [A, B, X1, X2]\ntargets: [A, B]\nrows:\n  - [1, 0, 0.5, -1.0]\n  - [0, 1, -0.3, 0.8]\n"


@pytest.mark.parametrize("command", ["forward", "backprop", "update"])
@pytest.mark.parametrize(
    "options",
    [
        ["--cost", "squared_error"],
        ["--cost", "binary_cross_entropy"],
        ["--activation", "tanh,sigmoid"],
        ["--activation", "relu,linear"],
        ["--round-intermediates", "3"],
    ],
)
def test_show_work_for_other_conventions(cli, command, options):
    out = cli.ok(command, "--show-work", *options)
    assert out != cli.ok(command, "--show-work")  # the convention shows in the worked formulas
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("command", ["forward", "backprop", "update"])
def test_show_work_with_a_softmax_output(cli, tmp_path, command):
    (tmp_path / "m.yaml").write_text(SOFTMAX_MODEL)
    (tmp_path / "d.yaml").write_text(SOFTMAX_DATA)
    out = cli.ok(
        command,
        "--model",
        str(tmp_path / "m.yaml"),
        "--data",
        str(tmp_path / "d.yaml"),
        "--show-work",
        "--round-intermediates",
        "4",
    )
    first = {
        # tanh(-0.25) = -0.2449, tanh(0.6) = 0.5370; softmax(0.4535, 0.4766)[0] = 1 / (1 + e^0.0231) = 0.4942
        "forward": "a_ON1 = f(input_ON1) = f(0.4534) = 0.4942",
        "backprop": "BPE_ON1 = a_ON1 * (error_ON1 - (error_ON1 * a_ON1 + error_ON2 * a_ON2))",
        "update": "w_H1->ON1 = w_H1->ON1 - α * BPE_ON1,1 * a_H1,1",
    }[command]
    assert first in out.splitlines(), out


def test_output_error_formula_follows_the_cost(cli):
    import json

    out = cli.ok("backprop", "--cost", "binary_cross_entropy", "--node", "ON", "--precision", "4")
    value = json.loads(cli.ok("backprop", "--cost", "binary_cross_entropy", "--format", "json"))["errors"][1][0][0]
    # row 1: (0.1751 - 0) / (0.1751 * (1 - 0.1751)) = 1 / (1 - 0.1751)
    assert value == pytest.approx(1 / (1 - 0.17512), abs=1e-4)
    lines = out.splitlines()
    start = lines.index("error_ON = (a_ON - y_ON) / (a_ON * (1 - a_ON))")
    assert lines[start + 1] == f"         = (0.1751 - 0) / (0.1751 * (1 - 0.1751)) = {value:.4f}"
