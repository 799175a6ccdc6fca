"""The worked formula of a diagnosed mistake: the formula the student used, with their numbers.

`nnstep check` shows the first wrong cell twice: as the student worked it (the right formula
changed by the diagnosed mistake, e.g. the bias left out: (-0.97 * -0.2) + (-0.80 * -0.4) = 0.514)
and with the right numbers. Every result shown is what the numbers shown give, rounded to the
decimals shown (`holding`), so each displayed equation holds at its displayed digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..labels import fmt
from ..worked.formula import Call, Expr, Functions, HalfSquare, Num, Op, Paren, Square, Sym, evaluate, op
from ..worked.sheets import Work


def holding(work: Work | None, decimals: int, fns: Functions | None) -> Work | None:
    """The work with its result (and its sum of terms) recomputed from the numbers it shows
    (formula.evaluate, f and f' from `fns`), printed at `decimals`; unchanged where the numbers
    cannot be evaluated."""
    if work is None:
        return None
    total = evaluate(work.terms, fns) if work.terms is not None else None
    if total is not None:
        work = replace(work, terms_total_text=fmt(total, decimals))
    value = evaluate(work.substituted, fns, dots=total)
    if value is None or not np.isfinite(value):
        return work
    return replace(work, result=value, result_text=fmt(value, decimals), exact_text=None)


def negated(e: Expr) -> Expr:
    """-x: a number with its sign turned, else -1 * (x)."""
    if isinstance(e, Num):
        t = e.text
        return Num(t[1:] if t.startswith("-") else "-" + t)
    if isinstance(e, Sym):
        return Sym("-" + e.name, e.sub)
    return op("*", Num("-1"), Paren(e))


def _swap_difference(e: Expr) -> Expr | None:
    """a - y -> y - a, in the first difference of two terms found."""
    if isinstance(e, Op) and e.op == "-" and len(e.args) == 2:
        return Op("-", (e.args[1], e.args[0]))
    if isinstance(e, Op):
        for k, a in enumerate(e.args):
            s = _swap_difference(a)
            if s is not None:
                return Op(e.op, e.args[:k] + (s,) + e.args[k + 1 :])
    if isinstance(e, Paren):
        s = _swap_difference(e.inner)
        return None if s is None else Paren(s)
    return None


def _unhalved(e: Expr) -> Expr:
    """1/2 (x)^2 -> (x)^2, throughout a sum of costs."""
    if isinstance(e, HalfSquare):
        return Square(e.inner)
    if isinstance(e, Op):
        return Op(e.op, tuple(_unhalved(a) for a in e.args))
    return e


def _times(factor: str, e: Expr) -> Expr:
    return op("*", Num(factor), Paren(e))


def _over(e: Expr, divisor: str) -> Expr:
    return op("/", Paren(e), Num(divisor))


def both(work: Work, change: Callable[[Expr], Expr | None]) -> Work | None:
    """The work with the same change made to its formula and to its numbers."""
    numbers = change(work.substituted)
    formula = change(work.formula) if work.formula is not None else None
    if numbers is None or (work.formula is not None and formula is None):
        return None
    return replace(work, formula=formula, substituted=numbers)


def transformed(work: Work, quantity: str, diagnosis: str, variant: str, ratio: float, n_rows: int) -> Work | None:
    """The right method's work changed by a mistake that changes the formula itself (not the
    numbers it reads); None where the mistake is not one of those. `ratio` is the mistake's value
    over the right method's."""
    if diagnosis == "missing_bias":
        return both(work, lambda e: Op("+", e.args[:-1]) if isinstance(e, Op) and e.op == "+" else None)
    if diagnosis == "sign":
        if variant == "output_error":
            return both(work, _swap_difference)
        if variant == "exponent":
            return both(work, lambda e: Call(e.fn, negated(e.arg)) if isinstance(e, Call) else None)
        return both(work, negated)
    if diagnosis == "factor_2":
        if quantity == "cost":
            return both(work, _unhalved) if ratio > 1 else None
        if quantity == "error" and variant == "squared_error":  # 2 (a - y) written as a - y
            return both(work, lambda e: e.args[1].inner if isinstance(e, Op) and isinstance(e.args[1], Paren) else None)
        return both(work, (lambda e: _times("2", e)) if ratio > 1 else (lambda e: _over(e, "2")))
    if diagnosis == "mean_vs_sum":
        if quantity == "cost_mean":  # the sum written for the mean: Σ without / N
            return both(work, lambda e: e.args[0] if isinstance(e, Op) and e.op == "/" else None)
        n = str(n_rows)
        return both(work, (lambda e: _times(n, e)) if ratio > 1 else (lambda e: _over(e, n)))
    if diagnosis == "missing_derivative" and quantity == "bpe":  # error × f'(input) without f'
        return both(work, lambda e: e.args[0] if isinstance(e, Op) and e.op == "*" else None)
    if diagnosis in ("missing_learning_rate", "wrong_direction") and quantity.endswith("one_row"):

        def change(e: Expr) -> Expr | None:  # w - α × term
            if not (isinstance(e, Op) and e.op == "-" and isinstance(e.args[1], Op) and e.args[1].op == "*"):
                return None
            old, (_, *term) = e.args[0], e.args[1].args
            if diagnosis == "missing_learning_rate":
                return op("-", old, Op("*", tuple(term)) if len(term) > 1 else term[0])
            return op("+", old, e.args[1])

        return both(work, change)
    return None
