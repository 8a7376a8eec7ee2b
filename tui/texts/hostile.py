"""Texts of the question asked before a new archive is created at a path given."""

TEXTS = {
    "archive.create_ask": ("{path} 还没有档案库。\n在这里新建一个空的档案库吗？",
                           "There is no archive at {path} yet.\nCreate a new, empty archive there?"),
    "archive.create_yes": ("新建档案库", "Create it"),
    "archive.create_no": ("不新建，退出", "No, quit"),
    "archive.create_declined": ("没有新建档案库：{path}", "No archive was created at {path}"),
}
