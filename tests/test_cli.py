"""The command line: one call per behaviour, in the pinned terminal of the `cli` fixture."""

import json
import subprocess
import sys

import pytest

from nnstep.cli import main

from .conftest import FIXTURES

COMMANDS = ["forward", "backprop", "update", "train"]


def cells(out: str, first: str) -> list[str]:
    """The cells of the one table row whose first cell is `first` (layout aside: split on blanks)."""
    rows = [line.split() for line in out.splitlines() if line.split()[:1] == [first]]
    assert len(rows) == 1, (first, rows)
    return rows[0]


def without_block(out: str, title: str) -> str:
    """The output without the block that starts with the line `title` (up to its blank line)."""
    lines = out.splitlines(keepends=True)
    start = lines.index(title + "\n")
    end = lines.index("\n", start)
    return "".join(lines[:start] + lines[end + 1 :])


@pytest.mark.parametrize("command", [[]] + [[c] for c in main.list_commands(None)])
def test_every_command_has_help_with_an_example(cli, command):
    out = cli.ok(*command, "--help")
    assert "\nExample:\n" in out or "\n  Example:\n" in out, out


def test_no_arguments_runs_forward_backprop_and_update(cli):
    # Steps 3-6 at once: the three commands' output, the weights before the update shown once
    steps = (
        cli.ok("forward") + cli.ok("backprop") + without_block(cli.ok("update"), "Step 2: Weights before the update")
    )
    assert cli.ok() == steps


WIDE = [
    [],
    ["forward"],
    ["backprop"],
    ["update"],
    ["train", "--epochs", "10"],
    ["verify"],
    ["normalize"],
    ["gradcheck"],
    ["search", "--budget", "100"],
    ["search", "--counts"],
    ["forward", "--show-work"],
    ["backprop", "--show-work"],
    ["update", "--show-work"],
    ["backprop", "--precision", "8"],
    ["update", "--show-work", "--round-intermediates", "3"],
    ["backprop", "--notation", "matrix"],
    ["train", "--snapshots", "1,10", "--epochs", "10"],
]


@pytest.mark.parametrize("args", WIDE, ids=" ".join)
def test_output_fits_80_columns(cli, args):
    result = cli.cached(*args)
    assert result.exit_code == 0, result.output
    too_wide = [line for line in result.output.splitlines() if len(line) > 80]
    assert not too_wide, too_wide[:3]


@pytest.mark.parametrize("args", [["forward"], ["backprop"], ["update"]], ids=" ".join)
def test_a_narrow_terminal_splits_the_tables(cli, args):
    out = cli.ok(*args, env={"COLUMNS": "50"})
    assert max(len(line) for line in out.splitlines()) <= 50


def test_forward_prints_the_step_3_and_4_slide(cli):
    out = cli.ok("forward")
    # rows 1 and 9 as the slide prints them (rows 4-8 are recovered and marked *)
    assert cells(out, "1") == ["1", "0", "-0.97", "-0.80", "0.65", "0.49", "0.88", "0.18", "0.02"]
    assert cells(out, "9") == ["9", "1", "-0.79", "-0.52", "0.61", "0.46", "0.83", "0.18", "0.33"]
    assert cells(out, "4*")[:2] == ["4*", "1"]
    assert "Σ = 1.55   C(W) = Σ / 10 = 0.16" in out.splitlines()
    assert "* recovered row: the slides print '...' here" in out.splitlines()


def test_backprop_prints_errors_and_bpes(cli):
    out = cli.ok("backprop")
    assert cells(out, "1") == ["1", "-0.015", "-0.015", "-0.008", "0.18", "-0.003", "-0.004", "-0.001", "0.025"]
    assert cells(out, "9")[-1] == "-0.122"


def test_update_prints_the_slides_weights_after_one_update(cli):
    out = cli.ok("update")
    weights_after = out.split("Step 6: Weights, w - 0.5 × dCost/dw\n")[1]
    assert cells(weights_after, "IN₁") == ["IN₁", "→", "HL", "-0.230", "0.370", "-1.008"]
    assert cells(weights_after, "HL") == ["HL", "→", "ON", "-0.496", "-0.506", "-0.233"]
    after = next(line.split() for line in out.splitlines() if line.startswith("Bias after"))
    assert after == ["Bias", "after", "0.061", "-0.238", "0.386", "-0.327"]


