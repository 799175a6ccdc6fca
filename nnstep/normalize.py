"""Step 1 a) of the lecture: normalize the inputs with the z-score, X' = (X - mean) / std.

The lecture uses the sample standard deviation (n - 1) and rounds the z-scores to 2 decimals,
the numbers its slides then compute with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ZScores:
    """The means and sample standard deviations per column, and the (rounded) z-scores."""

    means: np.ndarray
    stds: np.ndarray
    values: np.ndarray


def z_scores(columns: np.ndarray, decimals: int | None = 2) -> ZScores:
    """(X - mean) / std per column with the sample std (ddof=1); rounded to `decimals` if given.
    Rounding here is the lecture's own step, not display: the slides compute with these values."""
    if len(columns) < 2:
        raise ValueError("the sample standard deviation needs at least 2 rows")
    with np.errstate(over="ignore", invalid="ignore"):
        means = columns.mean(axis=0)
        stds = columns.std(axis=0, ddof=1)
    if not (np.isfinite(means).all() and np.isfinite(stds).all()):
        raise ValueError("values too large to normalize: their sum or squares pass 1e308")
    if np.any(stds == 0):
        raise ValueError("a column has the same value in every row: its standard deviation is 0")
    z = (columns - means) / stds
    return ZScores(means, stds, z if decimals is None else np.round(z, decimals))
