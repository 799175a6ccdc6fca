"""The numeric core: a dense feed-forward network, one step of the lecture's cycle at a time.

Steps 3-6 of the lecture: forward propagation, cost, backpropagation, weight update, and the
repetition of them over epochs. Arrays hold one row per observation. Nothing here reads files
or prints; every function returns plain records that the tables and the JSON output lay out.
"""

from __future__ import annotations

import contextlib
import math
import os
from array import array
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from . import regularization
from .activations import ACTIVATIONS
from .costs import COSTS
from .optimizers import Optimizer, OptimizerState, descend


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


def working_memory(model: Model, rows: int) -> int:
    """Bytes that Steps 3-6 over `rows` rows hold at once: about eight arrays of rows x nodes
    (input sums, activations, errors, BPEs and their temporaries), 8 bytes a number."""
    return 8 * 8 * rows * sum(model.layers)


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


class Diverged(ArithmeticError):
    """Training left the finite numbers (too large a learning rate, for example)."""

    def __init__(self, epoch: int):
        self.epoch = epoch
        super().__init__(f"training diverged at epoch {epoch:,}: the cost or a weight is no longer a finite number")


@dataclass(frozen=True)
class Training:
    """Repeated steps. `last` is epoch `epochs` (forward pass with the weights after epochs - 1
    updates, `last.updated` the weights after `epochs` updates), as an "After N epochs" slide shows.
    `goal_epoch` is the first epoch whose Sigma fell below the goal, if one was set and met.
    `costs[k]` is the Sigma of epoch k + 1 (the cost curve); `snapshots` holds (epoch, Step) for
    each epoch asked for and reached; `interrupted` says that Ctrl-C stopped training after `epochs`."""

    epochs: int
    last: Step
    goal_epoch: int | None
    costs: np.ndarray = field(default_factory=lambda: np.empty(0))
    snapshots: tuple[tuple[int, Step], ...] = ()
    interrupted: bool = False


def train(
    model: Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    epochs: int,
    goal: float | None = None,
    on_epoch: Callable[[int], None] | None = None,
    snapshots: Iterable[int] = (),
    fast: bool = True,
) -> Training:
    """Repeat Steps 3-6 `epochs` times, or until the first epoch whose cost (Sigma for the
    lecture's sum reduction, C(W) for mean) is below `goal`.

    The full records (Step) are kept for the last epoch and for the epochs in `snapshots`. Ctrl-C
    (KeyboardInterrupt, also from `on_epoch`) ends training at the last completed epoch.
    `fast=False` takes the general path (`step` every epoch) even where the fast path applies."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    use_fast = fast and fast_path_applies(model)
    loop = _FastLoop(model, inputs, targets) if use_fast else _GeneralLoop(model, inputs, targets)
    wanted = set(snapshots)
    costs = array("d")  # Sigma per epoch, 8 bytes each
    shots: list[tuple[int, Step]] = []
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
    loop, epochs: int, goal: float | None, on_epoch, wanted: set[int], costs: array, shots: list[tuple[int, Step]]
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


def fast_path_applies(model: Model) -> bool:
    """The fast path covers the lecture's conventions: one full-batch plain gradient-descent update
    per epoch with every layer updated from the same forward pass, elementwise f' and dC/dyhat,
    no regularisation."""
    return (
        model.update == "batch"
        and model.optimizer.name == "gd"
        and (model.layer_updates == "simultaneous" or len(model.weights) == 1)
        and all(ACTIVATIONS[name].df is not None for name in model.activations)
        and not regularization.regularized(model)
    )


class _GeneralLoop:
    """Epochs by `step`: every record of every epoch, any convention."""

    def running(self):
        return contextlib.nullcontext()

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


# The fast path: the same arithmetic as forward/backprop/descend_batch, on preallocated buffers.
# Arrays are transposed (one column per observation) so that every elementwise operation runs on
# contiguous memory. Each layer's biases ride along as the last row of an augmented weight matrix
# [W; b] against a row of ones, so z = [W; b]^T [a; 1] and [dC/dW; dC/db] = [a; 1] BPE^T are one
# product each. The learning rate (and 1/N for the mean) is folded into the output BPE, so that
# one subtraction over all parameters is Step 6. Rows go in blocks, each taken forward and back at
# once while its numbers are in the cache. The sigmoid is written 1 - 1 / (1 + e^z), which keeps
# 1 - f(z) for f'(z) = f(z) (1 - f(z)) and is within 1e-16 of 1 / (1 + e^-z).

BLOCK_ROWS = 1024
CHECK_EVERY = 1024  # updates between two checks that every weight is still a finite number
PARALLEL_ROWS = 20_000  # from this many rows on, two threads share the blocks (BLAS on one each)
_ONE = np.array(1.0)


def _blas_limits():
    """threadpoolctl's threadpool_limits, if it is installed (it sets BLAS's thread count)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits


