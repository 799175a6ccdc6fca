"""More textbooks' conventions: regularisation, optimiser state kept across runs, per-row gradients.

Expected numbers come from the two-neuron chain computed here with plain math (independent of
nnstep), from the slides (Σ = 1.55), or from identities (per-row sums, finite differences).
"""

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnstep import fastpath, names, network, regularization
from nnstep.dataset import Dataset
from nnstep.files.load import MODEL_KEYS, InputError, example_file, lecture_file, load_data, load_model
from nnstep.files.save import model_yaml
from nnstep.gradcheck import gradient_check
from nnstep.labels import Precision, node_label
from nnstep.network import Model
from nnstep.optimizers import Optimizer
from nnstep.worked.sheets import worked
from tests.test_conventions import problems
from tests.test_work import random_network

TWO_MODEL = str(example_file("two_neuron", "model.yaml"))
TWO_DATA = str(example_file("two_neuron", "data.yaml"))


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def chain(w1, b1, w2, b2, rows):
    """The 1-1-1 sigmoid chain by hand: per row (x, y) the half squared error and its gradients
    dC/dw1, dC/db1, dC/dw2, dC/db2 (the video's backpropagation, written out)."""
    out = []
    for x, y in rows:
        a1 = sigmoid(x * w1 + b1)
        a2 = sigmoid(a1 * w2 + b2)
        d2 = (a2 - y) * a2 * (1 - a2)
        d1 = d2 * w2 * a1 * (1 - a1)
        out.append((0.5 * (a2 - y) ** 2, d1 * x, d1, d2 * a1, d2))
    return out


TWO = (0.15, 0.4, 0.45, 0.65)  # w1, b1, w2, b2 of the two-neuron video
TWO_ROWS = [(0.1, 0.25)]


def two_neuron(**conventions) -> tuple[Model, Dataset]:
    model = load_model(TWO_MODEL)
    return replace(model, **conventions), load_data(TWO_DATA)


# 1. Regularisation -------------------------------------------------------------------------------


def test_the_chain_by_hand_is_the_videos():
    # the video's b1 after one update (0.3959), before any regularisation
    (_, _, g_b1, _, _) = chain(*TWO, TWO_ROWS)[0]
    assert round(TWO[1] - 0.4 * g_b1, 4) == 0.3959


@pytest.mark.parametrize("biases", [False, True])
def test_a_hand_computed_l2_step_with_the_sum(biases):
    lam, lr = 0.25, 0.4
    model, data = two_neuron(regularization="l2", lambda_=lam, regularize_biases=biases)
    w1, b1, w2, b2 = TWO
    cost, g_w1, g_b1, g_w2, g_b2 = chain(*TWO, TWO_ROWS)[0]
    squares = w1**2 + w2**2 + (b1**2 + b2**2 if biases else 0)
    s = network.step(model, data.inputs, data.targets)
    # J = Σ Cost + λ/2 Σ w²
    assert s.cost.sum == pytest.approx(cost, rel=1e-12)
    assert s.cost.penalty == pytest.approx(lam / 2 * squares, rel=1e-12)
    assert s.cost.objective == pytest.approx(cost + lam / 2 * squares, rel=1e-12)
    # w -= lr (dC/dw + λ w); a bias only with regularize_biases
    assert s.updated.weights[0][0, 0] == pytest.approx(w1 - lr * (g_w1 + lam * w1), rel=1e-12)
    assert s.updated.weights[1][0, 0] == pytest.approx(w2 - lr * (g_w2 + lam * w2), rel=1e-12)
    assert s.updated.biases[0][0] == pytest.approx(b1 - lr * (g_b1 + (lam * b1 if biases else 0)), rel=1e-12)
    assert s.updated.biases[1][0] == pytest.approx(b2 - lr * (g_b2 + (lam * b2 if biases else 0)), rel=1e-12)


