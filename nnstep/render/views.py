"""What each command shows, as blocks for the CLI to print or export: tables (TableData), worked
formulas and lines of text, laid out as the lecture's slides lay them out.

No I/O and no click here: cli.py loads the files, calls the core and prints these blocks.
"""

from __future__ import annotations

TABLE_ROWS = 25  # above this many rows, a table of every row gives way to a summary line

FORWARD_TITLE = "Steps 3-4: Forward pass and cost"
METHOD_NAMES = {"grid": "grid", "random": "random", "gd": "gradient descent"}


def _rows_left_out(data) -> str:
    return f"({len(data):,} rows, too many for a table: --rows 1-5,9 shows chosen rows, --format json all)"


def forward_block(model, data, fp, cost, p, title, rows=None):
    """Steps 3-4 as the slides' table (of the chosen `rows`, numbered from 1, if given), or for a
    large data set its Σ and C(W) alone."""
    from .tables import forward_table

    if rows is not None or len(data) <= TABLE_ROWS:
        return forward_table(model, data, fp, cost, p, title, rows)
    from ..labels import fmt_significant
    from .tables import penalty_note

    penalty = f"\n{penalty_note(model, cost, len(data), p)}" if model.regularization != "none" else ""
    return (
        f"{title}\n\nΣ = {fmt_significant(cost.sum, p.cost)}   C(W) = Σ / {len(data):,} = "
        f"{fmt_significant(cost.mean, p.cost)}{penalty}\n{_rows_left_out(data)}"
    )


def forward_views(model, data, fp, cost, p, title, rows=None):
    from .tables import bias_table, weights_table

    return [
        forward_block(model, data, fp, cost, p, title, rows),
        weights_table(model.layers, model.weights, p, "Weights"),
        bias_table(model.layers, {"Bias": model.biases}, p, "Biases") if model.has_biases else None,
    ]


def backprop_views(model, data, s, p, per_row: bool = False, rows=None):
    """Step 5: errors and BPEs per row (or the chosen `rows`), the gradients (with the penalty's
    part, if any), and with `per_row` each row's gradients before they are summed."""
    from .tables import backprop_table, bias_table, penalty_gradient, weights_table

    n = len(data)
    how = f"summed over {n:,} rows" if model.reduction == "sum" else f"averaged over {n:,} rows"
    w_title, b_title = f"dCost/dw, {how}", f"dCost/db, {how}"
    if model.regularization != "none":
        w_title = f"dJ/dw = dCost/dw {how} + {penalty_gradient(model, n)}, λ = {model.lambda_:g}"
        if model.regularize_biases:
            b_title = f"dJ/db = dCost/db {how} + {penalty_gradient(model, n, 'b')}"
    step5 = "Step 5: Backpropagation"
    blocks = [
        backprop_table(model, data, s.backward, p, step5, rows)
        if rows is not None or n <= TABLE_ROWS
        else f"{step5}\n{_rows_left_out(data)}",
    ]
    if per_row:
        blocks.append(per_row_block(model, data, s, p))
    return blocks + [
        weights_table(model.layers, s.backward.weight_gradients, p, w_title),
        bias_table(
            model.layers,
            {"dCost/db" if b_title.startswith("dCost") else "dJ/db": s.backward.bias_gradients},
            p,
            b_title,
        )
        if model.has_biases
        else None,
    ]


def per_row_block(model, data, s, p):
    """Each observation's gradients before the sum, or a summary line for a large data set."""
    from ..network import per_row_gradients
    from .tables import per_row_table

    title = "Step 5: Gradients per row, before they are summed"
    if len(data) > TABLE_ROWS:
        return f"{title}\n{_rows_left_out(data)}"
    weights, biases = per_row_gradients(model, s.forward, s.backward)
    return per_row_table(model, data, weights, biases, p, title)


