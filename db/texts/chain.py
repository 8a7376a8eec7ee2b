"""Texts of the audit log's chain, refused attempts, and restores under open desks."""

TEXTS = {
    # ---- the log's entries
    "audit.action.refused": ("被拒绝", "Refused"),
    "audit.action.chain": ("开始链接", "Chained"),
    "audit.action.restore": ("从备份恢复", "Restored"),
    "audit.refused.pin": ("PIN 不对", "wrong PIN"),
    "audit.refused.retired": ("已停用的顾问", "a retired advisor"),
    "audit.refused.unknown": ("名单上没有这个名字：{name}", "not on the list: {name}"),
    "audit.refused.no_advisor": ("没有登录的顾问", "nobody signed in"),
    "roles.action.sign_in": ("登录", "sign in"),
    "audit.detail.chained": ("升级时把原有的 {n} 条记录（#{first}–#{last}）按原样接入哈希链；从这里起，改动、删除或插入记录都会被 advisor audit-verify 查出",
                             "On upgrade the {n} existing entries (#{first}–#{last}) were chained as found; from here on an edit, deletion or insertion is found by advisor audit-verify"),
    "audit.detail.restored": ("从备份 {file} 恢复（原数据库另存为 {aside}）", "Restored from the backup {file} (the replaced database was kept as {aside})"),
    "audit.origin": ("来自：{where}", "From: {where}"),
    "audit.origin.account": ("账户 {value}", "account {value}"),
    "audit.origin.terminal": ("终端 {value}", "terminal {value}"),
    "audit.origin.client": ("地址 {value}", "address {value}"),
    "audit.origin.key": ("密钥 {value}", "key {value}"),
    # ---- verify
    # ---- restore under open desks
    "desks.open_elsewhere": ("还有其他程序打开着档案 {path}（顾问的桌面或命令）：请先让大家退出（Ctrl+Q），再恢复",
                             "Other programs still have the archive {path} open (advisors' desks or commands): have everyone quit (Ctrl+Q) first, then restore"),
    "desks.restore_under_way": ("档案 {path} 正在从备份恢复，请稍后再打开", "The archive {path} is being restored from a backup; open it again in a moment"),
    "desks.cannot_lock": ("无法锁定 {path}：{reason}", "Cannot lock {path}: {reason}"),
    "desks.replaced": ("档案已从备份恢复，这个窗口打开的是恢复前的档案，不能再保存：请退出（Ctrl+Q）后重新打开程序，再把这次的内容录入一遍",
                       "The archive was restored from a backup after this window opened it; nothing can be saved from here: quit (Ctrl+Q), open the program again and enter this again"),
}
