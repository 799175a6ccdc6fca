"""A printable worksheet in LaTeX: A4 landscape (the slides' shape), a framed box wherever an
answer goes, and tables too wide for the page split into parts that repeat their first column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dataset import Dataset
from ..labels import fmt, subscript, target_text
from .export import ANSWER_BOX, tex_text
from .tables import Column, TableData

BOX_EM = 5.2  # the width of a box column, in em (a box of 4.2em and the column padding)
PAGE_EM = 74.0  # A4 landscape with 1.5 cm margins is about 76em of 10pt text
ROWS_PER_PART = 14  # rows of boxes that fit on a page with their title
_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")

PREAMBLE = [
    r"\documentclass[10pt]{article}",
    r"\usepackage[a4paper,landscape,margin=1.5cm]{geometry}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage{amsmath,amssymb}",
    r"\usepackage{booktabs}",
    r"\usepackage{longtable}",
    r"\setlength{\parindent}{0pt}",
    r"\setlength{\fboxsep}{0pt}",
    r"\newcommand{\answerbox}{\fbox{\rule[-0.6em]{0pt}{2.1em}\hspace{4.2em}}}",
]


def _width(t: TableData, k: int) -> float:
    """A column's width in em: a box column BOX_EM, else about 0.55em a character and padding."""
    texts = [t.columns[k].header] + [r[k] for r in t.rows if k < len(r)]
    if any(x == ANSWER_BOX for x in texts):
        return BOX_EM
    return 0.55 * max(len(x) for x in texts) + 1.0


def split(t: TableData, page: float = PAGE_EM) -> list[TableData]:
    """The table as parts that each fit the page, the first column repeated in each."""
    widths = [_width(t, k) for k in range(len(t.columns))]
    if sum(widths) <= page or len(t.columns) < 3:
        return [t]
    groups: list[list[int]] = []
    current: list[int] = []
    used = widths[0]
    for k in range(1, len(t.columns)):
        if current and used + widths[k] > page:
            groups.append(current)
            current, used = [], widths[0]
        current.append(k)
        used += widths[k]
    groups.append(current)
    return [
        TableData(
            f"{t.title} ({n + 1}/{len(groups)})",
            tuple(t.columns[k] for k in [0, *g]),
            tuple(tuple(r[k] for k in [0, *g]) for r in t.rows),
            t.notes if n == len(groups) - 1 else (),
        )
        for n, g in enumerate(groups)
    ]


def _cell(text: str) -> str:
    if text == ANSWER_BOX:
        return r"\answerbox"
    return f"${text}$" if _NUMBER.match(text) else tex_text(text)


def _table(t: TableData) -> list[str]:
    """A tabular kept on one page with its title (plain tabulars: right after one pdflatex run)."""
    spec = "".join(
        "c" if _width(t, k) == BOX_EM else ("l" if c.align == "left" else "r") for k, c in enumerate(t.columns)
    )
    lines = [
        r"\par\medskip\noindent\begin{minipage}{\linewidth}",
        rf"\textbf{{{tex_text(t.title)}}}\par\smallskip",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(tex_text(c.header) for c in t.columns) + r" \\",
        r"\midrule",
        *[" & ".join(_cell(x) for x in row) + r" \\" for row in t.rows],
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if t.notes:
        lines += [r"\par\smallskip{\footnotesize", *[tex_text(n) + r"\par" for n in t.notes], "}"]
    return lines + [r"\end{minipage}"]


def _row_parts(t: TableData, most: int = ROWS_PER_PART) -> list[TableData]:
    """A table of more rows than fit on a page as parts of at most `most` rows each."""
    if len(t.rows) <= most:
        return [t]
    chunks = [t.rows[k : k + most] for k in range(0, len(t.rows), most)]
    return [
        TableData(f"{t.title} ({n + 1}/{len(chunks)})", t.columns, chunk, t.notes if n == len(chunks) - 1 else ())
        for n, chunk in enumerate(chunks)
    ]


def latex(title: str, paragraphs: Sequence[str], tables: Sequence[TableData]) -> str:
    """A complete document (it compiles with pdflatex to A4 landscape pages): the title, the
        paragraphs, then every table, each cell holding ANSWER_BOX printed as an empty box to write in (a table
    too wide or too long for a page in parts)."""
    lines = [f"% {title}: written by nnstep", *PREAMBLE, r"\begin{document}", ""]
    lines += [rf"{{\Large\bfseries {tex_text(title)}}}\par\medskip", ""]
    for p in paragraphs:
        text = r"\rule{5cm}{0.4pt}".join(tex_text(part) for part in re.split(r"_{4,}", p))
        lines += [text + r"\par\smallskip"]
    for t in tables:
        for part in split(t):
            for piece in _row_parts(part):
                lines += ["", *_table(piece)]
    return "\n".join(lines + ["", r"\end{document}", ""])


def data_table(title: str, data: Dataset) -> TableData:
    """The rows of an exercise: inputs with 2 decimals, targets as labels or with 2 decimals."""
    headers = ("#", *(subscript(n) for n in data.input_names + data.target_names))
    rows = tuple(
        (str(r + 1), *(fmt(x, 2) for x in data.inputs[r]), *(target_text(y, 2) for y in data.targets[r]))
        for r in range(len(data))
    )
    return TableData(title, tuple(Column(h) for h in headers), rows)


def written_table(seed: int, written: Sequence[tuple[int, str, int]], files: Sequence[str]) -> TableData:
    """What nnstep exercise wrote: per variant its folder and how often it was redrawn."""
    rows = tuple((f"{n}", folder, str(draw)) for n, folder, draw in written)
    note = "Each folder: " + ", ".join(files)
    return TableData(
        f"Exercises of seed {seed}",
        (Column("Variant"), Column("Folder", "left"), Column("Redrawn")),
        rows,
        (note,),
    )
