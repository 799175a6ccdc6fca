"""The fast training loop: Steps 3-6 of the lecture over many epochs, on preallocated buffers.

The same arithmetic as network.forward/backprop/descend_batch, without their records: the
lecture's conventions only (fast_path_applies). network.train runs it through the contract both
training loops keep (network.TrainingLoop); the full records of an epoch that is shown come from
the general path, by the `records` function network.train hands in, so this module needs nothing
of network.py.

Arrays are transposed (one column per observation) so that every elementwise operation runs on
contiguous memory. Each layer's biases ride along as the last row of an augmented weight matrix
[W; b] against a row of ones, so z = [W; b]^T [a; 1] and [dC/dW; dC/db] = [a; 1] BPE^T are one
product each. The learning rate (and 1/N for the mean) is folded into the output BPE, so that
one subtraction over all parameters is Step 6. Rows go in blocks, each taken forward and back at
once while its numbers are in the cache. The sigmoid is written 1 - 1 / (1 + e^z), which keeps
1 - f(z) for f'(z) = f(z) (1 - f(z)) and is within 1e-16 of 1 / (1 + e^-z).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, NamedTuple, Protocol, TypeVar

import numpy as np

from .activations import ACTIVATIONS
from .costs import COSTS
from .optimizers import Optimizer

BLOCK_ROWS = 1024
CHECK_EVERY = 1024  # updates between two checks that every weight is still a finite number
SHARD_ROWS = 10_000  # rows per shard at least: the blocks go to min(cores, rows // SHARD_ROWS) threads
# OpenBLAS (numpy's) starts threads of its own for a matrix product of more multiply-adds than
# 65,536 x GEMM_MULTITHREAD_THRESHOLD (4); below that it runs on one thread without being told.
BLAS_THREAD_WORK = 65_536 * 4
_ONE = np.array(1.0)
# numpy's dot itself, without the __array_function__ dispatch in front of it (a Python call per
# product, a tenth of a lecture epoch); where numpy does not expose it, np.dot
_DOT = getattr(np.dot, "_implementation", np.dot)

Weights = tuple[np.ndarray, ...]
R = TypeVar("R")  # the records of one epoch (network.Step)
# f(z) written into out (tmp is scratch); BPE = error * f'(z) written into out
FInto = Callable[[np.ndarray, np.ndarray, np.ndarray], None]
BpeInto = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None]


class Design(Protocol):
    """What the fast path reads of a network.Model: the design, its weights and the conventions."""

    @property
    def layers(self) -> tuple[int, ...]: ...
    @property
    def weights(self) -> Weights: ...
    @property
    def biases(self) -> Weights: ...
    @property
    def activations(self) -> tuple[str, ...]: ...
    @property
    def learning_rate(self) -> float: ...
    @property
    def cost(self) -> str: ...
    @property
    def reduction(self) -> str: ...
    @property
    def update(self) -> str: ...
    @property
    def layer_updates(self) -> str: ...
    @property
    def update_biases(self) -> bool: ...
    @property
    def has_biases(self) -> bool: ...
    @property
    def optimizer(self) -> Optimizer: ...
    @property
    def regularization(self) -> str: ...


def fast_path_applies(model: Design) -> bool:
    """The fast path covers the lecture's conventions: one full-batch plain gradient-descent update
    per epoch with every layer updated from the same forward pass, elementwise f' and dC/dyhat,
    no regularisation (regularization.py)."""
    return (
        model.update == "batch"
        and model.optimizer.name == "gd"
        and (model.layer_updates == "simultaneous" or len(model.weights) == 1)
        and all(ACTIVATIONS[name].df is not None for name in model.activations)
        and model.regularization == "none"
    )


def _blas_limits():
    """threadpoolctl's threadpool_limits, if it is installed (it sets BLAS's thread count)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def blas_would_thread(rows: int, layers: Sequence[int]) -> bool:
    """Whether BLAS would start threads of its own for a layer's product over `rows` rows."""
    return max(rows * (k + 1) * m for k, m in zip(layers, layers[1:])) > BLAS_THREAD_WORK


