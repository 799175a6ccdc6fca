"""The numeric core: a dense feed-forward network, one step of the lecture's cycle at a time.

Steps 3-6 of the lecture: forward propagation, cost, backpropagation, weight update, and the
repetition of them over epochs. Arrays hold one row per observation. Nothing here reads files
or prints; every function returns plain records that the tables and the JSON output lay out.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import regularization
from .activations import ACTIVATIONS
from .costs import COSTS
from .optimizers import Optimizer, OptimizerState, descend

if TYPE_CHECKING:
    from .fastpath import FastLoop

# fastpath.py (below this module: it imports nothing of it) is imported where training starts, so
# that the single steps (forward, backprop, update) do without it


@dataclass(frozen=True)
class Model:
    """A network design (Step 1) and its weights (Step 2).

    weights[l][i, j] is the weight from node i of layer l to node j of layer l + 1;
    biases[l][j] is the bias of node j of layer l + 1; activations[l] names f of layer l + 1.
    `optimizer_state` is what momentum or Adam remembered when these weights were made (None:
    nothing yet); it is never changed in place.
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
    regularization: str = "none"  # none (the lecture), l2 or l1: a penalty on the weights
    lambda_: float = 0.0  # the penalty's strength λ
    regularize_biases: bool = False  # the biases are left out of the penalty unless asked
    optimizer_state: OptimizerState | None = None

    def fresh_state(self) -> OptimizerState:
        """A state to continue from: a copy of the one the model carries, else an empty one."""
        return OptimizerState() if self.optimizer_state is None else self.optimizer_state.copy()


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
    the objective J that training minimizes: the sum or the mean (by the model's reduction), plus
    the regularisation penalty (0 without regularisation)."""

    observations: np.ndarray
    sum: float
    mean: float
    objective: float
    penalty: float = 0.0


@dataclass(frozen=True)
class Backward:
    """Step 5: error = dCost/d(output of node) and BPE = dCost/d(input of node), per observation,
    and the gradients summed over observations: dC/dw_ij = sum_i BPE_j a_i, dC/db_j = sum_i BPE_j."""

    errors: list[np.ndarray]
    bpes: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]
    # the regularisation penalty's part of the gradients above (None without regularisation)
    weight_penalties: list[np.ndarray] | None = None
    bias_penalties: list[np.ndarray] | None = None


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
    """Step 4: Cost_i per observation, Sigma = sum_i Cost_i, C(W) = Sigma / N, and
    J = Sigma + λ/2 Σ w² (sum) or C(W) + λ/(2N) Σ w² (mean) with L2 regularisation."""
    per_row = COSTS[model.cost].per_observation(fp.output, targets)
    total = float(per_row.sum())
    mean = total / len(per_row)
    data = total if model.reduction == "sum" else mean
    if not regularization.regularized(model):
        return CostSummary(per_row, total, mean, data)
    penalty = regularization.penalty(model, len(per_row))
    return CostSummary(per_row, total, mean, data + penalty, penalty)


def backprop(
    model: Model,
    fp: ForwardPass,
    targets: np.ndarray,
    descend_layer: Callable[[int, np.ndarray, np.ndarray], np.ndarray] | None = None,
    rows: int | None = None,
) -> Backward:
    """Step 5: error_ON = dC/dyhat; BPE = error * f'(z); error_H = BPE_next W^T; gradients summed
    over observations (divided by their number with reduction "mean"), plus the regularisation
    penalty's gradient: λ w (sum) or (λ/n) w (mean) for L2, n = `rows` (default: the rows given).

    `descend_layer(layer, grad_w, grad_b)`, when given, is called as soon as a layer's gradients are
    known and returns the weights the error propagates back through (the updated ones for
    sequential layer updates)."""
    n_layers = len(model.weights)
    scale = 1.0 / len(targets) if model.reduction == "mean" else 1.0
    pen_w = pen_b = None
    if regularization.regularized(model):
        n = len(targets) if rows is None else rows
        pen_w, pen_b = regularization.weight_gradients(model, n), regularization.bias_gradients(model, n)
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
        if pen_w is not None and pen_b is not None:
            grad_w[layer] += pen_w[layer]
            grad_b[layer] += pen_b[layer]
        through = model.weights[layer] if descend_layer is None else descend_layer(layer, grad_w[layer], grad_b[layer])
        error = bpe @ through.T
    return Backward(errors, bpes, grad_w, grad_b, pen_w, pen_b)


def per_row_gradients(model: Model, fp: ForwardPass, bw: Backward) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Step 5 before the sum: each observation's dCost_i/dw = BPE_to,i a_from,i (weights[l][i] is
    row i's matrix, from x to) and dCost_i/db = BPE_i, neither averaged nor regularised."""
    weights = [fp.layer_inputs(l)[:, :, None] * bpe[:, None, :] for l, bpe in enumerate(bw.bpes)]
    return weights, [bpe.copy() for bpe in bw.bpes]


def descend_batch(
    model: Model,
    fp: ForwardPass,
    targets: np.ndarray,
    state: OptimizerState | None = None,
    rows: int | None = None,
) -> tuple[Backward, Model]:
    """Steps 5-6 on one batch: backpropagation, and one update of every weight and bias by the
    model's optimizer (Step 6: w -= lr * sum_i BPE_to,i a_from,i; b -= lr * sum_i BPE_node,i).

    `state` (changed in place) defaults to a copy of the model's; the updated model carries a
    snapshot of it. `rows` is the n of the regularisation penalty (default: the batch's rows)."""
    state = state if state is not None else model.fresh_state()
    state.steps += 1
    weights, biases = list(model.weights), list(model.biases)
    opt, lr = model.optimizer, model.learning_rate

    def descend_layer(layer: int, grad_w: np.ndarray, grad_b: np.ndarray) -> np.ndarray:
        weights[layer] = descend(opt, lr, f"w{layer}", model.weights[layer], grad_w, state)
        if model.update_biases and model.has_biases:
            biases[layer] = descend(opt, lr, f"b{layer}", model.biases[layer], grad_b, state)
        return weights[layer] if model.layer_updates == "sequential" else model.weights[layer]

    bw = backprop(model, fp, targets, descend_layer, rows)
    return bw, replace(model, weights=tuple(weights), biases=tuple(biases), optimizer_state=state.copy())


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


def step(model: Model, inputs: np.ndarray, targets: np.ndarray, state: OptimizerState | None = None) -> Step:
    """Steps 3-6 once: forward pass, cost, backpropagation and the epoch's updates (one for the
    lecture's full batch; one per row or per minibatch otherwise)."""
    fp = forward(model, inputs)
    c = cost(model, fp, targets)
    if model.update == "batch":
        bw, updated = descend_batch(model, fp, targets, state)
        return Step(model, fp, c, bw, updated)
    state = state if state is not None else model.fresh_state()
    bw = backprop(model, fp, targets)
    updated, n = model, len(inputs)
    for rows in batches(n, model):
        _, updated = descend_batch(updated, forward(updated, inputs[rows]), targets[rows], state, n)
    return Step(model, fp, c, bw, updated)


def working_memory(model: Model, rows: int, per_row: bool = True) -> int:
    """Bytes that Steps 3-6 over `rows` rows hold at once: about eight arrays of rows x nodes
    (input sums, activations, errors, BPEs and their temporaries), 8 bytes a number. Training on
    the fast path without records per row (per_row=False) holds the data (and a transposed copy)
    and one block of rows per core instead."""
    from .fastpath import BLOCK_ROWS, fast_path_applies

    if per_row or not fast_path_applies(model):
        return 8 * 8 * rows * sum(model.layers)
    data = 3 * 8 * rows * (model.layers[0] + model.layers[-1])
    return data + 8 * 8 * BLOCK_ROWS * sum(model.layers) * (os.cpu_count() or 1)


_FIELD_NAMES = {"observations": "costs", "sum": "costs", "mean": "costs", "objective": "costs", "bpes": "BPEs"}


def not_finite(*records) -> str | None:
    """The name of the first field (input sums, BPEs, weights, ...) of these records (Model,
    ForwardPass, CostSummary, Backward, Step, arrays, numbers) holding inf or NaN, else None."""
    stack: list[tuple[str, object]] = [("numbers", r) for r in reversed(records)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                return name
        elif isinstance(value, float):
            if not math.isfinite(value):
                return name
        elif isinstance(value, (list, tuple)):
            stack.extend((name, v) for v in reversed(value))
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Optimizer):
            fields = [(f, getattr(value, f)) for f in value.__dataclass_fields__]
            stack.extend((_FIELD_NAMES.get(f, f.replace("_", " ")), v) for f, v in reversed(fields))
    return None


@dataclass(frozen=True)
class Sums:
    """An epoch shown by its sums alone, for data too large to show row by row: the model it
    started with, its cost (Σ, C(W) and the objective; no cost per row: `observations` is empty)
    and the model after its update. The fast path gives it without a record per row."""

    model: Model
    cost: CostSummary
    updated: Model


class Diverged(ArithmeticError):
    """Training left the finite numbers (too large a learning rate, for example)."""

    def __init__(self, epoch: int):
        self.epoch = epoch
        super().__init__(f"training diverged at epoch {epoch:,}: the cost or a weight is no longer a finite number")


SATURATED = 1e6  # a weight this large: every sigmoid node it feeds is 0 or 1, its derivative 0


class Saturated(Diverged):
    """Training left the useful numbers: a weight or bias beyond ±SATURATED, where the nodes saturate."""

    def __init__(self, largest: float, epochs: int):
        self.epoch, self.largest = epochs, largest
        ArithmeticError.__init__(
            self,
            f"training diverged: a weight or bias reached {largest:.3g} after {epochs:,} updates "
            f"(beyond ±{SATURATED:,.0f}, where the nodes saturate)",
        )


def check_saturation(result: Training) -> None:
    """Saturated if training took a weight or bias beyond ±SATURATED (finite, yet every node it
    feeds is 0 or 1 with derivative 0: the learning rate was too large)."""
    trained = result.last.updated
    largest = max((float(abs(p).max()) for p in (*trained.weights, *trained.biases) if p.size), default=0.0)
    if largest > SATURATED:
        raise Saturated(largest, result.epochs)


@dataclass(frozen=True)
class Training:
    """Repeated steps. `last` is epoch `epochs` (forward pass with the weights after epochs - 1
    updates, `last.updated` the weights after `epochs` updates), as an "After N epochs" slide shows.
    `goal_epoch` is the first epoch whose Sigma fell below the goal, if one was set and met.
    `costs[k]` is the Sigma of epoch k + 1 (the cost curve); `snapshots` holds (epoch, Step) for
    each epoch asked for and reached; `interrupted` says that Ctrl-C stopped training after `epochs`.
    Trained with per_row=False, the shown epochs of the fast path are Sums instead of Steps."""

    epochs: int
    last: Step | Sums
    goal_epoch: int | None
    costs: np.ndarray = field(default_factory=lambda: np.empty(0))
    snapshots: tuple[tuple[int, Step | Sums], ...] = ()
    interrupted: bool = False


class TrainingLoop(Protocol):
    """The contract both training loops keep (_GeneralLoop here, fastpath.FastLoop), as train
    and _run use it. An epoch is forward (Steps 3-5: the cost, and the gradients kept for the
    update), then, if it is not the last, update (Step 6). Epoch e's records are those of the
    forward pass with the weights after e - 1 updates."""

    completed: int  # the number of updates done (epochs completed)

    def running(self) -> AbstractContextManager[None]:
        """The context every epoch runs in (BLAS threads, worker threads)."""
        ...

    def forward(self) -> tuple[float, float]:
        """Steps 3-5 of epoch completed + 1: its Sigma and its objective (Sigma or C(W))."""
        ...

    def record(self) -> Step | Sums:
        """The records of epoch completed + 1, after forward: a shown epoch."""
        ...

    def update(self) -> bool:
        """Step 6 of that epoch; False if a weight is (known to be) no longer finite."""
        ...

    def record_completed(self) -> Step | Sums:
        """The records of epoch completed (after Ctrl-C), whose update is done."""
        ...

    def finite(self) -> bool:
        """Whether every weight after `completed` updates is a finite number."""
        ...

    def first_bad(self, limit: int) -> int | None:
        """The first epoch up to `limit` whose update left a weight that is not finite."""
        ...


def fast_loop(
    model: Model, inputs: np.ndarray, targets: np.ndarray, per_row: bool = True
) -> FastLoop[Step] | FastLoop[Sums]:
    """The fast path's loop. A shown epoch's records come from the general path (`step`) from the
    same weights, or with per_row=False from the loop's own sums (Sums: no array over the rows)."""

    def with_weights(pair: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]) -> Model:
        return replace(model, weights=pair[0], biases=pair[1])

    def rows(loop: FastLoop[Step], k: int) -> Step:
        return step(with_weights(loop.weights_after(k)), inputs, targets)

    def sums(loop: FastLoop[Sums], k: int) -> Sums:
        total, before, after = loop.epoch_sums(k)
        mean = total / len(inputs)
        cost = CostSummary(np.empty(0), total, mean, total if model.reduction == "sum" else mean)
        return Sums(with_weights(before), cost, with_weights(after))

    from .fastpath import FastLoop

    if per_row:
        return FastLoop(model, inputs, targets, rows)
    return FastLoop(model, inputs, targets, sums)


