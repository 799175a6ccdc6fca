"""The network as the lecture draws it: nodes in layers, arrows, and the numbers of one step on them.

`diagram(...)` lays out a Diagram (positions in pixels, every number already formatted by
labels.Precision); `svg`, `tikz` and `text` write it out with the standard library alone. Steps:
weights (Step 2: weights on the arrows, biases at the nodes), forward (Step 3 for one row: input
sums and activations), backprop (Step 5 for one row: errors and BPEs, and the gradients summed
over all rows on the arrows) and update (Step 6: every weight and bias before -> after).
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from html import escape

import numpy as np

from ..dataset import Dataset
from ..labels import Precision, fmt, layer_label, node_label, subscript, target_text
from ..network import Model, Step

STEPS = ("weights", "forward", "backprop", "update")
MAX_NUMBERED = 8  # nodes a layer, at most, for a diagram with numbers
MAX_DRAWN = 40  # nodes a layer drawn; a larger layer shows its first and last nodes around a gap
FONT = 12  # px: numbers and notes; node names are a little larger
CHAR = 0.62 * FONT  # the width of one character, a little generous, for laying out labels

POSITIVE, NEGATIVE, INK, FAINT = "#1f5fa8", "#c0392b", "#222222", "#666666"


@dataclass(frozen=True)
class Node:
    """A drawn node: `cell` as the worked formulas name it (H1), `label` as the tables print it (H₁)."""

    cell: str
    label: str
    layer: int
    index: int
    x: float
    y: float
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    """An arrow from node i of layer l to node j of layer l + 1, with its value and its label."""

    cell: str
    src: Node
    dst: Node
    value: float
    text: str
    lx: float = 0.0
    ly: float = 0.0


@dataclass(frozen=True)
class Diagram:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...]
    width: float
    height: float
    radius: float
    numbered: bool
    layers: tuple[int, ...]
    gaps: tuple[tuple[float, float], ...] = ()  # (x, y) of a '⋮' where a large layer's nodes are left out


def _shown(n: int) -> list[int | None]:
    """The positions drawn of a layer of n nodes: all, or the first and last ones around None (the gap)."""
    if n <= MAX_DRAWN:
        return list(range(n))
    first = MAX_DRAWN // 2
    last = MAX_DRAWN - first - 1
    return [*range(first), None, *range(n - last, n)]


def _numbers(model: Model, data: Dataset | None, step: str, row: int, p: Precision, s: Step | None):
    """Per node (layer, j) its lines, per weight (l, i, j) its value and text, and the title."""
    layers, out = model.layers, len(model.layers) - 1
    r = row - 1
    node_lines: dict[tuple[int, int], list[str]] = {}
    edge_values: dict[tuple[int, int, int], tuple[float, str]] = {}
    biased = model.has_biases
    if step == "weights":
        title = "Step 2: Weights on the arrows" + (", biases at the nodes" if biased else "")
        for l, w in enumerate(model.weights):
            for (i, j), v in np.ndenumerate(w):
                edge_values[(l, i, j)] = (float(v), fmt(v, p.weight))
            if biased:
                for j, b in enumerate(model.biases[l]):
                    node_lines[(l + 1, j)] = [f"b {fmt(b, p.weight)}"]
        return title, node_lines, edge_values
    assert data is not None and s is not None
    if step == "forward":
        title = f"Step 3: Forward pass of row {row}, weights on the arrows"
        for j, x in enumerate(data.inputs[r]):
            node_lines[(0, j)] = [f"x {fmt(x, p.data)}"]
        for l, w in enumerate(model.weights):
            for (i, j), v in np.ndenumerate(w):
                edge_values[(l, i, j)] = (float(v), fmt(v, p.weight))
            for j in range(layers[l + 1]):
                z, a = s.forward.input_sums[l][r, j], s.forward.activations[l][r, j]
                lines = [f"b {fmt(model.biases[l][j], p.weight)}"] if biased else []
                lines.append(f"in {p.input_sum(z)}")
                if l + 1 == out:
                    lines.append(f"out {fmt(a, p.output)}  y {target_text(data.targets[r, j], p.data)}")
                else:
                    lines.append(f"a {fmt(a, p.activation)}")
                node_lines[(l + 1, j)] = lines
        return title, node_lines, edge_values
    if step == "backprop":
        how = "summed" if model.reduction == "sum" else "averaged"
        title = f"Step 5: Errors and BPEs of row {row}; on the arrows dCost/dw, {how} over {len(data)} rows"
        for l, g in enumerate(s.backward.weight_gradients):
            for (i, j), v in np.ndenumerate(g):
                edge_values[(l, i, j)] = (float(v), fmt(v, p.bpe))
            for j in range(layers[l + 1]):
                err, bpe = s.backward.errors[l][r, j], s.backward.bpes[l][r, j]
                e = fmt(err, p.error_output if l + 1 == out else p.error_hidden)
                node_lines[(l + 1, j)] = [f"err {e}", f"BPE {fmt(bpe, p.bpe)}"]
        return title, node_lines, edge_values
    title = "Step 6: Update, every weight and bias before → after"
    for l, (w, w2) in enumerate(zip(model.weights, s.updated.weights)):
        for (i, j), v in np.ndenumerate(w):
            edge_values[(l, i, j)] = (float(w2[i, j]), f"{fmt(v, p.weight)} → {fmt(w2[i, j], p.weight)}")
        if biased:
            for j, (b, b2) in enumerate(zip(model.biases[l], s.updated.biases[l])):
                node_lines[(l + 1, j)] = [f"b {fmt(b, p.weight)} → {fmt(b2, p.weight)}"]
    return title, node_lines, edge_values


def diagram(
    model: Model,
    data: Dataset | None = None,
    step: str = "weights",
    row: int = 1,
    p: Precision | None = None,
    s: Step | None = None,
    title: str | None = None,
) -> Diagram:
    """The network of `model` with the numbers of `step` (STEPS) for observation `row` (from 1).
    `s` is the Step (network.step) the numbers come from; it is computed when not given."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {', '.join(STEPS)}, got {step!r}")
    p = p or Precision.slides()
    layers = model.layers
    if step != "weights" and s is None:
        from ..network import step as one_step

        assert data is not None
        s = one_step(model, data.inputs, data.targets)
    numbered = max(layers) <= MAX_NUMBERED
    auto_title, node_lines, edge_values = _numbers(model, data, step, row, p, s)
    notes: list[str] = []
    if not numbered:
        notes.append(
            f"A layer has more than {MAX_NUMBERED} nodes: drawn without numbers; the width and colour "
            "of an arrow show its value (blue positive, red negative)."
        )
        if max(layers) > MAX_DRAWN:
            notes.append(f"Layers of more than {MAX_DRAWN} nodes: their first and last nodes, '⋮' for the others.")
        node_lines = {}
    elif step == "forward" and s is not None:
        assert data is not None
        notes.append(f"Cost of row {row}: {fmt(s.cost.observations[row - 1], p.cost)}")

    radius = 22.0 if numbered else 6.0
    longest = max((len(t) for _, t in edge_values.values()), default=6)
    widest_line = max((len(x) for ls in node_lines.values() for x in ls), default=0) * CHAR
    margin_x = max(60.0, widest_line / 2 + 16)
    top = 64.0
    shown = [_shown(n) for n in layers]
    tallest = max(len(v) for v in shown)
    # a crowded network is spread out until every number has a place of its own along its arrow
    for spread in (1.0, 1.3, 1.7, 2.2, 2.8) if numbered else (1.0,):
        row_gap = 104.0 * spread if numbered else 16.0
        col_gap = max(200.0, longest * CHAR * 2.2 + 2 * radius) * spread**0.5 if numbered else 220.0
        body = (tallest - 1) * row_gap
        nodes: dict[tuple[int, int], Node] = {}
        gaps = []
        for l, positions in enumerate(shown):
            x = margin_x + l * col_gap
            y0 = top + (body - (len(positions) - 1) * row_gap) / 2
            for k, j in enumerate(positions):
                y = y0 + k * row_gap
                if j is None:
                    gaps.append((x, y))
                    continue
                cell = node_label(layers, l, j)
                nodes[(l, j)] = Node(cell, subscript(cell), l, j, x, y, tuple(node_lines.get((l, j), ())))
        edges = []
        for (l, i, j), (value, label) in edge_values.items():
            if (l, i) in nodes and (l + 1, j) in nodes:
                a, b = nodes[(l, i)], nodes[(l + 1, j)]
                edges.append(Edge(f"{a.cell}->{b.cell}", a, b, value, label))
        if not numbered:
            break
        edges, every_one = _place_labels(edges, list(nodes.values()), radius)
        if every_one:
            break
    lines_below = max((len(n.lines) for n in nodes.values()), default=0)
    height = top + body + radius + 18 + lines_below * 15 + 14 * len(notes) + 16
    width = 2 * margin_x + (len(layers) - 1) * col_gap
    width = max(width, len(title or auto_title) * 15 * 0.66 + 40, max((len(n) for n in notes), default=0) * CHAR + 40)
    return Diagram(
        title or auto_title,
        tuple(nodes.values()),
        tuple(edges),
        tuple(notes),
        width,
        height,
        radius,
        numbered,
        layers,
        tuple(gaps),
    )