def test_a_hand_computed_l2_and_l1_step_with_the_mean_over_two_rows():
    rows = [(0.1, 0.25), (-0.7, 0.9)]
    lam, lr, n = 0.25, 0.4, 2
    w1, b1, w2, b2 = TWO
    per = chain(*TWO, rows)
    mean = [sum(r[k] for r in per) / n for k in range(5)]
    data = Dataset(np.array([[x] for x, _ in rows]), np.array([[y] for _, y in rows]), ("x1",), ("T",), frozenset())
    for kind, penalty, slope in (
        ("l2", lam / (2 * n) * (w1**2 + w2**2), lambda w: lam / n * w),
        ("l1", lam / n * (abs(w1) + abs(w2)), lambda w: lam / n * math.copysign(1, w)),
    ):
        model = replace(load_model(TWO_MODEL), reduction="mean", regularization=kind, lambda_=lam)
        s = network.step(model, data.inputs, data.targets)
        # J = (1/n) Σ Cost + λ/(2n) Σ w²  (L1: λ/n Σ |w|); gradient (λ/n) w  (L1: (λ/n) sign(w))
        assert s.cost.objective == pytest.approx(mean[0] + penalty, rel=1e-12)
        assert s.updated.weights[0][0, 0] == pytest.approx(w1 - lr * (mean[1] + slope(w1)), rel=1e-12)
        assert s.updated.weights[1][0, 0] == pytest.approx(w2 - lr * (mean[3] + slope(w2)), rel=1e-12)
        assert s.updated.biases[0][0] == pytest.approx(b1 - lr * mean[2], rel=1e-12)


def test_the_lecture_with_l2_shows_the_data_part_and_the_penalty_part(cli):
    # Σ w² of the lecture's initial weights: 0.04 + 0.16 + 1 + 0.16 + 0.49 + 0.64 + 0.36 + 0.36 + 0.09 = 3.3
    # λ/2 Σ w² = 0.125 × 3.3 = 0.4125; J = 1.5507 (slides: 1.55) + 0.4125 = 1.963
    out = cli("forward", "--regularization", "l2", "--lambda", "0.25").output
    assert "J = Σ + λ/2 Σ w² = 1.55 + 0.41 = 1.96" in out
    data = json.loads(cli("forward", "--regularization", "l2", "--lambda", "0.25", "--format", "json").output)
    assert data["cost"]["penalty"] == pytest.approx(0.4125, abs=1e-12)
    assert data["cost"]["objective"] == pytest.approx(data["cost"]["sum"] + 0.4125, abs=1e-12)
    mean = cli("forward", "--regularization", "l2", "--lambda", "0.25", "--reduction", "mean").output
    assert "J = C(W) + λ/(2·10) Σ w² = 0.16 + 0.041 = 0.20" in mean  # 0.15507 + 0.04125 = 0.196


def test_the_worked_formulas_show_the_penalty(cli):
    args = ("--regularization", "l2", "--lambda", "0.25")
    cost = cli("forward", *args, "--show-work", "--node", "cost").output
    assert "= 0.25 / 2 * ((-0.2)^2 + ... + (-0.3)^2) = 0.41" in cost
    assert "J = Σ + penalty = 1.55 + 0.41 = 1.96" in cost
    update = cli("update", *args, "--show-work", "--node", "IN1-H1").output
    # the full batch gives -0.230 (the slides' update); then - 0.5 × 0.25 × (-0.2) = +0.025
    assert "= -0.230 - 0.5 * 0.25 * -0.2 = -0.205" in update


