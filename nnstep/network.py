"""The numeric core: a dense feed-forward network, one step of the lecture's cycle at a time.

Steps 3-6 of the lecture: forward propagation, cost, backpropagation, weight update, and the
repetition of them over epochs. Arrays hold one row per observation. Nothing here reads files
or prints; every function returns plain records that the tables and the JSON output lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np

from .activations import ACTIVATIONS
from .costs import COSTS


@dataclass(frozen=True)
class Model:
    """A network design (Step 1) and its weights (Step 2).

    weights[l][i, j] is the weight from node i of layer l to node j of layer l + 1;
    biases[l][j] is the bias of node j of layer l + 1; activations[l] names f of layer l + 1.
    """

    layers: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activations: tuple[str, ...]
    learning_rate: float
    cost: str = "half_squared_error"


@dataclass(frozen=True)
class ForwardPass:
    """Step 3: input sums z and activations a = f(z) of every non-input layer, per observation."""

    inputs: np.ndarray
    input_sums: list[np.ndarray]
    activations: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.activations[-1]

    def layer_inputs(self, layer: int) -> np.ndarray:
        """The values feeding weight layer `layer`: the data for 0, else the previous activations."""
        return self.inputs if layer == 0 else self.activations[layer - 1]


@dataclass(frozen=True)
class CostSummary:
    """Step 4: the cost of every observation, their sum (the slides' Sigma) and their mean C(W)."""

    observations: np.ndarray
    sum: float
    mean: float


@dataclass(frozen=True)
class Backward:
    """Step 5: error = dCost/d(output of node) and BPE = dCost/d(input of node), per observation,
    and the gradients summed over observations: dC/dw_ij = sum_i BPE_j a_i, dC/db_j = sum_i BPE_j."""

    errors: list[np.ndarray]
    bpes: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]


def forward(model: Model, inputs: np.ndarray) -> ForwardPass:
    """Step 3: z = a_prev W + b, a = f(z), layer by layer."""
    sums, acts = [], []
    a = inputs
    for w, b, name in zip(model.weights, model.biases, model.activations):
        z = a @ w + b
        a = ACTIVATIONS[name].f(z)
        sums.append(z)
        acts.append(a)
    return ForwardPass(inputs, sums, acts)


def cost(model: Model, fp: ForwardPass, targets: np.ndarray) -> CostSummary:
    """Step 4: Cost_i per observation, Sigma = sum_i Cost_i, C(W) = Sigma / N."""
    per_row = COSTS[model.cost].per_observation(fp.output, targets)
    total = float(per_row.sum())
    return CostSummary(per_row, total, total / len(per_row))


def backprop(model: Model, fp: ForwardPass, targets: np.ndarray) -> Backward:
    """Step 5: error_ON = dC/dyhat; BPE = error * f'(z); error_H = BPE_next W^T; gradients summed."""
    n_layers = len(model.weights)
    errors: list[np.ndarray] = [np.empty(0)] * n_layers
    bpes: list[np.ndarray] = [np.empty(0)] * n_layers
    grad_w: list[np.ndarray] = [np.empty(0)] * n_layers
    grad_b: list[np.ndarray] = [np.empty(0)] * n_layers
    error = COSTS[model.cost].derivative(fp.output, targets)
    for layer in reversed(range(n_layers)):
        z, a = fp.input_sums[layer], fp.activations[layer]
        bpe = error * ACTIVATIONS[model.activations[layer]].df(z, a)
        errors[layer], bpes[layer] = error, bpe
        grad_w[layer] = fp.layer_inputs(layer).T @ bpe
        grad_b[layer] = bpe.sum(axis=0)
        error = bpe @ model.weights[layer].T
    return Backward(errors, bpes, grad_w, grad_b)


def update(model: Model, bw: Backward) -> Model:
    """Step 6, full batch: w -= lr * sum_i BPE_to,i a_from,i and b -= lr * sum_i BPE_node,i."""
    lr = model.learning_rate
    return replace(
        model,
        weights=tuple(w - lr * g for w, g in zip(model.weights, bw.weight_gradients)),
        biases=tuple(b - lr * g for b, g in zip(model.biases, bw.bias_gradients)),
    )


@dataclass(frozen=True)
class Step:
    """One epoch of the cycle: the forward pass made with `model`, its cost, backprop, and the
    model after the update."""

    model: Model
    forward: ForwardPass
    cost: CostSummary
    backward: Backward
    updated: Model


def step(model: Model, inputs: np.ndarray, targets: np.ndarray) -> Step:
    """Steps 3-6 once: forward pass, cost, backpropagation and one full-batch update."""
    fp = forward(model, inputs)
    bw = backprop(model, fp, targets)
    return Step(model, fp, cost(model, fp, targets), bw, update(model, bw))


@dataclass(frozen=True)
class Training:
    """Repeated steps. `last` is epoch `epochs` (forward pass with the weights after epochs - 1
    updates, `last.updated` the weights after `epochs` updates), as an "After N epochs" slide shows.
    `goal_epoch` is the first epoch whose Sigma fell below the goal, if one was set and met."""

    epochs: int
    last: Step
    goal_epoch: Optional[int]


def train(
    model: Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    epochs: int,
    goal: Optional[float] = None,
    on_epoch: Optional[Callable[[int], None]] = None,
) -> Training:
    """Repeat Steps 3-6 `epochs` times, or until the first epoch whose Sigma is below `goal`."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    for epoch in range(1, epochs + 1):
        s = step(model, inputs, targets)
        if on_epoch is not None:
            on_epoch(epoch)
        met = goal is not None and s.cost.sum < goal
        if met or epoch == epochs:
            return Training(epoch, s, epoch if met else None)
        model = s.updated
    raise AssertionError("unreachable")