def _box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    w = len(text) * CHAR / 2 + 3
    return (x - w, y - FONT / 2 - 2, x + w, y + FONT / 2 + 2)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _line_y(n: Node, radius: float, k: int) -> float:
    """The baseline of line k of the numbers under node n."""
    return n.y + radius + 16 + 15 * k


PLACES = (0.7, 0.6, 0.78, 0.5, 0.4, 0.3, 0.65, 0.55, 0.45, 0.35, 0.25, 0.72, 0.62, 0.52, 0.42, 0.32, 0.22)


def _place_labels(edges: list[Edge], nodes: list[Node], radius: float) -> tuple[list[Edge], bool]:
    """Each label at the first place along its arrow (near the arrow's head first) where it covers
    no other label and no node; and whether every label found such a place."""
    taken = [(n.x - radius, n.y - radius, n.x + radius, n.y + radius) for n in nodes]
    taken += [_box(n.x, _line_y(n, radius, k) - FONT / 3, line) for n in nodes for k, line in enumerate(n.lines)]
    placed, every_one = [], True
    for e in sorted(edges, key=lambda e: (e.src.layer, e.dst.index, e.src.index)):
        best = None
        for t in PLACES:
            x, y = e.src.x + t * (e.dst.x - e.src.x), e.src.y + t * (e.dst.y - e.src.y)
            box = _box(x, y, e.text)
            if not any(_overlaps(box, other) for other in taken):
                best = (x, y, box)
                break
        if best is None:
            every_one = False
            x, y = e.src.x + 0.7 * (e.dst.x - e.src.x), e.src.y + 0.7 * (e.dst.y - e.src.y)
            best = (x, y, _box(x, y, e.text))
        taken.append(best[2])
        placed.append(Edge(e.cell, e.src, e.dst, e.value, e.text, best[0], best[1]))
    return placed, every_one


