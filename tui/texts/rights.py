"""Texts of the customer's rights on screen: consent, their own copy, anonymisation;
and reopening a dropped prospect."""

TEXTS = {
    # ---- labels of fields named in the anonymisation's confirmation
    "card.hint.marketing_consent": ("营销同意：←→ 选择。同意：客户接收优惠和活动信息；不同意：移出营销清单；不变：这次没有问，保留现在的记录", "Marketing consent: ←→ picks. Agrees: the customer receives offers and campaigns; refuses: they leave the marketing lists; unchanged: not asked this time, the record stays"),
    # ---- the archive card's keys
    "card.key.export": ("导出本人档案", "Customer's copy"),
    "card.key.anonymise": ("匿名化", "Anonymise"),
    # ---- consent on the card
    "card.consent_line_yes": ("营销：客户同意接收优惠和活动信息", "Marketing: the customer agrees to offers and campaigns"),
    "card.consent_line_unknown": ("营销：尚未询问客户是否接收优惠和活动信息", "Marketing: the customer has not been asked yet"),
    "card.consent_question": ("客户是否同意接收优惠和活动信息（短信、电话、微信）？\n现在记录的是：{now}\n选择后立即生效并记入操作日志。", "Does the customer agree to receive offers and campaigns (SMS, calls, WeChat)?\nRecorded now: {now}\nTakes effect at once and is written to the audit log."),
    "card.consent_now_yes": ("同意", "yes"),
    "card.consent_now_no": ("不同意", "no"),
    "card.consent_now_unknown": ("尚未询问", "not asked"),
    "card.consent_answer_yes": ("同意", "Agrees"),
    "card.consent_answer_no": ("不同意", "Refuses"),
    "card.consent_answer_cancel": ("不变", "No change"),
    # ---- the customer's own copy
    "card.export_title": ("导出客户本人的档案：{name}", "The customer's own archive: {name}"),
    "card.export_path": ("文件（.xlsx、.json 或 .csv）", "File (.xlsx, .json or .csv)"),
    "card.export_help": ("导出给客户本人的档案副本（完整、未遮蔽）：四组信息、车辆、维修和联系记录。扩展名决定格式：.xlsx 表格、.json 或 .csv。已有的文件不会被覆盖。导出记入操作日志。", "A copy of the archive for the customer themself (whole, unmasked): the four groups, vehicles, visits and contacts. The ending chooses the format: .xlsx sheet, .json or .csv. An existing file is never overwritten. The export is written to the audit log."),
    # ---- anonymisation
    "card.anonymised": ("已匿名化", "anonymised"),
    "card.anon_title": ("匿名化档案 #{id}：", "Anonymise archive #{id}: "),
    "card.anon_final": ("此操作不能撤销。", "This cannot be undone."),
    "card.anon_erase": ("将清除", "Erased"),
    "card.anon_erase_fields": ("客户信息：{fields}", "Customer: {fields}"),
    "card.anon_erase_contacts": ("联系记录 {n} 条中的特质、典型事件、标签和备注", "Traits, events, tags and notes of {n} contacts"),
    "card.anon_erase_more": ("潜在客户登记 {prospects} 份；操作日志中的旧值 {audit} 条", "{prospects} prospect entries; old values in {audit} audit entries"),
    "card.anon_erase_merged": ("已并入这份档案的 {n} 份旧档案一并处理", "The {n} archives merged into this one, alike"),
    "card.anon_keep": ("将保留", "Kept"),
    "card.anon_keep_visits": ("工单 {visits} 张，费用合计 ¥{revenue}（全站统计不变）", "{visits} work orders, ¥{revenue} in all (the station's figures do not change)"),
    "card.anon_keep_cars": ("车辆 {n} 辆（{plates}）：解除车主关联，过户记录保留", "{n} vehicles ({plates}): no longer linked to an owner, ownership history kept"),
    "card.anon_keep_no_cars": ("名下没有车辆；过户记录保留", "No vehicles in their name; ownership history kept"),
    "card.anon_keep_fields": ("{fields}，联系的日期和结果", "{fields}, the dates and outcomes of contacts"),
    "card.anon_cancel": ("取消", "Cancel"),
    "card.anon_do": ("匿名化", "Anonymise"),
    # ---- prospects: the dropped list and reopening
    "prospects.key.dropped": ("已放弃", "Dropped"),
    "prospects.key.reopen": ("重新跟进", "Reopen"),
    "prospects.status_dropped": ("已放弃的潜在客户 {shown}/{total} 位 · Ctrl+R 重新跟进 · Ctrl+T 回到跟进中的名单", "{shown} of {total} dropped prospects · Ctrl+R reopens · Ctrl+T back to the open ones"),
    "prospects.reopened": ("已重新跟进：{name}", "Open again: {name}"),
}
