"""One self-contained HTML page that steps through the lecture: Step 2, Steps 3-6 and the
"After N epochs" snapshots, each with its diagram, its tables and its worked formulas.

Everything is inline (CSS, JavaScript, the SVG diagrams, the worked formulas as JSON): the page
makes no network request and works offline. The URL fragment names the step (#weights, #forward,
#backprop, #update, #epoch-100); Next/Previous and the arrow keys move between steps; clicking a
node or an arrow shows its worked formula with the numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..dataset import Dataset
from ..labels import fmt, node_labels
from ..network import Model, Step, Sums
from ..regularization import regularized
from ..worked.formula import Op
from ..worked.sheets import Sheet, Work, gradient, true_as_shown, worked
from . import diagram as dg
from .export import html_blocks
from .tables import penalty_gradient, precision_for

SNAPSHOTS = (1, 10, 100, 1000, 8000)  # the lecture's "After N epochs" slides
TITLE = "nnstep: the network, step by step"


@dataclass(frozen=True)
class PageStep:
    """One step of the page: its fragment id, its name in the navigation, its diagram, its tables
    and sheets, and per cell (H1, IN1->H1) the worked formulas a click shows."""

    id: str
    name: str
    title: str
    svg: str
    blocks: tuple
    sheets: tuple[Sheet, ...]
    cells: dict[str, list[dict]]


def _items(sheets: Sequence[Sheet]) -> dict[str, list[dict]]:
    """Per cell, its worked formulas as plain lines (what a click on that node or arrow shows)."""
    cells: dict[str, list[dict]] = {}
    for s in sheets:
        for w in s.items:
            cells.setdefault(w.cell, []).append({"label": w.label, "step": s.title, "lines": w.text_lines(54)})
    return cells


def gradient_sheet(model: Model, data: Dataset, s: Step, p) -> Sheet:
    """dCost/dw of every weight: the sum over all rows of BPE_to × a_from (Step 5, the gradient
    that Step 6 subtracts), and dCost/db = the sum of BPE_node, each with the penalty's term when
    the model is regularised (worked.sheets.gradient)."""
    n = len(data)
    items = []
    mean = model.reduction == "mean"
    reg = regularized(model)
    for l in reversed(range(len(model.weights))):
        prev, here = node_labels(model.layers, l), node_labels(model.layers, l + 1)
        feed = s.forward.layer_inputs(l)
        bpes = s.backward.bpes[l]
        for j, name in enumerate(here):
            bpe_texts = [fmt(bpes[k, j], p.bpe) for k in range(n)]
            for i in range(len(prev)):
                feed_texts = [fmt(feed[k, i], p.data if l == 0 else p.activation) for k in range(n)]
                g = gradient(model, l, j, i, bpe_texts, feed_texts, p.given(model.weights[l][i, j]), reg)
                value = float(s.backward.weight_gradients[l][i, j])
                items.append(
                    Work(
                        g.cell,
                        f"gradient of the weight {g.cell}",
                        g.lhs,
                        g.formula,
                        g.numbers,
                        value,
                        fmt(value, p.bpe),
                        terms=Op("+", tuple(g.nums)) if n > 3 else None,
                        terms_total=float((bpes[:, j] * feed[:, i]).sum()) if n > 3 else None,
                        terms_total_text=fmt(float((bpes[:, j] * feed[:, i]).sum()), p.bpe) if n > 3 else None,
                    )
                )
            if model.has_biases:
                own = p.given(model.biases[l][j])
                g = gradient(model, l, j, None, bpe_texts, None, own, reg and model.regularize_biases)
                value = float(s.backward.bias_gradients[l][j])
                items.append(
                    Work(
                        name,
                        f"gradient of the bias of {name}",
                        g.lhs,
                        g.formula,
                        g.numbers,
                        value,
                        fmt(value, p.bpe),
                        terms=Op("+", tuple(g.nums)) if n > 3 else None,
                        terms_total=float(bpes[:, j].sum()) if n > 3 else None,
                        terms_total_text=fmt(float(bpes[:, j].sum()), p.bpe) if n > 3 else None,
                    )
                )
    how = "averaged" if mean else "summed"
    rule = "dCost/dw_from->to = Σ_i BPE_to,i × a_from,i;  dCost/db = Σ_i BPE_node,i"
    if reg:
        rule += f";  + {penalty_gradient(model, n)}"
    shown = tuple(true_as_shown(w) for w in items)  # a sum of rounded terms is marked ≈ where it must be
    return Sheet(f"Step 5: Gradients, {how} over all {n} rows", (rule,), shown)


def steps(
    model: Model, data: Dataset, row: int = 1, precision: int | None = None, snapshots: Sequence[int] = SNAPSHOTS
) -> list[PageStep]:
    """Step 2, Steps 3-4, Step 5, Step 6 for observation `row`, then an "After N epochs" step
    for each snapshot that training reaches."""
    from ..network import step, train
    from . import views

    p = precision_for(precision)
    s = step(model, data.inputs, data.targets)
    out = []

    def add(id_, name, d, blocks, sheets, cells=None):
        out.append(
            PageStep(
                id_,
                name,
                d.title,
                dg.svg(d),
                tuple(b for b in blocks if b is not None),
                tuple(sheets),
                cells if cells is not None else _items(sheets),
            )
        )

    first = worked("forward", model, data, row, p)
    add(
        "weights",
        "Step 2: Weights",
        dg.diagram(model, data, "weights", row, p, s),
        views.forward_views(model, data, s.forward, s.cost, p, "")[1:],
        [],
        _items(first),
    )
    add(
        "forward",
        "Steps 3-4: Forward",
        dg.diagram(model, data, "forward", row, p, s),
        [views.forward_block(model, data, s.forward, s.cost, p, "Steps 3-4: Forward pass and cost")],
        first,
    )
    back = worked("backprop", model, data, row, p)
    grads = gradient_sheet(model, data, s, p)
    add(
        "backprop",
        "Step 5: Backprop",
        dg.diagram(model, data, "backprop", row, p, s),
        views.backprop_views(model, data, s, p),
        back,
        {**_items(back), **{c: v + _items(back).get(c, []) for c, v in _items([grads]).items()}},
    )
    lecture_update = not views.unlike_the_lecture(model)
    upd = worked("update", model, data, row, p) if lecture_update else []
    add(
        "update",
        "Step 6: Update",
        dg.diagram(model, data, "update", row, p, s),
        views.update_views(model, s, p, len(data)),
        upd,
    )
    wanted = sorted(set(snapshots))
    if wanted:
        result = train(model, data.inputs, data.targets, max(wanted), snapshots=wanted)
        for n, shot in result.snapshots:
            pn = precision_for(precision, n)
            plural = "s" if n != 1 else ""
            d = dg.diagram(
                shot.updated,
                data,
                "weights",
                row,
                pn,
                title=f"After {n:,} epoch{plural}: the weights after {n:,} update{plural}",
            )
            sheets = worked("update", shot.model, data, row, pn) if lecture_update else []
            blocks = views.train_views(model, data, _Shot(n, shot), precision)
            add(f"epoch-{n}", f"After {n:,} epoch{plural}", d, blocks, sheets)
    return out


@dataclass(frozen=True)
class _Shot:
    """One snapshot in the shape views.train_views reads (a Training with only that epoch)."""

    epochs: int
    last: Step | Sums

    @property
    def snapshots(self) -> tuple:
        return ()


_CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fff}
header{position:sticky;top:0;background:#f4f6fa;border-bottom:1px solid #ccd;padding:.5em 1em;z-index:1}
header h1{font-size:1.1em;margin:0 0 .4em 0}
nav{display:flex;flex-wrap:wrap;gap:.2em .9em}
nav a{color:#1f5fa8;text-decoration:none;white-space:nowrap}
nav a[aria-current="step"]{font-weight:bold;color:#222;border-bottom:2px solid #1f5fa8}
.controls{margin-top:.4em}.controls button{font-size:1em;padding:.2em .9em;margin-right:.5em}
.counter{color:#555}
main{padding:1em}
.stage{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}
.diagram{flex:2 1 36em}.diagram svg{width:100%;max-width:64em;height:auto}
.diagram-slot{flex:1 1 22em;min-width:18em}
#formula{border:1px solid #ccd;border-radius:6px;padding:.6em;background:#fafbfd}
#formula pre{white-space:pre-wrap;font-size:12px}
#formula h3{margin:.2em 0;font-size:1em}#formula .hint{color:#555}
[data-cell]{cursor:pointer}
g.node.selected circle{stroke:#e08a00;stroke-width:3}
g.edge.selected line:first-of-type{stroke:#e08a00}
table{border-collapse:collapse;margin:1em 0}
caption{text-align:left;font-weight:bold;padding-bottom:.3em}th,td{padding:.1em .7em}
thead th{border-bottom:1px solid #444}.r{text-align:right}.l{text-align:left}
tr.recovered td:first-child{color:#888}p.note{margin:.2em 0;font-size:90%}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto}
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nnstep-data").textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.step"));
  var ids = sections.map(function (s) { return s.getAttribute("data-step"); });
  var links = Array.prototype.slice.call(document.querySelectorAll("nav a"));
  var prev = document.getElementById("prev"), next = document.getElementById("next");
  var counter = document.getElementById("counter"), panel = document.getElementById("formula");
  var current = -1;
  var hint = panel.innerHTML;

  function show(k) {
    k = Math.max(0, Math.min(ids.length - 1, k));
    if (k === current) { return; }
    current = k;
    sections.forEach(function (s, i) { s.hidden = i !== k; });
    links.forEach(function (a, i) {
      if (i === k) { a.setAttribute("aria-current", "step"); } else { a.removeAttribute("aria-current"); }
    });
    prev.disabled = k === 0;
    next.disabled = k === ids.length - 1;
    counter.textContent = (k + 1) + " / " + ids.length;
    document.title = data.title + " \\u2013 " + data.steps[k].name;
    panel.innerHTML = hint;
    sections[k].querySelector(".diagram-slot").appendChild(panel);
  }

  function fromHash() {
    var k = ids.indexOf(decodeURIComponent(location.hash.replace(/^#/, "")));
    show(k < 0 ? 0 : k);
  }

  function go(k) {
    k = Math.max(0, Math.min(ids.length - 1, k));
    if (location.hash !== "#" + ids[k]) { location.hash = ids[k]; } else { show(k); }
  }

  function explain(cell, element) {
    var step = data.steps[current];
    var items = step.cells[cell], note = "";
    if (!items && cell.indexOf("->") >= 0) {
      var to = cell.split("->")[1];
      items = step.cells[to];
      note = "The weight " + cell + " enters the formulas of " + to + ":";
    }
    panel.innerHTML = "";
    sections[current].querySelectorAll(".selected").forEach(function (e) { e.classList.remove("selected"); });
    sections[current].querySelectorAll('[data-cell="' + cell + '"]').forEach(function (e) {
      e.classList.add("selected");
    });
    var head = document.createElement("h3");
    head.textContent = cell.replace("->", " \\u2192 ");
    panel.appendChild(head);
    if (!items) {
      var none = document.createElement("p");
      none.className = "hint";
      none.textContent = "No worked formula for " + cell + " in this step.";
      panel.appendChild(none);
      return;
    }
    if (note) {
      var p = document.createElement("p");
      p.className = "hint";
      p.textContent = note;
      panel.appendChild(p);
    }
    items.forEach(function (item) {
      var label = document.createElement("p");
      label.textContent = item.label + " (" + item.step + ")";
      var pre = document.createElement("pre");
      pre.textContent = item.lines.join("\\n");
      panel.appendChild(label);
      panel.appendChild(pre);
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-cell]") : null;
    if (target && target.closest("section.step")) { explain(target.getAttribute("data-cell"), target); }
  });
  prev.addEventListener("click", function () { go(current - 1); });
  next.addEventListener("click", function () { go(current + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowRight") { go(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { go(current - 1); event.preventDefault(); }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
"""

