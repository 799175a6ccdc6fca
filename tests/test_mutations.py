"""Careless and hostile inputs: the shipped model, data and golden files, mutated (keys, types,
shapes, numbers, YAML syntax, encodings), run through the commands. Every run ends with exit
status 0 or 2 (1 where a command documents it: verify's mismatches, train's divergence), prints
no traceback, finishes within a time limit, and exit status 2 comes with exactly one line on stderr."""

import signal
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstep.files.load import example_file

SECONDS = 10  # per run; the lecture's files take well under one

GOLDEN = """source: 002_e68551d982987509.txt
example: lecture
entries:
  - where: "slide 45, input sum of H1, row 1"
    quantity: input_sum
    node: "H1"
    row: 1
    printed: 0.614
    decimals: 3
  - where: "slide 54"
    quantity: weight
    from: "H1"
    to: "ON"
    after: 1
    printed: -0.568
    decimals: 3
    erratum:
      computed: -0.5687
      reason: "rounding"
  - where: "grid"
    quantity: cost_sum
    epoch: 2
    printed: 1.2
    decimals: 1
unchecked:
  - where: "slide 60"
    printed: "0.4?"
    reason: "garbled"
"""
CSV = "Y,X1,X2\n0,-0.97,-0.80\n0,-0.69,-0.97\n1,0.76,0.92\n1,1.14,1.09\n"

BASES = {
    "model": example_file("lecture", "model.yaml").read_text(),
    "two_neuron_model": example_file("two_neuron", "model.yaml").read_text(),
    "data": example_file("lecture", "data.yaml").read_text(),
    "raw": example_file("lecture", "raw.yaml").read_text(),
    "golden": GOLDEN,
    "csv": CSV,
}
# how each kind of file is given to the commands; the exit statuses each command may end with
RUNS = {
    "model": [["forward"], ["backprop"], ["update"], ["gradcheck"], ["train", "--epochs", "3"], ["diagram"]],
    "two_neuron_model": [["forward"], ["update"]],
    "data": [["forward"], ["update"], ["train", "--epochs", "3"], ["search", "--method", "random", "--budget", "20"]],
    "raw": [["normalize"]],
    "golden": [["verify"]],
    "csv": [["forward", "--targets", "Y"], ["normalize", "--targets", "Y"]],
}
OPTION = {"model": "--model", "two_neuron_model": "--model", "golden": "--golden"}
ALLOWED = {"verify": {0, 1, 2}, "train": {0, 1, 2}}

KEYS = ["layers", "activation", "learning_rate", "weights", "biases", "columns", "targets", "rows", "entries"]
KEYS += ["recovered", "optimizer", "cost", "update", "batch_size", "printed", "decimals", "node", "epoch", "row"]
numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-3, max_value=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 1e308, -1e308, 5e-324, 10**20]),
)
leaves = st.one_of(
    numbers,
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["ON", "H1", "sigmoid", "softmax", "1:30", "0x1f", "012", ".nan", "-.inf", "Y", "true"]),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12,
)


def _paths(doc, prefix=()):
    """Every place in a loaded document: (path of keys and indexes, value)."""
    yield prefix, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:6]):
            yield from _paths(v, (*prefix, i))


@st.composite
def structural(draw, text):
    """Load the YAML, change one place (drop, rename, retype, shorten, lengthen, nest), dump it."""
    doc = yaml.safe_load(text)
    places = [p for p, _ in _paths(doc) if p]
    path = draw(st.sampled_from(places))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last, kind = path[-1], draw(st.sampled_from(["drop", "rename", "value", "shorten", "lengthen", "nest", "add"]))
    if kind == "drop":
        del parent[last]
    elif kind == "rename" and isinstance(parent, dict):
        name = str(last)
        typo = draw(st.sampled_from([name[:-1], name + "s", name.upper(), name.replace("_", "-"), name[1:]]))
        parent[typo] = parent.pop(last)
    elif kind in ("shorten", "lengthen") and isinstance(parent[last], list) and parent[last]:
        parent[last] = parent[last][:-1] if kind == "shorten" else parent[last] + parent[last][-1:]
    elif kind == "nest":
        parent[last] = [parent[last]]
    elif kind == "add" and isinstance(doc, dict):
        doc[draw(st.sampled_from(KEYS + ["activaton", "descripton"]))] = draw(values)
    else:
        parent[last] = draw(values)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@st.composite
def textual(draw, text):
    """Change the text itself: characters, lines, anchors and aliases, depth, truncation."""
    kind = draw(st.sampled_from(["insert", "delete", "line", "truncate", "anchor", "deep", "duplicate", "tab"]))
    at = draw(st.integers(0, len(text)))
    if kind == "insert":
        return (
            text[:at] + draw(st.sampled_from(list(":-[]{}#&*!|>'\",%@`\t\\") + ["\x00", "é", ": x", "- "])) + text[at:]
        )
    if kind == "delete":
        return text[:at] + text[at + draw(st.integers(1, 5)) :]
    if kind == "truncate":
        return text[:at]
    lines = text.splitlines(keepends=True)
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "line":
        return "".join(lines[:i] + lines[i + 1 :])
    if kind == "duplicate":
        return "".join(lines[: i + 1] + lines[i:])
    if kind == "tab":
        return "".join(lines[:i] + ["\t" + lines[i] if lines else "\t"] + lines[i + 1 :])
    if kind == "anchor":
        bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]\n" for k in range(1, draw(st.integers(1, 9)))
        )
        return "".join(lines[:i]) + bomb + "".join(lines[i:])
    depth = draw(st.sampled_from([40, 200, 600]))
    return "".join(lines[:i]) + "deep: " + "[" * depth + "]" * depth + "\n" + "".join(lines[i:])


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(BASES)))
    text = BASES[name]
    how = "text" if name == "csv" else draw(st.sampled_from(["structure", "text", "both"]))
    if how in ("structure", "both"):
        text = draw(structural(text))
    if how in ("text", "both"):
        text = draw(textual(text))
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "latin-1"]))
    return name, text.encode(encoding, errors="replace"), draw(st.sampled_from(RUNS[name]))


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise _TooSlow


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM for the time limit")
@settings(max_examples=70, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_mutated_files_are_honoured_or_refused_in_one_line(cli, tmp_path_factory, case):
    name, content, command = case
    folder = tmp_path_factory.mktemp("mutated")
    path = folder / ("data.csv" if name == "csv" else f"{name}.yaml")
    path.write_bytes(content)
    args = [*command, OPTION.get(name, "--data"), str(path)]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    start = time.perf_counter()
    try:
        result = cli(*args)  # an unexpected exception fails the test with its traceback
    except _TooSlow:
        pytest.fail(f"nnstep {' '.join(args)} took more than {SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - start < SECONDS
    shown = f"nnstep {' '.join(args)}\n{content[:400]!r}\n{result.output}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(shown) from result.exception
    assert "Traceback" not in result.output, shown
    assert result.exit_code in ALLOWED.get(command[0], {0, 2}), shown
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1, shown
