"""Reading and writing the sheets people exchange: .csv and .xlsx, row by row.

Reading streams (bounded memory whatever the file's size): CSV through the csv module
over a decoded text stream, xlsx through openpyxl's read-only mode, which parses the sheet
XML as it goes. python-calamine reads xlsx about ten times faster but loads the whole
sheet at once (about 1 MB per thousand rows), so a large sales sheet would not fit the
memory budget; see bench/import.py for the figures.

CSV encodings: UTF-8 (with or without the BOM Excel writes) and GBK, which Excel on a
Chinese Windows uses for "CSV"; GB18030 is read as the superset of GBK.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.errors import Invalid
from db.i18n import t

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
    """The first worksheet, streamed (openpyxl read-only, values only)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a zip/XML error of any kind: not a workbook we can read
            raise Invalid(t("sheets.xlsx_broken", reason=type(exc).__name__), "file") from None
        self.encoding = "xlsx"
        sheet = self._book.worksheets[0]
        self._rows_total = _declared_rows(self._book, sheet)
        self._rows = sheet.iter_rows(values_only=True)
        self._line = 0
        self.header = tuple("" if v is None else str(v) for v in next(self._rows, ()) or ())
        self._line = 1

    def __iter__(self) -> Iterator[SheetRow]:
        for values in self._rows:
            self._line += 1
            yield SheetRow(self._line, tuple(values))

    def fraction(self) -> float | None:
        if self._rows_total <= 1:
            return None
        return min(self._line / self._rows_total, 1.0)

    def close(self) -> None:
        self._book.close()


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
    """Rows out to .csv (UTF-8 with BOM, so Excel shows the Chinese) or .xlsx (write-only)."""

    def __init__(self, path: str | os.PathLike, header: Sequence[str]) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise Invalid(t("sheets.kind", suffix=suffix or "?"), "file")
        self._xlsx = suffix == ".xlsx"
        try:
            if self._xlsx:
                from openpyxl import Workbook

                self._book = Workbook(write_only=True)
                self._sheet = self._book.create_sheet()
                self._sheet.append(list(header))
            else:
                self._file = open(self.path, "w", encoding="utf-8-sig", newline="")
                self._csv = csv.writer(self._file)
                self._csv.writerow(header)
        except OSError as exc:
            raise Invalid(t("sheets.cannot_write", path=self.path, reason=exc.strerror or exc), "file") from None
        self.rows = 0

    def write(self, values: Iterable[Any]) -> None:
        row = [_cell(v) for v in values]
        if self._xlsx:
            self._sheet.append(row)
        else:
            self._csv.writerow(["" if v is None else v for v in row])
        self.rows += 1

    def close(self) -> None:
        try:
            if self._xlsx:
                self._book.save(self.path)
            else:
                self._file.close()
        except OSError as exc:
            raise Invalid(t("sheets.cannot_write", path=self.path, reason=exc.strerror or exc), "file") from None

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value: Any) -> Any:
    """Dates stay dates (Excel shows them as dates); text stays text (a mobile is not a number).

    Text that a spreadsheet would run as a formula (a customer named ``=HYPERLINK(…)``) gets
    a leading apostrophe, the spreadsheet's own mark for "this is text".
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None or isinstance(value, (int, float, dt.date)):
        return value
    return str(value)