def test_precision_option_gives_more_digits(cli):
    out = cli.ok("forward", "--precision", "4")
    # f(0.614) = 1 / (1 + e^-0.614) for H1 of row 1
    assert cells(out, "1")[4] == "0.6489"


def test_train_shows_the_after_8000_epochs_slide(cli):
    out = cli.ok("train", "--epochs", "8000")
    assert out.splitlines()[0] == "After 8,000 epochs: forward pass of epoch 8,000"
    # the slide's rows and weights (its Cost of row 1, 0.001, is a listed erratum: (yhat - y)^2)
    assert cells(out, "1")[:-1] == ["1", "0", "-0.97", "-0.80", "0.54", "0.66", "0.41", "0.027"]
    assert cells(out, "9")[:-1] == ["9", "1", "-0.79", "-0.52", "0.27", "0.23", "0.26", "0.968"]
    assert cells(out, "IN₁") == ["IN₁", "→", "HL", "3.843", "6.009", "2.383"]
    assert cells(out, "IN₂") == ["IN₂", "→", "HL", "-6.497", "-10.508", "-3.908"]
    assert cells(out, "HL") == ["HL", "→", "ON", "-6.364", "-11.256", "-3.401"]
    assert cells(out, "Bias") == ["Bias", "-1.317", "-1.905", "-1.171", "8.680"]


def test_train_until_names_the_epoch_the_goal_was_met(cli):
    out = cli.ok("train", "--epochs", "10000", "--until", "0.001")
    assert out.splitlines()[0] == "After 7,492 epochs: forward pass of epoch 7,492"
    assert out.rstrip("\n").splitlines()[-2:] == [
        "Goal reached: Σ = 0.000999937 < 0.001 first at epoch 7,492",
        "(the forward pass made with the weights after 7,491 updates).",
    ]


def test_train_progress_bar_stays_off_when_not_a_terminal(cli):
    result = cli("train", "--epochs", "50")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_json_has_the_documented_keys(cli, command):
    data = json.loads(cli.ok(command, "--format", "json", *(["--epochs", "3"] if command == "train" else [])))
    keys = {"weights", "biases", "input_sums", "activations", "cost"}
    if command != "forward":
        keys |= {"errors", "bpes", "gradients"}
    if command == "train":
        keys |= {"epochs", "goal_epoch", "interrupted", "costs"}
    assert keys <= set(data)
    assert len(data["activations"]) == 2 and len(data["activations"][0]) == 10
    assert set(data["cost"]) == {"observations", "sum", "mean"}
    if command != "train":  # train shows the forward pass of its last epoch
        assert data["cost"]["sum"] == pytest.approx(1.5507276, abs=1e-7)


def test_json_update_holds_the_weights_after_the_update(cli):
    data = json.loads(cli.ok("update", "--format", "json"))
    assert data["weights"][1][0][0] == pytest.approx(-0.49639, abs=1e-5)
    assert data["biases"][1][0] == pytest.approx(-0.32671, abs=1e-5)
    one_epoch = json.loads(cli.ok("train", "--epochs", "1", "--format", "json"))
    assert one_epoch["weights"] == data["weights"] and one_epoch["epochs"] == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", "expected a whole number of at least 1, got 0"),
        ("-5", "expected a whole number of at least 1, got -5"),
        ("many", "expected a whole number such as 8000 or 8,000, got 'many'"),
    ],
)
def test_bad_epoch_counts_are_usage_errors(cli, value, expected):
    line = cli.usage_error("train", "--epochs", value)
    assert line == f"Error: Invalid value for '--epochs': {expected} (see 'nnstep train --help')"


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_bad_goals_are_usage_errors(cli, value):
    assert "'--until'" in cli.usage_error("train", "--until", value)


def test_importing_the_cli_pulls_in_no_numpy_or_rich():
    code = "import sys, nnstep.cli; print(sorted(m for m in ('numpy', 'rich', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", main.list_commands(None))
def test_every_command_speaks_json(cli, command):
    extra = {
        "train": ["--epochs", "2"],
        "search": ["--budget", "50", "--params", "H1-ON"],
        "check": [str(FIXTURES / "check" / "row1_right.csv")],
        "exercise": ["--seed", "1"],
    }.get(command, [])
    result = cli.cached(command, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), dict)
