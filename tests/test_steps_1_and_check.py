"""Step 1 a) (normalize) and the gradient check, on the command line."""

import json

import numpy as np
from click.testing import CliRunner

from nnstep.cli import main
from nnstep.files.load import example_file, load_data, write_atomically


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_normalizing_the_raw_lecture_data_gives_the_lecture_data_file(tmp_path):
    out = tmp_path / "data.yaml"
    result = run("normalize", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "2.838720" in result.output and "1.744197" in result.output and "4.75" in result.output
    made, shipped = load_data(out), load_data(example_file("lecture", "data.yaml"))
    np.testing.assert_array_equal(made.inputs, shipped.inputs)
    np.testing.assert_array_equal(made.targets, shipped.targets)
    assert made.recovered == shipped.recovered


def test_normalized_file_works_with_the_other_commands(tmp_path):
    out = tmp_path / "data.yaml"
    run("normalize", "--output", str(out))
    assert "Σ = 1.55" in run("forward", "--data", str(out)).output


def test_normalize_json_has_means_and_stds():
    data = json.loads(run("normalize", "--format", "json").output)
    assert data["means"] == {"X1": 4.75, "X2": 2.9}
    assert round(data["stds"]["X1"], 6) == 2.838720


def test_normalize_rejects_a_constant_column(tmp_path):
    raw = tmp_path / "raw.yaml"
    raw.write_text("columns: [Y, X]\ntargets: [Y]\nrows:\n  - [0, 1.0]\n  - [1, 1.0]\n")
    result = CliRunner().invoke(main, ["normalize", "--data", str(raw)])
    assert result.exit_code == 2 and "standard deviation is 0" in result.output


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.yaml"
    write_atomically(target, "a: 1\n")
    assert target.read_text() == "a: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_gradcheck_on_the_lecture_agrees():
    result = run("gradcheck")
    assert result.exit_code == 0
    assert "backprop agrees" in result.output


def test_gradcheck_json_lists_every_parameter():
    data = json.loads(run("gradcheck", "--format", "json", "--cost", "squared_error").output)
    assert len(data["parameters"]) == 9 + 4
    assert data["largest_relative_difference"] < 1e-6


def test_two_outputs_with_two_target_columns(tmp_path):
    model = tmp_path / "model.yaml"
    data = tmp_path / "data.yaml"
    model.write_text(
        "layers: [2, 2, 2]\nactivation: [tanh, softmax]\ncost: categorical_cross_entropy\nlearning_rate: 0.1\n"
        "weights:\n  - [[0.1, 0.2], [0.3, -0.4]]\n  - [[0.5, -0.6], [0.7, 0.8]]\nbiases:\n  - [0.0, 0.1]\n  - [0.2, -0.1]\n"
    )
    data.write_text("columns: [A, B, X1, X2]\ntargets: [A, B]\nrows:\n  - [1, 0, 0.5, -1.0]\n  - [0, 1, -0.3, 0.8]\n")
    for command in ("forward", "backprop", "update", "train", "gradcheck"):
        result = run(command, "--model", str(model), "--data", str(data))
        assert result.exit_code == 0, (command, result.output)
    assert "ON₁" in run("forward", "--model", str(model), "--data", str(data)).output


def test_model_without_biases(tmp_path):
    model = tmp_path / "model.yaml"
    model.write_text(
        "layers: [2, 3, 1]\nlearning_rate: 0.5\nweights:\n  - [[-0.2, 0.4, -1.0], [-0.4, -0.7, -0.8]]\n"
        "  - [[-0.6], [-0.6], [-0.3]]\n"
    )
    result = run("update", "--model", str(model), "--format", "json")
    data = json.loads(result.output)
    assert data["biases"] == [[0.0, 0.0, 0.0], [0.0]]
