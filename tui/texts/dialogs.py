"""Texts of F1 over the dialogs: what each dialog's keys do (tui/screens/*, ``HELP_KEY``)."""

TEXTS = {
    "dialog.confirm.help": ("一个问题，几个答案：←/→ 或 Tab 在答案之间移动，回车选定亮着的答案；Esc 等于取消，什么也不改。",
                            "A question with a few answers: ←/→ or Tab move between them, Enter gives the highlighted one; Esc cancels and changes nothing."),
    "dialog.ask.help": ("逐项填写：回车到下一项，最后一项回车或 F2 确定；Esc 取消，不做任何改动（改过内容时先问一句）。不被接受时原因显示在框内，填好的内容都还在。",
                        "Fill in the fields: Enter goes to the next, Enter on the last or F2 confirms; Esc cancels and changes nothing (asking first when something was typed). If refused, the reason shows in the box and what you typed stays."),
    "dialog.sign_in.help": ("登录：输入您的姓名，回车或 F2 确定；设有 PIN 的顾问接着输入 PIN。输入 PIN 时按 Esc 可换一个姓名。",
                            "Sign in: type your name, Enter or F2 confirms; an advisor with a PIN types it next. At the PIN, Esc goes back to choose another name."),
    "dialog.form.help": ("表单：回车或 Tab 到下一项，Shift+Tab 回到上一项，有固定选项的项用 ←/→ 挑选；F2 保存，Esc 取消（填写或改过内容时先问一句）。不合规的值在该项旁说明原因，已填写的内容不会丢失。",
                         "A form: Enter or Tab goes to the next field, Shift+Tab back, ←/→ picks in a field with fixed choices; F2 saves, Esc cancels (asking first when something was typed or picked). A value that breaks a rule is explained beside its field and nothing typed is lost."),
    "dialog.outcome.help": ("记录这通电话的结果：1–6 或 ↑/↓ 选结果，Tab 到备注和预约日期（“已预约”必须填日期），F2 或回车保存；Esc 关闭，不记录。",
                            "Record the call's outcome: 1–6 or ↑/↓ choose it, Tab reaches the note and the booked date (needed for “booked”), F2 or Enter saves; Esc closes without recording."),
    "dialog.postpone.help": ("把这一行推到某一天再列出：建议的日期已填好，回车或 F2 接受；也可直接输入另一个日期（如 2026-12-05）。Esc 关闭，不推迟。",
                             "Put the row off to a day: the suggested day is filled in, Enter or F2 accepts it; or type another date (e.g. 2026-12-05). Esc closes and nothing is put off."),
    "dialog.segment.help": ("选择细分营销的客户群：↑/↓ 在列表中移动，回车选定亮着的一项。要组合几类（如 出保 5 年内 + 私家车），用空格逐项勾选，每类只留一项，再按回车或 F2：选定的是勾选的组合。Esc 关闭不改。",
                            "Choose the campaign's segment: ↑/↓ move in the list, Enter chooses the highlighted one. To combine kinds (e.g. out of warranty ≤5 yrs + private car), tick each with space, one per kind, then Enter or F2: the ticked ones are chosen together. Esc closes and changes nothing."),
}
