"""Worked formulas as data: each number as the slides derive it.

A Work item holds the formula in the lecture's notation, the same formula with the numbers
substituted, and the result: "input_H1 = (X_IN1 * w_IN1->H1) + (X_IN2 * w_IN2->H1) + bias_H1",
"(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1", "0.614". Sheets group them by lecture step, for one row
and any network size. With hand rounding every substituted number is the rounded one a student
writes down, and the unrounded result follows wherever it prints differently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..dataset import Dataset
from ..labels import Precision, fmt, fmt_short, fmt_significant, node_labels, target_text
from ..regularization import PENALTIES
from .formula import (
    Abs,
    Call,
    Expr,
    Functions,
    HalfSquare,
    Num,
    Op,
    Paren,
    Square,
    Sym,
    decimals,
    elided_sum,
    holds,
    latex,
    mathml,
    op,
    text,
    wrap,
)
from .hand import Values, exact_values, half_up, hand_values, no_rounding


@dataclass(frozen=True)
class Work:
    """One number: `lhs` = `formula` = `substituted` = `steps`... = `result_text`. `cell` names the
    node or weight it belongs to (H1, IN1->H1). A full-batch update also lists every term of its
    sum (`terms` = `terms_steps`... = `terms_total_text`).

    `steps` show what a hand calculation rounds on the way (each product of a sum, the square of a
    cost). `approx` marks a line whose shown numbers do not give the result at its digits ("≈", the
    exact value `exact_text` beside it), `terms_approx` such a sum; `hand` says the result is
    hand-rounded, `exact_text` then being the result computed without rounding in between. `fns`
    evaluates f and f' to check a line."""

    cell: str
    label: str
    lhs: Expr
    formula: Expr | None
    substituted: Expr
    result: float
    result_text: str
    exact_text: str | None = None
    terms: Op | None = None
    terms_total_text: str | None = None
    terms_total: float | None = None
    terms_approx: bool = False
    terms_exact_text: str | None = None
    steps: tuple[Expr, ...] = ()
    terms_steps: tuple[Expr, ...] = ()
    approx: bool = False
    hand: bool = False
    fns: Functions | None = field(default=None, compare=False, repr=False)

    @property
    def relation(self) -> str:
        return "≈" if self.approx else "="

    def formula_text(self) -> str:
        return text(self.lhs) + (f" = {text(self.formula)}" if self.formula is not None else "")

    def substituted_text(self) -> str:
        return text(self.substituted)

    def steps_text(self) -> str:
        """The substituted formula and the rounded steps after it: "-0.2 - 0.5 * 0.003 = -0.2 - 0.002"."""
        return " = ".join(text(e) for e in (self.substituted, *self.steps))

    def tail(self) -> str:
        """Which value is which: "(hand-rounded; exact: -0.61)" or, on an approximate line, "(exact: -0.20169)"."""
        if self.exact_text is None:
            return ""
        return f"  (hand-rounded; exact: {self.exact_text})" if self.hand else f"  (exact: {self.exact_text})"

    def worked(self) -> str:
        """The slides' line: "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614"."""
        return f"{self.steps_text()} {self.relation} {self.result_text}"

    def terms_text(self) -> str:
        return " = ".join(text(e) for e in (self.terms, *self.terms_steps)) if self.terms is not None else ""

    def holds(self) -> bool:
        """Every '=' of the item is true as shown (formula.holds), the sum of the terms too."""
        chain = [self.substituted, *self.steps, Num(self.result_text)]
        ok = all(holds(a, b, self.fns) for a, b in zip(chain, chain[1:]))
        if self.terms is not None and self.terms_total_text is not None:
            terms = [self.terms, *self.terms_steps, Num(self.terms_total_text)]
            ok = ok and all(holds(a, b, self.fns) for a, b in zip(terms, terms[1:]))
        return ok

    def text_lines(self, width: int = 80) -> list[str]:
        """Plain text within `width` columns: one line when it fits, else the formula, then
        '= substituted = result' under it, long sums broken between terms, continuation lines
        aligned under the first term."""
        one = f"{self.formula_text()} = {self.worked()}{self.tail()}"
        lhs = len(text(self.lhs))
        indent = lhs + 3 if lhs + 3 <= width // 2 else 4  # under the first term, unless the name is long
        pad = " " * (indent - 2)
        if len(one) <= width:
            lines = [one]
        else:
            lines = wrap(self.formula_text(), width, indent)
            lines += wrap(f"{pad}= {self.worked()}", width, indent, self.tail().strip())
        if self.terms is not None:
            relation = "≈" if self.terms_approx else "="
            exact = f"(exact: {self.terms_exact_text})" if self.terms_approx else ""
            sum_line = f"{pad}  sum = {self.terms_text()} {relation} {self.terms_total_text}"
            lines += wrap(sum_line, width, indent + 6, exact)
        return lines

    def mathml(self) -> str:
        """The item as a MathML table: one row per '=' (the form HTML shows in every browser)."""
        from .formula import _mn, escape_xml

        rows = [(mathml(self.lhs), "=", mathml(self.formula))] if self.formula is not None else []
        chain = [self.substituted, *self.steps]
        rows += [("" if rows or k else mathml(self.lhs), "=", mathml(e)) for k, e in enumerate(chain)]
        result = _mn(self.result_text)
        if self.exact_text is not None:
            label = "hand-rounded; exact" if self.hand else "exact"
            result += f"<mspace width='1em'/><mtext>({label}: {escape_xml(self.exact_text)})</mtext>"
        rows.append(("", "≈" if self.approx else "=", result))
        if self.terms is not None and self.terms_total_text is not None:
            rows.append(("<mtext>sum</mtext>", "=", mathml(self.terms)))
            rows += [("", "=", mathml(e)) for e in self.terms_steps]
            total = _mn(self.terms_total_text)
            if self.terms_approx:
                total += f"<mspace width='1em'/><mtext>(exact: {self.terms_exact_text})</mtext>"
            rows.append(("", "≈" if self.terms_approx else "=", total))
        body = "".join(f"<mtr><mtd>{lhs}</mtd><mtd><mo>{rel}</mo>{rhs}</mtd></mtr>" for lhs, rel, rhs in rows)
        return f'<math display="block"><mtable columnalign="right left">{body}</mtable></math>'

    def latex_lines(self) -> list[str]:
        """The body of an align* environment."""
        if self.formula is not None:
            lines = [f"{latex(self.lhs)} &= {latex(self.formula)} \\\\", f"&= {latex(self.substituted)} \\\\"]
        else:
            lines = [f"{latex(self.lhs)} &= {latex(self.substituted)} \\\\"]
        lines += [f"&= {latex(e)} \\\\" for e in self.steps]
        result = ("&\\approx " if self.approx else "&= ") + self.result_text
        if self.exact_text is not None:
            label = "hand-rounded; exact" if self.hand else "exact"
            result += rf" \quad \text{{({label}: {self.exact_text})}}"
        lines.append(result)
        if self.terms is not None:
            chunks = [self.terms.args[k : k + 4] for k in range(0, len(self.terms.args), 4)]
            body = r" \\ &\quad + ".join(latex(Op("+", c)) for c in chunks)
            lines[-1] += r" \\"
            steps = "".join(rf" \\ &= {latex(e)}" for e in self.terms_steps)
            relation = r"\approx" if self.terms_approx else "="
            exact = rf" \quad \text{{(exact: {self.terms_exact_text})}}" if self.terms_approx else ""
            lines.append(rf"\text{{sum}} &= {body}{steps} {relation} {self.terms_total_text}{exact}")
        return lines


