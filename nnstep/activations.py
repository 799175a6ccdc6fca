"""Activation functions f and their derivatives f', by name.

Step 1 b) of the lecture: "Define the activation function on the hidden and output layer".
The lecture uses the sigmoid everywhere; the others are the menu of the course slides (003).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Activation:
    """f(z); f'(z) given the input sum z and the activation a = f(z) (None where f' is not
    elementwise or does not exist); `output_only` for softmax, `trainable` False for step."""

    name: str
    formula: str
    derivative_formula: str | None  # f'(x) as the slides write it (Step 5), None where not elementwise
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    output_only: bool = False
    trainable: bool = True
    within_0_1: bool = False  # every f(x) lies in (0, 1), as log(yhat) of a cross-entropy needs

    def problem(self, nodes: int) -> str | None:
        """What makes this activation unusable on a layer of `nodes` nodes, if anything."""
        if self.name == "softmax" and nodes < 2:
            return "softmax needs at least 2 nodes on its layer (on one node it is always 1)"
        return None

    def bpe(self, z: np.ndarray, a: np.ndarray, error: np.ndarray) -> np.ndarray:
        """BPE = dCost/dz from error = dCost/da: error * f'(z), or the Jacobian product for softmax."""
        if self.name == "softmax":
            # dCost/dz_k = a_k (error_k - sum_j error_j a_j)
            return a * (error - np.sum(error * a, axis=1, keepdims=True))
        if self.df is None:
            raise ValueError(f"the {self.name} activation has no derivative: it cannot be trained")
        return error * self.df(z, a)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-z), written with tanh so that no large |z| overflows
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        # f(x) = 1 / (1 + e^-x); f'(x) = f(x)(1 - f(x))  (Step 5 a, convention 1)
        Activation(
            "sigmoid", "1 / (1 + e^-x)", "f(x)(1 - f(x))", _sigmoid, lambda z, a: a * (1.0 - a), within_0_1=True
        ),
        Activation("tanh", "tanh(x)", "1 - f(x)^2", np.tanh, lambda z, a: 1.0 - a * a),
        Activation(
            "relu", "max(0, x)", "1 for x > 0, else 0", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)
        ),
        Activation("linear", "x", "1", lambda z: z, lambda z, a: np.ones_like(z)),
        Activation("softmax", "e^x_k / sum_j e^x_j", None, _softmax, None, output_only=True, within_0_1=True),
        Activation("step", "1 if x > 0 else 0", None, lambda z: (z > 0).astype(float), None, trainable=False),
    )
}
