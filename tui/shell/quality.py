"""``advisor quality [--json]``: the daily upkeep report (db/quality.py)."""

from __future__ import annotations

import argparse

from db.i18n import field_label, listing, number, t
from db.safe_text import dumps, visible

NAME = "quality"
HELP_KEY = "cli.quality.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.quality.json"))
    parser.add_argument("--limit", type=int, default=20, help=t("cli.quality.limit"))


def run(args: argparse.Namespace) -> int:
    from db import quality
    from db.connection import open_database
    from db.masking import mask_mobile

    open_database(args.db)
    report = quality.report(limit=max(args.limit, 1))
    if args.json:
        # Personal data stays masked in the machine-readable report too.
        data = report.as_json()
        for item in data["worst"]:
            item["mobile"] = mask_mobile(item["mobile"])
        for groups in data["groups"].values():
            for group in groups:
                for m in group["members"]:
                    m["mobile"], m["id_number"] = mask_mobile(m["mobile"]), m["id_number"] and "***"
                if group["kind"] in ("mobile_names", "same_name_mobile"):
                    group["key"] = mask_mobile(group["key"][:11]) + group["key"][11:]
                elif group["kind"] == "same_id":
                    group["key"] = "***"
        for bad in data["bad"]:
            if bad["field"] in ("mobile", "id_number"):
                bad["value"] = "***"
        print(dumps(data, indent=1, default=str))
        return 0
    print(t("cli.quality.summary", score=report.station_score, archives=number(report.archives),
            incomplete=number(report.incomplete), bad=number(report.bad_values)))
    if report.worst:
        print("\n" + t("cli.quality.worst"))
        for a in report.worst:
            print(f"  #{a.customer_id:<7} {visible(a.name):<10} {mask_mobile(a.mobile):<12} {a.score:5.1f}%")
    if report.bad:
        print("\n" + t("cli.quality.bad"))
        for b in report.bad:
            value = "***" if b.field in ("mobile", "id_number") else b.value
            print(f"  {visible(b.who)} · {field_label(b.field)} {visible(value)}: {b.reason}")
    for kind, groups in report.groups.items():
        if not groups:
            continue
        print("\n" + t(f"quality.kind.{kind}") + f" ({number(report.duplicates[kind])})")
        for g in groups:
            names = listing(visible(f"#{m.customer_id} {m.name}" + (f" {m.vin}" if m.vin else "")) for m in g.members)
            print(f"  {mask_mobile(g.key[:11]) if kind in ('mobile_names', 'same_name_mobile') else ''}"
                  f"{'' if kind in ('mobile_names', 'same_name_mobile', 'same_id') else visible(g.key)} {names}")
    return 0
