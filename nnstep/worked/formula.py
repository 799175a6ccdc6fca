"""Formulas as tiny expression trees, written out as the slides' plain text or as LaTeX.

The same tree gives "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1" for the terminal and
"(-0.97 \\cdot -0.2) + (-0.80 \\cdot -0.4) + 0.1" for a LaTeX slide. Numbers arrive already
formatted (nnstep/labels.py); nothing here rounds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Sym:
    """A named quantity with subscripts: Sym("w", ("IN1->H1",)) is w_IN1->H1; Sym("BPE", ("ON", "2"))
    is BPE_ON,2 (the BPE of ON in row 2)."""

    name: str
    sub: tuple[str, ...] = ()


@dataclass(frozen=True)
class Num:
    text: str


@dataclass(frozen=True)
class Op:
    """An operator between two or more operands: +, - or *."""

    op: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Paren:
    inner: Expr


@dataclass(frozen=True)
class Call:
    """f(x), f'(x)."""

    fn: str
    arg: Expr


@dataclass(frozen=True)
class HalfSquare:
    """1/2 (x)^2, the cost of one observation."""

    inner: Expr


@dataclass(frozen=True)
class Square:
    """x^2, a weight in the L2 penalty (x in parentheses when it is negative or a sum)."""

    inner: Expr


@dataclass(frozen=True)
class Abs:
    """|x|, a weight in the L1 penalty; Call("sign", x) is its slope."""

    inner: Expr


@dataclass(frozen=True)
class Dots:
    """The slides' '...' in a long sum."""


Expr = Sym | Num | Op | Paren | Call | HalfSquare | Square | Abs | Dots


def _base(e: Expr, shown: str) -> str:
    """A base of a power: a negative number or an operation in parentheses."""
    return f"({shown})" if isinstance(e, Op) or (isinstance(e, Num) and e.text.startswith("-")) else shown


def op(operator: str, *args: Expr) -> Op:
    return Op(operator, tuple(args))


def elided_sum(terms: Sequence[Expr]) -> Expr:
    """t1 + ... + tn as the slides write a sum over rows (all terms when there are at most 3)."""
    return Op("+", tuple(terms)) if len(terms) <= 3 else Op("+", (terms[0], Dots(), terms[-1]))


def text(e: Expr) -> str:
    """The slides' plain notation: input_H1, w_IN1->H1, BPE_ON,2, f'(-1.55), 1/2 (0.18 - 0)^2."""
    if isinstance(e, Sym):
        return e.name + ("_" + ",".join(e.sub) if e.sub else "")
    if isinstance(e, Num):
        return e.text
    if isinstance(e, Op):
        return f" {e.op} ".join(text(a) for a in e.args)
    if isinstance(e, Paren):
        return f"({text(e.inner)})"
    if isinstance(e, Call):
        return f"{e.fn}({text(e.arg)})"
    if isinstance(e, HalfSquare):
        return f"1/2 ({text(e.inner)})^2"
    if isinstance(e, Square):
        return f"{_base(e.inner, text(e.inner))}^2"
    if isinstance(e, Abs):
        return f"|{text(e.inner)}|"
    return "..."


_TEX_GREEK = {"α": r"\alpha", "λ": r"\lambda", "Σ": r"\Sigma", "δ": r"\delta", "∂J/∂a": r"\partial J/\partial a"}


def _tex_name(name: str) -> str:
    if name in _TEX_GREEK:
        return _TEX_GREEK[name]
    return name if len(name) == 1 else rf"\mathrm{{{name}}}"


def _tex_sub(sub: str) -> str:
    return r" \rightarrow ".join(rf"\mathrm{{{part}}}" if not part.isdigit() else part for part in sub.split("->"))


