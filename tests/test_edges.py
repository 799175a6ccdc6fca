"""Edge cases found in review: each gives its numbers or one clear line, never a traceback."""

import json

import pytest

from nnstep.files.load import lecture_file

GOOD_MODEL = lecture_file("model.yaml").read_text()


def has(line: str, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in line, line


@pytest.mark.parametrize(
    "args",
    [
        ["forward", "--activation", "step"],
        ["forward", "--activation", "sigmoid,step", "--format", "json"],
        ["forward", "--activation", "step", "--show-work", "--round-intermediates", "2"],
    ],
)
def test_the_step_activation_runs_forward(cli, args):
    out = cli.ok(*args)
    if "json" in args:
        # the output node of row 1: step(-1.55) = 0
        assert json.loads(out)["activations"][1][0] == [0.0]
    else:
        assert "Steps 3-4: Forward pass and cost" in out.splitlines() or "Step 3: Forward pass, row 1" in out


@pytest.mark.parametrize(
    "option",
    [
        ["--optimizer", "adam"],
        ["--optimizer", "momentum"],
        ["--update", "online"],
        ["--update", "minibatch", "--batch-size", "3"],
    ],
)
def test_worked_update_refuses_conventions_it_does_not_follow(cli, option):
    has(cli.input_error("update", "--show-work", *option), "--show-work", "nnstep update shows its numbers")


def test_mean_reduction_is_named_c_of_w(cli):
    out = cli.ok("train", "--reduction", "mean", "--epochs", "3000", "--until", "0.05")
    assert "Goal reached: C(W) = " in out and "Goal reached: Σ" not in out
    assert "dCost/dw, averaged over 10 rows" in cli.ok("backprop", "--reduction", "mean").splitlines()


@pytest.mark.parametrize(
    "text, key",
    [
        (GOOD_MODEL.replace("activation: sigmoid", "activation: [[sigmoid], sigmoid]"), "activation"),
        (GOOD_MODEL + "cost: [x]\n", "cost"),
        (GOOD_MODEL + "optimizer: {name: adam, beta1: 1}\n", "optimizer.beta1"),
        (GOOD_MODEL + "optimizer: {name: adam, epsilon: 0}\n", "optimizer.epsilon"),
    ],
)
def test_bad_convention_values(cli, tmp_path, text, key):
    assert text != GOOD_MODEL
    (tmp_path / "m.yaml").write_text(text)
    assert cli.input_error("train", "--model", tmp_path / "m.yaml").startswith(f"Error: {tmp_path / 'm.yaml'}: {key}: ")


def test_normalize_needs_two_rows(cli, tmp_path):
    (tmp_path / "raw.yaml").write_text("columns: [Y, X]\ntargets: [Y]\nrows:\n  - [0, 1.0]\n")
    has(cli.input_error("normalize", "--data", tmp_path / "raw.yaml"), "raw.yaml", "at least 2 rows")


@pytest.mark.parametrize(
    "args, error",
    [
        (["search", "--step", "1e-300"], "Error: --step: 1e-300 gives more than 1,000,000 grid values per parameter"),
        (
            ["search", "--range", "-1e308,1e308"],
            "Error: Invalid value for '--range': expected numbers from -1e6 to 1e6",
        ),
    ],
)
def test_search_bounds(cli, args, error):
    line = cli.input_error(*args) if "--step" in args else cli.usage_error(*args)
    assert line.startswith(error), line


def test_search_counts_for_another_grid_and_duplicate_params(cli):
    # [-1, 1] in steps of 0.001: 2,001 values per parameter
    assert (
        "Grid points for n parameters: 2001^n ([-1, 1] in steps of 0.001)"
        in cli.ok("search", "--counts", "--step", "0.001").splitlines()
    )
    assert cli.ok("search", "--params", "on,ON", "--budget", "30").startswith("Searching 1 parameter: ON ")


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
def test_bad_golden_files(cli, tmp_path, body, fragment):
    (tmp_path / "g.yaml").write_text("source: x.txt\n" + body + "\n")
    has(cli.input_error("verify", "--golden", tmp_path / "g.yaml"), f"{tmp_path / 'g.yaml'}: ", fragment)


@pytest.mark.parametrize(
    "option, cell, index",
    [
        (["--reduction", "mean"], "IN1-H1", (0, 0, 0)),
        (["--reduction", "mean"], "H3-ON", (1, 2, 0)),
        (["--freeze-biases"], "IN2-H2", (0, 1, 1)),
    ],
)
def test_worked_update_follows_mean_and_frozen_biases(cli, option, cell, index):
    l, i, j = index
    value = json.loads(cli.ok("update", *option, "--format", "json"))["weights"][l][i][j]
    out = cli.ok("update", *option, "--node", cell, "--precision", "5")
    # the full-batch result (the line before its "sum =" lines) is the core's weight
    results = [l for l in out.splitlines() if l.startswith(" ") and "sum =" not in l and l.endswith(f"= {value:.5f}")]
    assert len(results) == 1, out


def test_worked_update_with_frozen_biases_has_no_bias_lines(cli):
    out = cli.ok("update", "--freeze-biases", "--show-work")
    assert "bias_H1 =" not in out and "frozen" in out
    assert "bias_H1 =" in cli.ok("update", "--show-work")