def train(
    model: Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    epochs: int,
    goal: float | None = None,
    on_epoch: Callable[[int], None] | None = None,
    snapshots: Iterable[int] = (),
    fast: bool = True,
    per_row: bool = True,
) -> Training:
    """Repeat Steps 3-6 `epochs` times, or until the first epoch whose cost (Sigma for the
    lecture's sum reduction, C(W) for mean) is below `goal`.

    The full records (Step) are kept for the last epoch and for the epochs in `snapshots`. Ctrl-C
    (KeyboardInterrupt, also from `on_epoch`) ends training at the last completed epoch.
    `fast=False` takes the general path (`step` every epoch) even where the fast path applies.
    `per_row=False` (for data too large to show row by row) lets the fast path show an epoch by
    its sums (Sums) instead of building a record per row."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    from .fastpath import fast_path_applies

    use_fast = fast and fast_path_applies(model)
    loop: TrainingLoop = (
        fast_loop(model, inputs, targets, per_row) if use_fast else _GeneralLoop(model, inputs, targets)
    )
    wanted = set(snapshots)
    costs = array("d")  # Sigma per epoch, 8 bytes each
    shots: list[tuple[int, Step | Sums]] = []
    try:
        with np.errstate(over="ignore", invalid="ignore"), loop.running():
            return _run(loop, epochs, goal, on_epoch, wanted, costs, shots)
    except KeyboardInterrupt:
        done = loop.completed
        if done < 1:
            raise
        s = loop.record_completed()
        costs[done - 1] = s.cost.sum  # the shown Sigma, to the last bit
        return Training(done, s, None, np.frombuffer(costs, dtype=float)[:done].copy(), tuple(shots), interrupted=True)


def _run(
    loop: TrainingLoop,
    epochs: int,
    goal: float | None,
    on_epoch: Callable[[int], None] | None,
    wanted: set[int],
    costs: array,
    shots: list[tuple[int, Step | Sums]],
) -> Training:
    """The epochs: Steps 3-4, the goal and the records of a shown epoch, then Steps 5-6."""
    forward, update, record = loop.forward, loop.update, costs.append
    for epoch in range(1, epochs + 1):
        total, objective = forward()
        record(total)
        if not math.isfinite(objective):
            raise Diverged(loop.first_bad(epoch - 1) or epoch)
        met = goal is not None and objective < goal
        if met or epoch == epochs or epoch in wanted:
            if not loop.finite():
                raise Diverged(loop.first_bad(epoch - 1) or epoch)
            s = loop.record()
            costs[epoch - 1] = s.cost.sum  # the shown Sigma, to the last bit
            if epoch in wanted:
                shots.append((epoch, s))
            if met or epoch == epochs:
                if not all(np.isfinite(w).all() for w in s.updated.weights):
                    raise Diverged(epoch)
                return Training(
                    epoch, s, epoch if met else None, np.frombuffer(costs, dtype=float).copy(), tuple(shots)
                )
        if not update():
            raise Diverged(loop.first_bad(epoch) or epoch)
        if on_epoch is not None:
            on_epoch(epoch)
    raise AssertionError("unreachable")


class _GeneralLoop:
    """Epochs by `step`: every record of every epoch, any convention."""

    def running(self) -> AbstractContextManager[None]:
        """BLAS on one thread, where it would start threads of its own."""
        from .fastpath import blas_would_thread, one_blas_thread

        return one_blas_thread(blas_would_thread(len(self.inputs), self.model.layers))

    def __init__(self, model: Model, inputs: np.ndarray, targets: np.ndarray):
        self.model, self.inputs, self.targets = model, inputs, targets
        self.state = model.fresh_state()
        self.completed = 0
        self.done: Step | None = None  # the Step of epoch `completed`
        self.current: Step | None = None

    def forward(self) -> tuple[float, float]:
        self.current = step(self.model, self.inputs, self.targets, self.state)
        return self.current.cost.sum, self.current.cost.objective

    def record(self) -> Step:
        assert self.current is not None
        return self.current

    def update(self) -> bool:
        s = self.current
        assert s is not None
        if not all(np.isfinite(w).all() for w in s.updated.weights):
            return False
        self.done, self.completed, self.model = s, self.completed + 1, s.updated
        return True

    def record_completed(self) -> Step:
        assert self.done is not None
        return self.done

    def finite(self) -> bool:
        return True  # update checks every epoch's weights

    def first_bad(self, limit: int) -> int | None:
        """The first epoch up to `limit` whose update left a weight that is not finite: update
        checks every one, so only the epoch it was refused in."""
        return limit if self.completed < limit else None
