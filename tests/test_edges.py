"""Edge cases found in review: each gives its numbers or one clear line, never a traceback."""

import pytest
from click.testing import CliRunner

from nnstep.cli import main
from nnstep.files.load import lecture_file

GOOD_MODEL = lecture_file("model.yaml").read_text()


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 or lines[-1].startswith("Error:"), result.output
    for fragment in fragments:
        assert fragment in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["forward", "--activation", "step"],
        ["forward", "--activation", "sigmoid,step", "--format", "json"],
        ["forward", "--activation", "step", "--show-work", "--round-intermediates", "2"],
    ],
)
def test_the_step_activation_runs_forward(args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "option",
    [
        ["--optimizer", "adam"],
        ["--optimizer", "momentum"],
        ["--update", "online"],
        ["--update", "minibatch", "--batch-size", "3"],
    ],
)
def test_worked_update_refuses_conventions_it_does_not_follow(option):
    one_line_error(invoke("update", "--show-work", *option), "--show-work", "nnstep update shows its numbers")


def test_mean_reduction_is_named_c_of_w():
    result = invoke("train", "--reduction", "mean", "--epochs", "3000", "--until", "0.05")
    assert "Goal reached: C(W) =" in result.output
    assert "averaged over 10 rows" in invoke("backprop", "--reduction", "mean").output


@pytest.mark.parametrize(
    "text, key",
    [
        (GOOD_MODEL.replace("activation: sigmoid", "activation: [[sigmoid], sigmoid]"), "activation"),
        (GOOD_MODEL + "cost: [x]\n", "cost"),
        (GOOD_MODEL + "optimizer: {name: adam, beta1: 1}\n", "optimizer.beta1"),
        (GOOD_MODEL + "optimizer: {name: adam, epsilon: 0}\n", "optimizer.epsilon"),
    ],
)
def test_bad_convention_values(tmp_path, text, key):
    (tmp_path / "m.yaml").write_text(text)
    one_line_error(invoke("train", "--model", str(tmp_path / "m.yaml")), f"m.yaml: {key}:")


def test_normalize_needs_two_rows(tmp_path):
    (tmp_path / "raw.yaml").write_text("columns: [Y, X]\ntargets: [Y]\nrows:\n  - [0, 1.0]\n")
    one_line_error(invoke("normalize", "--data", str(tmp_path / "raw.yaml")), "at least 2 rows")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["search", "--step", "1e-300"], "--step"),
        (["search", "--range", "-1e308,1e308"], "--range"),
    ],
)
def test_search_bounds(args, fragment):
    one_line_error(invoke(*args), fragment)


def test_search_counts_for_another_grid_and_duplicate_params():
    assert invoke("search", "--counts", "--step", "0.001").exit_code == 0
    assert "Searching 1 parameter: ON" in invoke("search", "--params", "on,ON", "--budget", "30").output


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("example: lecture\nentries: 5", "entries: expected a list"),
        (
            "example: lecture\nentries:\n  - {where: a, quantity: x, node: IN1, row: 1, printed: 1, decimals: 0, erratum: 5}",
            "erratum",
        ),
        ("example: lecture\nentries: []\nunchecked: [5]", "unchecked"),
        (
            "example: lecture\nentries:\n  - {where: a, quantity: bias, node: IN1, after: 0, printed: 1, decimals: 0}",
            "input node",
        ),
        (
            "example: lecture\nentries:\n  - {where: a, quantity: x, node: ON, row: 1, printed: 1, decimals: 0}",
            "not an input node",
        ),
        (
            "example: none\nentries:\n  - {where: a, quantity: x, node: IN1, row: 1, printed: 1, decimals: 0}",
            "needs an example network",
        ),
    ],
)
def test_bad_golden_files(tmp_path, body, fragment):
    (tmp_path / "g.yaml").write_text("source: x.txt\n" + body + "\n")
    one_line_error(invoke("verify", "--golden", str(tmp_path / "g.yaml")), "g.yaml", fragment)


@pytest.mark.parametrize(
    "option, cell, index",
    [
        (["--reduction", "mean"], "IN1-H1", (0, 0, 0)),
        (["--reduction", "mean"], "H3-ON", (1, 2, 0)),
        (["--freeze-biases"], "IN2-H2", (0, 1, 1)),
    ],
)
def test_worked_update_follows_mean_and_frozen_biases(option, cell, index):
    import json

    l, i, j = index
    value = json.loads(invoke("update", *option, "--format", "json").output)["weights"][l][i][j]
    out = invoke("update", *option, "--node", cell, "--precision", "5").output
    assert out.rstrip().splitlines()[-1].endswith(f"= {value:.5f}") or f"= {value:.5f}\n" in out


def test_worked_update_with_frozen_biases_has_no_bias_lines():
    out = invoke("update", "--freeze-biases", "--show-work").output
    assert "bias_H1 =" not in out and "frozen" in out
