"""YAML model and data files -> checked records; every problem is one InputError naming file and key.

The model file holds the design and the initial weights (lecture Steps 1 b and 2); the data file
holds the observations (Step 1 a, already normalized). The lecture's own pair ships in nnstep/data.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import re
import reprlib
import stat
import warnings
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..dataset import Dataset
from ..names import LAYER_UPDATES, REDUCTIONS, REGULARIZATIONS, UPDATES
from ..network import Model
from ..optimizers import NAMES as OPTIMIZERS
from ..optimizers import Optimizer, OptimizerState


class InputError(Exception):
    """A file that cannot be used, with the file, the key and what was expected."""

    def __init__(self, path: str | Path, key: str | None, message: str):
        self.path, self.key, self.detail = str(path), key, message
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {message}")


MAX_YAML_BYTES = 20_000_000  # a model, a lecture-sized data set or a golden file; large data belongs in CSV
MAX_DEPTH = 32  # the deepest shipped file nests 4 levels (a golden entry's erratum)
MAX_VALUES = 5_000_000  # values after expanding aliases: an alias bomb expands to billions
MAX_DIGITS = 400  # digits of an integer: 1e308 is the largest float


class Refused(Exception):
    """A well-formed YAML file nnstep will not read: a duplicate key, a huge integer, a bomb."""

    def __init__(self, key: str | None, message: str):
        self.key, self.message = key, message
        super().__init__(message)


class _Checks:
    """Constructor hooks (they run in Python with either PyYAML loader, SafeLoader or the libyaml
    CSafeLoader): duplicate keys are refused, and integers are YAML 1.2 decimal numbers only
    (no 1.1 sexagesimal 1:30, octal 012, binary 0b1 or 1_000)."""

    def construct_mapping(self, node, deep=False):
        import yaml

        seen: dict = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key, line = self.construct_object(key_node), key_node.start_mark.line + 1  # type: ignore[attr-defined]
            try:
                if key in seen:
                    raise Refused(_show_key(key), f"duplicate key (lines {seen[key]} and {line}): keep one")
                seen[key] = line
            except TypeError:  # an unhashable key: the constructor says so
                continue
        return super().construct_mapping(node, deep)  # type: ignore[misc]

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)  # type: ignore[attr-defined]
        digits = text.lstrip("+-")
        if len(digits) > MAX_DIGITS:
            raise Refused(
                f"line {node.start_mark.line + 1}", f"a number of {len(digits):,} digits; expected at most {MAX_DIGITS}"
            )
        return int(text)


@functools.cache
def yaml_loader(libyaml: bool = True) -> type:
    """The one YAML loader every file is read with: libyaml's C parser where PyYAML has it
    (CSafeLoader, several times faster), else the pure-Python SafeLoader; either way the safe
    constructors with _Checks, and YAML 1.2 scalars: `ON`, `yes`, `no` stay strings; `1e-3` is a
    number; `1:30`, `012`, `0x1f` and `2024-01-01` stay strings (they are numbers or dates only in
    YAML 1.1). Both parsers resolve plain scalars by these same rules (PyYAML's resolver, in Python)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if libyaml else yaml.SafeLoader

    class Loader(_Checks, base):  # type: ignore[valid-type,misc]
        pass

    own = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp")
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in own]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
        ),
        list("-+0123456789."),
    )
    # integers must still win over floats for plain digits
    Loader.yaml_implicit_resolvers = {
        first: sorted(resolvers, key=lambda r: r[0] != "tag:yaml.org,2002:int")
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }
    Loader.add_constructor("tag:yaml.org,2002:int", _Checks.construct_yaml_int)
    return Loader


def _show_key(key: Any) -> str:
    """A key as an error message names it: plain when it is a short name, else its repr, cut short."""
    if isinstance(key, str) and key.isprintable() and 0 < len(key) <= 40:
        return key
    return _show(key, 40)