@dataclass(frozen=True)
class Sheet:
    """The worked formulas of one lecture step."""

    title: str
    notes: tuple[str, ...]
    items: tuple[Work, ...]


class _Builder:
    """Turns one set of Values into Work items; shared by the forward, backprop and update sheets."""

    def __init__(self, v: Values, p: Precision, row: int, round_to: int | None = None):
        self.v, self.p, self.row, self.r = v, p, row, row - 1
        self.m = v.model
        self.out = len(self.m.weights) - 1
        self.hand = v.rnd is not no_rounding
        self.k = round_to if round_to is not None else 12

    def rounded(self, value: float) -> float:
        return float(self.v.rnd(np.asarray(value)))

    def hand_step(self, values: Sequence[float], *rest: Expr) -> tuple[Expr, ...]:
        """In hand rounding, the products of a sum as they are rounded before they are added (no
        step when none of them changes)."""
        if not self.hand:
            return ()
        rounded = [self.rounded(x) for x in values]
        if all(abs(a - b) <= 1e-12 for a, b in zip(rounded, values)):
            return ()
        return (Op("+", (*[Num(fmt(x, self.k)) for x in rounded], *rest)),)

    def fns(self, layer: int) -> Functions | None:
        return functions(self.m.activations[layer])

    def names(self, layer: int) -> list[str]:
        return node_labels(self.m.layers, layer)

    def act_text(self, layer: int, value: float) -> str:
        """An activation of weight layer `layer` (its output layer prints as the output)."""
        return fmt(value, self.p.output if layer == self.out else self.p.activation)

    def from_sym(self, layer: int, i: int, row: int | None = None) -> Sym:
        """The value feeding weight layer `layer` from node i: X_IN1 for the data, else a_H1."""
        name = self.names(layer)[i]
        return Sym("X" if layer == 0 else "a", (name,) + ((str(row),) if row is not None else ()))

    def from_text(self, layer: int, r: int, i: int) -> str:
        value = self.v.layer_inputs(layer)[r, i]
        return fmt(value, self.p.data) if layer == 0 else self.act_text(layer - 1, value)

    def error_text(self, layer: int, value: float) -> str:
        return fmt(value, self.p.error_output if layer == self.out else self.p.error_hidden)

    # Steps 3-4 ----------------------------------------------------------------------------------

    def forward(self) -> list[Sheet]:
        v, p, r, m = self.v, self.p, self.r, self.m
        items = []
        for l, (w, b) in enumerate(zip(m.weights, m.biases)):
            prev, here = self.names(l), self.names(l + 1)
            for j, name in enumerate(here):
                inp = Sym("input", (name,))
                formula = [
                    Paren(op("*", self.from_sym(l, i), Sym("w", (f"{src}->{name}",)))) for i, src in enumerate(prev)
                ]
                feed = v.layer_inputs(l)[r]
                numbers = [
                    Paren(op("*", Num(self.from_text(l, r, i)), Num(p.given(w[i, j])))) for i in range(len(prev))
                ]
                z, a = v.input_sums[l][r, j], v.activations[l][r, j]
                items.append(
                    Work(
                        name,
                        f"input sum of {name}",
                        inp,
                        Op("+", (*formula, Sym("bias", (name,)))),
                        Op("+", (*numbers, Num(p.given(b[j])))),
                        z,
                        p.input_sum(z),
                        steps=self.hand_step([feed[i] * w[i, j] for i in range(len(prev))], Num(p.given(b[j]))),
                    )
                )
                items.append(
                    Work(
                        name,
                        f"activation of {name}",
                        Sym("a", (name,)),
                        Call("f", inp),
                        Call("f", Num(p.input_sum(z))),
                        a,
                        self.act_text(l, a),
                        fns=self.fns(l),
                    )
                )
        sheets = [Sheet(f"Step 3: Forward pass, row {self.row}", self._f_notes(), tuple(items))]
        if m.cost == "half_squared_error":
            sheets.append(self._cost())
        if m.regularization != "none":
            sheets.append(self._penalty())
        return sheets

    def _penalized(self) -> list[tuple[str, Sym, float]]:
        """The weights (and, if asked, the biases) in the penalty: cell, symbol, value."""
        m, out = self.m, []
        for l, w in enumerate(m.weights):
            src, dst = self.names(l), self.names(l + 1)
            out += [
                (f"{src[i]}->{dst[j]}", Sym("w", (f"{src[i]}->{dst[j]}",)), w[i, j]) for i, j in np.ndindex(w.shape)
            ]
        if m.regularize_biases:
            for l, b in enumerate(m.biases):
                out += [(name, Sym("bias", (name,)), b[j]) for j, name in enumerate(self.names(l + 1))]
        return out

    def _strength(self, n: int) -> tuple[Expr, Expr, float]:
        """λ (sum) or λ / N (mean): symbol, number and value."""
        m, lam = self.m, Num(fmt_short(self.m.lambda_, 12))
        if m.reduction == "mean":
            return Paren(op("/", Sym("λ"), Num(str(n)))), Paren(op("/", lam, Num(str(n)))), m.lambda_ / n
        return Sym("λ"), lam, m.lambda_

    def _penalty(self) -> Sheet:
        """Step 4 with regularisation: the penalty λ/2 Σ w² (or λ Σ |w|, over N with the mean) and
        J = the data part + the penalty."""
        v, p, m = self.v, self.p, self.m
        n = len(v.costs)

        def rnd(x: float) -> float:
            return float(v.rnd(np.asarray(x)))

        l2 = m.regularization == "l2"
        lam_sym, lam_num, k = self._strength(n)
        if l2:
            lam_sym, lam_num, k = op("/", lam_sym, Num("2")), op("/", lam_num, Num("2")), k / 2
        shape = Square if l2 else Abs
        cells = self._penalized()
        terms = [Num(p.given(value)) for _, _, value in cells]
        parts = [rnd(value * value if l2 else abs(value)) for _, _, value in cells]
        total = rnd(sum(parts))
        penalty = rnd(k * total)
        data_sym = Sym("Σ") if m.reduction == "sum" else Sym("C(W)")
        data = rnd(v.costs.sum()) if m.reduction == "sum" else rnd(rnd(v.costs.sum()) / n)
        j = rnd(data + penalty)
        items = (
            Work(
                "cost",
                "the penalty",
                Sym("penalty"),
                op("*", lam_sym, Paren(elided_sum([shape(sym) for _, sym, _ in cells]))),
                op("*", lam_num, Paren(elided_sum([shape(t) for t in terms]))),
                penalty,
                fmt_significant(penalty, p.cost),
                terms=Op("+", tuple(shape(t) for t in terms)),
                terms_total_text=fmt_significant(total, p.cost),
            ),
            Work(
                "cost",
                "J, the cost with the penalty",
                Sym("J"),
                op("+", data_sym, Sym("penalty")),
                op("+", Num(fmt_significant(data, p.cost)), Num(fmt_significant(penalty, p.cost))),
                j,
                fmt_significant(j, p.cost),
            ),
        )
        which = "weights and biases" if m.regularize_biases else "weights only, not the biases"
        formula = PENALTIES[m.regularization].penalty_text(n if m.reduction == "mean" else None, " × ")
        note = f"{m.regularization.upper()}, λ = {m.lambda_:g}: penalty = {formula} ({which})"
        return Sheet(f"Step 4: Cost with the penalty, all {n} rows", (note,), items)

    def _f_notes(self) -> tuple[str, ...]:
        names = self.m.activations
        if len(set(names)) == 1:
            return (f"f(x) = {ACTIVATIONS[names[0]].formula}",)
        return tuple(f"f(x) = {ACTIVATIONS[n].formula} on layer {l + 1}" for l, n in enumerate(names))

    def _cost(self) -> Sheet:
        v, p, r = self.v, self.p, self.r
        outs = self.names(len(self.m.layers) - 1)
        halves = [HalfSquare(op("-", Sym("a", (o,)), Sym("y", (o,)))) for o in outs]
        outputs = v.activations[-1][r]
        numbers = [
            HalfSquare(
                op(
                    "-",
                    Num(self.act_text(self.out, outputs[k])),
                    Num(target_text(v.targets[r, k], p.data)),
                )
            )
            for k in range(len(outs))
        ]
        steps: tuple[Expr, ...] = ()
        if self.hand:  # the square is rounded before it is halved, and each half before the sum
            squares = [self.rounded(self.rounded(outputs[k] - v.targets[r, k]) ** 2) for k in range(len(outs))]
            steps = (Op("+", tuple(op("*", Num("1/2"), Num(fmt(sq, self.k))) for sq in squares)),)
            if len(outs) > 1:
                steps += (Op("+", tuple(Num(fmt(self.rounded(0.5 * sq), self.k)) for sq in squares)),)
        cost = v.costs[r]
        n = len(v.costs)
        total = float(v.rnd(np.asarray(v.costs.sum())))
        mean = float(v.rnd(np.asarray(total / n)))
        rows = range(1, n + 1)
        cost_texts = [Num(fmt(c, p.cost)) for c in v.costs]

        def shown(x: float) -> str:
            """Σ and C(W) with two significant digits at least; hand-rounded, with the decimals kept."""
            return fmt(x, p.cost) if self.hand else fmt_significant(x, p.cost)

        items = [
            Work(
                outs[0] if len(outs) == 1 else "cost",
                f"cost of row {self.row}",
                Sym("Cost", (str(self.row),)),
                Op("+", tuple(halves)),
                Op("+", tuple(numbers)),
                cost,
                fmt(cost, p.cost),
                steps=steps,
            ),
            Work(
                "cost",
                "Σ, the summed cost",
                Sym("Σ"),
                elided_sum([Sym("Cost", (str(i),)) for i in rows]),
                elided_sum(cost_texts),
                total,
                shown(total),
                terms=Op("+", tuple(cost_texts)),
                terms_total_text=shown(total),
                terms_total=total,
            ),
            Work(
                "cost",
                "C(W), the mean cost",
                Sym("C(W)"),
                op("/", Sym("Σ"), Num(str(n))),
                op("/", Num(shown(total)), Num(str(n))),
                mean,
                shown(mean),
            ),
        ]
        return Sheet(f"Step 4: Cost, row {self.row} and all {n} rows", ("Cost_i = 1/2 (yhat_i - y_i)^2",), tuple(items))

    # Step 5 -------------------------------------------------------------------------------------

    def backprop(self) -> list[Sheet]:
        v, p, r, m = self.v, self.p, self.r, self.m
        items = []
        for l in reversed(range(len(m.weights))):
            here = self.names(l + 1)
            for j, name in enumerate(here):
                err = v.errors[l][r, j]
                if l == self.out:
                    a = v.activations[l][r, j]
                    formula, numbers = self._output_error(
                        name, Num(self.act_text(l, a)), Num(target_text(v.targets[r, j], p.data))
                    )
                    steps: tuple[Expr, ...] = ()
                else:
                    nxt = self.names(l + 2)
                    wn, bn = m.weights[l + 1], v.bpes[l + 1][r]
                    fs: list[Expr] = [op("*", Sym("BPE", (k,)), Sym("w", (f"{name}->{k}",))) for k in nxt]
                    ns: list[Expr] = [op("*", Num(fmt(bn[k], p.bpe)), Num(p.given(wn[j, k]))) for k in range(len(nxt))]
                    if len(nxt) > 1:
                        fs, ns = [Paren(f) for f in fs], [Paren(n) for n in ns]
                    formula, numbers = Op("+", tuple(fs)), Op("+", tuple(ns))
                    steps = self.hand_step([bn[k] * wn[j, k] for k in range(len(nxt))]) if len(nxt) > 1 else ()
                items.append(
                    Work(
                        name,
                        f"error of {name}",
                        Sym("error", (name,)),
                        formula,
                        numbers,
                        err,
                        self.error_text(l, err),
                        steps=steps,
                    )
                )
            slopes = v.slopes[l]
            if slopes is None:
                items += self._softmax_bpes(l)
                continue
            for j, name in enumerate(here):
                z, slope, bpe, err = v.input_sums[l][r, j], slopes[r, j], v.bpes[l][r, j], v.errors[l][r, j]
                inp = Sym("input", (name,))
                slope_formula = self._slope(l, j)
                slope_numbers: Expr = Call("f'", Num(p.input_sum(z)))
                if self.hand and slope_formula is not None:  # the calculator's way: from the rounded a
                    slope_numbers = self._slope(l, j, numbers=True) or slope_numbers
                items.append(
                    Work(
                        name,
                        f"slope f' at {name}",
                        Call("f'", inp),
                        slope_formula if self.hand else None,
                        slope_numbers,
                        slope,
                        fmt(slope, p.bpe),
                        fns=self.fns(l),
                    )
                )
                # by hand the BPE takes the rounded slope of the line above
                factor = Num(fmt(slope, p.bpe)) if self.hand else Call("f'", Num(p.input_sum(z)))
                items.append(
                    Work(
                        name,
                        f"BPE of {name}",
                        Sym("BPE", (name,)),
                        op("*", Sym("error", (name,)), Call("f'", inp)),
                        op("*", Num(self.error_text(l, err)), factor),
                        bpe,
                        fmt(bpe, p.bpe),
                        fns=self.fns(l),
                    )
                )
        formulas = {n: ACTIVATIONS[n].derivative_formula for n in m.activations}
        if len(set(m.activations)) == 1:
            derivatives = [f"f'(x) = {formulas[n]}" for n in m.activations[:1] if formulas[n]]
        else:  # mixed activations: which f' belongs to which layer, as the forward pass's notes say
            derivatives = [
                f"f'(x) = {formulas[n]} on layer {l + 1}" for l, n in enumerate(m.activations) if formulas[n]
            ]
        notes = (
            f"error_ON = {COSTS[m.cost].error_formula}; BPE = error × f'(input sum); error_H = BPE_ON × w_H->ON",
            *derivatives,
        )
        return [Sheet(f"Step 5: Backpropagation, row {self.row}", notes, tuple(items))]

    def _slope(self, l: int, j: int, numbers: bool = False) -> Expr | None:
        """f'(x) from the activation a = f(x) where the slides write it so: a (1 - a) for sigmoid,
        1 - a * a for tanh (None for the others)."""
        name = self.names(l + 1)[j]
        a: Expr = Sym("a", (name,))
        if numbers:
            a = Num(self.act_text(l, self.v.activations[l][self.r, j]))
        if self.m.activations[l] == "sigmoid":
            return op("*", a, Paren(op("-", Num("1"), a)))
        if self.m.activations[l] == "tanh":
            return op("-", Num("1"), op("*", a, a))
        return None

    def _output_error(self, name: str, a: Num, y: Num) -> tuple[Expr, Expr]:
        """error_ON = dCost/dyhat of the model's cost, as a formula and with numbers."""

        def build(a_: Expr, y_: Expr) -> Expr:
            diff = op("-", a_, y_)
            if self.m.cost == "squared_error":
                return op("*", Num("2"), Paren(diff))
            if self.m.cost == "binary_cross_entropy":
                return op("/", Paren(diff), Paren(op("*", a_, Paren(op("-", Num("1"), a_)))))
            if self.m.cost == "categorical_cross_entropy":
                return op("/", op("*", Num("-1"), y_), a_)
            return diff

        return build(Sym("a", (name,)), Sym("y", (name,))), build(a, y)

    def _softmax_bpes(self, l: int) -> list[Work]:
        """Softmax mixes its nodes: BPE_k = a_k * (error_k - sum_j error_j a_j)."""
        v, p, r = self.v, self.p, self.r
        here = self.names(l + 1)
        mix = Paren(Op("+", tuple(op("*", Sym("error", (k,)), Sym("a", (k,))) for k in here)))
        mix_n = Paren(
            Op(
                "+",
                tuple(
                    op(
                        "*",
                        Num(self.error_text(l, v.errors[l][r, k])),
                        Num(self.act_text(l, v.activations[l][r, k])),
                    )
                    for k in range(len(here))
                ),
            )
        )
        items = []
        for j, name in enumerate(here):
            bpe = v.bpes[l][r, j]
            formula = op("*", Sym("a", (name,)), Paren(op("-", Sym("error", (name,)), mix)))
            numbers = op(
                "*",
                Num(self.act_text(l, v.activations[l][r, j])),
                Paren(op("-", Num(self.error_text(l, v.errors[l][r, j])), mix_n)),
            )
            items.append(Work(name, f"BPE of {name}", Sym("BPE", (name,)), formula, numbers, bpe, fmt(bpe, p.bpe)))
        return items

    # Step 6 -------------------------------------------------------------------------------------

    def _terms(self, l: int, j: int, i: int | None) -> tuple[str, Sym, float, list[tuple[Expr, Expr, float]]]:
        """One weight (i is a from-node) or bias (i is None) of weight layer l into node j: its cell,
        symbol and value, and per row the term of its gradient (symbols, numbers, value)."""
        v, p = self.v, self.p
        bpes, feed = self.v.bpes[l], self.v.layer_inputs(l)
        rows = range(len(v.inputs))
        bpe_texts = [fmt(bpes[k, j], p.bpe) for k in rows]
        feed_texts = None if i is None else [self.from_text(l, k, i) for k in rows]
        g = gradient_terms(self.m, l, j, i, bpe_texts, feed_texts)
        values = [bpes[k, j] if i is None else bpes[k, j] * feed[k, i] for k in rows]
        old = self.m.biases[l][j] if i is None else self.m.weights[l][i, j]
        return g.cell, g.own, old, list(zip(g.syms, g.nums, values))

    def update(self) -> list[Sheet]:
        """The one-row step w - α BPE a of the chosen row, then (as the slides do) the full batch:
        that step minus α times the other rows' terms, every BPE from the same forward pass."""
        v, p, r, m = self.v, self.p, self.r, self.m

        def rnd(x: float) -> float:
            return float(v.rnd(np.asarray(x)))

        n = len(v.inputs)
        alpha: Expr = Sym("α")
        lr_text: Expr = Num(p.given(m.learning_rate))
        lr = m.learning_rate
        if m.reduction == "mean":  # the gradient is the mean over the rows: α / N times the sum
            alpha, lr_text, lr = Paren(op("/", alpha, Num(str(n)))), Paren(op("/", lr_text, Num(str(n)))), lr / n
        learned_biases = m.update_biases and m.has_biases
        one_row, full, penalty = [], [], []
        regularized = m.regularization != "none"
        lam_sym, lam_num, lam = self._strength(n) if regularized else (Sym("λ"), Num(""), 0.0)
        if regularized and m.reduction == "mean":  # α / N already holds the 1 / N of the mean
            lam_sym, lam_num, lam = Sym("λ"), Num(fmt_short(m.lambda_, 12)), m.lambda_
        for l in reversed(range(len(m.weights))):
            n_from, n_to = m.layers[l], m.layers[l + 1]
            # the weights into each node, then the biases (unless frozen), as the slides go through them
            cells: list[tuple[int, int | None]] = [(j, i) for j in range(n_to) for i in range(n_from)]
            cells += [(j, None) for j in range(n_to)] if learned_biases else []
            for j, i in cells:
                cell, sym, old, terms = self._terms(l, j, i)
                label = f"bias of {cell}" if i is None else f"weight {cell}"
                f_r, n_r, t_r = terms[r]
                given = Num(p.given(old))
                step = rnd(old - rnd(lr * rnd(t_r)))
                steps: tuple[Expr, ...] = ()
                if self.hand:  # the product, then α times it, rounded before they are used
                    n_r = Paren(n_r) if isinstance(n_r, Op) else n_r
                    if rnd(t_r) != t_r:
                        steps += (op("-", given, op("*", lr_text, Num(fmt(rnd(t_r), self.k)))),)
                    if rnd(lr * rnd(t_r)) != lr * rnd(t_r):
                        steps += (op("-", given, Num(fmt(rnd(lr * rnd(t_r)), self.k))),)
                one_row.append(
                    Work(
                        cell,
                        f"{label}, row {self.row}",
                        sym,
                        op("-", sym, op("*", alpha, f_r)),
                        op("-", given, op("*", lr_text, n_r)),
                        step,
                        fmt(step, p.weight),
                        steps=steps,
                    )
                )
                rest = terms[:r] + terms[r + 1 :]
                after = step
                if rest:
                    total = rnd(sum(rnd(t) for _, _, t in rest))
                    after = rnd(step - rnd(lr * total))
                    step_num = Num(fmt(step, p.weight))
                    # the sum of the other rows' terms, then α times it, as one more line of arithmetic
                    steps = (op("-", step_num, op("*", lr_text, Num(fmt(total, p.weight)))),)
                    if self.hand and rnd(lr * total) != lr * total:
                        steps += (op("-", step_num, Num(fmt(rnd(lr * total), self.k))),)
                    full.append(
                        Work(
                            cell,
                            f"{label}, full batch",
                            sym,
                            op("-", sym, op("*", alpha, Paren(elided_sum([f for f, _, _ in rest])))),
                            op("-", step_num, op("*", lr_text, Paren(elided_sum([n for _, n, _ in rest])))),
                            after,
                            fmt(after, p.weight),
                            terms=Op("+", tuple(n for _, n, _ in rest)),
                            terms_total_text=fmt(total, p.weight),
                            terms_total=total,
                            steps=steps,
                            terms_steps=self.hand_step([t for _, _, t in rest]),
                        )
                    )
                if regularized and (i is not None or m.regularize_biases):
                    penalty.append(
                        self._penalty_step(cell, label, sym, old, after, (alpha, lr_text, lr), (lam_sym, lam_num, lam))
                    )
        rule = "w_from->to = w_from->to - α × BPE_to × a_from"
        rule += ";  bias = bias - α × BPE" if learned_biases else ";  the biases stay as they are (frozen)"
        if m.reduction == "mean":
            rule += f";  α / {n}: the mean over the {n} rows"
        sheets = [Sheet(f"Step 6: Update, the one-row step of row {self.row}", (rule,), tuple(one_row))]
        if penalty:
            slope = PENALTIES[m.regularization].gradient_text("w_before", times="× ")
            sheets_after = [
                Sheet(
                    f"Step 6: Update, the penalty's step ({m.regularization.upper()}, λ = {m.lambda_:g})",
                    (
                        f"w = w - {'α' if m.reduction == 'sum' else f'α / {n}'} × {slope}, w_before: before this update",
                        "(with the steps above: w - α × dJ/dw, every gradient from the weights before)",
                    ),
                    tuple(penalty),
                )
            ]
        else:
            sheets_after = []
        if full:
            rest_text = "the other row" if n == 2 else f"the other {n - 1} rows"
            sheets.append(
                Sheet(
                    f"Step 6: Update, full batch over all {n} rows",
                    (
                        f"As the slides do: the row-{self.row} step above, then {rest_text}, every BPE from the same forward "
                        f"pass (the same as w - {'α' if m.reduction == 'sum' else f'α / {n}'} × the sum over all {n} rows).",
                    ),
                    tuple(full),
                )
            )
        return sheets + sheets_after

    def _penalty_step(
        self, cell: str, label: str, sym: Sym, old: float, terms: float, rate: tuple, strength: tuple
    ) -> Work:
        """After the data's steps (the full batch, or the one-row step for one row) with value
        `terms`, the penalty's: w - α λ w_before (L2) or w - α λ sign(w_before) (L1)."""
        v, p, m = self.v, self.p, self.m
        alpha, lr_text, lr = rate
        lam_sym, lam_num, lam = strength

        def rnd(x: float) -> float:
            return float(v.rnd(np.asarray(x)))

        before = Sym(sym.name, (*sym.sub, "before"))
        slope_sym: Expr
        slope_num: Expr
        if m.regularization == "l2":
            slope_sym, slope_num, slope = before, Num(p.given(old)), old
        else:
            slope_sym, slope_num, slope = Call("sign", before), Call("sign", Num(p.given(old))), float(np.sign(old))
        after = rnd(terms - rnd(lr * rnd(lam * slope)))
        start = Num(fmt(terms, p.weight))
        numbers = op("*", lr_text, lam_num, slope_num)
        steps: tuple[Expr, ...] = ()
        if self.hand:  # λ times the slope, then α times that, each rounded before it is used
            numbers = op("*", lr_text, Paren(op("*", lam_num, slope_num)))
            if rnd(lam * slope) != lam * slope:
                steps += (op("-", start, op("*", lr_text, Num(fmt(rnd(lam * slope), self.k)))),)
            if rnd(lr * rnd(lam * slope)) != lr * rnd(lam * slope):
                steps += (op("-", start, Num(fmt(rnd(lr * rnd(lam * slope)), self.k))),)
        return Work(
            cell,
            f"{label}, penalty",
            sym,
            op("-", sym, op("*", alpha, lam_sym, slope_sym)),
            op("-", start, numbers),
            after,
            fmt(after, p.weight),
            steps=steps,
        )