def _stroke(d: Diagram, value: float, largest: float) -> tuple[str, float]:
    """Colour by sign, width by size (relative to the largest value of the diagram)."""
    share = abs(value) / largest if largest > 0 else 0.0
    base, extra = (1.0, 2.2) if d.numbered else (0.4, 3.0)
    return (POSITIVE if value >= 0 else NEGATIVE), round(base + extra * share, 2)


def _largest(d: Diagram) -> float:
    return max((abs(e.value) for e in d.edges if math.isfinite(e.value)), default=0.0)


def _ends(d: Diagram, e: Edge) -> tuple[float, float, float, float]:
    """The arrow from the rim of its source node to the rim of its target node."""
    dx, dy = e.dst.x - e.src.x, e.dst.y - e.src.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    r = d.radius
    return e.src.x + ux * r, e.src.y + uy * r, e.dst.x - ux * (r + 1), e.dst.y - uy * (r + 1)


def _head(x1: float, y1: float, x2: float, y2: float, size: float) -> list[tuple[float, float]]:
    """The three corners of an arrowhead ending at (x2, y2)."""
    angle = math.atan2(y2 - y1, x2 - x1)
    return [
        (x2, y2),
        (x2 - size * math.cos(angle - 0.4), y2 - size * math.sin(angle - 0.4)),
        (x2 - size * math.cos(angle + 0.4), y2 - size * math.sin(angle + 0.4)),
    ]


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _layer_captions(d: Diagram) -> list[tuple[float, str]]:
    xs: dict[int, float] = {}
    for n in d.nodes:
        xs.setdefault(n.layer, n.x)
    return [(x, f"{layer_label(d.layers, l)} ({d.layers[l]})") for l, x in sorted(xs.items())]


