"""Every input honoured or refused: one line on stderr, exit status 2, no traceback, no hang,
nothing silently ignored (misspelt keys, YAML 1.1 numbers, huge numbers, bombs, pipes)."""

import json
import os
import signal
import time

import pytest

from nnstep import network
from nnstep.files.load import lecture_file, load_data, load_model

MODEL = lecture_file("model.yaml").read_text()
DATA = lecture_file("data.yaml").read_text()
GOLDEN_ENTRY = """source: s.txt
example: lecture
entries:
  - where: "slide 45"
    quantity: input_sum
    node: "H1"
    row: 1
    printed: 0.614
    decimals: 3
"""

BIG = "1" * 400


def one_line_error(result, *fragments, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert len(lines[0]) < 400  # never an unbounded value
    return lines[0]


def files(tmp_path, model=MODEL, data=DATA):
    (tmp_path / "model.yaml").write_text(model)
    (tmp_path / "data.yaml").write_text(data)
    return ["--model", tmp_path / "model.yaml", "--data", tmp_path / "data.yaml"]


# 1. Keys


@pytest.mark.parametrize(
    "model, data, fragment",
    [
        (MODEL.replace("activation:", "activaton:"), DATA, "activaton: unknown key (did you mean 'activation'?)"),
        (MODEL.replace("learning_rate:", "learnig_rate:"), DATA, "did you mean 'learning_rate'?"),
        (MODEL + "zebra: 1\n", DATA, "zebra: unknown key (expected one of layers"),
        (
            MODEL,
            DATA.replace("recovered:", "recoverd:"),
            "data.yaml: recoverd: unknown key (did you mean 'recovered'?)",
        ),
        (
            MODEL + "optimizer: {name: adam, beta: 0.5}\n",
            DATA,
            "optimizer.beta: is for momentum; adam takes beta1, beta2, epsilon",
        ),
        (MODEL + "activation: tanh\n", DATA, "activation: duplicate key (lines 4 and 13)"),
        (
            MODEL.replace("learning_rate: 0.5", "learning_rate: 1:30"),
            DATA,
            "learning_rate: expected a number, got '1:30'",
        ),
        (MODEL.replace("learning_rate: 0.5", "learning_rate: 0b1"), DATA, "learning_rate: expected a number"),
        (MODEL.replace("learning_rate: 0.5", "learning_rate: 1_0"), DATA, "learning_rate: expected a number"),
    ],
)
def test_unknown_duplicate_and_yaml_11_keys_are_refused(cli, tmp_path, model, data, fragment):
    one_line_error(cli("forward", *files(tmp_path, model, data)), fragment)


def test_comments_and_a_description_are_the_place_for_notes(cli, tmp_path):
    model = "description: the lecture's network, a note\n" + MODEL
    data = DATA + "description: [any, notes: here]\n"
    assert cli("forward", *files(tmp_path, model, data)).exit_code == 0


def test_an_unknown_golden_key_is_refused(cli, tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GOLDEN_ENTRY.replace("decimals:", "decimal:"))
    one_line_error(cli("verify", "--golden", path), "entries[0].decimal: unknown key (did you mean 'decimals'?)")


# 2. Numbers and sizes


@pytest.mark.parametrize(
    "model, data, fragment",
    [
        (MODEL.replace("[-0.2, 0.4, -1.0]", f"[-0.2, {BIG}, -1.0]"), DATA, "weights[0][0][1]: expected a number from"),
        (MODEL.replace("[0.1, -0.2, 0.4]", f"[0.1, -{BIG}, 0.4]"), DATA, "biases[0][1]"),
        (MODEL, DATA.replace("[0, -0.97, -0.80]", f"[0, {BIG}, -0.80]"), "rows[0][1]"),
        (MODEL.replace("learning_rate: 0.5", f"learning_rate: {BIG}"), DATA, "learning_rate"),
        (MODEL + f"optimizer: {{name: momentum, beta: {BIG}}}\n", DATA, "optimizer.beta"),
        (MODEL.replace("learning_rate: 0.5", f"learning_rate: {BIG}1"), DATA, "a number of 401 digits"),
        (MODEL + "deep: " + "[" * 500 + "]" * 500 + "\n", DATA, "nested more than"),
        (MODEL.replace("[2, 3, 1]", "[2, 1000000000000, 1]").split("biases:")[0], DATA, "layers: expected at most"),
        (
            MODEL.replace("[2, 3, 1]", "[2, 900000, 1]").split("biases:")[0],
            DATA,
            "weights[0][0]: expected a list of 900000 numbers",
        ),
    ],
)
def test_huge_and_deep_values_are_one_line(cli, tmp_path, model, data, fragment):
    one_line_error(cli("forward", *files(tmp_path, model, data)), fragment)


def test_a_huge_golden_number_is_one_line(cli, tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GOLDEN_ENTRY.replace("printed: 0.614", f"printed: {BIG}"))
    one_line_error(cli("verify", "--golden", path), "entries[0].printed")


ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize("where", ["description", "never_used", "weights"])
def test_an_alias_bomb_is_refused_within_a_second(cli, tmp_path, where):
    bomb = "bomb:\n" + "".join("  " + line + "\n" for line in ALIAS_BOMB.splitlines())
    bomb = bomb.replace("bomb:", f"{where}:")
    model = MODEL.split("weights:")[0] + bomb + "biases:" + MODEL.split("biases:")[1]
    if where == "weights":
        model = model.replace("description", "weights")
    assert len(ALIAS_BOMB) < 1100
    start = time.perf_counter()
    message = one_line_error(cli("forward", *files(tmp_path, model)))
    assert time.perf_counter() - start < 1.0
    assert "aliases (*) expand" in message or "unknown key" in message


def test_an_alias_that_contains_itself_is_refused(cli, tmp_path):
    one_line_error(cli("forward", *files(tmp_path, MODEL + "description: &a [*a]\n")), "contains it")


def test_a_yaml_file_over_20_mb_is_refused_at_once(cli, tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(21_000_000)  # sparse: written in no time
    start = time.perf_counter()
    one_line_error(cli("forward", "--data", path), "more than the 20 MB", "CSV")
    assert time.perf_counter() - start < 1.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_device_is_refused_not_waited_on(cli, tmp_path):
    fifo = tmp_path / "model.yaml"
    os.mkfifo(fifo)
    one_line_error(cli("forward", "--model", fifo), "not a regular file")
    os.mkfifo(tmp_path / "d.csv")
    one_line_error(cli("forward", "--data", tmp_path / "d.csv", "--targets", "Y"), "not a regular file")
    if os.path.exists("/dev/zero"):
        one_line_error(cli("forward", "--model", "/dev/zero"), "not a regular file")


# 3. CSV


def _csv(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_csv_with_an_excel_byte_order_mark_is_read(tmp_path):
    path = _csv(tmp_path, "Y,X1,X2\n0,-0.97,-0.8\n1,0.76,0.92\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    data = load_data(path, ["Y"])
    assert data.input_names == ("X1", "X2") and data.inputs.tolist() == [[-0.97, -0.8], [0.76, 0.92]]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("Y,X1,X2\n0,-0.97,-0.8#99\n", "line 2, column X2: expected a number, got '-0.8#99'"),
        ("Y;X1;X2\n0;-0,97;-0,8\n", "separated by semicolons"),
        ('Y,X1,X2\n0,"-0,97",-0.8\n', "a decimal comma?"),
        ("Y,X1,X2\n0,-0,97,-0,8\n", "decimal commas?"),
    ],
)
def test_csv_comments_semicolons_and_decimal_commas(cli, tmp_path, text, fragment):
    one_line_error(cli("forward", "--data", _csv(tmp_path, text), "--targets", "Y"), fragment)


# 4. What nnstep writes, nnstep reads


NAMES = ["true", "1", "A, B", "y]x"]


def test_saved_models_and_normalized_files_reload_with_awkward_column_names(cli, tmp_path):
    header = ",".join(['"A, B"' if n == "A, B" else n for n in NAMES])
    csv = _csv(tmp_path, header + "\n0,1.0,2.0,5\n1,2.0,1.0,7\n0,3.0,4.0,6\n")
    model = tmp_path / "m.yaml"
    model.write_text("layers: [2, 1, 2]\nlearning_rate: 0.5\nweights: [[[0.1], [0.2]], [[0.3, 0.4]]]\n")
    saved = tmp_path / "saved.yaml"
    result = cli("train", "--model", model, "--data", csv, "--targets", "true,y]x", "--epochs", "2", "--save", saved)
    assert result.exit_code == 0, result.output
    assert load_model(saved).layers == (2, 1, 2)
    assert cli("forward", "--model", saved, "--data", csv).exit_code == 0  # the saved targets name the columns
    out = tmp_path / "norm.yaml"
    result = cli("normalize", "--data", csv, "--targets", "true,y]x", "--output", out)
    assert result.exit_code == 0, result.output
    data = load_data(out)
    assert data.target_names == ("true", "y]x") and data.input_names == ("1", "A, B")


def test_normalize_refuses_duplicate_targets(cli, tmp_path):
    csv = _csv(tmp_path, "Y,X1,X2\n0,1,2\n1,2,1\n")
    one_line_error(cli("normalize", "--data", csv, "--targets", "Y,Y"), "expected distinct column names")


# 5. Golden files


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ('node: "H1"', "node: [H1, H2]", "entries[0].node: expected text"),
        ("printed: 0.614", "printed: 1e999", "entries[0].printed: expected a finite number"),
        ("printed: 0.614", "printed: .nan", "entries[0].printed: expected a finite number"),
        ("decimals: 3", f"decimals: {BIG}", "entries[0].decimals: expected a whole number from 0 to 17"),
        ("decimals: 3", "decimals: 100000", "entries[0].decimals"),
        ("example: lecture", "example: ../../tests", "example: expected one of lecture"),
        ("example: lecture", "example: [lecture]", "example: expected one of"),
        ("row: 1", "row: 1\n    epoch: 100000000", "entries[0].epoch: expected a whole number from 1 to 10,000"),
        (
            'quantity: input_sum\n    node: "H1"\n    row: 1',
            "quantity: grid_count\n    dimensions: 5000",
            "entries[0].dimensions: expected a whole number from 0 to 200",
        ),
        ("quantity: input_sum", "quantity: [input_sum]", "entries[0].quantity: expected one of"),
    ],
)
def test_bad_golden_files_are_one_line(cli, tmp_path, old, new, fragment):
    path = tmp_path / "g.yaml"
    assert old in GOLDEN_ENTRY
    path.write_text(GOLDEN_ENTRY.replace(old, new))
    start = time.perf_counter()
    one_line_error(cli("verify", "--golden", path), fragment)
    assert time.perf_counter() - start < 2.0


