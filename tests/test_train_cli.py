"""`nnstep train`: snapshots, the cost curve, --save and Ctrl-C."""

import json

import numpy as np
import pytest

from nnstep import network
from nnstep.files.load import load_model


def test_snapshots_print_the_slides_five_views(cli):
    out = cli.ok("train", "--snapshots", "1,10,100,1000,8000")
    titles = [line.strip() for line in out.splitlines() if line.startswith("After ")]
    assert titles == [
        f"After {n} epoch{'s' if n != '1' else ''}: forward pass of epoch {n}"
        for n in ("1", "10", "100", "1,000", "8,000")
    ]
    # each view is what `nnstep train --epochs N` prints
    views = ["After " + view for view in out.split("\nAfter ")]
    views[0] = views[0].removeprefix("After ")
    assert views[0].rstrip("\n") == cli.ok("train", "--epochs", "1").rstrip("\n")
    assert views[-1].rstrip("\n") == cli.ok("train", "--epochs", "8000").rstrip("\n")


def test_snapshots_equal_single_epoch_runs(cli):
    both = json.loads(cli.ok("train", "--snapshots", "1,7,30", "--format", "json"))
    assert both["epochs"] == 30 and [s["epoch"] for s in both["snapshots"]] == [1, 7, 30]
    for snap in both["snapshots"]:
        single = json.loads(cli.ok("train", "--epochs", snap["epoch"], "--format", "json"))
        for key in ("weights", "biases", "activations", "cost", "gradients"):
            assert snap[key] == single[key], key


def test_snapshot_after_the_last_epoch_is_a_usage_error(cli):
    assert "'--snapshots'" in cli.usage_error("train", "--epochs", "5", "--snapshots", "1,10")


@pytest.mark.parametrize("value", ["0,5", "one", ","])
def test_bad_snapshot_lists(cli, value):
    assert "'--snapshots'" in cli.usage_error("train", "--snapshots", value)


def test_json_has_the_cost_curve(cli):
    data = json.loads(cli.ok("train", "--epochs", "20", "--format", "json"))
    assert len(data["costs"]) == 20 and data["costs"][0] == pytest.approx(1.5507276, abs=1e-7)
    assert data["costs"][-1] == data["cost"]["sum"] and data["interrupted"] is False


def test_terminal_plot_fits_80_columns_and_marks_the_goal(cli):
    pytest.importorskip("plotext", reason="the plot extra (pip install 'nnstep[plot]') is not installed")
    out = cli.ok("train", "--epochs", "10000", "--until", "0.001", "--plot", "--log-scale")
    lines = [line.rstrip() for line in out.splitlines()]
    title = lines.index("            Σ (summed cost) per epoch; goal Σ < 0.001 met at epoch 7,492")
    assert lines[title + 1].startswith("      ┌") and lines[-2].strip() == "epoch"
    assert lines[-3].split()[0] == "1" and lines[-3].split()[-1] == "7,492"  # the epoch axis ends at the goal
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_file(cli, tmp_path, suffix, magic):
    pytest.importorskip("matplotlib", reason="the plot extra (pip install 'nnstep[plot]') is not installed")
    path = tmp_path / f"curve{suffix}"
    out = cli.ok("train", "--epochs", "200", "--plot", path)
    assert out.rstrip("\n").splitlines()[-1] == f"Cost curve written to {path}."
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_plot_file_type_is_checked(cli, tmp_path):
    assert ".png or .svg" in cli.usage_error("train", "--plot", tmp_path / "curve.jpg")


def test_saved_model_reloads_to_the_same_numbers(cli, tmp_path):
    path = tmp_path / "trained.yaml"
    result = cli("train", "--epochs", "300", "--save", path, "--format", "json")
    data = json.loads(result.stdout)
    assert result.stderr == f"Saved the model after 300 updates to {path}.\n"
    saved = load_model(path)
    assert [w.tolist() for w in saved.weights] == data["weights"]
    assert [b.tolist() for b in saved.biases] == data["biases"]
    assert saved.learning_rate == 0.5 and saved.activations == ("sigmoid", "sigmoid")
    # every command reads it: its forward pass is the forward pass of epoch 301
    after = json.loads(cli.ok("forward", "--model", path, "--format", "json"))
    next_epoch = json.loads(cli.ok("train", "--epochs", "301", "--format", "json"))
    np.testing.assert_allclose(after["cost"]["observations"], next_epoch["cost"]["observations"], rtol=1e-12)
    cli.ok("train", "--model", path, "--epochs", "2")


