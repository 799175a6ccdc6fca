"""Tables, worked formulas and notes -> Markdown, LaTeX (booktabs), CSV, HTML and SVG text.

A document is a list of blocks: a TableData (nnstep/tables.py), a Sheet of worked formulas
(nnstep/work.py) or a plain note string. Every function returns text; the CLI writes it.
SVG is the terminal rendering itself, recorded by rich.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections.abc import Sequence
from html import escape as html_escape

from ..worked.sheets import Sheet
from .tables import Column, StyledLines, TableData

Block = TableData | Sheet | str
ANSWER_BOX = "\u2610"  # a table cell where an answer goes: a framed box (LaTeX, HTML), ____ (Markdown)
MD_BLANK = "\\_\\_\\_\\_"  # ____, escaped so that Markdown shows the underscores

FORMATS = ("markdown", "latex", "csv", "html", "svg")


def export(blocks: Sequence[Block], fmt: str, title: str = "nnstep", dark: bool = False, fragment: bool = False) -> str:
    """The whole document in one of FORMATS (`dark`: SVG as the dark terminal window; `fragment`:
    LaTeX without the document around it)."""
    if fmt == "svg":
        return svg(blocks, title, dark)
    if fmt == "latex":
        return latex(blocks, title, fragment)
    return {"markdown": markdown, "latex": latex, "csv": csv_text, "html": html, "svg": svg}[fmt](blocks, title)


def sheet_table(sheet: Sheet) -> TableData:
    """Worked formulas as a table (for the formats without mathematics): one row per number."""
    exact = any(w.exact_text is not None or w.terms_approx for w in sheet.items)
    hand = any(w.hand for w in sheet.items)
    headers = ["Number", "Formula", "With the numbers", "Result"]
    headers += ["Exact (no hand rounding)" if hand else "Exact"] if exact else []
    rows = []
    for w in sheet.items:
        row = [w.label, w.formula_text(), w.steps_text(), f"{'≈ ' if w.approx else ''}{w.result_text}"]
        if exact:
            row.append(w.exact_text or "")
        rows.append(tuple(row))
        if w.terms is not None:
            total = f"{'≈ ' if w.terms_approx else ''}{w.terms_total_text}"
            rows.append(
                (f"{w.label}: the sum", "", w.terms_text(), total) + ((w.terms_exact_text or "",) if exact else ())
            )
    columns = tuple(Column(h, "left") for h in headers[:3]) + tuple(Column(h) for h in headers[3:])
    return TableData(sheet.title, columns, tuple(rows), sheet.notes)


# Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_|<>\[\]])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


_GAP = re.compile(r" {2,}")


def _md_note(text: str) -> str:
    """A note with its gaps kept ("Σ = 1.55   C(W) = ..." must not read as a product)."""
    return _GAP.sub(lambda m: "&nbsp;" * (len(m.group()) - 1) + " ", _md(text))


def _md_table(t: TableData) -> list[str]:
    lines = [f"**{_md(t.title)}**", ""]
    lines.append("| " + " | ".join(_md(c.header) for c in t.columns) + " |")
    lines.append("|" + "|".join("---:" if c.align == "right" else ":---" for c in t.columns) + "|")
    lines += ["| " + " | ".join(MD_BLANK if cell == ANSWER_BOX else _md(cell) for cell in row) + " |" for row in t.rows]
    for note in t.notes:
        lines += ["", _md_note(note)]
    return lines


def _md_sheet(sheet: Sheet) -> list[str]:
    lines = [f"**{_md(sheet.title)}**", ""]
    for note in sheet.notes:
        lines += [_md_note(note), ""]
    for w in sheet.items:  # display mathematics, as Quarto, Jupyter and Marp typeset it
        lines += ["$$", r"\begin{aligned}", *w.latex_lines(), r"\end{aligned}", "$$", ""]
    return lines[:-1]


def markdown(blocks: Sequence[Block], title: str = "nnstep") -> str:
    parts = []
    for b in blocks:
        if isinstance(b, TableData):
            parts.append("\n".join(_md_table(b)))
        elif isinstance(b, Sheet):
            parts.append("\n".join(_md_sheet(b)))
        else:
            parts.append(_md_note(b))
    return "\n\n".join(parts) + "\n"


# LaTeX ------------------------------------------------------------------------------------------

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_SYMBOLS = {
    "→": r"$\rightarrow$",
    "Σ": r"$\Sigma$",
    "×": r"$\times$",
    "α": r"$\alpha$",
    "≠": r"$\neq$",
    "δ": r"$\delta$",
    "∂": r"$\partial$",
    "ŷ": r"$\hat{y}$",
    "′": r"$'$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "…": r"\dots{}",
    "<": r"$<$",
    ">": r"$>$",
    "λ": r"$\lambda$",
    "β": r"$\beta$",
    "²": r"$^2$",
    "√": r"$\surd$",
    "·": r"$\cdot$",
}
_HAT = "\u0302"  # a combining circumflex: m̂, v̂ (Adam's bias-corrected moments)
_SUB_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?(e-?\d+)?$")


def tex_text(text: str) -> str:
    """Plain text (with the tables' Unicode: H₁, →, Σ) as LaTeX text-mode source."""
    text = text.replace("->", "→")
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in _SUB_DIGITS:
            j = i
            while j < len(text) and text[j] in _SUB_DIGITS:
                j += 1
            out.append("$_{" + "".join(str(_SUB_DIGITS.index(c)) for c in text[i:j]) + "}$")
            i = j
            continue
        if text[i + 1 : i + 2] == _HAT:
            out.append(rf"$\hat{{{ch}}}$")
            i += 2
            continue
        out.append(_TEX_SPECIAL.get(ch) or _TEX_SYMBOLS.get(ch) or ch)
        i += 1
    return "".join(out)


_NOTE_MATH = re.compile(r"(yhat(?:_[A-Za-z0-9]+)?|[A-Za-z]+_[A-Za-z0-9,>-]+|\^-?[0-9x]+|\bx\b| - |f'?\(x\))")


def _note_math(token: str) -> str:
    """One piece of a note's formula as mathematics: Cost_i, error_ON, ^2, yhat, a minus sign."""
    if token.startswith("yhat"):
        sub = token[5:]
        return r"$\hat{y}" + (f"_{{{sub}}}" if sub else "") + "$"
    if token == " - ":
        return " $-$ "
    if token.startswith("^"):
        return f"$^{{{token[1:]}}}$"
    if "_" in token:
        name, sub = token.split("_", 1)
        sub = r"}\rightarrow\mathrm{".join(sub.split("->"))
        return rf"$\mathit{{{name}}}_{{\mathrm{{{sub}}}}}$"
    return f"${token}$"


def _tex_note(text: str) -> str:
    """A note with its formulas as mathematics (subscripts, powers, a real minus) and its gaps
    kept as LaTeX space."""

    def part(p: str) -> str:
        pieces = _NOTE_MATH.split(p)
        return "".join(_note_math(x) if k % 2 else tex_text(x) for k, x in enumerate(pieces))

    return r"\quad ".join(part(p) for p in _GAP.split(text))


def _tex_cell(text: str) -> str:
    """Numbers in math mode, so that a minus sign is a minus sign."""
    return f"${text}$" if _NUMBER.match(text) else tex_text(text)


LATEX_CHARS = 96  # a table wider than this many characters is split like the terminal's


def _tex_spec(t: TableData) -> tuple[str, bool]:
    """r and l columns; a column of long texts (the verify report's places and reasons) wraps
    (L, a ragged X column that shares the line's width). Also: does any column wrap?"""
    spec = []
    for k, c in enumerate(t.columns):
        longest = max([len(row[k]) for row in t.rows if k < len(row)] + [0])
        spec.append("r" if c.align == "right" else "L" if longest > 24 else "l")
    return "".join(spec), "L" in spec


def _tex_table(t: TableData, fragment: bool = False) -> list[str]:
    """A booktabs table: a float when short, else (or when a column wraps) an xltabular that
    breaks across pages and keeps to the line's width; in a fragment a bare tabular."""
    spec, wraps = _tex_spec(t)
    head = " & ".join(tex_text(c.header) for c in t.columns) + r" \\"
    body = [" & ".join(_tex_cell(cell) for cell in row) + r" \\" for row in t.rows]
    notes = [_tex_note(n) + r"\par" for n in t.notes]
    small = [r"\footnotesize\setlength{\tabcolsep}{4pt}"] if len(t.columns) > 8 or wraps else []
    if (len(t.rows) > 25 or wraps) and not fragment:  # a long report breaks across pages
        env = r"xltabular}{\linewidth" if wraps else "longtable"
        lines = [
            "{" + (small[0] if small else ""),
            rf"\begin{{{env}}}{{{spec}}}",
            rf"\caption*{{{tex_text(t.title)}}} \\",
            r"\toprule",
            head,
            r"\midrule",
            r"\endhead",
            *body,
            r"\bottomrule",
            rf"\end{{{env.split('}')[0]}}}",
            "}",
        ]
        return lines + ([r"{\footnotesize\raggedright", *notes, "}"] if notes else [])
    if fragment:
        spec = spec.replace("L", "l")
    tabular = [rf"\begin{{tabular}}{{{spec}}}", r"\toprule", head, r"\midrule", *body, r"\bottomrule", r"\end{tabular}"]
    if fragment:  # for \input into a Beamer frame: no float, no caption
        lines = ["{\\centering" + ("" if not small else small[0]), *tabular, r"\par}"]
        return lines + ([r"{\footnotesize\raggedright", *notes, "}"] if notes else [])
    lines = [r"\begin{table}[htbp]", r"\centering", *small, rf"\caption*{{{tex_text(t.title)}}}", *tabular]
    if notes:
        lines += [r"\par\smallskip", r"{\footnotesize\raggedright", *notes, "}"]
    return lines + [r"\end{table}"]


def _tex_sheet(sheet: Sheet, fragment: bool = False) -> list[str]:
    lines = [rf"\paragraph{{{tex_text(sheet.title)}}}"] if not fragment else []
    lines += [_tex_note(n) + r"\par" for n in sheet.notes]
    for w in sheet.items:
        lines += [r"\begin{align*}", *w.latex_lines(), r"\end{align*}"]
    return lines


LATEX_PREAMBLE = [
    r"\documentclass{article}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage[utf8]{inputenc}",
    r"\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}",  # vector fonts, sharp on a projector
    r"\usepackage[margin=2cm]{geometry}",
    r"\usepackage{amsmath,amssymb}",
    r"\usepackage{booktabs}",
    r"\usepackage{xltabular}",
    r"\newcolumntype{L}{>{\raggedright\arraybackslash}X}",
    r"\usepackage{caption}",
    r"\begin{document}",
]


def latex(blocks: Sequence[Block], title: str = "nnstep", fragment: bool = False) -> str:
    """A complete document (it compiles with pdflatex): booktabs tables, wide ones split as in the
    terminal, long ones across pages, formulas in align*. A `fragment` is the tables and formulas
    alone, to \\input into a Beamer frame (it needs booktabs and amsmath)."""
    from .tables import split_to_width

    lines = [f"% {title}: written by nnstep" + ("; needs \\usepackage{booktabs,amsmath,amssymb}" if fragment else "")]
    lines += [] if fragment else LATEX_PREAMBLE
    for b in blocks:
        lines.append("")
        if isinstance(b, TableData):
            for part in split_to_width(b, LATEX_CHARS):
                lines += _tex_table(part, fragment)
        elif isinstance(b, Sheet):
            lines += _tex_sheet(b, fragment)
        else:  # notes: ragged right, so that a long number never runs into the margin
            lines += [r"{\raggedright " + _tex_note(line) + r"\par}" for line in b.split("\n")]
    return "\n".join(lines + ([""] if fragment else ["", r"\end{document}", ""]))


# CSV --------------------------------------------------------------------------------------------


def tables_of(blocks: Sequence[Block]) -> list[TableData]:
    """The tables of a document (worked formulas as sheet_table), in order; notes left out."""
    return [sheet_table(b) if isinstance(b, Sheet) else b for b in blocks if isinstance(b, TableData | Sheet)]


def csv_text(blocks: Sequence[Block], title: str = "nnstep") -> str:
    """The first table of the document as pandas.read_csv and spreadsheets read it: one header row,
    then rows as wide as the header (choose another table with `only_table`)."""
    tables = tables_of(blocks)
    out = io.StringIO()
    if tables:
        t = tables[0]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.header or ("row" if k == 0 else "") for k, c in enumerate(t.columns)])
        writer.writerows(tuple(row) + ("",) * (len(t.columns) - len(row)) for row in t.rows)
    return out.getvalue()


