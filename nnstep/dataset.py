"""Step 1 a) of the lecture, as a record: the observations a network is trained on.

The lecture's 10 rows: two normalized inputs (X1, X2) and one target (Y) each; rows 4-8 are not
printed on the slides and were recovered (they are marked wherever they are shown).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Observations: inputs (n x inputs), targets (n x outputs), their column names, and the
    numbers (from 1) of rows the slides do not print but were recovered."""

    inputs: np.ndarray
    targets: np.ndarray
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    recovered: frozenset[int]
    from_csv: bool = False

    def __len__(self) -> int:
        return len(self.inputs)


def row_out_of_range(rows: int | list[int], count: int) -> str | None:
    """What is wrong with a row number (or a list of them, from 1) for a data set of `count` rows,
    or None: "expected a row number from 1 to 10, got 11"."""
    many = isinstance(rows, list)
    worst = max(rows) if isinstance(rows, list) else rows
    if 1 <= worst <= count:
        return None
    return f"expected {'row numbers' if many else 'a row number'} from 1 to {count:,}, got {worst:,}"
