"""The fast training loop against the general path (`step` every epoch), and what train records."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnstep import fastpath, network
from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.network import Model


@pytest.fixture(scope="module")
def lecture():
    return load_model(lecture_file("model.yaml")), load_data(lecture_file("data.yaml"))


def _assert_same(fast: network.Training, general: network.Training, tol: float = 1e-12):
    assert fast.epochs == general.epochs and fast.goal_epoch == general.goal_epoch
    for a, b in zip(
        fast.last.updated.weights + fast.last.updated.biases, general.last.updated.weights + general.last.updated.biases
    ):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    np.testing.assert_allclose(fast.costs, general.costs, rtol=tol, atol=tol)


def test_lecture_8000_epochs_fast_equals_general(lecture):
    model, data = lecture
    assert fastpath.fast_path_applies(model)
    fast = network.train(model, data.inputs, data.targets, 8000)
    general = network.train(model, data.inputs, data.targets, 8000, fast=False)
    _assert_same(fast, general)
    assert len(fast.costs) == 8000 and fast.costs[0] == pytest.approx(1.5507276, abs=1e-7)


def test_lecture_goal_epoch_on_both_paths(lecture):
    model, data = lecture
    for fast in (True, False):
        t = network.train(model, data.inputs, data.targets, 10000, goal=0.001, fast=fast)
        assert t.goal_epoch == t.epochs == 7492 and len(t.costs) == 7492


@st.composite
def problems(draw):
    layers = (
        [draw(st.integers(1, 3))]
        + draw(st.lists(st.integers(1, 5), min_size=0, max_size=2))
        + [draw(st.integers(1, 2))]
    )
    hidden = st.sampled_from(["sigmoid", "tanh", "relu", "linear"])
    cost = draw(st.sampled_from(["half_squared_error", "squared_error", "binary_cross_entropy"]))
    output = "sigmoid" if cost == "binary_cross_entropy" else draw(hidden)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    model = Model(
        layers=tuple(layers),
        weights=tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        biases=tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        activations=tuple(draw(hidden) for _ in layers[2:]) + (output,),
        learning_rate=0.1,
        cost=cost,
        reduction=draw(st.sampled_from(["sum", "mean"])),
        update_biases=draw(st.booleans()),
    )
    rows = draw(st.integers(1, 12))
    x = rng.uniform(-2, 2, (rows, layers[0]))
    y = rng.uniform(0, 1, (rows, layers[-1]))
    return model, x, y


@settings(max_examples=60, deadline=None)
@given(problems(), st.sampled_from([1, 4, 1024]), st.integers(1, 30))
def test_random_networks_fast_equals_general(problem, block_rows, epochs):
    model, x, y = problem
    try:
        general = network.train(model, x, y, epochs, fast=False)
    except network.Diverged:
        general = None
    # runaway training (linear layers, say) amplifies rounding without bound: compare where it stays put
    assume(general is not None and max(np.abs(w).max() for w in general.last.updated.weights) < 1e3)
    old = fastpath.BLOCK_ROWS
    fastpath.BLOCK_ROWS = block_rows  # several blocks exercise the summing of the gradients
    try:
        fast = network.train(model, x, y, epochs)
    finally:
        fastpath.BLOCK_ROWS = old
    # one block sums the rows in the general path's order; several blocks add partial sums, whose
    # different rounding grows a little with every epoch (seen: 1.4e-12 after 17 epochs); so does
    # training whose cost goes up and down, too large a step (seen: 1.8e-12 after 20 epochs)
    steady = block_rows >= len(x) and bool(np.all(np.diff(general.costs) <= 0))
    _assert_same(fast, general, 1e-12 if steady else 1e-10)


@pytest.mark.parametrize("rows, cores, shards", [(20, 2, 2), (21, 2, 2), (45, 4, 4), (45, 8, 4), (19, 2, 1)])
def test_one_shard_per_core_on_threads_equals_the_general_path(monkeypatch, rows, cores, shards):
    rng = np.random.default_rng(rows)
    layers = (2, 5, 4, 1)
    model = Model(
        layers,
        tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        ("sigmoid", "tanh", "sigmoid"),
        0.3,
    )
    x, y = rng.uniform(-2, 2, (rows, 2)), rng.uniform(0, 1, (rows, 1))
    monkeypatch.setattr(fastpath, "SHARD_ROWS", 10)
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 4)
    monkeypatch.setattr(fastpath, "cores", lambda: cores)
    loop = network.fast_loop(model, x, y)
    assert len(loop.grads) == shards and (loop.pool is not None) == (shards > 1)
    _assert_same(network.train(model, x, y, 40), network.train(model, x, y, 40, fast=False))


def _blas_threads() -> int:
    from threadpoolctl import threadpool_info

    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_blas_runs_on_one_thread_per_shard_on_every_path(monkeypatch):
    """Where BLAS would start threads of its own (a large enough product), every training loop
    holds it to one thread: the fast path with one shard or several, and the general path."""
    pytest.importorskip("threadpoolctl")
    layers = (2, 64, 64, 1)
    rng = np.random.default_rng(0)
    model = Model(
        layers,
        tuple(rng.uniform(-1, 1, (a, b)) / 8 for a, b in zip(layers, layers[1:])),
        tuple(np.zeros(b) for b in layers[1:]),
        ("sigmoid",) * 3,
        1e-4,
    )
    x, y = rng.uniform(-2, 2, (300, 2)), rng.uniform(0, 1, (300, 1))
    assert fastpath.blas_would_thread(300, layers) and not fastpath.blas_would_thread(10, (2, 3, 1))
    seen = []
    for loop in (network.fast_loop(model, x, y), network._GeneralLoop(model, x, y)):
        with loop.running():
            seen.append(_blas_threads())
    monkeypatch.setattr(fastpath, "SHARD_ROWS", 100)
    monkeypatch.setattr(fastpath, "cores", lambda: 2)
    sharded = network.fast_loop(model, x, y)
    assert sharded.pool is not None
    with sharded.running():
        seen.append(_blas_threads())
    assert seen == [1, 1, 1]


@pytest.mark.parametrize("rows, frozen", [(30, False), (45, True)])
def test_sums_alone_equal_the_records_per_row(monkeypatch, rows, frozen):
    """per_row=False: a shown epoch by the fast loop's own sums, without a record per row."""
    rng = np.random.default_rng(rows)
    layers = (2, 4, 1)
    model = Model(
        layers,
        tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
        tuple(rng.uniform(-1, 1, b) for b in layers[1:]),
        ("tanh", "sigmoid"),
        0.2,
        update_biases=not frozen,
    )
    x, y = rng.uniform(-2, 2, (rows, 2)), rng.uniform(0, 1, (rows, 1))
    monkeypatch.setattr(fastpath, "SHARD_ROWS", 10)
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 4)
    full = network.train(model, x, y, 25, snapshots=[3, 10])
    sums = network.train(model, x, y, 25, snapshots=[3, 10], per_row=False)
    assert isinstance(sums.last, network.Sums) and sums.last.cost.observations.size == 0
    others = [k for k in range(25) if k + 1 not in (3, 10, 25)]  # epochs not shown: the loop's sums on both
    np.testing.assert_array_equal(sums.costs[others], full.costs[others])
    np.testing.assert_allclose(sums.costs, full.costs, rtol=1e-12)
    for (n, a), (m, b) in zip(full.snapshots + ((25, full.last),), sums.snapshots + ((25, sums.last),)):
        assert n == m
        assert b.cost.sum == pytest.approx(a.cost.sum, rel=1e-12)
        assert b.cost.mean == pytest.approx(a.cost.mean, rel=1e-12)
        for p, q in zip(a.updated.weights + a.updated.biases, b.updated.weights + b.updated.biases):
            np.testing.assert_allclose(q, p, rtol=1e-12, atol=1e-12)
        for p, q in zip(a.model.weights, b.model.weights):
            np.testing.assert_array_equal(q, p)
    # a snapshot's sums leave the training that follows it as it was
    np.testing.assert_array_equal(network.train(model, x, y, 25, per_row=False).costs, sums.costs)