@contextlib.contextmanager
def one_blas_thread(needed: bool = True) -> Iterator[None]:
    """BLAS on one thread while training (each shard is one thread of its own), where it would
    otherwise start threads: under load, BLAS threads that wait for a busy core stall every
    product. Without threadpoolctl, BLAS keeps its own count."""
    limits = _blas_limits() if needed else None
    if limits is None:
        yield
        return
    with limits(1):
        yield


def _tanh_into(z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    np.tanh(z, out)


def _tanh_bpe_into(z: np.ndarray, a: np.ndarray, tmp: np.ndarray, error: np.ndarray, out: np.ndarray) -> None:
    """BPE = error (1 - tanh(z)^2)."""
    np.multiply(a, a, out)
    np.subtract(_ONE, out, out)
    np.multiply(out, error, out)


def _generic_f(name: str) -> FInto:
    f = ACTIVATIONS[name].f

    def into(z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
        out[...] = f(z)

    return into


def _generic_bpe(name: str) -> BpeInto:
    bpe = ACTIVATIONS[name].bpe

    def into(z: np.ndarray, a: np.ndarray, tmp: np.ndarray, error: np.ndarray, out: np.ndarray) -> None:
        out[...] = bpe(z, a, error)

    return into


# The plan of one epoch: per block of rows, the arguments of every call, as named records. The
# epoch's inner loop unpacks them by position (as fast as a plain tuple), in the order written here.


class LayerForward(NamedTuple):
    """Step 3 on one layer of one block: z = [W; b]^T [a_prev; 1], a = f(z)."""

    weights_t: np.ndarray  # [W; b]^T, a view of a parameter vector
    inputs: np.ndarray  # [a_prev; 1]
    sums: np.ndarray  # z, written
    f: FInto | None  # None: the sigmoid, written inline
    out: np.ndarray  # a = f(z), written (the rows above the ones of the next layer's inputs)
    tmp: np.ndarray  # 1 - f(z) for the sigmoid, kept for f'


class OutputCost(NamedTuple):
    """Step 4 on one block: the targets y, the outputs yhat and dC/dyhat (written)."""

    targets: np.ndarray
    output: np.ndarray
    error: np.ndarray
    error_flat: np.ndarray  # the same numbers as one vector, for Sigma = 1/2 err . err


class LayerBackward(NamedTuple):
    """Step 5 on one layer of one block: BPE = error f'(z), the error of the layer below
    BPE W^T, and the block's gradient [a_prev; 1] BPE^T added to its shard's sum."""

    bpe_into: BpeInto | None  # None: the sigmoid, written inline
    sums: np.ndarray  # z (scratch once BPE is known)
    out: np.ndarray  # a = f(z)
    tmp: np.ndarray  # 1 - f(z) for the sigmoid
    error: np.ndarray  # dC/da of this layer, scaled by the learning rate
    bpe: np.ndarray  # written
    weights: np.ndarray | None  # W without its bias row, to carry the error down; None on the first layer
    error_below: np.ndarray | None  # the error of the layer below, written; None on the first layer
    inputs: np.ndarray  # [a_prev; 1]
    bpe_t: np.ndarray  # BPE^T
    grad: np.ndarray  # where the block's gradient is written
    total: np.ndarray | None  # the shard's sum it is added to; None: the block wrote the sum itself


class Block(NamedTuple):
    """The calls of one block of rows in one epoch."""

    forward: list[LayerForward]
    cost: OutputCost
    backward: list[LayerBackward]


class _Buffers(NamedTuple):
    """Per size of block, reused by every block of that size while it is in the cache: the
    activations [a_l; 1] of the hidden layers and a of the output, and per non-input layer z,
    scratch, BPE and the error dC/da."""

    activations: list[np.ndarray]
    sums: list[np.ndarray]
    tmps: list[np.ndarray]
    bpes: list[np.ndarray]
    errors: list[np.ndarray]


class FastLoop(Generic[R]):
    """Epochs of the lecture's conventions with preallocated buffers and no records. For an epoch
    that is shown, `records(loop, k)` makes the records of epoch k + 1 (network.train hands in the
    general path's `step` from weights_after(k), or a record of epoch_sums(k) for large data).

    Per block of rows (transposed, one column per row) the inputs [x; 1] and the targets, and
    the buffers of its size. The plans list the calls of one epoch, once per parameter vector."""

    def __init__(
        self,
        model: Design,
        inputs: np.ndarray,
        targets: np.ndarray,
        records: Callable[[FastLoop[R], int], R],
    ):
        self.model, self.inputs, self.targets, self.records = model, inputs, targets, records
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
        f: list[FInto | None] = [
            None if a == "sigmoid" else _tanh_into if a == "tanh" else _generic_f(a) for a in model.activations
        ]
        bpe_into: list[BpeInto | None] = [
            None if a == "sigmoid" else _tanh_bpe_into if a == "tanh" else _generic_bpe(a) for a in model.activations
        ]
        rows = len(inputs)
        self.rows, self.mean = rows, model.reduction == "mean"
        self.cost = COSTS[model.cost]
        self.half_squared = model.cost == "half_squared_error"
        factor = 2.0 if model.cost == "squared_error" else 1.0  # dC/dyhat = factor (yhat - y)
        lr = model.learning_rate / rows if self.mean else model.learning_rate
        self.scale = np.array(lr * factor)
        # Large data goes in shards of blocks, one per core, each summing its own gradients.
        shards = max(1, min(cores(), rows // SHARD_ROWS))
        if shards > 1 and _blas_limits() is None:
            shards = 1  # BLAS's own threads, then
        per_shard = -(-rows // shards)
        self.blas_limited = shards > 1 or blas_would_thread(min(per_shard, BLOCK_ROWS), layers)
        self.grads = [self.grad] + [np.empty_like(self.grad) for _ in range(shards - 1)]
        # plans[k][shard]: the blocks of one epoch with the weights in self.views[k]
        self.plans: list[list[list[Block]]] = [[[] for _ in range(shards)] for _ in range(3)]
        for shard in range(shards):
            grads, partial = split(self.grads[shard]), [np.empty(shape) for shape in shapes]
            buffers: dict[int, _Buffers] = {}
            end = min(rows, (shard + 1) * per_shard)
            for start in range(shard * per_shard, end, BLOCK_ROWS):
                x, y = inputs[start : min(start + BLOCK_ROWS, end)], targets[start : min(start + BLOCK_ROWS, end)]
                size = len(x)
                if size not in buffers:
                    hidden = [np.ones((k + 1, size)) for k in layers[1:-1]] + [np.empty((layers[-1], size))]
                    buffers[size] = _Buffers(hidden, *([np.empty((k, size)) for k in layers[1:]] for _ in range(4)))
                buf = buffers[size]
                acts = [np.ones((layers[0] + 1, size))] + buf.activations
                acts[0][:-1] = x.T
                outs = [a[:-1] for a in acts[1:-1]] + [acts[-1]]
                first = start == shard * per_shard
                into = grads if first else partial
                cost = OutputCost(np.ascontiguousarray(y.T), acts[-1], buf.errors[-1], buf.errors[-1].reshape(-1))
                for k in range(3):
                    ws = self.views[k]
                    forward = [
                        LayerForward(ws[l].T, acts[l], buf.sums[l], f[l], outs[l], buf.tmps[l]) for l in range(n)
                    ]
                    backward = [
                        LayerBackward(
                            bpe_into=bpe_into[l],
                            sums=buf.sums[l],
                            out=outs[l],
                            tmp=buf.tmps[l],
                            error=buf.errors[l],
                            bpe=buf.bpes[l],
                            weights=ws[l][:-1] if l else None,
                            error_below=buf.errors[l - 1] if l else None,
                            inputs=acts[l],
                            bpe_t=buf.bpes[l].T,
                            grad=into[l],
                            total=None if first else grads[l],
                        )
                        for l in reversed(range(n))
                    ]
                    self.plans[k][shard].append(Block(forward, cost, backward))
        if shards > 1:
            from concurrent.futures import ThreadPoolExecutor

            self.pool: ThreadPoolExecutor | None = ThreadPoolExecutor(shards)
        else:
            self.pool = None
        self.completed = 0
        self.totals = [math.nan] * 3  # Σ of the last epochs as the blocks summed it, by updates before them
        self.summed = -1  # the updates before the epoch whose shard gradients are summed into self.grad

    def weights_after(self, k: int) -> tuple[Weights, Weights]:
        """Copies of the weights and the biases after k updates (k >= completed - 1)."""
        ws = self.views[k % 3]
        return tuple(w[:-1].copy() for w in ws), tuple(w[-1].copy() for w in ws)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """The context to train in: BLAS on one thread per shard, the shards' threads shut down after."""
        try:
            with one_blas_thread(self.blas_limited):
                yield
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=False)

    def forward(self) -> tuple[float, float]:
        """Steps 3-5 of the next epoch: the cost and, block by block while its numbers are in the
        cache, the gradients (Step 6 waits for update)."""
        plans = self.plans[self.completed % 3]
        if self.pool is None:
            total = self._epoch(plans[0])
        else:
            total = sum(self.pool.map(self._shard_epoch, plans))
        self.totals[self.completed % 3], self.summed = total, -1
        return total, total / self.rows if self.mean else total

    def _shard_epoch(self, plans: list[Block]) -> float:
        """One shard's epoch on a worker thread: numpy's error state is per thread, so the
        caller's errstate (overflow of e^z is expected and harmless) is set here again."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._epoch(plans)

    def _epoch(
        self,
        plans: list[Block],
        dot=_DOT,
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
            for bpe_into, z, a, tmp, err_l, bpe, w, err_below, a_prev, bpe_t, grad, into in backward:
                if bpe_into is None:  # the sigmoid, inline: error f(z) (1 - f(z)), 1 - f(z) kept in tmp
                    multiply(tmp, a, z)
                    multiply(z, err_l, bpe)
                else:
                    bpe_into(z, a, tmp, err_l, bpe)
                if w is not None:
                    dot(w, bpe, err_below)
                dot(a_prev, bpe_t, grad)
                if into is not None:
                    into += grad
        return total

    def record(self) -> R:
        """The records of the current epoch (after forward)."""
        return self.records(self, self.completed)

    def record_completed(self) -> R:
        """The records of the last completed epoch."""
        return self.records(self, self.completed - 1)

    def epoch_sums(self, k: int) -> tuple[float, tuple[Weights, Weights], tuple[Weights, Weights]]:
        """Epoch k + 1 by its sums, without a record per row (k = completed after forward, or
        completed - 1): its Σ as the blocks summed it, the weights and biases it started with,
        and those after its update."""
        if k == self.completed:
            self._descend()  # where update will write the same numbers
        return self.totals[k % 3], self.weights_after(k), self.weights_after(k + 1)

    def _descend(self) -> None:
        """Step 6 into the next parameter vector: the shards' gradients summed (once per epoch),
        frozen biases left as they are, and one subtraction of the summed gradients."""
        if self.summed != self.completed:
            for grad in self.grads[1:]:
                self.grad += grad
            for g in self.frozen:
                g.fill(0.0)
            self.summed = self.completed
        np.subtract(self.params[self.completed % 3], self.grad, self.params[(self.completed + 1) % 3])

    def update(self, check: bool = False) -> bool:
        """Step 6: one subtraction of the summed gradients from every weight and bias. Every
        CHECK_EVERY updates (and with `check`) False if a weight is no longer a finite number;
        in between a runaway shows in the cost, and first_bad finds its epoch."""
        self._descend()
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
        again = FastLoop(self.model, self.inputs, self.targets, self.records)
        with again.running():
            for epoch in range(1, limit + 1):
                again.forward()
                if not again.update(check=True):
                    return epoch
        return None
