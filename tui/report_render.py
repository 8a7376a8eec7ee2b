"""The report drawn as text: bars and sparklines that fit 80 columns.

Shared by the report screen (a Rich ``Text`` in a Static) and ``advisor report`` (its
plain text). Uses Rich only, not Textual, so the shell command stays light. Padding is
by terminal cells (``rich.cells.cell_len``): Chinese labels are two cells wide.
"""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text

from db.i18n import t
from db.report import OUTCOME_COLUMNS, Report
from db.safe_text import visible

BLOCKS = " ▏▎▍▌▋▊▉█"
SPARKS = "▁▂▃▄▅▆▇█"


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad or cut ``text`` to ``width`` terminal cells."""
    while cell_len(text) > width:
        text = text[:-1]
    gap = " " * (width - cell_len(text))
    return gap + text if right else text + gap


def bar(value: float, largest: float, width: int) -> str:
    """A horizontal bar in eighths of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = round(width * 8 * min(value / largest, 1.0))
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def spark(values: list[float]) -> str:
    """Each value as one block, scaled from the smallest to the largest (a flat series
    draws a flat middle line)."""
    low, high = min(values, default=0), max(values, default=0)
    if high <= low:
        return SPARKS[3] * len(values)
    top = len(SPARKS) - 1
    return "".join(SPARKS[int((v - low) / (high - low) * top + 0.5)] for v in values)


def money(value: Decimal) -> str:
    return f"¥{value:,.0f}"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def columns(headers: list[str], rows: list[list[str]], minimums: list[int]) -> list[int]:
    """Each figure column as wide as its header or widest figure plus a space (at least
    its minimum): a big station's figures (160,280 work orders, ¥129,508,055 a segment,
    ¥10,792,337 a month) must never run into each other, and ``pad`` would cut them."""
    return [max(minimum, 1 + max([cell_len(header)] + [cell_len(row[n]) for row in rows]))
            for n, (header, minimum) in enumerate(zip(headers, minimums))]


def figures(values: list[str], widths: list[int]) -> str:
    return "".join(pad(value, width, True) for value, width in zip(values, widths))


def _title(text: Text, key: str, **values: object) -> None:
    text.append("\n" + t(key, **values) + "\n", style="bold")


def render(report: Report, width: int = 78) -> Text:
    text = Text()
    text.append(t("report.period", start=report.date_from, end=report.date_to,
                  visits=f"{report.visits:,}", revenue=money(report.revenue)) + "\n", style="bold")
    _segments(text, report, width)
    _months(text, report)
    _calls(text, report)
    _completeness(text, report, width)
    r = report.reminders
    _title(text, "report.reminders.title")
    text.append(t("report.reminders.line", sent=f"{r.sent:,}", came_back=f"{r.came_back:,}", days=r.within_days,
                  rate=rate(r.rate)) + "\n")
    return text


def _segments(text: Text, report: Report, width: int) -> None:
    _title(text, "report.segments.title")
    rows = [[f"{s.customers:,}", f"{s.visits:,}", money(s.revenue)] for s in report.segments]
    headers = [t("report.col.customers"), t("report.col.visits"), t("report.col.revenue")]
    cells = columns(headers, rows, [9, 7, 12])
    text.append(pad("", 16) + figures(headers, cells) + "\n", style="dim")
    largest = max((float(s.revenue) for s in report.segments), default=0)
    kind = None
    for s, row in zip(report.segments, rows):
        if s.kind != kind:
            kind = s.kind
            text.append(s.kind_label + "\n", style="italic")
        text.append(pad("  " + s.label, 16) + figures(row, cells) + " ")
        text.append(bar(float(s.revenue), largest, max(width - 18 - sum(cells), 4)) + "\n", style="green")


def _months(text: Text, report: Report) -> None:
    months = report.months
    _title(text, "report.months.title", how=t("report.months.how", months=report.lost_months))
    if not months:
        return
    label = 10
    for key, values, shown in (
        ("report.col.revenue", [float(m.revenue) for m in months], money(months[-1].revenue)),
        ("report.col.return_rate", [m.return_rate or 0 for m in months], rate(months[-1].return_rate)),
        ("report.col.churn_rate", [m.churn_rate or 0 for m in months], rate(months[-1].churn_rate)),
    ):
        text.append(pad(t(key), label))
        text.append(spark(values), style="cyan")
        text.append(f"  {months[0].month}…{months[-1].month}  {t('report.last')} {shown}\n")
    headers = [t(f"report.col.{key}") for key in
               ("visits", "revenue", "active", "returned", "return_rate", "churned", "churn_rate")]
    rows = [[f"{m.visits:,}", money(m.revenue), f"{m.active:,}", f"{m.returned:,}", rate(m.return_rate),
             f"{m.churned:,}", rate(m.churn_rate)] for m in months]
    cells = columns(headers, rows, [7, 12, 9, 7, 9, 7, 9])
    text.append(pad(t("report.col.month"), 9) + figures(headers, cells) + "\n", style="dim")
    for m, row in zip(months, rows):
        text.append(pad(m.month, 9) + figures(row, cells) + "\n")


def _calls(text: Text, report: Report) -> None:
    _title(text, "report.calls.title")
    headers = [t("report.col.calls"), t("report.col.follow_ups")]
    headers += [t(f"report.outcome.{outcome}") for outcome in OUTCOME_COLUMNS]
    rows = [[f"{line.calls:,}", f"{line.follow_ups:,}"] + [f"{line.outcomes[o]:,}" for o in OUTCOME_COLUMNS]
            for line in report.calls]
    cells = columns(headers, rows, [7, 7] + [9] * len(OUTCOME_COLUMNS))
    text.append(pad(t("report.col.advisor"), 12) + figures(headers, cells) + "\n", style="dim")
    if not report.calls:
        text.append(t("report.none") + "\n", style="italic")
    for line, row in zip(report.calls, rows):
        text.append(pad(visible(line.advisor), 12) + figures(row, cells) + "\n")


def _completeness(text: Text, report: Report, width: int) -> None:
    _title(text, "report.completeness.title")
    span = width - 36
    text.append(pad(t("report.station"), 12) + pad("", 10) + pad(f"{report.completeness:.1f}%", 8, True) + " ")
    text.append(bar(report.completeness, 100, span) + "\n", style="green")
    for line in report.completeness_by_advisor:
        text.append(pad(visible(line.advisor), 12) + pad(t("report.archives", n=f"{line.archives:,}"), 10, True)
                    + pad(f"{line.score:.1f}%", 8, True) + " ")
        text.append(bar(line.score, 100, span) + "\n", style="green")
