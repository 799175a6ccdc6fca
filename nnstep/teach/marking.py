"""One way to compare a written number with a computed one, for golden files and worksheets.

A number written with d decimals reproduces a value when the value, rounded to d decimals, prints
the same (the test a lecturer's printed number must pass). A student's answer is right when it
reproduces the value or lies within `units` units of its last written place of it (rounding carried
from earlier rounded answers is never a mistake).
"""

from __future__ import annotations

from ..labels import fmt


def reproduces(written: float, decimals: int, value: float) -> bool:
    """The value, rounded to the written precision, prints as the written number."""
    return fmt(value, decimals) == fmt(written, decimals)


def agrees(written: float, decimals: int, value: float, units: float = 1.0) -> bool:
    """`written` is `value` up to rounding at its precision: it reproduces the value, or is at most
    `units` units of its last written place away from it."""
    if reproduces(written, decimals, value):
        return True
    return abs(written - value) <= units * 10.0**-decimals * (1 + 1e-9) + 1e-12
