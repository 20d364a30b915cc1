"""The row/cell model of the Word export: a tab-led line opens a cell, other lines continue it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """One table cell: its text (paragraphs joined by newlines), first line number and block."""

    text: str
    line: int
    block: int
    extra: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        """The text with surrounding whitespace removed."""
        return self.text.strip()


def cells_from_lines(lines: list[str], first_line: int = 1) -> list[Cell]:
    """Cells from export lines; blank lines start a new block but never split a cell's text.

    A line starting with a tab opens a new cell. A line without a tab continues the last
    cell (a later paragraph of the same cell), or opens one when no cell is open yet.
    """
    cells: list[Cell] = []
    block = 0
    blank_run = True
    for offset, line in enumerate(lines):
        number = first_line + offset
        if line == "":
            if not blank_run:
                block += 1
            blank_run = True
            continue
        blank_run = False
        if line.startswith("\t") or not cells:
            cells.append(Cell(text=line.lstrip("\t").rstrip(), line=number, block=block))
        else:
            cells[-1].text += "\n" + line.rstrip()
    return cells


def cells_to_lines(rows: list[list[str]]) -> list[str]:
    """Write rows back in the export's form (used by the DOCX loader and tests)."""
    out: list[str] = []
    for row in rows:
        for cell in row:
            paragraphs = cell.split("\n") or [""]
            out.append("\t" + paragraphs[0])
            out.extend(p if p.strip() else " " for p in paragraphs[1:])
        out.append("")
    return out
