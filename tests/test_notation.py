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
    assert " ŷ " in out and " J " in out


def test_matrix_notation_in_the_worked_formulas():
    out = run("forward", "--notation", "matrix", "--node", "H1")
    assert "z_H1 = (x_IN1 * W_IN1->H1) + (x_IN2 * W_IN2->H1) + b_H1" in out
    assert "= (-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614" in out
    out = run("backprop", "--notation", "matrix", "--node", "ON")
    assert "δ_ON = ∂J/∂a_ON * f'(z_ON) = 0.18 * f'(-1.55) = 0.025" in out


def test_matrix_notation_in_latex():
    out = run("backprop", "--notation", "matrix", "--show-work", "--format", "latex")
    assert r"\delta_{\mathrm{ON}}" in out
    assert "δ" not in out.split(r"\begin{document}")[1].replace(r"$\delta$", "")
