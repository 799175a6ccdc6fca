"""Formulas as tiny expression trees, written out as the slides' plain text or as LaTeX.

The same tree gives "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1" for the terminal and
"(-0.97 \\cdot -0.2) + (-0.80 \\cdot -0.4) + 0.1" for a LaTeX slide. Numbers arrive already
formatted (nnstep/labels.py); nothing here rounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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


def elided_sum(terms: list[Expr]) -> Expr:
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
        return e.text
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


_BREAK = re.compile(r" (?=[-+=] )")


def wrap(line: str, width: int, indent: int) -> list[str]:
    """Break a long formula before an operator (never inside a number or a name); continuation
    lines start `indent` spaces in."""
    chunks = _BREAK.split(line)
    lines, current = [], chunks[0]
    for chunk in chunks[1:]:
        if len(current) + 1 + len(chunk) > width and current.strip():
            lines.append(current)
            current = " " * indent + chunk
        else:
            current += " " + chunk
    return lines + [current]
