"""The class summary of nnstep check as tables: per sheet, per step and quantity, per diagnosis.

Takes teach.classroom.ClassSummary (by its attributes: render sits below teach).
"""

from __future__ import annotations

from .tables import Column, TableData

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


def sheets_table(summary) -> TableData:
    """One line per sheet: its counts and the first wrong cell with its diagnosis."""
    rows = []
    for s in summary.sheets:
        n = s.summary
        first = s.first_wrong
        look = "" if first is None else f"{first.cell.describe()} [{first.diagnosis}]"
        rows.append((s.path, str(n["correct"]), str(n["follows"]), str(n["wrong"]), str(n["blank"]), look))
    columns = (
        Column("Sheet", "left"),
        Column("right"),
        Column("follows"),
        Column("wrong"),
        Column("blank"),
        Column("first wrong cell", "left"),
    )
    return TableData(f"Class: {len(summary.sheets)} sheets", columns, tuple(rows))


def quantities_table(summary) -> TableData:
    """Per step and quantity: cells right, right by follow-through, wrong and blank, and the
    commonest diagnosis of the wrong ones."""
    rows = []
    for q in summary.quantities:
        v = q.verdicts
        common = "" if q.diagnosis is None else f"{q.diagnosis} ({q.diagnosis_cells})"
        rows.append(
            (
                q.step,
                NAMES.get(q.quantity, q.quantity),
                *(str(v[k]) for k in ("correct", "follows", "wrong", "blank")),
                common,
            )
        )
    t = summary.totals
    rows.append(("all", "", *(str(t[k]) for k in ("correct", "follows", "wrong", "blank")), ""))
    columns = (
        Column("Step", "left"),
        Column("Quantity", "left"),
        Column("right"),
        Column("follows"),
        Column("wrong"),
        Column("blank"),
        Column("most often", "left"),
    )
    return TableData("Class: cells per step and quantity", columns, tuple(rows))


def diagnoses_table(summary, most: int = 10) -> TableData | str:
    """The diagnoses of the wrong cells, the most frequent first."""
    if not summary.diagnoses:
        return "Class: no cell is wrong."
    rows = tuple(
        (d.diagnosis, str(d.cells), str(d.sheets), ", ".join(NAMES.get(q, q) for q in d.quantities))
        for d in summary.diagnoses[:most]
    )
    columns = (Column("Diagnosis", "left"), Column("cells"), Column("sheets"), Column("in", "left"))
    return TableData("Class: the most frequent mistakes", columns, rows)


def class_blocks(summary) -> list:
    return [sheets_table(summary), quantities_table(summary), diagnoses_table(summary)]
