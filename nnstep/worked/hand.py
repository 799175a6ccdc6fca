"""The numbers of one step (Steps 3-5) as the worked formulas use them, per observation.

`exact_values` takes them from the core at full precision. `hand_values` recomputes them the way a
person with a calculator does: every intermediate value rounded (half up) to K decimals before it
is used, so that a student can tell their rounding from their mistake. The hand-rounded path is
kept out of the core on purpose; it is an explicit recomputation with a rounding function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from .. import network
from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..network import Model

Rounding = Callable[[np.ndarray], np.ndarray]


def no_rounding(values: np.ndarray) -> np.ndarray:
    return values


def half_up(decimals: int) -> Rounding:
    """Round as a calculator user does: the 12-digit display value, then half away from zero to
    `decimals` decimals (so -0.6125 becomes -0.613 even where binary floating point is a hair off)."""
    quantum = Decimal(1).scaleb(-decimals)

    def one(x: float) -> float:
        return float(Decimal(f"{x:.12g}").quantize(quantum, rounding=ROUND_HALF_UP))

    vectorized = np.vectorize(one, otypes=[float])
    return lambda values: vectorized(values)


@dataclass(frozen=True)
class Values:
    """Per layer after the input layer, one row per observation: input sums z, activations a = f(z),
    slopes f'(z), errors and BPEs; costs per observation. `rnd` is the rounding that was applied
    to every intermediate value (no_rounding for the core's numbers)."""

    model: Model
    inputs: np.ndarray
    targets: np.ndarray
    input_sums: list[np.ndarray]
    activations: list[np.ndarray]
    slopes: list[np.ndarray | None]
    costs: np.ndarray
    errors: list[np.ndarray]
    bpes: list[np.ndarray]
    rnd: Rounding

    def layer_inputs(self, layer: int) -> np.ndarray:
        """The values feeding weight layer `layer`: the data for 0, else the previous activations."""
        return self.inputs if layer == 0 else self.activations[layer - 1]


def _slope(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray | None:
    """f'(z) for an elementwise activation; None for softmax, whose BPE mixes the layer's nodes."""
    df = ACTIVATIONS[name].df
    return None if df is None else df(z, a)


def exact_values(model: Model, inputs: np.ndarray, targets: np.ndarray) -> Values:
    """The core's own numbers, unrounded."""
    fp = network.forward(model, inputs)
    costs = network.cost(model, fp, targets).observations
    slopes = [_slope(name, z, a) for name, z, a in zip(model.activations, fp.input_sums, fp.activations)]
    if not _trainable(model):  # the step activation: a forward pass only
        return Values(model, inputs, targets, fp.input_sums, fp.activations, slopes, costs, [], [], no_rounding)
    bw = network.backprop(model, fp, targets)
    return Values(model, inputs, targets, fp.input_sums, fp.activations, slopes, costs, bw.errors, bw.bpes, no_rounding)


def _trainable(model: Model) -> bool:
    return all(ACTIVATIONS[name].trainable for name in model.activations)


def hand_values(model: Model, inputs: np.ndarray, targets: np.ndarray, rnd: Rounding) -> Values:
    """Steps 3-5 with every product, sum, f(z), f'(z), error and BPE rounded by `rnd` before use.

    The data are taken to K decimals as written down; z_j = rnd(sum_i rnd(a_i w_ij) + b_j),
    a = rnd(f(z)), f'(z) = rnd(f'(z, a)) from the rounded z and a, error_ON = rnd(yhat - y),
    BPE = rnd(error * f'(z)), error_H = rnd(sum_k rnd(BPE_k w_Hk)).
    """
    sums, acts, slopes = [], [], []
    a = inputs = rnd(inputs)  # the data as written down, to K decimals
    for w, b, name in zip(model.weights, model.biases, model.activations):
        z = rnd(rnd(a[:, :, None] * w[None, :, :]).sum(axis=1) + b)
        f = ACTIVATIONS[name]
        a = rnd(f.f(z))
        sums.append(z)
        acts.append(a)
        slope = _slope(name, z, a)
        slopes.append(None if slope is None else rnd(slope))
    cost = COSTS[model.cost]
    diff = rnd(a - targets)
    costs = (
        rnd(0.5 * rnd(diff**2)).sum(axis=1) if model.cost == "half_squared_error" else cost.per_observation(a, targets)
    )
    if not _trainable(model):  # the step activation: a forward pass only
        return Values(model, inputs, targets, sums, acts, slopes, rnd(costs), [], [], rnd)
    n_layers = len(model.weights)
    errors: list[np.ndarray] = [np.empty(0)] * n_layers
    bpes: list[np.ndarray] = [np.empty(0)] * n_layers
    error = rnd(cost.derivative(a, targets))
    for layer in reversed(range(n_layers)):
        if slopes[layer] is None:
            bpe = rnd(ACTIVATIONS[model.activations[layer]].bpe(sums[layer], acts[layer], error))
        else:
            bpe = rnd(error * slopes[layer])
        errors[layer], bpes[layer] = error, bpe
        error = rnd(rnd(bpe[:, None, :] * model.weights[layer][None, :, :]).sum(axis=2))
    return Values(model, inputs, targets, sums, acts, slopes, rnd(costs), errors, bpes, rnd)
