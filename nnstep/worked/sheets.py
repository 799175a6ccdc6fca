"""Worked formulas as data: each number as the slides derive it.

A Work item holds the formula in the lecture's notation, the same formula with the numbers
substituted, and the result: "input_H1 = (X_IN1 * w_IN1->H1) + (X_IN2 * w_IN2->H1) + bias_H1",
"(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1", "0.614". Sheets group them by lecture step, for one row
and any network size. With hand rounding every substituted number is the rounded one a student
writes down, and the unrounded result follows wherever it prints differently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..dataset import Dataset
from ..labels import Precision, fmt, fmt_short, fmt_significant, node_labels, target_text
from .formula import Abs, Call, Expr, HalfSquare, Num, Op, Paren, Square, Sym, elided_sum, latex, op, text, wrap
from .hand import Values, exact_values, half_up, hand_values


@dataclass(frozen=True)
class Work:
    """One number: `lhs` = `formula` = `substituted` = `result_text`. `cell` names the node or
    weight it belongs to (H1, IN1->H1). A full-batch update also lists every term of its sum."""

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

    def formula_text(self) -> str:
        return text(self.lhs) + (f" = {text(self.formula)}" if self.formula is not None else "")

    def substituted_text(self) -> str:
        return text(self.substituted)

    def worked(self) -> str:
        """The slides' line: "(-0.97 * -0.2) + (-0.80 * -0.4) + 0.1 = 0.614"."""
        return f"{text(self.substituted)} = {self.result_text}"

    def terms_text(self) -> str:
        return text(self.terms) if self.terms is not None else ""

    def text_lines(self, width: int = 80) -> list[str]:
        """Plain text within `width` columns: one line when it fits, else the formula, then
        '= substituted = result' under it, long sums broken before an operator."""
        tail = f"  (full precision: {self.exact_text})" if self.exact_text is not None else ""
        one = f"{self.formula_text()} = {self.worked()}{tail}"
        pad = " " * (len(text(self.lhs)) + 1)
        if len(one) <= width:
            lines = [one]
        else:
            lines = wrap(self.formula_text(), width, len(pad) + 2)
            lines += wrap(f"{pad}= {self.worked()}{tail}", width, len(pad) + 2)
        if self.terms is not None:
            lines += wrap(f"{pad}  sum = {self.terms_text()} = {self.terms_total_text}", width, len(pad) + 8)
        return lines

    def latex_lines(self) -> list[str]:
        """The body of an align* environment."""
        if self.formula is not None:
            lines = [f"{latex(self.lhs)} &= {latex(self.formula)} \\\\", f"&= {latex(self.substituted)} \\\\"]
        else:
            lines = [f"{latex(self.lhs)} &= {latex(self.substituted)} \\\\"]
        result = f"&= {self.result_text}"
        if self.exact_text is not None:
            result += rf" \quad \text{{(full precision: {self.exact_text})}}"
        lines.append(result)
        if self.terms is not None:
            chunks = [self.terms.args[k : k + 4] for k in range(0, len(self.terms.args), 4)]
            body = r" \\ &\quad + ".join(latex(Op("+", c)) for c in chunks)
            lines[-1] += r" \\"
            lines.append(rf"\text{{sum}} &= {body} = {self.terms_total_text}")
        return lines


@dataclass(frozen=True)
class Sheet:
    """The worked formulas of one lecture step."""

    title: str
    notes: tuple[str, ...]
    items: tuple[Work, ...]


