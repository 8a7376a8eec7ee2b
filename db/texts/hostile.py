"""Texts of hostile input: hidden characters in stored values, paths that are not archives."""

TEXTS = {
    "quality.hidden": ("含有控制字符或不可见字符：{chars}", "Holds control or invisible characters: {chars}"),
}
