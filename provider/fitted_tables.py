"""Tables that fit the terminal: whole or not at all.

A table is drawn (bordered, then with headers over several lines, then without borders) only when every cell that
must stay whole (a SID, a phone number, an amount, a status) fits the terminal at its full width and prose can
wrap at spaces; otherwise each row becomes a block of `header: value` lines. Rich left alone would fold a cell
mid-word, which splits numbers and SIDs.
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # amounts and counts
    prose: bool = False  # may wrap at spaces; every other cell is kept whole on its lines


def _widest(text: str, words: bool) -> int:
    pieces = text.split() if words else text.splitlines()
    return max((cell_len(piece) for piece in pieces), default=0)


def _header(column: Column, wrapped: bool, width: int) -> str:
    """The header, or with `wrapped` its words over as many lines as the column's width needs."""
    return "\n".join(textwrap.wrap(column.header, width, break_long_words=False)) if wrapped else column.header


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], footer: Sequence[str] | None,
            wrapped_headers: bool, *, words: bool = True) -> list[int]:
    """Each column's narrowest width (`words`: prose at its longest word) or its natural one (longest line)."""
    widths = []
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows] + ([footer[i]] if footer else [])
        header = _widest(column.header, words and (column.prose or wrapped_headers))
        widths.append(max([header] + [_widest(c, words and column.prose) for c in cells]))
    return widths


def _spread(narrowest: list[int], natural: list[int], room: int) -> list[int]:
    """Room left by the narrowest widths widens, a character at a time, the narrowest column still short of its
    natural width (water-filling: prose columns end up alike, none squeezed to a word a line)."""
    widths = list(narrowest)
    for _ in range(max(room, 0)):
        short = [i for i in range(len(widths)) if widths[i] < natural[i]]
        if not short:
            break
        widths[min(short, key=lambda i: widths[i])] += 1
    return widths


@dataclass(frozen=True)
class _Style:
    """How a table is drawn; `overhead(n)` is what its borders and padding add to n columns' widths."""
    wrapped_headers: bool
    boxed: bool

    def overhead(self, n: int) -> int:
        return 3 * n + 1 if self.boxed else 2 * (n - 1)  # "│ " + " " per cell and "│" | two spaces between cells

    def table(self, title: str, footer: bool, caption: str | None) -> Table:
        if self.boxed:
            return Table(title=title, show_footer=footer, caption=caption)
        return Table(title=title, show_footer=footer, caption=caption, box=box.SIMPLE_HEAD, show_edge=False,
                     pad_edge=False, padding=(0, 1, 0, 0))


# Tried in order: the full table, then headers over several lines, then without borders; else blocks.
STYLES = (_Style(wrapped_headers=False, boxed=True), _Style(wrapped_headers=True, boxed=True),
          _Style(wrapped_headers=True, boxed=False))


def table_width(columns: Sequence[Column], rows: Sequence[Sequence[str]], footer: Sequence[str] | None = None,
                style: _Style = STYLES[0]) -> int:
    """The narrowest this table can be drawn in `style` without breaking a word (or any non-prose cell)."""
    return sum(_widths(columns, rows, footer, style.wrapped_headers)) + style.overhead(len(columns))


def print_fitted(console: Console, title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                 footer: Sequence[str] | None = None, caption: str | None = None) -> None:
    """`rows` as a table in the first style that fits `console.width` without splitting a word; else one block
    per row (the first column is the block's heading), the footer as a last block."""
    style = next((s for s in STYLES if table_width(columns, rows, footer, s) <= console.width), None)
    if style is not None:
        table = style.table(title, footer is not None, caption)
        narrowest = _widths(columns, rows, footer, style.wrapped_headers)
        longest = _widths(columns, rows, footer, style.wrapped_headers, words=False)
        # only prose grows past its narrowest width (a whole cell's narrowest width already is its natural one)
        natural = [max(n, w) if c.prose else n for n, w, c in zip(narrowest, longest, columns, strict=True)]
        room = console.width - sum(narrowest) - style.overhead(len(columns))
        # fixed widths: rich left to shrink columns itself would cut words (and fold what must stay whole)
        for i, (column, width) in enumerate(zip(columns, _spread(narrowest, natural, room), strict=True)):
            table.add_column(_header(column, style.wrapped_headers, width), footer=footer[i] if footer else "",
                             justify="right" if column.right else "left", no_wrap=not column.prose,
                             overflow="fold", width=width)
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
        return
    console.print(title, highlight=False, markup=False)
    for row in [*rows, *([footer] if footer else [])]:
        console.print(f"[bold]{escape(row[0])}[/]", highlight=False)
        for column, cell in zip(columns[1:], row[1:], strict=True):
            for line in cell.splitlines():  # a multi-line cell: one labelled line each
                console.print(f"  {escape(column.header)}: {escape(line)}", highlight=False)
    if caption:
        console.print(caption, highlight=False, markup=False)
