"""Texts of data safety: backup, restore, daily copies, moving to PostgreSQL."""

TEXTS = {
    # ---- backup
    "backup.cancelled": ("备份已取消，没有留下文件", "Backup cancelled; no file was left behind"),
    "backup.progress": ("备份中 {percent:.0f}%（{done}/{total} 页）", "Backing up {percent:.0f}% ({done}/{total} pages)"),
    "backup.done": ("备份完成：{path}（{size}，{rows} 条记录，已校验）", "Backup done: {path} ({size}, {rows} rows, checked)"),
    "backup.daily_taking": ("正在做今天的自动备份…（Ctrl+C 跳过）", "Taking today's automatic backup… (Ctrl+C skips it)"),
    "backup.daily_skipped": ("今天的自动备份已跳过", "Today's automatic backup was skipped"),
    "backup.daily_failed": ("今天的自动备份没有成功：{message}", "Today's automatic backup failed: {message}"),
    "cli.backup.help": ("把数据库备份到一个文件（可在顾问工作时进行，完成后校验）", "back the database up to a file (works while advisors keep working; checked afterwards)"),
    "cli.backup.file": ("备份文件", "the backup file"),
    "cli.force": ("覆盖已存在的文件", "replace the file if it exists"),
    # ---- restore
    "restore.progress": ("恢复中 {percent:.0f}%", "Restoring {percent:.0f}%"),
    "restore.cancelled": ("恢复已取消，数据库保持原样", "Restore cancelled; the database is as it was"),
    "restore.done": ("已从 {source} 恢复，共 {rows} 条记录", "Restored from {source}: {rows} rows"),
    "restore.aside": ("原来的数据库保存在 {path}", "The replaced database was kept as {path}"),
    "cli.restore.help": ("用备份文件替换数据库（原数据库另存一份）", "replace the database with a backup file (the replaced one is kept aside)"),
    "cli.restore.file": ("备份文件（advisor backup 生成的）", "the backup file (made by advisor backup)"),
    # ---- move to PostgreSQL
    "migrate.help": ("把 SQLite 档案完整复制到 PostgreSQL 数据库", "copy a SQLite archive into a PostgreSQL database"),
    "migrate.url": ("目标 PostgreSQL 地址 postgresql://用户@主机/库名", "the target, postgresql://user@host/dbname"),
    "migrate.progress": ("{table}：{done}/{total}", "{table}: {done}/{total}"),
    "migrate.done": ("已迁入 {target}：{rows} 条记录，各表记录数一致。以后请用 --db {target} 或 ADVISOR_DB", "Moved into {target}: {rows} rows, every table's count checked. From now on use --db {target} or ADVISOR_DB"),
}
