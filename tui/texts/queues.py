"""Texts of the call queues: names, why a row is due, outcomes, the queue screen and command."""

TEXTS = {
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
    "queues.outcome_keys": ("1–6 选结果 · Tab 备注 · F2 或回车：记录 · Esc：不记", "1–6 outcome · Tab note · F2/Enter record · Esc close"),
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