# 6. Settings that cannot work, options that do nothing


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["forward", "--activation", "sigmoid,softmax"], "--activation: softmax needs at least 2 nodes"),
        (
            ["forward", "--activation", "tanh", "--cost", "binary_cross_entropy"],
            "--cost: binary_cross_entropy takes log(yhat)",
        ),
        (["forward", "--cost", "binary_cross_entropy", "--activation", "relu"], "(sigmoid or softmax)"),
        (["forward", "--cost", "categorical_cross_entropy"], "--cost: categorical_cross_entropy needs at least 2"),
        (["train", "--batch-size", "3", "--epochs", "2"], "--batch-size: has no effect with update: batch"),
    ],
)
def test_settings_that_cannot_work_are_refused(cli, args, fragment):
    one_line_error(cli(*args), fragment)


def test_a_batch_size_in_the_model_file_needs_minibatch(cli, tmp_path):
    one_line_error(cli("forward", *files(tmp_path, MODEL + "batch_size: 3\n")), "batch_size: has no effect")


@pytest.mark.parametrize(
    "command, absent, present",
    [
        ("forward", ["--learning-rate", "--optimizer", "--batch-size", "--update", "--freeze-biases"], ["--cost"]),
        ("backprop", ["--learning-rate", "--optimizer", "--layer-updates"], ["--reduction"]),
        ("gradcheck", ["--learning-rate", "--optimizer"], ["--activation"]),
        ("search", ["--optimizer", "--update ", "--batch-size", "--layer-updates"], ["--learning-rate"]),
        ("update", [], ["--optimizer", "--batch-size", "--layer-updates"]),
        ("train", [], ["--optimizer", "--batch-size", "--learning-rate"]),
    ],
)
def test_help_lists_only_the_options_a_command_uses(cli, command, absent, present):
    text = cli(command, "--help").output
    assert all(len(line) <= 80 for line in text.splitlines())
    for option in absent:
        assert option not in text, option
    for option in present:
        assert option in text, option