def test_ctrl_c_with_sums_alone_shows_the_last_completed_epoch(lecture):
    model, data = lecture

    def interrupt(epoch):
        if epoch == 7:
            raise KeyboardInterrupt

    t = network.train(model, data.inputs, data.targets, 100, on_epoch=interrupt, per_row=False)
    single = network.train(model, data.inputs, data.targets, 7)
    assert t.interrupted and t.epochs == 7 and isinstance(t.last, network.Sums)
    assert t.last.cost.sum == pytest.approx(single.last.cost.sum, rel=1e-12)
    np.testing.assert_allclose(t.last.updated.weights[0], single.last.updated.weights[0], rtol=1e-12)


def test_other_conventions_take_the_general_path(lecture):
    model, _ = lecture
    from nnstep.optimizers import Optimizer

    for other in (
        replace(model, update="online"),
        replace(model, optimizer=Optimizer("adam")),
        replace(model, layer_updates="sequential"),
        replace(model, activations=("sigmoid", "softmax")),
    ):
        assert not fastpath.fast_path_applies(other)


@pytest.mark.parametrize("fast", [True, False])
def test_snapshots_equal_single_runs(lecture, fast):
    model, data = lecture
    t = network.train(model, data.inputs, data.targets, 120, snapshots=[1, 10, 100], fast=fast)
    assert [e for e, _ in t.snapshots] == [1, 10, 100]
    for epoch, snap in t.snapshots:
        single = network.train(model, data.inputs, data.targets, epoch, fast=fast).last
        assert snap.cost.sum == single.cost.sum
        for a, b in zip(
            [*snap.updated.weights, *snap.forward.activations], [*single.updated.weights, *single.forward.activations]
        ):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fast", [True, False])
