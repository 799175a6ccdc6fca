"""`nnstep train`: snapshots, the cost curve, --save and Ctrl-C."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from nnstep import network
from nnstep.cli import main
from nnstep.files.load import load_model


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_snapshots_print_the_slides_five_views():
    out = run("train", "--snapshots", "1,10,100,1000,8000").output
    titles = [line.strip() for line in out.splitlines() if line.startswith("After ")]
    assert titles == [
        f"After {n} epoch{'s' if n != '1' else ''}: forward pass of epoch {n}"
        for n in ("1", "10", "100", "1,000", "8,000")
    ]
    for text in ("Σ = 1.55", "-0.496", "3.843", "-10.508", "8.680"):  # epoch 1 and epoch 8,000 numbers
        assert text in out


def test_snapshots_equal_single_epoch_runs():
    both = json.loads(run("train", "--snapshots", "1,7,30", "--format", "json").output)
    assert both["epochs"] == 30 and [s["epoch"] for s in both["snapshots"]] == [1, 7, 30]
    for snap in both["snapshots"]:
        single = json.loads(run("train", "--epochs", str(snap["epoch"]), "--format", "json").output)
        for key in ("weights", "biases", "activations", "cost", "gradients"):
            assert snap[key] == single[key], key


def test_snapshot_after_the_last_epoch_is_a_usage_error():
    result = run("train", "--epochs", "5", "--snapshots", "1,10")
    assert result.exit_code == 2 and "--snapshots" in result.output


@pytest.mark.parametrize("value", ["0,5", "one", ","])
def test_bad_snapshot_lists(value):
    result = run("train", "--snapshots", value)
    assert result.exit_code == 2 and "--snapshots" in result.output


def test_json_has_the_cost_curve():
    data = json.loads(run("train", "--epochs", "20", "--format", "json").output)
    assert len(data["costs"]) == 20 and data["costs"][0] == pytest.approx(1.5507276, abs=1e-7)
    assert data["costs"][-1] == data["cost"]["sum"] and data["interrupted"] is False


def test_terminal_plot_fits_80_columns_and_marks_the_goal():
    out = run("train", "--epochs", "10000", "--until", "0.001", "--plot", "--log-scale").output
    assert "goal Σ < 0.001 met at epoch 7,492" in out and "epoch" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_file(tmp_path, suffix, magic):
    path = tmp_path / f"curve{suffix}"
    result = run("train", "--epochs", "200", "--plot", str(path))
    assert result.exit_code == 0 and f"Cost curve written to {path}" in result.output
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_plot_file_type_is_checked(tmp_path):
    result = run("train", "--plot", str(tmp_path / "curve.jpg"))
    assert result.exit_code == 2 and ".png or .svg" in result.output


def test_saved_model_reloads_to_the_same_numbers(tmp_path):
    path = tmp_path / "trained.yaml"
    result = run("train", "--epochs", "300", "--save", str(path), "--format", "json")
    data = json.loads(result.stdout)
    assert "Saved the model after 300 updates" in result.stderr
    saved = load_model(path)
    assert [w.tolist() for w in saved.weights] == data["weights"]
    assert [b.tolist() for b in saved.biases] == data["biases"]
    assert saved.learning_rate == 0.5 and saved.activations == ("sigmoid", "sigmoid")
    # every command reads it: its forward pass is the forward pass of epoch 301
    after = json.loads(run("forward", "--model", str(path), "--format", "json").output)
    next_epoch = json.loads(run("train", "--epochs", "301", "--format", "json").output)
    np.testing.assert_allclose(after["cost"]["observations"], next_epoch["cost"]["observations"], rtol=1e-12)
    assert run("train", "--model", str(path), "--epochs", "2").exit_code == 0


def test_saved_model_keeps_the_conventions(tmp_path):
    path = tmp_path / "trained.yaml"
    run(
        "train",
        "--epochs",
        "3",
        "--activation",
        "tanh,sigmoid",
        "--reduction",
        "mean",
        "--freeze-biases",
        "--learning-rate",
        "0.3",
        "--save",
        str(path),
    )
    saved = load_model(path)
    assert saved.activations == ("tanh", "sigmoid") and saved.reduction == "mean"
    assert not saved.update_biases and saved.learning_rate == 0.3


def test_save_into_a_missing_directory_is_a_usage_error(tmp_path):
    result = run("train", "--save", str(tmp_path / "no" / "such.yaml"))
    assert result.exit_code == 2 and "--save" in result.output


def test_ctrl_c_shows_the_last_completed_epoch_and_saves(tmp_path, monkeypatch):
    original = network.train

    def interrupted_train(*args, **kwargs):
        def interrupt(epoch):
            if epoch == 40:
                raise KeyboardInterrupt

        return original(*args, **{**kwargs, "on_epoch": interrupt})

    monkeypatch.setattr(network, "train", interrupted_train)
    path = tmp_path / "partial.yaml"
    result = CliRunner().invoke(main, ["train", "--epochs", "5000", "--save", str(path)])
    assert result.exit_code == 130
    assert "After 40 epochs: forward pass of epoch 40" in result.output
    assert "training stopped after epoch 40" in result.output and "Saved the model after 40 updates" in result.output
    monkeypatch.setattr(network, "train", original)
    single = json.loads(run("train", "--epochs", "40", "--format", "json").output)
    assert [w.tolist() for w in load_model(path).weights] == single["weights"]


@pytest.mark.parametrize("library, target", [("plotext", None), ("matplotlib.figure", "curve.png")])
def test_plot_without_the_library_says_how_to_install_it(tmp_path, monkeypatch, library, target):
    import sys

    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    args = ["train", "--epochs", "5", "--plot"] + ([str(tmp_path / target)] if target else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "pip install 'nnstep[plot]'" in result.output
    assert "Traceback" not in result.output


def test_importing_the_cli_pulls_in_no_plotting_library():
    import subprocess
    import sys

    code = (
        "import sys, nnstep.cli, nnstep.network, nnstep.search, nnstep.render.plot, nnstep.files.save; "
        "print(sorted(m for m in ('plotext', 'matplotlib', 'threadpoolctl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_snapshots_after_the_goal_are_named_as_not_reached():
    out = run("train", "--until", "0.001", "--snapshots", "1,8000").output
    assert "After 1 epoch" in out and "After 7,492 epochs" in out and "After 8,000" not in out
    assert "Not reached, training stopped at epoch 7,492: snapshot 8,000." in out


def test_a_resumed_model_says_how_many_updates_made_it(tmp_path):
    """Adam resumed from 50 updates, 50 more: 100 in all, as its optimizer_state counts them;
    online updates are one per row (10 rows, 2 epochs: 20)."""
    first, second, online = tmp_path / "a50.yaml", tmp_path / "a100.yaml", tmp_path / "o.yaml"
    assert run("train", "--optimizer", "adam", "--epochs", "50", "--save", str(first)).exit_code == 0
    assert run("train", "--model", str(first), "--epochs", "50", "--save", str(second)).exit_code == 0
    text = second.read_text()
    assert text.startswith("# Trained by nnstep: the weights after 50 more updates, 100 in all.\n")
    assert "steps: 100" in text
    assert run("train", "--update", "online", "--epochs", "2", "--save", str(online)).exit_code == 0
    assert online.read_text().startswith("# Trained by nnstep: the weights after 20 updates (2 epochs).\n")
