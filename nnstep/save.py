"""A trained model -> a model file (the YAML schema files.load_model reads), written atomically.

Every number is written with repr, the shortest text that reads back to the same float, so that
`nnstep ... --model saved.yaml` continues from exactly the saved weights.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Optional, Sequence

import numpy as np

from .network import Model
from .optimizers import Optimizer


def _number(value: float) -> str:
    return repr(float(value))


def _row(values: np.ndarray) -> str:
    return "[" + ", ".join(_number(v) for v in values) + "]"


def model_yaml(model: Model, comment: str = "", targets: Optional[Sequence[str]] = None) -> str:
    """The model file text: layers, activation, learning_rate, the conventions that differ from the
    lecture's, weights (one matrix per layer, one line per from-node) and biases."""
    lines = [f"# {line}" for line in comment.splitlines()]
    lines.append(f"layers: [{', '.join(str(n) for n in model.layers)}]")
    names = set(model.activations)
    lines.append(f"activation: {model.activations[0]}" if len(names) == 1
                 else f"activation: [{', '.join(model.activations)}]")
    lines.append(f"learning_rate: {_number(model.learning_rate)}")
    defaults = Model(model.layers, (), (), (), 1.0)
    for key in ("cost", "reduction", "update", "layer_updates"):
        if getattr(model, key) != getattr(defaults, key):
            lines.append(f"{key}: {getattr(model, key)}")
    if model.update == "minibatch":
        lines.append(f"batch_size: {model.batch_size}")
    if not model.update_biases:
        lines.append("update_biases: false")
    if model.optimizer != Optimizer():
        opt, plain = model.optimizer, Optimizer(model.optimizer.name)
        params = {k: getattr(opt, k) for k in ("beta", "beta1", "beta2", "epsilon") if getattr(opt, k) != getattr(plain, k)}
        inner = ", ".join([f"name: {opt.name}"] + [f"{k}: {_number(v)}" for k, v in params.items()])
        lines.append(f"optimizer: {{{inner}}}" if params else f"optimizer: {opt.name}")
    if targets:
        lines.append(f"targets: [{', '.join(targets)}]")
    lines.append("weights:                   # one matrix per layer; row = from-node, column = to-node")
    for w in model.weights:
        rows = [_row(r) for r in w]
        lines.append("  - - " + rows[0])
        lines += ["    - " + r for r in rows[1:]]
    if model.has_biases:
        lines.append("biases:")
        lines += ["  - " + _row(b) for b in model.biases]
    return "\n".join(lines) + "\n"


def replace_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it over `path` in one step, so
    that an interrupted write never leaves a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    replace_atomically(path, lambda f: f.write(text.encode("utf-8")))


def save_model(path: str | Path, model: Model, comment: str = "", targets: Optional[Sequence[str]] = None) -> None:
    """Write `model` as a model file at `path`, atomically."""
    write_atomic(path, model_yaml(model, comment, targets))