def test_search_refuses_an_optimizer_it_ignores(cli):
    one_line_error(cli("search", "--optimizer", "adam"), "No such option")


# 7. Command-line errors


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["forward", "--row", "0"], "'--row'"),
        (["forward", "--rwo", "1"], "'--row'"),  # (with --rows, click offers both)
        (["frward"], "Did you mean 'forward'?"),
        (["train", "--epochs", "-1"], "'--epochs'"),
        (["train", "--epochs", "1,2"], "expected a whole number"),
        (["--precision", "3", "forward"], "--precision goes after the command"),
    ],
)
def test_usage_errors_are_one_line(cli, args, fragment):
    one_line_error(cli(*args), fragment)


def test_node_names_are_case_insensitive(cli):
    assert cli("forward", "--node", "h1").output == cli("forward", "--node", "H1").output
    assert cli("update", "--node", "in1-h1").output == cli("update", "--node", "IN1-H1").output


@pytest.mark.parametrize("epochs", ["8,000", "8_000", "8'000"])
def test_epochs_as_the_slides_print_them(cli, epochs):
    out = json.loads(cli("train", "--epochs", epochs, "--format", "json").output)
    assert out["epochs"] == 8000


# 8. The command line keeps its promises


def test_bare_nnstep_takes_model_data_precision_and_conventions(cli, tmp_path):
    args = files(tmp_path, MODEL.replace("learning_rate: 0.5", "learning_rate: 0.25"))
    out = json.loads(cli(*args, "--format", "json").output)
    fast = json.loads(cli(*args, "--learning-rate", "0.5", "--format", "json").output)
    lecture = json.loads(cli("update", "--format", "json").output)
    assert fast["weights"] == lecture["weights"] and out["weights"] != lecture["weights"]
    assert "Bias before   0.1000" in cli(*args, "--precision", "4").output


