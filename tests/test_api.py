"""The Python API: the same numbers as the CLI's JSON, the same tables, a light import."""

import doctest
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nnstep

ROOT = Path(__file__).resolve().parent.parent


def cli_json(cli, *args):
    return json.loads(cli.ok(*args, "--format", "json"))


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (lambda net: net.forward(), ["forward"]),
        (lambda net: net.backprop(), ["backprop"]),
        (lambda net: net.update(), ["update"]),
        (lambda net: net.train(epochs=50, snapshots=[1, 10]), ["train", "--epochs", "50", "--snapshots", "1,10"]),
        (lambda net: net.train(epochs=9000, until=0.001), ["train", "--epochs", "9000", "--until", "0.001"]),
    ],
)
def test_to_dict_is_the_commands_json(cli, call, args):
    assert call(nnstep.lecture()).to_dict() == cli_json(cli, *args)


def test_the_bare_command_is_step(cli):
    assert nnstep.lecture().step().to_dict() == cli_json(cli)


def test_conventions_as_keyword_arguments_are_the_options(cli):
    net = nnstep.lecture(activation="tanh", learning_rate=0.1, reduction="mean")
    assert net.update().to_dict() == cli_json(
        cli, "update", "--activation", "tanh", "--learning-rate", "0.1", "--reduction", "mean"
    )


def test_load_reads_the_files_the_cli_reads(cli):
    model, data = ROOT / "fixtures" / "lecture" / "model.yaml", ROOT / "fixtures" / "lecture" / "data.yaml"
    net = nnstep.load(model, data)
    assert net.forward().to_dict() == cli_json(cli, "forward", "--model", model, "--data", data)


def test_an_unknown_convention_names_the_closest_one():
    with pytest.raises(TypeError, match=r"unknown convention 'activaton' \(did you mean 'activation'\?\)"):
        nnstep.lecture(activaton="tanh")


@pytest.mark.parametrize("command", ["forward", "backprop", "update"])
def test_the_tables_are_the_commands_tables(cli, command):
    shown = getattr(nnstep.lecture(), command)().text()
    strip = lambda text: [line.rstrip() for line in text.strip("\n").splitlines()]  # noqa: E731
    assert strip(shown) == strip(cli.ok(command))


def test_a_result_displays_in_jupyter_and_rich():
    from rich.console import Console

    r = nnstep.lecture().forward()
    assert r._repr_html_().startswith("<!DOCTYPE html>") and "Forward pass and cost" in r._repr_html_()
    assert "| 1 | 0 | -0.97 | -0.80 | 0.65 | 0.49 | 0.88 | 0.18 | 0.02 |" in r._repr_markdown_()
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(r)
    assert "Σ = 1.55   C(W) = Σ / 10 = 0.16" in console.export_text()


def test_update_and_train_return_the_changed_network():
    net = nnstep.lecture()
    after = net.update().network
    assert after.model.weights[0][0, 0] != net.model.weights[0][0, 0]
    assert net.train(epochs=1).network.model.weights[0].tolist() == after.model.weights[0].tolist()


def test_importing_nnstep_is_light():
    code = "import sys, nnstep; nnstep.__version__; print(sorted(m for m in ('numpy', 'rich', 'yaml', 'click') if m in sys.modules))"
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "[]"


def test_python_dash_m_runs_the_command():
    out = subprocess.run([sys.executable, "-m", "nnstep", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"nnstep, version {nnstep.__version__}"


def test_the_readmes_python_examples_run_as_doctests(monkeypatch):
    """Every ```pycon block of the README runs, in order as one notebook from the repository's
    folder, and prints what the README says it prints."""
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```pycon\n(.*?)```", readme, re.S)
    assert blocks, "the README has no Python example"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    notebook: dict = {}
    for k, block in enumerate(blocks):
        test = parser.get_doctest(block, notebook, f"README block {k + 1}", "README.md", 0)
        runner.run(test, clear_globs=False)
        notebook.update(test.globs)
    assert runner.summarize(verbose=False).failed == 0


def test_the_api_module_docstring_runs():
    from nnstep import api

    assert doctest.testmod(api).failed == 0


SHEET = ROOT / "fixtures" / "worksheets" / "lecture" / "sign.csv"


def test_worksheet_and_check_are_the_commands(cli):
    net = nnstep.lecture()
    sheet = net.worksheet(rows=[1])
    assert sheet.to_dict() == cli_json(cli, "worksheet", "--rows", "1")
    assert sheet.csv.splitlines()[:2] == ["quantity,node,row,answer", "input_sum,H1,1,"]
    result = cli("check", str(SHEET), "--format", "json")
    assert net.check(SHEET).to_dict() == json.loads(result.output)


def test_diagram_is_the_commands_drawing(cli):
    d = nnstep.lecture().diagram("forward", row=1)
    assert d.to_dict() == cli_json(cli, "diagram", "--step", "forward", "--row", "1")
    assert d._repr_svg_().startswith("<svg")


def test_exercise_draws_what_the_command_writes(cli, tmp_path):
    out = tmp_path / "ex"
    result = cli("exercise", "--seed", "7", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = nnstep.load(out / "model.yaml", out / "data.yaml")
    drawn = nnstep.exercise(7)[0]
    assert [w.tolist() for w in drawn.model.weights] == [w.tolist() for w in written.model.weights]
    assert drawn.data.inputs.tolist() == written.data.inputs.tolist()
