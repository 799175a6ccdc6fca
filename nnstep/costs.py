"""Cost functions: the cost of one observation and its derivative by the output.

Step 4 of the lecture: Cost_i = 1/2 (yhat_i - y_i)^2, so error_ON = dCost/dyhat = yhat - y.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Cost:
    """C_i(yhat, y) per observation (summed over output nodes) and dC_i/dyhat per node."""

    name: str
    formula: str
    per_observation: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]


COSTS: dict[str, Cost] = {
    c.name: c
    for c in (
        Cost(
            "half_squared_error",
            "1/2 (yhat - y)^2",
            lambda yhat, y: 0.5 * np.sum((yhat - y) ** 2, axis=1),
            lambda yhat, y: yhat - y,
        ),
    )
}
