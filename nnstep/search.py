"""Three ways to look for good weights, compared on the same network (lecture 001).

Grid search tries every combination of values on a grid (21 values per weight for [-1, 1] in
steps of 0.1, so 21^n combinations for n weights); random search (Monte Carlo) tries points drawn
uniformly from the same range; gradient descent follows -dC/dw from the model's own weights. Each
reports the best cost found after every cost evaluation, so the three can be set side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import network
from .activations import ACTIVATIONS
from .costs import COSTS
from .labels import node_label
from .network import Model

COUNT_DIMS = (*range(1, 17), 100)
CHUNK = 2048  # candidates evaluated at once (fewer for large data: see _chunk)


@dataclass(frozen=True)
class Parameter:
    """One weight ("w", layer, (from, to)), named FROM-TO like IN1-H1, or one bias ("b", layer,
    (node,)), named by its node like H1 or ON."""

    name: str
    kind: str
    layer: int
    index: tuple[int, ...]


def parameters(model: Model) -> list[Parameter]:
    """Every weight and (if the model has them) every bias, in the order of the model file."""
    out = []
    for l, w in enumerate(model.weights):
        for i, j in np.ndindex(w.shape):
            name = f"{node_label(model.layers, l, i)}-{node_label(model.layers, l + 1, j)}"
            out.append(Parameter(name, "w", l, (i, j)))
    if model.has_biases:
        for l, b in enumerate(model.biases):
            out += [Parameter(node_label(model.layers, l + 1, j), "b", l, (j,)) for j in range(len(b))]
    return out


def choose(model: Model, names: Sequence[str] | None) -> list[Parameter]:
    """The parameters named (all when None); ValueError naming the unknown ones and the known."""
    every = parameters(model)
    if not names:
        return every
    by_name = {p.name.upper(): p for p in every}
    unknown = [n for n in names if n.upper() not in by_name]
    if unknown:
        raise ValueError(f"no parameter {', '.join(unknown)}; this network has {', '.join(p.name for p in every)}")
    return [by_name[n] for n in dict.fromkeys(n.upper() for n in names)]


MAX_PER_WEIGHT = 1_000_000  # grid values per parameter that search will lay out


def grid_size(low: float, high: float, step: float) -> int:
    """Values of the grid over [low, high] in steps of `step`: [-1, 1] in steps of 0.1 has 21."""
    return int(math.floor((high - low) / step + 1e-9)) + 1


def grid_values(low: float, high: float, step: float) -> np.ndarray:
    """The grid over [low, high] in steps of `step`: [-1, -0.9, ..., 1]."""
    return np.round(low + step * np.arange(grid_size(low, high, step)), 12)


def grid_count(per_weight: int, n: int) -> int:
    """Combinations a grid search must evaluate for n weights: per_weight^n (exact)."""
    return per_weight**n


def count_table(per_weight: int = 21) -> list[tuple[int, int]]:
    """(n, per_weight^n) for n = 1..16 and 100, the table of lecture 001."""
    return [(n, grid_count(per_weight, n)) for n in COUNT_DIMS]


def _value(model: Model, p: Parameter) -> float:
    return float((model.weights if p.kind == "w" else model.biases)[p.layer][p.index])


class Objective:
    """The cost training minimizes (Sigma for the lecture), for many settings of the chosen
    parameters at once; the other parameters keep the model's values. Counts its evaluations."""

    def __init__(self, model: Model, inputs: np.ndarray, targets: np.ndarray, chosen: Sequence[Parameter]):
        self.model, self.inputs, self.targets, self.chosen = model, inputs, targets, list(chosen)
        self.evaluations = 0

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """values[k, i] is chosen parameter i of candidate k; returns the cost of each candidate."""
        m, k = self.model, len(values)
        ws = [np.repeat(w[None], k, axis=0) for w in m.weights]
        bs = [np.repeat(b[None, None], k, axis=0) for b in m.biases]
        for i, p in enumerate(self.chosen):
            if p.kind == "w":
                ws[p.layer][:, p.index[0], p.index[1]] = values[:, i]
            else:
                bs[p.layer][:, 0, p.index[0]] = values[:, i]
        a = self.inputs
        with np.errstate(over="ignore", invalid="ignore"):
            for w, b, name in zip(ws, bs, m.activations):
                z = np.matmul(a, w) + b  # (k, rows, nodes)
                a = ACTIVATIONS[name].f(z.reshape(-1, z.shape[-1])).reshape(z.shape)
            n = len(self.inputs)
            per_row = COSTS[m.cost].per_observation(a.reshape(k * n, -1), np.tile(self.targets, (k, 1)))
            total = per_row.reshape(k, n).sum(axis=1)
        self.evaluations += k
        return total if m.reduction == "sum" else total / n


