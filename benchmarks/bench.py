"""How fast nnstep answers and trains, as ratios measured in one run (make bench).

(1) whole commands (nnstep, forward, backprop, update, train --epochs 8000, verify, --help) against
    a bare `python -c "import numpy"`;
(2) `nnstep train --epochs 2` on 1,000,000 rows from a CSV file, layers [2, 64, 64, 1]: time against
    a plain numpy full-batch script of the same epochs (plain_numpy_train.py), and peak memory;
(3) the BLAS threads and shards inside each training loop on this machine;
(4) time per epoch of nnstep's training loop against a plain numpy loop of the same math (below,
    written the obvious way), on the lecture (10 rows, 2-3-1) and on 100,000 random rows with
    layers [2, 64, 64, 1], and that the two give the same weights; and against PyTorch autograd on
    the CPU in float64, when torch is installed.

Each measurement is the median of several rounds, the contenders taking turns within a round,
so that a busy machine slows them alike. Time per epoch is the time of N + k epochs less that of
N, over k: setting up and the full records of the last epoch cancel out.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def per_epoch(contenders: dict, n: int, k: int) -> dict[str, float]:
    """Seconds per epoch of each contender: (median time of n + k epochs - median time of n) / k,
    the contenders taking turns in each of ROUNDS rounds."""
    long_, short = {name: [] for name in contenders}, {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, fn in contenders.items():
            short[name].append(timed(fn, n))
            long_[name].append(timed(fn, n + k))
    return {
        name: max(statistics.median(long_[name]) - statistics.median(short[name]), 1e-12) / k for name in contenders
    }


def run(command: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB, the child's own maximum resident set) of one command,
    its output going to /dev/null, as to a file or pipe."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    spent = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, command)
    return spent, usage.ru_maxrss / 1024


def interleaved(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[float, float]]:
    """Median wall time and largest peak memory of each command over `rounds` rounds in which
    the commands take turns (a busy machine slows them alike)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, float] = {name: 0.0 for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            spent, peak = run(command)
            times[name].append(spent)
            memory[name] = max(memory[name], peak)
    return {name: (statistics.median(times[name]), memory[name]) for name in commands}


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


BIG_ROWS = int(os.environ.get("BENCH_BIG_ROWS", "1000000"))
BIG_LAYERS = (2, 64, 64, 1)
BIG_LR = 1e-5


def big_files(folder: Path) -> tuple[Path, Path, Path]:
    """BIG_ROWS random rows as CSV (X1, X2, Y), and the same initial weights as a model file for
    nnstep and as .npz for the plain script."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, (BIG_ROWS, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    csv, model, npz = folder / "big.csv", folder / "model.yaml", folder / "weights.npz"
    np.savetxt(csv, np.hstack([x, y]), delimiter=",", header="X1,X2,Y", comments="", fmt="%.6f")
    ws = [rng.uniform(-1, 1, (a, b)) / np.sqrt(a) for a, b in zip(BIG_LAYERS, BIG_LAYERS[1:])]
    bs = [np.zeros(b) for b in BIG_LAYERS[1:]]
    lists = lambda arrays: "[" + ", ".join(repr(a.tolist()) for a in arrays) + "]"  # noqa: E731
    model.write_text(
        f"layers: {list(BIG_LAYERS)}\nactivation: sigmoid\nlearning_rate: {BIG_LR}\ntargets: [Y]\n"
        f"weights: {lists(ws)}\nbiases: {lists(bs)}\n"
    )
    np.savez(npz, **{f"w{l}": w for l, w in enumerate(ws)}, **{f"b{l}": b for l, b in enumerate(bs)})
    return csv, model, npz


def blas_threads_seen() -> list[str]:
    """The BLAS threads inside each training loop, and the shards of the fast path, on this machine."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["(install threadpoolctl to see BLAS's threads)"]
    from nnstep import fastpath

    def blas() -> int:
        return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    rng = np.random.default_rng(2)
    lines = [f"BLAS threads outside training: {blas()}; cores: {fastpath.cores()}"]
    for rows in (10, 10_000, 100_000, 1_000_000):
        layers = (2, 3, 1) if rows == 10 else BIG_LAYERS
        model = Model(
            layers,
            tuple(rng.uniform(-1, 1, (a, b)) for a, b in zip(layers, layers[1:])),
            tuple(np.zeros(b) for b in layers[1:]),
            ("sigmoid",) * (len(layers) - 1),
            0.1,
        )
        x, y = np.zeros((rows, layers[0])), np.zeros((rows, 1))
        fast = network.fast_loop(model, x, y, per_row=False)
        with fast.running():
            inside = blas()
        general = network._GeneralLoop(model, x[:20_000], y[:20_000])
        with general.running():
            inside_general = blas()
        shape = "[" + ", ".join(map(str, layers)) + "]"
        shards = f"{len(fast.grads)} shard{'s' if len(fast.grads) > 1 else ''}"
        if fastpath.blas_would_thread(rows, layers):
            blas_line = (
                f"BLAS {inside} thread{'s' if inside > 1 else ''} per shard; general path: BLAS {inside_general}"
            )
        else:
            blas_line = "BLAS starts no thread for products this small (no limit needed)"
        lines.append(f"{rows:>9,} rows {shape:15s} fast path: {shards}, {blas_line}")
        if fast.pool is not None:
            fast.pool.shutdown()
    return lines


def verdict(value: float, limit: float) -> str:
    return f"{value:5.2f}x  (at most {limit:.2f}x: {'yes' if value <= limit else 'NO'})"


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # each line as it is measured, also into a file
    print("nnstep benchmark:", machine())
    try:
        import torch

        torch.set_default_dtype(torch.float64)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        torch = None
        print("PyTorch is not installed: its column is skipped (pip install torch to measure it)")
    print(
        "Medians of interleaved rounds (the contenders take turns in each round, so that other work on\n"
        "the machine slows them alike); output to /dev/null, as to a file or pipe."
    )
    print()

    bindir = Path(sys.executable).parent
    nnstep_cmd = shutil.which("nnstep", path=str(bindir)) or "nnstep"
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "nnstep": [nnstep_cmd],
        "nnstep forward": [nnstep_cmd, "forward"],
        "nnstep backprop": [nnstep_cmd, "backprop"],
        "nnstep update": [nnstep_cmd, "update"],
        "nnstep train --epochs 8000": [nnstep_cmd, "train", "--epochs", "8000"],
        "nnstep verify": [nnstep_cmd, "verify"],
        "nnstep --help": [nnstep_cmd, "--help"],
    }
    limits = {"nnstep train --epochs 8000": 2.0, "nnstep verify": 3.0, "nnstep --help": 0.5}
    times = interleaved(commands, 4 * ROUNDS)
    base = times["python -c 'import numpy'"][0]
    print(f"(1) whole commands, {4 * ROUNDS} rounds, as a ratio to python -c 'import numpy'")
    for name, (spent, _) in times.items():
        ratio = "" if spent == base else "   " + verdict(spent / base, limits.get(name, 1.4))
        print(f"    {name:28s} {spent * 1e3:7.1f} ms{ratio}")
    print()

    rounds = max(2, ROUNDS // 2)
    print(f"(2) {BIG_ROWS:,} rows, layers {list(BIG_LAYERS)}, 2 epochs from a CSV file, {rounds} rounds")
    with tempfile.TemporaryDirectory() as folder:
        csv, model_file, npz = big_files(Path(folder))
        script = Path(__file__).parent / "plain_numpy_train.py"
        big = interleaved(
            {
                "plain numpy script": [sys.executable, str(script), str(csv), str(npz), "2", str(BIG_LR)],
                "nnstep train --epochs 2": [nnstep_cmd, "train", "--model", str(model_file), "--data", str(csv),
                                            "--epochs", "2"],
            },
            rounds,
        )  # fmt: skip
    (plain_s, plain_mb), (ours_s, ours_mb) = big.values()
    print(f"    plain numpy script        {plain_s:7.2f} s   peak {plain_mb:6.0f} MB")
    print(f"    nnstep train --epochs 2   {ours_s:7.2f} s   peak {ours_mb:6.0f} MB (at most 600 MB: "
          f"{'yes' if ours_mb <= 600 else 'NO'})   {verdict(ours_s / plain_s, 0.6)}")  # fmt: skip
    print()

    print("(3) BLAS threads while training")
    for line in blas_threads_seen():
        print("    " + line)
    print()

    print("(4) time per epoch of the training loop (full-batch gradient descent, sigmoid, 1/2 squared error)")
    for title, model, x, y, n, k in problems():
        w, b, lr = list(model.weights), list(model.biases), model.learning_rate
        contenders = {
            "plain numpy": lambda e: plain_numpy(w, b, x, y, lr, e),
            "nnstep": lambda e: nnstep_loop(model, x, y, e),
        }
        if torch is not None:
            contenders["pytorch"] = lambda e: torch_loop(torch, w, b, x, y, lr, e)
        per = per_epoch(contenders, n, k)
        epochs = 300 if len(x) < 1000 else 3
        reference = plain_numpy(w, b, x, y, lr, epochs)
        print(f"  {title}")
        for name, seconds in per.items():
            unit = f"{seconds * 1e6:9.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:9.1f} ms"
            ratio = per[name] / per["plain numpy"]
            shown = verdict(ratio, 0.45) if name == "nnstep" and len(x) < 1000 else f"{ratio:5.2f}x"
            line = f"    {name:12s} {unit} per epoch   {shown}"
            if name != "plain numpy":
                result = (
                    nnstep_loop(model, x, y, epochs) if name == "nnstep" else torch_loop(torch, w, b, x, y, lr, epochs)
                )
                diff = same_result(result, reference)
                line += f"   largest difference after {epochs} epochs: {diff:.1e}{'' if diff <= 1e-12 else ' (over 1e-12!)'}"
            print(line)
        if torch is not None:
            print(f"    nnstep / pytorch: {per['nnstep'] / per['pytorch']:.2f}x")


if __name__ == "__main__":
    main()
