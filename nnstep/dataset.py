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
