"""Reading and writing the sheets people exchange: .csv and .xlsx, row by row.

Reading streams (bounded memory whatever the file's size): CSV through the csv module
over a decoded text stream, xlsx with openpyxl's read-only workbook (shared strings,
date styles, the sheet's declared size) and the sheet's cells parsed by ``_stream_rows``
straight from expat, giving the very values openpyxl's ``iter_rows(values_only=True)``
gives at about a third of its time (openpyxl builds an element tree and a dict per cell,
which was most of a 100,000-row import). python-calamine reads xlsx faster still but
loads the whole sheet at once (about 1 MB per thousand rows), so a large sales sheet would
not fit the memory budget; see bench/import.py for the figures.

CSV encodings: UTF-8 (with or without the BOM Excel writes) and GBK, which Excel on a
Chinese Windows uses for "CSV"; GB18030 is read as the superset of GBK.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import decimal
import errno
import io
import os
import re
import zipfile
import zlib
from xml.parsers import expat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.errors import Invalid
from db.i18n import t
from db.safe_text import LINES, visible

SNIFF_BYTES = 64 * 1024
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class SheetRow:
    line: int  # the row number as the spreadsheet shows it (header = 1)
    values: tuple[Any, ...]


class SheetReader:
    """Open with ``open_sheet``; iterate for ``SheetRow``s after ``header``; close at the end."""

    header: tuple[str, ...] = ()
    encoding: str = ""

    def __iter__(self) -> Iterator[SheetRow]:  # pragma: no cover - interface
        raise NotImplementedError

    def fraction(self) -> float | None:
        """How far through the file reading is, when it can tell (0–1)."""
        return None

    def close(self) -> None:
        pass

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_encoding(head: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the head decodes as such, else gb18030 (covers GBK)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise Invalid(t("sheets.encoding"), "file") from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)  # type: ignore[arg-type]
    return best if counts[best] else ","


class CsvReader(SheetReader):
    def __init__(self, path: Path) -> None:
        self._raw = open(path, "rb")
        self._size = max(os.fstat(self._raw.fileno()).st_size, 1)
        self.encoding = detect_encoding(self._raw.read(SNIFF_BYTES))
        self._raw.seek(0)
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline="")
        try:
            first = self._text.readline()
        except UnicodeDecodeError:
            self.close()
            raise Invalid(t("sheets.encoding"), "file") from None
        dialect_delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=dialect_delimiter), [])
        self.header = tuple(header)
        self._reader = csv.reader(self._text, delimiter=dialect_delimiter)

    def __iter__(self) -> Iterator[SheetRow]:
        line = 1
        try:
            for values in self._reader:
                line += 1
                yield SheetRow(line, tuple(values))
        except UnicodeDecodeError:
            raise Invalid(t("sheets.encoding_at", line=line + 1), "file") from None
        except csv.Error as exc:
            raise Invalid(t("sheets.csv_broken", line=line + 1, reason=exc), "file") from None

    def fraction(self) -> float | None:
        try:
            return min(self._raw.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        self._raw.close()


class XlsxReader(SheetReader):
    """The first worksheet, streamed (openpyxl read-only workbook, cells by ``_stream_rows``)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a zip/XML error of any kind: not a workbook we can read
            raise Invalid(t("sheets.xlsx_broken", reason=type(exc).__name__), "file") from None
        self.encoding = "xlsx"
        sheet = self._book.worksheets[0]
        self._rows_total = _declared_rows(self._book, sheet)
        self._rows = _sheet_rows(self._book, sheet)
        self._line = 0
        self.header = tuple("" if v is None else str(v) for v in next(self._rows, ()) or ())
        self._line = 1

    def __iter__(self) -> Iterator[SheetRow]:
        for values in self._rows:
            self._line += 1
            yield SheetRow(self._line, values)

    def fraction(self) -> float | None:
        if self._rows_total <= 1:
            return None
        return min(self._line / self._rows_total, 1.0)

    def close(self) -> None:
        self._book.close()