def to_json(d: Diagram) -> dict:
    """The diagram's numbers for --format json: every node's lines and every arrow's value and label."""
    return {
        "title": d.title,
        "numbered": d.numbered,
        "layers": list(d.layers),
        "nodes": [{"cell": n.cell, "label": n.label, "layer": n.layer, "lines": list(n.lines)} for n in d.nodes],
        "edges": [{"cell": e.cell, "value": e.value, "text": e.text} for e in d.edges],
        "notes": list(d.notes),
    }


# SVG ------------------------------------------------------------------------------------------


def _halo_text(x: float, y: float, line: str) -> str:
    """Text on a white box, readable where it crosses an arrow."""
    x0, y0, x1, y1 = _box(x, y - FONT / 3, line)
    return (
        f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" rx="3" fill="#ffffff" '
        f'fill-opacity="0.9"/><text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" fill="{INK}">{escape(line)}</text>'
    )


def svg(d: Diagram) -> str:
    """The diagram as an SVG document: light theme, every node and arrow a group with a
    `data-cell` attribute (H1, IN1->H1) and a <title> tooltip."""
    largest = _largest(d)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nnstep-diagram" width="{_n(d.width)}" '
        f'height="{_n(d.height)}" viewBox="0 0 {_n(d.width)} {_n(d.height)}" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="{FONT}">',
        f"<title>{escape(d.title)}</title>",
        f'<rect width="{_n(d.width)}" height="{_n(d.height)}" fill="#ffffff"/>',
        f'<text x="20" y="26" font-size="15" font-weight="bold" fill="{INK}">{escape(d.title)}</text>',
    ]
    if not d.numbered:
        out += [
            f'<text x="{_n(x)}" y="48" text-anchor="middle" fill="{FAINT}">{escape(c)}</text>'
            for x, c in _layer_captions(d)
        ]
    out.append('<g class="edges">')
    for e in d.edges:
        colour, width = _stroke(d, e.value, largest)
        x1, y1, x2, y2 = _ends(d, e)
        tip = f"{e.src.label} → {e.dst.label}: {e.text}"
        size = 9 if d.numbered else 4
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # the line stops inside the arrowhead, so that its end does not show around the tip
        bx, by = x2 - 0.8 * size * (x2 - x1) / length, y2 - 0.8 * size * (y2 - y1) / length
        head = " ".join(f"{_n(x)},{_n(y)}" for x, y in _head(x1, y1, x2, y2, size))
        out.append(
            f'<g class="edge" data-cell="{escape(e.cell)}"><title>{escape(tip)}</title>'
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(bx)}" y2="{_n(by)}" stroke="{colour}" '
            f'stroke-width="{width}"/><polygon points="{head}" fill="{colour}"/>'
            + (
                f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="#000" '
                'stroke-opacity="0" stroke-width="10"/>'
                if d.numbered
                else ""
            )
            + "</g>"
        )
    out.append("</g>")
    if d.numbered:
        out.append('<g class="edge-labels">')
        for e in d.edges:
            out.append(
                f'<g class="edge" data-cell="{escape(e.cell)}">' + _halo_text(e.lx, e.ly + FONT / 3, e.text) + "</g>"
            )
        out.append("</g>")
    out.append('<g class="nodes">')
    for n in d.nodes:
        tip = n.label + ("".join(f"\n{line}" for line in n.lines))
        parts = [
            f'<g class="node" data-cell="{escape(n.cell)}"><title>{escape(tip)}</title>',
            f'<circle cx="{_n(n.x)}" cy="{_n(n.y)}" r="{_n(d.radius)}" fill="#f4f6fa" stroke="{INK}" '
            f'stroke-width="{1.5 if d.numbered else 0.8}"/>',
        ]
        if d.numbered:
            parts.append(
                f'<text x="{_n(n.x)}" y="{_n(n.y + 5)}" text-anchor="middle" font-size="14" '
                f'font-weight="bold" fill="{INK}">{escape(n.label)}</text>'
            )
            for k, line in enumerate(n.lines):
                parts.append(_halo_text(n.x, _line_y(n, d.radius, k), line))
        parts.append("</g>")
        out.append("".join(parts))
    for x, y in d.gaps:
        out.append(f'<text x="{_n(x)}" y="{_n(y + 5)}" text-anchor="middle" fill="{FAINT}">⋮</text>')
    out.append("</g>")
    y = d.height - 14 * len(d.notes) - 6
    for note in d.notes:
        out.append(f'<text x="20" y="{_n(y)}" fill="{FAINT}">{escape(note)}</text>')
        y += 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


