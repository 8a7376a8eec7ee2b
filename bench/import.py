"""Import 100,000 sales rows from CSV and from xlsx: time and peak memory.

    python bench/import.py [--rows N] [--dir DIR]

Targets: CSV under 20 s, xlsx under 60 s, peak resident memory under 200 MB.
Each import runs in its own process into a fresh database, so its peak RSS is its own.
The files are generated first (Chinese headers, Excel date cells, ~1% bad rows).
Last line: ``import rows=<N> csv_s=<t> xlsx_s=<t> peak_mb=<m>``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = ["客户姓名", "手机号码", "身份证号", "车架号", "车牌号", "车型", "车身颜色", "发动机号",
          "开票日期", "地址", "职业"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def rows(n: int):
    from db.validate import id_check_char, vin_check_char

    for i in range(n):
        body = f"LFV2A215{0}A{i:07d}"
        vin = body[:8] + vin_check_char(body) + body[9:]
        first = f"1101051985{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % 24] + GIVEN[(i // 480) % 24]
        mobile = f"139{i:08d}"
        if i % 100 == 99:
            mobile = mobile[:9]  # about 1% bad rows
        day = dt.date(2018, 1, 1) + dt.timedelta(days=i % 2500)
        yield [name, mobile, first + id_check_char(first), vin, f"京A{i % 100000:05d}",
               "朗逸 1.5L", "白", f"E{i:08d}", day, "北京市朝阳区建国路 88 号", "工程师"]


def make_files(n: int, folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path, xlsx_path = folder / f"sales-{n}.csv", folder / f"sales-{n}.xlsx"
    if not csv_path.exists():
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for row in rows(n):
                row[8] = row[8].strftime("%Y/%-m/%-d")
                writer.writerow(row)
    if not xlsx_path.exists():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("销售")
        sheet.append(HEADER)
        for row in rows(n):
            sheet.append(row)  # dates as real Excel date cells
        book.save(xlsx_path)
        declare_dimension(xlsx_path, n + 1, len(HEADER))
    return csv_path, xlsx_path


def declare_dimension(path: Path, rows: int, columns: int) -> None:
    """Write the ``<dimension>`` declaration Excel and WPS put in every sheet.

    openpyxl's write-only mode leaves it out, and openpyxl's reader, finding none, parses
    the whole sheet once more just to size it (it doubled this benchmark's reading time).
    Sales sheets come from Excel or WPS, so the benchmark's file is made like theirs.
    """
    import shutil
    import zipfile

    from openpyxl.utils import get_column_letter

    tag = f'<dimension ref="A1:{get_column_letter(columns)}{rows}"/>'.encode()
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and b"<dimension" not in data[:4096]:
                data = data.replace(b"<sheetViews>", tag + b"<sheetViews>", 1)
            target.writestr(item, data)
    shutil.move(temporary, path)


def one(path: str, database: str) -> None:
    """Child process: import one file into a fresh database, print JSON figures."""
    from db.connection import open_database
    from db.importer import run_import

    open_database(database)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_import(path, rejects_path=database + ".rejects.csv")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": peak, "new": result.new,
                      "rejected": result.rejected, "rows": result.rows}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--one", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    folder = Path(args.dir or tempfile.mkdtemp(prefix="advisor-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    csv_path, xlsx_path = make_files(args.rows, folder)
    print(f"files ready in {time.perf_counter() - started:.1f} s: {csv_path.stat().st_size / 1e6:.1f} MB csv,"
          f" {xlsx_path.stat().st_size / 1e6:.1f} MB xlsx")
    figures = {}
    for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
        database = folder / f"bench-{kind}.sqlite"
        for leftover in folder.glob(f"bench-{kind}.sqlite*"):
            os.remove(leftover)
        done = subprocess.run([sys.executable, __file__, "--one", str(path), str(database)],
                              capture_output=True, text=True, check=True)
        figures[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        f = figures[kind]
        print(f"{kind}: {f['rows']} rows, {f['new']} new, {f['rejected']} rejected in {f['seconds']:.1f} s"
              f" ({f['rows'] / f['seconds']:.0f} rows/s; {f['cpu_s']:.1f} s of CPU: on a shared machine"
              f" the wall time is longer), peak {f['peak_mb']:.0f} MB")
    peak = max(f["peak_mb"] for f in figures.values())
    print(f"import rows={args.rows} csv_s={figures['csv']['seconds']:.1f} "
          f"xlsx_s={figures['xlsx']['seconds']:.1f} peak_mb={peak:.0f}")


if __name__ == "__main__":
    main()
