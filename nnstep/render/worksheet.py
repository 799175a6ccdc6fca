"""Worksheets laid out like the slides' tables: blank to print and fill in, or marked.

The same layout serves both: per row the forward pass and cost (Steps 3-4), Σ and C(W), per row
the errors and BPEs (Step 5), and per weight and bias the one-row step, the gradient and the
updated value (Step 6). A cell shows "" on a blank sheet, or the student's answer and its mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..dataset import Dataset
from ..labels import fewest_decimals, fmt, node_labels, subscript, target_text, weight_label
from ..network import Model
from .tables import Column, TableData

# a worksheet cell as (quantity, node, row); the teach layer's Cell records are read by their fields
Key = tuple[str, str | None, int | None]


def _cell(quantity: str, node: str | None = None, row: int | None = None) -> Key:
    return (quantity, node, row)


def _key(cell) -> Key:
    return (cell.quantity, cell.node, cell.row)


MARKS = {"correct": "✓", "follows": "→", "wrong": "✗", "blank": "·"}
LEGEND = "✓ right   → right from your own earlier answer   ✗ wrong   · blank"

CellText = Callable[[Key], str]


def _header(q: str, name: str, output: bool) -> str:
    return {
        "input_sum": f"input {subscript(name)}",
        "activation": "ŷ" if output and name == "ON" else ("ŷ " + subscript(name) if output else subscript(name)),
        "error": f"Err {subscript(name)}",
        "bpe": f"BPE {subscript(name)}",
    }[q]


def layout(model: Model, data: Dataset, wanted: Sequence, text: CellText, given: bool = True) -> list[TableData]:
    """The slides' tables of the cells in `wanted`, each cell shown by `text`; with `given`, the
    data and the initial weights beside them, as the slides print them."""
    cells = {_key(c) for c in wanted}
    layers, n = model.layers, len(model.weights)
    rows = sorted({r for q, _, r in cells if r is not None and q in ("input_sum", "activation", "cost")})
    out: list[TableData] = []
    # Steps 3-4: per row the inputs, the target, then input sum and activation of every node, and the cost
    cols = [
        (q, name, l) for l in range(1, n + 1) for name in node_labels(layers, l) for q in ("input_sum", "activation")
    ]
    cols = [c for c in cols if any(_cell(c[0], c[1], r) in cells for r in rows)]
    has_cost = any(_cell("cost", None, r) in cells for r in rows)
    if cols or has_cost:
        headers = ["#"] + ([subscript(x) for x in data.input_names + data.target_names] if given else [])
        headers += [_header(q, name, l == n) for q, name, l in cols] + (["Cost"] if has_cost else [])
        body = []
        for r in rows:
            line = [str(r)]
            if given:
                line += [fmt(v, 2) for v in data.inputs[r - 1]] + [target_text(v, 2) for v in data.targets[r - 1]]
            line += [text(_cell(q, name, r)) for q, name, _ in cols]
            if has_cost:
                line.append(text(_cell("cost", None, r)))
            body.append(tuple(line))
        out.append(TableData("Steps 3-4: Forward pass and cost", tuple(Column(h) for h in headers), tuple(body)))
    totals = [c for c in (_cell("cost_sum"), _cell("cost_mean")) if c in cells]
    if totals:
        names = {"cost_sum": "Σ", "cost_mean": f"C(W) = Σ / {len(data)}"}
        out.append(
            TableData(
                "Step 4: The summed and the mean cost",
                tuple(Column(names[c[0]]) for c in totals),
                (tuple(text(c) for c in totals),),
            )
        )
    # Step 5: per row, error and BPE of every node from the output back
    back = [
        (q, name, l) for l in reversed(range(1, n + 1)) for name in node_labels(layers, l) for q in ("error", "bpe")
    ]
    brows = sorted({r for q, _, r in cells if q in ("error", "bpe") and r is not None})
    back = [c for c in back if any(_cell(c[0], c[1], r) in cells for r in brows)]
    if back:
        body = [tuple([str(r)] + [text(_cell(q, name, r)) for q, name, _ in back]) for r in brows]
        headers = ["#"] + [_header(q, name, False) for q, name, _ in back]
        out.append(TableData("Step 5: Backpropagation", tuple(Column(h) for h in headers), tuple(body)))
    # Step 6: per weight and bias, as the slides go (from the output layer back)
    params = []
    for l in reversed(range(n)):
        to = node_labels(layers, l + 1)
        params += [
            ("w", weight_label(layers, l, i, j), model.weights[l][i, j])
            for j in range(len(to))
            for i in range(layers[l])
        ]
        params += [("b", name, model.biases[l][j]) for j, name in enumerate(to)]
    one_row = sorted({r for q, _, r in cells if q in ("weight_one_row", "bias_one_row") and r is not None})

    def one_row_cell(r: int) -> Callable[[str, str], Key]:
        return lambda kind, name: _cell("weight_one_row" if kind == "w" else "bias_one_row", name, r)

    kinds: list[tuple[str, Callable[[str, str], Key]]] = [(f"after the row-{r} step", one_row_cell(r)) for r in one_row]
    kinds += [
        ("gradient", lambda kind, name: _cell("gradient_weight" if kind == "w" else "gradient_bias", name)),
        ("after the update", lambda kind, name: _cell("weight" if kind == "w" else "bias", name)),
    ]
    kinds = [(h, make) for h, make in kinds if any(make(k, name) in cells for k, name, _ in params)]
    params = [p for p in params if any(make(p[0], p[1]) in cells for _, make in kinds)]
    if kinds:
        columns = [Column("", "left")] + ([Column("Step 2")] if given else []) + [Column(h) for h, _ in kinds]
        body = []
        for kind, name, start in params:
            label = f"w {name.replace('-', ' → ')}" if kind == "w" else f"bias {name}"
            line = [label] + ([fmt(start, 3)] if given else [])
            line += [text(make(kind, name)) if make(kind, name) in cells else "" for _, make in kinds]
            body.append(tuple(line))
        note = f"α = {model.learning_rate:g}; w - α × BPE × a for one row, w - α × gradient for the update"
        out.append(TableData("Step 6: Update", tuple(columns), tuple(body), (note,)))
    return out


def blank_text(cell: Key) -> str:
    return ""


def marked_text(marks: dict) -> CellText:
    """A cell as the student's answer and its mark: '0.614 ✓', '0.18 ✗', '·' for a blank one."""
    by_key = {_key(c): m for c, m in marks.items()}

    def text(cell: Key) -> str:
        m = by_key.get(cell)
        if m is None:
            return ""
        if m.verdict == "blank":
            return MARKS["blank"]
        return f"{m.answer.text} {MARKS[m.verdict]}"

    return text


