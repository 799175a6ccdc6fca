"""Cost functions: the cost of one observation and its derivative by the output.

Step 4 of the lecture: Cost_i = 1/2 (yhat_i - y_i)^2, so error_ON = dCost/dyhat = yhat - y.
The others are those of the course slides (003): squared error and the cross-entropies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Cross-entropies take log(yhat): keep yhat inside (0, 1) so that a saturated output gives a
# large finite cost instead of infinity.
_EPS = 1e-15


def _clip(yhat: np.ndarray) -> np.ndarray:
    return np.clip(yhat, _EPS, 1.0 - _EPS)


@dataclass(frozen=True)
class Cost:
    """C_i(yhat, y) per observation (summed over output nodes) and dC_i/dyhat per node."""

    name: str
    formula: str
    error_formula: str  # error_ON = dC_i/dyhat as the worked formulas write it (Step 5)
    per_observation: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    needs_0_1: bool = False  # log(yhat) and log(1 - yhat): the outputs must lie in (0, 1)
    min_outputs: int = 1

    def problem(self, outputs: int, output_within_0_1: bool) -> str | None:
        """What makes this cost unusable on the network's output layer, if anything."""
        if outputs < self.min_outputs:
            return f"{self.name} needs at least {self.min_outputs} output nodes, one per class"
        if self.needs_0_1 and not output_within_0_1:
            return f"{self.name} takes log(yhat): the output activation must give values in (0, 1) (sigmoid or softmax)"
        return None


COSTS: dict[str, Cost] = {
    c.name: c
    for c in (
        Cost(
            "half_squared_error",
            "1/2 (yhat - y)^2",
            "yhat - y",
            lambda yhat, y: 0.5 * np.sum((yhat - y) ** 2, axis=1),
            lambda yhat, y: yhat - y,
        ),
        Cost(
            "squared_error",
            "(yhat - y)^2",
            "2 (yhat - y)",
            lambda yhat, y: np.sum((yhat - y) ** 2, axis=1),
            lambda yhat, y: 2.0 * (yhat - y),
        ),
        Cost(
            "binary_cross_entropy",
            "-(y log yhat + (1 - y) log(1 - yhat))",
            "(yhat - y) / (yhat (1 - yhat))",
            lambda yhat, y: -np.sum(y * np.log(_clip(yhat)) + (1 - y) * np.log(1 - _clip(yhat)), axis=1),
            lambda yhat, y: (_clip(yhat) - y) / (_clip(yhat) * (1 - _clip(yhat))),
            needs_0_1=True,
        ),
        Cost(
            "categorical_cross_entropy",
            "-sum_k y_k log yhat_k",
            "-y / yhat",
            lambda yhat, y: -np.sum(y * np.log(_clip(yhat)), axis=1),
            lambda yhat, y: -y / _clip(yhat),
            needs_0_1=True,
            min_outputs=2,
        ),
    )
}