@dataclass(frozen=True)
class Gradient:
    """Step 5's worked formula of one weight's (or bias's) gradient: dCost/dw = Σ_i BPE_to,i ×
    a_from,i (dCost/db = Σ_i BPE_i), over N for the mean, plus the penalty's λ w (L2) or
    λ sign(w) (L1), λ / N for the mean. `syms` and `nums` are the rows' terms."""

    cell: str
    lhs: Sym
    own: Sym
    syms: list[Expr]
    nums: list[Expr]
    formula: Expr
    numbers: Expr


def gradient_terms(
    model, l: int, j: int, i: int | None, bpe_texts: Sequence[str], feed_texts: Sequence[str] | None
) -> Gradient:
    """The rows' terms of the gradient of weight layer l's weight from node i (the bias when i is
    None) into node j, from the printed BPEs and inputs (X for layer 0, else a): the formula is
    their plain sum (`gradient` adds the mean and the penalty)."""
    to = node_labels(model.layers, l + 1)[j]
    rows = [str(k + 1) for k in range(len(bpe_texts))]
    syms: list[Expr]
    nums: list[Expr]
    if i is None:
        syms = [Sym("BPE", (to, k)) for k in rows]
        nums = [Num(t) for t in bpe_texts]
        cell, lhs, own = to, Sym("dCost/db", (to,)), Sym("bias", (to,))
    else:
        assert feed_texts is not None
        src = node_labels(model.layers, l)[i]
        a = "X" if l == 0 else "a"
        syms = [op("*", Sym("BPE", (to, k)), Sym(a, (src, k))) for k in rows]
        nums = [op("*", Num(b), Num(f)) for b, f in zip(bpe_texts, feed_texts)]
        cell = f"{src}->{to}"
        lhs, own = Sym("dCost/dw", (cell,)), Sym("w", (cell,))
    return Gradient(cell, lhs, own, syms, nums, elided_sum(syms), elided_sum(nums))


