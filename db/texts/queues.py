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
    # ---- the queue screen
    "screen.queues": ("待办", "Queues"),
    "screen.queues.help": (
        "今天该联系谁：左边是各队列和今天的数量，回车打开一个队列。行旁显示客户细分和对待建议、"
        "到期原因、手机号（已遮盖）和上次联系的备注。\n"
        "记录通话结果：1 已联系上，2 未接通，3 已预约，4 婉拒，5 号码错误，6 勿再联系；"
        "或按 R 打开结果对话框。P 推迟到某天。连续 5 次未接通的行标记为改发短信或信函。"
        "C 选择细分营销的客户细分。",
        "Who to call today: the queues with today's counts on the left; Enter opens one. Beside "
        "each row: the customer's segments and how to treat them, why the row is due, the masked "
        "mobile and the last contact's note.\n"
        "Record a call: 1 reached, 2 no answer, 3 booked, 4 declined, 5 wrong number, 6 do not "
        "call again; or R for the outcome dialog. P puts a row off to a date. Five unanswered "
        "calls mark a row for an SMS or letter. C chooses the campaign's segment."),
    "queues.empty": ("这个队列今天没有要联系的客户", "Nobody to contact in this queue today"),
    "queues.choose": ("← 选择一个队列，回车打开", "← choose a queue, Enter opens it"),
    "queues.rows": ("{queue}：{n} 行", "{queue}: {n} rows"),
    "queues.guidance": ("对待建议：", "How to treat them: "),
    "queues.last_note": ("上次联系：", "Last contact: "),
    "queues.no_contact": ("（还没有联系记录）", "(no contact yet)"),
    "queues.recorded": ("已记录：{outcome}（U 撤销）", "Recorded: {outcome} (U undoes)"),
    "queues.undone": ("已撤销：{outcome}，该行回到原来的状态", "Undone: {outcome}; the row is as it was"),
    "queues.nothing_to_undo": ("今天没有可撤销的回访结果", "No call outcome of today to undo"),
    "queues.postponed_to": ("已推迟到 {day}", "Put off to {day}"),
    "queues.campaign_choose": ("按 C 选择", "press C"),
    "queues.segment_prompt": ("选择细分营销的客户细分", "Choose the campaign's segment"),
    "queues.segment_keys": ("↑/↓ 移动，回车选定亮着的一项\n组合几类：空格逐项勾选（每类一项），再按回车",
                            "↑/↓ move, Enter chooses the highlighted one\nTo combine kinds: space ticks one per kind, then Enter"),
    "queues.segment_enter": ("回车选定：{segment}", "Enter chooses: {segment}"),
    "queues.segment_now": ("现在：{segment}", "Now: {segment}"),
    "queues.outcome_title": ("记录通话结果：{name}", "Record the call: {name}"),
    "queues.note": ("备注", "Note"),
    "queues.booked_date": ("预约日期", "Booked date"),
    "queues.postpone_title": ("推迟到哪天：{name}", "Put off to which day: {name}"),
    "queues.postpone_date": ("日期", "Date"),
    "queues.help.note": ("通话的备注：客户说了什么、有什么特点（可空）", "A note on the call: what the customer said, any trait shown (optional)"),
    "queues.help.booked": ("客户预约来站的日期，如 2026-12-01；选“已预约”时必填", "The day the customer booked to come, e.g. 2026-12-01; needed for “booked”"),
    "queues.help.postpone": ("到这一天再列出这一行。已填好建议的日期（“未接通”再打的间隔），回车接受，或直接输入另一个日期，如 2026-12-05",
                             "The row comes back on this day. The suggested day (the wait after “no answer”) is filled in: Enter accepts it, or type another date, e.g. 2026-12-05"),
    "queues.help.segment": ("可选的客户细分：车龄、用途、价值、职业、档次，以及客户最多的区域。勾选几类时取同时属于各类的客户，例如 出保 5 年内 + 私家车",
                            "The segments to choose from: vehicle age, use, value, occupation, class, and the districts with most customers. Ticking several kinds takes the customers in all of them, e.g. out of warranty ≤5 yrs + private car"),
    "key.queues.open": ("打开", "Open"),
    "key.queues.outcome": ("结果", "Outcome"),
    "key.queues.postpone": ("推迟", "Put off"),
    "key.queues.campaign": ("细分", "Segment"),
    "key.queues.undo": ("撤销", "Undo"),
    "key.queues.list": ("队列", "Queues"),
    "key.queues.confirm": ("确定", "OK"),
    "key.queues.tick": ("勾选", "Tick"),
    "key.queues.cancel": ("取消", "Cancel"),
    # ---- the shell command
    "cli.queues.help": ("列出今天各队列的数量，或一个队列的行", "Print today's count for each queue, or one queue's rows"),
    "cli.queues.name": ("队列名（不填则列出各队列数量）", "A queue's name (none: every queue's count)"),
    "cli.queues.json": ("以 JSON 输出", "Print JSON"),
    "cli.queues.limit": ("最多列出几行（默认 50）", "At most this many rows (default 50)"),
    "cli.queues.segment": ("细分营销的客户细分，如 age:mid,use:private", "The campaign's segment, e.g. age:mid,use:private"),
    "cli.queues.counts_title": ("{day} 各队列", "Queues on {day}"),
}