def latex(e: Expr) -> str:
    """The same formula as LaTeX mathematics (for an align* environment)."""
    if isinstance(e, Sym):
        base = _tex_name(e.name)
        return base + ("_{" + ",".join(_tex_sub(s) for s in e.sub) + "}" if e.sub else "")
    if isinstance(e, Num):
        return r"\tfrac{1}{2}" if e.text == "1/2" else e.text
    if isinstance(e, Op):
        return (r" \cdot " if e.op == "*" else f" {e.op} ").join(latex(a) for a in e.args)
    if isinstance(e, Paren):
        return rf"\left({latex(e.inner)}\right)"
    if isinstance(e, Call):
        return f"{e.fn}({latex(e.arg)})"
    if isinstance(e, HalfSquare):
        return rf"\frac{{1}}{{2}}\left({latex(e.inner)}\right)^2"
    if isinstance(e, Square):
        inner = latex(e.inner)
        return (rf"\left({inner}\right)" if _base(e.inner, inner) != inner else f"{{{inner}}}") + "^2"
    if isinstance(e, Abs):
        return rf"\left|{latex(e.inner)}\right|"
    return r"\dots"


def _mo(op: str) -> str:
    return f"<mo>{ {'-': '−', '*': '·', '/': '/'}.get(op, op) }</mo>"


def _mn(number: str) -> str:
    """A number in MathML: a real minus sign before the digits."""
    if number.startswith("-"):
        return f"<mrow><mo>−</mo><mn>{number[1:]}</mn></mrow>"
    return f"<mn>{number}</mn>" if number[:1].isdigit() else f"<mi>{escape_xml(number)}</mi>"


def escape_xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mathml(e: Expr) -> str:
    """The same formula as presentation MathML (the inside of a <math> element)."""
    if isinstance(e, Sym):
        base = f"<mi>{escape_xml(e.name)}</mi>"
        if not e.sub:
            return base
        sub = ",".join(escape_xml(s.replace("->", "→")) for s in e.sub)
        return f"<msub>{base}<mtext>{sub}</mtext></msub>"
    if isinstance(e, Num):
        if "/" in e.text and e.text.replace("/", "").isdigit():  # 1/2
            top, bottom = e.text.split("/")
            return f"<mfrac><mn>{top}</mn><mn>{bottom}</mn></mfrac>"
        return _mn(e.text)
    if isinstance(e, Op):
        return "<mrow>" + _mo(e.op).join(mathml(a) for a in e.args) + "</mrow>"
    if isinstance(e, Paren):
        return f"<mrow><mo>(</mo>{mathml(e.inner)}<mo>)</mo></mrow>"
    if isinstance(e, Call):
        fn = "<msup><mi>f</mi><mo>′</mo></msup>" if e.fn == "f'" else f"<mi>{escape_xml(e.fn)}</mi>"
        return f"<mrow>{fn}<mo>(</mo>{mathml(e.arg)}<mo>)</mo></mrow>"
    if isinstance(e, HalfSquare):
        return (
            "<mrow><mfrac><mn>1</mn><mn>2</mn></mfrac>"
            f"<msup><mrow><mo>(</mo>{mathml(e.inner)}<mo>)</mo></mrow><mn>2</mn></msup></mrow>"
        )
    if isinstance(e, Square):
        return f"<msup><mrow><mo>(</mo>{mathml(e.inner)}<mo>)</mo></mrow><mn>2</mn></msup>"
    if isinstance(e, Abs):
        return f"<mrow><mo>|</mo>{mathml(e.inner)}<mo>|</mo></mrow>"
    return "<mo>…</mo>"


# Shown arithmetic ------------------------------------------------------------------------------

Functions = dict[str, Callable[[float], float]]


def decimals(number: str) -> int:
    """The decimals a number is shown with: '-0.202' -> 3, '2' -> 0."""
    return len(number.split(".")[1]) if "." in number else 0


