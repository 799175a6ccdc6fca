"""Step 1 a) (normalize) and the gradient check, on the command line."""

import json

import numpy as np

from nnstep.files.load import example_file, load_data, write_atomically


def test_normalizing_the_raw_lecture_data_gives_the_lecture_data_file(cli, tmp_path):
    out = tmp_path / "data.yaml"
    lines = cli.ok("normalize", "--output", out).splitlines()
    # the sample standard deviations of the raw columns (Step 1 a)
    assert lines[3].split() == ["mean", "4.75", "2.9"] and lines[4].split() == ["std", "2.838720", "1.744197"]
    made, shipped = load_data(out), load_data(example_file("lecture", "data.yaml"))
    np.testing.assert_array_equal(made.inputs, shipped.inputs)
    np.testing.assert_array_equal(made.targets, shipped.targets)
    assert made.recovered == shipped.recovered


def test_normalized_file_works_with_the_other_commands(cli, tmp_path):
    out = tmp_path / "data.yaml"
    cli.ok("normalize", "--output", out)
    assert cli.ok("forward", "--data", out) == cli.ok("forward")


def test_normalize_json_has_means_and_stds(cli):
    data = json.loads(cli.ok("normalize", "--format", "json"))
    assert data["means"] == {"X1": 4.75, "X2": 2.9}
    assert round(data["stds"]["X1"], 6) == 2.838720


def test_normalize_rejects_a_constant_column(cli, tmp_path):
    raw = tmp_path / "raw.yaml"
    raw.write_text("columns: [Y, X]\ntargets: [Y]\nrows:\n  - [0, 1.0]\n  - [1, 1.0]\n")
    assert "standard deviation is 0" in cli.input_error("normalize", "--data", raw)


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.yaml"
    write_atomically(target, "a: 1\n")
    assert target.read_text() == "a: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_gradcheck_on_the_lecture_agrees(cli):
    last = cli.ok("gradcheck").rstrip("\n").splitlines()[-1]
    assert last.startswith("Largest relative difference: ") and last.endswith(
        ", backprop agrees with finite differences"
    )


def test_gradcheck_json_lists_every_parameter(cli):
    data = json.loads(cli.ok("gradcheck", "--format", "json", "--cost", "squared_error"))
    assert len(data["parameters"]) == 9 + 4
    assert data["largest_relative_difference"] < 1e-6


def test_two_outputs_with_two_target_columns(cli, tmp_path):
    model = tmp_path / "model.yaml"
    data = tmp_path / "data.yaml"
    model.write_text(
        "layers: [2, 2, 2]\nactivation: [tanh, softmax]\ncost: categorical_cross_entropy\nlearning_rate: 0.1\n"
        "weights:\n  - [[0.1, 0.2], [0.3, -0.4]]\n  - [[0.5, -0.6], [0.7, 0.8]]\nbiases:\n  - [0.0, 0.1]\n  - [0.2, -0.1]\n"
    )
    data.write_text("columns: [A, B, X1, X2]\ntargets: [A, B]\nrows:\n  - [1, 0, 0.5, -1.0]\n  - [0, 1, -0.3, 0.8]\n")
    for command in ("backprop", "update", "gradcheck"):
        cli.ok(command, "--model", model, "--data", data)
    cli.ok("train", "--epochs", "10", "--model", model, "--data", data)  # the general path: a few epochs do
    header = cli.ok("forward", "--model", model, "--data", data).splitlines()[1]
    assert header.split()[-3:] == ["ON₁", "ON₂", "Cost"], header


def test_model_without_biases(cli, tmp_path):
    model = tmp_path / "model.yaml"
    model.write_text(
        "layers: [2, 3, 1]\nlearning_rate: 0.5\nweights:\n  - [[-0.2, 0.4, -1.0], [-0.4, -0.7, -0.8]]\n"
        "  - [[-0.6], [-0.6], [-0.3]]\n"
    )
    data = json.loads(cli.ok("update", "--model", model, "--format", "json"))
    assert data["biases"] == [[0.0, 0.0, 0.0], [0.0]]
