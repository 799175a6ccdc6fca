"""The numeric core against independent oracles: finite differences and the update rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnstep import network
from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.network import Model


@pytest.fixture(scope="module")
def lecture():
    return load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))


def _cost_sum(model, x, y):
    return network.cost(model, network.forward(model, x), y).sum


def _finite_difference(model, x, y, h=1e-6):
    """Central differences of Sigma by every weight and bias."""
    grads_w, grads_b = [], []
    for l, w in enumerate(model.weights):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            plus, minus = [list(model.weights) for _ in range(2)]
            plus[l] = w.copy()
            plus[l][idx] += h
            minus[l] = w.copy()
            minus[l][idx] -= h
            g[idx] = (_cost_sum(_with(model, weights=plus), x, y) - _cost_sum(_with(model, weights=minus), x, y)) / (
                2 * h
            )
        grads_w.append(g)
    for l, b in enumerate(model.biases):
        g = np.zeros_like(b)
        for j in range(len(b)):
            plus, minus = [list(model.biases) for _ in range(2)]
            plus[l] = b.copy()
            plus[l][j] += h
            minus[l] = b.copy()
            minus[l][j] -= h
            g[j] = (_cost_sum(_with(model, biases=plus), x, y) - _cost_sum(_with(model, biases=minus), x, y)) / (2 * h)
        grads_b.append(g)
    return grads_w, grads_b


def _with(model, **arrays):
    from dataclasses import replace

    return replace(model, **{k: tuple(v) for k, v in arrays.items()})


def _assert_gradients_match(model, x, y):
    bw = network.backprop(model, network.forward(model, x), y)
    fd_w, fd_b = _finite_difference(model, x, y)
    for got, want in zip(bw.weight_gradients + bw.bias_gradients, fd_w + fd_b):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_lecture_gradients_equal_finite_differences(lecture):
    model, data = lecture
    _assert_gradients_match(model, data.inputs, data.targets)


@settings(max_examples=25, deadline=None)
@given(
    layers=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    rows=st.integers(1, 5),
    seed=st.integers(0, 2**31),
    activation=st.sampled_from(["sigmoid", "tanh", "linear"]),
)
def test_random_network_gradients_equal_finite_differences(layers, rows, seed, activation):
    rng = np.random.default_rng(seed)
    model = Model(
        layers=tuple(layers),
        weights=tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        biases=tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        activations=(activation,) * (len(layers) - 1),
        learning_rate=0.5,
    )
    x = rng.uniform(-2, 2, (rows, layers[0]))
    y = rng.uniform(0, 1, (rows, layers[-1]))
    _assert_gradients_match(model, x, y)


def test_update_subtracts_learning_rate_times_summed_gradient(lecture):
    model, data = lecture
    s = network.step(model, data.inputs, data.targets)
    for w, g, new in zip(model.weights, s.backward.weight_gradients, s.updated.weights):
        np.testing.assert_array_equal(new, w - 0.5 * g)
    # dC/dw(H1 -> ON) = sum_i BPE_ON,i * a_H1,i (lecture-dataset.md, convention 4)
    expected = np.sum(s.backward.bpes[1][:, 0] * s.forward.activations[0][:, 0])
    assert s.backward.weight_gradients[1][0, 0] == pytest.approx(expected)


def test_training_one_epoch_is_one_step(lecture):
    model, data = lecture
    s = network.step(model, data.inputs, data.targets)
    t = network.train(model, data.inputs, data.targets, 1)
    assert t.epochs == 1 and t.goal_epoch is None
    np.testing.assert_array_equal(t.last.updated.weights[0], s.updated.weights[0])


def test_training_goal_is_first_met_after_7491_updates(lecture):
    model, data = lecture
    t = network.train(model, data.inputs, data.targets, 10000, goal=0.001)
    assert t.goal_epoch == 7492
    assert t.last.cost.sum < 0.001
    before = network.train(model, data.inputs, data.targets, 7491)
    assert before.last.cost.sum >= 0.001


def test_training_rejects_zero_epochs(lecture):
    model, data = lecture
    with pytest.raises(ValueError):
        network.train(model, data.inputs, data.targets, 0)
