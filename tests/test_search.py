"""`nnstep search`: grid search, random search and gradient descent on the lecture's network."""

import json

import numpy as np
import pytest

from nnstep import network, search
from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.network import Model


@pytest.fixture(scope="module")
def lecture():
    return load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))


def test_grid_of_the_lecture_has_21_values():
    values = search.grid_values(-1, 1, 0.1)
    assert len(values) == 21 and values[0] == -1 and values[10] == 0 and values[-1] == 1
    assert values[3] == -0.7  # no 0.30000000000000004 on the grid


def test_count_table_is_21_to_the_n():
    table = search.count_table()
    assert [n for n, _ in table] == list(range(1, 17)) + [100]
    assert all(count == 21**n for n, count in table)


def test_counts_command_marks_the_slide_errata(cli):
    out = cli.ok("search", "--counts")
    lines = out.splitlines()
    assert lines[3].split() == ["1", "21", "21"] and lines[4].split() == ["2", "441", "411", "≠"]
    assert lines[19].split() == ["100", "1.66697648439634e132", "1.66697648439634e132"]
    assert "≠ slide erratum: dim(2) = 411 on the slide; 21^2 = 441" in lines
    assert "dim(13)" not in out  # 1.544723777391195e17 is 21^13 to the digits it shows
    assert "21^14 =\n  3,243,919,932,521,508,681 (3.243919932521509e18)" in out  # a last-digit slip
    assert max(len(line) for line in out.splitlines()) <= 80
    data = json.loads(cli.ok("search", "--counts", "--format", "json"))
    assert data["counts"][1] == {"n": 2, "count": 441, "slides": "411"}
    assert data["counts"][-1]["count"] == 21**100


def test_parameter_names(lecture):
    model, _ = lecture
    names = [p.name for p in search.parameters(model)]
    assert names[:3] == ["IN1-H1", "IN1-H2", "IN1-H3"] and names[6:9] == ["H1-ON", "H2-ON", "H3-ON"]
    assert names[9:] == ["H1", "H2", "H3", "ON"]
    assert [p.name for p in search.choose(model, ["on", "h2-on"])] == ["ON", "H2-ON"]
    with pytest.raises(ValueError, match="no parameter X"):
        search.choose(model, ["X"])


def test_objective_equals_the_network_cost(lecture):
    model, data = lecture
    chosen = search.choose(model, ["IN2-H3", "H1-ON", "ON"])
    objective = search.Objective(model, data.inputs, data.targets, chosen)
    rng = np.random.default_rng(1)
    values = rng.uniform(-1, 1, (5, 3))
    got = objective(values)
    for k, v in enumerate(values):
        w0, w1, b1 = model.weights[0].copy(), model.weights[1].copy(), model.biases[1].copy()
        w0[1, 2], w1[0, 0], b1[0] = v
        m = Model(model.layers, (w0, w1), (model.biases[0], b1), model.activations, 0.5)
        assert got[k] == pytest.approx(network.cost(m, network.forward(m, data.inputs), data.targets).sum, rel=1e-12)
    assert objective.evaluations == 5


def test_gradient_descent_on_every_parameter_is_training(lecture):
    model, data = lecture
    curve = search.gradient_descent(model, data.inputs, data.targets, search.parameters(model), 300)
    costs = network.train(model, data.inputs, data.targets, 300).costs
    np.testing.assert_allclose(curve.best, np.minimum.accumulate(costs), rtol=1e-12)


def test_gradient_descent_on_some_parameters_moves_only_those(lecture):
    model, data = lecture
    chosen = search.choose(model, ["H1-ON", "ON"])
    curve = search.gradient_descent(model, data.inputs, data.targets, chosen, 50)
    assert curve.evaluations == 50 and curve.best[-1] < curve.best[0]
    # the same descent by hand, on the two parameters
    m = model
    for _ in range(curve.evaluations - 1):
        bw = network.backprop(m, network.forward(m, data.inputs), data.targets)
        w1, b1 = m.weights[1].copy(), m.biases[1].copy()
        w1[0, 0] -= 0.5 * bw.weight_gradients[1][0, 0]
        b1[0] -= 0.5 * bw.bias_gradients[1][0]
        m = Model(m.layers, (m.weights[0], w1), (m.biases[0], b1), m.activations, 0.5)
    assert curve.best[-1] == pytest.approx(
        network.cost(m, network.forward(m, data.inputs), data.targets).sum, rel=1e-12
    )


def test_grid_search_finds_the_best_grid_point(lecture):
    model, data = lecture
    chosen = search.choose(model, ["ON"])
    values = search.grid_values(-1, 1, 0.1)
    curve = search.grid_search(search.Objective(model, data.inputs, data.targets, chosen), values, 100)
    brute = search.Objective(model, data.inputs, data.targets, chosen)(values[:, None])
    assert curve.evaluations == 21 and curve.best[-1] == brute.min()
    assert curve.values[0] == values[int(np.argmin(brute))]


def test_grid_over_the_budget_is_refused(lecture):
    model, data = lecture
    objective = search.Objective(model, data.inputs, data.targets, search.parameters(model))
    with pytest.raises(search.GridTooLarge, match="21\\^13 = 154,472,377,739,119,461"):
        search.grid_search(objective, search.grid_values(-1, 1, 0.1), 10_000)
    assert objective.evaluations == 0


def test_search_compares_the_three_methods_on_the_lecture(cli):
    lines = cli.ok("search", "--params", "H1-ON,H2-ON", "--budget", "500").splitlines()
    assert lines[2:4] == ["Best Σ after N cost evaluations", "evaluations     grid   random   gradient descent"]
    assert [line.split()[0] for line in lines[5:10]] == ["1", "10", "100", "441", "500"]
    assert lines[5].split()[-1] == "1.5507"  # gradient descent starts from the lecture's weights
    assert max(len(line) for line in lines) <= 80
    data = json.loads(cli.ok("search", "--params", "H1-ON,H2-ON", "--budget", "500", "--format", "json"))
    methods = data["methods"]
    assert methods["grid"]["evaluations"] == 441 and methods["random"]["evaluations"] == 500
    assert methods["gd"]["best"] < 1.5507276  # better than the starting point
    assert set(methods["grid"]["values"]) == {"H1-ON", "H2-ON"}
    assert [k for k, _ in methods["random"]["curve"]] == [1, 10, 100, 441, 500]


def test_search_refuses_a_grid_over_the_budget(cli):
    assert cli.input_error("search", "--method", "grid") == (
        "Error: grid search over 13 parameters needs 21^13 = 154,472,377,739,119,461 cost evaluations, "
        "more than the budget of 10,000; choose fewer parameters (--params), a larger --step or a larger --budget"
    )
    both = cli.ok("search", "--budget", "200").splitlines()  # with the other methods, the grid is left out, saying so
    assert both[3].split() == ["evaluations", "random", "gradient", "descent"]
    assert "grid: refused: grid search over 13 parameters needs 21^13 =" in both


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--params", "X1-H1"], "--params"),
        (["--range", "1,-1"], "--range"),
        (["--step", "0"], "--step"),
        (["--method", "newton"], "--method"),
    ],
)
def test_bad_search_options(cli, args, fragment):
    result = cli("search", *args)
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert f"{fragment}" in result.stderr.splitlines()[-1]
