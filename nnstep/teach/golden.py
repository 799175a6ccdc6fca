"""Golden files: numbers transcribed from the lecture material, recomputed and compared.

A golden file (fixtures/golden/FORMAT.md) lists printed numbers with where they are printed and
their printed precision. `check` recomputes each with the core, rounds it to that precision and
says whether the slide's number is reproduced; listed errata must still differ. Grid-search counts
(`grid_count`) need no network: dim(n) = 21^n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .. import network
from ..dataset import Dataset
from ..files.load import (
    DATA_DIR,
    InputError,
    _show,
    check_keys,
    example_file,
    expect_mapping,
    load_data,
    load_model,
    read_yaml,
)
from ..labels import fmt, fmt_significant_e, node_index
from ..network import Model, Step
from .marking import reproduces
from .worksheet import right_value

QUANTITY_KEYS = {
    "x": ("node", "row"),
    "y": ("node", "row"),
    "input_sum": ("node", "row"),
    "activation": ("node", "row"),
    "cost": ("row",),
    "cost_sum": (),
    "cost_mean": (),
    "error": ("node", "row"),
    "bpe": ("node", "row"),
    "gradient_weight": ("from", "to"),
    "gradient_bias": ("node",),
    "weight": ("from", "to", "after"),
    "bias": ("node", "after"),
    "weight_one_row": ("from", "to", "row"),
    "bias_one_row": ("node", "row"),
    "grid_count": ("dimensions",),
}

# a grid over [-1, 1] with step 0.1 has 21 points per weight (001_a29cdb52f119cc34.txt)
GRID_POINTS = 21

NO_EXAMPLE = "none"


@dataclass(frozen=True)
class Erratum:
    """A printed number the math does not give: what it should be and the likely slip."""

    computed: float
    reason: str


@dataclass(frozen=True)
class Entry:
    """One printed number: where, what (quantity and its keys), the printed value and decimals."""

    where: str
    quantity: str
    keys: dict[str, Any]
    printed: float
    decimals: int
    epoch: int = 1
    relation: str = "eq"
    erratum: Erratum | None = None
    note: str | None = None
    significant: int | None = None
    source: str | None = None

    def show(self, value: float | int, extra: int = 0) -> str:
        """A value at this entry's printed precision (plus `extra` digits)."""
        if self.significant is not None:
            return fmt_significant_e(value, self.significant + extra)
        return fmt(value, self.decimals + extra)


@dataclass(frozen=True)
class Unchecked:
    """Something printed that is no number of the example (e.g. a garbled partial-build cell)."""

    where: str
    printed: str
    reason: str


@dataclass(frozen=True)
class Golden:
    source: str
    example: str
    entries: list[Entry]
    unchecked: list[Unchecked] = field(default_factory=list)


GOLDEN_KEYS = ("source", "example", "entries", "unchecked", "description")
ENTRY_KEYS = (
    "where",
    "quantity",
    "printed",
    "decimals",
    "significant",
    "epoch",
    "relation",
    "erratum",
    "note",
    "source",
)
NAME_KEYS = ("node", "from", "to")
TEXT_KEYS = ("where", "note", "source")
# whole numbers of an entry: (least, most); the lecture trains up to 8,000 epochs and lists dim(1) .. dim(100)
WHOLE_NUMBERS = {
    "row": (1, 1_000_000_000),
    "after": (0, 10_000),
    "epoch": (1, 10_000),
    "dimensions": (0, 200),
    "decimals": (0, 17),
    "significant": (1, 17),
}