def update_rule(model, rows: int) -> str:
    """How the weights changed in one epoch, in words: the lecture's rule or the chosen convention."""
    from ..network import batches

    if model.update == "batch" and model.optimizer.name == "gd":
        if model.regularization != "none":
            from .tables import penalty_gradient

            return f"w - {model.learning_rate:g} × (dCost/dw + {penalty_gradient(model, rows)}), λ = {model.lambda_:g}"
        return f"w - {model.learning_rate:g} × dCost/dw"
    count = len(batches(rows, model))
    size = min(model.batch_size, rows)
    how = {
        "batch": "one update",
        "online": f"{count} updates, one per row",
        "minibatch": f"{count} update{'s' if count != 1 else ''} of {size} row{'s' if size != 1 else ''}",
    }[model.update]
    penalty = f", {model.regularization.upper()} λ {model.lambda_:g}" if model.regularization != "none" else ""
    return f"{how}, {model.optimizer.name}, lr {model.learning_rate:g}{penalty}"


def update_views(model, s, p, rows):
    from .tables import bias_table, penalty_gradient, state_tables, weights_table

    rule = update_rule(model, rows)
    if not model.update_biases:
        bias_rule = "frozen"
    elif rule.startswith("w - ") and model.regularize_biases:
        bias_rule = (
            f"b - {model.learning_rate:g} × (dCost/db + {penalty_gradient(model, rows, 'b')}), λ = {model.lambda_:g}"
        )
    elif rule.startswith("w - "):
        bias_rule = f"b - {model.learning_rate:g} × dCost/db"
    else:
        bias_rule = rule
    return [
        weights_table(model.layers, s.updated.weights, p, f"Step 6: Weights, {rule}"),
        bias_table(
            model.layers,
            {"Bias before": model.biases, "Bias after": s.updated.biases},
            p,
            f"Step 6: Biases, {bias_rule}",
        )
        if model.has_biases
        else None,
        *state_tables(s.updated, p, "after the update"),
    ]


def update_step_views(model, s, p, rows: int) -> list:
    """nnstep update (Step 6): the weights before the update, then the update itself."""
    from .tables import weights_table

    return [
        weights_table(model.layers, model.weights, p, "Step 2: Weights before the update"),
        *update_views(model, s, p, rows),
    ]


def step_views(model, data, s, p) -> list:
    """The bare nnstep: Steps 3-4 (forward pass and cost), 5 (backpropagation) and 6 (update)."""
    return [
        *forward_views(model, data, s.forward, s.cost, p, FORWARD_TITLE),
        *backprop_views(model, data, s, p),
        *update_views(model, s, p, len(data)),
    ]


def unlike_the_lecture(model) -> str:
    """The update conventions of `model` that the worked update does not follow, in words ('' if
    none): it covers full-batch gradient descent, with the sum or the mean, biases learned or frozen."""
    return ", ".join(
        text
        for differs, text in (
            (model.update != "batch", f"{model.update} updates"),
            (model.optimizer.name != "gd", model.optimizer.name),
            (model.layer_updates != "simultaneous" and len(model.weights) > 1, "sequential layer updates"),
        )
        if differs
    )


def search_views(model, chosen, curves, marks, refused, precision, low, high, step, per_weight, seed):
    """The search comparison: the best cost of each method after N evaluations, then a line each."""
    import textwrap

    from ..labels import fmt_significant
    from .tables import Column, TableData

    decimals = 4 if precision is None else precision
    objective = "Σ" if model.reduction == "sum" else "C(W)"
    names = ", ".join(p.name for p in chosen) if len(chosen) <= 6 else "all of them"
    intro = textwrap.fill(
        f"Searching {len(chosen)} parameter{'s' if len(chosen) != 1 else ''}: {names} "
        f"(the others keep the model file's values).",
        80,
    )
    rows = []
    for k in marks:
        cells = []
        for c in curves.values():
            value = c.best_after(k) if k <= c.evaluations else None
            cells.append("" if value is None else fmt_significant(value, decimals))
        rows.append((f"{k:,}", *cells))
    columns = (Column("evaluations"),) + tuple(Column(METHOD_NAMES[name]) for name in curves)
    table = TableData(f"Best {objective} after N cost evaluations", columns, tuple(rows))
    how = {
        "grid": f"[{low:g}, {high:g}] in steps of {step:g} ({per_weight} values each)",
        "random": f"uniform on [{low:g}, {high:g}], seed {seed}",
        "gd": f"learning rate {model.learning_rate:g} from the model's weights",
    }
    lines = []
    if refused is not None:
        lines.append(textwrap.fill(f"grid: refused: {refused}.", 80, subsequent_indent="  "))
    for name, c in curves.items():
        best = c.best_after(c.evaluations)
        result = (
            "no finite cost"
            if best is None
            else f"best {objective} = {fmt_significant(best, decimals)} in {c.evaluations:,} evaluations"
        )
        lines.append(textwrap.fill(f"{METHOD_NAMES[name]}, {how[name]}: {result}", 80, subsequent_indent="  "))
    return [intro, table, "\n".join(lines)]


