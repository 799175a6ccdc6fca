"""How fast nnstep trains, as ratios measured in one run (make bench).

(a) `nnstep train --epochs 8000`, the whole command, against a bare `python -c "import numpy"`;
(b) time per epoch of nnstep's training loop against a plain numpy loop of the same math (below,
    written the obvious way), on the lecture (10 rows, 2-3-1) and on 100,000 random rows with
    layers [2, 64, 64, 1]; and that the two give the same weights;
(c) the same against PyTorch autograd on the CPU in float64, when torch is installed.

Each measurement is the best of several rounds, the contenders taking turns within a round, so
that a busy machine slows them alike. Time per epoch is the time of N + k epochs less that of N,
over k: setting up and the full records of the last epoch cancel out.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from nnstep import network
from nnstep.files.load import lecture_file, load_data, load_model
from nnstep.network import Model

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def plain_numpy(weights, biases, x, y, lr, epochs):
    """The reference: the lecture's full-batch gradient descent written the obvious way."""
    weights = [w.copy() for w in weights]
    biases = [b.copy() for b in biases]
    for _ in range(epochs):
        acts = [x]
        for w, b in zip(weights, biases):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w + b))))
        out = acts[-1]
        delta = (out - y) * out * (1 - out)
        grads_w, grads_b = [None] * len(weights), [None] * len(weights)
        for l in reversed(range(len(weights))):
            grads_w[l] = acts[l].T @ delta
            grads_b[l] = delta.sum(axis=0)
            if l:
                delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
        for l in range(len(weights)):
            weights[l] -= lr * grads_w[l]
            biases[l] -= lr * grads_b[l]
    return weights, biases


def nnstep_loop(model, x, y, epochs):
    t = network.train(model, x, y, epochs)
    return list(t.last.updated.weights), list(t.last.updated.biases)


def torch_loop(torch, weights, biases, x, y, lr, epochs):
    """The same math with PyTorch autograd, float64 on the CPU."""
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in biases]
    xt, yt = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for _ in range(epochs):
        a = xt
        for w, b in zip(ws, bs):
            a = torch.sigmoid(a @ w + b)
        loss = 0.5 * ((a - yt) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for p in ws + bs:
                p -= lr * p.grad
                p.grad = None
    return [w.detach().numpy() for w in ws], [b.detach().numpy() for b in bs]


def best_time(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def per_epoch(contenders: dict, n: int, k: int) -> dict[str, float]:
    """Seconds per epoch of each contender: (time of n + k epochs - time of n) / k, best of ROUNDS."""
    long_, short = {name: [] for name in contenders}, {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, fn in contenders.items():
            short[name].append(best_time(fn, n))
            long_[name].append(best_time(fn, n + k))
    return {name: max(min(long_[name]) - min(short[name]), 1e-12) / k for name in contenders}


def walls(commands: list[list[str]]) -> list[float]:
    """Wall time of each command, best of 2 x ROUNDS rounds in which the commands take turns."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(2 * ROUNDS):
        for command, spent in zip(commands, times):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            spent.append(time.perf_counter() - start)
    return [min(t) for t in times]


def machine() -> str:
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
        f"{platform.processor() or platform.machine()}"
    ]
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                lines.append(
                    f"BLAS: {info['internal_api']} {info.get('version')}, kernel {info.get('architecture')}, "
                    f"{info['num_threads']} threads"
                )
    except ImportError:
        lines.append("BLAS: (install threadpoolctl to see the kernel)")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        lines.append(f"{var}={os.environ[var]}" if var in os.environ else f"{var} unset")
    return "; ".join(lines)


def same_result(a, b) -> float:
    """The largest difference between two lists of weight and bias arrays."""
    return max(float(np.max(np.abs(p - q))) for p, q in zip(a[0] + a[1], b[0] + b[1]))


def problems():
    model = load_model(lecture_file("model.yaml"))
    data = load_data(lecture_file("data.yaml"))
    yield "lecture: 10 rows, layers [2, 3, 1]", model, data.inputs, data.targets, 2000, 2000
    rng = np.random.default_rng(0)
    layers = (2, 64, 64, 1)
    x = rng.uniform(-2, 2, (100_000, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    big = Model(
        layers,
        tuple(rng.uniform(-1, 1, (a, b)) / np.sqrt(a) for a, b in zip(layers, layers[1:])),
        tuple(np.zeros(b) for b in layers[1:]),
        ("sigmoid",) * 3,
        1e-5,
    )
    yield "100,000 random rows, layers [2, 64, 64, 1]", big, x, y, 1, 6


def main() -> None:
    print("nnstep benchmark:", machine())
    try:
        import torch

        torch.set_default_dtype(torch.float64)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        torch = None
        print("PyTorch is not installed: its column is skipped (pip install torch to measure it)")
    print()

    bindir = Path(sys.executable).parent
    nnstep_cmd = shutil.which("nnstep", path=str(bindir)) or "nnstep"
    numpy_s, start_s, train_s = walls(
        [
            [sys.executable, "-c", "import numpy"],
            [nnstep_cmd, "train", "--epochs", "1"],
            [nnstep_cmd, "train", "--epochs", "8000"],
        ]
    )
    print("(a) the whole command")
    print(f"    python -c 'import numpy'         {numpy_s * 1e3:8.1f} ms")
    print(f"    nnstep train --epochs 1          {start_s * 1e3:8.1f} ms")
    print(
        f"    nnstep train --epochs 8000       {train_s * 1e3:8.1f} ms   = {train_s / numpy_s:.2f}x import numpy; "
        f"8,000 epochs of compute: {max(train_s - start_s, 0) * 1e3:.0f} ms"
    )
    print()
    print("(b, c) time per epoch of the training loop (full-batch gradient descent, sigmoid, 1/2 squared error)")
    for title, model, x, y, n, k in problems():
        w, b, lr = list(model.weights), list(model.biases), model.learning_rate
        contenders = {
            "plain numpy": lambda e: plain_numpy(w, b, x, y, lr, e),
            "nnstep": lambda e: nnstep_loop(model, x, y, e),
        }
        if torch is not None:
            contenders["pytorch"] = lambda e: torch_loop(torch, w, b, x, y, lr, e)
        times = per_epoch(contenders, n, k)
        epochs = 300 if len(x) < 1000 else 3
        reference = plain_numpy(w, b, x, y, lr, epochs)
        print(f"  {title}")
        base = times["plain numpy"]
        for name, seconds in times.items():
            unit = f"{seconds * 1e6:9.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:9.1f} ms"
            line = f"    {name:12s} {unit} per epoch   {seconds / base:5.2f}x plain numpy"
            if name != "plain numpy":
                result = (
                    nnstep_loop(model, x, y, epochs) if name == "nnstep" else torch_loop(torch, w, b, x, y, lr, epochs)
                )
                diff = same_result(result, reference)
                line += f"   largest difference after {epochs} epochs: {diff:.1e}{'' if diff <= 1e-12 else ' (over 1e-12!)'}"
            print(line)
        if torch is not None:
            print(f"    nnstep / pytorch: {times['nnstep'] / times['pytorch']:.2f}x")
        if len(x) < 1000:
            print(f"    8,000 epochs of nnstep's loop: {times['nnstep'] * 8000 * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
