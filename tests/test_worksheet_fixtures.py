"""The hand-made worksheets in fixtures/worksheets agree with the script that writes them.

tests/worksheets/make_sheets.py computes the lecture's 2-3-1 example on its own (plain Python, no
nnstep) and checks its numbers against the slides' printed ones while it builds the sheets; this
keeps the committed sheets and expected.yaml from drifting away from it.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKSHEETS = ROOT / "fixtures" / "worksheets"
QUANTITIES = {
    "input_sum",
    "activation",
    "cost",
    "cost_sum",
    "cost_mean",
    "error",
    "bpe",
    "gradient_weight",
    "gradient_bias",
    "weight",
    "bias",
    "weight_one_row",
    "bias_one_row",
}
NO_ROW = {"cost_sum", "cost_mean", "gradient_weight", "gradient_bias", "weight", "bias"}  # the one-row steps: row 1


def _make_sheets():
    spec = importlib.util.spec_from_file_location("make_sheets", ROOT / "tests" / "worksheets" / "make_sheets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_committed_sheets_are_what_the_script_writes():
    built = _make_sheets().build()
    on_disk = {p.name for p in (WORKSHEETS / "lecture").iterdir()}
    assert on_disk == set(built)
    for name, text in built.items():
        assert (WORKSHEETS / "lecture" / name).read_text(encoding="utf-8") == text, name


def test_the_sheets_follow_the_worksheet_format():
    for path in sorted((WORKSHEETS / "lecture").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["quantity", "node", "row", "answer"], path.name
        keys = set()
        for q, node, row, answer in rows[1:]:
            assert q in QUANTITIES, (path.name, q)
            assert (node == "") == (q in ("cost", "cost_sum", "cost_mean")), (path.name, q, node)
            assert (row == "") == (q in NO_ROW), (path.name, q, row)
            assert row == "" or 1 <= int(row) <= 10
            assert answer == "" or float(answer) == float(answer), (path.name, answer)
            assert (q, node, row) not in keys, (path.name, q, node, row)
            keys.add((q, node, row))


def test_the_readme_names_every_sheet():
    readme = (WORKSHEETS / "README.md").read_text(encoding="utf-8")
    expected = yaml.safe_load((WORKSHEETS / "lecture" / "expected.yaml").read_text(encoding="utf-8"))["sheets"]
    for name in expected:
        assert f"`{name}`" in readme, name
    for path in (WORKSHEETS / "bad").glob("*.csv"):
        assert f"`{path.name}`" in readme, path.name