def png(d: Diagram) -> bytes:
    """The SVG drawn as PNG by cairosvg (an optional library; ImportError or OSError when missing)."""
    import cairosvg  # optional: pip install 'nnstep[png]'

    return cairosvg.svg2png(bytestring=svg(d).encode("utf-8"), scale=2, background_color="white")


# TikZ -----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _tex(text: str) -> str:
    """A label or a line of numbers as LaTeX: numbers in math mode (a true minus sign)."""
    from .export import tex_text

    parts, last = [], 0
    for m in _NUMBER.finditer(text):
        before = text[last : m.start()]
        if before.endswith(("₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉")) or before[-1:].isalpha():
            parts.append(tex_text(before + m.group()))  # a name such as IN1 keeps its digits
        else:
            parts.append(tex_text(before) + f"${m.group()}$")
        last = m.end()
    return "".join(parts) + tex_text(text[last:])


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return f"{{rgb,255:red,{r};green,{g};blue,{b}}}"


TIKZ_HEAD = r"""% {title}
% Written by nnstep. Compiles alone (pdflatex FILE.tex), or \input{{FILE}} inside a document or a
% Beamer frame whose preamble loads TikZ (\usepackage{{tikz}}); scale it there with
% \resizebox{{\linewidth}}{{!}}{{\input{{FILE}}}}.
\makeatletter
\ifx\@onlypreamble\@notprerr\def\nnstepalone{{0}}\else\def\nnstepalone{{1}}\fi
\makeatother
\if1\nnstepalone
\documentclass[border=6pt]{{standalone}}
\usepackage[T1]{{fontenc}}
\usepackage{{tikz}}
\begin{{document}}
\fi"""


