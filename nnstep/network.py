"""The numeric core: a dense feed-forward network, one step of the lecture's cycle at a time.

Steps 3-6 of the lecture: forward propagation, cost, backpropagation, weight update, and the
repetition of them over epochs. Arrays hold one row per observation. Nothing here reads files
or prints; every function returns plain records that the tables and the JSON output lay out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np

from .activations import ACTIVATIONS
from .costs import COSTS
from .optimizers import Optimizer, OptimizerState, descend


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
    reduction: str = "sum"  # sum (the lecture) or mean of the costs over observations
    update: str = "batch"  # batch (the lecture), online (one row at a time), minibatch
    batch_size: int = 1  # rows per update with update == "minibatch"
    layer_updates: str = "simultaneous"  # or sequential: hidden errors through updated weights
    update_biases: bool = True
    has_biases: bool = True  # False: a network without biases (they stay 0 and are not shown)
    optimizer: Optimizer = Optimizer()


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
    """Step 4: the cost of every observation, their sum (the slides' Sigma), their mean C(W), and
    the objective that training minimizes (the sum or the mean, by the model's reduction)."""

    observations: np.ndarray
    sum: float
    mean: float
    objective: float


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
    mean = total / len(per_row)
    return CostSummary(per_row, total, mean, total if model.reduction == "sum" else mean)


def backprop(
    model: Model,
    fp: ForwardPass,
    targets: np.ndarray,
    descend_layer: Optional[Callable[[int, np.ndarray, np.ndarray], np.ndarray]] = None,
) -> Backward:
    """Step 5: error_ON = dC/dyhat; BPE = error * f'(z); error_H = BPE_next W^T; gradients summed
    over observations (divided by their number with reduction "mean").

    `descend_layer(layer, grad_w, grad_b)`, when given, is called as soon as a layer's gradients are
    known and returns the weights the error propagates back through (the updated ones for
    sequential layer updates)."""
    n_layers = len(model.weights)
    scale = 1.0 / len(targets) if model.reduction == "mean" else 1.0
    errors: list[np.ndarray] = [np.empty(0)] * n_layers
    bpes: list[np.ndarray] = [np.empty(0)] * n_layers
    grad_w: list[np.ndarray] = [np.empty(0)] * n_layers
    grad_b: list[np.ndarray] = [np.empty(0)] * n_layers
    error = COSTS[model.cost].derivative(fp.output, targets)
    for layer in reversed(range(n_layers)):
        z, a = fp.input_sums[layer], fp.activations[layer]
        bpe = ACTIVATIONS[model.activations[layer]].bpe(z, a, error)
        errors[layer], bpes[layer] = error, bpe
        grad_w[layer] = fp.layer_inputs(layer).T @ bpe
        grad_b[layer] = bpe.sum(axis=0)
        if scale != 1.0:
            grad_w[layer] *= scale
            grad_b[layer] *= scale
        through = model.weights[layer] if descend_layer is None else descend_layer(layer, grad_w[layer], grad_b[layer])
        error = bpe @ through.T
    return Backward(errors, bpes, grad_w, grad_b)


def descend_batch(
    model: Model, fp: ForwardPass, targets: np.ndarray, state: Optional[OptimizerState] = None
) -> tuple[Backward, Model]:
    """Steps 5-6 on one batch: backpropagation, and one update of every weight and bias by the
    model's optimizer (Step 6: w -= lr * sum_i BPE_to,i a_from,i; b -= lr * sum_i BPE_node,i)."""
    state = state if state is not None else OptimizerState()
    state.steps += 1
    weights, biases = list(model.weights), list(model.biases)
    opt, lr = model.optimizer, model.learning_rate

    def descend_layer(layer: int, grad_w: np.ndarray, grad_b: np.ndarray) -> np.ndarray:
        weights[layer] = descend(opt, lr, f"w{layer}", model.weights[layer], grad_w, state)
        if model.update_biases and model.has_biases:
            biases[layer] = descend(opt, lr, f"b{layer}", model.biases[layer], grad_b, state)
        return weights[layer] if model.layer_updates == "sequential" else model.weights[layer]

    bw = backprop(model, fp, targets, descend_layer)
    return bw, replace(model, weights=tuple(weights), biases=tuple(biases))


def batches(rows: int, model: Model) -> list[slice]:
    """The rows of each update within one epoch: all rows (batch), one at a time in file order
    (online), or consecutive groups of batch_size (minibatch)."""
    size = {"batch": rows, "online": 1}.get(model.update, model.batch_size)
    return [slice(start, start + size) for start in range(0, rows, size)]


@dataclass(frozen=True)
class Step:
    """One epoch of the cycle: the forward pass made with `model`, its cost, its backprop (the
    gradients over all rows), and the model after the epoch's update(s)."""

    model: Model
    forward: ForwardPass
    cost: CostSummary
    backward: Backward
    updated: Model


def step(model: Model, inputs: np.ndarray, targets: np.ndarray, state: Optional[OptimizerState] = None) -> Step:
    """Steps 3-6 once: forward pass, cost, backpropagation and the epoch's updates (one for the
    lecture's full batch; one per row or per minibatch otherwise)."""
    fp = forward(model, inputs)
    c = cost(model, fp, targets)
    if model.update == "batch":
        bw, updated = descend_batch(model, fp, targets, state)
        return Step(model, fp, c, bw, updated)
    state = state if state is not None else OptimizerState()
    bw = backprop(model, fp, targets)
    updated = model
    for rows in batches(len(inputs), model):
        _, updated = descend_batch(updated, forward(updated, inputs[rows]), targets[rows], state)
    return Step(model, fp, c, bw, updated)


class Diverged(ArithmeticError):
    """Training left the finite numbers (too large a learning rate, for example)."""

    def __init__(self, epoch: int):
        self.epoch = epoch
        super().__init__(f"training diverged at epoch {epoch:,}: the cost or a weight is no longer a finite number")


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
    """Repeat Steps 3-6 `epochs` times, or until the first epoch whose cost (Sigma for the
    lecture's sum reduction, C(W) for mean) is below `goal`."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    state = OptimizerState()
    for epoch in range(1, epochs + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            s = step(model, inputs, targets, state)
        if not (math.isfinite(s.cost.objective) and all(np.isfinite(w).all() for w in s.updated.weights)):
            raise Diverged(epoch)
        if on_epoch is not None:
            on_epoch(epoch)
        met = goal is not None and s.cost.objective < goal
        if met or epoch == epochs:
            return Training(epoch, s, epoch if met else None)
        model = s.updated
    raise AssertionError("unreachable")

