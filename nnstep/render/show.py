"""Worked-formula sheets -> rich renderables for the terminal (only the CLI prints).

Every line is literal text (never rich markup) and fits `width` columns; a long formula breaks
before an operator.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from ..worked.sheets import Sheet


def sheet_renderable(sheet: Sheet, width: int = 80) -> Group:
    """Title, notes, then each number: formula, the numbers substituted, the result."""
    lines = [Text(sheet.title, style="italic"), Text("")]
    lines += [Text(note, style="dim") for note in sheet.notes]
    if sheet.notes:
        lines.append(Text(""))
    for w in sheet.items:
        lines += [Text(line) for line in w.text_lines(width)]
    return Group(*lines)