@dataclass(frozen=True)
class Curve:
    """One method's run: best[k] is the lowest cost among its first k + 1 evaluations; `values`
    are the chosen parameters at the best point."""

    method: str
    best: np.ndarray
    values: np.ndarray

    @property
    def evaluations(self) -> int:
        return len(self.best)

    def best_after(self, evaluations: int) -> float | None:
        """The best cost within the first `evaluations` evaluations (None before the first)."""
        if evaluations < 1 or not len(self.best):
            return None
        return float(self.best[min(evaluations, len(self.best)) - 1])


def _curve(method: str, costs: np.ndarray, values: np.ndarray) -> Curve:
    """The running minimum of the costs (a cost that is not a finite number never counts as best)."""
    costs = np.where(np.isfinite(costs), costs, np.inf)
    return Curve(method, np.minimum.accumulate(costs) if len(costs) else costs, values)


def _chunk(objective: Objective) -> int:
    """Candidates per batch, so that a batch's activations stay near 4 million numbers."""
    return max(1, min(CHUNK, 4_000_000 // (len(objective.inputs) * max(objective.model.layers))))


class GridTooLarge(ValueError):
    """A grid with more points than the budget allows."""

    def __init__(self, per_weight: int, n: int, budget: int):
        self.per_weight, self.n, self.budget, self.count = per_weight, n, budget, grid_count(per_weight, n)
        super().__init__(
            f"grid search over {n} parameter{'s' if n != 1 else ''} needs {per_weight}^{n} = {self.count:,} cost "
            f"evaluations, more than the budget of {budget:,}; choose fewer parameters (--params), "
            f"a larger --step or a larger --budget"
        )


def grid_search(objective: Objective, values: np.ndarray, budget: int) -> Curve:
    """Every combination of `values` for the chosen parameters, in order (the last one fastest)."""
    n, m = len(objective.chosen), len(values)
    total = grid_count(m, n)
    if total > budget:
        raise GridTooLarge(m, n, budget)
    costs, best_at, best_cost = np.empty(total), None, math.inf
    powers = m ** np.arange(n - 1, -1, -1)
    chunk = _chunk(objective)
    for start in range(0, total, chunk):
        idx = np.arange(start, min(start + chunk, total))
        candidates = values[(idx[:, None] // powers) % m]
        costs[start : start + len(idx)] = c = objective(candidates)
        k = int(np.argmin(np.where(np.isfinite(c), c, np.inf)))
        if c[k] < best_cost:
            best_cost, best_at = c[k], candidates[k]
    return _curve("grid", costs, best_at if best_at is not None else np.full(n, np.nan))


def random_search(objective: Objective, low: float, high: float, budget: int, seed: int = 0) -> Curve:
    """Monte Carlo: `budget` points drawn uniformly from [low, high] for every chosen parameter."""
    rng = np.random.default_rng(seed)
    n = len(objective.chosen)
    costs, best_at, best_cost = np.empty(budget), np.full(n, np.nan), math.inf
    chunk = _chunk(objective)
    for start in range(0, budget, chunk):
        candidates = rng.uniform(low, high, (min(chunk, budget - start), n))
        costs[start : start + len(candidates)] = c = objective(candidates)
        k = int(np.argmin(np.where(np.isfinite(c), c, np.inf)))
        if c[k] < best_cost:
            best_cost, best_at = c[k], candidates[k]
    return _curve("random", costs, best_at)


def gradient_descent(
    model: Model, inputs: np.ndarray, targets: np.ndarray, chosen: Sequence[Parameter], budget: int
) -> Curve:
    """Plain full-batch gradient descent (Step 6, w -= lr dC/dw) on the chosen parameters only,
    from the model's weights: one evaluation per step (a forward pass and its backpropagation)."""
    model = replace(model, update="batch", optimizer=network.Optimizer(), layer_updates="simultaneous")
    chosen = list(chosen)
    if chosen == parameters(model):
        try:
            t = network.train(model, inputs, targets, budget)
            costs, final = t.costs, t.last.model
        except network.Diverged as exc:
            return _diverged(model, inputs, targets, chosen, exc.epoch - 1)
        objective = costs if model.reduction == "sum" else costs / len(inputs)
        at = int(np.argmin(objective))
        if at != len(objective) - 1:  # the best was not the last epoch: train again up to it
            final = network.train(model, inputs, targets, at + 1).last.model
        return _curve("gd", objective, np.array([_value(final, p) for p in chosen]))
    return _masked_descent(model, inputs, targets, chosen, budget)


def _diverged(model, inputs, targets, chosen, steps) -> Curve:
    if steps < 1:
        return Curve("gd", np.empty(0), np.full(len(chosen), np.nan))
    return gradient_descent(model, inputs, targets, chosen, steps)


def _masked_descent(
    model: Model, inputs: np.ndarray, targets: np.ndarray, chosen: list[Parameter], budget: int
) -> Curve:
    weights, biases = [w.copy() for w in model.weights], [b.copy() for b in model.biases]
    masks_w = [np.zeros(w.shape) for w in weights]
    masks_b = [np.zeros(b.shape) for b in biases]
    for p in chosen:
        (masks_w if p.kind == "w" else masks_b)[p.layer][p.index] = 1.0
    costs, best_cost, best_values = [], math.inf, np.array([_value(model, p) for p in chosen])
    lr = model.learning_rate
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(budget):
            m = replace(model, weights=tuple(weights), biases=tuple(biases))
            fp = network.forward(m, inputs)
            c = network.cost(m, fp, targets).objective
            if not math.isfinite(c):
                break
            costs.append(c)
            if c < best_cost:
                best_cost, best_values = c, np.array([_value(m, p) for p in chosen])
            bw = network.backprop(m, fp, targets)
            weights = [w - lr * g * k for w, g, k in zip(weights, bw.weight_gradients, masks_w)]
            biases = [b - lr * g * k for b, g, k in zip(biases, bw.bias_gradients, masks_b)]
    return _curve("gd", np.array(costs), best_values)


def checkpoints(budget: int, extra: Sequence[int] = ()) -> list[int]:
    """1, 10, 100, ... up to the budget, the budget itself and any `extra` counts (a grid's size)."""
    points = {10**k for k in range(0, len(str(budget))) if 10**k <= budget} | {budget}
    return sorted(points | {e for e in extra if 0 < e <= budget})


def compare(
    model: Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    chosen: Sequence[Parameter],
    methods: Sequence[str],
    budget: int,
    low: float = -1.0,
    high: float = 1.0,
    step: float = 0.1,
    seed: int = 0,
) -> dict[str, Curve]:
    """Run each method with the same budget of cost evaluations. GridTooLarge if the grid does
    not fit the budget."""
    curves = {}
    for method in methods:
        if method == "grid":
            curves[method] = grid_search(
                Objective(model, inputs, targets, chosen), grid_values(low, high, step), budget
            )
        elif method == "random":
            curves[method] = random_search(Objective(model, inputs, targets, chosen), low, high, budget, seed)
        elif method == "gd":
            curves[method] = gradient_descent(model, inputs, targets, chosen, budget)
        else:
            raise ValueError(f"unknown search method {method!r}")
    return curves
