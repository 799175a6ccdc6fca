"""A class at once: many marked worksheets, summed up per lecture step and quantity.

Each sheet is marked against the model and data files in its own folder (as nnstep exercise
writes them), or against one model and data set shared by all. The summary counts, per step and
quantity, the cells right, right by follow-through, wrong and blank, and ranks the diagnoses of
the wrong cells, so that a lecturer sees which step the class gets wrong, and how.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files.load import InputError
from .check import BLANK, CORRECT, FOLLOWS, WRONG, SheetCheck
from .worksheet import QUANTITIES, STEP_OF

VERDICTS = (CORRECT, FOLLOWS, WRONG, BLANK)
# the order of the calculation (the one-row step of Step 6 comes before the gradients)
ORDER = sorted(QUANTITIES, key=lambda q: (q.startswith(("gradient", "weight", "bias")), not q.endswith("one_row")))


def inputs_for(sheet: str | Path, model: Path | None, data: Path | None) -> tuple[Path | None, Path | None]:
    """The model and data files a sheet is marked against: the ones given, else model.yaml and
    data.yaml beside the sheet where they exist, else None (the lecture's). A sheet beside only
    one of the two is refused (InputError): half a variant is not the lecture."""
    folder = Path(sheet).parent

    def beside(given: Path | None, name: str) -> Path | None:
        if given is not None:
            return given
        return folder / name if (folder / name).is_file() else None

    found = beside(model, "model.yaml"), beside(data, "data.yaml")
    if (found[0] is None) != (found[1] is None):
        have, missing, option = (
            ("model.yaml", "data.yaml", "--data") if found[1] is None else ("data.yaml", "model.yaml", "--model")
        )
        raise InputError(
            sheet, None, f"{have} is beside the sheet but {missing} is not: add {missing} there or give {option}"
        )
    return found


@dataclass(frozen=True)
class QuantityCount:
    """How the class did on one quantity: cells per verdict, and the commonest diagnosis."""

    step: str
    quantity: str
    verdicts: dict[str, int]
    diagnosis: str | None
    diagnosis_cells: int

    def to_dict(self) -> dict:
        return {
            "step": self.step,
            "quantity": self.quantity,
            **self.verdicts,
            "diagnosis": self.diagnosis,
            "diagnosis_cells": self.diagnosis_cells,
        }


@dataclass(frozen=True)
class DiagnosisCount:
    """One diagnosis across the class: wrong cells, sheets with it, and the quantities it is in."""

    diagnosis: str
    cells: int
    sheets: int
    quantities: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "diagnosis": self.diagnosis,
            "cells": self.cells,
            "sheets": self.sheets,
            "quantities": list(self.quantities),
        }


@dataclass(frozen=True)
class ClassSummary:
    sheets: tuple[SheetCheck, ...]
    quantities: tuple[QuantityCount, ...]
    diagnoses: tuple[DiagnosisCount, ...]

    @property
    def totals(self) -> dict[str, int]:
        return {v: sum(q.verdicts[v] for q in self.quantities) for v in VERDICTS}

    def to_dict(self) -> dict:
        return {
            "sheets": len(self.sheets),
            "sheets_with_a_wrong_cell": sum(1 for s in self.sheets if not s.ok),
            "totals": self.totals,
            "quantities": [q.to_dict() for q in self.quantities],
            "diagnoses": [d.to_dict() for d in self.diagnoses],
        }


def summarize(results: Sequence[SheetCheck]) -> ClassSummary:
    """Per step and quantity (in the order of the calculation) the verdicts of every sheet's
    cells; the diagnoses of the wrong cells, the most frequent first."""
    verdicts: dict[str, Counter] = {}
    found: dict[str, Counter] = {}
    cells: Counter = Counter()
    sheets: Counter = Counter()
    where: dict[str, Counter] = {}
    for result in results:
        seen = set()
        for m in result.marks:
            q = m.cell.quantity
            verdicts.setdefault(q, Counter())[m.verdict] += 1
            if m.verdict == WRONG and m.diagnosis is not None:
                found.setdefault(q, Counter())[m.diagnosis] += 1
                cells[m.diagnosis] += 1
                where.setdefault(m.diagnosis, Counter())[q] += 1
                seen.add(m.diagnosis)
        sheets.update(seen)
    quantities = []
    for q in ORDER:
        if q not in verdicts:
            continue
        top = sorted(found.get(q, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
        quantities.append(
            QuantityCount(
                STEP_OF.get(q, "update"),
                q,
                {v: verdicts[q][v] for v in VERDICTS},
                top[0][0] if top else None,
                top[0][1] if top else 0,
            )
        )
    diagnoses = tuple(
        DiagnosisCount(d, n, sheets[d], tuple(q for q, _ in sorted(where[d].items(), key=lambda kv: (-kv[1], kv[0]))))
        for d, n in sorted(cells.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return ClassSummary(tuple(results), tuple(quantities), diagnoses)
