"""An A4 page drawn top to bottom: headings, label–value rows, wrapped text, tables and
signature lines, with reportlab's canvas.

The font is reportlab's built-in CID font STSong-Light (Adobe's Chinese font that PDF
readers supply): no font file ships with the program and nothing is downloaded, and the
text stays selectable (pypdf reads it back). Identifiers (work-order number, VIN, plate)
are drawn with ``value``/``cell`` as one string each and never wrapped, so a search or a
copy finds them whole. Nothing here reads markup: customer text is drawn as given.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
MARGIN = 16 * mm
BODY = 9.5
MIN_SIZE = 5.5  # the smallest a cell's text is shrunk to
LEADING = 1.45  # line height as a multiple of the font size


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def width_of(text: str, size: float = BODY) -> float:
    return pdfmetrics.stringWidth(text, _font(), size)


def wrap(text: str, width: float, size: float = BODY) -> list[str]:
    """``text`` cut into lines no wider than ``width``, at spaces where a Latin word
    allows it, anywhere in Chinese; its own line breaks kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if width_of(line + char, size) <= width:
                line += char
                continue
            cut = line.rfind(" ")
            if char != " " and cut > len(line) // 2:  # break the Latin word at its space
                lines.append(line[:cut])
                line = line[cut + 1:] + char
            else:
                lines.append(line)
                line = char.lstrip()
        lines.append(line)
    return lines


class Page:
    """The paper being drawn; ``pdf()`` ends it and returns its bytes."""

    def __init__(self, title: str) -> None:
        self._buffer = io.BytesIO()
        # invariant: the same order gives the same bytes (no creation time, fixed id)
        self.canvas = canvas.Canvas(self._buffer, pagesize=A4, invariant=1)
        self.canvas.setTitle(title)
        self.width, self.height = A4
        self.left, self.right = MARGIN, self.width - MARGIN
        self.y = self.height - MARGIN
        _font()

    # ---------------------------------------------------------------- flow

    def room(self, needed: float) -> None:
        """Start a new page when ``needed`` points do not fit above the bottom margin."""
        if self.y - needed < MARGIN:
            self.canvas.showPage()
            self.y = self.height - MARGIN

    def gap(self, points: float = 4) -> None:
        self.y -= points

    def _text(self, x: float, text: str, size: float = BODY, align: str = "left") -> None:
        self.canvas.setFont(FONT, size)
        if align == "right":
            self.canvas.drawRightString(x, self.y, text)
        elif align == "centre":
            self.canvas.drawCentredString(x, self.y, text)
        else:
            self.canvas.drawString(x, self.y, text)

    # ---------------------------------------------------------------- blocks

    def centred(self, text: str, size: float = BODY) -> None:
        self.room(size * LEADING)
        self.y -= size * LEADING
        self._text(self.width / 2, text, size, "centre")

    def section(self, text: str) -> None:
        """A section's heading with a rule under it."""
        self.room(BODY * LEADING * 3)
        self.y -= BODY * LEADING * 1.4
        self._text(self.left, text, BODY + 1.5)
        self.y -= 3
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.left, self.y, self.right, self.y)

    def cells(self, items: Sequence[str], columns: int = 2) -> None:
        """Short "label: value" texts side by side, ``columns`` to a row, each drawn as one
        string: an identifier is never cut, and a text wider than its column is drawn
        smaller rather than over its neighbour."""
        column = (self.right - self.left) / columns
        for start in range(0, len(items), columns):
            self.room(BODY * LEADING)
            self.y -= BODY * LEADING
            for index, text in enumerate(items[start:start + columns]):
                # too wide for its column (a long company name): smaller, still one string
                size = max(MIN_SIZE, min(BODY, BODY * (column - 8) / max(width_of(text), 1)))
                self._text(self.left + index * column, text, size)

    def paragraph(self, label: str, text: str) -> None:
        """A label (if any), then ``text`` wrapped to the page's width below it (``—`` when empty)."""
        lines = wrap(text or "—", self.right - self.left - 12)
        self.room(BODY * LEADING * min(len(lines) + 1, 4))
        if label:
            self.y -= BODY * LEADING
            self._text(self.left, label)
        for line in lines:
            self.room(BODY * LEADING)
            self.y -= BODY * LEADING
            self._text(self.left + 12, line)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              numeric: Sequence[bool]) -> None:
        """Columns of ``widths`` (fractions of the page's width); numeric columns are
        right-aligned. A cell too wide for its column is wrapped onto more lines of its
        row (names, never the identifiers a caller keeps short)."""
        full = self.right - self.left
        xs = [self.left]
        for fraction in widths[:-1]:
            xs.append(xs[-1] + fraction * full)
        for index, row in enumerate([list(header), *[list(r) for r in rows]]):
            cells = [wrap(cell, widths[i] * full - 4) if not numeric[i] else [cell] for i, cell in enumerate(row)]
            height = max(len(c) for c in cells)
            self.room(BODY * LEADING * height + 2)
            top = self.y
            for i, lines in enumerate(cells):
                self.y = top
                for line in lines:
                    self.y -= BODY * LEADING
                    if numeric[i]:
                        self._text(xs[i] + widths[i] * full - 2, line, align="right")
                    else:
                        self._text(xs[i], line)
            self.y = top - BODY * LEADING * height - 2
            if index == 0:
                self.canvas.setLineWidth(0.3)
                self.canvas.line(self.left, self.y + 1, self.right, self.y + 1)

    def right_line(self, text: str) -> None:
        """A total, set flush right."""
        self.room(BODY * LEADING)
        self.y -= BODY * LEADING
        self._text(self.right, text, align="right")

    def signatures(self, labels: Sequence[str]) -> None:
        """A signature line for each of ``labels``, side by side, with a date line."""
        self.room(BODY * LEADING * 5)
        self.y -= BODY * LEADING * 3.5
        column = (self.right - self.left) / len(labels)
        for index, label in enumerate(labels):
            x = self.left + index * column
            self._text(x, label)
            self.canvas.setLineWidth(0.5)
            start = x + width_of(label) + 4
            self.canvas.line(start, self.y - 2, x + column - 12, self.y - 2)

    def pdf(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
