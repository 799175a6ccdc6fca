"""Regularisation: a penalty on the size of the weights, added to the cost (Step 4) and to every
weight's gradient (Step 5).

L2: penalty λ/2 Σ w², gradient λ w. L1: penalty λ Σ |w|, gradient λ sign(w). With the mean
reduction both are divided by n, the number of rows, as in the common course form
J = (1/n) Σ Cost_i + λ/(2n) Σ w². The biases are left out unless `regularize_biases` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Model


@dataclass(frozen=True)
class Penalty:
    """The penalty of one array of parameters (before λ and 1/n) and its gradient."""

    name: str
    formula: str  # the penalty with λ, for the sum reduction
    gradient_formula: str
    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]

    def sum_of(self, of: str = "w") -> str:
        """The sum the penalty adds up, of the parameters `of`: Σ w² (L2), Σ |b| (L1)."""
        return self.formula.partition(" ")[2].replace("w", of)

    def penalty_text(self, rows: int | None = None, times: str = "·", of: str = "w") -> str:
        """The penalty with λ over 2 (L2) and over `rows` for the mean (None: the sum):
        λ/2 Σ w², λ/(2·10) Σ w², λ Σ |w|, λ/10 Σ |w|; `times` between 2 and the rows."""
        factor = self.formula.partition(" ")[0]
        if rows is not None:
            factor = f"λ/(2{times}{rows})" if factor == "λ/2" else f"λ/{rows}"
        return f"{factor} {self.sum_of(of)}"

    def gradient_text(self, of: str = "w", strength: str = "λ", times: str = "") -> str:
        """The penalty's gradient for the parameter `of` with the factor `strength` in front and
        `times` after it: λ w, (λ/10) sign(b), λ × sign(w_before)."""
        slope = self.gradient_formula.partition(" ")[2].replace("w", of)
        return f"{strength} {times}{slope}"


PENALTIES: dict[str, Penalty] = {
    p.name: p
    for p in (
        Penalty("none", "0", "0", lambda w: 0.0, np.zeros_like),
        # λ/2 Σ w²: its gradient λ w ("weight decay")
        Penalty("l2", "λ/2 Σ w²", "λ w", lambda w: 0.5 * float(np.sum(w * w)), lambda w: w.copy()),
        # λ Σ |w|: its gradient λ sign(w) (0 at w = 0)
        Penalty("l1", "λ Σ |w|", "λ sign(w)", lambda w: float(np.sum(np.abs(w))), np.sign),
    )
}


def strength(model: Model, rows: int) -> float:
    """The factor in front of the penalty: λ with the sum reduction, λ / n with the mean."""
    return model.lambda_ / rows if model.reduction == "mean" else model.lambda_


def regularized(model: Model) -> bool:
    return model.regularization != "none"


def penalty(model: Model, rows: int) -> float:
    """The penalty part of the cost J: λ/2 Σ w² (L2) or λ Σ |w| (L1), over the weights (and the
    biases if asked), divided by n with the mean reduction."""
    if not regularized(model):
        return 0.0
    p = PENALTIES[model.regularization]
    arrays = list(model.weights) + (list(model.biases) if model.regularize_biases else [])
    return strength(model, rows) * sum(p.value(a) for a in arrays)


def weight_gradients(model: Model, rows: int) -> list[np.ndarray]:
    """d(penalty)/dw per layer: λ w (L2) or λ sign(w) (L1), divided by n with the mean."""
    p, k = PENALTIES[model.regularization], strength(model, rows)
    return [k * p.gradient(w) for w in model.weights]


def bias_gradients(model: Model, rows: int) -> list[np.ndarray]:
    """d(penalty)/db per layer: zero unless the biases are regularised too."""
    if not model.regularize_biases:
        return [np.zeros_like(b) for b in model.biases]
    p, k = PENALTIES[model.regularization], strength(model, rows)
    return [k * p.gradient(b) for b in model.biases]
