"""--notation matrix: the same numbers under the names z, a, δ, W, b, J of the matrix-form lecture."""

import re

import pytest
from click.testing import CliRunner

from nnstep.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


NUMBER = re.compile(r"-?\d+\.\d+")


@pytest.mark.parametrize("command", ["forward", "backprop", "update", "train"])
def test_matrix_notation_changes_names_not_numbers(command):
    extra = ["--epochs", "3"] if command == "train" else []
    slides = run(command, *extra)
    matrix = run(command, *extra, "--notation", "matrix")
    assert NUMBER.findall(slides) == NUMBER.findall(matrix)


def test_matrix_notation_in_the_tables():
    out = run("backprop", "--notation", "matrix")
    assert "δ ON" in out and "∂J/∂a" in out and "BPE" not in out and "Err" not in out
    out = run("forward", "--notation", "matrix")
    header = next(line for line in out.splitlines() if line.split()[:2] == ["#", "Y"])
    assert header.split()[-2:] == ["ŷ", "L"]  # each row's cost (loss); J is their total


def test_matrix_notation_in_the_worked_formulas():
    out = run("forward", "--notation", "matrix", "--node", "H1")
    assert "z_H1 = (x_IN1 * W_IN1->H1) + (x_IN2 * W_IN2->H1) + b_H1" in out
    assert "= (-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614" in out
    out = run("backprop", "--notation", "matrix", "--node", "ON")
    assert "δ_ON = ∂J/∂a_ON * f'(z_ON) = 0.18 * f'(-1.55) ≈ 0.025" in out


def test_matrix_notation_in_latex():
    out = run("backprop", "--notation", "matrix", "--show-work", "--format", "latex")
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
def test_show_work_for_other_conventions(command, options):
    out = run(command, "--show-work", *options)
    assert "Traceback" not in out


@pytest.mark.parametrize("command", ["forward", "backprop", "update"])
def test_show_work_with_a_softmax_output(tmp_path, command):
    (tmp_path / "m.yaml").write_text(SOFTMAX_MODEL)
    (tmp_path / "d.yaml").write_text(SOFTMAX_DATA)
    out = run(
        command,
        "--model",
        str(tmp_path / "m.yaml"),
        "--data",
        str(tmp_path / "d.yaml"),
        "--show-work",
        "--round-intermediates",
        "4",
    )
    if command == "backprop":
        assert "BPE_ON1 = a_ON1 * (error_ON1 - (error_ON1 * a_ON1 + error_ON2 * a_ON2))" in out


def test_output_error_formula_follows_the_cost():
    import json

    out = run("backprop", "--cost", "binary_cross_entropy", "--node", "ON", "--precision", "4")
    assert "error_ON = (a_ON - y_ON) / (a_ON * (1 - a_ON))" in out
    value = json.loads(run("backprop", "--cost", "binary_cross_entropy", "--format", "json"))["errors"][1][0][0]
    assert f"= {value:.4f}" in out
