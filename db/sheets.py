"""Reading and writing the sheets people exchange: .csv and .xlsx, row by row.

Reading streams (bounded memory whatever the file's size) every sheet of a book
(``open_book``), each row with the line number the spreadsheet shows: CSV through the csv
module over a decoded text stream, xlsx with openpyxl's read-only workbook (shared
strings, date styles, the 1904 epoch) and each sheet's cells parsed by ``_stream_rows``
straight from expat, giving the very values openpyxl's ``iter_rows(values_only=True)``
gives without the element tree and the dict per cell openpyxl builds, which dominate a
large import. python-calamine reads xlsx faster still but loads the whole sheet at once,
so a large sales sheet would not fit the memory budget; bench/import.py measures both.

The sheet's declared size is not trusted (some export tools write a smaller one than the
data; openpyxl's read-only mode would stop there): every row and cell there is read.
Merged cells are read from the sheet's end before its rows, and a merged cell's value is
given to every row it covers.

CSV encodings: UTF-8 (with or without the BOM Excel writes) and GBK, which Excel on a
Chinese Windows uses for "CSV"; GB18030 is read as the superset of GBK. The whole file is
checked before the first row is given, so a GBK file ASCII for its first thousands of
lines is not taken for UTF-8. A first line ``sep=;`` (Excel's) names the delimiter.
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
from typing import Any, BinaryIO

from db.errors import Invalid
from db.files import create_private, partial_name, publish
from db.i18n import t
from db.safe_text import LINES, visible

SNIFF_BYTES = 64 * 1024
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class SheetRow:
    line: int  # the row number as the spreadsheet shows it (first row = 1)
    values: tuple[Any, ...]


class Sheet:
    """One sheet of a book: its name and its rows from the first, each with its line."""

    name: str = ""

    def __iter__(self) -> Iterator[SheetRow]:  # pragma: no cover - interface
        raise NotImplementedError

    def fraction(self) -> float | None:
        """How far through the book reading is, when it can tell (0–1)."""
        return None


class Book:
    """Open with ``open_book``; ``sheets`` in the book's order; close at the end."""

    encoding: str = ""
    sheets: list[Sheet]
    typed = False  # cells carry their type (an xlsx's numbers, dates); a CSV's are all text

    def close(self) -> None:
        pass

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_encoding(source: BinaryIO) -> str:
    """utf-8-sig for a BOM, utf-8 when the whole file decodes as such, else gb18030 (a
    superset of GBK). The whole file is read: a GBK file whose first thousands of lines
    are ASCII must not be taken for UTF-8 (and committed in part before the first Chinese
    character stops it). Leaves the stream at its start."""
    head = source.read(len(codecs.BOM_UTF8))
    if head == codecs.BOM_UTF8:
        source.seek(0)
        return "utf-8-sig"
    source.seek(0)
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := source.read(SNIFF_BYTES * 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
        finally:
            source.seek(0)
    raise Invalid(t("sheets.encoding"), "file")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)  # type: ignore[arg-type]
    return best if counts[best] else ","


_SEP_LINE = re.compile(r"^sep=(.)\s*$")  # Excel's own first line naming the delimiter


class CsvSheet(Sheet):
    def __init__(self, path: Path) -> None:
        self.name = ""
        self._raw = open(path, "rb")
        self._size = max(os.fstat(self._raw.fileno()).st_size, 1)
        try:
            self.encoding = detect_encoding(self._raw)
        except Invalid:
            self._raw.close()
            raise
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline="")
        first = self._text.readline()
        found = _SEP_LINE.match(first)
        if found:  # Excel hides that line: the next one is its line 1
            delimiter = found.group(1)
        else:  # the first line read again by the csv module (a header cell may hold a line break)
            delimiter = _delimiter(first)
            self._text.seek(0)
        self._reader = csv.reader(self._text, delimiter=delimiter)

    def __iter__(self) -> Iterator[SheetRow]:
        line = 0
        try:
            for values in self._reader:
                line += 1
                yield SheetRow(line, tuple(values))
        except csv.Error as exc:
            raise Invalid(t("sheets.csv_broken", line=line + 1, reason=exc), "file") from None

    def fraction(self) -> float | None:
        try:
            return min(self._raw.tell() / self._size, 1.0)
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        self._raw.close()


class CsvBook(Book):
    def __init__(self, path: Path) -> None:
        sheet = CsvSheet(path)
        self.encoding = sheet.encoding
        self.sheets = [sheet]

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.close()  # type: ignore[attr-defined]


class XlsxSheet(Sheet):
    """One worksheet, streamed (cells by ``_stream_rows``), merged cells filled in."""

    def __init__(self, book: XlsxBook, sheet: Any) -> None:
        self.name = sheet.title
        self._book = book
        self._sheet = sheet
        self._read = [0]  # bytes of the sheet's XML read so far

    def __iter__(self) -> Iterator[SheetRow]:
        merged = _merged_ranges(self._book.workbook, self._sheet)
        rows = _sheet_rows(self._book.workbook, self._sheet, self._read)
        if merged:
            rows = _fill_merged(rows, merged)
        for line, values in enumerate(rows, 1):
            yield SheetRow(line, values)

    def fraction(self) -> float | None:
        return self._book.fraction()

    def size(self) -> int:
        try:
            return self._book.workbook._archive.getinfo(self._sheet._worksheet_path).file_size
        except (AttributeError, KeyError):
            return 0