@settings(max_examples=20, deadline=None)
@given(
    layers=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    rows=st.integers(1, 5),
    seed=st.integers(0, 2**31),
    kind=st.sampled_from(["l2", "l1"]),
    reduction=st.sampled_from(["sum", "mean"]),
    biases=st.booleans(),
)
def test_the_worked_update_with_a_penalty_is_the_cores(layers, rows, seed, kind, reduction, biases):
    model, data = random_network(layers, rows, seed)
    model = replace(model, reduction=reduction, regularization=kind, lambda_=0.3, regularize_biases=biases)
    x, y = data.inputs, data.targets
    s = network.step(model, x, y)
    final = {}
    for sheet in worked("update", model, data, 1, Precision.slides()):
        final.update({w.cell: w.result for w in sheet.items})
    for l, (w, b) in enumerate(zip(s.updated.weights, s.updated.biases)):
        for (i, j), value in np.ndenumerate(w):
            cell = f"{node_label(model.layers, l, i)}->{node_label(model.layers, l + 1, j)}"
            assert final[cell] == pytest.approx(value, abs=1e-12)
        for j, value in enumerate(b):
            assert final[node_label(model.layers, l + 1, j)] == pytest.approx(value, abs=1e-12)
    sheet = worked("forward", model, data, 1, Precision.slides())[-1]
    assert sheet.items[-1].result == pytest.approx(s.cost.objective, abs=1e-12)


@st.composite
def regularized_problems(draw):
    model, x, y = draw(problems())
    kind = draw(st.sampled_from(["l2", "l1"]))
    model = replace(
        model, regularization=kind, lambda_=draw(st.floats(0.01, 2.0)), regularize_biases=draw(st.booleans())
    )
    return model, x, y


@settings(max_examples=40, deadline=None)
@given(regularized_problems())
def test_gradcheck_covers_the_penalty(problem):
    model, x, y = problem
    sums = network.forward(model, x).input_sums
    assume(all(np.abs(z).min() > 1e-3 for z, name in zip(sums, model.activations) if name == "relu"))
    if model.regularization == "l1":  # |w| has a kink at 0
        assume(all(np.abs(w).min() > 1e-3 for w in model.weights + model.biases))
    check = gradient_check(model, x, y)
    assert check.largest < 1e-6, max(check.rows, key=lambda r: r[5])


def test_gradcheck_command_with_regularisation(cli):
    out = cli("gradcheck", "--regularization", "l1", "--lambda", "0.25", "--regularize-biases").output
    assert "backprop agrees with finite differences" in out


def test_regularised_training_takes_the_general_path_and_decays_the_weights():
    model, data = load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))
    reg = replace(model, regularization="l2", lambda_=0.25)
    assert fastpath.fast_path_applies(model) and not fastpath.fast_path_applies(reg)
    plain = network.train(model, data.inputs, data.targets, 200).last.updated
    decayed = network.train(reg, data.inputs, data.targets, 200).last.updated
    size = sum(float(np.sum(w * w)) for w in plain.weights)
    assert sum(float(np.sum(w * w)) for w in decayed.weights) < size


@pytest.mark.parametrize(
    ("extra", "key", "message"),
    [
        ({"lambda": 0.25}, "lambda", "no effect without regularization"),
        ({"regularize_biases": True}, "regularize_biases", "no effect without regularization"),
        ({"regularization": "l2"}, "lambda", "missing key"),
        ({"regularization": "l3", "lambda": 1}, "regularization", "expected one of none, l2, l1"),
        ({"regularization": "l2", "lambda": -1}, "lambda", "at least 0"),
        ({"regularization": "l2", "lambda": 1, "regularize_biases": "yes"}, "regularize_biases", "true or false"),
    ],
)
def test_regularisation_keys_are_checked(extra, key, message):
    with pytest.raises(InputError) as err:
        load_model(lecture_file("model.yaml"), extra)
    assert err.value.key == key and message in err.value.detail


def test_an_option_without_effect_is_one_line(cli):
    assert "--lambda: has no effect without regularization" in cli.input_error("forward", "--lambda", "0.5")


def test_search_refuses_a_penalty_it_would_not_count(cli):
    assert "regularisation" in cli.input_error("search", "--regularization", "l2", "--lambda", "0.1")