def only_table(blocks: Sequence[Block], n: int) -> list[Block]:
    """The document narrowed to its n-th table or sheet of worked formulas (from 1)."""
    numbered = [b for b in blocks if isinstance(b, TableData | Sheet)]
    if not 1 <= n <= len(numbered):
        raise IndexError(n)
    return [numbered[n - 1]]


# HTML -------------------------------------------------------------------------------------------

_CSS = (
    "body{font-family:sans-serif}table{border-collapse:collapse;margin:1em 0}"
    "caption{text-align:left;font-weight:bold;padding-bottom:.3em}th,td{padding:.1em .7em}"
    "thead th{border-bottom:1px solid #444}.r{text-align:right}.l{text-align:left}"
    "tr.recovered td:first-child{color:#888}p.note{margin:.2em 0;font-size:90%;white-space:pre-wrap}"
    "pre{background:#f6f6f6;padding:.5em}"
    "span.box{display:inline-block;width:5em;height:1.6em;border:1px solid #444;vertical-align:middle}"
)


def _html_cell(k: str, c: str) -> str:
    if c == ANSWER_BOX:
        return f'<td class="{k}"><span class="box"></span></td>'
    return f'<td class="{k}">{html_escape(c)}</td>'


def _html_table(t: TableData) -> list[str]:
    cls = ["r" if c.align == "right" else "l" for c in t.columns]
    lines = [
        "<table>",
        f"<caption>{html_escape(t.title)}</caption>",
        "<thead><tr>"
        + "".join(f'<th class="{k}">{html_escape(c.header)}</th>' for k, c in zip(cls, t.columns))
        + "</tr></thead>",
        "<tbody>",
    ]
    for i, row in enumerate(t.rows):
        attr = ' class="recovered"' if i in t.faint else ""
        lines.append(f"<tr{attr}>" + "".join(_html_cell(k, c) for k, c in zip(cls, row)) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return lines + [f'<p class="note">{html_escape(n)}</p>' for n in t.notes]


def _html_sheet(sheet: Sheet) -> list[str]:
    lines = [f"<h3>{html_escape(sheet.title)}</h3>"]
    lines += [f'<p class="note">{html_escape(n)}</p>' for n in sheet.notes]
    return lines + [w.mathml() for w in sheet.items]


def html_blocks(blocks: Sequence[Block]) -> list[str]:
    """The blocks as HTML elements (tables, worked formulas, notes), to place in a page."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, TableData):
            lines += _html_table(b)
        elif isinstance(b, Sheet):
            lines += _html_sheet(b)
        else:
            lines.append(f'<p class="note">{html_escape(b)}</p>')
    return lines


def html(blocks: Sequence[Block], title: str = "nnstep") -> str:
    """A complete, well-formed (XML-parsable) HTML document."""
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        f"<title>{html_escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        *html_blocks(blocks),
    ]
    return "\n".join(lines + ["</body>", "</html>", ""])


# SVG and plain text -----------------------------------------------------------------------------


def renderables(blocks: Sequence[Block | StyledLines], width: int = 80) -> list:
    """The blocks as rich renderables, exactly as a terminal `width` columns wide shows them: wide
    tables split into parts, long formulas broken between terms."""
    from rich.console import Group
    from rich.text import Text

    from .show import sheet_renderable
    from .tables import rich_table, split_to_width

    out = []
    for b in blocks:
        if isinstance(b, TableData):
            out += [rich_table(part) for part in split_to_width(b, width)]
        elif isinstance(b, Sheet):
            out.append(sheet_renderable(b, width))
        elif isinstance(b, str):
            out.append(Text(b))
        elif isinstance(b, StyledLines):
            out.append(Group(*[Text(line, style=style) for style, line in b.lines]))
        else:  # already a rich renderable
            out.append(b)
    return out


def _recorded(blocks: Sequence[Block | StyledLines]):
    """A console, 80 columns wide, that has recorded the blocks as the terminal shows them."""
    from rich.console import Console

    console = Console(record=True, width=80, file=io.StringIO(), color_system="truecolor", force_terminal=True)
    for r in renderables(blocks):
        console.print(r)
        console.print()
    return console


def plain_text(blocks: Sequence[Block | StyledLines], title: str = "nnstep") -> str:
    """The terminal output without colours, 80 columns wide (for --format table --output FILE)."""
    return _recorded(blocks).export_text(styles=False)


def terminal_svg(blocks: Sequence[Block | StyledLines], title: str = "nnstep") -> str:
    """The terminal output as rich draws it (a dark terminal window), 80 columns wide."""
    return _recorded(blocks).export_svg(title=title)


# SVG: a light picture for slides, drawn with the SVG's own text anchors --------------------------

_SVG_FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"  # installed fonts only, no web fonts
_CHAR, _LINE, _PAD = 8.4, 20, 16  # px per character at 14px, per line, around the picture
_INK, _FAINT = "#1f2328", "#6e7781"


class _Canvas:
    """Text placed on a character grid: x in columns, y in lines."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.y = 0.0
        self.columns = 0

    def text(self, col: float, s: str, anchor: str = "start", faint: bool = False, italic: bool = False) -> None:
        x = _PAD + col * _CHAR
        y = _PAD + (self.y + 0.75) * _LINE
        attrs = f'x="{x:.1f}" y="{y:.1f}"' + ("" if anchor == "start" else f' text-anchor="{anchor}"')
        attrs += ' fill="' + (_FAINT if faint else _INK) + '"' + (' font-style="italic"' if italic else "")
        self.items.append(f"<text {attrs}>{html_escape(s, quote=False)}</text>")
        self.columns = max(self.columns, int(col) + (len(s) if anchor == "start" else 0))

    def rule(self, cols: int) -> None:
        """A line under the header row."""
        y = _PAD + (self.y + 0.05) * _LINE
        self.items.append(
            f'<line x1="{_PAD}" y1="{y:.1f}" x2="{_PAD + cols * _CHAR:.1f}" y2="{y:.1f}" stroke="{_INK}" />'
        )
        self.columns = max(self.columns, cols)


def _svg_table(c: _Canvas, t: TableData) -> None:
    widths = [max([len(c_.header)] + [len(r[k]) for r in t.rows if k < len(r)]) for k, c_ in enumerate(t.columns)]
    lefts = [sum(widths[:k]) + 3 * k for k in range(len(widths))]
    if t.title:
        c.text(0, t.title, italic=True)
        c.y += 1

    def row(cells, faint=False):
        for k, cell in enumerate(cells):
            right = t.columns[k].align == "right"
            c.text(lefts[k] + (widths[k] if right else 0), cell, "end" if right else "start", faint and k == 0)
        c.y += 1

    row([col.header for col in t.columns])
    c.rule(lefts[-1] + widths[-1])
    c.y += 0.3
    for i, r in enumerate(t.rows):
        row(r, i in t.faint)
    if t.notes:
        c.y += 1
    for note in t.notes:
        for line in textwrap.wrap(note, 80) or [""]:
            c.text(0, line, faint=True)
            c.y += 1


def _text_lines(block) -> list[str]:
    """A block that is neither a table nor worked formulas (the verify report) as plain lines."""
    from rich.console import Console

    console = Console(record=True, width=80, file=io.StringIO(), color_system=None)
    console.print(block)
    return console.export_text(styles=False).rstrip("\n").split("\n")


def svg(blocks: Sequence[Block], title: str = "nnstep", dark: bool = False) -> str:
    """The tables and worked formulas as a light SVG picture for slides: fonts the system has,
    numbers right-aligned by text-anchor (so rsvg-convert and a browser draw the same picture),
    80 columns wide at most; `dark` gives the terminal window instead."""
    if dark:
        return terminal_svg(blocks, title)
    from .tables import split_to_width

    c = _Canvas()
    for b in blocks:
        if isinstance(b, TableData):
            for part in split_to_width(b, 80):
                _svg_table(c, part)
                c.y += 1
            continue
        if isinstance(b, Sheet):
            notes = [line for n in b.notes for line in textwrap.wrap(n, 80)]
            lines = [b.title, "", *notes, *([""] if notes else [])]
            lines += [line for w in b.items for line in w.text_lines(80)]
            italic = {0}
        else:
            lines = (
                [w for line in b.split("\n") for w in textwrap.wrap(line, 80) or [""]]
                if isinstance(b, str)
                else _text_lines(b)
            )
            italic = set()
        for k, line in enumerate(lines):
            if line.strip():
                c.text(0, line, italic=k in italic)
            c.y += 1
        c.y += 1
    width, height = 2 * _PAD + c.columns * _CHAR, 2 * _PAD + max(c.y - 1, 1) * _LINE
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="{_SVG_FONT}" font-size="14">',
            f"<title>{html_escape(title)}</title>",
            '<rect width="100%" height="100%" fill="#ffffff" />',
            *c.items,
            "</svg>",
            "",
        ]
    )
