"""Worked-formula sheets -> rich renderables for the terminal (only the CLI prints).

Every line is literal text (never rich markup) and fits `width` columns; a long formula breaks
before an operator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Group

    from ..worked.sheets import Sheet


def sheet_lines(sheet: Sheet, width: int = 80) -> list[tuple[str, str]]:
    """(style, line): the title, the notes, then each number: formula, the numbers substituted,
    the result."""
    lines = [("italic", sheet.title), ("", "")]
    lines += [("dim", note) for note in sheet.notes]
    if sheet.notes:
        lines.append(("", ""))
    for w in sheet.items:
        lines += [("", line) for line in w.text_lines(width)]
    return lines


def sheet_renderable(sheet: Sheet, width: int = 80) -> Group:
    """The sheet in the terminal, with its styles."""
    from rich.console import Group
    from rich.text import Text

    return Group(*[Text(line, style=style) for style, line in sheet_lines(sheet, width)])