def _measure(doc: Any) -> None:
    """Refuse what would make any later step slow or deep: nesting deeper than MAX_DEPTH, aliases
    that expand to more than MAX_VALUES values (an alias bomb, wherever it sits, even under a key
    no command reads), and an alias inside itself. Shared values are measured once, so this takes
    time in proportion to the text, not to what it expands to."""
    memo: dict[int, tuple[int, int]] = {}
    pending: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        obj, children_done = stack.pop()
        if not isinstance(obj, (list, dict)):
            continue
        children = list(obj.values()) if isinstance(obj, dict) else obj
        if children_done:
            size, depth = 1 + len(children), 1
            for c in children:
                if isinstance(c, (list, dict)):
                    s, d = memo[id(c)]
                    size, depth = size + s - 1, max(depth, d + 1)
            if depth > MAX_DEPTH:
                raise Refused(None, f"nested more than {MAX_DEPTH} levels deep")
            if size > MAX_VALUES:
                raise Refused(None, f"its aliases (*) expand to more than {MAX_VALUES:,} values")
            memo[id(obj)] = (size, depth)
            pending.discard(id(obj))
            continue
        if id(obj) in memo:
            continue
        if id(obj) in pending:
            raise Refused(None, "an alias (*) refers to a value that contains it")
        pending.add(id(obj))
        stack.append((obj, True))
        stack.extend((c, False) for c in children if isinstance(c, (list, dict)) and id(c) not in memo)


@contextmanager
def _reading(path: str | Path, kind: str):
    """Turn the ways a file can fail to be read into one InputError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, f"is a directory, expected a {kind} file") from None
    except UnicodeDecodeError as exc:
        utf16 = exc.object[:2] in (b"\xff\xfe", b"\xfe\xff")
        what = "UTF-16 text" if utf16 else "not UTF-8 text"
        raise InputError(path, None, f"is {what}; expected a {kind} file saved as UTF-8") from None
    except OSError as exc:
        raise InputError(path, None, f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None


def _regular_file(path: str | Path, kind: str) -> int:
    """The size of `path`, refusing before it is opened what is no regular file: a FIFO or a device
    such as /dev/zero would be waited on or read for ever."""
    with _reading(path, kind):
        st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, None, f"is a directory, expected a {kind} file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, None, f"is not a regular file (a pipe or a device?), expected a {kind} file")
    return st.st_size


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file with the safe loader; a missing, malformed, oversized or hostile file is an InputError.
    A file shipped with nnstep, unchanged, comes from its pre-parsed copy (files/preparsed.py)."""
    from . import preparsed

    size = _regular_file(path, "YAML")
    if size > MAX_YAML_BYTES:
        raise InputError(
            path,
            None,
            f"{size / 1e6:.0f} MB, more than the {MAX_YAML_BYTES // 1_000_000} MB a YAML file may have "
            "(large data belongs in a CSV file)",
        )
    with _reading(path, "YAML"):
        data = Path(path).read_bytes()
        doc = preparsed.document(Path(path), data)
        if doc is not preparsed.MISSING:
            return doc
        text = data.decode("utf-8")
    import yaml

    try:
        doc = yaml.load(text, Loader=yaml_loader())
        _measure(doc)
        return doc
    except Refused as exc:
        raise InputError(path, exc.key, exc.message) from None
    except RecursionError:
        raise InputError(path, None, f"nested more than {MAX_DEPTH} levels deep") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(path, None, f"malformed YAML{line}: {_show(problem, 80)[1:-1]}") from None


def check_keys(path: str | Path, doc: dict, known: Sequence[str], where: str = "") -> None:
    """Refuse a key nnstep does not read, naming the closest known one: a misspelt key would
    otherwise be ignored without a word (notes belong in comments or a `description:` key)."""
    for key in doc:
        if key in known:
            continue
        import difflib

        close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(known)}"
        raise InputError(path, f"{where}{_show_key(key)}", f"unknown key ({hint})")


def _show(value: Any, limit: int = 60) -> str:
    """A value as it appears in an error message, cut short so the message stays one line (a
    bounded repr: a long list or a deep one is never written out in full)."""
    text = _REPR.repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 8, 6, 50, 50, 50


def expect_mapping(path: str | Path, doc: Any) -> dict:
    if not isinstance(doc, dict):
        raise InputError(path, None, "expected a YAML mapping of keys (see nnstep --help)")
    return doc


def _require(path: str | Path, doc: dict, key: str) -> Any:
    if key not in doc:
        raise InputError(path, key, "missing key")
    return doc[key]


def _number(path: str | Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, key, f"expected a number, got {_show(value)}")
    if isinstance(value, int) and abs(value) > 1e308:
        raise InputError(path, key, f"expected a number from -1e308 to 1e308, got {_show(value)}")
    if not math.isfinite(value):
        raise InputError(path, key, f"expected a finite number, got {_show(value)}")
    return float(value)


