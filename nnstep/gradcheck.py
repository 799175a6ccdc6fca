"""Gradient check: every backprop gradient against a central finite difference of the cost.

dC/dw ~ (C(w + h) - C(w - h)) / 2h, where C is the objective training minimizes (the sum of the
costs for the lecture). A relative difference near 1e-8 or below says backpropagation is right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .network import Model, backprop, cost, forward


@dataclass(frozen=True)
class GradientCheck:
    """Per parameter: (kind "w" or "b", layer, index), backprop's value, the finite difference and
    their relative difference |a - b| / max(|a|, |b|, floor)."""

    rows: list[tuple[str, int, tuple[int, ...], float, float, float]]

    @property
    def largest(self) -> float:
        return max((r[5] for r in self.rows), default=0.0)


def _objective(model: Model, inputs: np.ndarray, targets: np.ndarray) -> float:
    return cost(model, forward(model, inputs), targets).objective


def gradient_check(
    model: Model, inputs: np.ndarray, targets: np.ndarray, h: float = 1e-5, floor: float = 1e-4
) -> GradientCheck:
    """Compare backprop's summed gradients with central differences for every weight and bias.

    A central difference carries a rounding error of about 1e-16 |C| / h (~1e-11 here), so the
    relative difference of a gradient smaller than `floor` is taken against `floor` instead."""
    bw = backprop(model, forward(model, inputs), targets)
    rows = []
    kinds = [("w", model.weights, bw.weight_gradients)]
    if model.has_biases:
        kinds.append(("b", model.biases, bw.bias_gradients))
    for kind, arrays, grads in kinds:
        for layer, values in enumerate(arrays):
            for idx in np.ndindex(values.shape):
                numeric = _central_difference(model, inputs, targets, kind, layer, idx, h)
                analytic = float(grads[layer][idx])
                scale = max(abs(analytic), abs(numeric), floor)
                rows.append((kind, layer, idx, analytic, numeric, abs(analytic - numeric) / scale))
    return GradientCheck(rows)


def _central_difference(model, inputs, targets, kind, layer, idx, h) -> float:
    def shifted(delta: float) -> Model:
        arrays = list(model.weights if kind == "w" else model.biases)
        arrays[layer] = arrays[layer].copy()
        arrays[layer][idx] += delta
        return replace(model, **{"weights" if kind == "w" else "biases": tuple(arrays)})

    return (_objective(shifted(h), inputs, targets) - _objective(shifted(-h), inputs, targets)) / (2 * h)
