"""Blocks -> the text rich prints when stdout is no terminal, to the byte, without importing rich.

A command whose output goes to a file or a pipe (and every test) needs no colours and no layout
engine: a table that fits the width is its columns padded and joined, as rich lays them out with
the tables' box (SIMPLE_HEAD, no edges, one space of padding between columns). Whatever this module
cannot lay out exactly as rich would (a table or line wider than the console, a character of
another width than 1, tabs) it declines (None), and the CLI hands the blocks to rich instead.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from .tables import StyledLines, TableData, split_to_width


def rich_would_be_plain(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether rich's Console() writes `stream` without any terminal codes: rich's own test of
    a terminal (TTY_COMPATIBLE, FORCE_COLOR, isatty), outside Jupyter and IDLE, on UTF-8."""
    import builtins

    if (
        os.name == "nt"
        or hasattr(builtins, "get_ipython")
        or getattr(sys.stdin, "__module__", "").startswith("idlelib")
    ):
        return False  # Windows' legacy console, Jupyter and IDLE: rich decides
    if not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf"):
        return False  # rich would draw the rules in ASCII
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return True


def rich_width(environ: Mapping[str, str]) -> int | None:
    """The width rich's Console() takes when it writes no terminal: COLUMNS, else the size of the
    first of stdin, stdout, stderr that is a terminal, else 80 (None where rich would do otherwise)."""
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def _cells(text: str) -> int | None:
    """The columns `text` takes in a terminal where every character takes one (None otherwise:
    wide, combining, control or zero-width characters, which rich measures with its own tables)."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    for ch in text:
        if (
            unicodedata.east_asian_width(ch) in "WF"
            or unicodedata.combining(ch)
            or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Zl", "Zp")
        ):
            return None
    return len(text)


def _table(t: TableData, width: int) -> list[str] | None:
    """rich_table(t) as rich prints it within `width` columns: title, header, rule, rows, notes."""
    cells = [tuple(c.header for c in t.columns), *t.rows]
    n = len(t.columns)
    if not t.rows or any(len(row) != n for row in cells):
        return None
    measured = [[_cells(cell) for cell in row] for row in cells]
    lengths = [[length for length in row if length is not None] for row in measured]
    if any(len(row) != n for row in lengths) or any(cell != cell.strip() for row in cells for cell in row):
        return None
    pads = [(0 if k == 0 else 1, 0 if k == n - 1 else 1) for k in range(n)]
    widths = [max(max(row[k] for row in lengths) + sum(pads[k]), 1) for k in range(n)]
    if sum(widths) + n - 1 > width:
        return None  # rich would wrap or shrink columns

    def line(row: Sequence[str], lens: Sequence[int]) -> str:
        parts = []
        for k, (cell, length) in enumerate(zip(row, lens)):
            left, right = pads[k]
            room = widths[k] - left - right
            fill = " " * (room - length)
            text = fill + cell if t.columns[k].align == "right" else cell + fill
            parts.append(" " * left + text + " " * right)
        return " ".join(parts)

    out = _text(t.title, width) if t.title else []
    if out is None:
        return None
    out += [line(cells[0], lengths[0]), "─" * (sum(widths) + n - 1)]
    out += [line(row, lens) for row, lens in zip(cells[1:], lengths[1:])]
    if t.notes:
        notes = [_text(note, width) for note in t.notes]
        if any(note is None for note in notes):
            return None
        out += [""] + [text for note in notes for text in note]  # type: ignore[union-attr]
    return out


def _text(text: str, width: int) -> list[str] | None:
    """A Text(text) as rich prints it: its lines, if every one fits and none ends in a space."""
    lines = text.split("\n")
    for ln in lines:
        length = _cells(ln)
        if length is None or length > width or ln != ln.rstrip():
            return None
    return lines


def _sheet(sheet: Any, width: int) -> list[str] | None:
    from .show import sheet_lines

    lines: list[str] = []
    for _, ln in sheet_lines(sheet, width):
        fitted = _text(ln, width)
        if fitted is None:
            return None
        lines += fitted
    return lines


def plain(blocks: Sequence[Any], width: int, blank_after_last: bool = True) -> str | None:
    """The blocks as rich prints them into a file or pipe `width` columns wide, each followed by
    a blank line (the last one too, with blank_after_last); None where rich must lay them out."""
    rendered: list[list[str]] = []
    for b in blocks:
        if isinstance(b, TableData):
            parts = [_table(part, width) for part in split_to_width(b, width)]
        elif isinstance(b, str):
            parts = [_text(b, width)]
        elif isinstance(b, StyledLines):
            parts = [_text("\n".join(line for _, line in b.lines), width)]
        elif type(b).__name__ == "Sheet":
            parts = [_sheet(b, width)]
        else:
            return None
        if any(p is None for p in parts):
            return None
        rendered += parts  # type: ignore[arg-type]
    out = []
    for k, lines in enumerate(rendered):
        out += lines
        if blank_after_last or k < len(rendered) - 1:
            out.append("")
    return "".join(line + "\n" for line in out)
