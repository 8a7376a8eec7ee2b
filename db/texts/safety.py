"""Texts of data safety: backup, restore, daily copies, moving to PostgreSQL."""

TEXTS = {
    # ---- backup
    "backup.dest_is_dir": ("{path} 是一个目录：请给出备份文件的名字", "{path} is a folder: give the backup file a name"),
    "backup.same_file": ("备份文件不能就是数据库本身（{path}）", "The backup cannot be the database file itself ({path})"),
    "file.exists": ("文件 {path} 已存在，没有覆盖；请换一个文件名，或加 --force 覆盖它", "{path} already exists and was left as it is; choose another name, or add --force to replace it"),
    "backup.check_failed": ("备份 {path} 校验未通过（{reason}），已删除这份不完整的备份", "The backup {path} failed its check ({reason}); the incomplete copy was removed"),
    "backup.counts_differ": ("备份 {path} 的记录数与数据库不一致，已删除这份备份", "The backup {path} does not hold the same number of rows as the database; it was removed"),
    "backup.disk_full": ("磁盘已满，无法写完备份 {path}；数据库未受影响", "The disk is full; the backup {path} could not be finished. The database is untouched"),
    "backup.cannot_write": ("无法写入备份 {path}：{reason}", "Cannot write the backup {path}: {reason}"),
    "backup.no_pg_dump": ("备份 PostgreSQL 数据库需要 pg_dump 程序（postgresql-client），本机没有安装", "Backing up a PostgreSQL database needs the pg_dump program (postgresql-client), which is not installed here"),
    "backup.pg_dump_failed": ("pg_dump 失败：{reason}", "pg_dump failed: {reason}"),
    # ---- restore
    "restore.missing": ("找不到备份文件 {path}", "The backup file {path} does not exist"),
    "restore.damaged": ("{path} 已损坏（完整性检查未通过），不能用来恢复", "{path} is damaged (integrity check failed) and cannot be restored"),
    "restore.not_an_archive": ("{path} 是 SQLite 数据库，但不是本程序的档案", "{path} is a SQLite database but not an archive of this program"),
    "restore.pg_manual": ("PostgreSQL 数据库请由管理员用 pg_restore --clean --dbname … {file} 恢复", "A PostgreSQL database is restored by its administrator: pg_restore --clean --dbname … {file}"),
    # ---- move to PostgreSQL
    "migrate.not_postgres": ("目标必须是 postgresql:// 地址，不是“{target}”", "The target must be a postgresql:// URL, not “{target}”"),
    "migrate.source_not_sqlite": ("来源必须是 SQLite 数据库文件（用 --db 指定）", "The source must be a SQLite database file (give it with --db)"),
    "migrate.target_not_empty": ("目标数据库 {target} 里已经有档案（{table}），只能迁入空数据库", "The target {target} already holds data ({table}); moving goes into an empty database only"),
    "migrate.counts_differ": ("表 {table} 迁移后记录数不一致（来源 {source}，目标 {target}），已撤销", "Table {table} differs after the move (source {source}, target {target}); rolled back"),
}