def tikz(d: Diagram) -> str:
    """The diagram as a TikZ picture (pixel coordinates of the layout, y downwards)."""
    largest = _largest(d)
    scale = 0.0235  # cm per pixel: 12 px text is about \footnotesize
    out = [
        TIKZ_HEAD.format(title=d.title.replace("\n", " ")),
        rf"\begin{{tikzpicture}}[x={scale}cm,y=-{scale}cm,font=\footnotesize]",
        rf"\node[anchor=west,font=\normalsize\bfseries] at (20,20) {{{_tex(d.title)}}};",
    ]
    if not d.numbered:
        out += [rf"\node[text={_rgb(FAINT)}] at ({_n(x)},48) {{{_tex(c)}}};" for x, c in _layer_captions(d)]
    for e in d.edges:
        colour, width = _stroke(d, e.value, largest)
        x1, y1, x2, y2 = _ends(d, e)
        out.append(
            rf"\draw[-latex,line width={_n(width * 0.75)}pt,draw={_rgb(colour)}] ({_n(x1)},{_n(y1)}) -- ({_n(x2)},{_n(y2)});"
        )
    if d.numbered:
        for e in d.edges:
            out.append(rf"\node[fill=white,inner sep=1pt] at ({_n(e.lx)},{_n(e.ly)}) {{{_tex(e.text)}}};")
    for n in d.nodes:
        r = _n(d.radius)
        out.append(
            rf"\draw[fill={_rgb('#f4f6fa')},line width={'1.1' if d.numbered else '0.6'}pt] ({_n(n.x)},{_n(n.y)}) circle[radius={r}];"
        )
        if d.numbered:
            out.append(rf"\node[font=\small\bfseries] at ({_n(n.x)},{_n(n.y)}) {{{_tex(n.label)}}};")
        for k, line in enumerate(n.lines):
            y = _line_y(n, d.radius, k) - FONT / 3
            out.append(rf"\node[fill=white,inner sep=1pt] at ({_n(n.x)},{_n(y)}) {{{_tex(line)}}};")
    for x, y in d.gaps:
        out.append(rf"\node at ({_n(x)},{_n(y)}) {{$\vdots$}};")
    y = d.height - 14 * len(d.notes) - 10
    for note in d.notes:
        out.append(rf"\node[anchor=west,text={_rgb(FAINT)}] at (20,{_n(y)}) {{{_tex(note)}}};")
        y += 14
    out += [r"\end{tikzpicture}", r"\if1\nnstepalone\expandafter\enddocument\fi", ""]
    return "\n".join(out)


# Text -----------------------------------------------------------------------------------------


def text(d: Diagram) -> str:
    """The diagram for the terminal: per node, its incoming arrows with their numbers fanning in.

    IN₁ ── -0.200 ──┐
    IN₂ ── -0.400 ──┴─▶ H₁   b 0.100   in 0.614   a 0.65
    """
    lines = [d.title, ""]
    if not d.numbered:
        lines.append("  ══▶  ".join(c for _, c in _layer_captions(d)))
        largest = _largest(d)
        lines += ["", f"Largest |value| on an arrow: {largest:.3g}", ""]
        return "\n".join(lines + [line for note in d.notes for line in textwrap.wrap(note, 80)]) + "\n"
    by_dst: dict[str, list[Edge]] = {}
    for e in d.edges:
        by_dst.setdefault(e.dst.cell, []).append(e)
    inputs = [n for n in d.nodes if n.layer == 0]
    names = max(len(n.label) for n in d.nodes)
    parts = [e.text.split(" → ") for e in d.edges]
    widths = [max((len(p[k]) for p in parts if len(p) > k), default=0) for k in range(2)]
    shown = {e.cell: " → ".join(f"{p:>{w}}" for p, w in zip(ps, widths)) for e, ps in zip(d.edges, parts)}
    numbers = max((len(t) for t in shown.values()), default=0)
    for n in inputs:
        if n.lines:
            lines.append(f"{n.label:<{names}}   " + "   ".join(n.lines))
    for n in d.nodes:
        if n.layer == 0:
            continue
        if lines[-1]:
            lines.append("")
        fan = sorted(by_dst.get(n.cell, []), key=lambda e: e.src.index)
        k = len(fan)
        middle = k // 2 if k > 1 else 0
        for m, e in enumerate(fan):
            if k == 1:
                join = "──"
            elif m == middle:
                join = "┬─" if m == 0 else "┴─" if m == k - 1 else "┼─"
            else:
                join = "┐ " if m == 0 else "┘ " if m == k - 1 else "┤ "
            left = f"{e.src.label:<{names}} ── {shown[e.cell]:>{numbers}} ──{join}"
            if m == middle:
                left += f"▶ {n.label:<{names}}   " + "   ".join(n.lines)
            lines.append(left.rstrip())
    if d.notes:
        lines += ["", *[line for note in d.notes for line in textwrap.wrap(note, 80)]]
    return "\n".join(lines) + "\n"