def _sheet_rows(book: Any, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as openpyxl's ``iter_rows(values_only=True)`` gives them, faster.

    Falls back to openpyxl itself should a future version keep its parts elsewhere.
    """
    try:
        source = book._archive.open(sheet._worksheet_path)
        strings, epoch = sheet._shared_strings, book.epoch
        date_styles, timedelta_styles = book._date_formats, book._timedelta_formats
    except (AttributeError, KeyError):
        yield from sheet.iter_rows(values_only=True)
        return
    with source:
        try:
            yield from _stream_rows(source, strings, epoch, date_styles, timedelta_styles,
                                    sheet.max_column, sheet.max_row)
        except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Invalid(t("sheets.xlsx_broken", reason=type(exc).__name__), "file") from None


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat's "namespace name"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC = (
    _MAIN + name for name in ("row", "c", "v", "is", "t", "rPh"))
_CHUNK = 256 * 1024


def _stream_rows(source: Any, strings: Sequence[str], epoch: dt.datetime,
                 date_styles: Any, timedelta_styles: Any, max_col: int | None,
                 max_row: int | None) -> Iterator[tuple[Any, ...]]:
    """Rows of a worksheet XML stream, read ``_CHUNK`` bytes at a time.

    Mirrors openpyxl 3.1 (``WorkSheetParser.parse_cell`` with ``data_only``, and
    ``ReadOnlyWorksheet._cells_by_row``): numbers as int or float, date-styled numbers as
    dates, shared and inline strings, booleans, error codes as text; missing rows as empty
    ones; rows as wide as the declared size (else as their last cell); nothing past the
    declared last row.
    """
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    parsed: list[tuple[int, list[tuple[int, Any]]]] = []  # rows finished by the last chunk
    columns: dict[str, int] = {}  # "AB" -> 28
    row_number = column = 0
    cells: list[tuple[int, Any]] = []
    kind, style, value = "n", 0, None
    inline: list[str] | None = None  # an inline string's pieces, inside <is>
    collecting: list[str] | None = None  # text of the <v> or <t> being read
    phonetic = 0  # depth inside <rPh> (reading guides, not part of the text)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, column, cells, kind, style, value, inline, collecting, phonetic
        if name == _CELL:
            reference = attrs.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                found = columns.get(letters)
                if found is None:
                    found = columns[letters] = coordinate_to_tuple(reference)[1]
                column = found
            else:
                column += 1
            kind = attrs.get("t", "n")
            style = attrs.get("s", 0)
            value = inline = None
        elif name == _VALUE:
            collecting = []
        elif name == _TEXT:
            if inline is not None and not phonetic:
                collecting = []
        elif name == _INLINE:
            inline = []
        elif name == _PHONETIC:
            phonetic += 1
        elif name == _ROW:
            number = attrs.get("r")
            if number is None:
                row_number += 1
            else:
                try:
                    row_number = int(number)
                except ValueError:
                    as_float = float(number)
                    if not as_float.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    row_number = int(as_float)
            column = 0
            cells = []

    def end(name: str) -> None:
        nonlocal value, inline, collecting, phonetic
        if name == _CELL:
            if kind == "inlineStr":
                cell = None if inline is None else "".join(inline)
            else:
                cell = value or None
                if cell is not None:
                    if kind == "n":
                        cell = float(cell) if ("." in cell or "E" in cell or "e" in cell) else int(cell)
                        style_id = int(style) if style else style
                        if style_id in date_styles:
                            try:
                                cell = from_excel(cell, epoch, timedelta=style_id in timedelta_styles)
                            except (OverflowError, ValueError):
                                cell = "#VALUE!"  # as openpyxl: a date serial out of range
                    elif kind == "s":
                        cell = strings[int(cell)]
                    elif kind == "b":
                        cell = bool(int(cell))
                    elif kind == "d":
                        cell = from_ISO8601(cell)
            cells.append((column, cell))
            inline = None
        elif name == _VALUE:
            if collecting is not None:
                value, collecting = "".join(collecting), None
        elif name == _TEXT:
            if collecting is not None:
                inline.append("".join(collecting))  # type: ignore[union-attr]
                collecting = None
        elif name == _PHONETIC:
            phonetic -= 1
        elif name == _ROW:
            parsed.append((row_number, cells))

    def text(data: str) -> None:
        if collecting is not None:
            collecting.append(data)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text

    empty_row = (None,) * max_col if max_col is not None else ()  # openpyxl: [] unsized
    counter = index = 1
    finished = False
    while not finished:
        data = source.read(_CHUNK)
        parser.Parse(data, not data)
        finished = not data
        for index, row in parsed:
            if max_row is not None and index > max_row:
                finished = True
                break
            while counter < index:  # rows the sheet leaves out
                counter += 1
                yield empty_row
            if counter > index:
                continue
            counter += 1
            if not row and not max_col:
                yield ()
                continue
            width = max_col or row[-1][0]
            out = [None] * width
            for position, cell in row:
                if 1 <= position <= width:
                    out[position - 1] = cell
            yield tuple(out)
        parsed.clear()
    if max_row is not None and max_row < index:
        for _ in range(counter, max_row + 1):
            yield empty_row


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _declared_rows(book: Any, sheet: Any) -> int:
    """The row count the sheet declares in its head (Excel always writes it), else 0.

    Not ``sheet.max_row``: for a sheet without the declaration openpyxl parses the whole
    sheet to find it, which doubled the reading time of a large file.
    """
    try:
        with book._archive.open(sheet._worksheet_path) as member:
            found = _DIMENSION.search(member.read(4096))
    except (AttributeError, KeyError, OSError):
        return 0
    return int(found.group(1)) if found else 0


def open_sheet(path: str | os.PathLike) -> SheetReader:
    """A reader for a .csv or .xlsx file; ``Invalid`` (field "file") for anything else."""
    p = Path(path)
    if not p.is_file():
        raise Invalid(t("sheets.no_file", path=p), "file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return CsvReader(p)
    if suffix == ".xlsx":
        return XlsxReader(p)
    if suffix == ".xls":
        raise Invalid(t("sheets.xls"), "file")
    raise Invalid(t("sheets.kind", suffix=suffix or "?"), "file")


# ---------------------------------------------------------------- writing


class SheetWriter:
    """Every sheet the program writes goes through here: the campaign export, a customer's
    own copy, the import's rejects list. Rows out to .csv (UTF-8 with BOM, so Excel shows
    the Chinese) or .xlsx (write-only), each cell made safe by ``_cell`` (no formula, no
    control character), the file created 0600 under a temporary name and put in place
    whole by ``close`` (``db.files``); leaving the ``with`` block on an error leaves no
    file, and an existing one untouched. ``overwrite=False`` never replaces a file
    (``FileExistsError``)."""

    def __init__(self, path: str | os.PathLike, header: Sequence[str], *, overwrite: bool = True,
                 title: str | None = None) -> None:
        from db.files import create_private, partial_name

        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise Invalid(t("sheets.kind", suffix=suffix or "?"), "file")
        self._xlsx = suffix == ".xlsx"
        self._overwrite = overwrite
        if not overwrite and self.path.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(self.path))
        self._temporary = partial_name(self.path)
        try:
            self._raw = os.fdopen(create_private(self._temporary), "wb")
        except OSError as exc:
            raise Invalid(t("sheets.cannot_write", path=self.path, reason=exc.strerror or exc), "file") from None
        if self._xlsx:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(title)
            self._sheet.append([_cell(v) for v in header])
        else:
            self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._text)
            self._csv.writerow(["" if v is None else v for v in (_cell(v) for v in header)])
        self.rows = 0

    def write(self, values: Iterable[Any]) -> None:
        row = [_cell(v) for v in values]
        if self._xlsx:
            self._sheet.append(row)
        else:
            self._csv.writerow(["" if v is None else v for v in row])
        self.rows += 1

    def close(self) -> None:
        """Finish the file and put it in place."""
        from db.files import publish

        try:
            if self._xlsx:
                self._book.save(self._raw)
                self._raw.close()
            else:
                self._text.close()
            publish(self._temporary, self.path, overwrite=self._overwrite)
        except FileExistsError:
            self.discard()
            raise
        except OSError as exc:
            self.discard()
            raise Invalid(t("sheets.cannot_write", path=self.path, reason=exc.strerror or exc), "file") from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Leave no file: the temporary one removed, nothing put in place."""
        with contextlib.suppress(Exception):
            if self._xlsx:
                self._sheet.close()  # ends openpyxl's row writer, which holds a file of its own
            (self._raw if self._xlsx else self._text).close()
        self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(…),
# =cmd|…, +1+cmd…, @SUM(…)); a leading tab or carriage return hides such a start from a
# quick look and is read as one by some programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Dates stay dates (Excel shows them as dates), numbers numbers; text stays text (a
    mobile is not a number), shown by ``db.safe_text``'s rule: a control or invisible
    character as its escape (a spreadsheet is read by a person, a CSV maybe in a terminal;
    openpyxl refuses most control characters outright); line breaks and tabs kept.

    Text that a spreadsheet would run as a formula (a customer named ``=HYPERLINK(…)``) gets
    a leading apostrophe, the spreadsheet's own mark for "this is text", in CSV and .xlsx
    alike: no cell of a sheet written here is ever a live formula.
    """
    if isinstance(value, str):
        value = visible(value, LINES)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None or isinstance(value, (int, float, decimal.Decimal, dt.date)):
        return value
    return _cell(str(value))
