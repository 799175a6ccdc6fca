"""Two notations for the same numbers: the slides' (input, error, BPE) and the matrix form.

The 2-3-1 lecture (002) names a node's input sum "input", dCost/d(output) its "error" and
dCost/d(input) its "BPE". The matrix-form lecture (001) and the course slides (003) write
z = aW + b, a = f(z), delta = dJ/dz and dJ/dW = a^T delta, with J the total cost (Σ) and L the
cost (loss) of one observation. `--notation matrix` renames every quantity in the tables and the
worked formulas; the numbers stay the same.
"""

from __future__ import annotations

import re

from ..names import NOTATIONS  # noqa: F401  (the names click offers)
from .formula import Abs, Call, Expr, HalfSquare, Op, Paren, Square, Sym

# the slides' symbol -> the matrix form's
SYMBOLS = {"input": "z", "X": "x", "w": "W", "bias": "b", "BPE": "δ", "error": "∂J/∂a", "Cost": "L", "Σ": "J"}

# whole words in titles, headers and notes
_WORD = r"(?<![A-Za-z]){}(?![A-Za-z])"  # a whole word, though '_' may follow (BPE_ON)
_WORDS = [
    (_WORD.format(w), r)
    for w, r in (
        ("BPE", "δ"),
        (r"Backprop\. Err", "δ"),
        ("Err", "∂J/∂a"),
        ("error", "∂J/∂a"),
        ("dCost/dw", "∂J/∂W"),
        ("dCost/db", "∂J/∂b"),
        ("dCost/d", "∂J/∂"),
        ("input sum", "z"),
        ("input", "z"),
        ("Cost", "L"),
        ("Σ", "J"),
        ("Output", "ŷ"),
        ("yhat", "ŷ"),
        ("bias", "b"),
        ("Bias", "b"),
        ("w", "W"),
    )
]


def words(text: str) -> str:
    """A title, header or note in the matrix notation."""
    for pattern, replacement in _WORDS:
        text = re.sub(pattern, replacement, text)
    return text


def expr(e: Expr) -> Expr:
    """A formula with every symbol renamed (numbers unchanged)."""
    if isinstance(e, Sym):
        return Sym(SYMBOLS.get(e.name, e.name), e.sub)
    if isinstance(e, Op):
        return Op(e.op, tuple(expr(a) for a in e.args))
    if isinstance(e, Paren):
        return Paren(expr(e.inner))
    if isinstance(e, Call):
        return Call(e.fn, expr(e.arg))
    if isinstance(e, HalfSquare):
        return HalfSquare(expr(e.inner))
    if isinstance(e, Square):
        return Square(expr(e.inner))
    if isinstance(e, Abs):
        return Abs(expr(e.inner))
    return e