def test_the_new_keys_are_known_and_saved(tmp_path):
    for key in ("regularization", "lambda", "regularize_biases", "optimizer_state"):
        assert key in MODEL_KEYS
    assert tuple(regularization.PENALTIES) == names.REGULARIZATIONS
    model = replace(load_model(lecture_file("model.yaml")), regularization="l1", lambda_=0.1, regularize_biases=True)
    path = tmp_path / "m.yaml"
    path.write_text(model_yaml(model))
    again = load_model(path)
    assert (again.regularization, again.lambda_, again.regularize_biases) == ("l1", 0.1, True)


# 2. Optimiser state ------------------------------------------------------------------------------


def test_a_hand_computed_adam_step(cli):
    lr, b1, b2, eps = 0.4, 0.9, 0.999, 1e-8
    _, g_w1, g_b1, g_w2, g_b2 = chain(*TWO, TWO_ROWS)[0]
    data = json.loads(
        cli("update", "--model", TWO_MODEL, "--data", TWO_DATA, "--optimizer", "adam", "--format", "json").output
    )
    state = data["optimizer_state"]
    assert state["optimizer"] == "adam" and state["steps"] == 1
    for layer, g, w in ((0, g_w1, TWO[0]), (1, g_w2, TWO[2])):
        m, v = (1 - b1) * g, (1 - b2) * g * g  # from m = v = 0
        m_hat, v_hat = m / (1 - b1), v / (1 - b2)  # = g and g²
        assert state["m"]["weights"][layer][0][0] == pytest.approx(m, rel=1e-12)
        assert state["v"]["weights"][layer][0][0] == pytest.approx(v, rel=1e-12)
        assert state["m_hat"]["weights"][layer][0][0] == pytest.approx(g, rel=1e-12)
        assert state["v_hat"]["weights"][layer][0][0] == pytest.approx(g * g, rel=1e-12)
        # the first Adam step is lr × g / (|g| + eps): lr against the gradient's sign, short by lr eps / |g|
        new = w - lr * m_hat / (math.sqrt(v_hat) + eps)
        assert data["weights"][layer][0][0] == pytest.approx(new, rel=1e-12)
        assert new == pytest.approx(w - lr * math.copysign(1, g), abs=2 * lr * eps / abs(g))
    assert state["m"]["biases"][0][0] == pytest.approx((1 - b1) * g_b1, rel=1e-12)
    assert state["v"]["biases"][1][0] == pytest.approx((1 - b2) * g_b2 * g_b2, rel=1e-12)


def test_a_hand_computed_second_adam_step():
    lr, b1, b2, eps = 0.4, 0.9, 0.999, 1e-8
    w1, bias1, w2, bias2 = TWO
    m, v = [0.0] * 4, [0.0] * 4
    params = [w1, bias1, w2, bias2]
    for t in (1, 2):
        grads = chain(*params, TWO_ROWS)[0][1:]
        for k, g in enumerate(grads):
            m[k] = b1 * m[k] + (1 - b1) * g
            v[k] = b2 * v[k] + (1 - b2) * g * g
            params[k] -= lr * (m[k] / (1 - b1**t)) / (math.sqrt(v[k] / (1 - b2**t)) + eps)
    model, data = two_neuron(optimizer=Optimizer("adam"))
    result = network.train(model, data.inputs, data.targets, 2).last.updated
    assert result.weights[0][0, 0] == pytest.approx(params[0], rel=1e-12)
    assert result.biases[0][0] == pytest.approx(params[1], rel=1e-12)
    assert result.weights[1][0, 0] == pytest.approx(params[2], rel=1e-12)
    assert result.optimizer_state.steps == 2
    assert result.optimizer_state.second["w1"][0, 0] == pytest.approx(v[2], rel=1e-12)