def gradient(
    model,
    l: int,
    j: int,
    i: int | None,
    bpe_texts: Sequence[str],
    feed_texts: Sequence[str] | None,
    own_text: str,
    penalized: bool,
) -> Gradient:
    """Step 5: the gradient's worked formula (see Gradient), `own_text` the weight as printed for
    the penalty's term, `penalized` whether it has one."""
    g = gradient_terms(model, l, j, i, bpe_texts, feed_texts)
    n = Num(str(len(bpe_texts)))
    formula, numbers = g.formula, g.numbers
    if model.reduction == "mean":
        formula, numbers = op("/", Paren(formula), n), op("/", Paren(numbers), n)
    if penalized:
        lam: Expr = Sym("λ")
        lam_num: Expr = Num(fmt_short(model.lambda_, 12))
        if model.reduction == "mean":
            lam, lam_num = Paren(op("/", lam, n)), Paren(op("/", lam_num, n))
        w_num = Num(own_text)
        l2 = model.regularization == "l2"
        slope, slope_num = (g.own, w_num) if l2 else (Call("sign", g.own), Call("sign", w_num))
        formula, numbers = op("+", formula, op("*", lam, slope)), op("+", numbers, op("*", lam_num, slope_num))
    return replace(g, formula=formula, numbers=numbers)