def _vector(path: str | Path, key: str, value: Any, length: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != length:
        raise InputError(path, key, f"expected a list of {length} numbers, got {_show(value)}")
    return np.array([_number(path, f"{key}[{i}]", v) for i, v in enumerate(value)], dtype=float)


def _matrix(path: str | Path, key: str, value: Any, rows: int, cols: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != rows:
        raise InputError(path, key, f"expected {rows} rows of {cols} numbers ({rows}x{cols}), got {_show(value)}")
    return np.array([_vector(path, f"{key}[{i}]", r, cols) for i, r in enumerate(value)], dtype=float).reshape(
        rows, cols
    )


def _name(path: str | Path, key: str, value: Any, known: Iterable[str]) -> str:
    """One of the known names (a dict's keys or a tuple)."""
    if not isinstance(value, str) or value not in known:
        raise InputError(path, key, f"expected one of {', '.join(known)}, got {_show(value)}")
    return value


# Every key a model file may hold (design, weights, conventions, optimizer state, CSV targets).
MODEL_KEYS = (
    "layers",
    "activation",
    "learning_rate",
    "cost",
    "weights",
    "biases",
    "reduction",
    "update",
    "batch_size",
    "layer_updates",
    "update_biases",
    "optimizer",
    "regularization",
    "lambda",
    "regularize_biases",
    "optimizer_state",
    "targets",
    "description",
)
DATA_KEYS = ("columns", "targets", "recovered", "rows", "description")
OPTIMIZER_KEYS = {"gd": (), "momentum": ("beta",), "adam": ("beta1", "beta2", "epsilon")}
MAX_NODES = 1_000_000  # per layer


def load_model(path: str | Path, overrides: dict[str, Any] | None = None) -> Model:
    """Read a model file: layers, activation, learning_rate, weights and biases, and the optional
    convention keys, all checked. `overrides` (from command-line options) replace file keys."""
    overrides = overrides or {}
    doc = expect_mapping(path, read_yaml(path))
    check_keys(path, doc, MODEL_KEYS)
    doc = {**doc, **overrides}
    if overrides.get("regularization") == "none":  # turned off: the file's strength goes with it
        for key in ("lambda", "regularize_biases"):
            if key not in overrides:
                doc.pop(key, None)
    layers = _require(path, doc, "layers")
    if (
        not isinstance(layers, list)
        or not 2 <= len(layers) <= MAX_DEPTH
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in layers)
    ):
        raise InputError(path, "layers", f"expected a list of at least 2 positive whole numbers, got {_show(layers)}")
    if max(layers) > MAX_NODES:
        raise InputError(path, "layers", f"expected at most {MAX_NODES:,} nodes per layer, got {_show(layers)}")
    n_weight_layers = len(layers) - 1

    act = doc.get("activation", "sigmoid")
    names = act if isinstance(act, list) else [act] * n_weight_layers
    if len(names) != n_weight_layers:
        raise InputError(path, "activation", f"expected one name or a list of {n_weight_layers}, got {_show(act)}")
    activations = tuple(_name(path, "activation", n, ACTIVATIONS) for n in names)
    if any(ACTIVATIONS[n].output_only for n in activations[:-1]):
        raise InputError(path, "activation", "softmax is for the output layer only")

    lr = _number(path, "learning_rate", _require(path, doc, "learning_rate"))
    if lr <= 0:
        raise InputError(path, "learning_rate", f"expected a positive number, got {_show(lr)}")
    cost = _name(path, "cost", doc.get("cost", "half_squared_error"), COSTS)
    output = ACTIVATIONS[activations[-1]]
    problem = output.problem(layers[-1]) or COSTS[cost].problem(layers[-1], output.within_0_1)
    if problem:
        raise InputError(path, "activation" if output.problem(layers[-1]) else "cost", problem)

    weights = _require(path, doc, "weights")
    if not isinstance(weights, list) or len(weights) != n_weight_layers:
        raise InputError(path, "weights", f"expected {n_weight_layers} matrices (one per layer after the input layer)")
    matrices = tuple(_matrix(path, f"weights[{l}]", w, layers[l], layers[l + 1]) for l, w in enumerate(weights))
    has_biases = "biases" in doc and doc["biases"] is not None
    if has_biases:
        biases = doc["biases"]
        if not isinstance(biases, list) or len(biases) != n_weight_layers:
            raise InputError(path, "biases", f"expected {n_weight_layers} lists (one per layer after the input layer)")
        vectors = tuple(_vector(path, f"biases[{l}]", b, layers[l + 1]) for l, b in enumerate(biases))
    else:  # the weights are checked first: their shapes bound what the zero biases take
        vectors = tuple(np.zeros(n) for n in layers[1:])
    model = Model(
        layers=tuple(layers),
        weights=matrices,
        biases=vectors,
        activations=activations,
        learning_rate=lr,
        cost=cost,
        has_biases=has_biases,
        **_conventions(path, doc),
    )
    if doc.get("optimizer_state") is not None:
        model = replace(model, optimizer_state=_optimizer_state(path, doc["optimizer_state"], model))
    return model


def _choice(path: str | Path, doc: dict, key: str, choices: tuple[str, ...]) -> str:
    """An optional key naming one of `choices`; the first is the default (the lecture's)."""
    return _name(path, key, doc.get(key, choices[0]), choices)


def _conventions(path: str | Path, doc: dict) -> dict[str, Any]:
    """The optional keys that pick a convention; each default is the lecture's."""
    update = _choice(path, doc, "update", UPDATES)
    batch_size = doc.get("batch_size", 1)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(path, "batch_size", f"expected a whole number of at least 1, got {_show(batch_size)}")
    if update == "minibatch" and "batch_size" not in doc:
        raise InputError(path, "batch_size", "missing key (needed with update: minibatch; or give --batch-size)")
    if update != "minibatch" and "batch_size" in doc:
        raise InputError(path, "batch_size", f"has no effect with update: {update} (it is for update: minibatch)")
    update_biases = doc.get("update_biases", True)
    if not isinstance(update_biases, bool):
        raise InputError(path, "update_biases", f"expected true or false, got {_show(update_biases)}")
    return {
        **_regularization(path, doc),
        "reduction": _choice(path, doc, "reduction", REDUCTIONS),
        "update": update,
        "batch_size": batch_size,
        "layer_updates": _choice(path, doc, "layer_updates", LAYER_UPDATES),
        "update_biases": update_biases,
        "optimizer": _optimizer(path, doc.get("optimizer", "gd")),
    }


def _regularization(path: str | Path, doc: dict) -> dict[str, Any]:
    """`regularization: l2` (or l1) with `lambda: 0.25`, and `regularize_biases: true` to put the
    biases into the penalty too; each refused where it would do nothing."""
    name = _choice(path, doc, "regularization", REGULARIZATIONS)
    if name == "none":
        for key in ("lambda", "regularize_biases"):
            if key in doc:
                raise InputError(path, key, "has no effect without regularization: l2 or l1")
        return {"regularization": name}
    lam = _number(path, "lambda", _require(path, doc, "lambda"))
    if lam < 0:
        raise InputError(path, "lambda", f"expected a number of at least 0, got {_show(lam)}")
    biases = doc.get("regularize_biases", False)
    if not isinstance(biases, bool):
        raise InputError(path, "regularize_biases", f"expected true or false, got {_show(biases)}")
    return {"regularization": name, "lambda_": lam, "regularize_biases": biases}


# The arrays each optimizer remembers, as named in a model file's optimizer_state.
STATE_ARRAYS = {"momentum": ("velocity",), "adam": ("m", "v")}


def _optimizer_state(path: str | Path, value: Any, model: Model) -> OptimizerState:
    """`optimizer_state`: the update count `steps` and, per remembered quantity (momentum's
    `velocity`, Adam's `m` and `v`), `weights` and `biases` shaped as the model's."""
    key = "optimizer_state"
    arrays = STATE_ARRAYS.get(model.optimizer.name)
    if arrays is None:
        raise InputError(path, key, "has no effect with the gd optimizer (it remembers nothing between updates)")
    if not isinstance(value, dict):
        raise InputError(path, key, f"expected a mapping with steps and {', '.join(arrays)}, got {_show(value)}")
    unknown = sorted(set(value) - {"steps", *arrays}, key=str)
    if unknown:
        raise InputError(
            path,
            f"{key}.{unknown[0]}",
            f"not part of {model.optimizer.name}'s state (expected steps, {', '.join(arrays)})",
        )
    if "steps" not in value:
        raise InputError(path, f"{key}.steps", "missing key")
    steps = value["steps"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InputError(path, f"{key}.steps", f"expected a whole number of at least 1, got {_show(steps)}")
    state = OptimizerState(steps)
    for k, name in enumerate(arrays):
        if name not in value:
            raise InputError(path, f"{key}.{name}", "missing key")
        part = value[name]
        where = f"{key}.{name}"
        if not isinstance(part, dict) or "weights" not in part:
            raise InputError(path, where, f"expected a mapping with weights and biases, got {_show(part)}")
        store = state.first if k == 0 else state.second
        ws = part["weights"]
        if not isinstance(ws, list) or len(ws) != len(model.weights):
            raise InputError(path, f"{where}.weights", f"expected {len(model.weights)} matrices, as weights")
        for l, w in enumerate(ws):
            store[f"w{l}"] = _matrix(path, f"{where}.weights[{l}]", w, *model.weights[l].shape)
        bs = part.get("biases")
        if model.update_biases and model.has_biases:
            if not isinstance(bs, list) or len(bs) != len(model.biases):
                raise InputError(path, f"{where}.biases", f"expected {len(model.biases)} lists, as biases")
            for l, b in enumerate(bs):
                store[f"b{l}"] = _vector(path, f"{where}.biases[{l}]", b, len(model.biases[l]))
        elif bs is not None:
            raise InputError(path, f"{where}.biases", "not used: the biases are not learned")
    return state


def _optimizer(path: str | Path, value: Any) -> Optimizer:
    """`optimizer: adam`, or a mapping `{name: adam, beta1: 0.9, beta2: 0.999, epsilon: 1e-8}`."""
    spec = {"name": value} if isinstance(value, str) else value
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or spec["name"] not in OPTIMIZERS:
        raise InputError(
            path, "optimizer", f"expected one of {', '.join(OPTIMIZERS)} (or a mapping with a name), got {_show(value)}"
        )
    params = {}
    own = OPTIMIZER_KEYS[spec["name"]]
    for key in spec:
        other = [name for name, keys in OPTIMIZER_KEYS.items() if key in keys and name != spec["name"]]
        if other:
            takes = f"takes {', '.join(own)}" if own else "takes no parameters"
            raise InputError(path, f"optimizer.{key}", f"is for {other[0]}; {spec['name']} {takes}")
    check_keys(path, spec, ("name", *own), "optimizer.")
    for key, given in spec.items():
        if key == "name":
            continue
        params[key] = _number(path, f"optimizer.{key}", given)
        if key != "epsilon" and not 0 <= params[key] < 1:
            raise InputError(
                path, f"optimizer.{key}", f"expected a number from 0 up to (not including) 1, got {_show(given)}"
            )
        if key == "epsilon" and not params[key] > 0:
            raise InputError(path, f"optimizer.{key}", f"expected a positive number, got {_show(given)}")
    return Optimizer(spec["name"], **params)


def check_trainable(model: Model, path: str | Path) -> None:
    """Backpropagation needs f': the step activation is for the forward pass only."""
    for name in model.activations:
        if not ACTIVATIONS[name].trainable:
            raise InputError(path, "activation", f"{name} has no derivative: use it with forward only, not to train")


def load_data(path: str | Path, targets: Sequence[str] | None = None, model_file: bool = True) -> Dataset:
    """Read a data file: columns, targets (the rest are inputs, in order) and rows. A file ending in
    .csv is read by load_csv; `targets`, if given, replaces the file's list of target columns."""
    if Path(path).suffix.lower() == ".csv":
        return load_csv(path, targets, model_file)
    doc = expect_mapping(path, read_yaml(path))
    check_keys(path, doc, DATA_KEYS)
    if targets:
        doc["targets"] = list(targets)
    columns = _require(path, doc, "columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        raise InputError(path, "columns", f"expected a list of column names, got {_show(columns)}")
    if len(set(columns)) != len(columns):
        raise InputError(path, "columns", f"expected distinct column names, got {_show(columns)}")
    targets = _require(path, doc, "targets")
    target_idx, input_idx = _split_columns(path, columns, targets)
    rows = _require(path, doc, "rows")
    if not isinstance(rows, list) or not rows:
        raise InputError(path, "rows", "expected a list of at least one row")
    table = np.array([_vector(path, f"rows[{i}]", r, len(columns)) for i, r in enumerate(rows)], dtype=float)
    recovered = doc.get("recovered", [])
    if not isinstance(recovered, list) or not all(
        isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= len(rows) for r in recovered
    ):
        raise InputError(
            path, "recovered", f"expected a list of row numbers from 1 to {len(rows)}, got {_show(recovered)}"
        )
    return Dataset(
        inputs=table[:, input_idx],
        targets=table[:, target_idx],
        input_names=tuple(columns[i] for i in input_idx),
        target_names=tuple(targets),
        recovered=frozenset(recovered),
    )


def replace_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it over `path` in one step, so
    that an interrupted write never leaves a half-written file. A symlink keeps being a link: its
    target is written (atomically). A FIFO or a device (/dev/null, /dev/stdout) is written directly,
    never replaced."""
    path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as f:
            write(f)
        return
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def not_written(exc: OSError) -> str:
    """Why a file could not be written, as every message says it: "cannot be written (reason)"."""
    return f"cannot be written ({exc.strerror or exc.__class__.__name__})"


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    data = text.encode("utf-8")

    def write(f: BinaryIO) -> None:
        f.write(data)

    replace_atomically(path, write)


def yaml_number(value: float) -> str:
    """A number for a YAML file that reads back to the same float: whole numbers as such (class
    labels 0, 1), others at full precision (repr)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def yaml_list(values) -> str:
    """A flow-style YAML list of numbers: [0, -0.97, -0.8]."""
    return "[" + ", ".join(yaml_number(v) for v in values) + "]"


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.()-]*")


def yaml_names(names: Sequence[str]) -> str:
    """A flow-style YAML list of column names that reads back as the same names: plain where that
    is safe (Y, X1), else double-quoted ("true", "1", "A, B", "y]x")."""

    import json

    import yaml

    def one(name: str) -> str:
        if _PLAIN_NAME.fullmatch(name) and yaml.load(f"[{name}]", Loader=yaml_loader()) == [name]:
            return name
        return json.dumps(name, ensure_ascii=False)

    return "[" + ", ".join(one(n) for n in names) + "]"


def data_yaml(columns: list[str], targets: list[str], rows: list[list[float]], recovered=()) -> str:
    """A data file's text, numbers at full precision (repr), one row per line."""
    lines = [f"columns: {yaml_names(columns)}", f"targets: {yaml_names(targets)}"]
    if recovered:
        lines.append(f"recovered: [{', '.join(str(r) for r in sorted(recovered))}]")
    lines.append("rows:")
    lines += [f"  - {yaml_list(row)}" for row in rows]
    return "\n".join(lines) + "\n"


def check_fit(model: Model, data: Dataset, model_path: str | Path, data_path: str | Path) -> None:
    """The data's input and target columns must match the model's first and last layer sizes."""
    if data.inputs.shape[1] != model.layers[0]:
        raise InputError(
            data_path,
            "columns",
            f"{data.inputs.shape[1]} input columns, but {model_path} has {model.layers[0]} input nodes (layers[0])",
        )
    if data.targets.shape[1] != model.layers[-1]:
        raise InputError(
            data_path,
            "targets",
            f"{data.targets.shape[1]} target columns, but {model_path} has {model.layers[-1]} output nodes",
        )


DATA_DIR = Path(__file__).parent.parent / "data"


def example_file(example: str, name: str) -> Path:
    """A file shipped inside the package: data/<example>/<name>, e.g. the lecture's model.yaml."""
    return DATA_DIR / example / name


def lecture_file(name: str) -> Path:
    """Path of a file of the lecture example shipped inside the package (model.yaml, data.yaml)."""
    return example_file("lecture", name)


def _split_columns(path: str | Path, columns: list[str], targets: Any) -> tuple[list[int], list[int]]:
    """The positions of the target columns and of the input columns (all the others, in order)."""
    if not isinstance(targets, list) or not targets or any(t not in columns for t in targets):
        raise InputError(
            path, "targets", f"expected a list of names from columns {_show(columns)}, got {_show(targets)}"
        )
    if len(set(targets)) != len(targets):
        raise InputError(path, "targets", f"expected distinct column names, got {_show(targets)}")
    if len(targets) == len(columns):
        raise InputError(path, "targets", "expected at least one column left over as an input")
    target_idx = [columns.index(t) for t in targets]
    return target_idx, [i for i in range(len(columns)) if i not in target_idx]


def load_csv(path: str | Path, targets: Sequence[str] | None, model_file: bool = True) -> Dataset:
    """Read a CSV file: a header row of column names, then one row of numbers per observation
    (UTF-8, with or without the byte-order mark Excel writes; no comments). The target columns are
    named by the caller (the --targets option or, with `model_file`, the model file's `targets`);
    the other columns are the inputs, in order. Numbers are parsed by numpy in C."""
    _regular_file(path, "CSV")
    with _reading(path, "CSV"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
            if header is None:
                raise InputError(path, None, "empty file, expected a header row of column names")
            columns = [c.strip() for c in header]
            for sep, name in ((";", "semicolons"), ("\t", "tabs")):
                if len(columns) == 1 and sep in columns[0]:
                    raise InputError(
                        path,
                        "header",
                        f"one column {_show(columns[0])}: the file looks separated by {name}; "
                        "nnstep reads commas and decimal points (1.5, not 1,5)",
                    )
            if not all(columns) or len(set(columns)) != len(columns):
                raise InputError(path, "header", f"expected distinct, non-empty column names, got {_show(columns)}")
            if not targets:
                where = " or a 'targets' list in the model file" if model_file else ""
                raise InputError(path, "targets", f"name the target columns with --targets{where}")
            target_idx, input_idx = _split_columns(path, columns, list(targets))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # an empty file body warns in numpy
                    table = np.loadtxt(f, delimiter=",", dtype=float, ndmin=2, comments=None)
            except (ValueError, UserWarning):
                table = None
    if table is None or table.shape[1] != len(columns) or not np.isfinite(table).all():
        _csv_problem(path, columns)
    assert table is not None  # _csv_problem raises
    return Dataset(
        inputs=table[:, input_idx],
        targets=table[:, target_idx],
        input_names=tuple(columns[i] for i in input_idx),
        target_names=tuple(columns[i] for i in target_idx),
        recovered=frozenset(),
        from_csv=True,
    )


def _csv_problem(path: str | Path, columns: list[str]) -> None:
    """Find the first cell numpy could not read, and say where it is (line numbers from 1)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        rows = 0
        for line, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            rows += 1
            if len(row) != len(columns):
                hint = " (decimal commas? nnstep reads 1.5, not 1,5)" if len(row) > len(columns) else ""
                raise InputError(
                    path,
                    f"line {line}",
                    f"expected {len(columns)} values ({_show(', '.join(columns))[1:-1]}), got {len(row)}{hint}",
                )
            for name, cell in zip(columns, row):
                try:
                    value = float(cell)
                except ValueError:
                    hint = " (a decimal comma? write 1.5, not 1,5)" if re.fullmatch(r"\s*[-+]?\d*,\d+\s*", cell) else ""
                    raise InputError(
                        path,
                        f"line {line}, column {_show_key(name)}",
                        f"expected a number, got {_show(cell.strip())}{hint}",
                    ) from None
                if not math.isfinite(value):
                    raise InputError(
                        path, f"line {line}, column {name}", f"expected a finite number, got {_show(cell.strip())}"
                    )
    if rows == 0:
        raise InputError(path, "rows", "expected at least one row of numbers after the header")
    raise InputError(path, None, "cannot be read as CSV numbers")


def model_targets(path: str | Path) -> list[str] | None:
    """The optional `targets` key of a model file: the target columns of a CSV data file."""
    doc = expect_mapping(path, read_yaml(path))
    targets = doc.get("targets")
    if targets is not None and (not isinstance(targets, list) or not all(isinstance(t, str) for t in targets)):
        raise InputError(path, "targets", f"expected a list of column names, got {_show(targets)}")
    return targets


def input_paths(model: str | Path | None, data: str | Path | None) -> tuple[Path, Path]:
    """The model and data files to read: the lecture's where one is not given."""
    return (
        Path(model) if model is not None else lecture_file("model.yaml"),
        Path(data) if data is not None else lecture_file("data.yaml"),
    )


def load_inputs(
    model: str | Path | None,
    data: str | Path | None,
    overrides: dict[str, Any] | None = None,
    targets: Iterable[str] | None = None,
) -> tuple[Model, Dataset]:
    """Step 1: a model file and a data file, read and checked to fit each other (the lecture's
    where one is not given). A CSV data file's target columns are `targets`, else the model
    file's `targets`."""
    model_path, data_path = input_paths(model, data)
    wanted = list(targets) if targets is not None else None
    if wanted is None and data_path.suffix.lower() == ".csv":
        wanted = model_targets(model_path)
    m, d = load_model(model_path, overrides), load_data(data_path, wanted)
    check_fit(m, d, model_path, data_path)
    return m, d
