"""Every table an operator reads fits the terminal and never splits a SID, a number or an amount: a table when it fits
(borders, then headers over several lines, then no borders), else one block per row."""
from __future__ import annotations

import io
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from provider.fitted_tables import Column, print_fitted

WORDS = st.text(string.ascii_lowercase, min_size=1, max_size=12)
TOKENS = st.one_of(st.from_regex(r"AC[0-9a-f]{32}", fullmatch=True), st.from_regex(r"\+1[0-9]{10}", fullmatch=True),
                   st.decimals(min_value=-99999, max_value=99999, places=2).map(lambda d: f"{d:,}"), WORDS)


def drawn(width: int, *args, **kwargs) -> list[str]:
    out = io.StringIO()
    print_fitted(Console(file=out, width=width, color_system=None), *args, **kwargs)
    return out.getvalue().splitlines()


@st.composite
def tables(draw):
    columns = draw(st.lists(st.builds(Column, WORDS, st.booleans(), st.booleans()), min_size=1, max_size=9))
    cell = {True: st.lists(WORDS, min_size=1, max_size=8).map(" ".join), False: TOKENS}
    rows = draw(st.lists(st.tuples(*(cell[c.prose] for c in columns)).map(list), max_size=6))
    footer = draw(st.none() | st.tuples(*(TOKENS for _ in columns)).map(list))
    return columns, rows, footer


@settings(max_examples=80, deadline=None)
@given(tables(), st.integers(60, 220))
def test_nothing_is_wider_than_the_terminal_and_no_token_is_split(table, width: int) -> None:
    columns, rows, footer = table
    lines = drawn(width, "a title", columns, rows, footer=footer)
    assert max(len(line) for line in lines) <= width
    for row in [*rows, *([footer] if footer else [])]:
        for column, cell in zip(columns, row, strict=True):
            for piece in (cell.split() if column.prose else [cell]):
                assert any(piece in line for line in lines), (piece, lines)


def test_a_table_when_it_fits_and_blocks_when_it_does_not() -> None:
    columns = [Column("tenant"), Column("subaccount"), Column("cost of revenue", right=True)]
    rows = [["northside-pharmacy", "AC" + "a" * 32, "1,234.56"]]
    wide = drawn(120, "t", columns, rows)
    assert any("cost of revenue" in line for line in wide) and any("│" in line for line in wide)
    narrower = drawn(68, "t", columns, rows)  # the header goes over two lines; the SID stays whole
    assert any("cost of" in line for line in narrower) and any("AC" + "a" * 32 in line for line in narrower)
    narrow = drawn(50, "t", columns, rows)
    assert narrow[1:] == ["northside-pharmacy", "  subaccount: AC" + "a" * 32, "  cost of revenue: 1,234.56"]