STEPS: dict[str, Callable[[_Builder], list[Sheet]]] = {
    "forward": _Builder.forward,
    "backprop": _Builder.backprop,
    "update": _Builder.update,
}


def worked(step: str, model, data: Dataset, row: int, p: Precision, round_to: int | None = None) -> list[Sheet]:
    """The worked formulas of `step` (forward, backprop or update) for observation `row` (from 1).

    With `round_to` = K every intermediate value is rounded to K decimals before it is used (hand
    rounding), and each result whose unrounded value prints differently carries that value too.
    """
    exact = [
        replace(s, items=tuple(true_as_shown(w) for w in s.items))
        for s in STEPS[step](_Builder(exact_values(model, data.inputs, data.targets), p, row))
    ]
    if round_to is None:
        return exact
    hand_v = hand_values(model, data.inputs, data.targets, half_up(round_to))
    hand = STEPS[step](_Builder(hand_v, p, row, round_to))
    note = (
        f"Hand rounding: every intermediate value rounded to {round_to} decimals before it is used, "
        "each rounding shown; where the exact result (no rounding in between) prints differently, "
        "it follows the hand-rounded one."
    )
    return [
        Sheet(
            h.title,
            h.notes + ((note,) if k == 0 else ()),
            tuple(
                replace(hw, hand=True, exact_text=None if hw.result_text == ew.result_text else ew.result_text)
                for hw, ew in zip(h.items, e.items)
            ),
        )
        for k, (h, e) in enumerate(zip(hand, exact))
    ]


