"""Bad input: one line naming the file, the key and what was expected; exit status 2; no traceback."""

import pytest

from nnstep.files.load import lecture_file

GOOD_MODEL = lecture_file("model.yaml").read_text()
GOOD_DATA = lecture_file("data.yaml").read_text()


def _files(tmp_path, model=GOOD_MODEL, data=GOOD_DATA):
    (tmp_path / "model.yaml").write_text(model)
    (tmp_path / "data.yaml").write_text(data)
    return ["--model", tmp_path / "model.yaml", "--data", tmp_path / "data.yaml"]


def _error(cli, tmp_path, command="forward", **files) -> str:
    """The one error line, with the temporary directory left out of the file names."""
    return cli.input_error(command, *_files(tmp_path, **files)).replace(f"{tmp_path}/", "")


def _has(line, *fragments):
    for fragment in fragments:
        assert fragment in line, line


MODEL_CASES = {
    "malformed YAML": ("layers: [2, 3, 1\nweights: x", "model.yaml", "malformed YAML"),
    "not a mapping": ("- 1\n- 2\n", "model.yaml", "mapping"),
    "missing key": (GOOD_MODEL.replace("learning_rate: 0.5", ""), "learning_rate", "missing key"),
    "wrong shape": (GOOD_MODEL.replace("[-0.4, -0.7, -0.8]", "[-0.4, -0.7]"), "weights[0][1]", "3 numbers"),
    "too few matrices": (GOOD_MODEL.replace("  - [[-0.6], [-0.6], [-0.3]]", ""), "weights", "2 matrices"),
    "non-number": (GOOD_MODEL.replace("-0.7,", "abc,"), "weights[0][1][1]", "expected a number"),
    "NaN": (GOOD_MODEL.replace("-0.7,", ".nan,"), "weights[0][1][1]", "finite"),
    "boolean": (GOOD_MODEL.replace("0.1, -0.2", "true, -0.2"), "biases[0][0]", "expected a number"),
    "bad layers": (GOOD_MODEL.replace("[2, 3, 1]", "[2, 0, 1]"), "layers", "positive whole numbers"),
    "unknown activation": (GOOD_MODEL.replace("activation: sigmoid", "activation: softplus"), "activation", "sigmoid"),
    "negative learning rate": (
        GOOD_MODEL.replace("learning_rate: 0.5", "learning_rate: -1"),
        "learning_rate",
        "positive",
    ),
}


@pytest.mark.parametrize("case", MODEL_CASES, ids=str)
def test_bad_model_files(cli, tmp_path, case):
    text, key, expected = MODEL_CASES[case]
    assert text != GOOD_MODEL
    line = _error(cli, tmp_path, model=text)
    assert line.startswith("Error: model.yaml: " + ("" if key == "model.yaml" else f"{key}: ")), line
    assert expected in line, line


DATA_CASES = {
    "missing rows": (GOOD_DATA.split("rows:")[0], "rows", "missing key"),
    "short row": (GOOD_DATA.replace("[0, -0.97, -0.80]", "[0, -0.97]"), "rows[0]", "3 numbers"),
    "unknown target": (GOOD_DATA.replace("targets: [Y]", "targets: [Z]"), "targets", "columns"),
    "NaN": (GOOD_DATA.replace("-0.97, -0.80", ".nan, -0.80"), "rows[0][1]", "finite"),
    "text in a row": (GOOD_DATA.replace("-0.97, -0.80", "one, -0.80"), "rows[0][1]", "expected a number"),
    "more inputs than the model has": (
        GOOD_DATA.replace("[Y, X1, X2]", "[Y, X1]").replace("[0, -0.97, -0.80]", "[0, -0.97]"),
        "rows[1]",
        "2 numbers",
    ),
}


@pytest.mark.parametrize("case", DATA_CASES, ids=str)
def test_bad_data_files(cli, tmp_path, case):
    text, key, expected = DATA_CASES[case]
    assert text != GOOD_DATA
    line = _error(cli, tmp_path, data=text)
    assert line.startswith(f"Error: data.yaml: {key}: "), line
    assert expected in line, line


def test_data_that_does_not_fit_the_model(cli, tmp_path):
    data = "columns: [Y, X1]\ntargets: [Y]\nrows:\n  - [0, 1.0]\n"
    line = _error(cli, tmp_path, data=data)
    assert line.startswith("Error: data.yaml: columns: "), line
    _has(line, "1 input columns", "2 input nodes")


def test_missing_file(cli, tmp_path):
    assert (
        cli.input_error("backprop", "--model", tmp_path / "nope.yaml") == f"Error: {tmp_path}/nope.yaml: no such file"
    )


def test_scientific_notation_is_a_number(cli, tmp_path):
    model = GOOD_MODEL.replace("learning_rate: 0.5", "learning_rate: 5e-1")
    assert model != GOOD_MODEL
    assert cli.ok("update", *_files(tmp_path, model=model)) == cli.ok("update")


@pytest.mark.parametrize("command", ["forward", "backprop", "update", "train"])
def test_every_command_reports_bad_input_the_same_way(cli, tmp_path, command):
    line = _error(cli, tmp_path, command=command, model="layers: [")
    assert line.startswith("Error: model.yaml: malformed YAML"), line