def _text(path: str | Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InputError(path, key, f"expected text, got {_show(value)}")
    return value


def _finite(path: str | Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, key, f"expected a number, got {_show(value)}")
    if isinstance(value, int) and abs(value) > 1e308 or not math.isfinite(value):
        raise InputError(path, key, f"expected a finite number from -1e308 to 1e308, got {_show(value)}")
    return float(value)


def examples() -> list[str]:
    """The examples shipped with nnstep (folders of nnstep/data holding a model.yaml)."""
    return sorted(d.name for d in DATA_DIR.iterdir() if (d / "model.yaml").is_file())


def load_golden(path: str | Path) -> Golden:
    """Read and check a golden file (format: fixtures/golden/FORMAT.md)."""
    doc = expect_mapping(path, read_yaml(path))
    check_keys(path, doc, GOLDEN_KEYS)
    for key in ("source", "example", "entries"):
        if key not in doc:
            raise InputError(path, key, "missing key")
    _text(path, "source", doc["source"])
    known = [*examples(), NO_EXAMPLE]
    if doc["example"] not in known:
        raise InputError(path, "example", f"expected one of {', '.join(known)}, got {_show(doc['example'])}")
    if not isinstance(doc["entries"], list):
        raise InputError(path, "entries", "expected a list of entries")
    entries = [_entry(path, f"entries[{n}]", e) for n, e in enumerate(doc["entries"])]
    unchecked = doc.get("unchecked") or []
    if not isinstance(unchecked, list) or not all(
        isinstance(u, dict) and all(k in u for k in ("where", "printed", "reason")) for u in unchecked
    ):
        raise InputError(path, "unchecked", "expected a list of mappings with where, printed and reason")
    for n, u in enumerate(unchecked):
        check_keys(path, u, ("where", "printed", "reason"), f"unchecked[{n}].")
    unchecked = [Unchecked(str(u["where"]), str(u["printed"]), str(u["reason"])) for u in unchecked]
    return Golden(doc["source"], doc["example"], entries, unchecked)


def _entry(path: str | Path, key: str, e: Any) -> Entry:
    """One entry of a golden file, every key checked."""
    if not isinstance(e, dict) or not isinstance(e.get("quantity"), str) or e["quantity"] not in QUANTITY_KEYS:
        got = _show(e.get("quantity")) if isinstance(e, dict) else _show(e)
        raise InputError(path, f"{key}.quantity", f"expected one of {', '.join(QUANTITY_KEYS)}, got {got}")
    check_keys(path, e, (*ENTRY_KEYS, *QUANTITY_KEYS[e["quantity"]]), f"{key}.")
    precision = () if "significant" in e else ("decimals",)
    missing = [k for k in ("where", "printed", *precision, *QUANTITY_KEYS[e["quantity"]]) if k not in e]
    if missing:
        raise InputError(path, f"{key}.{missing[0]}", "missing key")
    printed = _finite(path, f"{key}.printed", e["printed"])
    for k, (least, most) in WHOLE_NUMBERS.items():
        if k in e and (isinstance(e[k], bool) or not isinstance(e[k], int) or not least <= e[k] <= most):
            raise InputError(path, f"{key}.{k}", f"expected a whole number from {least} to {most:,}, got {_show(e[k])}")
    for k in (*NAME_KEYS, *TEXT_KEYS):
        if k in e:
            _text(path, f"{key}.{k}", e[k])
    err = e.get("erratum")
    if err is not None:
        if not (isinstance(err, dict) and "computed" in err and "reason" in err):
            raise InputError(path, f"{key}.erratum", "expected a mapping with a number `computed` and a `reason`")
        check_keys(path, err, ("computed", "reason"), f"{key}.erratum.")
        err = Erratum(_finite(path, f"{key}.erratum.computed", err["computed"]), str(err["reason"]))
    if e.get("relation", "eq") not in ("eq", "lt"):
        raise InputError(path, f"{key}.relation", f"expected eq or lt, got {_show(e['relation'])}")
    return Entry(
        where=e["where"],
        quantity=e["quantity"],
        keys={k: e[k] for k in QUANTITY_KEYS[e["quantity"]]},
        printed=printed,
        decimals=int(e.get("decimals", 0)),
        epoch=int(e.get("epoch", 1)),
        relation=e.get("relation", "eq"),
        erratum=err,
        note=e.get("note"),
        significant=int(e["significant"]) if "significant" in e else None,
        source=e.get("source"),
    )


class Calculator:
    """Every quantity a golden file can name, computed from one model and data set (none is
    needed for grid counts)."""

    def __init__(self, model: Model | None, data: Dataset | None, epochs: set[int], afters: set[int]):
        self.data = data
        self.steps: dict[int, Step] = {}
        self.models: dict[int, Model] = {}
        if model is None or data is None:
            return
        self.models[0] = model
        self.nodes = node_index(model.layers)
        self.nodes_per_layer = model.layers
        # one training run that keeps the epochs named: epoch e's records (the forward pass with the
        # weights after e - 1 updates) and, for `after: a`, the weights after a updates, which
        # epoch a's update gives
        wanted = (epochs | {a for a in afters if a > 0}) - {0}
        if not wanted:
            return
        t = network.train(model, data.inputs, data.targets, max(wanted), snapshots=wanted)
        for epoch, s in t.snapshots:
            assert isinstance(s, Step)
            if epoch in epochs:
                self.steps[epoch] = s
            if epoch in afters:
                self.models[epoch] = s.updated

    def _node(self, label: str) -> tuple[int, int]:
        if label not in self.nodes:
            raise KeyError(f"no node {label!r} in this network (nodes: {', '.join(self.nodes)})")
        return self.nodes[label]

    def _after(self, k: dict, q: str) -> Model:
        """The weights after `after:` updates, for a weight or bias entry."""
        return self.models[k["after"]] if q in ("weight", "bias") else self.models[0]

    def value(self, e: Entry) -> float | int:
        k, q = e.keys, e.quantity
        if q == "grid_count":
            return GRID_POINTS ** int(k["dimensions"])
        if self.data is None:
            raise KeyError(f"quantity: {q} needs an example network (the file says example: none)")
        # every epoch an entry names was computed (__init__); x, y, weight and bias need none
        s = cast(Step, self.steps.get(e.epoch))
        row = k.get("row", 1) - 1
        if q in ("x", "y"):
            l, j = self._node(k["node"])
            wanted = 0 if q == "x" else len(self.nodes_per_layer) - 1
            if l != wanted:
                raise KeyError(f"node: {k['node']} is not an {'input' if q == 'x' else 'output'} node")
            return float((self.data.inputs if q == "x" else self.data.targets)[row, j])
        if q in ("weight", "gradient_weight", "weight_one_row"):
            (l, i), (l2, j) = self._node(k["from"]), self._node(k["to"])
            if l2 != l + 1:
                raise KeyError(f"no weight from {k['from']} to {k['to']}")
            return right_value(s, q, l2, i, j, row, self._after(k, q))
        if q in ("cost", "cost_sum", "cost_mean"):
            return right_value(s, q, 0, -1, 0, row, self.models[0])
        l, j = self._node(k["node"])
        if l == 0:
            raise KeyError(f"node: {k['node']} is an input node; it has no {q.replace('_', ' ')}")
        return right_value(s, q, l, -1, j, row, self._after(k, q))


@dataclass(frozen=True)
class Check:
    """One entry with its computed value and whether the printed number is reproduced."""

    entry: Entry
    computed: float

    @property
    def reproduced(self) -> bool:
        e = self.entry
        if e.relation == "lt":
            return self.computed < e.printed
        if e.significant is not None:
            return e.show(self.computed) == e.show(e.printed)
        return reproduces(e.printed, e.decimals, self.computed)

    @property
    def erratum_confirmed(self) -> bool:
        """A listed erratum still differs from the slide, and its recorded value is the math's."""
        e = self.entry
        if e.erratum is None or self.reproduced:
            return False
        if e.significant is not None:
            return math.isclose(e.erratum.computed, self.computed, rel_tol=10 ** -(e.significant + 1))
        return math.isclose(e.erratum.computed, self.computed, abs_tol=10 ** -(e.decimals + 1))


def check(golden: Golden, model: Model | None, data: Dataset | None) -> list[Check]:
    """Recompute every entry of a golden file."""
    epochs = {e.epoch for e in golden.entries}
    afters = {e.keys["after"] for e in golden.entries if "after" in e.keys}
    calc = Calculator(model, data, epochs, afters)
    checks = []
    for n, e in enumerate(golden.entries):
        try:
            checks.append(Check(e, calc.value(e)))
        except (KeyError, IndexError) as exc:
            raise KeyError(f"entries[{n}]: {exc.args[0] if isinstance(exc, KeyError) else 'no such row'}") from None
    return checks


def check_file(path: str | Path) -> tuple[Golden, list[Check]]:
    """Load a golden file and recompute it with the example it names (shipped in nnstep/data)."""
    golden = load_golden(path)
    try:
        if golden.example == NO_EXAMPLE:
            return golden, check(golden, None, None)
        model_path, data_path = example_file(golden.example, "model.yaml"), example_file(golden.example, "data.yaml")
        if not model_path.is_file():
            raise InputError(
                path, "example", f"expected the name of a shipped example or {NO_EXAMPLE!r}, got {golden.example!r}"
            )
        return golden, check(golden, load_model(model_path), load_data(data_path))
    except KeyError as exc:
        key, _, message = str(exc.args[0]).partition(": ")
        raise InputError(path, key, message) from None