def test_until_not_reached_is_exit_status_1(cli):
    result = cli("train", "--epochs", "100", "--until", "0.001")
    assert result.exit_code == 1 and "Goal not reached" in result.output
    assert "C(W) with mean" in cli("train", "--help").output


def test_plot_checks_its_library_before_training(cli, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setattr(network, "train", lambda *a, **k: pytest.fail("trained before checking the library"))
    result = cli("train", "--plot", "curve.png")
    assert result.exit_code == 1 and "pip install 'nnstep[plot]'" in result.output


def test_normalize_names_no_model_file(cli, tmp_path):
    message = one_line_error(cli("normalize", "--data", _csv(tmp_path, "Y,X1\n0,1\n1,2\n")))
    assert "model file" not in message and "--targets" in message


# 9. Numbers that are not numbers


@pytest.mark.parametrize("command", ["forward", "backprop", "update", "gradcheck", "search"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_overflow_is_refused_not_printed(cli, tmp_path, command, fmt):
    args = files(tmp_path, data=DATA.replace("[0, -0.97, -0.80]", "[0, 1e308, 1e308]"))
    extra = ["--method", "gd", "--budget", "5"] if command == "search" else []
    result = cli(command, *args, *extra, "--format", fmt)
    assert "inf" not in result.stdout.lower() and "nan" not in result.stdout.lower()
    assert "Warning" not in result.output
    if result.exit_code != 0:
        one_line_error(result, "overflow")
    else:
        json.loads(result.stdout) if fmt == "json" else None


def test_linear_output_overflow_and_normalize_overflow(cli, tmp_path):
    big = MODEL.replace("-0.2, 0.4", "-1e300, 1e300")
    one_line_error(cli("forward", *files(tmp_path, big), "--activation", "linear"), "overflow past ±1e308")
    raw = lecture_file("raw.yaml").read_text().replace("[0, 2.0, 1.5]", "[0, 1e308, 1e308]")
    (tmp_path / "raw.yaml").write_text(raw)
    one_line_error(cli("normalize", "--data", tmp_path / "raw.yaml"), "values too large to normalize")


def test_training_that_diverges_is_exit_status_1(cli):
    message = one_line_error(cli("train", "--learning-rate", "1e308", "--epochs", "5"), "diverged", code=1)
    assert len(message) < 200


# 10. Signals and resources


def _interrupt_at(monkeypatch, epoch, action):
    original = network.train

    def train(*args, **kwargs):
        def tick(n):
            if n == epoch:
                action()

        return original(*args, **{**kwargs, "on_epoch": tick})

    monkeypatch.setattr(network, "train", train)


def test_sigterm_stops_training_like_ctrl_c(cli, tmp_path, monkeypatch):
    _interrupt_at(monkeypatch, 40, lambda: os.kill(os.getpid(), signal.SIGTERM))
    saved = tmp_path / "partial.yaml"
    result = cli("train", "--epochs", "5000", "--save", saved)
    assert result.exit_code == 143
    assert "After 40 epochs" in result.output and "Interrupted (SIGTERM)" in result.output
    assert saved.exists() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_unwritable_save_and_plot_still_print_the_results(cli, tmp_path, monkeypatch):
    from nnstep.files import save

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(save, "save_model", full)
    result = cli("train", "--epochs", "3", "--save", tmp_path / "m.yaml")
    message = one_line_error(result, "--save", "No space left on device")
    assert "After 3 epochs" in result.stdout and message.startswith("Error:")
    one_line_error(cli("train", "--epochs", "3", "--save", ""), "expected a file name")
    one_line_error(cli("train", "--epochs", "3", "--save", tmp_path), "--save")


def test_a_model_too_large_for_memory_is_refused_with_the_estimate(cli, monkeypatch):
    from nnstep.cli import common

    monkeypatch.setattr(common, "_available_memory", lambda: 1000)
    one_line_error(cli("train", "--epochs", "3"), "10 rows through layers [2, 3, 1] need about", "GB of memory")


def test_ctrl_c_before_any_epoch_is_one_line(cli, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(network, "train", interrupted)
    one_line_error(cli("train", "--epochs", "3"), "Interrupted (Ctrl-C) before the first epoch", code=130)


def test_training_that_shows_only_sums_is_estimated_by_its_blocks(cli, monkeypatch, tmp_path):
    """30,000 rows through [2, 64, 64, 1]: records of every row would take 64 * 30,000 * 131 bytes
    (about 0.25 GB); training on the fast path for a table of sums holds the data and one block of
    1,024 rows per core (a few MB). With 100 MB free the first is refused, the second runs."""
    import numpy as np

    from nnstep.cli import common
    from nnstep.files.save import model_yaml
    from nnstep.network import Model

    rng = np.random.default_rng(0)
    layers = (2, 64, 64, 1)
    model = Model(
        layers,
        tuple(rng.uniform(-0.5, 0.5, (a, b)) for a, b in zip(layers, layers[1:])),
        tuple(np.zeros(b) for b in layers[1:]),
        ("sigmoid",) * 3,
        0.5,
    )
    (tmp_path / "m.yaml").write_text(model_yaml(model, targets=["Y"]))
    rows = np.column_stack([rng.normal(size=(30_000, 2)), rng.integers(0, 2, 30_000)])
    np.savetxt(tmp_path / "d.csv", rows, delimiter=",", header="X1,X2,Y", comments="", fmt="%.4f")
    monkeypatch.setattr(common, "_available_memory", lambda: 100_000_000)
    args = ("--model", tmp_path / "m.yaml", "--data", tmp_path / "d.csv")
    assert "Σ = " in cli.ok("train", "--epochs", "1", *args)
    one_line_error(cli("train", "--epochs", "1", "--format", "json", *args), "30,000 rows", "GB of memory")
    one_line_error(cli("forward", *args), "30,000 rows", "GB of memory")
