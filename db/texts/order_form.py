"""Texts of the reception order's facts as the reception form checks them (db/intake/order_facts.py)."""

TEXTS = {
    "orderform.promised_bad": ("看不懂交车时间“{text}”：可写 17:30、明天 10:00、+1 10:00 或 2026-12-08 10:00",
                               "Cannot read the promised time '{text}': write 17:30, +1 10:00 or 2026-12-08 10:00"),
    "orderform.promised_past": ("交车时间 {text} 已经过去，请写以后的时间", "The promised time {text} has passed: give a later one"),
    "orderform.hours_bad": ("工时“{text}”不对：写 0 到 999 之间的小时数，如 1.5",
                            "Labour hours '{text}' are wrong: hours from 0 to 999, such as 1.5"),
    "orderform.part_consent_needed": ("{kind}须经客户同意：在“同意”栏按 → 记下客户同意",
                                      "A {kind} part needs the customer's consent: press → in the consent column"),
    "orderform.damage_item": ("{area} {codes}", "{area} {codes}"),
    "orderform.codes_joiner": ("、", ", "),
    "orderform.items_joiner": ("；", "; "),
    "audit.action.part_consent": ("配件同意", "Part consent"),
    # the reception form's labels of these fields (db/i18n's field labels)
    "intake.f.order.diagnosis": ("诊断说明", "Diagnosis"),
    "intake.f.order.labour_hours": ("工时(小时)", "Labour hours"),
    "intake.f.order.promised_at": ("预计交车", "Promised for"),
    "intake.f.order.waiting": ("等候/留车", "Wait or leave"),
    "intake.f.order.old_parts": ("旧件处理", "Old parts"),
    "intake.f.order.walkaround.fuel": ("燃油", "Fuel"),
    "intake.f.order.walkaround.damage": ("车身外观", "Body"),
    "intake.f.order.walkaround.spare_tyre": ("备胎", "Spare tyre"),
    "intake.f.order.walkaround.tools": ("随车工具", "Tools"),
    "intake.f.order.walkaround.warning_lights": ("亮起的故障灯", "Warning lights"),
    "intake.f.order.walkaround.valuables": ("车内贵重物品", "Valuables"),
}
