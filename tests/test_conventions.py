"""Conventions other than the lecture's: property tests against finite differences and identities."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnstep import network
from nnstep.gradcheck import gradient_check
from nnstep.network import Model
from nnstep.optimizers import Optimizer

HIDDEN = ["sigmoid", "tanh", "linear", "relu"]
COST_OUTPUTS = {
    # cost -> output activations that keep it defined, and how targets are drawn
    "half_squared_error": (["sigmoid", "tanh", "linear"], "real"),
    "squared_error": (["sigmoid", "linear"], "real"),
    "binary_cross_entropy": (["sigmoid"], "unit"),
    "categorical_cross_entropy": (["softmax"], "onehot"),
}


@st.composite
def problems(draw):
    """A random network with random conventions, inputs and targets."""
    cost = draw(st.sampled_from(sorted(COST_OUTPUTS)))
    outputs, target_kind = COST_OUTPUTS[cost]
    layers = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)) + [draw(st.integers(1, 3))]
    layers = [draw(st.integers(1, 3))] + layers
    if target_kind == "onehot" and layers[-1] == 1:
        layers[-1] = 2
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    activations = tuple(draw(st.sampled_from(HIDDEN)) for _ in layers[2:]) + (draw(st.sampled_from(outputs)),)
    model = Model(
        layers=tuple(layers),
        weights=tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        biases=tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        activations=activations,
        learning_rate=0.5,
        cost=cost,
        reduction=draw(st.sampled_from(["sum", "mean"])),
    )
    rows = draw(st.integers(1, 5))
    x = rng.uniform(-2, 2, (rows, layers[0]))
    if target_kind == "onehot":
        y = np.eye(layers[-1])[rng.integers(0, layers[-1], rows)]
    elif target_kind == "unit":
        y = rng.uniform(0, 1, (rows, layers[-1]))
    else:
        y = rng.uniform(-1, 1, (rows, layers[-1]))
    return model, x, y


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backprop_gradients_equal_finite_differences(problem):
    model, x, y = problem
    # relu has a kink at 0: a finite difference across it is no test of the slope on either side
    sums = network.forward(model, x).input_sums
    assume(all(np.abs(z).min() > 1e-3 for z, name in zip(sums, model.activations) if name == "relu"))
    check = gradient_check(model, x, y)
    assert check.largest < 1e-6, max(check.rows, key=lambda r: r[5])


@settings(max_examples=30, deadline=None)
@given(problems())
def test_mean_reduction_is_sum_divided_by_rows(problem):
    model, x, y = problem
    fp = network.forward(model, x)
    summed = replace(model, reduction="sum")
    mean = replace(model, reduction="mean")
    c_sum, c_mean = network.cost(summed, fp, y), network.cost(mean, fp, y)
    assert c_mean.objective == pytest.approx(c_sum.objective / len(x))
    g_sum, g_mean = network.backprop(summed, fp, y), network.backprop(mean, fp, y)
    for a, b in zip(g_sum.weight_gradients + g_sum.bias_gradients, g_mean.weight_gradients + g_mean.bias_gradients):
        np.testing.assert_allclose(b, a / len(x), rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_online_over_one_observation_equals_batch(problem):
    model, x, y = problem
    one_x, one_y = x[:1], y[:1]
    batch = network.step(replace(model, update="batch"), one_x, one_y).updated
    online = network.step(replace(model, update="online"), one_x, one_y).updated
    for a, b in zip(batch.weights + batch.biases, online.weights + online.biases):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_sequential_equals_simultaneous_with_one_weight_layer(problem):
    model, x, y = problem
    model = Model(
        model.layers[:1] + model.layers[-1:],
        (np.resize(model.weights[0], (model.layers[0], model.layers[-1])),),
        model.biases[-1:],
        model.activations[-1:],
        0.5,
        cost=model.cost,
    )
    sim = network.step(replace(model, layer_updates="simultaneous"), x, y).updated
    seq = network.step(replace(model, layer_updates="sequential"), x, y).updated
    for a, b in zip(sim.weights + sim.biases, seq.weights + seq.biases):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=20, deadline=None)
@given(problems(), st.sampled_from(["gd", "momentum", "adam"]), st.sampled_from(["batch", "online"]))
def test_a_frozen_bias_never_moves(problem, optimizer, update):
    model, x, y = problem
    model = replace(model, update_biases=False, optimizer=Optimizer(optimizer), update=update, learning_rate=0.01)
    trained = network.train(model, x, y, 5).last.updated
    for before, after in zip(model.biases, trained.biases):
        np.testing.assert_array_equal(before, after)


def _lecture_like():
    from nnstep.files.load import lecture_file, load_data, load_model

    return load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))


def test_sequential_layer_updates_propagate_through_the_new_output_weights():
    model, data = _lecture_like()
    sim = network.step(model, data.inputs, data.targets)
    seq = network.step(replace(model, layer_updates="sequential"), data.inputs, data.targets)
    np.testing.assert_array_equal(sim.updated.weights[1], seq.updated.weights[1])
    bpe_on = sim.backward.bpes[1]
    np.testing.assert_allclose(seq.backward.errors[0], bpe_on @ seq.updated.weights[1].T)
    assert not np.allclose(seq.updated.weights[0], sim.updated.weights[0])


def test_online_takes_one_update_per_row_in_file_order():
    model, data = _lecture_like()
    online = network.step(replace(model, update="online"), data.inputs, data.targets).updated
    by_hand = model
    for i in range(len(data)):
        by_hand = network.step(by_hand, data.inputs[i : i + 1], data.targets[i : i + 1]).updated
    np.testing.assert_array_equal(online.weights[0], by_hand.weights[0])


def test_minibatch_of_all_rows_is_batch():
    model, data = _lecture_like()
    batch = network.step(model, data.inputs, data.targets).updated
    mini = network.step(replace(model, update="minibatch", batch_size=len(data)), data.inputs, data.targets).updated
    np.testing.assert_array_equal(batch.weights[0], mini.weights[0])


def test_momentum_and_adam_first_steps():
    model, data = _lecture_like()
    g = network.step(model, data.inputs, data.targets).backward.weight_gradients[1]
    mom = network.step(replace(model, optimizer=Optimizer("momentum")), data.inputs, data.targets).updated
    np.testing.assert_allclose(mom.weights[1], model.weights[1] - 0.5 * g)  # v starts at 0
    adam = network.step(replace(model, optimizer=Optimizer("adam")), data.inputs, data.targets).updated
    # Adam's first step moves every weight by about lr against the sign of its gradient
    np.testing.assert_allclose(adam.weights[1], model.weights[1] - 0.5 * np.sign(g), rtol=1e-6)


def test_step_activation_is_forward_only():
    model, data = _lecture_like()
    model = replace(model, activations=("step", "sigmoid"))
    network.forward(model, data.inputs)
    with pytest.raises(ValueError, match="no derivative"):
        network.step(model, data.inputs, data.targets)


def test_divergence_is_reported_with_its_epoch():
    model, data = _lecture_like()
    model = replace(model, activations=("linear", "linear"), learning_rate=50.0)
    with pytest.raises(network.Diverged) as caught:
        network.train(model, data.inputs, data.targets, 1000)
    assert 1 < caught.value.epoch < 1000
