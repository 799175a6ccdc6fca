"""Exercises for a class: seeded networks and data whose numbers suit a hand calculation.

Each variant is drawn from Python's `random.Random`, seeded with the text "nnstep:SEED:VARIANT:TRY"
(a string seed is hashed with SHA-512, and `random()` is the Mersenne Twister, both unchanged
since Python 3.2), and only `random()` is used, mapped to whole numbers here: the same seed gives
the same numbers on any machine, Python 3 version and numpy version. A draw that does not fit a
hand calculation (a saturated node, a gradient too small to see at 3 decimals, targets all equal)
is redrawn with the next TRY.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

from .. import network
from ..dataset import Dataset
from ..files.load import check_trainable, lecture_file, load_model
from ..network import Model

MAX_TRIES = 2000
SMALLEST_GRADIENT = 0.0005  # |g| below this shows as 0.000 at 3 decimals
SIGMOID_RANGE = (0.05, 0.95)  # a sigmoid activation outside this is saturated: f' near 0
TANH_LIMIT = 0.9  # |tanh(z)| above this: f' = 1 - a^2 below 0.19
RELU_MARGIN = 0.05  # a relu input sum this close to 0 sits on the kink


class NoFit(ValueError):
    """No draw within MAX_TRIES met the constraints (a very large network, say)."""


@dataclass(frozen=True)
class Variant:
    """One student's exercise: the variant's number (from 1), its model and data, and the try
    (from 0) whose draw met every constraint."""

    number: int
    model: Model
    data: Dataset
    attempt: int


def _uniform_steps(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high (inclusive), from random() alone."""
    return low + min(int(rng.random() * (high - low + 1)), high - low)


def _tenths(rng: random.Random, low: int, high: int, nonzero: bool = False) -> float:
    """A number with one decimal, low/10 .. high/10; never 0 with `nonzero`."""
    while True:
        k = _uniform_steps(rng, low, high)
        if k or not nonzero:
            return k / 10


def _hundredths(rng: random.Random, low: int, high: int) -> float:
    return _uniform_steps(rng, low, high) / 100


def _targets(rng: random.Random, model: Model, rows: int) -> np.ndarray:
    """Targets the output activation can approach: class labels 0/1 for outputs in (0, 1) (one-hot
    with softmax), -1/1 for tanh, two-decimal numbers in [0, 1] for relu and linear."""
    outputs, act = model.layers[-1], model.activations[-1]
    if act == "softmax":
        y = np.zeros((rows, outputs))
        for i in range(rows):
            y[i, _uniform_steps(rng, 0, outputs - 1)] = 1.0
        return y
    if act in ("sigmoid", "step"):
        return np.array([[float(_uniform_steps(rng, 0, 1)) for _ in range(outputs)] for _ in range(rows)])
    if act == "tanh":
        return np.array([[float(2 * _uniform_steps(rng, 0, 1) - 1) for _ in range(outputs)] for _ in range(rows)])
    return np.array([[_hundredths(rng, 0, 100) for _ in range(outputs)] for _ in range(rows)])


def _draw(rng: random.Random, template: Model, rows: int) -> tuple[Model, Dataset]:
    layers = template.layers
    weights = tuple(
        np.array([[_tenths(rng, -10, 10, nonzero=True) for _ in range(m)] for _ in range(n)])
        for n, m in zip(layers, layers[1:])
    )
    biases = tuple(np.array([_tenths(rng, -5, 5) for _ in range(m)]) for m in layers[1:])
    inputs = np.array([[_hundredths(rng, -150, 150) for _ in range(layers[0])] for _ in range(rows)])
    model = replace(template, weights=weights, biases=biases)
    targets = _targets(rng, model, rows)
    inputs_names = tuple(f"X{k + 1}" for k in range(layers[0]))
    target_names = ("Y",) if layers[-1] == 1 else tuple(f"Y{k + 1}" for k in range(layers[-1]))
    return model, Dataset(inputs, targets, inputs_names, target_names, frozenset())


def problems(model: Model, data: Dataset) -> list[str]:
    """Why a draw does not suit a hand calculation (empty when it does)."""
    found = []
    if len(np.unique(data.targets, axis=0)) < 2:
        found.append("every target is the same")
    s = network.step(model, data.inputs, data.targets)
    for layer, (z, a) in enumerate(zip(s.forward.input_sums, s.forward.activations)):
        name = model.activations[layer]
        if name == "sigmoid" and ((a < SIGMOID_RANGE[0]) | (a > SIGMOID_RANGE[1])).any():
            found.append(f"a sigmoid node of layer {layer + 1} is saturated")
        elif name == "tanh" and (np.abs(a) > TANH_LIMIT).any():
            found.append(f"a tanh node of layer {layer + 1} is saturated")
        elif name == "relu" and ((np.abs(z) < RELU_MARGIN).any() or not (z > 0).any(axis=0).all()):
            found.append(f"a relu node of layer {layer + 1} is on its kink or never active")
    gradients = [*s.backward.weight_gradients, *(s.backward.bias_gradients if model.has_biases else ())]
    if any((np.abs(g) < SMALLEST_GRADIENT).any() for g in gradients):
        found.append(f"a gradient is smaller than {SMALLEST_GRADIENT} (0.000 at 3 decimals)")
    return found


def variants(template: Model, rows: int, seed: int, count: int) -> list[Variant]:
    """`count` exercises for the design and conventions of `template` (its weights are ignored),
    each with `rows` observations, all different, each meeting every constraint of `problems`.
    At least 2 rows: one row cannot have targets that differ (a ValueError)."""
    if rows < 2:
        raise ValueError(f"rows: expected at least 2 (one row cannot have targets that differ), got {rows}")
    out: list[Variant] = []
    seen: set[bytes] = set()
    for number in range(1, count + 1):
        for attempt in range(MAX_TRIES):
            rng = random.Random(f"nnstep:{seed}:{number}:{attempt}")
            model, data = _draw(rng, template, rows)
            key = b"".join(w.tobytes() for w in model.weights) + data.inputs.tobytes() + data.targets.tobytes()
            if key in seen or problems(model, data):
                continue
            seen.add(key)
            out.append(Variant(number, model, data, attempt))
            break
        else:
            raise NoFit(
                f"no numbers fit for a hand calculation after {MAX_TRIES:,} draws for variant {number}: "
                "try fewer layers or nodes, or fewer rows"
            )
    return out


def template(layers: list[int] | tuple[int, ...], conventions: dict) -> Model:
    """The lecture's model file with these layers and conventions (model-file keys), its weights
    zero until `variants` draws them; an InputError names a convention that does not fit."""
    path = lecture_file("model.yaml")
    shape = {
        "layers": list(layers),
        "weights": [[[0.0] * m for _ in range(n)] for n, m in zip(layers, layers[1:])],
        "biases": [[0.0] * m for m in layers[1:]],
    }
    model = load_model(path, {**conventions, **shape})
    check_trainable(model, path)
    return model
