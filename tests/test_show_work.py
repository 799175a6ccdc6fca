"""--show-work, --row, --node and --round-intermediates on the command line."""

import json

import pytest


@pytest.mark.parametrize(
    "args, expected",
    [
        (["forward", "--show-work"], "         = (-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614"),
        (["forward", "--show-work"], "a_H1 = f(input_H1) = f(0.614) = 0.65"),
        (["forward", "--show-work"], "Cost_1 = 1/2 (a_ON - y_ON)^2 = 1/2 (0.18 - 0)^2 = 0.02"),
        (["forward", "--show-work"], "C(W) = Σ / 10 = 1.55 / 10 = 0.16"),
        (
            ["backprop", "--show-work"],
            "BPE_ON = error_ON * f'(input_ON) = 0.18 * f'(-1.55) ≈ 0.025  (exact: 0.02530)",
        ),
        (["backprop", "--show-work"], "error_H1 = BPE_ON * w_H1->ON = 0.025 * -0.6 = -0.015"),
        (["update", "--show-work"], "w_H1->ON = w_H1->ON - α * BPE_ON,1 * a_H1,1 = -0.6 - 0.5 * 0.025 * 0.65 = -0.608"),
        (["update", "--show-work"], "        = -0.613 - 0.5 * (0.024 + ... + 0.039) = -0.613 - 0.5 * -0.572 = -0.327"),
        (["update", "--node", "IN1->H1"], "          = -0.2 - 0.5 * -0.003 * -0.97 ≈ -0.202  (exact: -0.20168)"),
        (["backprop", "--row", "9", "--node", "ON"], "error_ON = a_ON - y_ON = 0.18 - 1 = -0.82"),
        (
            ["update", "--node", "ON", "--round-intermediates", "2"],
            "        = -0.6 - 0.5 * 0.03 = -0.6 - 0.02 = -0.62  (hand-rounded; exact: -0.61)",
        ),
    ],
)
def test_show_work_prints_the_slides_lines(cli, args, expected):
    out = cli.ok(*args)
    assert expected in out.splitlines(), out


@pytest.mark.parametrize("step", ["forward", "backprop", "update"])
@pytest.mark.parametrize("extra", [[], ["--round-intermediates", "4"], ["--precision", "6"]])
def test_show_work_fits_80_columns(cli, step, extra):
    out = cli.ok(step, "--show-work", *extra)
    assert max(len(line) for line in out.splitlines()) <= 80


def test_node_narrows_the_work_to_one_cell(cli):
    out = cli.ok("forward", "--node", "H2")
    assert out.rstrip("\n").splitlines()[-3:] == [
        "input_H2 = (X_IN1 * w_IN1->H2) + (X_IN2 * w_IN2->H2) + bias_H2",
        "         = (-0.97 * 0.4) + (-0.80 * -0.7) + -0.2 = -0.028",
        "a_H2 = f(input_H2) = f(-0.028) = 0.49",
    ]
    assert "input_H1" not in out and "input_ON" not in out


def test_show_work_for_another_network(cli, fixtures):
    out = cli.ok(
        "update",
        "--show-work",
        "--model",
        str(fixtures / "two_neuron" / "model.yaml"),
        "--data",
        str(fixtures / "two_neuron" / "data.yaml"),
    )
    # the video's w2 = 0.45 - 0.4 * 0.095 * 0.6023 = 0.4272
    assert "w_H1->ON = w_H1->ON - α * BPE_ON,1 * a_H1,1 = 0.45 - 0.4 * 0.095 * 0.60 = 0.427" in out.splitlines()
    assert "full batch" not in out  # one observation: the one-row step is the whole update


def test_show_work_json(cli):
    data = json.loads(cli.ok("backprop", "--show-work", "--node", "ON", "--format", "json"))
    assert data["row"] == 1 and data["step"] == "backprop"
    item = [i for i in data["sheets"][0]["items"] if i["label"] == "BPE of ON"][0]
    assert item["substituted"] == "0.18 * f'(-1.55)" and item["result"] == "0.025"
    assert item["value"] == pytest.approx(0.025300, abs=1e-6) and item["without_hand_rounding"] is None
    assert item["approximate"] and item["exact"] == "0.02530"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["forward", "--row", "11"], "--row: expected a row number from 1 to 10, got 11"),
        (["forward", "--node", "IN1->H1"], "--node: no worked formula for 'IN1->H1' in forward"),
        (["update", "--node", "H7"], "or a weight such as H1->ON"),
        (["backprop", "--round-intermediates", "-1"], "--round-intermediates"),
        (["backprop", "--row", "0"], "--row"),
    ],
)
def test_bad_show_work_options_are_one_line_errors(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert fragment in result.stderr.splitlines()[-1]