def train_views(model, data, result, precision, rows=None):
    """The "After N epochs" view of each snapshot and of the last epoch (a Step, or for data above
    TABLE_ROWS rows without `rows` chosen, the Sums that are all it shows)."""
    from .tables import bias_table, precision_for, state_tables, weights_table

    views = []
    shown = dict(result.snapshots)
    shown.setdefault(result.epochs, result.last)
    for n, s in sorted(shown.items()):
        p = precision_for(precision, n)
        plural = "s" if n != 1 else ""
        title = f"After {n:,} epoch{plural}: forward pass of epoch {n:,}"
        views.append(forward_block(model, data, getattr(s, "forward", None), s.cost, p, title, rows))  # Sums: no rows
        views += [
            weights_table(model.layers, s.updated.weights, p, f"Weights after {n:,} update{plural}"),
            bias_table(model.layers, {"Bias": s.updated.biases}, p, f"Biases after {n:,} update{plural}")
            if model.has_biases
            else None,
            *state_tables(s.updated, p, f"after {n:,} update{plural}"),
        ]
    return views


def counts_views(rows, slides: dict, per_weight: int, low: float, high: float, step: float) -> list:
    """The table of per_weight^n for n = 1..16 and 100 beside the slides' numbers, and the errata."""
    import textwrap

    from ..labels import fmt_significant_e
    from .tables import Column, TableData

    headers = ["n", f"{per_weight}^n"] + (["lecture 001 prints"] if slides else [])
    cells, wrong = [], []
    for n, c in rows:
        row = [str(n), f"{c:,}" if n <= 16 else fmt_significant_e(c, 15)]
        if n in slides:
            e = slides[n].entry
            printed = e.show(e.printed)
            row.append(printed + ("" if slides[n].reproduced else " ≠"))
            if not slides[n].reproduced:
                shown = f" ({e.show(c)})" if e.significant is not None else ""
                wrong.append(f"dim({n}) = {printed} on the slide; {per_weight}^{n} = {c:,}{shown}")
        elif slides:
            row.append("")
        cells.append(tuple(row))
    title = f"Grid points for n parameters: {per_weight}^n ([{low:g}, {high:g}] in steps of {step:g})"
    table = TableData(title, tuple(Column(h) for h in headers), tuple(cells))
    notes = "\n".join(textwrap.fill(f"≠ slide erratum: {line}", 80, subsequent_indent="  ") for line in wrong)
    return [table, notes or None]


def goal_note(model, result, goal: float) -> str:
    """Whether training met `train --until GOAL`, and at which epoch (convention 6 of the lecture)."""
    s, n = result.last, result.epochs
    name = "J" if model.regularization != "none" else "Σ" if model.reduction == "sum" else "C(W)"
    if result.goal_epoch is not None:
        return (
            f"Goal reached: {name} = {s.cost.objective:.6g} < {goal:g} first at epoch {n:,}\n"
            f"(the forward pass made with the weights after {n - 1:,} updates)."
        )
    return f"Goal not reached: {name} is still {s.cost.objective:.6g} (not below {goal:g}) at epoch {n:,}."