def test_a_hand_computed_momentum_velocity(cli):
    # the first momentum step from v = 0: v = -lr g, w + v
    _, g_w1, *_ = chain(*TWO, TWO_ROWS)[0]
    data = json.loads(
        cli("update", "--model", TWO_MODEL, "--data", TWO_DATA, "--optimizer", "momentum", "--format", "json").output
    )
    assert data["optimizer_state"]["velocity"]["weights"][0][0][0] == pytest.approx(-0.4 * g_w1, rel=1e-12)
    out = cli("update", "--model", TWO_MODEL, "--data", TWO_DATA, "--optimizer", "momentum").output
    assert "Momentum: velocity v after the update (t = 1)" in out and "v = 0.9 v - 0.4 × dJ/dw" in out


def test_update_and_train_show_adams_state_within_80_columns(cli):
    out = cli("train", "--optimizer", "adam", "--learning-rate", "0.05", "--epochs", "3").output
    for title in ("Adam: m after 3 updates (t = 3)", "Adam: v̂ = v / (1 - β2^t) after 3 updates", "Adam: biases"):
        assert title in out
    assert max(len(line) for line in out.splitlines()) <= 80
    plain = cli("train", "--epochs", "3").output
    assert "Adam" not in plain and "Momentum" not in plain


@pytest.mark.parametrize(
    "args",
    [
        ("--optimizer", "adam", "--learning-rate", "0.05"),
        ("--optimizer", "momentum", "--learning-rate", "0.1", "--update", "online"),
        ("--optimizer", "adam", "--regularization", "l2", "--lambda", "0.1", "--reduction", "mean"),
    ],
)
def test_fifty_and_fifty_epochs_equal_one_hundred_bit_for_bit(cli, tmp_path, args):
    saved = tmp_path / "half.yaml"
    cli("train", *args, "--epochs", "50", "--save", str(saved))
    assert "optimizer_state:" in saved.read_text()
    resumed = json.loads(cli("train", "--model", str(saved), "--epochs", "50", "--format", "json").output)
    whole = json.loads(cli("train", *args, "--epochs", "100", "--format", "json").output)
    for key in ("weights", "biases", "optimizer_state", "cost"):
        assert resumed[key] == whole[key], key
    assert resumed["optimizer_state"]["steps"] == whole["optimizer_state"]["steps"]


def test_a_resumed_state_is_the_saved_one(tmp_path):
    model, data = two_neuron(optimizer=Optimizer("adam"))
    trained = network.train(model, data.inputs, data.targets, 7).last.updated
    path = tmp_path / "m.yaml"
    path.write_text(model_yaml(trained))
    again = load_model(path)
    assert again.optimizer_state.steps == 7
    for key in trained.optimizer_state.first:
        assert np.array_equal(again.optimizer_state.first[key], trained.optimizer_state.first[key])
        assert np.array_equal(again.optimizer_state.second[key], trained.optimizer_state.second[key])


@pytest.mark.parametrize(
    ("optimizer", "state", "key", "message"),
    [
        ("gd", {"steps": 1}, "optimizer_state", "no effect with the gd optimizer"),
        ("momentum", {"steps": 1, "m": {}}, "optimizer_state.m", "not part of momentum's state"),
        ("adam", {"m": {}}, "optimizer_state.steps", "missing key"),
        ("adam", {"steps": 0, "m": {}, "v": {}}, "optimizer_state.steps", "at least 1"),
        ("adam", {"steps": 2, "m": {"weights": [[[1]], [[1]]], "biases": [[1], [1]]}}, "optimizer_state.v", "missing"),
        (
            "momentum",
            {"steps": 2, "velocity": {"weights": [[[1, 2]], [[1]]]}},
            "optimizer_state.velocity.weights[0]",
            "",
        ),
    ],
)
def test_optimizer_state_is_checked(optimizer, state, key, message):
    with pytest.raises(InputError) as err:
        load_model(TWO_MODEL, {"optimizer": optimizer, "optimizer_state": state})
    assert err.value.key.startswith(key) and message in err.value.detail


