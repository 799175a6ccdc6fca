"""Activation functions f and their derivatives f', by name.

Step 1 b) of the lecture: "Define the activation function on the hidden and output layer".
The lecture uses the sigmoid everywhere; the others are the menu of the course slides (003).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    """f(z), and f'(z) given both the input sum z and the activation a = f(z)."""

    name: str
    formula: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-z), written with tanh so that no large |z| overflows
    return 0.5 * (1.0 + np.tanh(0.5 * z))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        # f(x) = 1 / (1 + e^-x); f'(x) = f(x)(1 - f(x))  (Step 5 a, convention 1)
        Activation("sigmoid", "1 / (1 + e^-x)", _sigmoid, lambda z, a: a * (1.0 - a)),
        Activation("tanh", "tanh(x)", np.tanh, lambda z, a: 1.0 - a * a),
        Activation("relu", "max(0, x)", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
        Activation("linear", "x", lambda z: z, lambda z, a: np.ones_like(z)),
    )
}