def test_ctrl_c_stops_at_the_last_completed_epoch(lecture, fast):
    model, data = lecture

    def interrupt(epoch):
        if epoch == 25:
            raise KeyboardInterrupt

    t = network.train(model, data.inputs, data.targets, 1000, on_epoch=interrupt, fast=fast)
    assert t.interrupted and t.epochs == 25 and len(t.costs) == 25
    single = network.train(model, data.inputs, data.targets, 25, fast=fast)
    np.testing.assert_array_equal(t.last.updated.weights[0], single.last.updated.weights[0])
    assert t.last.cost.sum == single.last.cost.sum


def test_ctrl_c_after_the_first_epoch_still_shows_it(lecture):
    model, data = lecture

    def interrupt(epoch):
        raise KeyboardInterrupt

    t = network.train(model, data.inputs, data.targets, 10, on_epoch=interrupt)
    assert t.epochs == 1 and t.interrupted
    assert t.last.cost.sum == pytest.approx(1.5507276, abs=1e-7)


@pytest.mark.parametrize("activations, learning_rate", [(("linear", "linear"), 50.0), (("sigmoid", "linear"), 30.0)])
def test_divergence_is_reported_at_the_same_epoch_on_both_paths(lecture, monkeypatch, activations, learning_rate):
    model, data = lecture
    model = replace(model, activations=activations, learning_rate=learning_rate)
    with pytest.raises(network.Diverged) as caught:
        network.train(model, data.inputs, data.targets, 1000, fast=False)
    for every in (1, 7, 1024):  # the fast path checks the weights every CHECK_EVERY updates
        monkeypatch.setattr(fastpath, "CHECK_EVERY", every)
        with pytest.raises(network.Diverged) as fast:
            network.train(model, data.inputs, data.targets, 1000)
        assert fast.value.epoch == caught.value.epoch


def test_fast_sigmoid_is_within_1e_12_of_the_formula(monkeypatch):
    """The fast path writes f(z) = 1 - 1 / (1 + e^z); the lecture writes 1 / (1 + e^-z)."""
    z = np.concatenate([np.linspace(-800, 800, 1601), np.linspace(-6, 6, 1201)])
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", len(z))
    model = Model((1, 1), (np.ones((1, 1)),), (np.zeros(1),), ("sigmoid",), 0.5)
    loop = network.fast_loop(model, z[:, None], np.zeros((len(z), 1)))
    with np.errstate(over="ignore"):
        loop.forward()
        exact = 1.0 / (1.0 + np.exp(-z))
    yhat = loop.plans[0][0][0].cost.output
    np.testing.assert_allclose(yhat[0], exact, rtol=0, atol=1e-12)


def test_the_fast_path_needs_nothing_of_network():
    """fastpath.py sits below network.py: importing it loads no network.py (no import cycle)."""
    import subprocess
    import sys

    code = "import sys, nnstep.fastpath; print('nnstep.network' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_both_loops_keep_the_contract(lecture):
    """Every member of network.TrainingLoop exists on both loops (mypy checks the signatures)."""
    model, data = lecture
    members = [m for m in vars(network.TrainingLoop) if not m.startswith("_")] + ["completed"]
    for loop in (
        network.fast_loop(model, data.inputs, data.targets),
        network._GeneralLoop(model, data.inputs, data.targets),
    ):
        assert all(hasattr(loop, m) for m in members), type(loop)