def worked_values(step: str, values: Values, row: int, p: Precision) -> list[Sheet]:
    """The worked formulas of `step` from given numbers (a student's own, for example)."""
    return STEPS[step](_Builder(values, p, row))


def true_as_shown(w: Work) -> Work:
    """A line whose rounded numbers do not give its result at its digits keeps the slides' numbers
    and is marked approximate (≈), the exact value beside it; so is a sum of rounded terms."""
    main, terms = replace(w, terms=None), replace(w, steps=(), substituted=Num(w.result_text))
    extra = 2  # the exact value with two more decimals than the result
    if not main.holds():
        w = replace(w, approx=True, exact_text=fmt(w.result, decimals(w.result_text) + extra))
    if w.terms_total is not None and w.terms_total_text is not None and not terms.holds():
        w = replace(w, terms_approx=True, terms_exact_text=fmt(w.terms_total, decimals(w.terms_total_text) + extra))
    return w


def functions(name: str) -> Functions | None:
    """f and f' of an elementwise activation, to check a worked line (None for softmax)."""
    from ..activations import ACTIVATIONS

    act = ACTIVATIONS[name]
    if act.output_only:
        return None

    def f(x: float) -> float:
        return float(act.f(np.array([[x]]))[0, 0])

    fns: Functions = {"f": f}
    if act.df is not None:
        df = act.df
        fns["f'"] = lambda x: float(df(np.array([[x]]), np.array([[f(x)]]))[0, 0])
    return fns


