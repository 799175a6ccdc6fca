"""The command line: one CliRunner call per behaviour."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nnstep.cli import main

from .conftest import FIXTURES

COMMANDS = ["forward", "backprop", "update", "train"]


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [[]] + [[c] for c in main.list_commands(None)])
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_no_arguments_runs_one_step_of_the_lecture():
    result = run()
    assert result.exit_code == 0
    for text in ("Σ = 1.55", "C(W) = Σ / 10 = 0.16", "0.025", "-0.122", "-0.496", "-0.327", "0.061"):
        assert text in result.output


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
def test_output_fits_80_columns(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    too_wide = [line for line in result.output.splitlines() if len(line) > 80]
    assert not too_wide, too_wide[:3]


def test_forward_prints_the_step_3_and_4_tables():
    out = run("forward").output
    assert "0.65   0.49   0.88     0.18   0.02" in out.replace("\u2009", " ")
    assert "4*" in out and "recovered" in out


def test_backprop_prints_errors_and_bpes():
    out = run("backprop").output
    assert "-0.015   -0.015   -0.008     0.18   -0.003   -0.004   -0.001    0.025" in out


def test_precision_option_gives_more_digits():
    out = run("forward", "--precision", "4").output
    assert "0.6489" in out  # f(0.614) for H1 of row 1


def test_train_shows_the_after_8000_epochs_slide():
    out = run("train", "--epochs", "8000").output
    for text in ("After 8,000 epochs", "3.843", "-10.508", "-11.256", "8.680", "0.027", "0.968"):
        assert text in out


def test_train_until_names_the_epoch_the_goal_was_met():
    out = run("train", "--epochs", "10000", "--until", "0.001").output
    assert "epoch 7,492" in out and "7,491 updates" in out


def test_train_progress_bar_stays_off_when_not_a_terminal():
    result = CliRunner().invoke(main, ["train", "--epochs", "50"])
    assert "Training" not in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_json_has_the_documented_keys(command):
    result = run(command, "--format", "json", *(["--epochs", "3"] if command == "train" else []))
    data = json.loads(result.output)
    keys = {"weights", "biases", "input_sums", "activations", "cost"}
    if command != "forward":
        keys |= {"errors", "bpes", "gradients"}
    if command == "train":
        keys |= {"epochs"}
    assert keys <= set(data)
    assert len(data["activations"]) == 2 and len(data["activations"][0]) == 10
    assert set(data["cost"]) == {"observations", "sum", "mean"}
    assert data["cost"]["sum"] == pytest.approx(1.5507276, abs=1e-7) or command == "train"


def test_json_update_holds_the_weights_after_the_update():
    data = json.loads(run("update", "--format", "json").output)
    assert data["weights"][1][0][0] == pytest.approx(-0.49639, abs=1e-5)
    assert data["biases"][1][0] == pytest.approx(-0.32671, abs=1e-5)
    one_epoch = json.loads(run("train", "--epochs", "1", "--format", "json").output)
    assert one_epoch["weights"] == data["weights"] and one_epoch["epochs"] == 1


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_bad_epoch_counts_are_usage_errors(value):
    result = run("train", "--epochs", value)
    assert result.exit_code == 2
    assert "--epochs" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_bad_goals_are_usage_errors(value):
    result = run("train", "--until", value)
    assert result.exit_code == 2 and "--until" in result.output


def test_importing_the_cli_pulls_in_no_numpy_or_rich():
    code = "import sys, nnstep.cli; print(sorted(m for m in ('numpy', 'rich', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", main.list_commands(None))
def test_every_command_speaks_json(command):
    extra = {
        "train": ["--epochs", "2"],
        "search": ["--budget", "50", "--params", "H1-ON"],
        "check": [str(FIXTURES / "check" / "row1_right.csv")],
        "exercise": ["--seed", "1"],
    }.get(command, [])
    result = CliRunner().invoke(main, [command, "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    json.loads(result.output)