def evaluate(e: Expr, fns: Functions | None = None, dots: float | None = None) -> float | None:
    """The value of a formula computed from the numbers exactly as shown (None where it holds a
    name); f and f' come from `fns`. A sum elided with '...' is `dots` (its terms' total, or None)."""
    if isinstance(e, Num):
        try:
            return float(Fraction(e.text.replace("−", "-")))
        except ValueError:
            return None
    if isinstance(e, Paren):
        return evaluate(e.inner, fns, dots)
    if isinstance(e, HalfSquare | Square | Abs):
        x = evaluate(e.inner, fns, dots)
        if x is None:
            return None
        return 0.5 * x * x if isinstance(e, HalfSquare) else x * x if isinstance(e, Square) else abs(x)
    if isinstance(e, Call):
        x = evaluate(e.arg, fns, dots)
        if x is not None and e.fn == "sign":
            return float((x > 0) - (x < 0))
        return None if x is None or not fns or e.fn not in fns else float(fns[e.fn](x))
    if isinstance(e, Op):
        if e.op == "+" and any(isinstance(a, Dots) for a in e.args):
            return dots
        maybe = [evaluate(a, fns, dots) for a in e.args]
        values = [v for v in maybe if v is not None]
        if len(values) < len(maybe):
            return None
        total = values[0]
        for v in values[1:]:
            if e.op == "+":
                total += v
            elif e.op == "-":
                total -= v
            elif e.op == "*":
                total *= v
            elif e.op == "/":
                total = total / v if v else math.inf
        return total
    return None


def rounds_to(value: float, shown: str) -> bool:
    """True when `shown` is `value` correctly rounded to its decimals (either neighbour at a tie)."""
    try:
        target = float(shown)
    except ValueError:
        return False
    return abs(value - target) <= 0.5 * 10.0 ** -decimals(shown) * (1 + 1e-9) + 1e-15


def holds(left: Expr, right: Expr, fns: Functions | None = None) -> bool:
    """Does `left = right` hold as shown? A number on the right must be the left side rounded to
    its decimals; two sums (or products) of as many terms hold term by term; 1/2 (x)^2 = 1/2 * s
    holds when s is x squared, rounded. A side with names or '...' cannot be checked (True)."""
    if isinstance(left, Paren) and isinstance(right, Paren):
        return holds(left.inner, right.inner, fns)
    if isinstance(right, Num):
        value = evaluate(left, fns)
        return value is None or rounds_to(value, right.text)
    if isinstance(left, HalfSquare) and isinstance(right, Op) and right.op == "*" and len(right.args) == 2:
        return holds(op("*", left.inner, left.inner), right.args[1], fns)
    if isinstance(left, Op) and isinstance(right, Op) and (left.op, len(left.args)) == (right.op, len(right.args)):
        return all(holds(a, b, fns) for a, b in zip(left.args, right.args))
    lv, rv = evaluate(left, fns), evaluate(right, fns)
    return lv is None or rv is None or abs(lv - rv) <= 1e-12 * max(1.0, abs(lv))


# Line breaking ---------------------------------------------------------------------------------

_EQUALS = re.compile(r" (?=[=≈] )")
_BREAK = re.compile(r" (?=[-+=≈] )")
_BREAK_FACTOR = re.compile(r" (?=[*/] )")


def wrap(line: str, width: int, indent: int, tail: str = "") -> list[str]:
    """Break a long formula between terms, never inside a number or a name: at an '=' where it
    can, else before a '+' or '-' between terms, and between the factors of a term only when the
    term alone is too wide. Continuation lines start `indent` spaces in, under the first term; a
    `tail` such as "(exact: 0.05628)" follows two spaces after the end, or on a line of its own."""
    room = width - indent
    pieces: list[str] = []  # whole sides of the '=' where they fit a line, else their terms
    for k, side in enumerate(_EQUALS.split(line)):
        if len(side) <= room or k == 0 and len(side) <= width:
            pieces.append(side)
            continue
        for term in _BREAK.split(side):
            pieces += [term] if len(term) <= room else _BREAK_FACTOR.split(term)
    lines, current = [], pieces[0]
    for piece in pieces[1:]:
        if len(current) + 1 + len(piece) > width and current.strip():
            lines.append(current)
            # an '=' continues under the '=' above, a term under the first term
            current = " " * (indent - 2 if piece[:1] in "=≈" and indent >= 2 else indent) + piece
        else:
            current += " " + piece
    if tail and len(current) + 2 + len(tail) > width and current.strip():
        lines.append(current)
        current = " " * indent + tail
    elif tail:
        current += "  " + tail
    return lines + [current]