_HINT = '<p class="hint">Click a node or an arrow to see its worked formula with the numbers.</p>'


def _json_for_script(payload: dict) -> str:
    """JSON safe inside <script>: no '</' can close the element early."""
    return json.dumps(payload, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def payload(parts: Sequence[PageStep], title: str, row: int) -> dict:
    """The page's data: per step, its id and, per cell, the worked formulas a click shows."""
    return {
        "title": title,
        "row": row,
        "steps": [{"id": s.id, "name": s.name, "title": s.title, "cells": s.cells} for s in parts],
    }


def page(
    model: Model,
    data: Dataset,
    row: int = 1,
    precision: int | None = None,
    snapshots: Sequence[int] = SNAPSHOTS,
    title: str = TITLE,
) -> str:
    """The whole page as one HTML document."""
    parts = steps(model, data, row, precision, snapshots)
    nav = "".join(f'<a href="#{s.id}">{escape(s.name)}</a>' for s in parts)
    body = []
    for k, s in enumerate(parts):
        sheets = ""
        if s.sheets:
            sheets = (
                f"<details open><summary>Worked formulas, row {row}</summary>\n"
                + "\n".join(html_blocks(s.sheets))
                + "\n</details>"
            )
        body.append(
            f'<section class="step" data-step="{s.id}" id="step-{s.id}"{" hidden" if k else ""}>\n'
            f"<h2>{escape(s.name)}</h2>\n"
            f'<div class="stage"><div class="diagram">{s.svg}</div><div class="diagram-slot"></div></div>\n'
            + "\n".join(html_blocks(s.blocks))
            + "\n"
            + sheets
            + "\n</section>"
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            f"<header><h1>{escape(title)}</h1><nav>{nav}</nav>",
            '<div class="controls"><button id="prev" type="button">◀ Previous</button>'
            '<button id="next" type="button">Next ▶</button>'
            f'<span id="counter" class="counter">1 / {len(parts)}</span>'
            '<span class="counter"> · arrow keys ← → move between steps</span></div></header>',
            f'<main><div id="formula">{_HINT}</div>',
            *body,
            "</main>",
            f'<script type="application/json" id="nnstep-data">{_json_for_script(payload(parts, title, row))}</script>',
            f"<script>{_JS}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