def _tanh_into(z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    np.tanh(z, out)


def _tanh_bpe_into(z: np.ndarray, a: np.ndarray, tmp: np.ndarray, error: np.ndarray, out: np.ndarray) -> None:
    """BPE = error (1 - tanh(z)^2)."""
    np.multiply(a, a, out)
    np.subtract(_ONE, out, out)
    np.multiply(out, error, out)


def _generic_f(name: str) -> Callable[[np.ndarray, np.ndarray, np.ndarray], None]:
    f = ACTIVATIONS[name].f

    def into(z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
        out[...] = f(z)

    return into


def _generic_bpe(name: str) -> Callable[..., None]:
    bpe = ACTIVATIONS[name].bpe

    def into(z: np.ndarray, a: np.ndarray, tmp: np.ndarray, error: np.ndarray, out: np.ndarray) -> None:
        out[...] = bpe(z, a, error)

    return into


class _FastLoop:
    """Epochs of the lecture's conventions with preallocated buffers and no records; `record`
    rebuilds the Model and runs `step` for an epoch that is shown.

    Per block of rows (transposed, one column per row) the inputs [x; 1] and the targets; per size
    of block, buffers that every block of that size reuses while they are in the cache: for each
    layer l, acts[l] = [a_l; 1], and for layer l + 1: z, tmp, BPE and the error dC/da. The plans
    list the arguments of every call of one epoch, once per parameter vector."""

    def __init__(self, model: Model, inputs: np.ndarray, targets: np.ndarray):
        self.model, self.inputs, self.targets = model, inputs, targets
        layers, n = model.layers, len(model.weights)
        shapes = [(k + 1, m) for k, m in zip(layers, layers[1:])]
        offsets = np.concatenate([[0], np.cumsum([k * m for k, m in shapes])]).astype(int)

        def split(vector: np.ndarray) -> list[np.ndarray]:
            return [vector[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], shapes)]

        # three parameter vectors in turn: the weights after e - 1 updates (read), after e
        # (written), and after e - 2 (kept, so that Ctrl-C can still show the last completed epoch)
        self.params = [np.empty(offsets[-1]) for _ in range(3)]
        self.views = [split(p) for p in self.params]
        for l, (w, b) in enumerate(zip(model.weights, model.biases)):
            self.views[0][l][:-1] = w
            self.views[0][l][-1] = b
        self.grad = np.empty(offsets[-1])
        self.frozen = [g[-1] for g in split(self.grad)] if not (model.update_biases and model.has_biases) else []
        # None: the sigmoid, written inline in _epoch
        f = [None if a == "sigmoid" else _tanh_into if a == "tanh" else _generic_f(a) for a in model.activations]
        bpe_into = [
            None if a == "sigmoid" else _tanh_bpe_into if a == "tanh" else _generic_bpe(a) for a in model.activations
        ]
        rows = len(inputs)
        self.rows, self.mean = rows, model.reduction == "mean"
        self.cost = COSTS[model.cost]
        self.half_squared = model.cost == "half_squared_error"
        factor = 2.0 if model.cost == "squared_error" else 1.0  # dC/dyhat = factor (yhat - y)
        lr = model.learning_rate / rows if self.mean else model.learning_rate
        self.scale = np.array(lr * factor)
        # Large data goes in two shards of blocks, one per core, each summing its own gradients.
        shards = 2 if rows >= PARALLEL_ROWS and (os.cpu_count() or 1) >= 2 and _blas_limits() else 1
        per_shard = -(-rows // shards)
        self.grads = [self.grad] + [np.empty_like(self.grad) for _ in range(shards - 1)]
        # plans[k][shard]: per block, the calls of one epoch with the weights in self.views[k]
        self.plans: list[list[list]] = [[[] for _ in range(shards)] for _ in range(3)]
        for shard in range(shards):
            grads, partial, buffers = split(self.grads[shard]), [np.empty(shape) for shape in shapes], {}
            end = min(rows, (shard + 1) * per_shard)
            for start in range(shard * per_shard, end, BLOCK_ROWS):
                x, y = inputs[start : min(start + BLOCK_ROWS, end)], targets[start : min(start + BLOCK_ROWS, end)]
                size = len(x)
                if size not in buffers:
                    acts = [np.ones((k + 1, size)) for k in layers[1:-1]] + [np.empty((layers[-1], size))]
                    buffers[size] = (acts, *([np.empty((k, size)) for k in layers[1:]] for _ in range(4)))
                hidden, zs, tmps, bpes, errors = buffers[size]
                acts = [np.ones((layers[0] + 1, size))] + hidden
                acts[0][:-1] = x.T
                outs = [a[:-1] for a in acts[1:-1]] + [acts[-1]]
                first = start == shard * per_shard
                into = grads if first else partial
                cost = (np.ascontiguousarray(y.T), acts[-1], errors[-1], errors[-1].reshape(-1))
                for k in range(3):
                    ws = self.views[k]
                    forward = [(ws[l].T, acts[l], zs[l], f[l], outs[l], tmps[l]) for l in range(n)]
                    backward = [
                        (
                            bpe_into[l],
                            zs[l],
                            outs[l],
                            tmps[l],
                            errors[l],
                            bpes[l],
                            ws[l][:-1] if l else None,
                            errors[l - 1] if l else None,
                            acts[l],
                            bpes[l].T,
                            into[l],
                            None if first else grads[l],
                        )
                        for l in reversed(range(n))
                    ]
                    self.plans[k][shard].append((forward, cost, backward))
        self.pool = ThreadPoolExecutor(shards) if shards > 1 else None
        self.completed = 0

    def model_after(self, k: int) -> Model:
        """The Model holding the weights after k updates (k >= completed - 1)."""
        ws = self.views[k % 3]
        return replace(self.model, weights=tuple(w[:-1].copy() for w in ws), biases=tuple(w[-1].copy() for w in ws))

    @contextlib.contextmanager
    def running(self):
        """The context to train in: with two shards, BLAS on one thread per shard."""
        if self.pool is None:
            yield
            return
        try:
            with _blas_limits()(1):
                yield
        finally:
            self.pool.shutdown(wait=False)

    def forward(self) -> tuple[float, float]:
        """Steps 3-5 of the next epoch: the cost and, block by block while its numbers are in the
        cache, the gradients (Step 6 waits for update)."""
        plans = self.plans[self.completed % 3]
        if self.pool is None:
            total = self._epoch(plans[0])
        else:
            total = sum(self.pool.map(self._shard_epoch, plans))
        return total, total / self.rows if self.mean else total

    def _shard_epoch(self, plans: list) -> float:
        """One shard's epoch on a worker thread: numpy's error state is per thread, so the
        caller's errstate (overflow of e^z is expected and harmless) is set here again."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._epoch(plans)

    def _epoch(
        self,
        plans: list,
        dot=np.dot,
        exp=np.exp,
        add=np.add,
        divide=np.divide,
        subtract=np.subtract,
        multiply=np.multiply,
    ) -> float:
        scale, total = self.scale, 0.0
        for forward, (y, yhat, err, err_flat), backward in plans:
            for w_t, a, z, f, out, tmp in forward:  # Step 3
                dot(w_t, a, z)
                if f is None:  # the sigmoid, inline: tmp = 1 - f(z) = 1 / (1 + e^z), out = f(z)
                    exp(z, tmp)
                    add(tmp, _ONE, z)
                    divide(_ONE, z, tmp)
                    subtract(_ONE, tmp, out)
                else:
                    f(z, out, tmp)
            if self.half_squared:  # Step 4: Sigma = 1/2 sum (yhat - y)^2; err = dC/dyhat = yhat - y
                subtract(yhat, y, err)
                total += 0.5 * float(dot(err_flat, err_flat))
            else:  # err = dC/dyhat up to the factor 2 of the squared error, folded into the scale
                c = self.cost
                err[...] = (yhat - y) if c.name == "squared_error" else c.derivative(yhat.T, y.T).T
                total += float(c.per_observation(yhat.T, y.T).sum())
            multiply(err, scale, err)  # Step 5, scaled by the learning rate
            for bpe_into, z, a, tmp, err_l, bpe, w, err_prev, a_prev, bpe_t, grad, into in backward:
                if bpe_into is None:  # the sigmoid, inline: error f(z) (1 - f(z)), 1 - f(z) kept in tmp
                    multiply(tmp, a, z)
                    multiply(z, err_l, bpe)
                else:
                    bpe_into(z, a, tmp, err_l, bpe)
                if w is not None:
                    dot(w, bpe, err_prev)
                dot(a_prev, bpe_t, grad)
                if into is not None:
                    into += grad
        return total

    def record(self) -> Step:
        """The full records of the current epoch, by the general path from the same weights."""
        return step(self.model_after(self.completed), self.inputs, self.targets)

    def record_completed(self) -> Step:
        """The full records of the last completed epoch."""
        return step(self.model_after(self.completed - 1), self.inputs, self.targets)

    def update(self, check: bool = False) -> bool:
        """Step 6: one subtraction of the summed gradients from every weight and bias. Every
        CHECK_EVERY updates (and with `check`) False if a weight is no longer a finite number;
        in between a runaway shows in the cost, and first_bad finds its epoch."""
        if self.pool is not None:
            for grad in self.grads[1:]:
                self.grad += grad
        if self.frozen:
            for g in self.frozen:
                g.fill(0.0)
        new = self.params[(self.completed + 1) % 3]
        np.subtract(self.params[self.completed % 3], self.grad, new)
        self.completed += 1
        if (check or self.completed % CHECK_EVERY == 0) and not self.finite():
            return False
        return True

    def finite(self) -> bool:
        """Whether the current weights (after `completed` updates) are all finite numbers."""
        current = self.params[self.completed % 3]
        return math.isfinite(np.dot(current, current)) or bool(np.isfinite(current).all())

    def first_bad(self, limit: int) -> int | None:
        """The first epoch up to `limit` whose update left a weight that is not a finite number,
        found by training again from the start with a check after every update."""
        again = _FastLoop(self.model, self.inputs, self.targets)
        with again.running():
            for epoch in range(1, limit + 1):
                again.forward()
                if not again.update(check=True):
                    return epoch
        return None
