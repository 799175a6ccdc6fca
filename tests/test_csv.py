"""CSV data files: a header row of column names, targets named by --targets or the model file."""

import json

import numpy as np
import pytest

from nnstep.files.load import lecture_file, load_data

LECTURE = load_data(lecture_file("data.yaml"))
MODEL = lecture_file("model.yaml").read_text()


def _lecture_csv(path, header="Y,X1,X2"):
    rows = [",".join(repr(float(v)) for v in (y, *x)) for y, x in zip(LECTURE.targets[:, 0], LECTURE.inputs)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_csv_gives_the_same_numbers_as_the_yaml_file(cli, tmp_path):
    csv = _lecture_csv(tmp_path / "lecture.csv")
    from_csv = json.loads(cli.ok("train", "--epochs", "50", "--data", csv, "--targets", "Y", "--format", "json"))
    from_yaml = json.loads(cli.ok("train", "--epochs", "50", "--format", "json"))
    assert from_csv["weights"] == from_yaml["weights"] and from_csv["cost"] == from_yaml["cost"]


def test_targets_from_the_model_file(cli, tmp_path):
    csv = _lecture_csv(tmp_path / "lecture.csv", header="X1,X2,Y")  # the target column last this time
    csv.write_text(
        "\n".join(",".join(line.split(",")[1:] + line.split(",")[:1]) for line in csv.read_text().splitlines()[1:])
    )
    csv.write_text("X1,X2,Y\n" + csv.read_text())
    model = tmp_path / "model.yaml"
    model.write_text(MODEL + "targets: [Y]\n")
    assert "Σ = 1.55   C(W) = Σ / 10 = 0.16" in cli.ok("forward", "--model", model, "--data", csv).splitlines()


def test_saved_model_remembers_the_csv_targets(cli, tmp_path):
    csv = _lecture_csv(tmp_path / "lecture.csv")
    saved = tmp_path / "saved.yaml"
    cli.ok("train", "--epochs", "3", "--data", csv, "--targets", "Y", "--save", saved)
    assert "targets: [Y]" in saved.read_text().splitlines()
    cli.ok("train", "--epochs", "3", "--data", csv, "--model", saved)


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("Y,X1,X2\n0,1.0,2.0\n1,abc,2.0\n", ["line 3, column X1", "expected a number", "'abc'"]),
        ("Y,X1,X2\n0,1.0,2.0\n1,2.0\n", ["line 3", "expected 3 values"]),
        ("Y,X1,X2\n0,nan,2.0\n", ["line 2, column X1", "finite"]),
        ("Y,X1,X2\n", ["rows", "at least one row"]),
        ("", ["empty file"]),
        ("Y,X1,X1\n0,1,2\n", ["header", "distinct"]),
    ],
)
def test_bad_csv_files(cli, tmp_path, text, fragments):
    path = tmp_path / "data.csv"
    path.write_text(text)
    line = cli.input_error("forward", "--data", path, "--targets", "Y")
    assert line.startswith(f"Error: {path}: "), line
    for fragment in fragments:
        assert fragment in line, line


def test_csv_without_targets_says_how_to_name_them(cli, tmp_path):
    csv = _lecture_csv(tmp_path / "lecture.csv")
    line = cli.input_error("forward", "--data", csv)
    assert line.startswith(f"Error: {csv}: targets") and "--targets" in line, line
    line = cli.input_error("forward", "--data", csv, "--targets", "Z")
    assert line.startswith(f"Error: {csv}: targets") and "columns" in line, line


def test_100000_rows_load(tmp_path):
    rng = np.random.default_rng(0)
    table = np.column_stack([rng.integers(0, 2, 100_000), rng.uniform(-2, 2, (100_000, 2))])
    path = tmp_path / "big.csv"
    np.savetxt(path, table, delimiter=",", header="Y,X1,X2", comments="", fmt="%.17g")
    data = load_data(path, ["Y"])
    assert data.inputs.shape == (100_000, 2) and data.targets.shape == (100_000, 1)
    np.testing.assert_array_equal(data.inputs, table[:, 1:])