def cells(sheets: Sequence[Sheet]) -> list[str]:
    """Every cell the sheets can be narrowed to (nodes, weights), in order."""
    return list(dict.fromkeys(w.cell for s in sheets for w in s.items))


def only(sheets: Sequence[Sheet], cell: str) -> list[Sheet]:
    """The items of one node (with, for an update, the weights into it) or of one weight
    (IN1->H1, IN1→H1 or IN1-H1)."""
    cell = cell.replace("→", "->").replace(" ", "").upper()  # h1 is H1
    if "->" not in cell and "-" in cell:  # IN1-H1, which needs no quoting in a shell
        cell = cell.replace("-", "->")

    def wanted(w: Work) -> bool:
        name = w.cell.upper()
        return name == cell or ("->" not in cell and name.endswith("->" + cell))

    kept = [Sheet(s.title, s.notes, tuple(w for w in s.items if wanted(w))) for s in sheets]
    return [s for s in kept if s.items]


def work_json(sheets: Sequence[Sheet]) -> list[dict]:
    """The sheets for --format json: every item's formula, substituted formula and result."""
    return [
        {
            "title": s.title,
            "notes": list(s.notes),
            "items": [
                {
                    "cell": w.cell,
                    "label": w.label,
                    "formula": w.formula_text(),
                    "substituted": w.substituted_text(),
                    "result": w.result_text,
                    "value": w.result,
                    "approximate": w.approx,
                    "exact": w.exact_text if not w.hand else None,
                    "hand_rounded": w.hand,
                    "without_hand_rounding": w.exact_text if w.hand else None,
                    "steps": [text(e) for e in w.steps],
                    "latex": " ".join(w.latex_lines()),
                    **(
                        {
                            "terms": w.terms_text(),
                            "terms_total": w.terms_total_text,
                            "terms_approximate": w.terms_approx,
                            "terms_exact": w.terms_exact_text,
                        }
                        if w.terms is not None
                        else {}
                    ),
                }
                for w in s.items
            ],
        }
        for s in sheets
    ]