class _Builder:
    """Turns one set of Values into Work items; shared by the forward, backprop and update sheets."""

    def __init__(self, v: Values, p: Precision, row: int):
        self.v, self.p, self.row, self.r = v, p, row, row - 1
        self.m = v.model
        self.out = len(self.m.weights) - 1

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
        formula = "λ/2 Σ w²" if l2 else "λ Σ |w|"
        if m.reduction == "mean":
            formula = f"λ/(2 × {n}) Σ w²" if l2 else f"λ/{n} Σ |w|"
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
        numbers = [
            HalfSquare(
                op(
                    "-",
                    Num(self.act_text(self.out, v.activations[-1][r, k])),
                    Num(target_text(v.targets[r, k], p.data)),
                )
            )
            for k in range(len(outs))
        ]
        cost = v.costs[r]
        n = len(v.costs)
        total = float(v.rnd(np.asarray(v.costs.sum())))
        mean = float(v.rnd(np.asarray(total / n)))
        rows = range(1, n + 1)
        cost_texts = [Num(fmt(c, p.cost)) for c in v.costs]
        items = [
            Work(
                outs[0] if len(outs) == 1 else "cost",
                f"cost of row {self.row}",
                Sym("Cost", (str(self.row),)),
                Op("+", tuple(halves)),
                Op("+", tuple(numbers)),
                cost,
                fmt(cost, p.cost),
            ),
            Work(
                "cost",
                "Σ, the summed cost",
                Sym("Σ"),
                elided_sum([Sym("Cost", (str(i),)) for i in rows]),
                elided_sum(cost_texts),
                total,
                fmt_significant(total, p.cost),
                terms=Op("+", tuple(cost_texts)),
                terms_total_text=fmt_significant(total, p.cost),
            ),
            Work(
                "cost",
                "C(W), the mean cost",
                Sym("C(W)"),
                op("/", Sym("Σ"), Num(str(n))),
                op("/", Num(fmt_significant(total, p.cost)), Num(str(n))),
                mean,
                fmt_significant(mean, p.cost),
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
                    formula, numbers = self._output_error(
                        name, Num(self.act_text(l, v.activations[l][r, j])), Num(target_text(v.targets[r, j], p.data))
                    )
                else:
                    nxt = self.names(l + 2)
                    wn = m.weights[l + 1]
                    fs = [op("*", Sym("BPE", (k,)), Sym("w", (f"{name}->{k}",))) for k in nxt]
                    ns = [
                        op("*", Num(fmt(v.bpes[l + 1][r, k], p.bpe)), Num(p.given(wn[j, k]))) for k in range(len(nxt))
                    ]
                    if len(nxt) > 1:
                        fs, ns = [Paren(f) for f in fs], [Paren(n) for n in ns]
                    formula, numbers = Op("+", tuple(fs)), Op("+", tuple(ns))
                items.append(
                    Work(
                        name, f"error of {name}", Sym("error", (name,)), formula, numbers, err, self.error_text(l, err)
                    )
                )
            if v.slopes[l] is None:
                items += self._softmax_bpes(l)
                continue
            for j, name in enumerate(here):
                z, slope, bpe, err = v.input_sums[l][r, j], v.slopes[l][r, j], v.bpes[l][r, j], v.errors[l][r, j]
                inp = Sym("input", (name,))
                items.append(
                    Work(
                        name,
                        f"slope f' at {name}",
                        Call("f'", inp),
                        None,
                        Call("f'", Num(p.input_sum(z))),
                        slope,
                        fmt(slope, p.bpe),
                    )
                )
                items.append(
                    Work(
                        name,
                        f"BPE of {name}",
                        Sym("BPE", (name,)),
                        op("*", Sym("error", (name,)), Call("f'", inp)),
                        op("*", Num(self.error_text(l, err)), Call("f'", Num(p.input_sum(z)))),
                        bpe,
                        fmt(bpe, p.bpe),
                    )
                )
        derivatives = sorted(
            {f"f'(x) = {ACTIVATIONS[n].derivative_formula}" for n in m.activations if ACTIVATIONS[n].derivative_formula}
        )
        notes = (
            f"error_ON = {COSTS[m.cost].error_formula}; BPE = error × f'(input sum); error_H = BPE_ON × w_H->ON",
            *derivatives,
        )
        return [Sheet(f"Step 5: Backpropagation, row {self.row}", notes, tuple(items))]

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
                    op("*", Num(self.error_text(l, v.errors[l][r, k])), Num(self.act_text(l, v.activations[l][r, k])))
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
        name, bpes, feed = self.names(l + 1)[j], self.v.bpes[l], self.v.layer_inputs(l)
        rows = range(len(v.inputs))
        if i is None:
            terms = [(Sym("BPE", (name, str(k + 1))), Num(fmt(bpes[k, j], p.bpe)), bpes[k, j]) for k in rows]
            return name, Sym("bias", (name,)), self.m.biases[l][j], terms
        cell = f"{self.names(l)[i]}->{name}"
        terms = [
            (
                op("*", Sym("BPE", (name, str(k + 1))), self.from_sym(l, i, k + 1)),
                op("*", Num(fmt(bpes[k, j], p.bpe)), Num(self.from_text(l, k, i))),
                bpes[k, j] * feed[k, i],
            )
            for k in rows
        ]
        return cell, Sym("w", (cell,)), self.m.weights[l][i, j], terms

    def update(self) -> list[Sheet]:
        """The one-row step w - α BPE a of the chosen row, then (as the slides do) the full batch:
        that step minus α times the other rows' terms, every BPE from the same forward pass."""
        v, p, r, m = self.v, self.p, self.r, self.m

        def rnd(x: float) -> float:
            return float(v.rnd(np.asarray(x)))

        n = len(v.inputs)
        alpha, lr_text, lr = Sym("α"), Num(p.given(m.learning_rate)), m.learning_rate
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
            cells = [(j, i) for j in range(n_to) for i in range(n_from)]
            cells += [(j, None) for j in range(n_to)] if learned_biases else []
            for j, i in cells:
                cell, sym, old, terms = self._terms(l, j, i)
                label = f"bias of {cell}" if i is None else f"weight {cell}"
                f_r, n_r, t_r = terms[r]
                step = rnd(old - rnd(lr * rnd(t_r)))
                one_row.append(
                    Work(
                        cell,
                        f"{label}, row {self.row}",
                        sym,
                        op("-", sym, op("*", alpha, f_r)),
                        op("-", Num(p.given(old)), op("*", lr_text, n_r)),
                        step,
                        fmt(step, p.weight),
                    )
                )
                rest = terms[:r] + terms[r + 1 :]
                after = step
                if rest:
                    total = rnd(sum(rnd(t) for _, _, t in rest))
                    after = rnd(step - rnd(lr * total))
                    full.append(
                        Work(
                            cell,
                            f"{label}, full batch",
                            sym,
                            op("-", sym, op("*", alpha, Paren(elided_sum([f for f, _, _ in rest])))),
                            op(
                                "-",
                                Num(fmt(step, p.weight)),
                                op("*", lr_text, Paren(elided_sum([n for _, n, _ in rest]))),
                            ),
                            after,
                            fmt(after, p.weight),
                            terms=Op("+", tuple(n for _, n, _ in rest)),
                            terms_total_text=fmt(total, p.weight),
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
            slope = "λ × w_before" if m.regularization == "l2" else "λ × sign(w_before)"
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
        return Work(
            cell,
            f"{label}, penalty",
            sym,
            op("-", sym, op("*", alpha, lam_sym, slope_sym)),
            op("-", Num(fmt(terms, p.weight)), op("*", lr_text, lam_num, slope_num)),
            after,
            fmt(after, p.weight),
        )


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
    exact = STEPS[step](_Builder(exact_values(model, data.inputs, data.targets), p, row))
    if round_to is None:
        return exact
    hand = STEPS[step](_Builder(hand_values(model, data.inputs, data.targets, half_up(round_to)), p, row))
    note = (
        f"Hand rounding: every intermediate value rounded to {round_to} decimals before it is used; "
        "where the unrounded result prints differently, it follows as 'full precision'."
    )
    return [
        Sheet(
            h.title,
            h.notes + ((note,) if k == 0 else ()),
            tuple(
                hw if hw.result_text == ew.result_text else replace(hw, exact_text=ew.result_text)
                for hw, ew in zip(h.items, e.items)
            ),
        )
        for k, (h, e) in enumerate(zip(hand, exact))
    ]


def worked_values(step: str, values: Values, row: int, p: Precision) -> list[Sheet]:
    """The worked formulas of `step` from given numbers (a student's own, for example)."""
    return STEPS[step](_Builder(values, p, row))


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
                    "full_precision": w.exact_text,
                    "latex": " ".join(w.latex_lines()),
                    **({"terms": w.terms_text(), "terms_total": w.terms_total_text} if w.terms is not None else {}),
                }
                for w in s.items
            ],
        }
        for s in sheets
    ]
