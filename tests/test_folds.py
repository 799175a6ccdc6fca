"""One parser and one check for row lists, list options and shared payloads (by hand-written cases)."""

from __future__ import annotations

import json

import click
import pytest

from nnstep.cli.common import _row_list, parse_rows
from nnstep.dataset import row_out_of_range


def test_row_lists_keep_order_or_sort_with_one_parser():
    assert parse_rows("9,1-3,2") == [9, 1, 2, 3]
    assert _row_list(None, None, "9,1-3,2") == [1, 2, 3, 9]
    for bad in ("0", "3-1", "a", "1,,2"):
        with pytest.raises(click.BadParameter, match="expected row numbers from 1 such as 1 or 1,2 or 1-3"):
            parse_rows(bad)


def test_one_range_check_for_a_row_and_a_list():
    assert row_out_of_range(10, 10) is None and row_out_of_range([1, 10], 10) is None
    assert row_out_of_range(11, 10) == "expected a row number from 1 to 10, got 11"
    assert row_out_of_range(0, 10) == "expected a row number from 1 to 10, got 0"
    assert row_out_of_range([2, 1_001], 1_000) == "expected row numbers from 1 to 1,000, got 1,001"


def test_snapshots_take_thousands_separators_as_epochs_do(cli):
    """--snapshots 1,8'000 and 1,8_000 are --snapshots 1,8000 (commas separate the list)."""
    plain = json.loads(cli.ok("train", "--snapshots", "1,3000", "--format", "json"))
    for value in ("1,3'000", "1,3_000"):
        same = json.loads(cli.ok("train", "--snapshots", value, "--format", "json"))
        assert [s["epoch"] for s in same["snapshots"]] == [1, 3000] and same == plain
    assert json.loads(cli.ok("train", "--epochs", "3'000", "--format", "json"))["epochs"] == 3000
    assert "'--snapshots'" in cli.usage_error("train", "--snapshots", "1,30'00")


def test_the_cli_and_the_api_load_through_one_function(tmp_path):
    """files.load.load_inputs: the lecture's files by default, a CSV's targets from the model file."""
    import numpy as np

    from nnstep import api
    from nnstep.files.load import lecture_file, load_inputs

    model, data = load_inputs(None, None)
    assert model.layers == (2, 3, 1) and len(data) == 10
    assert data.inputs[0].tolist() == [-0.97, -0.8] and data.targets[0].tolist() == [0]  # row 1 of the slides
    csv = tmp_path / "d.csv"
    csv.write_text("Y,X1,X2\n0,0.4,0.7\n")
    yaml = tmp_path / "m.yaml"
    yaml.write_text(lecture_file("model.yaml").read_text() + "targets: [Y]\n")
    m, d = load_inputs(yaml, csv)
    assert d.inputs.tolist() == [[0.4, 0.7]] and d.target_names == ("Y",)
    net = api.load(yaml, csv)
    assert np.array_equal(net.data.inputs, d.inputs) and np.array_equal(net.model.weights[0], m.weights[0])


@pytest.mark.parametrize("step", ["forward", "backprop", "update"])
def test_the_cli_and_the_api_show_one_step_alike(cli, step):
    """The CLI's and the API's payloads and tables of a step come from the same functions."""
    from nnstep import api

    result = getattr(api.lecture(), step)()
    assert json.loads(cli.ok(step, "--format", "json")) == json.loads(json.dumps(result.to_dict()))
    shown = cli.ok(step, "--format", "markdown")
    for line in result._repr_markdown_().splitlines():
        assert line in shown


def test_the_bare_command_and_step_show_steps_3_to_6_alike(cli):
    from nnstep import api

    result = api.lecture().step()
    assert json.loads(cli.ok("--format", "json")) == json.loads(json.dumps(result.to_dict()))


def test_one_cannot_be_written_message():
    from nnstep.cli.common import write_failure

    denied = PermissionError(13, "Permission denied")
    assert write_failure("--output", "out.md", denied) == "--output: out.md: cannot be written (Permission denied)"
    assert write_failure("--save", "m.yaml", OSError()) == "--save: m.yaml: cannot be written (OSError)"


@pytest.mark.parametrize(("name", "first"), [("w.md", "Fill in"), ("w.markdown", "Fill in"), ("w.txt", "quantity")])
def test_worksheet_takes_its_format_from_the_one_suffix_map(cli, tmp_path, name, first):
    cli.ok("worksheet", "--rows", "1", "--output", tmp_path / name)
    assert (tmp_path / name).read_text().startswith(first)


def test_saturation_is_reported_by_the_cli_and_the_api(cli):
    """A learning rate of 1e9 takes a weight far beyond ±1e6 in 3 epochs: exit status 1 in the CLI,
    network.Saturated (a Diverged) from the API."""
    from nnstep import api, network

    result = cli("train", "--epochs", "3", "--learning-rate", "1e9")
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "after 3 updates (beyond ±1,000,000, where the nodes saturate); try a smaller --learning-rate" in result.stderr
    )
    with pytest.raises(network.Saturated, match="where the nodes saturate") as raised:
        api.lecture(learning_rate=1e9).train(epochs=3)
    assert isinstance(raised.value, network.Diverged) and raised.value.largest > network.SATURATED
    assert api.lecture().train(epochs=3).to_dict()["epochs"] == 3