def check_blocks(result, model: Model, data: Dataset, width: int = 80) -> list:
    """A marked sheet: its tables, the wrong cells with diagnosis and explanation, the cell to look
    at first with its worked formula twice (your numbers, the right ones), and the counts."""
    import textwrap

    marks = {m.cell: m for m in result.marks}
    blocks: list = [f"{result.path}", LEGEND]
    blocks += layout(model, data, list(marks), marked_text(marks), given=False)
    wrong = [m for m in result.marks if m.verdict == "wrong"]
    follows = [m for m in result.marks if m.verdict == "follows"]
    lines: list[str] = []
    for m in wrong:
        head = f"✗ {m.cell.describe()}: you wrote {m.answer.text}, right is {fmt(m.expected, max(m.answer.decimals, fewest_decimals(m.expected)))} [{m.diagnosis}]"
        lines += textwrap.wrap(head, width, subsequent_indent="    ")
        lines += textwrap.wrap(m.explanation or "", width, initial_indent="    ", subsequent_indent="    ")
    if follows:
        sources: dict[str, int] = {}
        for m in follows:
            key = m.follows_from.describe() if m.follows_from is not None else "an earlier answer"
            sources[key] = sources.get(key, 0) + 1
        for source, count in sources.items():
            text = f"→ {count} cell{'s' if count != 1 else ''} right from your own {source} (follow-through)"
            lines += textwrap.wrap(text, width, subsequent_indent="    ")
    if lines:
        blocks.append("\n".join(lines))
    if result.first_wrong is not None:
        m = result.first_wrong
        look = [f"Look first at: {m.cell.describe()} (you wrote {m.answer.text})"]
        mine, right = result.work_student, result.work_right
        shown = getattr(result, "mistake_shown", False)
        same = mine is not None and right is not None and mine.substituted_text() == right.substituted_text()
        if same and not shown:
            mine = None  # the right formula with their numbers is the right one: show it once
        for title, work in (
            ("With your numbers:" if shown else "The right method with your numbers:", mine),
            ("With the right numbers:", right),
        ):
            if work is not None:
                look += ["", title] + ["  " + line for line in work.text_lines(width - 2)]
        if not shown:
            look += ["", f"You wrote {m.answer.text}."]
        if same and not shown:
            look += ["The numbers you worked from are right: the slip is in this step."]
        blocks.append("\n".join(look))
    blocks.append(result.summary_text())
    return blocks
