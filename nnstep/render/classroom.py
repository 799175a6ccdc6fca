"""The class summary of nnstep check as tables: per sheet, per step and quantity, per diagnosis.

Takes teach.classroom.ClassSummary (by its attributes: render sits below teach).
"""

from __future__ import annotations

from .tables import Column, TableData
from .worksheet import LEGEND, MARKS

NAMES = {
    "input_sum": "input sum",
    "activation": "activation",
    "cost": "cost",
    "cost_sum": "Σ",
    "cost_mean": "C(W)",
    "error": "error",
    "bpe": "BPE",
    "weight_one_row": "w, one row",
    "bias_one_row": "bias, one row",
    "gradient_weight": "dCost/dw",
    "gradient_bias": "dCost/db",
    "weight": "w, updated",
    "bias": "bias, updated",
}


VERDICTS = ("correct", "follows", "wrong", "blank")
WORDS = ("right", "follows", "wrong", "blank")


def _verdict_columns(compact: bool) -> tuple[Column, ...]:
    return tuple(Column(MARKS[v] if compact else w) for v, w in zip(VERDICTS, WORDS))


def short(cell) -> str:
    """A cell in few words: 'error H2, row 1', 'dCost/dw IN1-H1', 'Σ'."""
    text = NAMES.get(cell.quantity, cell.quantity) + (f" {cell.node}" if cell.node else "")
    return text + (f", row {cell.row}" if cell.row is not None else "")


def sheets_table(summary, compact: bool = False) -> TableData:
    """One line per sheet: its counts and the first wrong cell (with its diagnosis unless compact)."""
    rows = []
    for s in summary.sheets:
        n = s.summary
        first = s.first_wrong
        look = "" if first is None else short(first.cell) + ("" if compact else f" [{first.diagnosis}]")
        rows.append((s.path, *(str(n[v]) for v in VERDICTS), look))
    columns = (Column("Sheet", "left"), *_verdict_columns(compact), Column("first wrong cell", "left"))
    return TableData(f"Class: {len(summary.sheets)} sheets", columns, tuple(rows), (LEGEND,) if compact else ())


def quantities_table(summary, compact: bool = False) -> TableData:
    """Per step and quantity: cells right, right by follow-through, wrong and blank, and (unless
    compact: the next table has it) the commonest diagnosis of the wrong ones."""
    rows = []
    for q in summary.quantities:
        common = () if compact else ("" if q.diagnosis is None else f"{q.diagnosis} ({q.diagnosis_cells})",)
        rows.append((q.step, NAMES.get(q.quantity, q.quantity), *(str(q.verdicts[v]) for v in VERDICTS), *common))
    t = summary.totals
    rows.append(("all", "", *(str(t[v]) for v in VERDICTS), *(() if compact else ("",))))
    columns = (Column("Step", "left"), Column("Quantity", "left"), *_verdict_columns(compact))
    columns += () if compact else (Column("most often", "left"),)
    return TableData("Class: cells per step and quantity", columns, tuple(rows))


def diagnoses_table(summary, most: int = 10) -> TableData | str:
    """The diagnoses of the wrong cells, the most frequent first, with where they occur."""
    if not summary.diagnoses:
        return "Class: no cell is wrong."
    rows = tuple(
        (d.diagnosis, str(d.cells), str(d.sheets), ", ".join(NAMES.get(q, q) for q in d.quantities))
        for d in summary.diagnoses[:most]
    )
    columns = (Column("Diagnosis", "left"), Column("cells"), Column("sheets"), Column("in", "left"))
    return TableData("Class: the most frequent mistakes", columns, rows)


def class_blocks(summary, compact: bool = False) -> list:
    """The class summary; `compact` (for the terminal) marks the verdict columns ✓ → ✗ · and
    leaves the commonest diagnosis per quantity to the table of mistakes."""
    return [sheets_table(summary, compact), quantities_table(summary, compact), diagnoses_table(summary)]
