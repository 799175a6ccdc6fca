"""`nnstep check` marks hand-made worksheets of the lecture's 2-3-1 example cell by cell.

The sheets and what must be said about them (fixtures/worksheets/lecture/expected.yaml) come from
tests/worksheets/make_sheets.py, an independent transcription of the lecture's formulas: one sheet
per diagnosis with the mistake carried forward, correct and hand-rounded sheets at 2, 3, 4 and the
slides' mixed decimals, and the slides' own printed numbers. Bad sheets (fixtures/worksheets/bad)
are refused with one line naming the line, exit status 2.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from nnstep.teach.check import DIAGNOSES

WORKSHEETS = Path(__file__).resolve().parent.parent / "fixtures" / "worksheets"
LECTURE = WORKSHEETS / "lecture"
BAD = WORKSHEETS / "bad"
EXPECTED = yaml.safe_load((LECTURE / "expected.yaml").read_text(encoding="utf-8"))["sheets"]
BAD_EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
VERDICTS = {"correct", "follows", "wrong"}
WITH_MISTAKE = [name for name, e in EXPECTED.items() if e["wrong"]]
ALL_CORRECT = [name for name, e in EXPECTED.items() if e["all_correct"]]


def _key(cell: dict) -> tuple:
    return (cell["quantity"], cell["node"], cell["row"])


def _sheet(name: str) -> dict[tuple, str]:
    """The sheet's cells as written: (quantity, node or None, row or None) -> answer ('' if blank)."""
    with open(LECTURE / name, encoding="utf-8", newline="") as f:
        return {
            (r["quantity"], r["node"] or None, int(r["row"]) if r["row"] else None): r["answer"]
            for r in csv.DictReader(f)
        }


def _filled(name: str) -> dict[tuple, str]:
    return {k: a for k, a in _sheet(name).items() if a != ""}


def _check(cli, name: str) -> tuple[int, dict]:
    result = cli.cached("check", LECTURE / name, "--format", "json")
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result.exit_code, json.loads(result.stdout)


def _cells(cli, name: str) -> dict[tuple, dict]:
    report = _check(cli, name)[1]
    cells = {}
    for cell in report["cells"]:
        assert _key(cell) not in cells, f"{name}: {_key(cell)} reported twice"
        cells[_key(cell)] = cell
    return cells


def test_every_sheet_has_expectations():
    assert sorted(EXPECTED) == sorted(p.name for p in LECTURE.glob("*.csv"))
    for name, e in EXPECTED.items():
        assert len(_sheet(name)) == e["cells"], name


@pytest.mark.parametrize("name", EXPECTED)
def test_exit_status(cli, name):
    assert _check(cli, name)[0] == EXPECTED[name]["exit_code"]


@pytest.mark.parametrize("name", EXPECTED)
def test_every_filled_cell_is_marked(cli, name):
    cells = _cells(cli, name)
    for key, answer in _filled(name).items():
        assert key in cells, f"{name}: {key} not in the report"
        assert cells[key]["verdict"] in VERDICTS, (name, key, cells[key])
        assert float(cells[key]["answer"]) == float(answer), (name, key, cells[key])
    for cell in cells.values():
        assert set(cell) >= {
            "quantity",
            "node",
            "row",
            "answer",
            "expected",
            "recomputed",
            "verdict",
            "diagnosis",
            "explanation",
            "follows_from",
        }, (name, cell)


@pytest.mark.parametrize("name", EXPECTED)
def test_summary_counts(cli, name):
    e, summary = EXPECTED[name], _check(cli, name)[1]["summary"]
    filled = len(_filled(name))
    assert summary["wrong"] == len(e["wrong"]), (name, summary)
    assert summary["blank"] == e["blank"], (name, summary)
    assert summary["correct"] + summary["follows"] + summary["wrong"] == filled, (name, summary)
    if e["all_correct"]:
        assert summary["correct"] == filled, (name, summary)


@pytest.mark.parametrize("name", EXPECTED)
def test_wrong_cells_and_their_diagnosis(cli, name):
    cells = _cells(cli, name)
    expected = {_key(w): w["diagnosis"] for w in EXPECTED[name]["wrong"]}
    marked = {k: c["diagnosis"] for k, c in cells.items() if c["verdict"] == "wrong"}
    assert marked == expected, name
    for key in expected:
        assert cells[key]["diagnosis"] in DIAGNOSES
        assert isinstance(cells[key]["explanation"], str) and cells[key]["explanation"].strip(), (name, key)


@pytest.mark.parametrize("name", EXPECTED)
def test_first_wrong(cli, name):
    first = _check(cli, name)[1]["first_wrong"]
    expected = EXPECTED[name]["first_wrong"]
    if expected is None:
        assert first is None, (name, first)
    else:
        assert first is not None and {k: first[k] for k in ("quantity", "node", "row")} == expected, (name, first)


@pytest.mark.parametrize("name", WITH_MISTAKE)
def test_the_mistake_carried_forward_follows(cli, name):
    """Later cells worked right from the student's own wrong numbers earn follow-through."""
    cells = _cells(cli, name)
    for cell in EXPECTED[name]["follows"]:
        marked = cells[_key(cell)]
        assert marked["verdict"] == "follows", (name, marked)
        assert marked["follows_from"], (name, marked)


@pytest.mark.parametrize("name", EXPECTED)
def test_every_other_cell_is_correct_or_follows(cli, name):
    cells = _cells(cli, name)
    wrong = {_key(w) for w in EXPECTED[name]["wrong"]}
    for key in _filled(name):
        if key in wrong:
            continue
        verdict = cells[key]["verdict"]
        if EXPECTED[name]["all_correct"]:
            assert verdict == "correct", (name, cells[key])
        else:
            assert verdict in ("correct", "follows"), (name, cells[key])


@pytest.mark.parametrize("name", ALL_CORRECT)
def test_the_right_values_agree_with_the_independent_ones(cli, name):
    """On the correct sheets every answer is the exact value rounded: nnstep's must round to it."""
    cells = _cells(cli, name)
    for key, answer in _filled(name).items():
        unit = 10.0 ** -len(answer.partition(".")[2])
        assert abs(float(cells[key]["expected"]) - float(answer)) <= unit / 2 + 1e-9, (name, cells[key])


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_bad_sheets_are_refused_with_one_line(cli, name):
    line = cli.input_error("check", BAD / name, "--format", "json")
    assert name in line, line
    assert f"line {BAD_EXPECTED[name]['line']}" in line, line


@pytest.mark.parametrize("name", ["sign.csv", "correct_3dp.csv", "slides_printed.csv"])
def test_the_table_output_fits_80_columns_and_exits_alike(cli, name):
    result = cli("check", LECTURE / name)
    assert result.exit_code == EXPECTED[name]["exit_code"], result.output
    assert result.stderr == ""
    assert result.stdout.strip()
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
