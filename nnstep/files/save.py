"""A trained model -> a model file (the YAML schema files.load_model reads), written atomically.

Every number is written with repr, the shortest text that reads back to the same float, so that
`nnstep ... --model saved.yaml` continues from exactly the saved weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..network import Model
from ..optimizers import Optimizer
from .load import STATE_ARRAYS, write_atomically, yaml_list, yaml_names, yaml_number


def model_yaml(model: Model, comment: str = "", targets: Sequence[str] | None = None) -> str:
    """The model file text: layers, activation, learning_rate, the conventions that differ from the
    lecture's, weights (one matrix per layer, one line per from-node) and biases."""
    lines = [f"# {line}" for line in comment.splitlines()]
    lines.append(f"layers: [{', '.join(str(n) for n in model.layers)}]")
    names = set(model.activations)
    lines.append(
        f"activation: {model.activations[0]}" if len(names) == 1 else f"activation: [{', '.join(model.activations)}]"
    )
    lines.append(f"learning_rate: {yaml_number(model.learning_rate)}")
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
        params = {
            k: getattr(opt, k) for k in ("beta", "beta1", "beta2", "epsilon") if getattr(opt, k) != getattr(plain, k)
        }
        inner = ", ".join([f"name: {opt.name}"] + [f"{k}: {yaml_number(v)}" for k, v in params.items()])
        lines.append(f"optimizer: {{{inner}}}" if params else f"optimizer: {opt.name}")
    if model.regularization != "none":
        lines.append(f"regularization: {model.regularization}")
        lines.append(f"lambda: {yaml_number(model.lambda_)}")
        if model.regularize_biases:
            lines.append("regularize_biases: true")
    if targets:
        lines.append(f"targets: {yaml_names(targets)}")
    lines.append("weights:                   # one matrix per layer; row = from-node, column = to-node")
    for w in model.weights:
        rows = [yaml_list(r) for r in w]
        lines.append("  - - " + rows[0])
        lines += ["    - " + r for r in rows[1:]]
    if model.has_biases:
        lines.append("biases:")
        lines += ["  - " + yaml_list(b) for b in model.biases]
    lines += _state_lines(model)
    return "\n".join(lines) + "\n"


def _state_lines(model: Model) -> list[str]:
    """optimizer_state: what momentum (velocity) or Adam (m, v and the update count t) remembers,
    so that training resumed from the file continues exactly as one uninterrupted run."""
    state, arrays = model.optimizer_state, STATE_ARRAYS.get(model.optimizer.name)
    if state is None or arrays is None or state.steps < 1:
        return []
    lines = [
        f"optimizer_state:           # {model.optimizer.name}'s memory after {state.steps:,} updates",
        f"  steps: {state.steps}",
    ]
    for k, name in enumerate(arrays):
        store = state.first if k == 0 else state.second
        lines += [f"  {name}:", "    weights:"]
        for l, w in enumerate(model.weights):
            rows = [yaml_list(r) for r in store.get(f"w{l}", w * 0.0)]
            lines.append("      - - " + rows[0])
            lines += ["        - " + r for r in rows[1:]]
        if model.update_biases and model.has_biases:
            lines.append("    biases:")
            lines += ["      - " + yaml_list(store.get(f"b{l}", b * 0.0)) for l, b in enumerate(model.biases)]
    return lines


def save_model(path: str | Path, model: Model, comment: str = "", targets: Sequence[str] | None = None) -> None:
    """Write `model` as a model file at `path`, atomically."""
    write_atomically(path, model_yaml(model, comment, targets))