class XlsxBook(Book):
    """Every worksheet of the workbook (openpyxl read-only: shared strings, styles, epoch)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook  # openpyxl is heavy to import: only when a sheet is read

        try:
            self.workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a zip/XML error of any kind: not a workbook we can read
            raise Invalid(t("sheets.xlsx_broken", reason=type(exc).__name__), "file") from None
        self.encoding = "xlsx"
        self.typed = True
        self.epoch = self.workbook.epoch
        self.sheets = [XlsxSheet(self, s) for s in self.workbook.worksheets
                       if hasattr(s, "_worksheet_path") or hasattr(s, "iter_rows")]
        self._sizes = [s.size() for s in self.sheets]

    def fraction(self) -> float | None:
        """Share of the book's sheet XML read so far (the sheets' own size records are not
        trusted: some export tools write a smaller one than the data)."""
        total = sum(self._sizes)
        if not total:
            return None
        return min(sum(s._read[0] for s in self.sheets) / total, 1.0)

    def close(self) -> None:
        self.workbook.close()


def _sheet_rows(book: Any, sheet: Any, tally: list[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as openpyxl's ``iter_rows(values_only=True)`` gives them, faster,
    and every row and cell that is there, whatever size the sheet declares.

    Falls back to openpyxl itself should a future version keep its parts elsewhere.
    """
    try:
        source = book._archive.open(sheet._worksheet_path)
        strings, epoch = sheet._shared_strings, book.epoch
        date_styles, timedelta_styles = book._date_formats, book._timedelta_formats
    except (AttributeError, KeyError):
        sheet.reset_dimensions()  # read-only mode trusts the declared size otherwise
        yield from sheet.iter_rows(values_only=True)
        return
    with source:
        try:
            yield from _stream_rows(source, strings, epoch, date_styles, timedelta_styles,
                                    sheet.max_column, tally)
        except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Invalid(t("sheets.xlsx_broken", reason=type(exc).__name__), "file") from None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(book: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged cells as (first row, first column, last row, last column).

    Excel writes them after the rows, so the sheet's XML is inflated once before the
    rows are read (a fraction of reading them: no parsing, a byte search)."""
    from openpyxl.utils.cell import column_index_from_string

    try:
        source = book._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):
        ranges = getattr(sheet, "merged_cells", None)
        return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ranges.ranges] if ranges else []
    tail = b""
    found = False
    try:
        with source:
            while chunk := source.read(_CHUNK * 4):
                if found:
                    tail += chunk
                    continue
                joined = tail[-32:] + chunk
                at = joined.find(b"mergeCells")
                if at >= 0:
                    found, tail = True, joined[max(at - 16, 0):]
                else:
                    tail = joined[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError):
        return []  # the rows' reading says what is wrong with the file
    if not found:
        return []
    return [(int(r1), column_index_from_string(c1.decode()), int(r2), column_index_from_string(c2.decode()))
            for c1, r1, c2, r2 in _MERGE.findall(tail)]


def _fill_merged(rows: Iterable[tuple[Any, ...]],
                 ranges: list[tuple[int, int, int, int]]) -> Iterator[tuple[Any, ...]]:
    """A merged cell's value in every row it covers (in its first column): a 开票日期
    merged over three sales is the date of all three."""
    starting: dict[int, list[tuple[int, int]]] = {}  # row -> [(column, last row)]
    for r1, c1, r2, _c2 in ranges:
        if r2 > r1:
            starting.setdefault(r1, []).append((c1, r2))
    active: list[tuple[int, int, Any]] = []  # (column, last row, value)
    for number, row in enumerate(rows, 1):
        if active:
            active = [a for a in active if a[1] >= number]
        if active:
            out = list(row)
            for column, _last, value in active:
                if len(out) < column:
                    out.extend([None] * (column - len(out)))
                if out[column - 1] is None or out[column - 1] == "":
                    out[column - 1] = value
            row = tuple(out)
        for column, last in starting.get(number, ()):
            value = row[column - 1] if column <= len(row) else None
            if value is not None:
                active.append((column, last, value))
        yield row


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat's "namespace name"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC = (
    _MAIN + name for name in ("row", "c", "v", "is", "t", "rPh"))
_CHUNK = 256 * 1024


def _stream_rows(source: Any, strings: Sequence[str], epoch: dt.datetime,
                 date_styles: Any, timedelta_styles: Any, max_col: int | None,
                 tally: list[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows of a worksheet XML stream, read ``_CHUNK`` bytes at a time.

    Mirrors openpyxl 3.1 (``WorkSheetParser.parse_cell`` with ``data_only``, and
    ``ReadOnlyWorksheet._cells_by_row``): numbers as int or float, date-styled numbers as
    dates, shared and inline strings, booleans, error codes as text; missing rows as empty
    ones; rows as wide as the declared size or their last cell, whichever is wider; every
    row there is, whatever the declared size (some export tools write too small a one).
    ``tally[0]`` counts the XML bytes read, for progress.
    """
    # openpyxl is heavy to import: only when a sheet is read
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
        if tally is not None:
            tally[0] += len(data)
        parser.Parse(data, not data)
        finished = not data
        for index, row in parsed:
            while counter < index:  # rows the sheet leaves out
                counter += 1
                yield empty_row
            if counter > index:
                continue
            counter += 1
            if not row and not max_col:
                yield ()
                continue
            width = max(max_col or 0, row[-1][0]) if row else max_col
            out = [None] * width
            for position, cell in row:
                if 1 <= position <= width:
                    out[position - 1] = cell
            yield tuple(out)
        parsed.clear()


def open_book(path: str | os.PathLike) -> Book:
    """A reader for a .csv or .xlsx file; ``Invalid`` (field "file") for anything else."""
    p = Path(path)
    if not p.is_file():
        raise Invalid(t("sheets.no_file", path=p), "file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return CsvBook(p)
    if suffix == ".xlsx":
        return XlsxBook(p)
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
            from openpyxl import Workbook  # heavy to import: only when an .xlsx is written

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
