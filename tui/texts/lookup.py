"""Texts of the lookup screen, the archive card and ``advisor find``."""

TEXTS = {
    # ---- lookup screen
    "screen.lookup": ("查档案", "Lookup"),
    "screen.lookup.help": (
        "输入车牌（整号或末 3 位以上，可不带省份）、手机末 4 位以上、车架号末 6–8 位、姓名或其开头、"
        "姓名拼音或首字母（如 zhangwei、zw）、派工单号或单位名称，结果随输入出现。"
        "↑↓ 选择，Enter 打开档案卡；光标移到末行时自动加载更多，Ctrl+N 也可加载。手机号只显示部分数字。",
        "Type a plate (whole, or its last 3+ characters, province optional), the last 4+ digits "
        "of a mobile, the last 6–8 characters of a VIN, a name or its start, the name's pinyin or "
        "initials (zhangwei, zw), a work-order number or an employer; results follow as you type. "
        "Up/Down choose, Enter opens the archive card; more rows load when the cursor reaches the "
        "last row, or on Ctrl+N. "
        "Mobiles are shown masked."),
    "lookup.placeholder": ("车牌 / 手机末 4 位 / 车架号末 6 位 / 姓名 / 拼音 / 派工单号 / 单位",
                           "Plate / mobile tail / VIN tail / name / pinyin / work order / employer"),
    "lookup.field_help": ("查询框：输入任意一种信息即可，不区分大小写，空格和“-”可有可无。",
                          "The search box: any one of these values; case, spaces and dashes don't matter."),
    "lookup.col.name": ("姓名", "Name"),
    "lookup.col.mobile": ("手机", "Mobile"),
    "lookup.col.plate": ("车牌", "Plate"),
    "lookup.col.vin": ("车架号", "VIN"),
    "lookup.col.last_visit": ("上次来站", "Last visit"),
    "lookup.col.match": ("匹配", "Match"),
    "lookup.status.idle": ("请输入查询内容", "Type something to look for"),
    "lookup.status.none": ("没有找到“{query}”", "Nothing found for “{query}”"),
    "lookup.status.some": ("共找到 {n} 条", "{n} found in all"),
    "lookup.status.more": ("已显示前 {n} 条，还有更多：移到末行或按 Ctrl+N 加载",
                           "First {n} shown, more follow: move to the last row or press Ctrl+N"),
    "lookup.match.exact_plate": ("车牌", "plate"),
    "lookup.match.plate_tail": ("车牌尾号", "tail"),
    "lookup.match.vin": ("车架号", "VIN"),
    "lookup.match.vin_tail": ("车架尾号", "VIN tail"),
    "lookup.match.mobile_tail": ("手机", "mobile"),
    "lookup.match.name": ("姓名", "name"),
    "lookup.match.pinyin": ("拼音", "pinyin"),
    "lookup.match.initials": ("首字母", "initials"),
    "lookup.match.work_order": ("派工单", "order"),
    "lookup.match.employer": ("单位", "employer"),
    "lookup.key.open": ("打开档案", "Open"),
    "lookup.key.search": ("查询框", "Search box"),
    "lookup.key.more": ("更多", "More"),
    # ---- archive card
    "card.title": ("档案卡：{name}", "Archive card: {name}"),
    "card.help": (
        "档案卡：1–5 切换分组（客户、车辆、维修、观察、联系）。E 编辑当前分组，F2 保存，Esc 取消；"
        "M 显示完整手机号，I 显示完整身份证号（每次显示都会记入审计日志）；C 添加联系记录。"
        "G 记录客户是否同意接收营销信息；X 为客户导出本人档案，A 匿名化档案（这两项仅限服务经理，均记入审计日志）。"
        "别人先保存了这份档案时，您的修改不会覆盖，输入内容保留。",
        "The archive card: 1–5 switch groups (customer, vehicles, visits, observation, contacts). "
        "E edits the group shown, F2 saves, Esc cancels; M shows the full mobile, I the full ID "
        "number (each reveal is written to the audit log); C adds a contact. G records whether "
        "the customer agrees to marketing; X exports the customer's own archive for them, A "
        "anonymises it (these two: service managers only, both in the audit log). If someone saved "
        "this archive first, your changes do not overwrite theirs and your input is kept."),
    "card.merged": ("这份档案已合并到 #{id}", "This archive was merged into #{id}"),
    "card.loading": ("正在读取档案…", "Loading the archive…"),
    "card.saved": ("已保存", "Saved"),
    "card.contact_saved": ("联系记录已添加", "Contact added"),
    "card.tab.customer": ("1 客户", "1 Customer"),
    "card.tab.vehicles": ("2 车辆", "2 Vehicles"),
    "card.tab.visits": ("3 维修", "3 Visits"),
    "card.tab.observation": ("4 观察", "4 Observation"),
    "card.tab.contacts": ("5 联系", "5 Contacts"),
    "card.key.section": ("分组", "Group"),
    "card.key.edit": ("编辑", "Edit"),
    "card.key.reveal_mobile": ("显示手机", "Show mobile"),
    "card.key.reveal_id": ("显示身份证", "Show ID"),
    "card.key.contact": ("加联系", "Add contact"),
    "card.key.next_vehicle": ("下一辆车", "Next vehicle"),
    "card.key.close": ("关闭", "Close"),
    "card.key.cancel": ("取消", "Cancel"),
    "card.badges": ("客户分类", "Segments"),
    "card.none": ("—", "—"),
    "card.no_vehicles": ("名下没有车辆", "No vehicles"),
    "card.no_visits": ("还没有维修记录", "No visits yet"),
    "card.no_contacts": ("还没有联系记录", "No contacts yet"),
    "card.vehicle_sold": ("（已转出）", "(sold on)"),
    "card.owners": ("车主记录", "Owners"),
    "card.owner_row": ("{name}：{start} 起{end}", "{name}: from {start}{end}"),
    "card.owner_until": ("，至 {end}", " to {end}"),
    "card.last_visit": ("上次来站 {date}，里程 {km} 公里", "Last visit {date}, {km} km"),
    "card.visit_line": ("{date}  {no}  {plate}  {km} 公里  合计 ¥{total}",
                        "{date}  {no}  {plate}  {km} km  total ¥{total}"),
    "card.visit_fees": ("工时 ¥{labour}  配件 ¥{parts}  其他 ¥{other}", "labour ¥{labour}  parts ¥{parts}  other ¥{other}"),
    "card.visit_part": ("· {name} × {qty} @ ¥{price}", "· {name} × {qty} @ ¥{price}"),
    "card.obs.visits": ("来站次数：{n}", "Visits: {n}"),
    "card.obs.span": ("首次 {first}，最近 {last}", "First {first}, latest {last}"),
    "card.obs.interval": ("平均来站间隔：{days} 天", "Average visit interval: {days} days"),
    "card.obs.interval_none": ("平均来站间隔：来站两次后才能计算", "Average visit interval: needs two visits"),
    "card.obs.spend": ("累计消费：¥{total}", "Total spend: ¥{total}"),
    "card.obs.chart": ("近 {months} 个月来站（每格一个月）：", "Visits in the last {months} months (one cell a month):"),
    "card.tags": ("标签：{text}", "Tags: {text}"),
    "card.purpose.reception": ("接待", "reception"),
    "card.purpose.prospect": ("潜在客户跟进", "prospect follow-up"),
    "card.purpose.marketing": ("营销", "marketing"),
    "card.traits": ("特质：{text}", "Traits: {text}"),
    "card.events": ("典型事件：{text}", "Typical events: {text}"),
    "card.note": ("备注：{text}", "Note: {text}"),
    "card.next_contact": ("下次联系：{date}", "Next contact: {date}"),
    "card.edit_title": ("编辑：{group}（F2 保存，Esc 取消）", "Edit: {group} (F2 saves, Esc cancels)"),
    "card.contact_title": ("添加联系记录（F2 保存，Esc 取消）", "Add a contact (F2 saves, Esc cancels)"),
    "card.consent_no": ("客户要求不再营销联系", "Asked not to be marketed to"),
    "card.revealed": ("已显示完整号码（已记录）", "Full number shown (recorded)"),
    "card.hint.mobile": ("手机：留空表示不改（灰字是遮盖后的现号码）；填完整的新号码即替换。要看或改现号码，先在档案卡按 M 显示（记入审计日志）",
                         "Mobile: empty keeps it (the grey text is the current number, masked); a whole new number replaces it. To see or correct the current one, press M on the card first (recorded in the audit log)"),
    "card.hint.id_number": ("身份证号：留空表示不改（灰字是遮盖后的现号码）；填完整的新号码即替换。要看、改或清除现号码，先在档案卡按 I 显示（记入审计日志）",
                            "ID number: empty keeps it (the grey text is the current number, masked); a whole new number replaces it. To see, correct or clear the current one, press I on the card first (recorded in the audit log)"),
    "card.hint.usage": ("用途：←→ 选择私家车、公务车或营运车", "Use: ←→ picks private, official or commercial"),
    "card.hint.payment_method": ("付款方式：←→ 选择；“未定”表示还没有付款方式", "Payment: ←→ picks one; “not set” when there is none yet"),
    "card.hint.channel": ("方式：←→ 选择前台、电话、短信、微信或信函", "Channel: ←→ picks desk, phone, SMS, WeChat or letter"),
    "card.hint.outcome": ("结果：←→ 选择；选“勿再联系”会同时撤回营销同意；不填表示没有结果可记",
                          "Outcome: ←→ picks one; “do not call” also withdraws marketing consent; none when there is nothing to record"),
    "card.outcome.none": ("（不填）", "(none)"),
    "card.placeholder.tags": ("用逗号分隔，如：老客户,价格敏感", "comma separated: regular,price-minded"),
    # ---- advisor find
    "cli.find.help": ("查找档案（与查档案界面相同的查询）", "Find archives (the same lookup as the Lookup screen)"),
    "cli.find.query": ("车牌、手机末位、车架号末位、姓名、拼音、派工单号或单位", "plate, mobile tail, VIN tail, name, pinyin, work order or employer"),
    "cli.find.json": ("以 JSON 列表输出", "print a JSON list"),
    "cli.find.limit": ("最多显示多少条（默认 20）", "at most this many rows (default 20)"),
    "cli.find.none": ("没有找到", "Nothing found"),
    "cli.find.more": ("（还有更多，用 --limit 显示更多）", "(more exist; use --limit to show more)"),
}