def test_saved_model_keeps_the_conventions(cli, tmp_path):
    path = tmp_path / "trained.yaml"
    cli.ok(
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
        path,
    )
    saved = load_model(path)
    assert saved.activations == ("tanh", "sigmoid") and saved.reduction == "mean"
    assert not saved.update_biases and saved.learning_rate == 0.3


def test_save_into_a_missing_directory_is_a_usage_error(cli, tmp_path):
    result = cli("train", "--save", tmp_path / "no" / "such.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--save" in result.stderr.splitlines()[-1] and not (tmp_path / "no").exists()


def test_ctrl_c_shows_the_last_completed_epoch_and_saves(cli, tmp_path, monkeypatch):
    original = network.train

    def interrupted_train(*args, **kwargs):
        def interrupt(epoch):
            if epoch == 40:
                raise KeyboardInterrupt

        return original(*args, **{**kwargs, "on_epoch": interrupt})

    monkeypatch.setattr(network, "train", interrupted_train)
    path = tmp_path / "partial.yaml"
    result = cli("train", "--epochs", "5000", "--save", path)
    assert result.exit_code == 130
    assert result.stdout.splitlines()[0] == "After 40 epochs: forward pass of epoch 40"
    assert result.stdout.rstrip("\n").splitlines()[-2:] == [
        "Interrupted (Ctrl-C): training stopped after epoch 40, the last one completed.",
        f"Saved the model after 40 updates to {path}.",
    ]
    monkeypatch.setattr(network, "train", original)
    single = json.loads(cli.ok("train", "--epochs", "40", "--format", "json"))
    assert [w.tolist() for w in load_model(path).weights] == single["weights"]


@pytest.mark.parametrize("library, target", [("plotext", None), ("matplotlib.figure", "curve.png")])
def test_plot_without_the_library_says_how_to_install_it(cli, tmp_path, monkeypatch, library, target):
    import sys

    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    args = ["train", "--epochs", "5", "--plot"] + ([str(tmp_path / target)] if target else [])
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert "pip install 'nnstep[plot]'" in result.stderr.splitlines()[-1]


def test_importing_the_cli_pulls_in_no_plotting_library():
    import subprocess
    import sys

    code = (
        "import sys, nnstep.cli, nnstep.network, nnstep.search, nnstep.render.plot, nnstep.files.save; "
        "print(sorted(m for m in ('plotext', 'matplotlib', 'threadpoolctl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_snapshots_after_the_goal_are_named_as_not_reached(cli):
    out = cli.ok("train", "--until", "0.001", "--snapshots", "1,8000")
    assert "After 1 epoch" in out and "After 7,492 epochs" in out and "After 8,000" not in out
    assert "Not reached, training stopped at epoch 7,492: snapshot 8,000." in out


def test_a_resumed_model_says_how_many_updates_made_it(tmp_path, cli):
    """Adam resumed from 50 updates, 50 more: 100 in all, as its optimizer_state counts them;
    online updates are one per row (10 rows, 2 epochs: 20)."""
    first, second, online = tmp_path / "a50.yaml", tmp_path / "a100.yaml", tmp_path / "o.yaml"
    assert cli("train", "--optimizer", "adam", "--epochs", "50", "--save", str(first)).exit_code == 0
    assert cli("train", "--model", str(first), "--epochs", "50", "--save", str(second)).exit_code == 0
    text = second.read_text()
    assert text.startswith("# Trained by nnstep: the weights after 50 more updates, 100 in all.\n")
    assert "steps: 100" in text
    assert cli("train", "--update", "online", "--epochs", "2", "--save", str(online)).exit_code == 0
    assert online.read_text().startswith("# Trained by nnstep: the weights after 20 updates (2 epochs).\n")
