"""Texts of the call queues: names, why a row is due, outcomes, the queue screen and command."""

TEXTS = {
    # ---- queue names
    "queue.first_maintenance": ("首保提醒", "First service"),
    "queue.maintenance": ("保养提醒", "Service due"),
    "queue.follow_up": ("回访", "Follow-up call"),
    "queue.warranty_end": ("质保到期", "Warranty ends"),
    "queue.insurance": ("续保", "Insurance due"),
    "queue.inspection": ("年检", "Inspection"),
    "queue.birthday": ("生日问候", "Birthdays"),
    "queue.drifting": ("流失预警", "Drifting away"),
    "queue.lost": ("流失客户", "Lost customers"),
    "queue.declined": ("未做项目再推荐", "Declined work"),
    "queue.prospects": ("潜在客户跟进", "Prospects"),
    "queue.campaign": ("细分营销", "Campaign"),
    # ---- why a row is due
    "queue.reason.first_maintenance": (
        "{purchase} 购车，{km} 公里；首保应在 {due} 前（{basis}）",
        "Bought {purchase}, {km} km; first service due by {due} ({basis})"),
    "queue.reason.maintenance": (
        "上次保养 {last}（{last_km} 公里），现约 {km} 公里；{due} 到期（{basis}）",
        "Last service {last} ({last_km} km), now about {km} km; due {due} ({basis})"),
    "queue.reason.maintenance_visit": (
        "本站无保养记录；上次来站 {visit}，现约 {km} 公里；{due} 到期（{basis}）",
        "No service on record here; last visit {visit}, now about {km} km; due {due} ({basis})"),
    "queue.basis.date": ("按时间", "by time"),
    "queue.basis.km": ("按里程推算", "by predicted mileage"),
    "queue.reason.follow_up": ("{visit} 来站，已过 {days} 天", "Visited {visit}, {days} days ago"),
    "queue.reason.follow_up_late": ("{visit} 来站，已过 {days} 天：回访已晚", "Visited {visit}, {days} days ago: the call is late"),
    "queue.reason.warranty_end": ("质保至 {end} 或 {end_km} 公里，现 {km} 公里", "Warranty to {end} or {end_km} km; now {km} km"),
    "queue.reason.insurance": ("保险 {expiry} 到期，还有 {days} 天", "Insurance ends {expiry}, in {days} days"),
    "queue.reason.inspection": ("{reg} 注册，第 {years} 年年检 {due}", "Registered {reg}; year-{years} inspection due {due}"),
    "queue.reason.birthday": ("{day} 生日（{age} 岁）", "Birthday {day} (turns {age})"),
    "queue.reason.drifting": ("{last} 最后来站，{months} 个月未来", "Last visit {last}, {months} months ago"),
    "queue.reason.lost": ("{last} 最后来站，已 {months} 个月未来", "Last visit {last}, {months} months ago"),
    "queue.reason.declined": ("{visit} 未做：{work}", "Declined on {visit}: {work}"),
    "queue.reason.prospects": ("约定 {due} 联系：{step}", "Contact due {due}: {step}"),
    "queue.reason.campaign": ("细分：{segment}", "Segment: {segment}"),
    "queue.letter": ("已 {n} 次未接通：改发短信或信函", "{n} calls unanswered: send an SMS or letter"),
    # ---- outcomes
    "queue.outcome.bad": ("未知的结果：{outcome}", "Unknown outcome: {outcome}"),
    "queue.booked_date_needed": ("结果为“已预约”时，请填写预约日期", "For “booked”, enter the booked date"),
    "queue.booked_date_past": ("预约日期不能早于今天", "The booked date can't be before today"),
    "queue.postpone_past": ("推迟到的日期应在今天之后", "Put it off to a day after today"),
    "queue.unknown": ("没有名为 {name} 的队列；可选：{names}", "There is no queue called {name}; choose from: {names}"),
    "queue.campaign_needed": ("细分营销队列需先选定客户细分", "Choose a segment for the campaign queue first"),
    "queue.gone": ("这一行已不在队列中（可能已被其他顾问处理）", "This row is no longer in the queue (another advisor may have handled it)"),
    # ---- settings added by the queues
    "setting.maintenance.lead_days": ("保养类提醒：提前几天开始致电", "Maintenance reminders: call this many days ahead"),
    "setting.maintenance.overdue_days": ("保养类提醒：逾期多少天后不再列出", "Maintenance reminders: keep overdue rows this many days"),
    "setting.declined.from_days": ("未做项目：来站后第几天开始再推荐", "Declined work: offer again from this many days after the visit"),
    "setting.declined.to_days": ("未做项目：来站后多少天内再推荐", "Declined work: offer again until this many days after the visit"),
    "setting.inspection.free_years": ("非营运车：注册后几年内免上线检验", "Non-commercial cars: years without an inspection after registration"),
    "setting.inspection.every_years": ("非营运车：此后每几年检验一次", "Non-commercial cars: then an inspection every this many years"),
    "setting.inspection.yearly_after_years": ("非营运车：车龄超过几年后每年检验", "Non-commercial cars: yearly inspections from this age"),
    "setting.calls.retry_days": ("未接通：几天后再打", "No answer: call again after this many days"),
}
