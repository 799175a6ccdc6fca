"""Optimizers: how a gradient becomes a change of a weight.

Step 6 of the lecture is plain gradient descent, w -= lr * dC/dw. The course slides (003) add
momentum and Adam, which carry a state (velocities, moment estimates) from one update to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .names import OPTIMIZERS


@dataclass(frozen=True)
class Optimizer:
    """The name and its parameters: momentum (beta), Adam (beta1, beta2, epsilon)."""

    name: str = "gd"
    beta: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8


NAMES = OPTIMIZERS


@dataclass
class OptimizerState:
    """What momentum and Adam remember between updates, per parameter array, and the step count."""

    steps: int = 0
    first: dict[str, np.ndarray] = field(default_factory=dict)  # momentum's velocity v, Adam's m
    second: dict[str, np.ndarray] = field(default_factory=dict)  # Adam's v

    def copy(self) -> OptimizerState:
        """A snapshot that later updates do not change."""
        return OptimizerState(
            self.steps,
            {k: np.array(v) for k, v in self.first.items()},
            {k: np.array(v) for k, v in self.second.items()},
        )


def keeps_state(opt: Optimizer) -> bool:
    """Whether the optimizer remembers anything between updates (momentum and Adam do, gd not)."""
    return opt.name != "gd"


def corrected(opt: Optimizer, state: OptimizerState) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Adam's bias-corrected moments of the last update: mhat = m / (1 - b1^t), vhat = v / (1 - b2^t)."""
    t = state.steps
    return (
        {k: m / (1 - opt.beta1**t) for k, m in state.first.items()},
        {k: v / (1 - opt.beta2**t) for k, v in state.second.items()},
    )


def descend(
    opt: Optimizer, lr: float, key: str, value: np.ndarray, grad: np.ndarray, state: OptimizerState | None
) -> np.ndarray:
    """The new value of one parameter array. `state.steps` counts updates (Adam's t), and the
    caller increases it once per update, before the arrays of that update are descended."""
    if opt.name == "gd":
        # w - lr * dC/dw  (Step 6)
        return value - lr * grad
    assert state is not None
    if opt.name == "momentum":
        # v = beta v - lr g; w + v
        v = opt.beta * state.first.get(key, 0.0) - lr * grad
        state.first[key] = v
        return value + v
    # Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w - lr mhat / (sqrt(vhat) + eps)
    m = opt.beta1 * state.first.get(key, 0.0) + (1 - opt.beta1) * grad
    v = opt.beta2 * state.second.get(key, 0.0) + (1 - opt.beta2) * grad * grad
    state.first[key], state.second[key] = m, v
    t = state.steps
    m_hat = m / (1 - opt.beta1**t)
    v_hat = v / (1 - opt.beta2**t)
    return value - lr * m_hat / (np.sqrt(v_hat) + opt.epsilon)