# 3. Per-row gradients ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.one_of(problems(), regularized_problems()))
def test_per_row_gradients_sum_to_the_gradient(problem):
    model, x, y = problem
    fp = network.forward(model, x)
    bw = network.backprop(model, fp, y)
    per_w, per_b = network.per_row_gradients(model, fp, bw)
    reduce = np.sum if model.reduction == "sum" else np.mean
    pen_w = bw.weight_penalties or [0.0] * len(per_w)
    pen_b = bw.bias_penalties or [0.0] * len(per_b)
    for rows, total, pen in zip(per_w + per_b, bw.weight_gradients + bw.bias_gradients, pen_w + pen_b):
        assert rows.shape == (len(x), *total.shape)
        np.testing.assert_allclose(reduce(rows, axis=0) + pen, total, rtol=1e-10, atol=1e-13)


def test_per_row_gradients_by_hand_and_in_json(cli):
    rows = [(0.1, 0.25), (-0.7, 0.9)]
    data = Dataset(np.array([[x] for x, _ in rows]), np.array([[y] for _, y in rows]), ("x1",), ("T",), frozenset())
    model = load_model(TWO_MODEL)
    fp = network.forward(model, data.inputs)
    per_w, per_b = network.per_row_gradients(model, fp, network.backprop(model, fp, data.targets))
    for i, (_, g_w1, g_b1, g_w2, g_b2) in enumerate(chain(*TWO, rows)):
        assert per_w[0][i, 0, 0] == pytest.approx(g_w1, rel=1e-12) and per_b[0][i, 0] == pytest.approx(g_b1)
        assert per_w[1][i, 0, 0] == pytest.approx(g_w2, rel=1e-12) and per_b[1][i, 0] == pytest.approx(g_b2)
    out = json.loads(cli("backprop", "--per-row", "--format", "json").output)
    per = out["gradients_per_row"]
    assert len(per["weights"][0]) == 10 and np.shape(per["weights"][0]) == (10, 2, 3)
    np.testing.assert_allclose(np.sum(per["weights"][1], axis=0), out["gradients"]["weights"][1], rtol=1e-12)
    np.testing.assert_allclose(np.sum(per["biases"][0], axis=0), out["gradients"]["biases"][0], rtol=1e-12)
    assert "gradients_per_row" not in json.loads(cli("backprop", "--format", "json").output)


def test_backprop_per_row_table(cli):
    out = cli("backprop", "--per-row").output
    assert "Step 5: Gradients per row, before they are summed (1/2)" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    # the lecture's summed gradients (gradcheck's numbers) on the Σ row: IN1→H1 0.060, b ON -0.547
    sums = [line for line in out.splitlines() if line.strip().startswith("Σ")]
    assert sums and "0.060" in sums[0] and "-0.547" in sums[1]


def test_the_python_api_takes_the_new_conventions():
    import nnstep

    net = nnstep.lecture(optimizer="adam", regularization="l2", lambda_=0.25)
    twice = net.update().network.update().to_dict()
    assert twice["optimizer_state"]["steps"] == 2 and twice["cost"]["penalty"] > 0
    per_row = net.backprop(per_row=True).to_dict()["gradients_per_row"]
    assert np.shape(per_row["biases"][1]) == (10, 1)


def test_regularization_none_turns_off_the_files_penalty(cli, tmp_path):
    path = tmp_path / "m.yaml"
    model = replace(load_model(lecture_file("model.yaml")), regularization="l2", lambda_=0.5, regularize_biases=True)
    path.write_text(model_yaml(model))
    assert load_model(path).lambda_ == 0.5
    off = load_model(path, {"regularization": "none"})
    assert off.regularization == "none" and not regularization.regularized(off)
    line = cli.input_error("forward", "--model", path, "--regularization", "none", "--lambda", "0.1")
    assert "--lambda: has no effect" in line
