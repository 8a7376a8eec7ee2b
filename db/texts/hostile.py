"""Texts of hostile input: hidden characters in stored values, paths that are not archives."""

TEXTS = {
    "quality.hidden": ("含有控制字符或不可见字符：{chars}", "Holds control or invisible characters: {chars}"),
    "db.missing": ("{path} 没有档案库：请检查路径。新建档案库请用 advisor demo 或 advisor import，或启动程序后确认新建",
                   "There is no archive at {path}: check the path. To create one, use advisor demo or advisor import, or start the program and confirm"),
    "db.missing_folder": ("目录 {folder} 不存在，{path} 没有档案库：请检查路径（不会自动创建）",
                          "The folder {folder} does not exist, so there is no archive at {path}: check the path (nothing is created)"),
    "db.empty_file": ("{path} 是一个空文件，不是本程序的档案库；没有写入任何内容",
                      "{path} is an empty file, not an archive of this program; nothing was written to it"),
    "db.not_ours": ("{path} 是另一个程序的数据库，不是本程序的档案库；没有写入任何内容",
                    "{path} is another program's database, not an archive of this program; nothing was written to it"),
}
